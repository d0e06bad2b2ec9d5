"""The OCR layout: overlapping windows of blocks, the table title as context."""

from pathlib import Path

from ingest.layouts import chunk_document, detect_layout

RESOURCES = Path(__file__).parents[1] / "resources" / "corpus"


def test_windows_overlap_and_carry_the_table_context() -> None:
    source = (RESOURCES / "scannet.txt").read_text(encoding="utf-8")
    chunks = chunk_document(source, "paragraphs", 1500, 120)
    assert chunks[0].context == "Indledning"
    assert chunks[-1].context.startswith("Tabel 1 – Forsggets titel")
    starts = [u.start for c in chunks for u in c.units]
    assert len(starts) > len(set(starts))  # blocks appear in two windows


def test_layout_detection() -> None:
    assert detect_layout((RESOURCES / "tabel.txt").read_text(encoding="utf-8")) == "tables"
    assert detect_layout((RESOURCES / "dias.txt").read_text(encoding="utf-8")) == "slides"
    assert detect_layout("Overskrift\n\nEn helt almindelig tekst. Med to sætninger.\n") == "sections"
