"""Finding things: the home page's search, and the systems of England by NHS region.

Plain functions returning plain data (dicts and lists), for pages and the API alike.
"""

import datetime
import re

from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Lower

from governance.domain.lookups import can_match
from governance.models import Kind, Organisation, Person

SEARCH_LIMIT = 50
PEOPLE_LIMIT = 20
REGION_UNKNOWN = "Region not recorded"

# How well an organisation matches, best first (the rank of a result).
EXACT_CODE, EXACT_POSTCODE, EXACT_NAME, NAME_PREFIX, POSTCODE_PREFIX, NAME_CONTAINS = range(6)
# Among equally good matches: the units people look for first, then the bodies.
KIND_ORDER = [Kind.ICB, Kind.PLACE, Kind.PCN, Kind.PRACTICE, Kind.BOARD, Kind.COMMITTEE, Kind.ICP]
_OUTWARD_CODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_FULL_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")


def _postcode_forms(query: str) -> tuple[set[str], str | None]:
    """Exact forms of a postcode typed any way (``bl12aa``, ``BL1 2AA``), and a prefix to match, if any."""
    compact = re.sub(r"\s+", "", query).upper()
    exact = {query.upper()}
    match = _FULL_POSTCODE.match(compact)
    if match:
        exact.add(f"{match.group(1)} {match.group(2)}")
    prefix = None
    if _OUTWARD_CODE.match(compact):
        prefix = f"{compact} "  # "BL1" finds "BL1 2AA", not "BL11 1AA"
    elif " " in query.strip() and _OUTWARD_CODE.match(query.split()[0].upper()):
        prefix = " ".join(query.upper().split())
    return exact, prefix


def search_organisations(query: str, date: datetime.date, limit: int = SEARCH_LIMIT) -> tuple[list[dict], bool]:
    """Organisations matching ``query`` by ODS code, postcode or name, best match first; and whether more matched.

    One query. Exact code and postcode matches use their indexes; names match every
    word (case-insensitive). Ranked: exact code, exact postcode, exact name, name
    prefix, postcode district, name containing the words; then open before closed,
    then units before bodies, then name.
    """
    query = " ".join(query.split())
    if not query or not can_match(query):
        return [], False
    codes = {query, query.upper(), query.lower()}
    postcodes, postcode_prefix = _postcode_forms(query)
    words = Q()
    for word in query.split():
        words &= Q(name__icontains=word)
    matches = Q(code__in=codes) | Q(postcode__in=postcodes) | words
    rank = [
        When(code__in=codes, then=Value(EXACT_CODE)),
        When(postcode__in=postcodes, then=Value(EXACT_POSTCODE)),
        When(name__iexact=query, then=Value(EXACT_NAME)),
        When(name__istartswith=query, then=Value(NAME_PREFIX)),
    ]
    if postcode_prefix:
        matches |= Q(postcode__startswith=postcode_prefix)
        rank.append(When(postcode__startswith=postcode_prefix, then=Value(POSTCODE_PREFIX)))
    system = Organisation.objects.filter(tree_id=OuterRef("tree_id"), parent__isnull=True).order_by()
    rows = (
        Organisation.objects.filter(matches)
        .annotate(
            rank=Case(*rank, default=Value(NAME_CONTAINS), output_field=IntegerField()),
            shut=Case(
                When(Organisation.objects.open_condition(date), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            kind_rank=Case(
                *(When(kind=kind, then=Value(i)) for i, kind in enumerate(KIND_ORDER)),
                default=Value(len(KIND_ORDER)),
                output_field=IntegerField(),
            ),
            system_code=Subquery(system.values("code")[:1]),
            system_name=Subquery(system.values("name")[:1]),
            sort_name=Lower("name"),
        )
        .select_related("parent")
        .order_by("rank", "shut", "kind_rank", "sort_name", "code")[: limit + 1]
    )
    results = [
        {
            "code": org.code,
            "name": org.name,
            "kind": org.kind,
            "kind_label": org.get_kind_display(),
            "postcode": org.postcode,
            "open": not org.shut,
            "opened": org.opened,
            "closed": org.closed,
            "parent": {"code": org.parent.code, "name": org.parent.name} if org.parent else None,
            "system": {"code": org.system_code, "name": org.system_name} if org.parent_id else None,
            "rank": org.rank,
        }
        for org in rows
    ]
    return results[:limit], len(results) > limit


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
    """Every system (ICB) with its open places, PCNs and practices, grouped by NHS region (two queries).

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
    roots = Organisation.objects.filter(parent__isnull=True).order_by("name")
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
