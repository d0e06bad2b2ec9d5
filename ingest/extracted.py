"""What a reader returns, and the text clean-up every reader shares."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import date

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # all control characters but \t and \n
_ISO_DATE = re.compile(r"^\s*[\"']?(\d{4})-?(\d{2})-?(\d{2})")


@dataclass(frozen=True)
class Extracted:
    """A document's text and what its file says about itself."""

    text: str
    fmt: str
    pages: tuple[int, ...] = ()  # PDF only: start offset of page 1, 2, ... in ``text``
    title: str = ""
    date: str = ""  # ISO YYYY-MM-DD

    def page_of(self, offset: int) -> int | None:
        """The 1-based page holding ``offset``; None without pages or outside the text."""
        if not self.pages or not 0 <= offset <= len(self.text):
            return None
        return bisect.bisect_right(self.pages, offset)


def clean(text: str) -> str:
    """Control characters (but tab and newline) as spaces; NUL dropped."""
    return _CONTROL.sub(" ", text.replace("\x00", ""))


def squeeze(text: str) -> str:
    return " ".join(text.split())


def iso_date(value: str) -> str:
    match = _ISO_DATE.match(value)
    if not match:
        return ""
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return ""


def reason(exc: Exception) -> str:
    """The first line of a reader's exception, cut to 80 characters (for a message)."""
    lines = str(exc).strip().splitlines()
    first = lines[0] if lines else type(exc).__name__
    return first if len(first) <= 80 else first[:77] + "..."
