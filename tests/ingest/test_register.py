"""The trial register built from documents' structure (ingest/register.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from core.config import PROJECT_ROOT, load_settings
from core.index_schema import PassageMeta
from core.register import Register, RegisterCitation, load_register
from ingest.register import DocumentText, build_register, folder_documents, relocate, repairer_for, update_register
from ingest.register_read import Vocabulary, load_vocabulary

VOCAB = Vocabulary(
    status={"forlænget": ("forlænges",), "stopper": ("ikke udbredes", "stopper")},
    until=(r"udgangen af \d{4}", r"\d{1,2}/\d{1,2}-\d{2,4}"),
    until_prepositions=("til",),
    until_before={"forlænget": ("til", "til"), "stopper": ("", "ved")},
    title_columns=("titel",),
    municipality_columns=("kommuner",),
    conclusion_columns=("konklusion",),
    table_end=("kilde:",),
    conclusion_headings=("erfaringer",),
)
TABLE = (
    "Notat\n\nTabel 1\n\nForsøg, der forlænges til udgangen af 2022\t\t\n"
    "Titel\tKommuner\tKonklusion\n"
    "Hurtigere sagsbehandling for ledige\tAalborg og Rebild\tForsøget virker.\n"
    "Færre møder i jobcentret\tThisted\tFor få sager.\n\n"
    "Tabel 2\n\nForsøg, der ikke udbredes\n"
    "Titel\tBemærkning\n"
    "Digitale breve til borgere\tStopper.\n"
)
SLIDES = (
    "OVERSIGT\n\nTekst om forsøgene.\n\n\n\n"
    "FORSØG DER IKKE UDBREDES (STOPPER 31/12-21)\n\nForsøg\n\n"
    "Digitale breve til borgerne\n\nKantinens nye menukort\n"
)


def _doc(source: str, text: str, date: str = "2021-08-26") -> DocumentText:
    return DocumentText(source=source, title=f"Titel på {source}", date=date, text=text)


def _citations(value: object) -> Iterator[dict]:
    if isinstance(value, dict):
        if set(RegisterCitation.model_fields) <= set(value):
            yield value
        for v in value.values():
            yield from _citations(v)
    elif isinstance(value, list):
        for v in value:
            yield from _citations(v)


def _verbatim(register: Register, texts: dict[str, str]) -> list[dict]:
    """The citations whose quote is not the text at their offsets."""
    return [c for c in _citations(register.model_dump()) if texts[c["source"]][c["start"] : c["end"]] != c["quote"]]


def test_a_table_with_a_title_column_gives_one_trial_per_row_with_the_captions_status() -> None:
    register = build_register([_doc("notat.txt", TABLE)], VOCAB)
    got = {t.title: (t.status.value, t.status.until) for t in register.trials if t.status}
    assert got == {
        "Hurtigere sagsbehandling for ledige": ("forlænget", "udgangen af 2022"),
        "Færre møder i jobcentret": ("forlænget", "udgangen af 2022"),
        "Digitale breve til borgere": ("stopper", ""),
    }
    first = register.trials[0]
    assert first.municipalities.value == ["Aalborg", "Rebild"]
    assert [c.text for c in first.conclusions] == ["Forsøget virker."]
    assert first.citation.date == "2021-08-26" and first.status.citation.quote.startswith("Forsøg, der forlænges")


def test_every_quote_equals_the_document_text_at_its_offsets() -> None:
    docs = [_doc("notat.txt", TABLE), _doc("dias.txt", SLIDES, "2021")]
    register = build_register(docs, VOCAB)
    assert list(_citations(register.model_dump()))
    assert _verbatim(register, {d.source: d.text for d in docs}) == []


def test_a_slide_is_numbered_among_all_slides_as_the_chunker_numbers_it() -> None:
    # the status slide is the second; the first has no status heading and must still count
    register = build_register([_doc("dias.txt", SLIDES, "2021")], VOCAB)
    menu = next(t for t in register.trials if t.title == "Kantinens nye menukort")
    assert menu.citation.locator == "Dias 2"


def test_a_table_captions_status_is_located_at_the_table_not_a_row() -> None:
    register = build_register([_doc("notat.txt", TABLE)], VOCAB)
    second = next(t for t in register.trials if t.title == "Færre møder i jobcentret")
    assert second.citation.locator == "Tabel 1, række 2"
    assert second.status is not None and second.status.citation.locator == "Tabel 1"
    assert second.status.until_citation is not None and second.status.until_citation.locator == "Tabel 1"


def test_relocate_names_each_citation_by_the_narrowest_passage_that_holds_it() -> None:
    register = build_register([_doc("notat.txt", TABLE)], VOCAB)
    first = register.trials[0]
    row = first.citation
    whole = PassageMeta("notat.txt", 0, len(TABLE), (), locator="Tabel 1")
    narrow = PassageMeta("notat.txt", row.start, row.end + 40, (), locator="Tabel 1, afsnit 3")
    other = PassageMeta("andet.txt", 0, len(TABLE), (), locator="Afsnit 9")
    relocate(register, [whole, narrow, other])
    assert first.citation.locator == "Tabel 1, afsnit 3"
    assert first.status is not None and first.status.citation.locator == "Tabel 1"  # the caption: the table
    # a citation no passage holds keeps its own locator
    register = build_register([_doc("notat.txt", TABLE)], VOCAB)
    relocate(register, [other])
    assert register.trials[0].citation.locator == "Tabel 1, række 1"


def test_a_title_in_two_documents_is_linked_with_a_confidence_and_a_dissimilar_one_is_not() -> None:
    register = build_register([_doc("notat.txt", TABLE), _doc("dias.txt", SLIDES, "2021")], VOCAB)
    letters = next(t for t in register.trials if t.title == "Digitale breve til borgere")
    [alias] = letters.aliases
    assert (alias.name, alias.source, alias.uncertain) == ("Digitale breve til borgerne", "dias.txt", False)
    assert 0.85 <= alias.confidence <= 1
    assert letters.status.until == "31/12-21"  # the slide says until when
    menu = next(t for t in register.trials if t.title == "Kantinens nye menukort")
    assert menu.aliases == [] and menu.citation.source == "dias.txt"


def test_a_title_under_two_statuses_is_a_recorded_conflict_with_both_citations() -> None:
    slides = "FORSØG DER FORLÆNGES\n\nDigitale breve til borgere\n"
    register = build_register([_doc("notat.txt", TABLE), _doc("dias.txt", slides)], VOCAB)
    [conflict] = register.conflicts
    assert conflict.title == "Digitale breve til borgere"
    assert conflict.values == ["stopper", "forlænget"]
    assert [c.source for c in conflict.citations] == ["notat.txt", "dias.txt"]
    trial = next(t for t in register.trials if t.title == conflict.title)
    assert trial.status.value == "stopper"  # the table's reading stands; the other is not merged


def test_a_table_without_a_title_column_is_skipped_without_error() -> None:
    text = "Tabel 1\n\nForsøg, der forlænges\nNavn\tBemærkning\nNoget\tAndet\nKun én celle\t\n"
    register = build_register([_doc("notat.txt", text)], VOCAB)
    assert register.trials == []
    assert any("uden titelkolonne" in note for note in register.skipped)


def test_a_row_of_another_width_is_kept_and_noted() -> None:
    text = (
        "Forsøg, der forlænges\nTitel\tKommuner\tKonklusion\n"
        "Kortere forsøg\tAalborg og Rebild\nLængere forsøg\tThisted\tGodt.\tekstra\n"
    )
    register = build_register([_doc("notat.txt", text)], VOCAB)
    assert [t.title for t in register.trials] == ["Kortere forsøg", "Længere forsøg"]
    assert any("celler" in note for note in register.skipped)


def test_the_register_is_saved_after_ingest_and_a_bad_store_does_not_fail_it(tmp_path: Path) -> None:
    class Store:
        def documents(self) -> dict:
            raise OSError("disken er væk")

    settings = load_settings(data_dir=tmp_path)
    assert update_register(settings, Store()) is None  # type: ignore[arg-type]
    assert load_register(tmp_path / "register.json") is None


def test_the_real_corpus_gives_8_extended_4_stopping_4_rolled_out_2_not_followed_up() -> None:
    settings = load_settings(corpus_dir=PROJECT_ROOT / "corpus")
    docs = folder_documents(settings)
    register = build_register(docs, load_vocabulary(settings.corpus_dir / "register.toml"), repairer_for(docs))
    counts = register.counts()
    assert (counts["forlænget"], counts["stopper"], counts["udbredt"], counts["ikke_i_opfølgning"]) == (8, 4, 4, 2)
    # one more trial, named only by the 2022 evaluations' scanned table: no status in the decision
    assert counts[""] == 1 and register.conflicts == []
    unplaced = next(t for t in register.trials if t.status is None)
    assert unplaced.title == "Fleksibilitet i tilrettelæggelsen af opfølgningssamtaler"
    assert unplaced.citation.source == "kommunernes-egne-evalueringer-2022.txt"
    assert unplaced.municipalities.repaired == ["Jammerbugt", "Thisted"]
    assert _verbatim(register, {d.source: d.text for d in docs}) == []
    decided = [t for t in register.trials if t.status is not None]
    assert all(t.citation.source == "bilag-1-regeringens-opfoelgning-2021.txt" for t in decided)
    # the decision's grounds ("Beslutningsgrundlag") for every trial of its tables
    assert all(t.reasons for t in decided)
    # the dated statements about the trials as a set: 2021's end of 2021, 2022's end of 2023
    assert sorted((s.citation.date, s.predicate, s.until) for s in register.statements) == [
        ("2021", "ends", "udgangen af 2021"),
        ("2021", "ends", "udgangen af 2021"),
        ("2022", "forlænget", "udgangen af 2023"),
    ]
    assert sum(bool(t.municipalities.value) for t in register.trials) == 6
    assert sum(bool(t.conclusions) for t in register.trials) == 9  # the unplaced trial has its 2022 conclusion
    aliases = [a for t in register.trials for a in t.aliases]
    assert sum(bool(a.municipalities.value) for a in aliases if a.uncertain) == 3
    assert all(c["date"] for c in _citations(register.model_dump()))


# A scan: the header names title, municipalities and (on later lines) two more columns;
# the title column and the lists are interleaved line by line, one name is cut over a
# line break and finished far below, one row has a single name.
SCAN = (
    "Forsøg i Aalborg, Rebild, Thisted, Vesthimmerland og Læsø.\n\n"
    "Forsggets titel Kommuner\n\nHvad indebaerer forsgget\n\nKommunernes egne konklusioner\n\n"
    "Hurtigere sags- Aalborg, Rebild og\nbehandling Vesthimmer-\n\n"
    "Med forsgget kan kommunen gore det.\n\n"
    "Evalueringen viser, at forsgget har virket godt og\nat borgerne er glade for det nye.\n\n"
    "land.\nFærre møder Thisted\n\n"
    "Med forsgget holdes der faerre mader.\n\n"
    "Evalueringen viser, at der er sparet tid i jobcentret\nog at ingen har klaget over det.\n\n"
    "Kilde: Kommunernes egne evalueringer.\n"
)
NOTE = "Notat\n\nForsøg, der forlænges til udgangen af 2022\t\t\nTitel\tBemærkning\n" + (
    "Hurtigere sagsbehandling\tGodt.\nFærre møder\tFint.\n"
)


def test_a_scanned_table_gives_single_cut_and_interleaved_names_with_the_verbatim_pieces_cited() -> None:
    docs = [_doc("notat.txt", NOTE), _doc("scan.txt", SCAN, "2022")]
    register = build_register(docs, VOCAB)
    fast, fewer = register.trials
    assert fast.municipalities.value == ["Aalborg", "Rebild", "Vesthimmerland"]
    assert [c.quote for c in fast.municipalities.citations] == ["Aalborg, Rebild og", "Vesthimmer-", "land."]
    assert fewer.municipalities.value == ["Thisted"]
    assert _verbatim(register, {d.source: d.text for d in docs}) == []


def test_the_scans_conclusion_column_is_read_for_its_rows_and_the_other_column_left_out() -> None:
    register = build_register([_doc("notat.txt", NOTE), _doc("scan.txt", SCAN, "2022")], VOCAB)
    fast, fewer = register.trials
    assert [c.text for c in fast.conclusions] == [
        "Evalueringen viser, at forsgget har virket godt og at borgerne er glade for det nye."
    ]
    assert fewer.conclusions[0].citation.quote.startswith("Evalueringen viser, at der er sparet tid")
    assert fewer.conclusions[0].citation.date == "2022"


def test_what_a_scan_row_says_under_an_uncertain_alias_stays_on_the_alias() -> None:
    note = "Forsøg, der forlænges\t\nTitel\tBemærkning\nHurtigere sagsbehandling af klager\tGodt.\n"
    scan = "Titel Kommuner\n\nHurtigere klagesvar Aalborg og Rebild\n"
    register = build_register([_doc("notat.txt", note), _doc("scan.txt", scan, "2022")], VOCAB)
    [trial] = register.trials
    [alias] = trial.aliases
    assert alias.uncertain and alias.municipalities.value == ["Aalborg", "Rebild"]
    assert trial.municipalities.value == []


def test_two_end_dates_from_documents_of_different_dates_are_a_conflict_newest_first() -> None:
    old = "FORSØG DER FORLÆNGES TIL UDGANGEN AF 2022\n\nDigitale breve til borgere\n"
    new = "FORSØG DER FORLÆNGES TIL UDGANGEN AF 2023\n\nDigitale breve til borgere\n"
    register = build_register([_doc("gammel.txt", old, "2021"), _doc("ny.txt", new, "2022-03-01")], VOCAB)
    [trial] = register.trials
    [conflict] = trial.conflicts
    assert (conflict.field, conflict.values, conflict.dates) == (
        "until",
        ["udgangen af 2023", "udgangen af 2022"],
        ["2022-03-01", "2021"],
    )
    assert [c.source for c in conflict.citations] == ["ny.txt", "gammel.txt"]
    assert register.conflicts == [conflict]


def test_the_until_phrase_keeps_the_documents_preposition_or_the_one_the_status_takes() -> None:
    register = build_register([_doc("notat.txt", TABLE), _doc("dias.txt", SLIDES, "2021")], VOCAB)
    phrases = {t.title: t.status.until_phrase for t in register.trials if t.status}
    assert phrases["Hurtigere sagsbehandling for ledige"] == "til udgangen af 2022"
    assert phrases["Digitale breve til borgere"] == "31/12-21"


def test_a_slide_of_conclusions_goes_to_the_trials_its_heading_names() -> None:
    slides = (
        "Kommunen\n\nOversigt\n\n\n\nKommunen\n\nFærre møder\n– i jobcentret og kantinen\n\n"
        "Erfaringer og anbefalinger\n\n• Møder kan ofte undværes\n\n• Kantinen bør\nudvides\n"
    )
    docs = [_doc("notat.txt", TABLE), _doc("dias.txt", slides, "2020")]
    register = build_register(docs, VOCAB)
    meetings = next(t for t in register.trials if t.title == "Færre møder i jobcentret")
    assert [c.text for c in meetings.conclusions][1:] == ["Møder kan ofte undværes", "Kantinen bør udvides"]
    assert meetings.conclusions[1].subject == "Færre møder – i jobcentret og kantinen"
    assert meetings.conclusions[1].citation.date == "2020"
    assert _verbatim(register, {d.source: d.text for d in docs}) == []


def test_an_unchanged_reingest_keeps_the_register_and_a_new_vocabulary_rebuilds_it(
    tiny_settings,
    fake_embed,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    import ingest.register as register_module
    from ingest.pipeline import run_ingest

    builds: list[int] = []
    real = register_module.build_register
    monkeypatch.setattr(register_module, "build_register", lambda *a, **k: builds.append(1) or real(*a, **k))
    run_ingest(tiny_settings, fake_embed)
    saved = load_register(tiny_settings.data_dir / "register.json")
    assert saved is not None and saved.basis and len(builds) == 1
    run_ingest(tiny_settings, fake_embed)  # nothing changed: no document is read for it again
    assert len(builds) == 1
    (tiny_settings.corpus_dir / "register.toml").write_text('[status]\nstopper = ["stopper"]\n', encoding="utf-8")
    run_ingest(tiny_settings, fake_embed)
    rebuilt = load_register(tiny_settings.data_dir / "register.json")
    assert len(builds) == 2 and rebuilt is not None and rebuilt.basis != saved.basis


def test_an_uncertain_link_goes_to_the_title_nearest_in_letters_and_meaning_together() -> None:
    # "Hurtige klagesvar" is nearer "Hurtigere klagebreve" in letters, but the encoder
    # (a stand-in here: one vector per text) puts it at "Svar på klager"; without an
    # encoder the letters decide, and either way the link stays uncertain, not merged.
    note = (
        "Forsøg, der forlænges\t\nTitel\tBemærkning\n"
        "Hurtigere klagebreve\tGodt.\nSvar på klager\tFint.\nDigitale møder\tOK.\n"
    )
    scan = "Titel Kommuner\n\nHurtige klagesvar Aalborg og Rebild\n"
    axes = {"Hurtigere klagebreve": [1, 0, 0], "Svar på klager": [0, 1, 0], "Digitale møder": [0, 0, 1]}

    def encode(texts: list[str]) -> np.ndarray:
        return np.array([axes.get(t, [0.2, 1, 0.1]) for t in texts], dtype=np.float32)

    docs = [_doc("notat.txt", note), _doc("scan.txt", scan, "2022")]
    by_letters = {t.title: t.aliases for t in build_register(docs, VOCAB).trials}
    assert [a.name for a in by_letters["Hurtigere klagebreve"]] == ["Hurtige klagesvar"]
    by_meaning = {t.title: t.aliases for t in build_register(docs, VOCAB, encode=encode).trials}
    [alias] = by_meaning["Svar på klager"]
    assert alias.uncertain and by_meaning["Hurtigere klagebreve"] == []
    assert alias.confidence < 0.85  # its similarity in letters to the title it went to
