"""Appointments in the admin: their own page, the holders inline on a seat's page, ending them today."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone

from governance.admin.base import SystemFilter, SystemScopedAdmin, SystemScopedInline
from governance.domain import edit_conflicts, permissions, rules, seating
from governance.models import Appointment


class AppointmentSystemFilter(SystemFilter):
    tree_id_lookup = "seat__body__tree_id"


class CurrentFilter(admin.SimpleListFilter):
    """Appointments current today, or ended."""

    title = "current today"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "Current"), ("no", "Ended or not yet started")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.current_on(today)
        if self.value() == "no":
            return queryset.not_current_on(today)
        return queryset


class AppointmentForm(edit_conflicts.VersionedForm):
    """End not before start; the seat's holders stay within its limits with this one added.

    Refuses to save over a change another editor made since the form was opened.
    """

    check_stored_holders = True  # False in the seat page's inline, where the formset checks them all

    class Meta:
        model = Appointment
        fields = "__all__"

    def clean(self):
        cleaned = super().clean()
        start, end, person = cleaned.get("start"), cleaned.get("end"), cleaned.get("person")
        if start and end and end < start:
            self.add_error("end", f"The appointment ends ({end}) before it starts ({start}).")
            return cleaned
        try:
            rules.check_term_ends(start, cleaned.get("term_ends"))
        except rules.RuleError as error:
            self.add_error("term_ends", error)
            return cleaned
        seat = cleaned.get("seat")
        if self.check_stored_holders and seat and start and person:
            try:
                seating.check_stored_holders(seat, adding=[(person, start, end)], exclude_pk=self.instance.pk)
            except rules.RuleError as error:
                self.add_error(None, error)
        return cleaned


class InlineAppointmentForm(AppointmentForm):
    check_stored_holders = False


class AppointmentFormSet(forms.BaseInlineFormSet):
    """All of a seat's appointments at once, checked against its (possibly new) max_holders."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        holders = [
            (form.cleaned_data["person"], form.cleaned_data["start"], form.cleaned_data.get("end"))
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]
        seating.check_holders(self.instance.max_holders, holders)
        rules.check_holders_not_recorded(self.instance.holders_recorded, len(holders))


class AppointmentInline(SystemScopedInline, admin.TabularInline):
    """A seat's holders, past and present, on the seat's page."""

    model = Appointment
    form = InlineAppointmentForm
    formset = AppointmentFormSet
    fields = ("person", "start", "end", "term_ends", "source", "version")  # version: hidden, see edit_conflicts
    autocomplete_fields = ("person",)
    extra = 1


@admin.register(Appointment)
class AppointmentAdmin(SystemScopedAdmin):
    form = AppointmentForm
    list_display = ("person", "seat", "body", "start", "end", "term_ends")
    list_filter = (CurrentFilter, AppointmentSystemFilter)
    search_fields = ("person__name", "seat__label", "seat__body__name", "seat__body__code")
    autocomplete_fields = ("seat", "person")
    list_select_related = ("person", "seat__body")
    date_hierarchy = "start"
    actions = ("end_today",)

    @admin.display(description="Body", ordering="seat__body__name")
    def body(self, appointment):
        return appointment.seat.body

    @admin.action(description="End appointment today", permissions=["change"])
    def end_today(self, request, queryset):
        """Set today as the last day of each selected appointment that is current."""
        today = timezone.localdate()
        editable = queryset.filter(seat__in=permissions.editable_seats(request.user))
        refused = queryset.count() - editable.count()
        current = editable.current_on(today).exclude(end=today)  # those ending today already need nothing
        ended = 0
        for appointment in current.select_related("person", "seat"):
            seating.end_appointment(appointment, today)
            self.log_change(request, appointment, f"Ended on {today}.")
            ended += 1
        self.message_user(request, f"Ended {ended} appointment(s) today.")
        if refused:
            self.message_user(request, f"{refused} are outside your systems and were left alone.", messages.WARNING)

    def save_model(self, request, obj, form, change):
        seat = seating.lock_seat(obj.seat)
        super().save_model(request, obj, form, change)
        seating.check_stored_holders(seat)
