"""As-of dates as people and programs type them: exactly ``YYYY-MM-DD``, and a real day.

The one parser for pages, the API, commands and governance files, so the same text is
refused alike everywhere (a 400 page, a 400 naming the parameter, exit 1).
``date.fromisoformat`` alone also takes ``20250101`` and week dates (``2025-W01-3``),
which would make the contract looser than the documentation says.
"""

import datetime
import re

from django.utils import timezone

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# A %-template, not an f-string: django-filter %-formats its messages with the value as a
# parameter (governance.api.params), so a "%" the client typed never reaches a format string.
DATE_ERROR = "'%(value)s' is not a date in the form YYYY-MM-DD."


class BadDate(ValueError):
    """Text that is not a date in the form YYYY-MM-DD. ``str()`` is the sentence; ``text`` what was given."""

    def __init__(self, text: str):
        self.text = text
        super().__init__(DATE_ERROR % {"value": text})


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
    """An as-of date as given (surrounding spaces ignored): today (local) when blank, else ``parse_date``."""
    text = (text or "").strip()
    return parse_date(text) if text else timezone.localdate()
