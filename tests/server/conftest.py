"""A real Chroma server per test, on a free loopback port (CI has no services of its own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.chroma_server import ChromaServer


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ChromaServer]:
    chroma = ChromaServer(tmp_path / "chroma-server").start()
    yield chroma
    chroma.stop()
