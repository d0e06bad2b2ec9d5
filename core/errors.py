"""The project's errors. Each carries its facts in Danish (``message``: what is wrong,
where) and, as data, the ``remedy`` that would fix it. What a remedy is called is decided
at the edge: the command-line tools name their commands (core/cliutil.py ``describe``), the
app tells a caseworker what the operator must do (ui/chat.py). The pipeline raises these
and never prints.
"""

from __future__ import annotations

import errno
from enum import StrEnum


class Remedy(StrEnum):
    """What would fix an error, as data; the edges say it in words."""

    INGEST = "ingest"  # build or update the index
    REBUILD = "rebuild"  # build the index anew
    FIT = "fit"  # fit the answerer's weights again
    SERVER = "server"  # start (or wait for) the Chroma server


class AssistantError(Exception):
    """Base class. ``exit_code`` is what a CLI exits with."""

    exit_code = 1

    def __init__(self, *args: object, remedy: Remedy | None = None) -> None:
        super().__init__(*args)
        self.remedy = remedy

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__


class UsageError(AssistantError):
    """The caller asked for something malformed (exit code 2)."""

    exit_code = 2


class QuestionError(UsageError):
    """An empty, over-long or otherwise unusable question."""


class LinkError(UsageError):
    """A source link names an unknown document or offsets outside it."""


class ConfigError(UsageError):
    """A setting has a bad value, or names a model that is not installed."""


class IndexNotBuiltError(AssistantError):
    """There is no index yet (or it holds no documents)."""


class IndexCorruptError(AssistantError):
    """The data directory exists but cannot be read as an index."""


class StoreUnavailableError(AssistantError):
    """The Chroma server does not answer (it is down, restarting or unreachable)."""


class CorpusError(AssistantError):
    """A corpus file (or the manifest) cannot be used: not UTF-8, empty, unreadable."""

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


_OS_REASONS = {
    errno.ENAMETOOLONG: "filnavnet er for langt",
    errno.EACCES: "adgang nægtet",
    errno.EPERM: "handlingen er ikke tilladt",
    errno.EROFS: "filsystemet er skrivebeskyttet",
    errno.ENOSPC: "disken er fuld",
    errno.EDQUOT: "diskkvoten er opbrugt",
    errno.ENOENT: "findes ikke",
    errno.EISDIR: "er en mappe",
    errno.ENOTDIR: "en del af stien er ikke en mappe",
    errno.ELOOP: "er et symbolsk link",
    errno.EIO: "ind-/udlæsningsfejl på disken",
    errno.EBUSY: "er i brug",
    errno.EXDEV: "ligger på et andet filsystem",
}


def os_reason(exc: OSError) -> str:
    """An OSError in Danish, for a message (the C library's own text is English)."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    return f"systemfejl {errno.errorcode.get(exc.errno or 0, type(exc).__name__)}"
