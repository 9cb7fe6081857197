"""Who may edit which system, in the admin (superusers only: it is not system-scoped)."""

from django.contrib import admin

from governance.models import SystemRight


@admin.register(SystemRight)
class SystemRightAdmin(admin.ModelAdmin):
    """Who may edit which system (superusers; or ``manage.py grant_system``)."""

    list_display = ("user", "system", "granted_at")
    list_filter = (("system", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("user__username", "system__code", "system__name")
    autocomplete_fields = ("user", "system")
