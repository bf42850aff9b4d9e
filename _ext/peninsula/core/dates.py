"""Dates as the corpus writes them: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.

Why this exists: an essay's date, a bib entry's date and a chronology event's
date are written the same way, as precise as the source is, and shown in many
forms (``February 5, 2023`` in a header, ``2023/02/05`` for Google Scholar, a
BibTeX month macro, an Atom timestamp). Splitting the text again in each of
those places let an impossible date such as ``2023-02-30`` through to a crash
far from its line. Here the text is parsed once, checked against the calendar,
into a :class:`Date`; every output reads its parts.

No Sphinx here: the front-matter parser, the APA style and the chronology all
use it, and it is tested on its own.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from dataclasses import dataclass

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DATE_RE = re.compile(r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2}))?)?$")
#: how to write a date, for messages
FORMS = "write YYYY, YYYY-MM or YYYY-MM-DD"


class DateError(ValueError):
    """Text that is not a date; ``fix`` says what to write instead.

    ``calendar`` is true when the text has the right form but the calendar
    has no such year, month or day (``0000``, ``2023-13``, ``2023-02-30``)."""

    def __init__(self, fix: str, calendar: bool = False) -> None:
        super().__init__(fix)
        self.fix = fix
        self.calendar = calendar


@functools.total_ordering
@dataclass(frozen=True)
class Date:
    """A date as precise as its source gives it; ``year`` is None for a work
    with no date (APA's "n.d.")."""

    year: int | None
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> Date:
        """``2023``, ``2023-02`` or ``2023-02-05``; DateError says what is wrong."""
        match = DATE_RE.match(text.strip())
        if not match:
            raise DateError(FORMS)
        year, month, day = (int(g) if g else None for g in match.groups())
        assert year is not None  # the pattern requires it
        if year < 1 or (month is not None and not 1 <= month <= 12):
            raise DateError(FORMS, calendar=True)
        if month is not None and day is not None:
            last = calendar.monthrange(year, month)[1]
            if not 1 <= day <= last:
                raise DateError(f"{MONTHS[month - 1]} {year} has {last} days", calendar=True)
        return cls(year, month, day)

    def _key(self) -> tuple[int, int, int]:
        # undated first, and a month alone before its days, as the text sorts
        return (-1 if self.year is None else self.year, self.month or 0, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Date):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        return self.iso

    @property
    def iso(self) -> str:
        """As written: ``2023``, ``2023-02`` or ``2023-02-05`` (ISO 8601)."""
        assert self.year is not None
        parts = [f"{self.year:04d}"]
        parts += [f"{p:02d}" for p in (self.month, self.day) if p is not None]
        return "-".join(parts)

    def long(self) -> str:
        """``February 5, 2023``, ``February 2023`` or ``2023``, as readers see it."""
        assert self.year is not None
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{MONTHS[self.month - 1]} {self.day}, {self.year}"

    def first_day(self) -> datetime.date:
        """The first day the date covers: a year or a month stands for its start."""
        assert self.year is not None
        return datetime.date(self.year, self.month or 1, self.day or 1)
