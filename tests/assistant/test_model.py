"""The answerer's fitted weights: logistic scores, the JSON file round trip, and a
ConfigError naming the fit when the file is missing or does not fit this version."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.features import QUESTION_FEATURES, SPAN_FEATURES
from assistant.model import DEFAULT_FILE, AnswerModel, Logistic, sigmoid
from core.errors import ConfigError, Remedy


def _logistic() -> Logistic:
    return Logistic(("a", "b"), np.array([1.0, 0.0]), np.array([2.0, 1.0]), np.array([1.0, -1.0]), 0.5)


def test_the_logit_standardises_before_weighing() -> None:
    assert _logistic().logit(np.array([3.0, 1.0])) == pytest.approx((3 - 1) / 2 * 1.0 + 1.0 * -1.0 + 0.5)


def test_the_logit_scores_rows_at_once() -> None:
    scores = _logistic().logit(np.array([[1.0, 0.0], [1.0, 2.0]]))
    assert scores.tolist() == pytest.approx([0.5, -1.5])


def test_a_logistic_survives_its_dict() -> None:
    model = _logistic()
    again = Logistic.from_dict(model.to_dict(), ("a", "b"))
    assert again.features == ("a", "b") and again.intercept == 0.5
    assert again.coef.tolist() == [1.0, -1.0] and again.scale.tolist() == [2.0, 1.0]


def test_weights_for_other_features_are_refused() -> None:
    with pytest.raises(ValueError, match="features"):
        Logistic.from_dict(_logistic().to_dict(), ("a", "c"))


def test_a_wrong_number_of_weights_is_refused() -> None:
    raw = {**_logistic().to_dict(), "coef": [1.0]}
    with pytest.raises(ValueError, match="wrong number of weights"):
        Logistic.from_dict(raw, ("a", "b"))


def test_sigmoid_is_one_half_at_zero_and_saturates_without_overflow() -> None:
    assert sigmoid(0.0) == 0.5
    assert sigmoid(1000.0) == pytest.approx(1.0) and sigmoid(-1000.0) == pytest.approx(0.0)


def test_the_neutral_model_ranks_by_closeness_and_never_refuses() -> None:
    neutral = AnswerModel.neutral()
    assert neutral.thresholds.answer == 0.0
    x = np.zeros(len(SPAN_FEATURES))
    x[SPAN_FEATURES.index("dense")] = 0.8
    assert neutral.span.logit(x) == pytest.approx(0.8)
    assert neutral.answerable.features == QUESTION_FEATURES


def test_a_model_survives_its_file(tmp_path: Path, fake_answer_model: AnswerModel) -> None:
    path = tmp_path / "answerer.json"
    path.write_text(json.dumps(fake_answer_model.to_dict()), encoding="utf-8")
    loaded = AnswerModel.load(path)
    assert loaded.thresholds == fake_answer_model.thresholds and loaded.meta == fake_answer_model.meta
    assert loaded.answerable.coef.tolist() == fake_answer_model.answerable.coef.tolist()


def test_the_shipped_file_loads() -> None:
    assert AnswerModel.load(DEFAULT_FILE).span.features == SPAN_FEATURES


def test_a_missing_file_says_to_fit(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="mangler") as info:
        AnswerModel.load(tmp_path / "intet.json")
    assert info.value.remedy is Remedy.FIT


@pytest.mark.parametrize("content", ["{ikke json", '{"span": {}}', "[]"])
def test_a_file_of_another_version_says_to_fit(tmp_path: Path, content: str) -> None:
    path = tmp_path / "answerer.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match="passer ikke til denne version") as info:
        AnswerModel.load(path)
    assert info.value.remedy is Remedy.FIT


def test_a_model_file_without_the_near_miss_bar_loads_as_always_citing(tmp_path: Path) -> None:
    raw = json.loads(DEFAULT_FILE.read_text(encoding="utf-8"))
    raw["thresholds"].pop("near_miss", None)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert AnswerModel.load(path).thresholds.near_miss == 0.0


def test_the_shipped_near_miss_bar_is_at_most_the_refusal_threshold() -> None:
    thresholds = AnswerModel.load().thresholds
    assert 0.0 < thresholds.near_miss <= thresholds.answer
