"""Who may edit what: rights per system, shared by the admin and (later) the API.

A *system editor* is a user given rights on one or more systems (ICB roots, through
``SystemRight``). They may read everything, but change only organisations, seats and
appointments inside their systems. Superusers may do everything. The Django model
permissions still apply on top: the "System editors" group carries them.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import QuerySet

from governance.models import Appointment, Coverage, Organisation, Person, Seat, Suggestion, SystemRight

EDITORS_GROUP = "System editors"

# Model permissions the group needs: read everything, write the system-scoped models.
# People are shared between systems, so editors add and change them but never delete them.
GROUP_PERMISSIONS = {
    Organisation: ("view", "add", "change", "delete"),
    Seat: ("view", "add", "change", "delete"),
    Appointment: ("view", "add", "change", "delete"),
    Coverage: ("view", "add", "change", "delete"),
    Person: ("view", "add", "change"),
    Suggestion: ("view", "change"),  # readers make them; editors review those of their systems
}


def ensure_editors_group() -> Group:
    """The "System editors" group, created or brought up to date with its permissions."""
    group, _ = Group.objects.get_or_create(name=EDITORS_GROUP)
    wanted = []
    for model, actions in GROUP_PERMISSIONS.items():
        codenames = [f"{action}_{model._meta.model_name}" for action in actions]
        wanted += Permission.objects.filter(content_type__app_label=model._meta.app_label, codename__in=codenames)
    group.permissions.add(*wanted)
    return group


def _is_editor(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def editable_systems(user) -> QuerySet[Organisation]:
    """The system roots ``user`` may edit: all of them for a superuser, none for anonymous users."""
    roots = Organisation.objects.filter(parent__isnull=True)
    if not _is_editor(user):
        return roots.none()
    if user.is_superuser:
        return roots
    return roots.filter(editor_rights__user=user)


def editable_tree_ids(user) -> set[int] | None:
    """``tree_id`` of each system ``user`` may edit; None means every system (a superuser)."""
    if _is_editor(user) and user.is_superuser:
        return None
    return set(editable_systems(user).values_list("tree_id", flat=True))


def has_any_system(user) -> bool:
    """May ``user`` edit anything at all (a superuser, or someone with rights on a system)?"""
    if not _is_editor(user):
        return False
    return user.is_superuser or SystemRight.objects.filter(user=user).exists()


def editable_organisations(user) -> QuerySet[Organisation]:
    """Organisations inside the systems ``user`` may edit."""
    tree_ids = editable_tree_ids(user)
    everything = Organisation.objects.all()
    return everything if tree_ids is None else everything.filter(tree_id__in=tree_ids)


def editable_seats(user) -> QuerySet[Seat]:
    """Seats on bodies inside the systems ``user`` may edit."""
    tree_ids = editable_tree_ids(user)
    everything = Seat.objects.all()
    return everything if tree_ids is None else everything.filter(body__tree_id__in=tree_ids)


def _tree_ids_of(obj) -> set[int]:
    """The systems (tree ids) an object belongs to; a person belongs to those of their seats."""
    if isinstance(obj, Organisation):
        return {obj.tree_id}
    if isinstance(obj, Seat):
        return {obj.body.tree_id}
    if isinstance(obj, Appointment):
        return {obj.seat.body.tree_id}
    if isinstance(obj, Person):
        if obj.pk is None:
            return set()
        return set(Appointment.objects.filter(person=obj).values_list("seat__body__tree_id", flat=True))
    raise TypeError(f"No system rights for {type(obj).__name__}.")


def _within(user, obj) -> bool:
    tree_ids = editable_tree_ids(user)
    return tree_ids is None or _tree_ids_of(obj) <= tree_ids


def can_edit(user, obj) -> bool:
    """May ``user`` change ``obj`` (an Organisation, Seat, Appointment or Person)?

    It must hold the model's change permission and lie inside one of their systems. A
    person must hold seats only inside them (they are shared across systems).
    """
    if not _is_editor(user):
        return False
    if not user.has_perm(f"{obj._meta.app_label}.change_{obj._meta.model_name}"):
        return False
    if isinstance(obj, Person) and not user.is_superuser:  # a person with no seats yet: any editor
        return has_any_system(user) and _within(user, obj)
    return _within(user, obj)


def can_delete(user, obj) -> bool:
    """May ``user`` delete ``obj``? As ``can_edit``; a system's root only by a superuser."""
    if not _is_editor(user):
        return False
    if not user.has_perm(f"{obj._meta.app_label}.delete_{obj._meta.model_name}"):
        return False
    if isinstance(obj, Organisation) and obj.parent_id is None and not user.is_superuser:
        return False
    return _within(user, obj)
