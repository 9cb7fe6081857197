"""People in the admin."""

from django.contrib import admin

from governance.admin.base import SystemScopedAdmin
from governance.domain import edit_conflicts
from governance.models import Person


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
