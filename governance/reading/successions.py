"""Who succeeded whom: an organisation's successors and predecessors (the ICBs of 1 April 2026).

From ``Succession`` rows as ODS records them: a predecessor closed (or gave up territory)
and a successor took over on ``date``, by ``type`` (merger, split, acquisition). A closed
ICB's page and its API detail name its successors, a new ICB's its predecessors; search
names a closed organisation's successors.
"""

from django.db.models import Q

from governance.models import Succession, SuccessionType

TYPE_LABELS = dict(SuccessionType.choices)


def _entry(other, succession: Succession) -> dict:
    return {
        "code": other.code,
        "name": other.name,
        "date": succession.date,
        "type": succession.type,
        "type_label": TYPE_LABELS.get(succession.type, succession.type),
    }


def lineages(pks) -> dict[int, dict]:
    """For each organisation pk: ``{"successors": […], "predecessors": […]}`` (one query).

    Each entry is ``{"code", "name", "date", "type", "type_label"}``, by date then name.
    Organisations without successions have empty lists.
    """
    pks = set(pks)
    found = {pk: {"successors": [], "predecessors": []} for pk in pks}
    rows = (
        Succession.objects.filter(Q(predecessor__in=pks) | Q(successor__in=pks))
        .select_related("predecessor", "successor")
        .order_by("date", "pk")
    )
    for succession in rows:
        if succession.predecessor_id in found:
            found[succession.predecessor_id]["successors"].append(_entry(succession.successor, succession))
        if succession.successor_id in found:
            found[succession.successor_id]["predecessors"].append(_entry(succession.predecessor, succession))
    for lists in found.values():
        for entries in lists.values():
            entries.sort(key=lambda entry: (entry["date"], entry["name"], entry["code"]))
    return found


def lineage(org) -> dict:
    """``org``'s successors and predecessors (``lineages`` for one organisation; one query)."""
    return lineages([org.pk])[org.pk]
