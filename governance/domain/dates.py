"""As-of dates as people and programs type them: exactly ``YYYY-MM-DD``, and a real day.

The one parser for pages, the API, commands and governance files, so the same text is
refused alike everywhere (a 400 page, a 400 naming the parameter, exit 1).
``date.fromisoformat`` alone also takes ``20250101`` and week dates (``2025-W01-3``),
which would make the contract looser than the documentation says.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import timezone

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A %-template, not an f-string: django-filter %-formats its messages with the value as a
# parameter (governance.api.params), so a "%" the client typed never reaches a format string.
DATE_ERROR = "'%(value)s' is not a date in the form YYYY-MM-DD."


# The dates the domain believes: nothing in the NHS is older than its founding (5 July 1948),
# and nothing is planned past a bounded future. A date outside is a typing slip or an attack
# (9999-12-31 made the day after an end overflow), refused by every writer and every as-of
# date, so that adding or subtracting a day anywhere stays within the calendar.
EARLIEST = datetime.date(1948, 7, 5)
LATEST = datetime.date(2100, 12, 31)
RANGE_RULE = f"give a date from {EARLIEST.isoformat()} (the NHS's founding) to {LATEST.isoformat()}"
ONE_DAY = datetime.timedelta(days=1)

# The same range as a regular expression (ECMA 262 and Python alike), for the OpenAPI schema: exactly the
# days from EARLIEST to LATEST written YYYY-MM-DD, leap days included (tests/domain/test_dates.py checks it
# against the calendar), so that a client, or a request generated from the schema, knows which days are taken.
_ANY_YEAR = r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
_LEAP_YEARS = r"(?:19(?:5[26]|[68][048]|7[26]|9[26])|20(?:[02468][048]|[13579][26]))"  # 1952 to 2096
RANGE_DAYS = (
    r"(?:(?:19(?:49|[5-9][0-9])|20[0-9][0-9]|2100)-" + _ANY_YEAR + "|" + _LEAP_YEARS + "-02-29"
    r"|1948-(?:07-(?:0[5-9]|[12][0-9]|3[01])|(?:0[89]|1[0-2])-(?:0[1-9]|[12][0-9]|30)|(?:08|10|12)-31))"
)
RANGE_PATTERN = f"^{RANGE_DAYS}$"


class BadDate(ValueError):
    """Text that is not a date in the form YYYY-MM-DD. ``str()`` is the sentence; ``text`` what was given."""

    def __init__(self, text: str):
        self.text = text
        super().__init__(DATE_ERROR % {"value": text})


class DateOutOfRange(BadDate):
    """A real day outside the dates the domain believes (``EARLIEST`` to ``LATEST``)."""

    def __init__(self, text: str):
        self.text = text
        ValueError.__init__(self, range_problem_text(text))


def range_problem_text(text: str) -> str:
    """The sentence for a day outside the range, quoting it as given."""
    return f"'{text}' is outside the dates icsmap holds: {RANGE_RULE}."


def range_problem(day: datetime.date) -> str | None:
    """Why ``day`` is outside the dates the domain believes, as a sentence; None when it is within."""
    if EARLIEST <= day <= LATEST:
        return None
    return range_problem_text(day.isoformat())


def believed(day: datetime.date) -> datetime.date:
    """``day`` itself when the domain believes it; DateOutOfRange otherwise."""
    if range_problem(day):
        raise DateOutOfRange(day.isoformat())
    return day


def validate_believed(day: datetime.date | None) -> None:
    """The range as a Django validator (the admin's date fields show it under the field)."""
    if isinstance(day, datetime.date) and (problem := range_problem(day)):
        raise ValidationError(problem, code="date_out_of_range")


def day_after(day: datetime.date) -> datetime.date | None:
    """The next day; None after the calendar's last (nothing follows it), never OverflowError."""
    return day + ONE_DAY if day < datetime.date.max else None


def day_before(day: datetime.date) -> datetime.date | None:
    """The previous day; None before the calendar's first, never OverflowError."""
    return day - ONE_DAY if day > datetime.date.min else None


def parse_date(text: str) -> datetime.date:
    """``text`` as a date; BadDate unless it is exactly YYYY-MM-DD and a day of the calendar."""
    if not ISO_DATE.fullmatch(text):
        raise BadDate(text)
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:  # 2025-02-30, month 13, year 0
        raise BadDate(text) from None


def in_words(date: datetime.date) -> str:
    """A date as people write it: 1 July 2022 (pages, messages, pictures alike)."""
    return f"{date.day} {date:%B %Y}"


def as_of(text: str | None) -> datetime.date:
    """An as-of date as given (surrounding spaces ignored): today (local) when blank, else ``parse_date``.

    A real day outside the range is ``DateOutOfRange`` (a ``BadDate``): the structure of 9999 is not known.
    """
    text = (text or "").strip()
    return believed(parse_date(text)) if text else timezone.localdate()
