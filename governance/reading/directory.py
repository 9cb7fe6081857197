"""Finding things: the home page's search, and the systems of England open on a date, by NHS region.

Plain functions returning plain data (dicts and lists), for pages and the API alike.
"""

import datetime
from collections import Counter

from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.functions import Lower

from governance.caching.memo import per_data_version
from governance.domain.england import Structure
from governance.domain.lookups import can_match
from governance.models import Kind, Organisation, Person
from governance.reading import as_of, search

PEOPLE_LIMIT = 20
REGION_UNKNOWN = "Region not recorded"
# What the home page counts in each system.
COUNTED_KINDS = frozenset({Kind.PLACE, Kind.PCN, Kind.PRACTICE})


# A search is bounded at the door (pages and API): each word is a LIKE over every name, so a
# thousand-word query cost seconds. Longer ones are refused with these numbers in words.
SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 10


class SearchTooLong(ValueError):
    """A search longer than ``SEARCH_MAX_CHARS`` characters or ``SEARCH_MAX_WORDS`` words."""


def search_terms(text: str) -> str:
    """``text`` with its spaces collapsed, or ``SearchTooLong`` saying the bound it passes."""
    query = " ".join(text.split())
    if len(query) > SEARCH_MAX_CHARS or len(query.split()) > SEARCH_MAX_WORDS:
        raise SearchTooLong(
            f"A search may have at most {SEARCH_MAX_WORDS} words and {SEARCH_MAX_CHARS} characters; "
            f"this one has {len(query.split())} words and {len(query)} characters."
        )
    return query


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


def systems_by_region(date: datetime.date, version: str | None = None) -> list[dict]:
    """The systems (ICBs) open on ``date``, with their places, PCNs and practices open that day, by NHS region.

    By the structure of ``date`` (``governance.reading.as_of``): a unit counts in the system its
    links reached that day, so on 31 March 2026 Mid Essex counts in NHS Mid and South Essex, on
    1 April in NHS Essex. One query for the systems, and England's structure (five queries; given
    the data ``version``, none once this process has read it, and the counts of a date are
    remembered too).

    ``[{"region": "North West", "systems": [{"code", "name", "places", "pcns", "practices",
    "governance": bool, "known": what is known of its governance (``governance_known``)}, …]}, …]``,
    regions and systems by name (the name of ``date``).
    """
    structure = as_of.england(version)
    counts = _counts_by_system(date, version) if version else _count_by_system(structure, date)
    with_holders = _systems_with_holders(structure)
    regions: dict[str, list[dict]] = {}
    roots = Organisation.objects.filter(parent__isnull=True, kind=Kind.ICB).open_on(date).order_by("name", "code")
    fields = ("pk", "code", "name", "region", "top_board_id", "closed", "illustrative", "governance_source")
    for root in roots.values(*fields, "verified_on"):
        regions.setdefault(root["region"] or REGION_UNKNOWN, []).append(
            {
                "code": root["code"],
                "name": structure.name_on(root["pk"], date),
                "closed": root["closed"],
                "places": counts[root["pk"], Kind.PLACE],
                "pcns": counts[root["pk"], Kind.PCN],
                "practices": counts[root["pk"], Kind.PRACTICE],
                "governance": root["top_board_id"] is not None,
                "known": governance_known(root, root["pk"] in with_holders),
            }
        )
    return [
        {"region": region, "systems": sorted(systems, key=lambda system: (system["name"], system["code"]))}
        for region, systems in sorted(regions.items(), key=lambda item: (item[0] == REGION_UNKNOWN, item[0]))
    ]


def governance_known(root: dict, holders_recorded: bool) -> dict:
    """What is known of a system's governance, for the home page: ``{"state", "source", "verified"}``.

    ``state``: ``none`` (no top board), ``illustrative`` (invented holders), ``sourced`` (its
    ``governance_source``, last checked ``verified``), ``board_only`` (a board whose holders are
    not recorded: the scaffold) or ``unsourced`` (holders recorded, with no source named).
    """
    if root["top_board_id"] is None:
        state = "none"
    elif root["illustrative"]:
        state = "illustrative"
    elif root["governance_source"]:
        state = "sourced"
    elif not holders_recorded:
        state = "board_only"
    else:
        state = "unsourced"
    return {"state": state, "source": root["governance_source"], "verified": root["verified_on"]}


def _systems_with_holders(structure: Structure) -> set[int]:
    """The systems (today's tree roots) with a seat whose holders are recorded (filled or vacant)."""
    return {
        structure.tree_root(body)
        for body, seats in structure.seats.items()
        if body in structure.units and any(seat["holders_recorded"] for seat in seats)
    }


def _count_by_system(england: Structure, date: datetime.date) -> Counter:
    """(system pk, kind) → how many places, PCNs and practices were open in that system on ``date``.

    A unit's system is its parent's (``Structure.system_on``), so each of the few parents (PCNs,
    places, ICBs) is followed up once rather than each of the practices under it.
    """
    under: Counter[tuple[int, str]] = Counter()
    for unit in england.units.values():
        if unit.kind in COUNTED_KINDS and unit.is_open_on(date):
            parent = england.parent_on(unit.pk, date)
            if parent is not None:
                under[parent, unit.kind] += 1
    system_of = {parent: england.system_on(parent, date) for parent, _kind in under}
    counts: Counter[tuple[int, str]] = Counter()
    for (parent, kind), n in under.items():
        counts[system_of[parent], kind] += n
    return counts


@per_data_version(maxsize=64)
def _counts_by_system(date: datetime.date, version: str) -> Counter:
    """``_count_by_system`` remembered per date and data version: each search re-renders the home page."""
    return _count_by_system(as_of.england(version), date)
