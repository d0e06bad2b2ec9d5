"""The answerer's fitted weights: three logistic models and the thresholds chosen with
them, read from a small JSON file that ``python -m evals fit`` writes.

* ``span``: a ranking score of each candidate span (a linear listwise ranker, a
  softmax over each question's candidates, on assistant/features.py's span signals:
  higher holds the answer more likely);
* ``answerable``: P(the documents answer the question), from the question's signals;
* ``list``: P(this list is the complete answer to a list question).

The span ranker's softmax over a question's candidates says how sure it is of its best
span (``top_probability``); ``thresholds.sure`` is where that is calibrated to an even
chance, and the ``certainty_*`` weights calibrate the chance that an answer holds on that
and P(answerable) together (``AnswerModel.uncertain``).

The file records what it was fitted on (the dev splits only) and when.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.features import LIST_FEATURES, QUESTION_FEATURES, SPAN_FEATURES
from core.errors import ConfigError, Remedy

DEFAULT_FILE = Path(__file__).parent / "fitted" / "answerer.json"


@dataclass(frozen=True)
class Logistic:
    """A standardised logistic regression: logit = ((x - mean) / scale) · coef + intercept."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        return ((np.asarray(x, dtype=np.float64) - self.mean) / self.scale) @ self.coef + self.intercept

    def to_dict(self) -> dict:
        return {
            "features": list(self.features),
            "mean": self.mean.round(6).tolist(),
            "scale": self.scale.round(6).tolist(),
            "coef": self.coef.round(6).tolist(),
            "intercept": round(float(self.intercept), 6),
        }

    @classmethod
    def from_dict(cls, raw: dict, expected: tuple[str, ...]) -> Logistic:
        if tuple(raw["features"]) != expected:
            raise ValueError(f"features {raw['features']} != {list(expected)}")
        arrays = [np.asarray(raw[k], dtype=np.float64) for k in ("mean", "scale", "coef")]
        if any(a.shape != (len(expected),) for a in arrays):
            raise ValueError("wrong number of weights")
        return cls(tuple(expected), *arrays, float(raw["intercept"]))


@dataclass(frozen=True)
class Thresholds:
    answer: float  # refuse below this P(answerable)
    list: float  # answer with the list at or above this P(list)
    support: float  # a further span of the same passage joins the answer when it scores this close to the best
    list_support: float = 0.0  # the same for a list question answered in sentences
    # a refusal cites the nearest passages only at or above this P(answerable) (a near
    # miss); below it (an off-topic question) it cites nothing. 0.0: always (older files)
    near_miss: float = 0.0
    # a sentence answer is flagged as uncertain (and shown with other places that may hold
    # the answer) when the ranker's softmax probability of its best span is below this:
    # the probability at which, calibrated out of fold on the dev splits, the best span is
    # as likely wrong as right. 0.0: never (older files)
    sure: float = 0.0
    # ... and, when these are fitted, when the chance that the answer holds, calibrated
    # on both the ranker's top probability and P(answerable) (log-odds weights and bias),
    # is below one half: an answer to a question the documents may not cover at all ("how
    # will the weather be tomorrow?") is flagged too, however sure the ranker is of the
    # span that best matches its one known word. All 0.0: ``sure`` alone (older files)
    certainty_top: float = 0.0
    certainty_answerable: float = 0.0
    certainty_bias: float = 0.0
    # a best span with no other span of its passage in the answer brings the sentence right
    # after it when both together are at most this many characters: a short answer
    # sentence is often completed by the next one. 0: never (older files)
    follow_chars: int = 0


@dataclass(frozen=True)
class AnswerModel:
    span: Logistic
    answerable: Logistic
    list: Logistic
    thresholds: Thresholds
    meta: dict

    @classmethod
    def load(cls, path: Path = DEFAULT_FILE) -> AnswerModel:
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                span=Logistic.from_dict(raw["span"], SPAN_FEATURES),
                answerable=Logistic.from_dict(raw["answerable"], QUESTION_FEATURES),
                list=Logistic.from_dict(raw["list"], LIST_FEATURES),
                thresholds=Thresholds(**raw["thresholds"]),
                meta=raw.get("meta", {}),
            )
        except FileNotFoundError as exc:
            raise ConfigError(f"Svarmodellens vægte mangler: {path}.", remedy=Remedy.FIT) from exc
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ConfigError(
                f"Svarmodellens vægte i {path} passer ikke til denne version ({exc}).", remedy=Remedy.FIT
            ) from exc

    @classmethod
    def neutral(cls) -> AnswerModel:
        """An unfitted model (closeness in meaning alone, never refusing), to gather the
        signals a fit starts from."""

        def only(names: tuple[str, ...], key: str) -> Logistic:
            coef = np.zeros(len(names))
            coef[names.index(key)] = 1.0
            return Logistic(names, np.zeros(len(names)), np.ones(len(names)), coef, 0.0)

        return cls(
            only(SPAN_FEATURES, "dense"),
            only(QUESTION_FEATURES, "dense"),
            only(LIST_FEATURES, "heading_cov"),
            Thresholds(answer=0.0, list=0.5, support=1.0),
            {"note": "not fitted"},
        )

    def uncertain(self, top: float, answerable: float) -> bool:
        """Is a sentence answer more likely wrong than right? ``top``: the ranker's softmax
        probability of its best span; ``answerable``: P(the documents answer the question)."""
        t = self.thresholds
        if t.certainty_top or t.certainty_answerable:
            logit = t.certainty_top * log_odds(top) + t.certainty_answerable * log_odds(answerable) + t.certainty_bias
            return logit < 0.0
        return top < t.sure

    def to_dict(self) -> dict:
        return {
            "meta": self.meta,
            "thresholds": self.thresholds.__dict__,
            "span": self.span.to_dict(),
            "answerable": self.answerable.to_dict(),
            "list": self.list.to_dict(),
        }


def log_odds(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def top_probability(scores: np.ndarray) -> float:
    """The softmax probability of the best of a question's candidate scores."""
    if not len(scores):
        return 0.0
    shifted = np.exp(np.asarray(scores, dtype=np.float64) - np.max(scores))
    return float(shifted.max() / shifted.sum())


def sigmoid(x: float | np.ndarray) -> float | np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))
