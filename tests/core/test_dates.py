"""Date expressions: the same day in every phrasing gets the same token."""

import pytest

from core.dates import RELATIVE_TIME, date_tokens, find_dates


@pytest.mark.parametrize(
    "text",
    [
        "stopper 31/12-21",
        "pr. 31.12.2021",
        "den 31. december 2021",
        "ved udgangen af 2021",
        "December 31, 2021",
        "by the end of 2021",
        "31-12-2021",
        "ultimo 2021",
    ],
)
def test_phrasings_of_the_last_day_of_2021(text: str) -> None:
    assert "dato20211231" in date_tokens(text)


def test_month_and_other_dates() -> None:
    assert date_tokens("i august 2021") == ["dato202108"]
    assert date_tokens("fra 1/1 -22") == ["dato20220101", "dato202201"]
    assert date_tokens("Dato 26-08-2021")[0] == "dato20210826"
    assert date_tokens("start 1/7 2018")[0] == "dato20180701"


@pytest.mark.parametrize(
    "text", ["2-4 uger", "sagsnr. 2021 - 4454", "§ 51, stk. 2 og 3", "perioden 2016-2020", "hvert 2½. år"]
)
def test_things_that_are_not_dates(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Surveyen udsendes ½ år efter opstart.",
        "første opfølgning senest 2 ½ år efter ansættelsen",
        "Indsatsplanen justeres hver 6. måned.",
        "Efter 6 mdr. følges der op.",
        "after six months of unemployment",
    ],
)
def test_a_point_in_time_told_relative_to_an_event_answers_when(text: str) -> None:
    assert RELATIVE_TIME.search(text)


@pytest.mark.parametrize(
    "text", ["forløbet kan forlænges i op til 12 måneder", "forsøget forlænges et år", "14 borgere i alt"]
)
def test_a_bare_length_or_count_is_no_point_in_time(text: str) -> None:
    assert not RELATIVE_TIME.search(text)
