"""The text for reading beside a verbatim quote: hyphens joined, interleaved columns
pulled out, a scan's damaged words repaired with their scan spelling kept."""

from __future__ import annotations

import pytest

from core.ocr import Lexicon, OcrRepairer
from core.reading import reading
from core.textnorm import display


@pytest.fixture(scope="module")
def repairer() -> OcrRepairer:
    clean = "forsøg forsøget forsøgene Læsø løntilskud førtidspension været økonomisk går på mikrolån"
    return OcrRepairer(Lexicon([clean]))


def test_tags_bullets_and_whitespace_go_as_in_display() -> None:
    quote = "<p>Forsøget \uf0b7 stopper\n\n  31/12-21.</p>"
    assert reading(quote).text == display(quote) == "Forsøget stopper 31/12-21."


def test_a_line_break_hyphen_is_joined() -> None:
    assert reading("en række administrative udfor-\ndringer").text == "en række administrative udfordringer"


def test_a_hyphen_before_a_conjunction_is_kept() -> None:
    assert reading("kontant-\nog uddannelseshjælp").text == "kontant- og uddannelseshjælp"


def test_a_hyphen_before_a_capital_letter_is_kept() -> None:
    assert reading("Nord-\nJylland").text == "Nord- Jylland"


def test_an_acronym_keeps_its_hyphen() -> None:
    assert reading("overhalet af LAB-\nforenklingen").text == "overhalet af LAB-forenklingen"


def test_an_interleaved_column_is_pulled_out_of_the_word_it_cut() -> None:
    quote = "Psykologbehand- Jammerbugt og Thisted\n\nling i jobcentrene"
    assert reading(quote).text == "Psykologbehandling i jobcentrene – Jammerbugt og Thisted"


def test_an_interleaved_column_takes_the_hyphenated_lines_that_follow() -> None:
    quote = "Fleksibilitet i tilret- Jammerbugt og Thisted\ntelæggelsen af op-\nfølgningssamtaler\n\nFormålet"
    assert reading(quote).text == (
        "Fleksibilitet i tilrettelæggelsen af opfølgningssamtaler – Jammerbugt og Thisted Formålet"
    )


def test_an_ocr_word_is_repaired_and_its_scan_spelling_kept(repairer: OcrRepairer) -> None:
    got = reading("Forsgget gar ud p3 at", repairer)
    assert got.text == "Forsøget går ud på at"
    assert [scan for _, _, scan in got.repairs] == ["Forsgget", "gar", "p3"]


def test_the_offsets_of_repairs_point_at_the_repaired_words(repairer: OcrRepairer) -> None:
    got = reading("Et mikrolan i\nLeesg og fgrtidspension, ikke\nforsg-\nget", repairer)
    assert [(got.text[a:b], scan) for a, b, scan in got.repairs] == [
        ("mikrolån", "mikrolan"),
        ("Læsø", "Leesg"),
        ("førtidspension", "fgrtidspension"),
        ("forsøget", "forsgget"),
    ]


def test_a_clean_document_is_never_repaired() -> None:
    got = reading("Forsgget gar ud p3 at")
    assert got.text == "Forsgget gar ud p3 at"
    assert got.repairs == []


def test_valid_words_of_a_scan_are_left_alone(repairer: OcrRepairer) -> None:
    got = reading("Forsøget i Aalborg gav 12 deltagere og LAB", repairer)
    assert got.text == "Forsøget i Aalborg gav 12 deltagere og LAB"
    assert got.repairs == []


def test_the_first_part_of_a_word_cut_at_a_line_is_not_repaired_by_itself() -> None:
    # "forre-" is "for re-" of "for revurdering", cut by the scan's columns; alone it looks
    # like a damaged "tørre", which it is not
    repairer = OcrRepairer(Lexicon(["tørre tørre tørre dage og en fritagelse"]))
    assert repairer.word("forre") == "tørre"
    got = reading("Ledighedsydelse fritagelse forre-  og Rebild", repairer)
    assert got.text == "Ledighedsydelse fritagelse forre- og Rebild" and got.repairs == []
