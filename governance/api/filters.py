"""Filters for the list endpoints (django-filter), each a query parameter named in the schema.

Codes are looked up, not matched blindly: an unknown ``system``/``parent``/``body``
code is a 400 naming the parameter, rather than an empty page that looks like an
answer.

With ``active_on``, ``system`` and ``parent`` take the structure of that day (``as_of``): the
organisations in the system, or under the parent, that day. Without it, today's tree.
"""

import datetime

from django.db.models import Q
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from governance.api import schema
from governance.api.errors import NAMES_NOTHING
from governance.api.params import CodeFilter, IdFilter, IsoDateFilter
from governance.caching.pages import data_version
from governance.domain.england import Structure
from governance.models import Appointment, Kind, Organisation, Person, Seat, Sector
from governance.reading import as_of, directory, search

# A search's bound in words (``reading/directory.py``: words as str.split() finds them), as the schema says it;
# its bound in characters is maxLength. No NUL, as in any text.
_WORD, _SPACE = rf"[^{schema.SPACES}\x00]", f"[{schema.SPACES}]"
SEARCH_WORDS_PATTERN = rf"^{_SPACE}*(?:{_WORD}+{_SPACE}+){{0,{directory.SEARCH_MAX_WORDS - 1}}}{_WORD}*{_SPACE}*$"


@extend_schema_field({**schema.TEXT, "maxLength": directory.SEARCH_MAX_CHARS})
class PartOfName(filters.CharFilter):
    """A search in people's names: at most ``SEARCH_MAX_CHARS`` characters (longer is a 400 naming ``q``)."""


def organisation_by_code(parameter: str, code: str, **conditions) -> Organisation:
    org = Organisation.objects.filter(code=code, **conditions).only("pk", "tree_id").first()
    if org is None:
        what = "system (ICB)" if "parent__isnull" in conditions else "organisation"
        raise ValidationError({parameter: [f"No {what} has the code '{code}'."]}, code=NAMES_NOTHING)
    return org


def structure_of(request) -> Structure:
    """England's structure for ``request``'s data version (``governance.reading.as_of``)."""
    return as_of.england(data_version(getattr(request, "_request", request)).key)


def children_of(parent: Organisation, date: datetime.date | None, structure: Structure) -> Q:
    """``parent``'s direct children: in today's tree (closed ones too) without a date; on ``date``, those
    under it that day (with those closed by then whose last parent it was)."""
    if date is None:
        return Q(parent=parent)
    return Q(pk__in=structure.children_on(parent.pk, date, closed=True))


class OrderingFilter(filters.OrderingFilter):
    """django-filter's ordering, except that naming nothing (``?ordering=,``) keeps the default order.

    django-filter would call ``order_by()`` with no fields, which clears the order: a page of
    an unordered list is a warning (an error under the tests) and an unstable page.
    """

    def filter(self, qs, value):
        if not any(value or ()):
            return qs
        return super().filter(qs, value)


class OrganisationFilter(filters.FilterSet):
    """Filters of ``/organisations/`` (and of an organisation's ``children/``)."""

    kind = filters.ChoiceFilter(choices=Kind.choices, help_text="Only organisations of this kind.")
    system = CodeFilter(
        method="filter_system",
        help_text="ICB code: everything in that system's tree; with active_on, what was in the system that day.",
    )
    parent = CodeFilter(
        method="filter_parent",
        help_text="Code of the parent: its direct children; with active_on, those under it that day.",
    )
    q = filters.CharFilter(
        method="filter_q",
        help_text='Part of the code, whole words of the name or a usual name (case-insensitive; "Kent LMC"), LMC '
        "for local medical committees, or a postcode "
        "(full or partial): practices in its sector, else its district.",
    )
    active_on = IsoDateFilter(method="filter_active_on", help_text="Only those open on this date (YYYY-MM-DD).")
    ordering = OrderingFilter(fields=(("code", "code"), ("name", "name")), help_text="code or name.")

    class Meta:
        model = Organisation
        fields = ["kind", "system", "parent", "q", "active_on"]

    def _on(self) -> datetime.date | None:
        """The ``active_on`` date asked for, if any: the system and parent filters then take that day's structure."""
        return self.form.cleaned_data.get("active_on")

    def filter_system(self, queryset, name, value: str):
        root = organisation_by_code(name, value, parent__isnull=True)
        date = self._on()
        if date is None:
            return queryset.filter(tree_id=root.tree_id)  # everything in its tree today, closed rows too
        return queryset.filter(pk__in=list(structure_of(self.request).members_on(root.pk, date)))

    def filter_parent(self, queryset, name, value: str):
        return queryset.filter(children_of(organisation_by_code(name, value), self._on(), structure_of(self.request)))

    @extend_schema_field({"type": "string", "maxLength": directory.SEARCH_MAX_CHARS, "pattern": SEARCH_WORDS_PATTERN})
    def filter_q(self, queryset, name, value: str):
        try:
            value = directory.search_terms(value)
        except directory.SearchTooLong as refused:
            raise ValidationError({"q": [str(refused)]}) from refused
        return search.loose_match(queryset, value)

    def filter_active_on(self, queryset, name, value: datetime.date):
        return queryset.open_on(value)


class SeatFilter(filters.FilterSet):
    """Filters of ``/seats/``."""

    body = CodeFilter(method="filter_body", help_text="Code of the board or committee the seat is on.")
    represents = CodeFilter(method="filter_represents", help_text="Code of the organisation it represents.")
    sector = filters.ChoiceFilter(choices=Sector.choices, help_text="The sector it stands for.")
    vacant_on = IsoDateFilter(
        method="filter_vacant_on",
        help_text="Only seats nobody held on this date (not those whose holders are not recorded).",
    )

    class Meta:
        model = Seat
        fields = ["body", "represents", "sector", "vacant_on"]

    def filter_body(self, queryset, name, value: str):
        return queryset.filter(body=organisation_by_code(name, value))

    def filter_represents(self, queryset, name, value: str):
        return queryset.filter(represents=organisation_by_code(name, value))

    def filter_vacant_on(self, queryset, name, value: datetime.date):
        return queryset.vacant_on(value)


class PersonFilter(filters.FilterSet):
    """Filters of ``/people/``."""

    q = PartOfName(
        field_name="name", lookup_expr="icontains", max_length=directory.SEARCH_MAX_CHARS, help_text="Part of the name."
    )

    class Meta:
        model = Person
        fields = ["q"]


class AppointmentFilter(filters.FilterSet):
    """Filters of ``/appointments/``."""

    person = IdFilter(field_name="person_id", help_text="The person's id.")
    seat = IdFilter(field_name="seat_id", help_text="The seat's id.")
    current_on = IsoDateFilter(method="filter_current_on", help_text="Only appointments current on this date.")
    term_ends_after = IsoDateFilter(
        field_name="term_ends",
        lookup_expr="gte",
        help_text="Only appointments whose term is due to end on or after this date (YYYY-MM-DD).",
    )
    term_ends_before = IsoDateFilter(
        field_name="term_ends",
        lookup_expr="lte",
        help_text="Only appointments whose term is due to end on or before this date (YYYY-MM-DD).",
    )

    class Meta:
        model = Appointment
        fields = ["person", "seat", "current_on", "term_ends_after", "term_ends_before"]

    def filter_current_on(self, queryset, name, value: datetime.date):
        return queryset.current_on(value)
