"""Readers' suggestions, reviewed by the editors of their system (superusers see all).

An editor sees, filters and reviews only the suggestions of the systems they may edit; a
suggestion of another system is not in their list, and its page answers as if it did not
exist. Reviewing sets the status and a note (``governance.domain.suggestions.review``) and
changes nothing else: the editor makes any change in the ordinary way, from the links on the
suggestion's page, which may carry its source into a new appointment.
"""

import datetime
from urllib.parse import urlencode

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from governance.admin.history import HistoryAdmin
from governance.domain import permissions, suggestions
from governance.models import Suggestion


class AgeFilter(admin.SimpleListFilter):
    """How long ago the suggestion was made."""

    title = "age"
    parameter_name = "age"
    AGES = {
        "week": ("In the last 7 days", 7),
        "month": ("In the last 30 days", 30),
        "older": ("Older than 30 days", 30),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _days) in self.AGES.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.AGES:
            return queryset
        since = timezone.now() - datetime.timedelta(days=self.AGES[self.value()][1])
        return queryset.filter(created__lt=since) if self.value() == "older" else queryset.filter(created__gte=since)


@admin.register(Suggestion)
class SuggestionAdmin(HistoryAdmin):
    list_display = ("created", "organisation", "seat", "status", "short_what")
    list_filter = ("status", ("system", admin.RelatedOnlyFieldListFilter), AgeFilter)
    search_fields = ("what", "organisation__name", "organisation__code")
    date_hierarchy = "created"
    fields = (
        "organisation_link", "seat_link", "what", "source_link", "email", "created",
        "status", "note", "reviewer", "reviewed_at", "make_the_change",
    )  # fmt: skip
    readonly_fields = (
        "organisation_link", "seat_link", "what", "source_link", "email", "created",
        "reviewer", "reviewed_at", "make_the_change",
    )  # fmt: skip

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("organisation", "seat", "system", "reviewer")
        if request.user.is_superuser:
            return queryset
        return queryset.filter(system__in=permissions.editable_systems(request.user))

    def has_add_permission(self, request):
        return False  # readers suggest on the site; editors change the governance itself

    def _in_own_systems(self, request, obj) -> bool:
        return (
            obj is None
            or request.user.is_superuser
            or (permissions.editable_systems(request.user).filter(pk=obj.system_id).exists())
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._in_own_systems(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._in_own_systems(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        suggestions.review(obj, status=obj.status, reviewer=request.user, note=obj.note)

    @admin.display(description="what")
    def short_what(self, obj):
        return obj.what if len(obj.what) <= 80 else f"{obj.what[:79]}…"

    @admin.display(description="about")
    def organisation_link(self, obj):
        org = obj.organisation
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">its page on the site</a>)',
            reverse("admin:governance_organisation_change", args=[org.pk]),
            str(org),
            reverse("governance:organisation", args=[org.code]),
        )

    @admin.display(description="seat")
    def seat_link(self, obj):
        if not obj.seat_id:
            return "–"
        return format_html('<a href="{}">{}</a>', reverse("admin:governance_seat_change", args=[obj.seat_id]), obj.seat)

    @admin.display(description="source")
    def source_link(self, obj):
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.source, obj.source)

    @admin.display(description="make the change")
    def make_the_change(self, obj):
        """Where an editor who agrees makes the change, carrying the suggestion's source."""
        if obj.seat_id:
            query = urlencode({"seat": obj.seat_id, "source": obj.source})
            return format_html(
                '<a href="{}?{}">Add a holder to this seat, citing this source</a>',
                reverse("admin:governance_appointment_add"),
                query,
            )
        return format_html(
            '<a href="{}">Open the organisation to change it</a>',
            reverse("admin:governance_organisation_change", args=[obj.organisation_id]),
        )
