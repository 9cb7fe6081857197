"""The one way to change the shape of the organisation tree.

django-mptt keeps ``lft/rght/level/tree_id`` as a cache of ``parent`` and takes
no locks, so two concurrent structural writes can corrupt it. Every create, move
and delete goes through ``structural_write()``: an atomic block that first takes
a PostgreSQL advisory lock (on SQLite the IMMEDIATE transaction already holds the
database's write lock), after which rows are re-read so mptt computes from fresh
values. Bulk writers (the ODS import) use the same lock and finish with
``tree_check.rebuild()``.

Every write here also enforces the rules that hold whatever the entry point (loader,
admin, API, importer): the code rule (``models.CODE_RULE``), the placement table
(``rules.PARENT_KINDS``) and the refusal to change or delete rows the ODS import keeps
(``rules.check_ods_kept``). The import itself writes its own rows in bulk, not through here.

History: creates, renames and deletes are recorded by their ``save()``/``delete()``
signals; a move is recorded here (``governance.domain.history``), once, from the stored row.
"""

from contextlib import contextmanager

from django.db import transaction
from django.db.models import ProtectedError

from governance.domain import history, rules
from governance.models import BODY_KINDS, UNIT_KINDS, Organisation

# Any fixed 64-bit number, shared by every process that writes the tree.
TREE_LOCK_ID = 7_420_260_401


@contextmanager
def structural_write():
    """Run the block in a transaction holding the tree lock; re-read rows inside it."""
    with transaction.atomic():
        connection = transaction.get_connection()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TREE_LOCK_ID])
        yield


def _fresh(org: Organisation | None) -> Organisation | None:
    return None if org is None else Organisation.objects.get(pk=org.pk)


def create_organisation(
    *, code: str, name: str, kind: str, parent: Organisation | None = None, **fields
) -> Organisation:
    """Create an organisation as the last child of ``parent`` (None: a new system root)."""
    rules.check_code(code)
    with structural_write():
        parent = _fresh(parent)
        rules.check_placement(kind, parent.kind if parent else None)
        org = Organisation(code=code, name=name, kind=kind, parent=parent, **fields)
        org.save()
        return org


def move_organisation(
    org: Organisation, new_parent: Organisation, *, record_history: bool = True, following_links: bool = False
) -> Organisation:
    """Move ``org`` (and everything under it) to be the last child of ``new_parent``; no-op if already there.

    ``record_history=False`` leaves the history row to the caller (one that saves other changes too).
    ``following_links=True`` is the move of a row the ODS import keeps to its parent of today by its
    dated links (``domain.links.apply_due_changes``): the import's own change, so not refused as an edit.
    """
    with structural_write():
        current = _fresh(org)
        if current.parent_id == new_parent.pk:
            return current
        return move_organisation_to(
            current, new_parent, "last-child", record_history=record_history, following_links=following_links
        )


def update_organisation(org: Organisation, **fields) -> Organisation:
    """Change fields of ``org``, moving it if ``parent`` is among them; saves only what differs.

    A move and other changes together make one history row (the save's), not two.
    """
    new_parent = fields.pop("parent", org.parent)
    if "code" in fields:
        rules.check_code(fields["code"])
    with structural_write():
        current = _fresh(org)
        if new_parent is None and current.parent_id is not None:
            raise rules.RuleError(f"{current.code} cannot become a root: only an ICB can.")
        moved = new_parent is not None and current.parent_id != new_parent.pk
        differing = [name for name, value in fields.items() if getattr(current, name) != value]
        rules.check_ods_kept(current, [*differing, *(["parent"] if moved else [])])
        if moved:
            current = move_organisation(current, new_parent, record_history=False)
        if "kind" in fields and fields["kind"] != current.kind:
            parent = current.parent
            rules.check_placement(fields["kind"], parent.kind if parent else None)
            children = list(current.get_children().only("code", "kind"))
            if fields["kind"] in BODY_KINDS and any(child.kind in UNIT_KINDS for child in children):
                raise rules.RuleError(f"{current.code} has units under it and cannot become a {fields['kind']}.")
            for child in children:
                rules.check_children_stay_placed(current.code, fields["kind"], child)
        changed = [name for name, value in fields.items() if getattr(current, name) != value]
        for name in changed:
            setattr(current, name, fields[name])
        if changed:
            current.save(update_fields=[*changed, "updated_at"])
        elif moved:
            history.record(current)
        return current


def delete_organisation(org: Organisation) -> None:
    """Delete a leaf. Refused while it has children, seats or appointments that refer to it."""
    with structural_write():
        org = _fresh(org)
        rules.check_ods_kept(org, deleting=True)
        if not org.is_leaf_node():
            raise rules.RuleError(f"{org.code} has organisations under it; move or delete them first.")
        try:
            org.delete()
        except ProtectedError as error:
            raise rules.RuleError(
                f"{org.code} is still referred to (seats or practices); remove those first."
            ) from error


# django-mptt's positions, relative to a target node: as its first or last child, or as
# its sibling just before ("left") or after ("right") it. The admin's drag-and-drop sends these.
MOVE_POSITIONS = ("first-child", "last-child", "left", "right")


def move_organisation_to(
    org: Organisation,
    target: Organisation,
    position: str = "last-child",
    *,
    record_history: bool = True,
    following_links: bool = False,
) -> Organisation:
    """Move ``org`` (and everything under it) to ``position`` relative to ``target``.

    ``first-child``/``last-child`` put it under ``target``; ``left``/``right`` put it beside
    ``target``, under ``target``'s parent. Same lock and rules as ``move_organisation``; a
    system's root never moves (re-ordering roots would renumber other systems' trees).
    A change of parent writes one history row (unless ``record_history`` is False).
    """
    if position not in MOVE_POSITIONS:
        raise rules.RuleError(f"Unknown position {position!r}; expected one of {', '.join(MOVE_POSITIONS)}.")
    with structural_write():
        org, target = _fresh(org), _fresh(target)
        new_parent_id = target.pk if position.endswith("child") else target.parent_id
        if new_parent_id != org.parent_id and not following_links:  # the import undoes a new parent, not an order
            rules.check_ods_kept(org, ["parent"])
        if org.parent_id is None:
            raise rules.RuleError(f"{org.code} is the root of its system and does not move.")
        if org.pk == target.pk:
            if position.endswith("child"):
                raise rules.RuleError(f"Moving {org.code} under itself would make a cycle.")
            return org  # beside itself: already there
        new_parent = target if position.endswith("child") else _fresh(target.parent)
        rules.check_not_own_descendant(org, new_parent)
        rules.check_placement(org.kind, new_parent.kind if new_parent else None)
        # mptt moves with raw SQL, then saves the node (in this version; not in all). Keep that
        # save out of history and record the move once below, from the row as stored.
        org.skip_history_when_saving = True
        old_parent_id = org.parent_id
        try:
            org.move_to(target, position)
        finally:
            del org.skip_history_when_saving
        moved = _fresh(org)
        if record_history and moved.parent_id != old_parent_id:  # history keeps no sibling order
            history.record(moved)
        return moved
