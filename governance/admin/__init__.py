"""The admin, fitted to keeping board membership current.

Three promises hold here as everywhere else:
- structural writes (create, move, update, delete of an Organisation, including the
  drag-and-drop move) go through ``governance.domain.tree`` and its lock, never ``save()``;
- forms validate with ``governance.domain.rules``, so an admin sees the same sentence as the
  loader's user;
- a system editor reads everything but changes only their own systems
  (``governance.domain.permissions``); superusers change everything.

Every object has a history page with revert (``governance.admin.history``), and every
form refuses to save over a change made since it was opened (``governance.domain.edit_conflicts``).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from mptt.admin import DraggableMPTTAdmin, MPTTAdminForm

from governance.admin import history as history_admin
from governance.domain import edit_conflicts, permissions, rules, tree
from governance.models import BODY_KINDS, Appointment, Organisation, Person, Seat, SystemRight

# Foreign keys whose choices are limited to the user's own systems. A practice's sub-ICB
# is not among them: real ODS data has practices run from another system's sub-ICB.
SCOPED_ORGANISATION_FIELDS = {"parent", "top_board", "body", "represents"}


# --- permissions shared by every admin ------------------------------------------------


class SystemScopedAdmin(history_admin.HistoryAdmin):
    """Model permissions as usual, narrowed to the objects inside the user's systems; with history."""

    def has_add_permission(self, request):
        return super().has_add_permission(request) and permissions.has_any_system(request.user)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:  # the changelist: editable at all?
            return permissions.has_any_system(request.user)
        return permissions.can_edit(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return permissions.has_any_system(request.user)
        return permissions.can_delete(request.user, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form already checked the rules; the services check them again under the lock,
        # and a refusal there (someone else changed the tree meanwhile) rolls the whole save
        # back. Show it as a message rather than a server error.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except rules.RuleError as error:
            self.message_user(request, f"Not saved: {error}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_to_own_systems(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class SystemScopedInline:
    """An inline is editable where its parent object is."""

    def _parent_editable(self, request, obj):
        if obj is None:
            return permissions.has_any_system(request.user)
        return permissions.can_edit(request.user, obj)

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._parent_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_editable(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        limit_to_own_systems(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def limit_to_own_systems(db_field, request, kwargs) -> None:
    """Narrow a foreign key's choices to the user's systems (the form then refuses others)."""
    if db_field.related_model is Organisation and db_field.name in SCOPED_ORGANISATION_FIELDS:
        queryset = permissions.editable_organisations(request.user)
        if db_field.name == "body":
            queryset = queryset.filter(kind__in=BODY_KINDS)
        kwargs["queryset"] = queryset
    elif db_field.related_model is Seat:
        kwargs["queryset"] = permissions.editable_seats(request.user).select_related("body")


def is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(match and match.url_name == "autocomplete")


# --- list filters ---------------------------------------------------------------------


class SystemFilter(admin.SimpleListFilter):
    """By system (the ICB at the root of the tree)."""

    title = "system"
    parameter_name = "system"
    tree_id_lookup = "tree_id"

    def lookups(self, request, model_admin):
        return [(root.code, str(root)) for root in Organisation.objects.filter(parent__isnull=True).order_by("name")]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        root = Organisation.objects.filter(parent__isnull=True, code=self.value()).first()
        return queryset.filter(**{self.tree_id_lookup: root.tree_id if root else -1})


class SeatSystemFilter(SystemFilter):
    tree_id_lookup = "body__tree_id"


class AppointmentSystemFilter(SystemFilter):
    tree_id_lookup = "seat__body__tree_id"


class OpenFilter(admin.SimpleListFilter):
    """Open today (opened, not yet closed) or not."""

    title = "open today"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "Open"), ("no", "Closed or not yet open")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        is_open = (Q(opened__isnull=True) | Q(opened__lte=today)) & (Q(closed__isnull=True) | Q(closed__gte=today))
        if self.value() == "yes":
            return queryset.filter(is_open)
        if self.value() == "no":
            return queryset.exclude(is_open)
        return queryset


class CurrentFilter(admin.SimpleListFilter):
    """Appointments current today, or ended."""

    title = "current today"
    parameter_name = "current"

    def lookups(self, request, model_admin):
        return [("yes", "Current"), ("no", "Ended or not yet started")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        current = Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gte=today))
        if self.value() == "yes":
            return queryset.filter(current)
        if self.value() == "no":
            return queryset.exclude(current)
        return queryset


# --- forms: validation through governance.domain.rules ---------------------------------------


class OrganisationForm(edit_conflicts.VersionedForm, MPTTAdminForm):
    """Placement, cycles and roots, checked by ``rules.check_organisation``.

    Refuses to save over a change another editor made since the form was opened.
    """

    user = None  # set by OrganisationAdmin.get_form

    class Meta:
        model = Organisation
        fields = "__all__"  # the admin's fieldsets choose what is shown

    def clean(self):
        cleaned = super().clean()
        if "parent" in self.errors or "kind" in self.errors:
            return cleaned  # MPTTAdminForm or the field already said what is wrong
        parent, kind = cleaned.get("parent"), cleaned.get("kind")
        if parent is None and self.instance.pk is None and not getattr(self.user, "is_superuser", False):
            self.add_error("parent", "Only a superuser can start a new system; choose a parent.")
            return cleaned
        try:
            rules.check_organisation(self.instance, kind=kind, parent=parent)
        except rules.RuleError as error:
            self.add_error(None, error)
        return cleaned


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
            if self.check_stored_holders and self.instance.pk and cleaned.get("max_holders"):
                rules.check_appointments(cleaned["max_holders"], stored_holders(self.instance))
        except rules.RuleError as error:
            self.add_error(None, error)
        return cleaned


class SeatPageForm(SeatForm):
    check_stored_holders = False


def stored_holders(seat: Seat, exclude_pk=None) -> list:
    """The seat's appointments in the database, as (person, start, end) for ``rules.check_appointments``."""
    appointments = seat.appointments.select_related("person")
    if exclude_pk is not None:
        appointments = appointments.exclude(pk=exclude_pk)
    return [(a.person, a.start, a.end) for a in appointments]


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
        seat = cleaned.get("seat")
        if self.check_stored_holders and seat and start and person:
            try:
                rules.check_appointments(
                    seat.max_holders, [*stored_holders(seat, exclude_pk=self.instance.pk), (person, start, end)]
                )
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
        rules.check_appointments(self.instance.max_holders, holders)


def lock_seat(seat: Seat) -> None:
    """Hold the seat's row until commit, so two editors adding holders at once queue up.

    (On SQLite the IMMEDIATE transaction already serialises writers.)
    """
    if seat.pk:
        list(Seat.objects.select_for_update().filter(pk=seat.pk).values_list("pk"))


# --- organisations --------------------------------------------------------------------


class SeatInline(SystemScopedInline, admin.TabularInline):
    """A body's seats, on the body's page."""

    model = Seat
    form = SeatForm
    fk_name = "body"
    fields = ("label", "role", "represents", "sector", "selection", "delegate", "voting", "max_holders", "version")
    autocomplete_fields = ("represents",)
    show_change_link = True  # to the seat's page, with its appointments
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(history_admin.RecentChangesAdmin, SystemScopedAdmin, DraggableMPTTAdmin):
    form = OrganisationForm
    list_display = ("tree_actions", "indented_title", "code", "kind", "opened", "closed")
    list_display_links = ("indented_title",)
    list_filter = ("kind", SystemFilter, OpenFilter, "source")
    search_fields = ("name", "code")
    autocomplete_fields = ("parent", "sub_icb", "top_board")
    list_per_page = 200  # the tree has ~8,000 nodes: filter by system rather than load them all
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "parent", "version")}),  # version: hidden, see edit_conflicts
        ("Dates", {"fields": ("opened", "closed")}),
        ("Details", {"fields": ("sub_icb", "postcode", "region", "top_board", "source")}),
    )

    def get_inlines(self, request, obj):
        # Seats belong on bodies only (rules.check_seat_body).
        return [SeatInline] if obj is not None and obj.is_body else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user  # a new class per request: safe to set
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("sub_icb", "top_board"):
            # A plain choice field: MPTT's TreeNodeChoiceField would list the whole tree.
            kwargs.setdefault("form_class", forms.ModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if is_autocomplete(request) and request.GET.get("model_name") in ("organisation", "seat"):
            # Offer only what the form will accept: the user's systems, and bodies for a seat's body.
            field = request.GET.get("field_name")
            if field in SCOPED_ORGANISATION_FIELDS:
                queryset = queryset.filter(pk__in=permissions.editable_organisations(request.user).values("pk"))
            if field == "body":
                queryset = queryset.filter(kind__in=BODY_KINDS)
        return queryset, may_have_duplicates

    # Structural writes: through the tree service, never save()/delete()/move_to() here.

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._post_under_tree_lock(request, super().changeform_view, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):  # a revert
        return self._post_under_tree_lock(request, super().history_form_view, object_id, version_id, extra_context)

    @staticmethod
    def _post_under_tree_lock(request, view, *args):
        """Save with the tree lock taken before the row locks that the form's version checks take
        (the organisation's, its seats'): every structural writer takes them in that order, and a
        save holding a row while it waits for the tree lock could deadlock with one of them."""
        if request.method != "POST":
            return view(request, *args)
        with tree.structural_write():
            return view(request, *args)

    def save_model(self, request, obj, form, change):
        stored_fields = {field.name for field in Organisation._meta.concrete_fields} & set(form.fields)  # not version
        values = {name: value for name, value in form.cleaned_data.items() if name in stored_fields}
        if change and history_admin.is_revert(request):
            # The revert form starts from the old version, so its changed_data is empty: the
            # change is whatever differs from the stored row (a new parent moves it, under the lock).
            stored = Organisation.objects.get(pk=obj.pk)
            changed = {name: value for name, value in values.items() if getattr(stored, name) != value}
            saved = tree.update_organisation(stored, **changed)
        elif change:
            changed = {name: values[name] for name in form.changed_data if name in values}
            saved = tree.update_organisation(obj, **changed)
        else:
            saved = tree.create_organisation(
                code=values.pop("code"), name=values.pop("name"), kind=values.pop("kind"), parent=values.pop("parent"),
                **values,
            )  # fmt: skip
        # The admin goes on to log and redirect with ``obj``: give it the stored row's values.
        for field in Organisation._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding, obj._state.db = False, saved._state.db

    def delete_model(self, request, obj):
        tree.delete_organisation(obj)

    def delete_queryset(self, request, queryset):
        # One lock for the lot; deepest first so a selected subtree can go leaf by leaf.
        with tree.structural_write():
            for org in queryset.order_by("-level"):
                tree.delete_organisation(org)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except rules.RuleError as error:  # rolled back by the view's transaction
            self.message_user(request, f"Not deleted: {error}", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:governance_organisation_change", args=[object_id]))

    def delete_selected_tree(self, modeladmin, request, queryset):
        # MPTTModelAdmin's own bulk delete calls obj.delete() outside the tree lock; Django's
        # action calls delete_queryset above. All or nothing: the log entries roll back too.
        try:
            with transaction.atomic():
                return delete_selected(modeladmin, request, queryset)
        except rules.RuleError as error:
            self.message_user(request, f"Nothing deleted: {error}", messages.ERROR)
            return None

    def _move_node(self, request):
        """The drag-and-drop move (``cmd=move_node``), through ``tree.move_organisation_to``."""
        position = request.POST.get("position")
        if position not in tree.MOVE_POSITIONS:
            self.message_user(request, "Did not understand the move.", messages.ERROR)
            return HttpResponseBadRequest("FAIL, unknown instruction.")
        queryset = self.get_queryset(request)
        try:
            cut_item = queryset.get(pk=request.POST.get("cut_item"))
            pasted_on = queryset.get(pk=request.POST.get("pasted_on"))
        except (Organisation.DoesNotExist, TypeError, ValueError):
            self.message_user(request, "Those organisations have gone; reload and try again.", messages.ERROR)
            return HttpResponseBadRequest("FAIL, invalid objects.")
        # Both where it is and where it goes (the target's tree) must be the user's.
        if not (self.has_change_permission(request, cut_item) and self.has_change_permission(request, pasted_on)):
            self.message_user(request, "You may not move organisations there.", messages.ERROR)
            return HttpResponseForbidden("FAIL, no permission.")
        try:
            moved = tree.move_organisation_to(cut_item, pasted_on, position)
        except rules.RuleError as error:
            self.message_user(request, f"Not moved: {error}", messages.ERROR)
            return HttpResponseBadRequest("FAIL, invalid move.")
        self.log_change(request, moved, f"Moved ({position} of {pasted_on.code}).")
        self.message_user(request, f"{moved} has been moved.")
        return HttpResponse("OK, moved.")


# --- seats and appointments -----------------------------------------------------------


class AppointmentInline(SystemScopedInline, admin.TabularInline):
    """A seat's holders, past and present, on the seat's page."""

    model = Appointment
    form = InlineAppointmentForm
    formset = AppointmentFormSet
    fields = ("person", "start", "end", "source", "version")  # version: hidden, see edit_conflicts
    autocomplete_fields = ("person",)
    extra = 1


@admin.register(Seat)
class SeatAdmin(SystemScopedAdmin):
    form = SeatPageForm
    list_display = ("label", "body", "role", "represents", "sector", "max_holders", "add_holder")
    list_filter = (SeatSystemFilter, "role", "sector", "selection", "delegate")
    search_fields = ("label", "body__name", "body__code")
    autocomplete_fields = ("body", "represents")
    list_select_related = ("body", "represents")
    readonly_fields = ("add_holder",)
    inlines = (AppointmentInline,)
    actions = ("add_holder_action",)

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

    def save_model(self, request, obj, form, change):
        lock_seat(obj)
        super().save_model(request, obj, form, change)
        if history_admin.is_revert(request):  # no appointments inline on the revert form: check the stored ones
            rules.check_appointments(obj.max_holders, stored_holders(obj))

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Checked again on what is stored, under the seat's lock: the form saw the state before it.
        rules.check_appointments(form.instance.max_holders, stored_holders(form.instance))


@admin.register(Appointment)
class AppointmentAdmin(SystemScopedAdmin):
    form = AppointmentForm
    list_display = ("person", "seat", "body", "start", "end")
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
        current = editable.filter(Q(start__lte=today) & (Q(end__isnull=True) | Q(end__gt=today)))
        ended = 0
        for appointment in current.select_related("person", "seat"):
            appointment.end = today
            appointment.save(update_fields=["end", "updated_at"])
            self.log_change(request, appointment, f"Ended on {today}.")
            ended += 1
        self.message_user(request, f"Ended {ended} appointment(s) today.")
        if refused:
            self.message_user(request, f"{refused} are outside your systems and were left alone.", messages.WARNING)

    def save_model(self, request, obj, form, change):
        lock_seat(obj.seat)
        super().save_model(request, obj, form, change)
        rules.check_appointments(obj.seat.max_holders, stored_holders(obj.seat))


class PersonForm(edit_conflicts.VersionedForm):
    """Refuses to save over a change another editor made since the form was opened."""

    class Meta:
        model = Person
        fields = "__all__"


@admin.register(Person)
class PersonAdmin(SystemScopedAdmin):
    form = PersonForm
    list_display = ("name", "profession", "organisation")
    search_fields = ("name",)


@admin.register(SystemRight)
class SystemRightAdmin(admin.ModelAdmin):
    """Who may edit which system (superusers; or ``manage.py grant_system``)."""

    list_display = ("user", "system", "granted_at")
    list_filter = (("system", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username", "system__code", "system__name")
    autocomplete_fields = ("user", "system")
