"""parse → chunk → embed → store: `python -m ingest` builds the index from corpus/."""

from ingest.pipeline import IngestReport, run_ingest

__all__ = ["IngestReport", "run_ingest"]
