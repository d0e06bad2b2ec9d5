"""OCR repair: broken Danish letters are mended for search, never for quotes."""

import pytest

from core.ocr import Lexicon, OcrRepairer


@pytest.fixture(scope="module")
def repairer() -> OcrRepairer:
    clean = "forsøg forsøget forsøgene Læsø Brønderslev Hjørring løntilskud førtidspensionister været økonomisk"
    return OcrRepairer(Lexicon([clean]))


@pytest.mark.parametrize(
    ("broken", "meant"),
    [
        ("forsgg", "forsøg"),
        ("Leesg", "Læsø"),
        ("Brgnderslev", "Brønderslev"),
        ("Hjgrring", "Hjørring"),
        ("Igntilskud", "løntilskud"),
        ("fgrtidspensionister", "førtidspensionister"),
        ("veret", "været"),
        ("gkonomisk", "økonomisk"),
    ],
)
def test_known_confusions_are_repaired(repairer: OcrRepairer, broken: str, meant: str) -> None:
    assert repairer.word(broken).lower() == meant.lower()


def test_valid_words_and_inflections_are_left_alone(repairer: OcrRepairer) -> None:
    for word in ("evalueringerne", "kommunerne", "og", "2022", "Aalborg"):
        assert repairer.word(word) == word


def test_hyphenated_line_breaks_are_joined(repairer: OcrRepairer) -> None:
    assert repairer.repair("eva-\nlueringer af forsgget") == "evalueringer af forsøget"
