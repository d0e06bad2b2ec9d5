"""The QA eval set, its runner and the benchmarks: `python -m evals [run|calibrate|bench]`."""

from evals.metrics import load_qa, summarise
from evals.run import evaluate, failures

__all__ = ["evaluate", "failures", "load_qa", "summarise"]
