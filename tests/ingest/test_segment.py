"""Lines, paragraphs and sentences: every span is the exact source text."""

from ingest.segment import lines, paragraphs, sentence_spans, trim


def _texts(source: str, spans: list[tuple[int, int]]) -> list[str]:
    return [source[s:e] for s, e in spans]


def test_bullets_are_stripped_but_offsets_stay_exact() -> None:
    source = "\uf0b7 Første punkt\n\n• Andet punkt\n- Tredje punkt\n"
    found = lines(source)
    assert [ln.text for ln in found] == ["Første punkt", "Andet punkt", "Tredje punkt"]
    assert all(ln.bullet for ln in found)
    assert all(source[ln.start : ln.end] == ln.text for ln in found)


def test_wrapped_lines_with_blank_lines_between_are_one_paragraph() -> None:
    source = (
        "Det nordjyske netværk sendte i alt 13 ansøgninger til ministeriet d. \n\n1. november 2017. Næste sætning.\n"
    )
    paras = paragraphs(source)
    assert len(paras) == 1
    sentences = _texts(source, sentence_spans(source, 0, len(source)))
    assert sentences == [
        "Det nordjyske netværk sendte i alt 13 ansøgninger til ministeriet d. \n\n1. november 2017.",
        "Næste sætning.",
    ]


def test_a_line_ending_in_a_preposition_goes_on_whatever_the_next_line_starts_with() -> None:
    # a slide's bullet wrapped before a name: "gennem" ends no line of prose
    source = "• Kommunerne i Nordjylland har gennem \n\nFrikommuneforsøg II vist, at de kan.\n\n• Næste punkt\n"
    assert [[ln.text for ln in p] for p in paragraphs(source)] == [
        ["Kommunerne i Nordjylland har gennem", "Frikommuneforsøg II vist, at de kan."],
        ["Næste punkt"],
    ]


def test_abbreviations_do_not_end_sentences() -> None:
    source = "Der indhentes bl.a. en LÆ 265 jf. loven, fx. ved ændring. Ny sætning her."
    assert _texts(source, sentence_spans(source, 0, len(source))) == [
        "Der indhentes bl.a. en LÆ 265 jf. loven, fx. ved ændring.",
        "Ny sætning her.",
    ]


def test_p_tags_split_regions_and_are_never_quoted() -> None:
    source = "<p>Første afsnit.</p> <p>Andet afsnit.</p>"
    spans = sentence_spans(source, 0, len(source))
    assert _texts(source, spans) == ["Første afsnit.", "Andet afsnit."]


def test_a_short_line_after_a_full_width_line_starts_a_new_paragraph() -> None:
    wide = "Der er derfor ikke behov for ændringer af nuværende lovgivning i forbindelse med forsøget"
    source = f"{wide}\n\nForlængelse af \nressourceforløbs-\nsager\n"
    assert len(paragraphs(source)) == 2


def test_trim_removes_space_and_tags_at_both_ends() -> None:
    source = "  <p>tekst</p>  "
    assert trim(source, 0, len(source)) == (5, 10)
    assert trim(source, 0, 2) is None


def test_the_letters_of_a_lettered_list_start_items() -> None:
    source = "Der vil være fokus på,\n\na. hvorvidt stierne holder?\n\nb) om borgerne cykler mere?\n\nat lede videre.\n"
    found = lines(source)
    assert [(ln.text, ln.bullet) for ln in found] == [
        ("Der vil være fokus på,", False),
        ("hvorvidt stierne holder?", True),
        ("om borgerne cykler mere?", True),
        ("at lede videre.", False),
    ]
    assert all(source[ln.start : ln.end] == ln.text for ln in found)
