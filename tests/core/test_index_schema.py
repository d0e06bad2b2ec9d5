"""The index schema: one serialisation to and from Chroma's flat metadata."""

from __future__ import annotations

from dataclasses import dataclass, fields

import pytest

from core import index_schema
from core.errors import IndexCorruptError, Remedy
from core.index_schema import DocumentRecord, PassageMeta, SourceInfo, Span, SpanMeta, owner, span_id


def _passage() -> PassageMeta:
    spans = (Span(10, 30, "sentence", "forsøg stop"), Span(31, 40, "item", "grus"))
    return PassageMeta("corpus/a.txt", 10, 40, spans, revision="r1", title="A", heading_start=0, heading_end=9)


def test_a_passage_survives_the_round_trip_through_flat_metadata() -> None:
    meta = _passage().to_chroma()
    assert all(isinstance(v, str | int | float | bool) for v in meta.values())  # what Chroma stores
    assert PassageMeta.from_chroma(meta) == _passage()
    assert PassageMeta.from_chroma(meta).heading == Span(0, 9, "heading")
    assert PassageMeta("a.txt", 0, 5).heading is None


def test_a_passage_missing_a_field_is_a_corrupt_index_with_a_danish_message() -> None:
    meta = _passage().to_chroma()
    del meta["locator"]
    with pytest.raises(IndexCorruptError, match=r"mangler feltet 'locator'") as info:
        PassageMeta.from_chroma(meta)
    assert info.value.remedy == Remedy.REBUILD


def test_records_sources_and_spans_round_trip() -> None:
    record = DocumentRecord("a.txt", "h", "A", "", "2021", "Notat", 3, 9, "r1", "2026-11-30", "v", pages=2)
    assert DocumentRecord.from_chroma({**record.to_chroma(), "unknown_key": 1}) == record
    info = SourceInfo("a.txt", "r1", pages=(0, 120))
    assert SourceInfo.from_document(info.to_document()) == info
    assert SourceInfo.from_document({"source": "b.txt"}) == SourceInfo("b.txt")
    span = SpanMeta("a.txt", "r1", "p1").to_chroma()
    assert owner(span) == ("a.txt", "r1")
    assert owner(_passage().to_chroma()) == ("corpus/a.txt", "r1")
    assert span_id("p1", 3) == "p1:3"


def test_the_index_version_follows_the_fields() -> None:
    @dataclass(frozen=True)
    class Wider(PassageMeta):
        extra: str = ""

    assert index_schema.fingerprint((Span, PassageMeta)) != index_schema.fingerprint((Span, Wider))
    assert index_schema.INDEX_VERSION.startswith(index_schema.LAYOUT_VERSION + ".")
    assert [f.name for f in fields(PassageMeta)][:4] == ["source", "start", "end", "spans"]
