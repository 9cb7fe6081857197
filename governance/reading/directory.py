"""Finding things: the home page's search, and the systems of England by NHS region.

Plain functions returning plain data (dicts and lists), for pages and the API alike.
"""

import datetime

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.db.models.functions import Lower

from governance.domain.lookups import can_match
from governance.models import Kind, Organisation, Person
from governance.reading import search

PEOPLE_LIMIT = 20
REGION_UNKNOWN = "Region not recorded"


def search_organisations(query: str, date: datetime.date, **options) -> tuple[list[dict], bool]:
    """Organisations matching ``query``, best first, and whether more matched (rules: ``governance.reading.search``)."""
    return search.search_organisations(query, date, **options)


def search_people(query: str, limit: int = PEOPLE_LIMIT) -> tuple[list[dict], bool]:
    """People whose name has every word of ``query``: exact name first, then prefix, then the rest (one query)."""
    query = " ".join(query.split())
    if not query or not can_match(query):
        return [], False
    words = Q()
    for word in query.split():
        words &= Q(name__icontains=word)
    rows = (
        Person.objects.filter(words)
        .annotate(
            rank=Case(
                When(name__iexact=query, then=Value(0)),
                When(name__istartswith=query, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            ),
            sort_name=Lower("name"),
        )
        .order_by("rank", "sort_name", "pk")
        .values("pk", "name", "profession", "organisation")[: limit + 1]
    )
    people = list(rows)
    return people[:limit], len(people) > limit


def systems_by_region(date: datetime.date) -> list[dict]:
    """The systems (ICBs) open on ``date``, with their places, PCNs and practices open that day, by NHS region.

    Two queries.

    ``[{"region": "North West", "systems": [{"code", "name", "places", "pcns", "practices",
    "governance": bool}, …]}, …]``, regions and systems by name.
    """
    counted = (Kind.PLACE, Kind.PCN, Kind.PRACTICE)
    counts: dict[tuple[int, str], int] = {}
    rows = (
        Organisation.objects.open_on(date)
        .filter(kind__in=counted)
        .values_list("tree_id", "kind")
        .order_by()
        .annotate(n=Count("pk"))
    )
    for tree_id, kind, n in rows:
        counts[tree_id, kind] = n
    regions: dict[str, list[dict]] = {}
    roots = Organisation.objects.filter(parent__isnull=True).open_on(date).order_by("name")
    for root in roots.values("tree_id", "code", "name", "region", "top_board_id", "closed"):
        regions.setdefault(root["region"] or REGION_UNKNOWN, []).append(
            {
                "code": root["code"],
                "name": root["name"],
                "closed": root["closed"],
                "places": counts.get((root["tree_id"], Kind.PLACE), 0),
                "pcns": counts.get((root["tree_id"], Kind.PCN), 0),
                "practices": counts.get((root["tree_id"], Kind.PRACTICE), 0),
                "governance": root["top_board_id"] is not None,
            }
        )
    return [
        {"region": region, "systems": systems}
        for region, systems in sorted(regions.items(), key=lambda item: (item[0] == REGION_UNKNOWN, item[0]))
    ]
