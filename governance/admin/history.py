"""History in the admin: each object's changes, reverting to an earlier version, recent changes per system.

Built on django-simple-history's ``SimpleHistoryAdmin``, with the admin's promises kept:
- a revert is an edit like any other: the user must be allowed to change the object as it
  is now, the form checks the rules, and it saves through the same ``save_model`` (for an
  organisation, ``governance.domain.tree``, so a revert that changes the parent is a move under
  the tree lock). It runs in one transaction: a rule broken on the way undoes it all;
- the recent-changes page lists the latest changes in one system, in a fixed number of
  queries (``governance.domain.history.recent_changes``).
"""

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from governance.domain import history, rules
from governance.models import Organisation

_REVERTING = "_governance_reverting"


def is_revert(request) -> bool:
    """Is this request a revert to an earlier version (not an edit on the change form)?"""
    return getattr(request, _REVERTING, False)


class HistoryAdmin(SimpleHistoryAdmin):
    """Each object's history page (who changed what, when) and a safe revert."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        # simple-history saves a revert for anyone who may *view* the object; only those who
        # may change it as it stands now may revert it (and the form's choices keep what it
        # points to inside their systems).
        current = self.get_object(request, unquote(object_id))
        if current is None:
            self.message_user(
                request, "It has been deleted: add it again rather than reverting to a version.", messages.ERROR
            )
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist"))
        if not self.has_change_permission(request, current):
            raise PermissionDenied
        setattr(request, _REVERTING, True)
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except rules.RuleError as error:  # raised under the lock, after the form's checks: all rolled back
            self.message_user(request, f"Not reverted: {error}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class RecentChangesAdmin:
    """Adds the "recent changes" page (``admin:governance_recent_changes``): one system's latest changes."""

    recent_changes_limit = 100

    def get_urls(self):
        view = self.admin_site.admin_view(self.recent_changes_view)
        return [path("recent-changes/", view, name="governance_recent_changes"), *super().get_urls()]

    def recent_changes_view(self, request):
        """The latest changes to organisations, seats and appointments of one system (``?system=CODE``)."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        systems = list(Organisation.objects.filter(parent__isnull=True).order_by("name").only("code", "name"))
        code = request.GET.get("system") or None
        system = next((root for root in systems if root.code == code), None)
        changes = [] if code and system is None else history.recent_changes(system, limit=self.recent_changes_limit)
        rows = [
            {
                "change": change,
                "object": describe_key(change),
                "history_url": reverse(f"admin:governance_{change.model}_history", args=[change.id]),
            }
            for change in changes
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Recent changes: {system.name}" if system else "Recent changes: all systems",
            "opts": self.opts,
            "systems": systems,
            "system": system,
            "unknown_system": code if code and system is None else None,
            "rows": rows,
            "limit": self.recent_changes_limit,
        }
        return TemplateResponse(request, "admin/governance/recent_changes.html", context)


def describe_key(change: history.Change) -> str:
    """The changed object, named as the governance file names it."""
    key = change.key
    if change.model == "organisation":
        return key["code"]
    if change.model == "person":
        return key["name"]
    seat = f"{key['board']} / {key['label']}"
    if change.model == "seat":
        return seat
    return f"{key['name']} in {seat} from {key['from']}"
