"""Dated links in the admin: read-only, on the organisation they lead up from.

The ODS import writes every link (from the files, with their source) and keeps them: an
edit here would be undone at the next import, so the admin shows them and refuses changes,
as it refuses moves of the rows the import keeps (``rules.check_ods_kept``).
"""

from django.contrib import admin

from governance.models import Link


class LinkInline(admin.TabularInline):
    model = Link
    fk_name = "child"
    verbose_name = "dated link"
    verbose_name_plural = "dated links (where it belonged, and when; kept by the ODS import)"
    fields = ("relation", "parent", "start", "end", "source")
    readonly_fields = fields
    ordering = ("relation", "start")
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
