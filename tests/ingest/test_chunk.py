"""The chunk type and the helpers the layout chunkers share: display text, the units of
a free-text region, and splitting a long chunk into balanced parts of whole units."""

from __future__ import annotations

from core.index_schema import Span
from ingest.chunk import Chunk, region_units, split_long


def _sentences(source: str) -> list[Span]:
    """One sentence span per space-separated word of ``source``."""
    spans, pos = [], 0
    for part in source.split(" "):
        spans.append(Span(pos, pos + len(part), "sentence"))
        pos += len(part) + 1
    return spans


def test_display_text_joins_the_units_as_a_person_reads_them() -> None:
    source = "<p>Forsøget  stopper.</p> Stierne er af grus."
    chunk = Chunk(0, len(source), "Afsnit 1", "", [Span(0, 25, "sentence"), Span(26, len(source), "sentence")])
    assert chunk.display_text(source) == "Forsøget stopper.\nStierne er af grus."


def test_display_text_is_the_given_text_when_there_is_one() -> None:
    chunk = Chunk(0, 5, "", "", [Span(0, 5, "sentence")], text="Række 1: grus")
    assert chunk.display_text("abcde") == "Række 1: grus"


def test_a_region_of_prose_is_cut_into_sentences() -> None:
    source = "Forsøget stopper i 2030. Stierne er af grus."
    units = region_units(source, 0, len(source))
    assert [source[u.start : u.end] for u in units] == ["Forsøget stopper i 2030.", "Stierne er af grus."]
    assert {u.kind for u in units} == {"sentence"}


def test_a_bullet_paragraph_is_one_item() -> None:
    source = "Tiltag:\n\n- Nye lamper. Flere bænke.\n"
    items = [u for u in region_units(source, 0, len(source)) if u.kind == "item"]
    assert [source[u.start : u.end] for u in items] == ["Nye lamper. Flere bænke."]  # without its bullet


def test_a_short_chunk_is_not_split() -> None:
    source = "Kort. Tekst."
    chunk = Chunk(0, len(source), "Afsnit", "", _sentences(source))
    assert split_long(chunk, source, max_chars=100) == [chunk]


def test_a_long_chunk_is_split_into_balanced_parts_of_whole_units() -> None:
    source = " ".join(f"Sætning{n:02}." for n in range(12))  # 12 units of 11 characters
    chunk = Chunk(0, len(source), "Afsnit 2", "Kapitel", _sentences(source), group="g")
    parts = split_long(chunk, source, max_chars=50)
    assert len(parts) == 3
    assert [p.locator for p in parts] == ["Afsnit 2 (del 1 af 3)", "Afsnit 2 (del 2 af 3)", "Afsnit 2 (del 3 af 3)"]
    assert [u for p in parts for u in p.units] == chunk.units  # every unit once, in order
    assert all(p.end - p.start <= 50 for p in parts)
    assert all(p.context == "Kapitel" and p.group == "g" for p in parts)


def test_the_heading_stays_with_the_first_part_only() -> None:
    source = "Overskrift " + " ".join(f"Sætning{n:02}." for n in range(8))
    units = [Span(0, 10, "heading"), *[Span(s.start + 11, s.end + 11, s.kind) for s in _sentences(source[11:])]]
    parts = split_long(Chunk(0, len(source), "A", "", units), source, max_chars=50)
    assert len(parts) > 1
    assert parts[0].units[0].kind == "heading"
    assert all(u.kind != "heading" for p in parts[1:] for u in p.units)


def test_a_single_unit_is_never_split() -> None:
    source = "x" * 500
    chunk = Chunk(0, 500, "A", "", [Span(0, 500, "sentence")])
    assert split_long(chunk, source, max_chars=100) == [chunk]
