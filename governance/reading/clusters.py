"""ICB clusters (2025–27: ICBs sharing a chair, a chief executive or a board), as a page and the API show them."""

import datetime

from governance.models import Cluster, Kind, Organisation


def clusters_of(icb: Organisation, date: datetime.date) -> list[dict]:
    """The clusters ``icb`` is in on ``date`` (two queries; none for anything but an ICB), by name.

    Each: ``{"name", "from" (null when its source only shows it on a day), "seen" (that day),
    "to", "source", "others": [{"code", "name"}]}``, ``others`` being the other ICBs in a
    cluster of that name on that date.
    """
    if icb.kind != Kind.ICB:
        return []
    mine = list(Cluster.objects.on(date).filter(icb=icb).order_by("name", "start"))
    if not mine:
        return []
    others: dict[str, list[dict]] = {cluster.name: [] for cluster in mine}
    for name, code, org_name in (
        Cluster.objects.on(date)
        .filter(name__in=others)
        .exclude(icb=icb)
        .order_by("icb__name")
        .values_list("name", "icb__code", "icb__name")
    ):
        others[name].append({"code": code, "name": org_name})
    return [
        {
            "name": cluster.name,
            "from": cluster.start if cluster.start_known else None,
            "seen": None if cluster.start_known else cluster.start,
            "to": cluster.end,
            "source": cluster.source,
            "others": others[cluster.name],
        }
        for cluster in mine
    ]
