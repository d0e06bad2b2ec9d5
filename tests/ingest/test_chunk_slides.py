"""Slide decks: the heading is context for everything under it."""

from pathlib import Path

from ingest.layouts import chunk_document

RESOURCES = Path(__file__).parents[1] / "resources" / "corpus"
REAL = Path(__file__).parents[2] / "corpus" / "nordjyske-frikommuneforsoeg-ii-status-2021.txt"


def _chunks(path: Path):  # type: ignore[no-untyped-def]
    source = path.read_text(encoding="utf-8")
    return source, chunk_document(source, "slides", 1500, 700)


def test_list_slide_is_one_chunk_whose_items_are_units() -> None:
    source, chunks = _chunks(RESOURCES / "dias.txt")
    stop = next(c for c in chunks if "STOPPER" in c.context)
    assert stop.context == "FORSØG DER STOPPER (STOPPER 31/12-30)"
    items = [source[u.start : u.end] for u in stop.units if u.kind == "item"]
    assert items == ["Grus på stierne", "Cykelparkering ved skolen"]


def test_table_slide_gives_one_chunk_per_item_in_the_heading_group() -> None:
    _source, chunks = _chunks(RESOURCES / "dias.txt")
    extended = [c for c in chunks if c.context == "FORSØG DER FORLÆNGES"]
    assert [c.item for c in extended] == ["Cykelstier i byen", "Vinter- belysning"]
    assert len({c.group for c in extended}) == 1
    assert all(c.locator.startswith("Dias 2: FORSØG DER FORLÆNGES") for c in extended)


def test_real_status_deck_lists_all_eight_extended_trials() -> None:
    _source, chunks = _chunks(REAL)
    extended = [c for c in chunks if c.context == "FORSØG DER FORLÆNGES TIL UDGANGEN AF 2022"]
    assert len(extended) == 8
    assert "Mikrolån" in [c.item for c in extended]  # fused with its remark in the extraction
    stop = next(c for c in chunks if "STOPPER 31/12-21" in c.context)
    assert len([u for u in stop.units if u.kind == "item"]) == 4
