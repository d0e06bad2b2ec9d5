"""Long notes: split by trial section; the note's own list names the sections."""

from pathlib import Path

from ingest.layouts import chunk_document

RESOURCES = Path(__file__).parents[1] / "resources" / "corpus"
REAL = Path(__file__).parents[2] / "corpus" / "evalueringsdesign-10-forsoeg-2018.txt"


def test_sections_follow_the_intro_list_and_subsections_nest() -> None:
    source = (RESOURCES / "notat.txt").read_text(encoding="utf-8")
    chunks = chunk_document(source, "sections", 1500, 700)
    assert [c.context for c in chunks] == [
        "Indledning",
        "Cykelstier i byen",
        "Cykelstier i byen › Evalueringsdesign",
        "Vinterbelysning",
        "Vinterbelysning › Evalueringsdesign",
    ]
    label = next(c for c in chunks if c.context == "Vinterbelysning")
    assert "Kommune: Nordby Kommune" in [source[u.start : u.end] for u in label.units]


def test_real_note_has_a_section_per_trial_and_no_oversized_chunks() -> None:
    source = REAL.read_text(encoding="utf-8")
    chunks = chunk_document(source, "sections", 1500, 700)
    top = {c.context.split(" › ")[0] for c in chunks}
    assert len(top) == 11  # Indledning + the ten trials
    assert max(c.end - c.start for c in chunks) < 2 * 1500


def test_a_value_after_a_repeated_field_label_is_no_heading() -> None:
    """Forms repeat their labels ("Succeskriterier (…)."); a short value without a full stop
    after one is the field's value, not a heading that starts a subsection."""
    label = "Succeskriterier (hvad skal der til for at forsøget er en succes)."
    form = "{name}\n\n" + label + "\n\n{value}\n\nMere tekst her.\n\n"
    source = "".join(
        form.format(name=n, value=v)
        for n, v in (("Grusstier", "Færre punkteringer"), ("Natbusser", "Flere passagerer"), ("Lys", "Mere tryghed"))
    )
    chunks = chunk_document(source, "sections", 1500, 700)
    contexts = [c.context for c in chunks]
    assert not any(v in ctx for ctx in contexts for v in ("Færre punkteringer", "Flere passagerer", "Mere tryghed"))
    assert any("Færre punkteringer" in source[u.start : u.end] for c in chunks for u in c.units)
