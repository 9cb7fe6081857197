"""Seats in the admin: the seat's page (with its holders inline) and the seats inline on a body's page."""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from governance.admin import history as history_admin
from governance.admin.appointments import AppointmentInline
from governance.admin.base import SystemFilter, SystemScopedAdmin, SystemScopedInline, is_autocomplete
from governance.domain import edit_conflicts, permissions, rules, seating
from governance.models import Appointment, Seat


class SeatSystemFilter(SystemFilter):
    tree_id_lookup = "body__tree_id"


class SeatForm(edit_conflicts.VersionedForm):
    """A seat sits on a body and represents only organisations of its own system.

    Refuses to save over a change another editor made since the form was opened.
    """

    # On the seat's own page the appointments inline checks the holders with the new
    # max_holders; elsewhere (a seat inline on its body) compare with the stored ones.
    check_stored_holders = True

    class Meta:
        model = Seat
        fields = "__all__"  # the admin chooses what is shown

    def clean(self):
        cleaned = super().clean()
        body = cleaned.get("body") or (self.instance.body if self.instance.body_id else None)
        if body is None:
            return cleaned
        try:
            rules.check_seat(body, cleaned.get("represents"))
            rules.check_portfolio(cleaned.get("role", ""), cleaned.get("portfolio", ""))
            if self.check_stored_holders and self.instance.pk:
                seating.check_stored_holders(
                    self.instance,
                    max_holders=cleaned.get("max_holders") or None,
                    holders_recorded=cleaned.get("holders_recorded"),
                )
        except rules.RuleError as error:
            self.add_error(None, error)
        return cleaned


class SeatPageForm(SeatForm):
    check_stored_holders = False


class SeatInline(SystemScopedInline, admin.TabularInline):
    """A body's seats, on the body's page."""

    model = Seat
    form = SeatForm
    fk_name = "body"
    fields = (
        "label", "role", "portfolio", "represents", "sector", "selection", "delegate", "voting", "max_holders",
        "holders_recorded", "version",
    )  # fmt: skip
    autocomplete_fields = ("represents",)
    show_change_link = True  # to the seat's page, with its appointments
    extra = 0


@admin.register(Seat)
class SeatAdmin(SystemScopedAdmin):
    form = SeatPageForm
    list_display = (
        "label", "body", "role", "represents", "sector", "holders_today", "max_holders", "holders_recorded",
        "add_holder",
    )  # fmt: skip
    list_filter = (SeatSystemFilter, "role", "sector", "selection", "delegate", "holders_recorded")
    search_fields = ("label", "body__name", "body__code")
    autocomplete_fields = ("body", "represents")
    list_select_related = ("body", "represents")
    readonly_fields = ("add_holder",)
    inlines = (AppointmentInline,)
    actions = ("add_holder_action",)

    def get_queryset(self, request):
        # Today's holders of every listed seat in one query (``holders_today``).
        today = Appointment.objects.current_on(timezone.localdate()).select_related("person").order_by("start")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("appointments", queryset=today, to_attr="holders_now"))
        )

    @admin.display(description="Holders today")
    def holders_today(self, seat):
        """Who holds the seat today: what an editor checks first."""
        if not seat.holders_recorded:
            return "Not recorded"
        return ", ".join(a.person.name for a in getattr(seat, "holders_now", ())) or "Nobody"

    @admin.display(description="Add holder")
    def add_holder(self, seat):
        if seat.pk is None:
            return "-"
        url = reverse("admin:governance_appointment_add") + f"?seat={seat.pk}"
        return format_html('<a href="{}">Add holder</a>', url)

    @admin.action(description="Add holder", permissions=["change"])
    def add_holder_action(self, request, queryset):
        """Open the add-appointment form for the one selected seat, prefilled with it."""
        seats = list(queryset[:2])
        if len(seats) != 1:
            self.message_user(request, "Choose exactly one seat to add a holder to.", messages.WARNING)
            return None
        if not permissions.can_edit(request.user, seats[0]):
            self.message_user(request, f"You may not edit {seats[0]}.", messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:governance_appointment_add") + f"?seat={seats[0].pk}")

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if is_autocomplete(request):  # an appointment's seat: only seats the user may edit
            queryset = queryset.filter(pk__in=permissions.editable_seats(request.user).values("pk"))
        return queryset, may_have_duplicates

    # The write's steps as in governance.domain.seating: lock the seat, save, check its stored holders.

    def save_model(self, request, obj, form, change):
        if obj.pk:
            seating.lock_seat(obj)
        super().save_model(request, obj, form, change)
        if history_admin.is_revert(request):  # no appointments inline on the revert form: check the stored ones
            seating.check_stored_holders(obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Checked again on what is stored, under the seat's lock: the form saw the state before it.
        seating.check_stored_holders(form.instance)
