"""One Date type (peninsula.core.dates) for every date of the corpus: an essay's,
a work's, a chronology event's. Parsed once from ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``, checked against the calendar, shown in every form."""

from __future__ import annotations

import pytest
from peninsula.core.dates import Date, DateError


@pytest.mark.parametrize(
    ("text", "date", "iso", "long"),
    [
        ("2023", Date(2023), "2023", "2023"),
        ("2023-02", Date(2023, 2), "2023-02", "February 2023"),
        ("2023-02-05", Date(2023, 2, 5), "2023-02-05", "February 5, 2023"),
        ("2024-02-29", Date(2024, 2, 29), "2024-02-29", "February 29, 2024"),
    ],
)
def test_a_date_is_parsed_once_and_shown_in_every_form(text, date, iso, long):
    parsed = Date.parse(text)
    assert parsed == date
    assert (parsed.iso, str(parsed), parsed.long()) == (iso, iso, long)
    assert parsed.first_day().isoformat() == (iso + "-01-01")[:10]


@pytest.mark.parametrize(
    ("text", "fix", "calendar"),
    [
        ("2023-02-30", "February 2023 has 28 days", True),
        ("2023-04-31", "April 2023 has 30 days", True),
        ("2023-13", "write YYYY, YYYY-MM or YYYY-MM-DD", True),
        ("0000", "write YYYY, YYYY-MM or YYYY-MM-DD", True),
        ("2023-2-5", "write YYYY, YYYY-MM or YYYY-MM-DD", False),
        ("5 Feb 2023", "write YYYY, YYYY-MM or YYYY-MM-DD", False),
        ("", "write YYYY, YYYY-MM or YYYY-MM-DD", False),
    ],
)
def test_a_date_that_is_not_one_says_why(text, fix, calendar):
    with pytest.raises(DateError) as err:
        Date.parse(text)
    assert (err.value.fix, err.value.calendar) == (fix, calendar)


def test_dates_sort_as_their_text_does():
    dates = ["2023-02-05", "2023", "2023-02", "2022-12-31", "2023-11"]
    assert sorted(dates, key=Date.parse) == sorted(dates)
    assert Date(None) < Date(1950)  # undated works first, as APA lists them
