"""The trial register as the assistant reads and shows it (issue 13; ingest builds it)."""

from __future__ import annotations

from core.config import Settings
from core.errors import IndexNotBuiltError
from core.register import REGISTER_FILE, Register, RegisterCitation, TrialStatus, date_key, load_register

__all__ = [
    "NO_REGISTER",
    "STATUS_LABELS",
    "NoRegisterError",
    "format_register",
    "print_register",
    "read_register",
    "until_phrase",
]

NO_REGISTER = "Der er intet forsøgsregister endnu: kør python -m ingest"
STATUS_LABELS = {
    "forlænget": "forlænget",
    "stopper": "stopper",
    "udbredt": "udbredt",
    "ikke_i_opfølgning": "indgår ikke i opfølgningen",  # as the app and the spreadsheet say it
}

FIELD_LABELS = {"status": "status", "until": "slutdato"}


class NoRegisterError(IndexNotBuiltError):
    """No register has been built yet (exit code 2: the command cannot be used yet)."""

    exit_code = 2


def read_register(settings: Settings) -> Register:
    """The register in the data directory; NoRegisterError when there is none."""
    register = load_register(settings.data_dir / REGISTER_FILE)
    if register is None:
        raise NoRegisterError(NO_REGISTER)
    return register


def format_register(register: Register) -> str:
    """Danish, one trial a line: title, status, until, municipalities; then uncertain links and conflicts."""
    if not register.trials:
        return "Forsøgsregistret er tomt: ingen tabel eller liste i dokumenterne nævner forsøg."
    lines = [f"Forsøgsregister ({len(register.trials)} forsøg)", ""]
    for trial in register.trials:
        status = STATUS_LABELS.get(trial.status.value, trial.status.value) if trial.status else "status ikke angivet"
        until = f" {until_phrase(trial.status)}" if trial.status and trial.status.until else ""
        towns = trial.municipalities.repaired or trial.municipalities.value
        where = f" – kommuner: {', '.join(towns)}" if towns else ""
        lines.append(f"• {trial.title} – {status}{until}{where}")
        source = f"  kilde: {trial.citation.source}" + (f", {trial.citation.locator}" if trial.citation.locator else "")
        lines.append(source)
        for st in register.later_statements(trial):
            lines.append(
                f"  senere ({_dated(st.citation)}), om en række af forsøgene uden at nævne hvilke: "
                f"{st.until_phrase or st.until}"
            )
        for conclusion in trial.conclusions:
            about = f" (om {conclusion.subject})" if conclusion.subject else ""
            lines.append(f"  konklusion ({_dated(conclusion.citation)}){about}: {conclusion.text}")
        for reason in trial.reasons:
            lines.append(f"  begrundelse ({_dated(reason.citation)}): {reason.text}")
        for alias in trial.aliases:
            mark = " (usikker)" if alias.uncertain else ""
            lines.append(f"  også kaldt: {alias.name!r} i {alias.source} (lighed {alias.confidence:.2f}){mark}")
            alias_towns = alias.municipalities.repaired or alias.municipalities.value
            if alias_towns:
                lines.append(f"    kommuner under dette navn{mark}: {', '.join(alias_towns)}")
            for conclusion in alias.conclusions:
                lines.append(
                    f"    konklusion under dette navn{mark} ({_dated(conclusion.citation)}): {conclusion.text}"
                )
    counts = register.counts()
    total = [f"{STATUS_LABELS[k]} {counts[k]}" for k in STATUS_LABELS]
    lines += ["", "I alt: " + ", ".join(total + ([f"status ikke angivet {counts['']}"] if counts.get("") else []))]
    if register.statements:
        lines += ["", "Om forsøgene samlet (nyeste først):"]
        for st in sorted(register.statements, key=lambda st: date_key(st.citation.date), reverse=True):
            lines.append(f"  {_dated(st.citation)}: {st.text or st.citation.quote}")
    for conflict in register.conflicts:
        where = "; ".join(f"{_dated(c)}: {c.quote!r}" for c in conflict.citations)
        field = FIELD_LABELS.get(conflict.field, conflict.field)
        values = " og ".join(STATUS_LABELS.get(v, v) for v in conflict.values)
        lines.append(f"Uoverensstemmelse om {field} for {conflict.title!r}: {values} (nyeste først; {where})")
    return "\n".join(lines)


def until_phrase(status: TrialStatus) -> str:
    """The "until" as it reads after the status: "til udgangen af 2022", "31/12-21"."""
    if status.until_phrase:
        return status.until_phrase
    if status.until[:1].isdigit() or status.value == "stopper":  # a register built before until_phrase
        return status.until
    return f"til {status.until}"


def _dated(citation: RegisterCitation) -> str:
    return f"{citation.source}, {citation.date}" if citation.date else citation.source


def print_register(settings: Settings, as_json: bool = False) -> int:
    """`python -m assistant forsøg [--json]`: the register on stdout; NoRegisterError without one."""
    register = read_register(settings)
    print(register.model_dump_json(indent=2) if as_json else format_register(register))
    return 0
