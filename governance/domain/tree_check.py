"""Verify and rebuild the MPTT cache (``tree_id/lft/rght/level``) from ``parent``.

``parent`` is the truth. A recursive CTE over ``parent_id`` gives each node's
root and depth; a depth-first walk, taking children in their current ``lft``
order, gives the nested-set numbers a whole tree would have. On a healthy tree
they equal the stored ones, so any difference is corruption, and writing the
computed values back (``rebuild``) repairs it without reordering anything.
"""

from dataclasses import dataclass

from django.db import connection

from governance.models import DataVersion, Organisation

FIELDS = ("tree_id", "lft", "rght", "level")

WALK_SQL = """
WITH RECURSIVE walk(id, root_id, depth) AS (
    SELECT id, id, 0 FROM {table} WHERE parent_id IS NULL
    UNION ALL
    SELECT child.id, walk.root_id, walk.depth + 1
    FROM {table} AS child JOIN walk ON child.parent_id = walk.id
)
SELECT id, root_id, depth FROM walk
"""


@dataclass(frozen=True)
class Problem:
    code: str
    message: str

    def __str__(self):
        return f"{self.code}: {self.message}"


@dataclass
class Diagnosis:
    problems: list[Problem]
    expected: dict[int, tuple[int, int, int, int]]  # pk -> (tree_id, lft, rght, level)
    stored: dict[int, tuple[int, int, int, int]]
    cycles: list[str]  # codes of nodes that no root reaches

    @property
    def ok(self) -> bool:
        return not self.problems


def nested_set_numbers(root, children: dict, order) -> dict:
    """``(lft, rght, level)`` of ``root`` and every node under it, as MPTT numbers a whole tree.

    A depth-first walk (iterative: trees are deep enough to exhaust recursion), each node's
    ``children`` taken sorted by ``order`` (a sort key); ``root`` is level 0. The one numbering:
    the check below and the ODS import's head start (``ingest/ods/write.py``) both call it.
    """
    numbers, left, counter = {}, {}, 1
    stack = [(root, 0, True)]
    while stack:
        node, level, entering = stack.pop()
        if entering:
            left[node] = counter
            counter += 1
            stack.append((node, level, False))
            kids = sorted(children.get(node, ()), key=order)
            stack.extend((kid, level + 1, True) for kid in reversed(kids))
        else:
            numbers[node] = (left[node], counter, level)
            counter += 1
    return numbers


def diagnose() -> Diagnosis:
    """Compare every node's stored tree fields with those its ``parent`` chain implies."""
    rows = list(Organisation.objects.order_by().values_list("pk", "code", "parent_id", *FIELDS))
    with connection.cursor() as cursor:
        cursor.execute(WALK_SQL.format(table=Organisation._meta.db_table))
        walked = {pk: (root, depth) for pk, root, depth in cursor.fetchall()}

    stored = {pk: (tree_id, lft, rght, level) for pk, _code, _parent, tree_id, lft, rght, level in rows}
    codes = {pk: code for pk, code, *_ in rows}
    children: dict[int, list[int]] = {}
    roots = []
    for pk, _code, parent_id, *_ in rows:
        if parent_id is None:
            roots.append(pk)
        elif pk in walked:
            children.setdefault(parent_id, []).append(pk)

    # Each root keeps its tree_id unless another root already has it.
    roots.sort(key=lambda pk: (stored[pk][0] or 0, pk))
    used, tree_ids = set(), {}
    next_free = max((t or 0 for t, *_ in stored.values()), default=0) + 1
    for root in roots:
        tree_id = stored[root][0]
        if not tree_id or tree_id in used:
            tree_id, next_free = next_free, next_free + 1
        used.add(tree_id)
        tree_ids[root] = tree_id

    expected: dict[int, tuple[int, int, int, int]] = {}
    for root in roots:
        # Children in stored lft order.
        numbers = nested_set_numbers(root, children, order=lambda c: (stored[c][1] or 0, c))
        expected.update((pk, (tree_ids[root], *numbered)) for pk, numbered in numbers.items())

    problems, cycles = [], []
    for pk, values in stored.items():
        if pk not in walked:
            cycles.append(codes[pk])
            problems.append(Problem(codes[pk], "its parent chain never reaches a root (a cycle)"))
        elif values != expected[pk]:
            diffs = ", ".join(
                f"{name} {have} (expected {want})"
                for name, have, want in zip(FIELDS, values, expected[pk], strict=True)
                if have != want
            )
            problems.append(Problem(codes[pk], diffs))
    problems.sort(key=lambda p: p.code)
    return Diagnosis(problems=problems, expected=expected, stored=stored, cycles=sorted(cycles))


def rebuild() -> int:
    """Write the computed tree fields wherever they differ; returns how many rows changed.

    Call inside ``tree.structural_write()``. Refuses (ValueError) if ``parent`` has a cycle:
    that needs a person to decide which link is wrong.
    """
    diagnosis = diagnose()
    if diagnosis.cycles:
        raise ValueError("parent links form a cycle at: " + ", ".join(diagnosis.cycles))
    changed = []
    for pk, (tree_id, lft, rght, level) in diagnosis.expected.items():
        if diagnosis.stored[pk] != (tree_id, lft, rght, level):
            changed.append(Organisation(pk=pk, tree_id=tree_id, lft=lft, rght=rght, level=level))
    Organisation.objects.bulk_update(changed, list(FIELDS), batch_size=500)
    if changed:
        DataVersion.objects.bump()  # bulk_update sends no signals
    return len(changed)
