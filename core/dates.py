"""Date expressions, Danish and English, mapped to canonical search tokens.

"31/12-21", "31.12.2021", "31. december 2021", "December 31, 2021" and
"udgangen af 2021" all name the same day. Search text (of passages and of questions)
gets the token ``dato20211231`` (and the month token ``dato202112``) next to any of
them, so BM25 matches one phrasing against another.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    "januar": 1, "jan": 1, "january": 1,
    "februar": 2, "feb": 2, "february": 2,
    "marts": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "maj": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "october": 10, "oct": 10,
    "november": 11, "nov": 11,
    "december": 12, "dec": 12,
}  # fmt: skip

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_YEAR = r"(?:19|20)\d{2}"
YEAR = re.compile(rf"\b{_YEAR}\b")
MONTH_NAME = re.compile(rf"\b(?:{_MONTH})\b", re.IGNORECASE)

# A point in time told relative to an event or as a rhythm: "½ år efter opstart", "senest
# 2½ år efter ansættelsen", "hver 6. måned", "after six months". It answers "hvornår" as a
# date does. A bare length ("i op til 12 måneder") is no point in time and does not count.
_AMOUNT = (
    r"(?:\d+(?:[.,]\d+)?(?:\s?½)?\.?|½|en|et|to|tre|fire|fem|seks|syv|otte|ni|ti|tolv|halvt?"
    r"|one|two|three|four|five|six|twelve)"
)
_UNIT = r"(?:dage?|uger?|måned(?:er)?|mdr\.?|år|kvartal(?:er)?|halvår|days?|weeks?|months?|years?)"
RELATIVE_TIME = re.compile(
    rf"\b(?:efter|før|inden for|inden|senest|hver|om|after|before|within|every)\s+(?:de\s+(?:første|sidste)\s+)?"
    rf"{_AMOUNT}\s*{_UNIT}(?!\w)"
    rf"|(?<!\w){_AMOUNT}\s*{_UNIT}\s+(?:efter|før|inden|fra|after|before|from)\b",
    re.IGNORECASE,
)
_NUMERIC = re.compile(r"(?<![\d./-])(\d{1,2})\s?[./-]\s?(\d{1,2})(?:\s?[./-]\s?|\s)(\d{4}|\d{2})(?![\d])")
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\.?\s+({_MONTH})\.?\s+({_YEAR})\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\.?\s+(\d{{1,2}}),?\s+({_YEAR})\b", re.IGNORECASE)
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\.?\s+({_YEAR})\b", re.IGNORECASE)
_END_OF_YEAR = re.compile(
    rf"\b(?:(?:ved\s+)?udgangen\s+af|slutningen\s+af|ultimo|(?:by\s+|at\s+)?the\s+end\s+of|end\s+of)\s+({_YEAR})\b",
    re.IGNORECASE,
)
_START_OF_YEAR = re.compile(
    rf"\b(?:primo|begyndelsen\s+af|starten\s+af|(?:the\s+)?start\s+of|(?:the\s+)?beginning\s+of)\s+({_YEAR})\b",
    re.IGNORECASE,
)

_DA_MONTH_NAMES = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]  # fmt: skip


@dataclass(frozen=True)
class DateMention:
    """A date found in text: its span and the day (or month) it names."""

    start: int
    end: int
    year: int
    month: int
    day: int | None

    @property
    def tokens(self) -> list[str]:
        month = f"dato{self.year:04d}{self.month:02d}"
        if self.day is None:
            return [month]
        return [f"{month}{self.day:02d}", month]

    @property
    def danish(self) -> str:
        """The Danish phrasings of this date, for rewriting a question."""
        name = _DA_MONTH_NAMES[self.month - 1]
        if self.day is None:
            return f"{name} {self.year}"
        forms = [f"{self.day}. {name} {self.year}", f"{self.day}/{self.month}-{self.year % 100:02d}"]
        if (self.month, self.day) == (12, 31):
            forms.append(f"udgangen af {self.year}")
        return ", ".join(forms)


def _year(text: str) -> int:
    value = int(text)
    return value + 2000 if value < 100 else value


def _valid(year: int, month: int, day: int | None) -> bool:
    return 1900 <= year <= 2099 and 1 <= month <= 12 and (day is None or 1 <= day <= 31)


def find_dates(text: str) -> list[DateMention]:
    """Every date expression in ``text``, in order, without overlaps."""
    found: list[DateMention] = []

    def add(start: int, end: int, year: int, month: int, day: int | None) -> None:
        if _valid(year, month, day) and not any(start < other.end and other.start < end for other in found):
            found.append(DateMention(start, end, year, month, day))

    for m in _END_OF_YEAR.finditer(text):
        add(m.start(), m.end(), int(m[1]), 12, 31)
    for m in _START_OF_YEAR.finditer(text):
        add(m.start(), m.end(), int(m[1]), 1, 1)
    for m in _DAY_MONTH_YEAR.finditer(text):
        add(m.start(), m.end(), int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    for m in _MONTH_DAY_YEAR.finditer(text):
        add(m.start(), m.end(), int(m[3]), MONTHS[m[1].lower()], int(m[2]))
    for m in _NUMERIC.finditer(text):
        add(m.start(), m.end(), _year(m[3]), int(m[2]), int(m[1]))
    for m in _MONTH_YEAR.finditer(text):
        add(m.start(), m.end(), int(m[2]), MONTHS[m[1].lower()], None)
    return sorted(found, key=lambda d: d.start)


def date_tokens(text: str) -> list[str]:
    """The canonical tokens of every date in ``text``."""
    return [token for mention in find_dates(text) for token in mention.tokens]
