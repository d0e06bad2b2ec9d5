"""The app's index at start-up, without the page: open it, or build or update it in the
background, with a status the page can show (a real tiny index, fake encoder)."""

from __future__ import annotations

import pytest

from core.config import Settings
from ingest.pipeline import IngestReport, corpus_sources, run_ingest
from ui.startup import IndexService, Status


def _started(settings: Settings, embed, ingest=run_ingest) -> IndexService:  # type: ignore[no-untyped-def]
    service = IndexService(settings, ingest, corpus_sources, embed_model=embed)
    service.start()
    return service


def _no_build(settings: Settings) -> Settings:
    return settings.model_copy(update={"app": settings.app.model_copy(update={"build_index": False})})


@pytest.mark.parametrize(("phase", "busy"), [("opening", True), ("building", True), ("updating", True)])
def test_a_running_phase_is_busy(phase: str, busy: bool) -> None:
    assert Status(phase=phase).busy is busy  # type: ignore[arg-type]


@pytest.mark.parametrize("phase", ["ready", "failed"])
def test_a_finished_phase_is_not_busy(phase: str) -> None:
    assert not Status(phase=phase).busy  # type: ignore[arg-type]


def test_before_start_there_is_no_assistant_and_it_is_opening(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    service = IndexService(fake_settings, run_ingest, corpus_sources, embed_model=fake_embed)
    assert service.assistant is None and service.status == Status()
    assert service.stale(0) == []


def test_an_existing_index_is_opened_without_ingest(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    run_ingest(fake_settings, fake_embed)
    calls: list[str] = []

    def ingest(settings, model, **kwargs):  # type: ignore[no-untyped-def]
        calls.append("ingest")
        return run_ingest(settings, model, **kwargs)

    service = _started(fake_settings, fake_embed, ingest)
    assert service.wait(60) == Status(phase="ready")
    assert calls == [] and service.assistant is not None and len(service.assistant.documents) == 4


def test_a_missing_index_is_built_and_its_progress_counted(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    service = _started(fake_settings, fake_embed)
    status = service.wait(60)
    assert (status.phase, status.done, status.total, status.error) == ("ready", 4, 4, "")
    assert service.assistant is not None


def test_files_ingest_could_not_read_are_reported(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    (fake_settings.corpus_dir / "tom.txt").write_bytes(b"")
    status = _started(fake_settings, fake_embed).wait(60)
    assert status.phase == "ready" and len(status.failed) == 1 and "tom.txt" in status.failed[0]


def test_without_build_a_missing_index_is_waited_for(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    def ingest(settings, model, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("the app must not build the index")

    service = IndexService(_no_build(fake_settings), ingest, corpus_sources, embed_model=fake_embed)
    service.start()
    # the thread keeps retrying; the status says so as soon as the first attempt failed
    for _ in range(600):
        if service.status.phase == "failed":
            break
        service.wait(0.01)
    assert service.status.phase == "failed" and "venter, til indekset er bygget" in service.status.error
    assert service.assistant is None


def test_a_crash_in_ingest_is_a_danish_message(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    def ingest(settings, model, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    status = _started(fake_settings, fake_embed, ingest).wait(60)
    assert status.phase == "failed" and status.error == "Uventet fejl under opstart: RuntimeError"


def test_an_ingest_report_without_failures_leaves_none(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    def ingest(settings, model, **kwargs):  # type: ignore[no-untyped-def]
        run_ingest(settings, model, **kwargs)
        return IngestReport()

    assert _started(fake_settings, fake_embed, ingest).wait(60).failed == ()


def test_new_and_changed_files_are_stale_after_start(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    service = _started(fake_settings, fake_embed)
    assert service.wait(60).phase == "ready" and service.stale(0) == []
    (fake_settings.corpus_dir / "ny.txt").write_text("Et nyt notat om cykelparkering.\n", encoding="utf-8")
    notat = fake_settings.corpus_dir / "notat.txt"
    notat.write_text(notat.read_text(encoding="utf-8") + "\nEn ny linje.\n", encoding="utf-8")
    assert [s.rsplit("/", 1)[-1] for s in service.stale(0)] == ["notat.txt", "ny.txt"]


def test_the_stale_check_is_reused_for_its_max_age(fake_settings: Settings, fake_embed) -> None:  # type: ignore[no-untyped-def]
    service = _started(fake_settings, fake_embed)
    assert service.wait(60).phase == "ready" and service.stale(3600) == []
    (fake_settings.corpus_dir / "ny.txt").write_text("Et nyt notat.\n", encoding="utf-8")
    assert service.stale(3600) == []  # checked a moment ago
    assert [s.rsplit("/", 1)[-1] for s in service.stale(0)] == ["ny.txt"]
