"""Organisations in the admin: the draggable tree, its form, and the recent-changes page.

Structural writes (create, move, update, delete, including the drag-and-drop move) go
through ``governance.domain.tree`` and its lock, never ``save()``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from mptt.admin import DraggableMPTTAdmin, MPTTAdminForm

from governance.admin import history as history_admin
from governance.admin.base import SCOPED_ORGANISATION_FIELDS, SystemFilter, SystemScopedAdmin, is_autocomplete
from governance.admin.coverage import CoverageInline
from governance.admin.links import LinkInline
from governance.admin.seats import SeatInline
from governance.domain import edit_conflicts, permissions, rules, tree
from governance.models import BODY_KINDS, COVERED_KINDS, Kind, Organisation


class OpenFilter(admin.SimpleListFilter):
    """Open today (opened, not yet closed) or not."""

    title = "open today"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "Open"), ("no", "Closed or not yet open")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.open_on(today)
        if self.value() == "no":
            return queryset.not_open_on(today)
        return queryset


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
            rules.check_organisation(self.instance, kind=kind, parent=parent, changes=self.changed_data)
        except rules.RuleError as error:
            self.add_error(None, error)
        return cleaned


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
        (
            None,
            {"fields": ("code", "name", "also_known_as", "kind", "parent", "version")},
        ),  # version: hidden, see edit_conflicts
        ("Dates", {"fields": ("opened", "closed")}),
        ("Details", {"fields": ("sub_icb", "postcode", "region", "top_board", "source")}),
        ("Holders' provenance (on an ICB)", {"fields": ("governance_source", "verified_on", "illustrative")}),
    )

    def get_inlines(self, request, obj):
        # Seats belong on bodies only (rules.check_seat_body); coverage on LMCs only (rules.check_coverage).
        if obj is not None and obj.kind == Kind.LMC:
            return [CoverageInline]
        if obj is not None and obj.links_up.exists():
            return [LinkInline]
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
            if field == "covered":
                queryset = queryset.filter(kind__in=COVERED_KINDS)
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
