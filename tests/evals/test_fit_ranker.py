"""The listwise span ranker that ``python -m evals fit`` fits (evals/fit.py)."""

from __future__ import annotations

import numpy as np

from evals.fit import _softmax_ranker


def _groups(seed: int = 0, n: int = 60) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """Questions of 8 candidates; the gold one is highest on feature 0 (plus noise),
    feature 1 is noise."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        z = rng.normal(size=(8, 2))
        ys = np.zeros(8, dtype=bool)
        ys[int(np.argmax(z[:, 0] + 0.3 * rng.normal(size=8)))] = True
        out.append((z, ys, 1.0))
    return out


def test_learns_the_signal_that_picks_the_gold_span() -> None:
    coef = _softmax_ranker(_groups(), 1.0)
    assert coef[0] > 1.0
    assert abs(coef[1]) < coef[0] / 3
    held_out = _groups(seed=1)
    top1 = np.mean([ys[int(np.argmax(z @ coef))] for z, ys, _ in held_out])
    assert top1 > 0.6


def test_stronger_penalty_shrinks_the_weights() -> None:
    loose = _softmax_ranker(_groups(), 1.0)
    tight = _softmax_ranker(_groups(), 0.01)
    assert np.linalg.norm(tight) < np.linalg.norm(loose)


def test_several_gold_spans_of_one_question_share_the_credit() -> None:
    z = np.array([[1.0], [1.0], [-1.0]])
    coef = _softmax_ranker([(z, np.array([True, True, False]), 1.0)], 1.0)
    assert coef[0] > 0


def test_the_fit_leaves_out_further_dev_articles_but_never_one_already_left_out() -> None:
    from evals.fit import extra_leave_out

    dev = [f"squad-da-{n:02d}-a.txt" for n in range(0, 48, 4)]
    extra = extra_leave_out(dev, [dev[5]])
    assert extra and set(extra) <= set(dev) and dev[5] not in extra
    assert len(extra) < len(dev) // 2  # most articles stay in the corpus: they give the answerable questions
