"""Checking the values of a governance file: ``Fields`` reads one mapping's keys, noting each mistake at its place.

Without the database: a value is checked against the file format (``format``), the rules of
codes and names (``governance.models``), the column sizes, and the dates icsmap can store.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from governance.domain import routes
from governance.domain.dates import BadDate, parse_date, range_problem
from governance.governance_file.format import Keys
from governance.governance_file.read import Number
from governance.governance_file.report import Problems
from governance.models import (
    AlsoReported,
    Appointment,
    Cluster,
    Organisation,
    Person,
    Seat,
    code_problem,
    name_problem,
)

# Column sizes, checked here so that a long value is a named mistake, not a database error.
CODE_LENGTH = Organisation._meta.get_field("code").max_length
NAME_LENGTH = Organisation._meta.get_field("name").max_length
POSTCODE_LENGTH = Organisation._meta.get_field("postcode").max_length
REGION_LENGTH = Organisation._meta.get_field("region").max_length
LABEL_LENGTH = Seat._meta.get_field("label").max_length
PERSON_NAME_LENGTH = Person._meta.get_field("name").max_length
SOURCE_LENGTH = Appointment._meta.get_field("source").max_length
SYSTEM_SOURCE_LENGTH = Organisation._meta.get_field("governance_source").max_length
REPORT_NAME_LENGTH = AlsoReported._meta.get_field("name").max_length
CLUSTER_NAME_LENGTH = Cluster._meta.get_field("name").max_length
MOST_HOLDERS = 32767  # a PositiveSmallIntegerField


def describe(value) -> str:
    """A value as a mistake's message names it: ``empty``, ``a list``, ``010`` as written."""
    if value is None:
        return "empty"
    if isinstance(value, datetime.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Number):
        return value.text
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _not_text(value) -> str:
    if isinstance(value, Number):
        return f"read as the number {int(value)}, not text; quote it: '{value.text}'"
    if isinstance(value, bool):
        return f"read as {str(value).lower()}, not text; quote it"
    if isinstance(value, int | float):
        return f"read as the number {value}, not text; quote it"
    if isinstance(value, datetime.date):
        return f"read as a date ({value.isoformat()}), not text; quote it"
    return f"not text ({describe(value)})"


def _as_date(value) -> datetime.date | None:
    """A date from YAML's own date type or from YYYY-MM-DD text (JSON); None if it is neither."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except BadDate:
            return None
    return None


_LINK = URLValidator(schemes=["http", "https"])
# A source written as a URL must be one; other text is a citation ("Minutes: board, May 2024").
LOOKS_LIKE_LINK = re.compile(r"^\s*([a-z][a-z0-9+.-]*://|www\.|https?\W|javascript:|data:)", re.IGNORECASE)


class Fields:
    """The keys of one mapping in a file, read one at a time; each mistake is noted with its place.

    A reader returns None for a key that is missing (already noted, if required)
    or wrong (noted as it is read).
    """

    def __init__(self, value, where: str, problems: Problems, keys: Keys):
        self.where, self.problems = where, problems
        self.ok = isinstance(value, dict)
        self.data = value if self.ok else {}
        if not self.ok:
            problems.add(where, f"not a mapping ({describe(value)})")
            return
        for key in value:
            if key not in keys.all:
                problems.add(self.place(key), f"unknown key; expected one of: {', '.join(keys.all)}")
        for key in keys.required:
            if key not in value:
                problems.add(self.place(key), "missing (required)")

    def place(self, key) -> str:
        return f"{self.where}.{key}" if self.where else str(key)

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, max_length: int, *, optional: bool = False) -> str | None:
        """A string; with ``optional``, null reads as ""."""
        if key not in self.data:
            return None
        value = self.data[key]
        if value is None and optional:
            return ""
        if not isinstance(value, str):
            self.problems.add(self.place(key), "empty" if value is None else _not_text(value))
            return None
        if not value.strip():
            if optional:
                return ""
            self.problems.add(self.place(key), "empty")
            return None
        if len(value) > max_length:
            self.problems.add(self.place(key), f"longer than {max_length} characters")
            return None
        return value

    def link(self, key: str, max_length: int, *, required: bool = False) -> str | None:
        """A source that must be a link: an http or https URL. Missing: None (noted if ``required``)."""
        if key not in self.data:
            if required:
                self.problems.add(self.place(key), "missing: give the URL of the page that shows this")
            return None
        value = self.text(key, max_length)
        if value is None:
            return None
        try:
            _LINK(value)
        except ValidationError:
            self.problems.add(self.place(key), f"not a link ({value!r}); write the page's http or https URL")
            return None
        return value

    def code(self, key: str, *, optional: bool = False) -> str | None:
        """An organisation code: text that keeps the code rule (``models.CODE_RULE``)."""
        value = self.text(key, CODE_LENGTH, optional=optional)
        problem = code_problem(value) if value else None
        if problem:
            self.problems.add(self.place(key), problem)
            return None
        return value

    def choice(self, key: str, choices: type[models.TextChoices], what: str, *, optional: bool = False) -> str | None:
        value = self.text(key, max_length=1000, optional=optional)
        if value is None or value == "" or value in choices.values:
            return value
        self.problems.add(self.place(key), f"unknown {what} {value!r}; one of: {', '.join(choices.values)}")
        return None

    def date(self, key: str, *, required: bool = False) -> datetime.date | None:
        value = self.data.get(key)
        if value is None:
            if required and key in self.data:
                self.problems.add(self.place(key), "empty")
            return None
        day = _as_date(value)
        if day is None:
            self.problems.add(self.place(key), f"not a date ({describe(value)}); write it as YYYY-MM-DD")
        elif problem := range_problem(day):
            self.problems.add(self.place(key), problem)
            return None
        return day

    def name(self, key: str, max_length: int) -> str | None:
        """A name: text that keeps the name rule (``models.NAME_RULE``: no markup, no control characters)."""
        value = self.text(key, max_length)
        problem = name_problem(value) if value else None
        if problem:
            self.problems.add(self.place(key), problem)
            return None
        return value

    def flag(self, key: str, default: bool) -> bool | None:
        value = self.data.get(key, default)
        if isinstance(value, bool):
            return value
        self.problems.add(self.place(key), f"not true or false ({describe(value)})")
        return None

    def routes(self) -> bool | None:
        """``routes``: ``recorded`` (True) or ``not recorded`` (False); None when left out (or wrong)."""
        if "routes" not in self.data:
            return None
        value = self.data["routes"]
        if isinstance(value, str) and value in routes.FILE_VALUES:
            return routes.FILE_VALUES[value]
        expected = " or ".join(routes.FILE_VALUES)
        self.problems.add(self.place("routes"), f"must be {expected}, not {describe(value)}")
        return None

    def count(self, key: str, default: int) -> int | None:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.add(self.place(key), f"not a whole number ({describe(value)})")
            return None
        if not 1 <= value <= MOST_HOLDERS:
            self.problems.add(self.place(key), f"must be from 1 to {MOST_HOLDERS}, not {int(value)}")
            return None
        return int(value)

    def items(self, key: str) -> list:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.add(self.place(key), f"not a list ({describe(value)})")
            return []
        return value
