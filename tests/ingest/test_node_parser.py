"""The node parser: one TextNode per chunk, its text the exact source slice, its metadata
what retrieval and citation read, and OCR repair changing what is searched, never what
is quoted."""

from __future__ import annotations

import json

from llama_index.core.schema import Document, TextNode

from core.index_schema import PassageMeta, SourceInfo
from ingest.node_parser import EMBED_TEXT, SPAN_TEXTS, StructuredNodeParser, span_embed_text

TEXT = (
    "Notat om grus\n\n"
    "Baggrund\n\nKommunen lagde grus på stierne i 2021. Borgerne klagede over punkteringer.\n\n"
    "Status\n\nForsøget med grus stopper 31/12-30.\n"
)


def _nodes(text: str = TEXT, repair=None, **info: object) -> list[TextNode]:  # type: ignore[no-untyped-def]
    meta = SourceInfo(source="corpus/notat.txt", revision="r1", title="Notat om grus", layout="sections", **info)  # type: ignore[arg-type]
    document = Document(text=text, metadata=meta.to_document())
    nodes = StructuredNodeParser(max_chars=1500, window_chars=700).get_nodes_from_documents([document], repair=repair)
    assert all(isinstance(n, TextNode) for n in nodes)
    return nodes  # type: ignore[return-value]


def test_a_node_text_is_the_exact_source_slice() -> None:
    nodes = _nodes()
    assert len(nodes) >= 2
    for node in nodes:
        meta = PassageMeta.from_chroma(node.metadata)
        assert node.text == TEXT[meta.start : meta.end]
        assert (node.start_char_idx, node.end_char_idx) == (meta.start, meta.end)


def test_every_span_lies_in_its_document_and_has_its_display_text() -> None:
    for node in _nodes():
        meta = PassageMeta.from_chroma(node.metadata)
        shown = json.loads(node.metadata[SPAN_TEXTS])
        assert len(shown) == len(meta.spans)
        for span, text in zip(meta.spans, shown, strict=True):
            # embedded led by the name of its unit (row title, heading) when it has one
            assert text.endswith(" ".join(TEXT[span.start : span.end].split()))


def test_a_span_is_embedded_led_by_its_units_name() -> None:
    status = next(n for n in _nodes() if "stopper" in n.text)
    texts = json.loads(status.metadata[SPAN_TEXTS])
    assert "Status: Forsøget med grus stopper 31/12-30." in texts
    assert span_embed_text("Status", "Status") == "Status"  # a heading is not led by itself
    assert span_embed_text("", "Forsøget stopper.") == "Forsøget stopper."


def test_nodes_carry_the_document_facts_in_order() -> None:
    nodes = _nodes(date="2021-03-01", kind="Notat")
    metas = [PassageMeta.from_chroma(n.metadata) for n in nodes]
    assert [m.order for m in metas] == list(range(len(nodes)))
    assert {(m.source, m.revision, m.title, m.date, m.kind) for m in metas} == {
        ("corpus/notat.txt", "r1", "Notat om grus", "2021-03-01", "Notat")
    }


def test_the_embedded_text_leads_with_title_and_context() -> None:
    status = next(n for n in _nodes() if "stopper" in n.text)
    assert status.metadata[EMBED_TEXT].startswith("Notat om grus\n")
    assert "Status" in status.metadata["context"]


def test_the_search_text_has_the_canonical_date() -> None:
    status = next(n for n in _nodes() if "stopper" in n.text)
    assert "dato20301231" in status.metadata["search"].split()


def test_ids_are_stable_and_differ_by_revision() -> None:
    assert [n.node_id for n in _nodes()] == [n.node_id for n in _nodes()]
    other = SourceInfo(source="corpus/notat.txt", revision="r2", title="Notat om grus", layout="sections")
    document = Document(text=TEXT, metadata=other.to_document())
    again = StructuredNodeParser().get_nodes_from_documents([document])
    assert not {n.node_id for n in again} & {n.node_id for n in _nodes()}


def test_repair_changes_what_is_searched_never_what_is_quoted() -> None:
    damaged = TEXT.replace("grus", "gnus")
    nodes = _nodes(damaged, repair=lambda s: s.replace("gnus", "grus"), ocr=True)
    assert any("gnus" in n.text for n in nodes)
    assert all("gnus" not in n.metadata["search"] and "gnus" not in n.metadata[EMBED_TEXT] for n in nodes)
    assert all("gnus" not in t for n in nodes for t in json.loads(n.metadata[SPAN_TEXTS]))


def test_a_pdf_passage_names_its_page() -> None:
    pages = (0, TEXT.index("Status"))  # page 2 starts at the status section
    status = next(n for n in _nodes(pages=pages) if "stopper" in n.text)
    assert status.metadata["locator"].startswith("side 2")
    assert json.loads(status.metadata["page_marks"]) == [[2, pages[1]]]
