"""Who may write through the API: the admin's rules (``governance.domain.permissions``), as DRF permissions.

Anyone reads. A write needs credentials (none: 401) and rights on the system it
touches (none: 403); superusers write everywhere. The system is known only once the
object (or, for a new one, its seat or body) is found, so views call ``require_edit``
/ ``require_create`` with it.
"""

from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticatedOrReadOnly

from governance.domain import permissions
from governance.models import Appointment, Organisation, Seat


def system_of(obj) -> str:
    """The code of the system an object belongs to, for messages."""
    org = {Organisation: lambda o: o, Seat: lambda s: s.body, Appointment: lambda a: a.seat.body}[type(obj)](obj)
    root = org if org.parent_id is None else Organisation.objects.filter(tree_id=org.tree_id, parent=None).first()
    return root.code if root else "?"


WHAT = {Organisation: "organisations", Seat: "seats", Appointment: "appointments"}


class ReadOrEditSystems(BasePermission):
    """Reads for everyone; writes for signed-in users with rights on at least one system."""

    message = "You have no rights to edit any system."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        # False for an anonymous user makes DRF answer 401 (NotAuthenticated), not 403.
        return bool(request.user and request.user.is_authenticated) and permissions.has_any_system(request.user)

    def has_object_permission(self, request, view, obj):
        return True  # writes check the object's system with require_edit, naming it


def require_edit(user, obj) -> None:
    """403 unless ``user`` may change ``obj`` (its system, and the model's change permission)."""
    if not permissions.can_edit(user, obj):
        raise PermissionDenied(f"You may not edit {WHAT[type(obj)]} in {system_of(obj)}.")


def require_create(user, obj) -> None:
    """403 unless ``user`` may add ``obj`` (unsaved, but with its seat or body set)."""
    opts = obj._meta
    if not user.has_perm(f"{opts.app_label}.add_{opts.model_name}"):
        raise PermissionDenied(f"You may not add {WHAT[type(obj)]}.")
    require_edit(user, obj)


# DRF's own class first: it makes an anonymous write a 401, and tells the schema that reads need no credentials.
READ_OR_EDIT = [IsAuthenticatedOrReadOnly, ReadOrEditSystems]
