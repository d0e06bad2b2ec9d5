"""The perturbation suite: every answerable question asked again the way people type.

Each perturbation is a pure function of the question (typos are seeded by the question's
id), so a run is reproducible and nobody writes a perturbed question by hand. A perturbed
question keeps the original's gold answer: the answer must not change (CheckList's
invariance tests, Ribeiro et al. 2020).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

_WORD = re.compile(r"[^\W\d_]{4,}")
_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_DANISH_FILLERS = ("kan du fortælle mig", "jeg vil gerne vide", "hej, ved du", "må jeg spørge")
_ENGLISH_FILLERS = ("can you tell me", "i would like to know", "hi, do you know")


def ascii_digraphs(q: str, rng: random.Random) -> str:
    """æ/ø/å typed as ae/oe/aa."""
    return q.translate(str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"}))


def ascii_plain(q: str, rng: random.Random) -> str:
    """æ/ø/å typed as a/o/a."""
    return q.translate(str.maketrans({"æ": "a", "ø": "o", "å": "a", "Æ": "A", "Ø": "O", "Å": "A"}))


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)  # keep the first letter, as most typos do
    op = rng.choice(("swap", "drop", "replace", "double"))
    if op == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == "drop":
        return word[:i] + word[i + 1 :]
    if op == "replace":
        return word[:i] + rng.choice(_LETTERS.replace(word[i].lower(), "")) + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def typos(count: int) -> Callable[[str, random.Random], str]:
    def perturb(q: str, rng: random.Random) -> str:
        found = list(_WORD.finditer(q))
        if not found:
            return q
        out = q
        for m in sorted(rng.sample(found, min(count, len(found))), key=lambda m: m.start(), reverse=True):
            out = out[: m.start()] + _typo(m[0], rng) + out[m.end() :]
        return out

    perturb.__doc__ = f"{count} letter typo(s) in different words"
    return perturb


def lower(q: str, rng: random.Random) -> str:
    return q.lower()


def no_question_mark(q: str, rng: random.Random) -> str:
    return q.rstrip(" ?!.")


def filler(q: str, rng: random.Random, english: bool = False) -> str:
    lead = rng.choice(_ENGLISH_FILLERS if english else _DANISH_FILLERS)
    return f"{lead} {q[:1].lower()}{q[1:]}"


PERTURBATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "ae_oe_aa": ascii_digraphs,
    "a_o": ascii_plain,
    "typo1": typos(1),
    "typo2": typos(2),
    "lower": lower,
    "no_qmark": no_question_mark,
    "filler": filler,
}


def perturbed(items: list[dict[str, Any]], names: tuple[str, ...] = tuple(PERTURBATIONS)) -> list[dict[str, Any]]:
    """Each answerable item once per perturbation that changes its question; the copy's
    id is ``<id>~<perturbation>`` and it carries ``perturbation``."""
    out = []
    for item in items:
        if item["kind"] == "refusal":
            continue
        for name in names:
            rng = random.Random(f"{item['id']}~{name}")
            if name == "filler":
                question = filler(item["question"], rng, english=item.get("phrasing") == "english")
            else:
                question = PERTURBATIONS[name](item["question"], rng)
            if question != item["question"]:
                out.append({**item, "id": f"{item['id']}~{name}", "question": question, "perturbation": name})
    return out
