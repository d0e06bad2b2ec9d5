"""The app's index at start-up: open it, or build or update it in the background while
the app already serves a page that shows the progress.

Gradio-free. The ingest function is passed in (the app wires ``ingest.run_ingest``), so
the assistant package does not depend on the ingest package.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from assistant.engine import Assistant, build_assistant
from core.config import Settings
from core.embed import VectorEmbedding, build_embed_model
from core.errors import AssistantError, IndexNotBuiltError, StoreUnavailableError
from ui.remedies import explain

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0  # how often start-up tries a Chroma server that did not answer
Phase = Literal["opening", "building", "updating", "ready", "failed"]


# ingest.run_ingest: (settings, embed_model, *, on_document(source, status)) -> a report with .failed
Ingest = Callable[..., Any]


@dataclass(frozen=True)
class Status:
    """What the index is doing now, for the page to show."""

    phase: Phase = "opening"
    done: int = 0  # documents handled so far by a running build or update
    total: int = 0  # documents in the corpus folder (0 when not known)
    error: str = ""  # Danish; why the last build or update failed
    failed: tuple[str, ...] = ()  # files the last build or update could not read (Danish messages)

    @property
    def busy(self) -> bool:
        return self.phase in ("opening", "building", "updating")


class IndexService:
    """Owns the assistant for the app: ``assistant`` is None until an index can be read.

    ``start`` returns at once; a thread loads the encoder, opens the index, and builds it
    when there is none or brings it up to date when the corpus changed. While an update
    runs, questions are answered from the index as it was.
    """

    def __init__(
        self,
        settings: Settings,
        ingest: Ingest,
        corpus_sources: Callable[[Settings], list[str]],
        embed_model: VectorEmbedding | None = None,
    ) -> None:
        self.settings = settings
        self._ingest = ingest
        self._corpus_sources = corpus_sources
        self._embed_model = embed_model
        self._assistant: Assistant | None = None
        self._status = Status()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stale: tuple[float, list[str]] = (0.0, [])

    @property
    def assistant(self) -> Assistant | None:
        return self._assistant

    @property
    def status(self) -> Status:
        return self._status

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="index-startup", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> Status:
        """Block until start-up has finished (for the CLI and tests)."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._status

    def stale(self, max_age: float) -> list[str]:
        """Corpus files that are new, changed or gone since they were indexed (cached
        for ``max_age`` seconds: every page load asks)."""
        assistant = self._assistant
        if assistant is None or self._status.busy:
            return []
        checked, files = self._stale
        if time.monotonic() - checked > max_age:
            files = self._find_stale(assistant)
            self._stale = (time.monotonic(), files)
        return files

    def _find_stale(self, assistant: Assistant) -> list[str]:
        try:
            on_disk = set(self._corpus_sources(self.settings))
        except AssistantError:
            on_disk = set(assistant.documents)  # a missing corpus folder is reported by ingest, not here
        return sorted(set(assistant.stale_documents()) | (on_disk - set(assistant.documents)))

    def _set(self, **changes: Any) -> None:
        with self._lock:
            self._status = replace(self._status, **changes)

    def _progress(self, source: str, status: str) -> None:
        logger.info("  %-9s %s", status, source)
        self._set(done=self._status.done + 1)

    def _run(self) -> None:
        # A Chroma server that is not up yet (or restarting) is waited for, not given up on.
        while not self._start():
            time.sleep(RETRY_SECONDS)
        self._stale = (0.0, [])

    def _start(self) -> bool:
        """One attempt to open (or build) the index; False when it should be retried."""
        try:
            model = self._embed_model = self._embed_model or build_embed_model(self.settings.embedding)
            try:
                self._assistant = build_assistant(self.settings, model)
            except IndexNotBuiltError as exc:
                if not self.settings.app.build_index:  # another process builds it: wait for that
                    self._set(phase="failed", error=f"{explain(exc)} Siden venter, til indekset er bygget.")
                    return False
                self._update("building", model)
                self._assistant = build_assistant(self.settings, model)
            else:
                if self.settings.app.build_index and self._find_stale(self._assistant):
                    self._update("updating", model)
                    self._assistant.refresh(force=True)
            self._set(phase="ready", error="")
        except StoreUnavailableError as exc:
            logger.warning("index start-up waits for the Chroma server: %s", exc.message)
            self._set(phase="failed", error=f"{exc.message} Der prøves igen automatisk.")
            return False
        except AssistantError as exc:
            logger.error("index start-up failed: %s", exc.message)
            self._set(phase="failed", error=explain(exc))
        except Exception as exc:  # the thread is an edge: a crash here must reach the page
            logger.exception("index start-up failed")
            self._set(phase="failed", error=f"Uventet fejl under opstart: {exc.__class__.__name__}")
        return True

    def _update(self, phase: Phase, model: VectorEmbedding) -> None:
        try:
            total = len(self._corpus_sources(self.settings))
        except AssistantError:
            total = 0
        self._set(phase=phase, done=0, total=total)
        logger.info("%s the index (%d documents)", "building" if phase == "building" else "updating", total)
        report = self._ingest(self.settings, model, on_document=self._progress)
        failed = tuple(explain(error) for error in getattr(report, "failed", ()))
        self._set(failed=failed)
