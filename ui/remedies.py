"""What the app tells a caseworker would fix an error: the operator's step, since nobody
at the page can run it. The command-line tools say it their way (core/cliutil.py)."""

from __future__ import annotations

from core.cliutil import describe
from core.errors import AssistantError, Remedy

REMEDIES = {
    Remedy.INGEST: "Den, der driver tjenesten, kan bygge indekset med: python -m ingest",
    Remedy.REBUILD: "Den, der driver tjenesten, kan bygge indekset igen med: python -m ingest --rebuild",
    Remedy.FIT: "Den, der driver tjenesten, kan lave svarmodellens vægte med: python -m evals fit",
    Remedy.SERVER: "Den, der driver tjenesten, skal sørge for, at Chroma-serveren kører",
}


def explain(error: AssistantError) -> str:
    """The error's facts and the operator's remedy, in one Danish line for the page."""
    return describe(error, REMEDIES)
