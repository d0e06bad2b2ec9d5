"""The scale benchmark's corpus generator: deterministic, real documents untouched,
needles unique, nothing about the real trials, repeated sections cacheable. No model."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from llama_index.core.schema import Document

from core.config import PROJECT_ROOT
from core.textnorm import terms
from evals import metrics
from evals.synth import (
    FAMILIES,
    NEEDLE_HEADING,
    generate,
    needles_from_json,
    needles_to_json,
    section_text,
    variants,
)
from ingest.manifest import load_manifest
from ingest.node_parser import EMBED_TEXT, SPAN_TEXTS, StructuredNodeParser

REAL = PROJECT_ROOT / "corpus"
# Facts of the real documents that no generated document may state (or answer).
FORBIDDEN = [
    "31/12-21",
    "Frikommune",
    "forholdstalskrav",
    "revalidering",
    "dimittend",
    "mikrolån",
    "psykologbehandling",
    "ressourceforløb",
    "ledighedsydelse",
    "mentor",
    "løntilskud",
    "LÆ265",
    "integrationsborger",
    "uddannelsespålæg",
    "samtale",
    "Rambøll",
    "KKR",
    "Nordjylland",
    "nordjysk",
    # what the refusal questions ask about
    "borgmester",
    "indbyggere",
    "Hjørring",
    "København",
    "dagpengesats",
    "boligstøtte",
]


def _texts(folder: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))}


def _occurrences(phrase: str, normed: str) -> int:
    """Whole-word occurrences of ``phrase`` in a text already passed through metrics.norm."""
    return len(re.findall(rf"(?<!\w){re.escape(metrics.norm(phrase))}(?!\w)", normed))


def test_the_same_seed_gives_the_same_corpus_and_another_seed_another(tmp_path: Path) -> None:
    first = generate(2, tmp_path / "a", seed=7)
    again = generate(2, tmp_path / "b", seed=7)
    other = generate(2, tmp_path / "c", seed=8)
    assert first == again
    assert _texts(tmp_path / "a") == _texts(tmp_path / "b")
    assert (tmp_path / "a" / "manifest.toml").read_bytes() == (tmp_path / "b" / "manifest.toml").read_bytes()
    assert _texts(tmp_path / "a") != _texts(tmp_path / "c")
    assert [n.project for n in first] != [n.project for n in other]
    assert needles_from_json(needles_to_json(first)) == first


def test_size_10_is_the_real_documents_untouched_plus_45_variants(tmp_path: Path) -> None:
    needles = generate(10, tmp_path / "corpus")
    texts = _texts(tmp_path / "corpus")
    real = _texts(REAL)
    assert len(texts) == 50 and len(needles) == 45
    for name in real:
        assert (tmp_path / "corpus" / name).read_bytes() == (REAL / name).read_bytes()
    manifest_text = (tmp_path / "corpus" / "manifest.toml").read_text(encoding="utf-8")
    assert manifest_text.startswith((REAL / "manifest.toml").read_text(encoding="utf-8").rstrip("\n"))
    manifest = load_manifest(tmp_path / "corpus" / "manifest.toml")
    real_manifest = load_manifest(REAL / "manifest.toml")
    assert {name: manifest[name] for name in real_manifest} == real_manifest
    assert set(manifest) == set(texts)
    titles = {f.title for f in FAMILIES}
    for name in set(texts) - set(real):
        assert manifest[name].layout == "sections" and manifest[name].title in titles
    assert Counter(manifest[n].title for n in set(texts) - set(real)) == Counter({t: 5 for t in titles})


def test_size_1_is_the_real_corpus(tmp_path: Path) -> None:
    assert generate(1, tmp_path / "corpus") == []
    assert _texts(tmp_path / "corpus") == _texts(REAL)


def test_every_needle_is_unique_stated_once_and_answers_its_question(tmp_path: Path) -> None:
    needles = generate(100, tmp_path / "corpus")
    assert len(needles) == 495
    texts = _texts(tmp_path / "corpus")
    assert len({n.project for n in needles}) == len(needles)
    stems = Counter(" ".join(terms(n.project)) for n in needles)
    assert max(stems.values()) == 1  # BM25 cannot mistake one project for another
    names = {n.project.split()[-1].casefold() for n in needles}
    words = Counter(w for text in texts.values() for w in re.findall(r"\w+", text.casefold()) if w in names)
    for needle in needles:
        assert words[needle.project.split()[-1].casefold()] == 1, needle
        assert _occurrences(needle.project, metrics.norm(texts[needle.file])) == 1, needle
        assert texts[needle.file].count(needle.fact) == 1
        assert needle.project in needle.question and needle.answer in needle.fact
        assert texts[needle.file].count(NEEDLE_HEADING) == 1


def test_generated_documents_say_nothing_the_real_questions_ask_about() -> None:
    # every text the generator can emit: the families' titles, introductions and section
    # pools, and the needle sentences of the largest corpus
    pool = [f"{f.title}\n{f.intro}" for f in FAMILIES]
    pool += [section_text(f, i) for f in FAMILIES for i in range(len(f.sections))]
    pool += [doc.text.split(NEEDLE_HEADING)[1].split("\n\n")[1] for doc in variants(495)]
    generated = metrics.norm("\n".join(pool))
    items = metrics.load_qa(PROJECT_ROOT / "evals" / "bank" / "dev.jsonl")
    answers = {alt for item in items for group in item["must_include"] for alt in group if len(alt) >= 7}
    assert len(answers) > 40
    found = [phrase for phrase in [*FORBIDDEN, *answers] if _occurrences(phrase, generated)]
    found += [phrase for phrase in FORBIDDEN if phrase.casefold() in generated]  # also inside words
    assert not found


def _nodes(text: str, title: str, name: str) -> list:
    document = Document(text=text, metadata={"source": name, "revision": "r", "title": title, "layout": "sections"})
    return StructuredNodeParser(max_chars=1500, window_chars=700).get_nodes_from_documents([document])


@pytest.mark.parametrize("family", range(len(FAMILIES)))
def test_repeated_sections_embed_the_same_text_in_every_variant(family: int) -> None:
    docs = [d for d in variants(5 * len(FAMILIES)) if d.family == FAMILIES[family].key]
    a, b = docs[0], docs[1]
    assert a.manifest["title"] == b.manifest["title"]
    nodes_a = _nodes(a.text, a.manifest["title"], a.file)
    nodes_b = _nodes(b.text, b.manifest["title"], b.file)
    # the title and introduction, one passage per section, and the needle
    assert len(nodes_a) == len(a.sections) + 2
    embed_b = {n.metadata[EMBED_TEXT] for n in nodes_b}
    spans_b = {t for n in nodes_b for t in json.loads(n.metadata[SPAN_TEXTS])}
    heading = {h.split("|")[0]: i for i, h in enumerate(FAMILIES[family].sections)}
    new_passages = new_spans = 0
    for node in nodes_a:
        context = node.metadata["context"]
        repeated = context == a.manifest["title"] or heading.get(context) in b.sections
        assert (node.metadata[EMBED_TEXT] in embed_b) == repeated, context
        if repeated:
            assert set(json.loads(node.metadata[SPAN_TEXTS])) <= spans_b
        else:
            new_passages += 1
            new_spans += len(set(json.loads(node.metadata[SPAN_TEXTS])) - spans_b)
    assert new_passages == len(set(a.sections) - set(b.sections)) + 1  # + the needle
    assert new_spans >= 1  # at least the needle's fact is new text
