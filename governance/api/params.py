"""Query parameters shared by the API views: as-of dates and lists of codes.

Every failure is a DRF ``ValidationError`` keyed by the parameter's name, so the
client gets a 400 that says which parameter to fix.
"""

import datetime
import re

from django import forms
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from governance.api import schema
from governance.api.errors import NAMES_NOTHING
from governance.domain.dates import DATE_ERROR, ISO_DATE, RANGE_DAYS, BadDate, DateOutOfRange, believed, parse_date
from governance.domain.dates import as_of as as_of_date
from governance.domain.lookups import can_match
from governance.models import CODE_PATTERN, Organisation, code_problem

MAX_CODES = 500


def as_of(request, name: str = "date") -> datetime.date:
    """The ``?date=`` of a request (default: today), by the one date parser (``governance.domain.dates``)."""
    try:
        return as_of_date(request.query_params.get(name))
    except BadDate as error:
        raise ValidationError({name: [str(error)]}) from None


def optional_date(request, name: str) -> datetime.date | None:
    """``?<name>=YYYY-MM-DD`` as a date, or None when absent or blank."""
    text = request.query_params.get(name, "").strip()
    if not text:
        return None
    try:
        return believed(parse_date(text))
    except BadDate as error:
        raise ValidationError({name: [str(error)]}) from None


_CODE = CODE_PATTERN.removeprefix("^").removesuffix("$")
# ``?codes=``: codes between commas, spaces around them and empty places between commas allowed, at least one code.
CODE_LIST_PATTERN = rf"^(?: *(?:{_CODE})? *,)* *{_CODE} *(?:, *(?:{_CODE})? *)*$"


def code_list(request, name: str = "codes") -> list[str]:
    """``?codes=A,B,C`` as a list without blanks or repeats, in the order given (``CODE_LIST_PATTERN``)."""
    raw = request.query_params.get(name, "")
    codes = list(dict.fromkeys(item.strip(" ") for item in raw.split(",") if item.strip(" ")))
    if not codes:
        raise ValidationError({name: ["Give at least one organisation code, e.g. codes=P84001,P84002."]})
    if len(codes) > MAX_CODES:
        raise ValidationError({name: [f"Give at most {MAX_CODES} codes at once; use system= for a whole system."]})
    for code in codes:
        if problem := code_problem(code):
            raise ValidationError({name: [problem]})
    return codes


class IsoDateField(forms.Field):
    """A form field for YYYY-MM-DD, with an error that quotes the value."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        try:
            return believed(parse_date(value))
        except DateOutOfRange as error:
            raise forms.ValidationError(str(error), code="out_of_range") from None
        except BadDate:
            # The value goes in params, not the message: django-filter %-formats messages,
            # so a "%" typed by the client must not reach the format string.
            raise forms.ValidationError(DATE_ERROR, code="invalid", params={"value": value}) from None


@extend_schema_field(schema.DATE)
class IsoDateFilter(filters.DateFilter):
    """A date filter that takes only YYYY-MM-DD (never a locale's day/month order)."""

    field_class = IsoDateField


ID_MAX = 2**63 - 1  # the database's largest key


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(filters.NumberFilter):
    """A filter on a primary key: a whole number within the database's range (no 500 on overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)


@extend_schema_field(schema.CODE)
class CodeFilter(filters.CharFilter):
    """A filter given an organisation's code (its method looks the code up: an unknown one is a 400)."""


ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?")
# What ``moment`` takes, as the schema says it: a day the domain believes, perhaps with a time of day and an
# offset (tests/api/test_api_feeds.py holds the parser to it).
_TIME = r"(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
_OFFSET = r"(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)"
MOMENT_PATTERN = f"^{RANGE_DAYS}(?:[T ]{_TIME}{_OFFSET}?)?$"
# An unescaped "+" in a query string arrives as a space: "…T10:00:00 01:00" meant "…T10:00:00+01:00".
SPACED_OFFSET = re.compile(r"(.*T[\d:.]+) (\d{2}(:?\d{2})?)")
DATETIME_ERROR = (
    "'%(value)s' is not a date (YYYY-MM-DD) or an ISO 8601 date and time (YYYY-MM-DDThh:mm[:ss[.ffffff]][Z|±hh:mm])."
)


def moment(request, name: str = "since") -> datetime.datetime:
    """``?since=`` as an aware datetime (required).

    A date means its midnight, and a time without an offset is local time, both in the
    site's time zone (``TIME_ZONE``).
    """
    value = request.query_params.get(name, "").strip()
    if not value:
        raise ValidationError({name: ["Give a date or a time, e.g. since=2026-04-01 or since=2026-04-01T09:30:00Z."]})
    if spaced := SPACED_OFFSET.fullmatch(value):
        value = f"{spaced[1]}+{spaced[2]}"
    try:
        if ISO_DATE.fullmatch(value):
            when = datetime.datetime.combine(parse_date(value), datetime.time())
        elif ISO_DATETIME.fullmatch(value):
            when = datetime.datetime.fromisoformat(value)
        else:
            raise ValueError(value)
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        when.astimezone(datetime.UTC)  # a time that UTC cannot hold (year 1 or 9999 at the edge)
    except (ValueError, OverflowError):
        raise ValidationError({name: [DATETIME_ERROR % {"value": value}]}) from None
    try:
        believed(when.date())  # the day as written, as every other date the API takes
    except DateOutOfRange:
        raise ValidationError({name: [str(DateOutOfRange(value))]}) from None
    return when


def bounded_int(request, name: str, *, default: int, maximum: int, minimum: int = 1) -> int:
    """``?<name>=N``: a whole number from ``minimum`` to ``maximum`` (``default`` when absent)."""
    value = request.query_params.get(name, "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", value) or not minimum <= int(value) <= maximum:
        raise ValidationError({name: [f"'{value}' is not a whole number from {minimum} to {maximum}."]})
    return int(value)


def system_root(request, name: str = "system", *, required: bool = False):
    """``?system=CODE`` as that system's root (an ICB), or None when absent (or blank) and not required."""
    code = request.query_params.get(name, "").strip()
    if not code and not required:
        return None
    if not code or not can_match(code):
        raise ValidationError({name: ["Give the code of an ICB, e.g. system=QOP."]})
    root = Organisation.objects.filter(code=code, parent__isnull=True).first()
    if root is None:
        raise ValidationError({name: [f"No system (ICB) has the code '{code}'."]}, code=NAMES_NOTHING)
    return root
