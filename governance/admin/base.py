"""What every governance admin shares: system-scoped permissions, foreign-key choices narrowed to the
user's systems, and the by-system list filter.

A system editor reads everything but changes only their own systems
(``governance.domain.permissions``); superusers change everything. A rule refused under a
lock after the form's checks (``rules.RuleError``) is shown as a message, not a server error.
"""

from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect

from governance.admin import history as history_admin
from governance.domain import dates, permissions, rules
from governance.models import BODY_KINDS, Organisation, Seat, validate_name

# Foreign keys whose choices are limited to the user's own systems. A practice's sub-ICB
# is not among them: real ODS data has practices run from another system's sub-ICB; nor is
# what an LMC covers: an LMC's area follows counties, not ICBs (Surrey and Sussex LMCs span two).
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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return with_domain_rules(db_field, super().formfield_for_dbfield(db_field, request, **kwargs))


class SystemScopedInline:
    """An inline is editable where its parent object is; each of its inputs is named (``get_formset``)."""

    def get_formset(self, request, obj=None, **kwargs):
        """The inline's formset, each input of each row named by its field's label (its delete box too): a
        table's cells have no <label> of their own, and a screen reader (or axe) would find them unnamed."""
        formset = super().get_formset(request, obj, **kwargs)

        class Named(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for field in form.fields.values():
                    # The widget itself, inside the admin's wrapper (its add and change links) if any.
                    widget = getattr(field.widget, "widget", field.widget)
                    if field.label:
                        widget.attrs.setdefault("aria-label", str(field.label))

        Named.__name__ = formset.__name__
        return Named

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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        return with_domain_rules(db_field, super().formfield_for_dbfield(db_field, request, **kwargs))


# Fields that hold a name drawn in pictures, feeds and CSV: the name rule applies.
NAME_FIELDS = {"name", "label"}


def with_domain_rules(db_field, formfield):
    """``formfield`` with the domain's rules for its kind of value: a date within the range, a name without markup.

    The same rules as the loader, the importer and the API (``dates.validate_believed``,
    ``models.validate_name``), shown under the field.
    """
    if formfield is None:
        return None
    if isinstance(db_field, models.DateField):
        formfield.validators.append(dates.validate_believed)
    elif isinstance(db_field, models.CharField) and db_field.name in NAME_FIELDS:
        formfield.validators.append(validate_name)
    return formfield


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
