"""The perturbation suite: reproducible, and each perturbation does what its name says."""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import OSA

from evals.perturb import PERTURBATIONS, ascii_digraphs, ascii_plain, perturbed, typos

QUESTION = "Hvilke forsøg blev forlænget i Aalborg på én gang?"  # no doubled letters after the first


def _item(item_id: str = "q-1", question: str = QUESTION, kind: str = "fact", **extra: object) -> dict:
    return {"id": item_id, "question": question, "kind": kind, "must_include": [["Aalborg"]], **extra}


@pytest.mark.parametrize("name", sorted(PERTURBATIONS))
def test_each_perturbation_is_a_function_of_the_question_and_its_seed(name: str) -> None:
    perturb = PERTURBATIONS[name]
    assert perturb(QUESTION, random.Random("q-1~x")) == perturb(QUESTION, random.Random("q-1~x"))


def test_the_same_id_gives_the_same_perturbed_questions() -> None:
    first = perturbed([_item()])
    assert first == perturbed([_item()])
    assert first == perturbed([_item(), _item("q-2", kind="refusal")])  # other items change nothing


def test_different_ids_draw_different_typos() -> None:
    texts = {perturbed([_item(f"q-{n}")], ("typo2",))[0]["question"] for n in range(20)}
    assert len(texts) > 1


@pytest.mark.parametrize("perturb", [ascii_digraphs, ascii_plain])
def test_ascii_spellings_leave_no_danish_letters(perturb) -> None:  # type: ignore[no-untyped-def]
    out = perturb("Æbler, ØL og Ål: forsøg på én læsø-gård", random.Random(0))
    assert not set("æøåÆØÅ") & set(out)


def test_ascii_digraphs_and_plain_spellings() -> None:
    assert ascii_digraphs("Forsøget forlænges et år", random.Random(0)) == "Forsoeget forlaenges et aar"
    assert ascii_plain("Forsøget forlænges et år", random.Random(0)) == "Forsoget forlanges et ar"
    assert ascii_digraphs("Ærø og Åbenrå", random.Random(0)) == "Aeroe og Aabenraa"


@pytest.mark.parametrize("seed", range(50))
def test_typo1_changes_exactly_one_word_by_one_edit(seed: int) -> None:
    before, after = QUESTION.split(), typos(1)(QUESTION, random.Random(seed)).split()
    assert len(before) == len(after)
    changed = [(b, a) for b, a in zip(before, after, strict=True) if a != b]
    assert len(changed) == 1
    ((old, new),) = changed
    assert OSA.distance(old, new) == 1 and new[0] == old[0]  # the first letter is kept


def test_typo2_changes_two_different_words() -> None:
    for seed in range(20):
        after = typos(2)(QUESTION, random.Random(seed)).split()
        assert sum(a != b for a, b in zip(QUESTION.split(), after, strict=True)) == 2


def test_typos_leave_a_question_without_long_words_alone() -> None:
    assert typos(1)("Kl. 12 i år?", random.Random(0)) == "Kl. 12 i år?"


def test_perturbed_skips_refusals() -> None:
    assert perturbed([_item(kind="refusal")]) == []
    assert perturbed([_item(kind="list")])


def test_perturbed_skips_perturbations_that_change_nothing() -> None:
    names = {row["perturbation"] for row in perturbed([_item(question="hvem tog beslutningen")])}
    assert not names & {"ae_oe_aa", "a_o", "lower", "no_qmark"}  # no æ/ø/å, no capitals, no "?"
    assert {"typo1", "typo2", "filler"} <= names


def test_perturbed_copies_carry_the_gold_answer_and_a_marked_id() -> None:
    rows = perturbed([_item("q-7", phrasing="doc")])
    assert {row["id"] for row in rows} == {f"q-7~{name}" for name in PERTURBATIONS}
    for row in rows:
        assert row["id"] == f"q-7~{row['perturbation']}"
        assert row["question"] != QUESTION
        assert row["must_include"] == [["Aalborg"]] and row["kind"] == "fact" and row["phrasing"] == "doc"


def test_filler_follows_the_phrasing_language() -> None:
    english = perturbed([_item(question="Which trials were extended?", phrasing="english")], ("filler",))
    danish = perturbed([_item(question="Hvilke forsøg blev forlænget?")], ("filler",))
    assert english[0]["question"].split()[0] in {"can", "i", "hi,"}
    assert danish[0]["question"].endswith("hvilke forsøg blev forlænget?")
