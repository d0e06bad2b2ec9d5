"""The register's reasons and dated statements (ingest/register.py, ingest/register_read.py),
on small documents read with the corpus's own vocabulary file."""

from __future__ import annotations

import pytest

from core.config import PROJECT_ROOT
from core.register import Register, RegisterCitation
from ingest.register import DocumentText, build_register
from ingest.register_read import load_vocabulary, read
from tests.ingest import test_register

VOCAB = load_vocabulary(PROJECT_ROOT / "corpus" / "register.toml")

REASONS = (
    "Notat\n\nTabel 1\n\nForsøg, der stopper\n"
    "Titel\tKommuner\tBeslutningsgrundlag\n"
    "Digitale breve\tAalborg\t<p>Forsøget har ikke virket.</p><p>Kommunerne ønsker det ikke.</p>\n"
    "Færre møder\tThisted\t<p>Der er for få sager i</p>\n\t\t<p>jobcentret, og forsøget stopper.</p>\n"
)


def _doc(source: str, text: str, date: str = "2021-08-26") -> DocumentText:
    return DocumentText(source=source, title=f"Titel på {source}", date=date, text=text)


def _verbatim(citation: RegisterCitation, text: str) -> bool:
    return text[citation.start : citation.end] == citation.quote


def _build(text: str, date: str = "2021-08-26") -> Register:
    return build_register([_doc("notat.txt", text, date)], VOCAB)


def test_the_vocabulary_file_names_the_reason_columns_and_the_ends_words() -> None:
    assert {"beslutningsgrundlag", "begrundelse"} <= set(VOCAB.reason_columns)
    assert "udløber" in VOCAB.ends
    assert VOCAB.column("Beslutningsgrundlag") == "reasons"


def test_a_reason_column_gives_one_reason_per_paragraph_cited_verbatim() -> None:
    register = _build(REASONS)
    letters = next(t for t in register.trials if t.title == "Digitale breve")
    assert [r.text for r in letters.reasons] == ["Forsøget har ikke virket.", "Kommunerne ønsker det ikke."]
    assert all(_verbatim(r.citation, REASONS) for r in letters.reasons)
    assert [r.citation.quote for r in letters.reasons] == ["Forsøget har ikke virket.", "Kommunerne ønsker det ikke."]
    assert letters.municipalities.value == ["Aalborg"]  # the other columns are read as before
    assert letters.conclusions == []  # the reasons are not conclusions


def test_a_paragraph_cut_over_two_table_lines_is_one_reason() -> None:
    register = _build(REASONS)
    meetings = next(t for t in register.trials if t.title == "Færre møder")
    [reason] = meetings.reasons
    assert reason.text == "Der er for få sager i jobcentret, og forsøget stopper."
    assert reason.citation.quote.startswith("Der er for få sager i</p>")
    assert reason.citation.quote.endswith("jobcentret, og forsøget stopper.")
    assert _verbatim(reason.citation, REASONS)


CUT_OVER_CELLS = (
    "Forsøg, der stopper\n"
    "Titel\tForsøgsmuligheder\tBeslutningsgrundlag\n"
    "Lempede regler\tMere fleksibel ved:\tForsøget er blevet overhalet af LAB-\n"
    "\t<p>1) Borgeren fritages.</p>\t<p>forenkling, hvor tilbuddet blev afskaffet.</p> <p>Der er få sager.</p>\n"
)


def test_a_paragraph_whose_rest_follows_the_next_lines_other_cells_is_one_reason_in_two_pieces() -> None:
    [trial] = _build(CUT_OVER_CELLS).trials
    first, second = trial.reasons
    # read as one, with the hyphen of the break joined
    assert first.text == "Forsøget er blevet overhalet af LAB-forenkling, hvor tilbuddet blev afskaffet."
    # each piece cited verbatim, and neither holds the other column's cell between them
    assert first.citation.quote == "Forsøget er blevet overhalet af LAB-"
    assert [c.quote for c in first.more] == ["forenkling, hvor tilbuddet blev afskaffet."]
    assert all(_verbatim(c, CUT_OVER_CELLS) for c in [first.citation, *first.more])
    assert second.text == "Der er få sager." and second.more == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Der er for få sager.", "jobcentret lukker."),  # the first ends a sentence
        ("Der er for få sager i", "Jobcentret lukker."),  # the second starts a new one
    ],
)
def test_paragraphs_over_two_lines_that_are_not_one_cut_sentence_stay_two(first: str, second: str) -> None:
    text = f"Forsøg, der stopper\nTitel\tBegrundelse\nFærre møder\t<p>{first}</p>\n\t<p>{second}</p>\n"
    [trial] = _build(text).trials
    assert [r.citation.quote for r in trial.reasons] == [first, second]


def test_a_cell_without_paragraph_tags_is_one_reason() -> None:
    text = "Forsøg, der stopper\nTitel\tBegrundelse\nFærre møder\tFor få sager. Ingen ønsker det.\n"
    [trial] = _build(text).trials
    assert [r.text for r in trial.reasons] == ["For få sager. Ingen ønsker det."]


STATUS_NOTE = (
    "Status på forsøgene\n\n"
    "En række af forsøgene er blevet forlænget frem til udgangen af 2023. Loven blev vedtaget 31/12-21.\n\n"
    "Tabel 1\n\nForsøg, der forlænges til udgangen af 2022\t\n"
    "Titel\tBemærkning\n"
    "Digitale breve\tForsøget er forlænget til udgangen af 2024.\n"
)


def test_a_sentence_outside_the_table_with_a_status_and_an_until_is_a_statement() -> None:
    register = _build(STATUS_NOTE, "2022-03-01")
    [statement] = register.statements  # the caption and the row's remark are the table's
    sentence = "En række af forsøgene er blevet forlænget frem til udgangen af 2023."
    assert (statement.predicate, statement.until) == ("forlænget", "udgangen af 2023")
    assert statement.until_phrase == "frem til udgangen af 2023"
    assert statement.text == sentence and statement.citation.quote == sentence
    assert statement.until_citation.quote == "udgangen af 2023"
    assert statement.citation.date == "2022-03-01" and statement.citation.source == "notat.txt"
    assert _verbatim(statement.citation, STATUS_NOTE) and _verbatim(statement.until_citation, STATUS_NOTE)
    # the table is still read as the trial's structure, with the caption's until
    [trial] = register.trials
    assert (trial.status.value, trial.status.until) == ("forlænget", "udgangen af 2022")


def test_the_tables_region_is_a_unit_and_the_sentence_before_it_is_not() -> None:
    units = read(STATUS_NOTE, VOCAB).units
    inside = STATUS_NOTE.index("Forsøget er forlænget til udgangen af 2024.")
    outside = STATUS_NOTE.index("En række af forsøgene")
    assert any(a <= inside < b for a, b in units)
    assert not any(a <= outside < b for a, b in units)


def test_a_status_slides_heading_is_no_statement_but_a_sentence_on_another_slide_is() -> None:
    slides = (
        "OVERSIGT\n\nForsøgene er forlænget til udgangen af 2023.\n\n\n\n"
        "FORSØG DER FORLÆNGES TIL UDGANGEN AF 2022\n\nDigitale breve\n\nKantinens nye menukort\n"
    )
    register = _build(slides, "2022")
    assert [s.citation.quote for s in register.statements] == ["Forsøgene er forlænget til udgangen af 2023."]
    assert {t.title: t.status.until for t in register.trials if t.status} == {
        "Digitale breve": "udgangen af 2022",
        "Kantinens nye menukort": "udgangen af 2022",
    }


def test_an_ends_word_before_the_until_gives_the_predicate_ends() -> None:
    text = "Notat\n\nOprindeligt udløber frikommuneforsøgene ved udgangen af 2021.\n"
    [statement] = _build(text).statements
    assert (statement.predicate, statement.until) == ("ends", "udgangen af 2021")
    assert statement.until_phrase == "ved udgangen af 2021"
    assert _verbatim(statement.citation, text) and _verbatim(statement.until_citation, text)


@pytest.mark.parametrize(
    ("sentence", "predicate"),
    [
        ("Forsøgene forlænges ikke, men udløber ved udgangen af 2021.", "ends"),
        ("Forsøgene udløber, men de forlænges til udgangen af 2023.", "forlænget"),
        ("Forsøget om breve stopper 31/12-21.", "stopper"),
    ],
)
def test_the_predicate_is_the_phrase_nearest_before_the_until(sentence: str, predicate: str) -> None:
    [statement] = _build(f"Notat\n\n{sentence}\n").statements
    assert statement.predicate == predicate


def test_a_sentence_with_a_date_but_no_status_or_ends_word_is_no_statement() -> None:
    text = "Notat\n\nLoven blev vedtaget 31/12-21. Rapporten kom ved udgangen af 2022.\n"
    assert _build(text).statements == []


def test_a_status_word_after_the_until_is_no_statement() -> None:
    text = "Notat\n\nVed udgangen af 2021 blev der holdt møde om, hvad der stopper.\n"
    assert _build(text).statements == []


# The scan of tests/ingest/test_register.py with its second name like no title in the note.
SCAN = test_register.SCAN.replace("Færre møder Thisted", "Kantinens menukort Thisted")
NOTE = "Notat\n\nForsøg, der forlænges til udgangen af 2022\t\t\nTitel\tBemærkning\nHurtigere sagsbehandling\tGodt.\n"


def test_a_scanned_name_like_no_title_becomes_a_trial_of_its_own_without_a_status() -> None:
    docs = [_doc("notat.txt", NOTE), _doc("scan.txt", SCAN, "2022")]
    register = build_register(docs, VOCAB)
    titles = {t.title: t for t in register.trials}
    assert set(titles) == {"Hurtigere sagsbehandling", "Kantinens menukort"}
    menu = titles["Kantinens menukort"]
    assert menu.status is None
    assert menu.citation.source == "scan.txt" and _verbatim(menu.citation, SCAN)
    assert menu.municipalities.value == ["Thisted"]
    fast = titles["Hurtigere sagsbehandling"]
    assert fast.status is not None and fast.status.value == "forlænget"
    assert [a.source for a in fast.aliases] == ["scan.txt"]  # the matched row joins the table's trial


def test_a_sentence_inside_a_scanned_table_is_no_statement() -> None:
    scan = SCAN.replace("Med forsgget holdes der faerre mader.", "Forsøget stopper ved udgangen af 2021.")
    register = build_register([_doc("scan.txt", scan, "2022")], VOCAB)
    assert register.statements == []


def test_a_line_run_into_a_tables_caption_does_not_make_the_caption_a_statement() -> None:
    text = (
        "Oversigt over de forsøg der\nForsøg, der forlænges til udgangen af 2022\t\nTitel\tBemærkning\nBreve\tGodt.\n"
    )
    assert _build(text).statements == []
