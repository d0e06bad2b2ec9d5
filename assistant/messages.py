"""Danish messages of the question-answering core: the notice every answer carries while
documents are not indexed, the sentence an answer limited to some documents carries,
and the error for a filter that names unknown documents."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

SHOWN_NAMES = 3  # unknown names quoted back in an error message; the rest are counted
SHOWN_VALID = 10  # valid names offered in that message
NAME_CHARS = 80  # a quoted name is cut to this length


def incomplete_notice(missing: int, total: int) -> str:
    """What every answer says while documents in the corpus folder are not indexed."""
    if not missing:
        return ""
    return f"{missing} af {total} dokumenter er ikke indekseret endnu; svaret kan være ufuldstændigt."


def scope_notice(titles: Sequence[str], total: int) -> str:
    """What an answer limited to some documents says: how many of how many, and which
    (a few titles; the rest counted). "" when every document was searched."""
    if not titles or len(titles) >= total:
        return ""
    shown = ", ".join(quoted(title) for title in titles[:SHOWN_NAMES])
    more = f" og {danish_number(len(titles) - SHOWN_NAMES)} andre" if len(titles) > SHOWN_NAMES else ""
    return f"Svaret bygger kun på {danish_number(len(titles))} af {danish_number(total)} dokumenter: {shown}{more}."


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def danish_date(value: str) -> str:
    """An ISO date as Danes write it (2021-08-26 → 26-08-2021); a year or period as it is."""
    match = _ISO_DATE.fullmatch(value.strip())
    return f"{match[3]}-{match[2]}-{match[1]}" if match else value.strip()


def danish_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # Danish thousands: 100.000


def quoted(name: object) -> str:
    text = name if isinstance(name, str) else repr(name)
    text = " ".join(text.split())
    return f"»{text[:NAME_CHARS]}{'…' if len(text) > NAME_CHARS else ''}«"


def unknown_documents(unknown: Sequence[object], valid: Collection[str]) -> str:
    """The message for a filter naming documents the index does not hold: a few of the
    unknown names and how many there are, a few valid ones; never the whole lists."""
    shown = ", ".join(quoted(name) for name in unknown[:SHOWN_NAMES])
    more = f" og {danish_number(len(unknown) - SHOWN_NAMES)} andre" if len(unknown) > SHOWN_NAMES else ""
    first = sorted(valid)[:SHOWN_VALID]
    tail = f" … ({danish_number(len(valid))} i alt)" if len(valid) > SHOWN_VALID else ""
    return (
        f"Ukendt dokument i filteret: {shown}{more}. "
        f"Gyldige navne (i forhold til dokumentmappen): {', '.join(first) or '(ingen)'}{tail}."
    )


def context_lead(read_as: str) -> str:
    """How an answer to a follow-up says how it read the question in the conversation."""
    return f"(Læst i sammenhæng med samtalen som »{read_as}«)"


def gather_lead(
    count: int,
    item: str,
    status: str = "",
    towns: Sequence[str] = (),
    topics: Sequence[str] = (),
    heading: str = "",
    cited: int | None = None,
    years: Sequence[str] = (),
) -> str:
    """The first line of an answer gathered from the trial register: where the items
    stand and how many ("Under »Forsøg, der ikke udbredes« [1] står 4 forsøg (stopper
    31/12-21):", "Aalborg står blandt kommunerne i 3 forsøg:")."""
    n = f"{danish_number(count)} {item}".strip()
    if heading and cited:
        return f"Under »{heading}« [{cited}] står {n}" + (f" ({status})" if status else "") + ":"
    if towns and not (status or topics or years):
        return f"{_joined(list(towns))} står blandt kommunerne i {n}:"
    parts = []
    if status:
        parts.append(f"status »{status}«")
    if towns:
        parts.append(f"{_joined(list(towns))} blandt kommunerne")
    if topics:
        parts.append(f"{_joined([quoted(t) for t in topics])} i titlen")
    if years:
        parts.append(f"en status, der gælder til {_joined(list(years))}")
    return f"Med {_joined(parts)} står {n}:"


def year_note(years: Sequence[str]) -> str:
    """The first line of a list gathered by a year alone: how the question was read."""
    shown = _joined(list(years))
    return f"Læst ud fra årstallet {shown}: forsøg, hvis status i dokumenterne gælder til {shown}."


def uncertain_note(also: Sequence[int], not_covered: bool = False) -> str:
    """The line after an uncertain answer, pointing to the other places that may hold it;
    ``not_covered``: the doubt is whether the documents speak of the question at all."""
    markers = ", ".join(f"[{n}]" for n in also)
    if not_covered:
        lead = "Usikkert svar: dokumenterne handler måske slet ikke om det, du spørger om. Tjek citatet"
        return f"{lead}. Nærmeste andre steder: {markers}." if also else f"{lead}, før du bruger det."
    if not also:
        return "Usikkert svar: tjek citatet, før du bruger det."
    return f"Usikkert svar: tjek citatet. Svaret kan også stå her: {markers}."


def participants_lead(count: int, title: str, cited: int) -> str:
    """The first line of the municipalities that took part in one trial: "I forsøget
    »Mikrolån« [1] deltog 1 kommune:"."""
    noun = "kommune" if count == 1 else "kommuner"
    return f"I forsøget {quoted(title)} [{cited}] deltog {danish_number(count)} {noun}:"


def uncertain_lead(things: str, name: str, cited: int, title: str, title_cited: int | None) -> str:
    """The line before ``things`` ("kommuner", "konklusioner") that only an uncertainly
    linked name of a trial has: they are shown, not counted or merged. ``title_cited``: the
    trial's own citation when this line opens the answer (the register links none of them
    to it for certain)."""
    where = f"ved {quoted(name)} [{cited}], som kun usikkert er knyttet til forsøget"
    if title_cited is not None:
        return (
            f"Registret knytter ingen {things} sikkert til forsøget {quoted(title)} [{title_cited}]. "
            f"Men {where}, står disse {things}:"
        )
    return f"Desuden står disse {things} {where} (ikke talt med):"


def findings_lead(title: str, cited: int, subject: str, first: bool) -> str:
    """The line before conclusions about one trial: about the trial itself, or under a
    theme (a slide's heading) the trial belongs to. ``first``: it opens the answer, so it
    names and cites the trial."""
    about = f"forsøget {quoted(title)} [{cited}]" if first else "forsøget"
    if not subject:
        return f"Evalueringernes konklusioner om {about}:"
    if first:
        return f"Om {about} står der under temaet {quoted(subject)}:"
    return f"Under temaet {quoted(subject)}, som forsøget hører under, står der:"


def decision_lead(title: str, cited: int, heading: str, heading_cited: int, status: str, grounds: bool) -> str:
    """The line before what was decided about one trial: where its status stands (a
    table's caption, a slide's heading) and, when the grounds follow, that they do."""
    line = f"Forsøget {quoted(title)} [{cited}] står under {quoted(heading)} [{heading_cited}] ({status})"
    return f"{line}. Begrundelsen:" if grounds else f"{line}."


def gather_uncertain(town: str, unsure: Sequence[tuple[str, str, int]]) -> list[str]:
    """The lines for a municipality named only under uncertain aliases (not counted):
    ``unsure`` holds (the alias's name, the trial it may be, its citation)."""
    if len(unsure) == 1:
        [(name, title, cited)] = unsure
        return [
            f"Desuden står {town} ved {quoted(name)} [{cited}], som kun usikkert er knyttet til "
            f"forsøget {quoted(title)}; det er ikke talt med."
        ]
    if not unsure:
        return []
    lead = (
        f"Desuden står {town} ved {danish_number(len(unsure))} navne, der kun usikkert kan knyttes til "
        "et forsøg; de er ikke talt med:"
    )
    return [lead, *(f"- {quoted(name)} [{cited}], måske forsøget {quoted(title)}" for name, title, cited in unsure)]


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} og {parts[-1]}"


def over_time_lead(said: Sequence[tuple[str, str, str]]) -> str:
    """The first line of an answer whose dated sources state different values, newest
    first: "Dokumenterne siger forskelligt over tid. Nyeste først: »A« (2022) siger frem
    til udgangen af 2023; »B« (2021) siger til udgangen af 2022." ``said``: (title, date,
    value) newest first."""
    by_document: dict[tuple[str, str], list[str]] = {}
    for title, date, value in said:
        by_document.setdefault((title, date), []).append(value)
    parts = [
        f"{quoted(title)}{f' ({danish_date(date)})' if date else ''} siger {_joined(values)}"
        for (title, date), values in by_document.items()
    ]
    return "Dokumenterne siger forskelligt over tid. Nyeste først: " + "; ".join(parts) + "."


def dated_line(title: str, date: str, text: str, cited: int) -> str:
    """One dated source's statement in such an answer."""
    when = f" ({danish_date(date)})" if date else ""
    return f"- {quoted(title)}{when}: {text} [{cited}]"


def set_note(item: str) -> str:
    """After a statement about the items as a set, in an answer about one of them."""
    return f"(siger det om flere {item} på én gang og nævner ikke dette ved navn)"
