"""Bilag-style tables: one chunk per row, page-break rows joined, offsets exact."""

from pathlib import Path

from ingest.layouts import chunk_document

RESOURCES = Path(__file__).parents[1] / "resources" / "corpus"
REAL = Path(__file__).parents[2] / "corpus" / "bilag-1-regeringens-opfoelgning-2021.txt"


def _chunks(path: Path):  # type: ignore[no-untyped-def]
    source = path.read_text(encoding="utf-8")
    return source, chunk_document(source, "tables", 1500, 700)


def test_one_chunk_per_row_with_table_context_and_locator() -> None:
    _source, chunks = _chunks(RESOURCES / "tabel.txt")
    rows = [c for c in chunks if c.locator.startswith("Tabel")]
    assert [c.locator for c in rows] == ["Tabel 1, række 1", "Tabel 1, række 2", "Tabel 2, række 1"]
    assert rows[0].context == "Tabel 1 – Forsøg, der fortsætter"
    assert rows[2].context == "Tabel 2 – Forsøg, der stopper"
    assert rows[0].item == "Cykelstier i byen"
    assert rows[0].group == rows[1].group != rows[2].group


def test_a_row_broken_by_a_page_break_joins_the_row_above() -> None:
    source, chunks = _chunks(RESOURCES / "tabel.txt")
    row = next(c for c in chunks if c.item == "Vinterbelysning")
    quoted = [source[u.start : u.end] for u in row.units]
    assert "weekenden." in quoted and "Forsøget gøres permanent." in quoted
    assert "weekenden" in row.display_text(source)
    assert source[row.start : row.end].endswith("Forsøget gøres permanent.")


def test_display_text_has_no_tags_but_offsets_point_into_the_original() -> None:
    source, chunks = _chunks(RESOURCES / "tabel.txt")
    for chunk in chunks:
        assert "<p>" not in chunk.display_text(source)
        for unit in chunk.units:
            quote = source[unit.start : unit.end]
            assert quote and quote == quote.strip() and not quote.startswith("<p>")


def test_real_bilag_has_every_trial_row() -> None:
    source, chunks = _chunks(REAL)
    items = {c.context.split(" – ")[0]: [] for c in chunks if c.item}
    for c in chunks:
        if c.item:
            items[c.context.split(" – ")[0]].append(c.item)
    assert {k: len(v) for k, v in items.items()} == {"Tabel 1": 8, "Tabel 2": 4, "Tabel 3": 4, "Tabel 4": 2}
    ledighed = next(c for c in chunks if c.item.startswith("Ledighedsydelse"))
    assert "seneste 18 måneder." in [source[u.start : u.end] for u in ledighed.units]
