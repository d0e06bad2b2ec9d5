"""The "Forsøg" tab's rendering and export (ui/trials.py), without a browser."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest

from core.register import (
    REGISTER_FILE,
    Alias,
    Conclusion,
    Municipalities,
    Register,
    RegisterCitation,
    Statement,
    Trial,
    TrialStatus,
    save_register,
)
from ui import trials
from ui.trials import BUILDING, EMPTY, MISSING, Exports, trials_html, trials_state, write_csv, write_xlsx

HOSTILE = '<script>window.__xss = 1</script> "><img src=x onerror=alert(1)>'
QUOTE_NL = 'Forsøg, der\nstopper; "helt" 31/12-21'  # a newline, the separator and quotes: verbatim


def _cite(quote: str, start: int, date: str = "2021-08-26", source: str = "bilag-1.txt") -> RegisterCitation:
    return RegisterCitation(
        source=source,
        title="Bilag 1",
        locator="tabel 2, række 1",
        quote=quote,
        start=start,
        end=start + len(quote),
        date=date,
    )


def _register() -> Register:
    hostile = Trial(
        title=HOSTILE,
        citation=_cite(HOSTILE, 10),
        aliases=[
            Alias(
                name="Ildfluer i <b>Testrup</b>",
                source="b.txt",
                confidence=0.71,
                uncertain=True,
                citation=_cite("Ildfluer i <b>Testrup</b>", 5, "2022", "b.txt"),
            ),
            Alias(name=HOSTILE, source="c.txt", confidence=1.0, citation=_cite(HOSTILE, 7, "2021", "c.txt")),
        ],
        status=TrialStatus(
            value="stopper", until="31/12-21", citation=_cite(QUOTE_NL, 100), until_citation=_cite("31/12-21", 140)
        ),
        municipalities=Municipalities(
            value=["Brgnderslev", "Thi'sted"],
            repaired=["Brønderslev", "Thi'sted"],
            citations=[_cite("Brgnderslev, Thi'sted", 200, "2021", "n.txt")],
        ),
        conclusions=[Conclusion(text='=HYPERLINK("http://x")', citation=_cite('=HYPERLINK("http://x")', 300))],
    )
    plain = Trial(
        title="Mikrolån",
        citation=_cite("Mikrolån", 400),
        status=TrialStatus(value="ikke_i_opfølgning", citation=_cite("Forsøg, der ikke indgår", 380)),
        municipalities=Municipalities(value=["Aalborg"], citations=[_cite("Aalborg", 500), _cite("Aalborg", 600)]),
        conclusions=[Conclusion(text="Færre regler", citation=_cite("Færre regler", 700), subject="Færre proceskrav")],
    )
    return Register(trials=[hostile, plain])


def test_hostile_text_renders_as_text() -> None:
    html = trials_html(_register())
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;" in html
    assert "Ildfluer i &lt;b&gt;Testrup&lt;/b&gt;" in html
    assert "Thi'sted" not in html.split("data-towns=")[1].split(">")[0]  # the JSON attribute cannot be closed early
    assert "Thi\\u0027sted" in html


def test_cells_link_to_their_spans_with_the_date() -> None:
    html = trials_html(_register())
    status = html.split('<td class="status"')[1].split("</td>")[0]
    href = status.split('href="')[1].split('"')[0].replace("&amp;", "&")
    query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
    assert query == {"doc": "bilag-1.txt", "start": "100", "end": str(100 + len(QUOTE_NL))}
    assert 'data-start="100"' in status and f'data-end="{100 + len(QUOTE_NL)}"' in status
    assert "dato: 2021-08-26" in status and ">stopper</a>" in status
    until = html.split('<td class="until"')[1].split("</td>")[0]
    assert "start=140" in until and ">31/12-21</a>" in until
    assert "indgår ikke i opfølgningen" in html
    # an uncertain alias is marked, a name the trial shares says where it is also found
    assert ">usikker</span>" in html and "samme navn i" in html
    towns = html.split('<td class="towns"')[1].split("</td>")[0]
    assert ">Brønderslev, Thi&#39;sted</a>" in towns  # the repaired spelling, as one link
    second = html.split("<tr ")[2]  # two citations for the municipalities: a link to each
    assert "kilde 1</a>" in second and "kilde 2</a>" in second and "start=600" in second


def test_filters_offer_the_statuses_and_towns_present() -> None:
    html = trials_html(_register())
    assert '<option value="stopper">stopper (1)</option>' in html
    assert '<option value="ikke_i_opfølgning">indgår ikke i opfølgningen (1)</option>' in html
    assert "forlænget" not in html.split("filter-status")[1].split("</select>")[0]
    assert '<option value="Aalborg">Aalborg</option>' in html and "Viser alle 2 forsøg" in html


def test_no_register_says_why() -> None:
    assert BUILDING in trials_html(None, busy=True)
    assert MISSING in trials_html(None, busy=False)
    assert EMPTY in trials_html(Register())


def test_csv_round_trips_with_verbatim_quotes(tmp_path: Path) -> None:
    path = write_csv(_register(), tmp_path / "r.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte order mark: Excel reads UTF-8, æøå intact
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, first, second = rows[0], rows[1], rows[2]
    row = dict(zip(header, first, strict=True))
    assert header[:6] == ["Forsøg", "Status", "Til", "Kommuner", "Også kaldt", "Konklusioner"]
    assert row["Forsøg"] == HOSTILE and row["Forsøg: citat"] == HOSTILE
    assert row["Status"] == "stopper" and row["Status: citat"] == QUOTE_NL
    assert (row["Status: kilde"], row["Status: start"], row["Status: slut"]) == (
        "bilag-1.txt",
        "100",
        str(100 + len(QUOTE_NL)),
    )
    assert row["Status: dato"] == "2021-08-26" and row["Til: citat"] == "31/12-21"
    assert row["Kommuner"] == "Brønderslev, Thi'sted" and row["Kommuner 1: citat"] == "Brgnderslev, Thi'sted"
    assert "usikker" in row["Også kaldt"]
    assert row["Konklusion 1: citat"] == '\'=HYPERLINK("http://x")'  # never run as a formula by Excel
    other = dict(zip(header, second, strict=True))
    assert other["Status"] == "indgår ikke i opfølgningen" and other["Kommuner 2: start"] == "600"
    assert other["Konklusioner"] == "(om Færre proceskrav) Færre regler"  # a shared theme's, marked so


def test_a_trial_without_a_status_says_so_in_the_spreadsheet() -> None:
    bare = Trial(title="Grusstier", citation=_cite("Grusstier", 10))
    header, row = trials.export_table(Register(trials=[bare]))
    assert dict(zip(header, row, strict=True))["Status"] == "status ikke angivet"


def test_xlsx_round_trips_with_verbatim_quotes(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = write_xlsx(_register(), tmp_path / "r.xlsx")
    sheet = load_workbook(path).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Forsøg"] == HOSTILE and row["Status: citat"] == QUOTE_NL
    assert row["Status: start"] == 100 and row["Status: slut"] == 100 + len(QUOTE_NL)
    assert row["Konklusion 1: citat"] == '=HYPERLINK("http://x")'  # verbatim, stored as text
    assert sheet.cell(2, rows[0].index("Konklusion 1: citat") + 1).data_type == "s"
    assert sheet.title == "Forsøg"


def _service(data_dir: Path, busy: bool = False) -> SimpleNamespace:
    settings = SimpleNamespace(data_dir=data_dir, corpus_dir=data_dir.parent / "corpus")
    return SimpleNamespace(settings=settings, status=SimpleNamespace(busy=busy))


def test_state_follows_the_register_file(tmp_path: Path) -> None:
    exports = Exports(tmp_path / "exports")
    service = _service(tmp_path / "data", busy=True)
    state = trials_state(service, exports)  # type: ignore[arg-type]
    assert BUILDING in state.html and state.csv is None and state.xlsx is None

    save_register(tmp_path / "data" / REGISTER_FILE, _register())
    state = trials_state(service, exports)  # type: ignore[arg-type]
    assert "Mikrolån" in state.html and state.csv and state.xlsx
    assert state.csv.name == "forsoegsregister.csv" and state.xlsx.name == "forsoegsregister.xlsx"
    written = state.csv.stat().st_mtime_ns
    again = trials_state(service, exports)  # type: ignore[arg-type]
    assert again.csv == state.csv and again.csv.stat().st_mtime_ns == written  # written once per version


def test_a_corrupt_register_is_a_danish_message_without_paths(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / REGISTER_FILE).write_text("{ not json", encoding="utf-8")
    state = trials_state(_service(data), Exports(tmp_path / "exports"))  # type: ignore[arg-type]
    assert "ugyldigt" in state.html and str(tmp_path) not in state.html and state.csv is None


def test_an_unexpected_error_is_one_plain_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "data"
    save_register(data / REGISTER_FILE, _register())

    def boom(*args: object) -> None:
        raise RuntimeError("/secret/path exploded")

    monkeypatch.setattr(trials, "write_csv", boom)
    state = trials_state(_service(data), Exports(tmp_path / "exports"))  # type: ignore[arg-type]
    assert trials.UNREADABLE in state.html and "secret" not in state.html


def _later_register() -> Register:
    row = _cite("Forsøg, der forlænges til udgangen af 2022", 100)
    said = _cite("en række af forsøgene frem til udgangen af 2023", 900, "2022", "eval.txt")
    alias = Alias(
        name="Grusveje",
        source="eval.txt",
        confidence=0.7,
        uncertain=True,
        municipalities=Municipalities(value=["Testrup"], citations=[_cite("Testrup", 950, "2022", "eval.txt")]),
        conclusions=[Conclusion(text="Færre huller", citation=_cite("Færre huller", 960, "2022", "eval.txt"))],
    )
    trial = Trial(
        title="Grusstier",
        citation=_cite("Grusstier", 10),
        status=TrialStatus(value="forlænget", until="udgangen af 2022", citation=row, until_citation=row),
        aliases=[alias],
    )
    statement = Statement(predicate="forlænget", until="udgangen af 2023", citation=said, until_citation=said)
    return Register(trials=[trial], statements=[statement])


def test_a_later_until_for_a_set_of_trials_and_an_uncertain_names_findings_are_shown_apart() -> None:
    html = trials_html(_later_register())
    until = html.split('<td class="until"')[1].split("</td>")[0]
    assert "senere" in until and "om en række af forsøgene" in until and "udgangen af 2023" in until
    conclusions = html.split('<td class="conclusions"')[1].split("</td>")[0]
    assert "Færre huller" in conclusions and "usikkert navn" in conclusions
    towns = html.split('<td class="towns"')[1].split("</td>")[0]
    assert "under usikkert navn: Testrup" in towns
    assert "Testrup" not in html.split("data-towns=")[1].split(">")[0]  # not counted: not in the filter
