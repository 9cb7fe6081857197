"""A unit's dated facts, as plain data: its parent link of a day (with how exact its ends are and whose word
it is), its names of their dates, its registered patients and a practice's moves ("what changed");
``page_facts`` gives a page all of them: from England's structure (names and links, no query), a practice's
moves in two.

The parent link is said once (``parent_link_of``), from England's structure (``domain.england``: the link
that places the unit, by the one rule of links), for API detail, pages and every layer of the path alike.

A link's or name's source names the file it was read from: icsmap's own division tables
(``DIVISION_TABLES``) are icsmap's inference; every other file is the publisher's word (ODS,
NHS England Digital, ONS). A start first seen in a snapshot (``start_exact`` false) happened
between the day after the earlier file's data date and the snapshot's day.
"""

import datetime
import re
from collections.abc import Iterable

from django.db.models import Q

from governance.domain.england import Name, Structure, name_of_day
from governance.domain.links import Span
from governance.models import Kind, Link, Organisation, RegisteredPatients, Relation
from governance.reading import as_of

# icsmap's own tables (fixtures/ods/README.md): a link read from them is icsmap's inference, not ODS's word.
DIVISION_TABLES = ("frimley_division", "sub_icb_division")
PATIENT_KINDS = (Kind.PCN, Kind.PLACE, Kind.ICB)  # the units registered patients are published for
REGION_TYPE = "Comm Region"  # the publication's ORG_TYPE of an NHS England region
BASIS_WORDS = {"ods": "ODS's word", "icsmap": "icsmap's inference"}
DATA_DATE = re.compile(r"data date (\d{4}-\d{2}-\d{2})")
# A practice's moves, in the words of its page.
MOVE_WORDS = {
    Relation.PCN_MEMBER: "PCN",
    Relation.PRACTICE_SUB_ICB: "place (sub-ICB location)",
    Relation.SUB_ICB_ICB: "system",
}


def basis_of(source: str) -> str:
    """``icsmap`` when ``source`` is one of icsmap's own division tables, else ``ods`` (the publisher's word)."""
    return "icsmap" if any(table in source for table in DIVISION_TABLES) else "ods"


def data_date_of(source: str) -> datetime.date | None:
    """The data date a link's source names ("ePCN_2025-01.xlsx (data date 2024-10-01)"), if any."""
    found = DATA_DATE.search(source or "")
    return datetime.date.fromisoformat(found.group(1)) if found else None


def name_of(structure: Structure, org: Organisation, day: datetime.date) -> str:
    """``org``'s name on ``day``: its dated name of that day in England's ``structure`` (``name_of_day``, the one
    rule), else its stored name as read with ``org`` (fresh, even before a write's new data version)."""
    return name_of_day(structure.names_of(org.pk), day, org.name)


def names_json(structure: Structure, org: Organisation) -> list[dict]:
    """Every name ``org`` bore, earliest first, with its dates and source (``Structure.names_of``; its stored name,
    undated, when never renamed), as API detail gives them. No query: England's ``structure`` holds them."""
    names = structure.names_of(org.pk) or [Name(org.name, None, None, "")]
    return [{"name": n.name, "from": n.start, "to": n.end, "source": n.source} for n in names]


def link_json(link: Link | Span, previous: Link | Span | None = None, *, parent: dict | None = None) -> dict:
    """A dated link as the API gives it: parent, dates, their exactness, source and whose word it is.

    ``link`` and ``previous`` (the link of its relation before it): ``Link`` rows, or ``Span``s of England's
    structure, whose ``parent`` (a pk) is named by ``parent`` (code, name, kind).
    """
    earliest = None
    if not link.start_exact and previous is not None:
        seen = data_date_of(previous.source)
        earliest = seen + datetime.timedelta(days=1) if seen else previous.start
    basis = basis_of(link.source)
    return {
        "parent": parent or {"code": link.parent.code, "name": link.parent.name, "kind": link.parent.kind},
        "relation": link.relation,
        "start": link.start,
        "start_exact": link.start_exact,
        "earliest_start": earliest,
        "end": link.end,
        "end_exact": link.end_exact,
        "source": link.source,
        "basis": basis,
        "basis_words": BASIS_WORDS[basis],
    }


def links_of(org: Organisation, relations: Iterable[str]) -> list[Link]:
    return list(Link.objects.filter(child=org, relation__in=list(relations)).select_related("parent").order_by("start"))


def previous_of(link: Link | Span, links: list) -> Link | Span | None:
    """The link of the same relation that ended last before ``link`` began."""
    earlier = [other for other in links if other.relation == link.relation and other.start != link.start]
    earlier = [other for other in earlier if other.end is not None and link.start and other.end < link.start]
    return max(earlier, key=lambda other: other.end, default=None)


def parent_link_of(structure: Structure, pk: int, day: datetime.date) -> dict | None:
    """The link that placed unit ``pk`` under its parent when shown for ``day`` (``Structure.placing_link``: a
    practice's PCN open that day, else its place; a closed unit on its last day), as API detail, pages and
    every layer of the path give it (``link_json``), its parent named as of that day. None for what its tree
    parent places (an ICB, a body, a row governance keeps). No query: England's ``structure`` holds the links.
    """
    link = structure.placing_link(pk, day)
    if link is None:
        return None
    parent = structure.units[link.parent]
    named = {
        "code": parent.code,
        "name": structure.name_on(parent.pk, structure.day_seen(pk, day)),
        "kind": parent.kind,
    }
    return link_json(link, previous_of(link, structure.spans[pk]), parent=named)


def parent_link(org: Organisation, day: datetime.date) -> dict | None:
    """``parent_link_of`` ``org`` on ``day``, England's structure read afresh."""
    return parent_link_of(as_of.england(), org.pk, day)


def registered_patients(org: Organisation) -> dict | None:
    """``{"count", "date", "source"}`` of a PCN, place or ICB (by its code), else None."""
    row = RegisteredPatients.objects.filter(code=org.code).first()
    return patients_json(row)


def region_patients(region: str) -> dict | None:
    """The registered patients of an NHS England region, by its name ("North West") or code (Y62)."""
    rows = RegisteredPatients.objects.filter(Q(code=region) | Q(name=region), unit_type=REGION_TYPE)
    return patients_json(rows.first())


def patients_json(row: RegisteredPatients | None) -> dict | None:
    if row is None:
        return None
    return {"count": row.count, "date": row.date, "source": row.source}


def what_changed(
    practice: Organisation,
    links: list[Link] | None = None,
    *,
    until: datetime.date | None = None,
    structure: Structure | None = None,
) -> list[dict]:
    """A practice's moves between PCNs, places and systems, latest first: each with its day (exact, or between
    two days), where it went, its source and whether it is ODS's word or icsmap's inference. ``links``: its
    PCN and sub-ICB links, when the caller holds them; ``until``: only the moves made by that day (a page
    of a past day does not tell what came after it); ``structure``: England's, to name where it went as of
    the move's first day and where it came from as of its last there (else today's names)."""
    own = links if links is not None else links_of(practice, (Relation.PCN_MEMBER, Relation.PRACTICE_SUB_ICB))
    moves = []
    for link in own:
        previous = previous_of(link, own)
        if previous is None and link.start_exact:
            continue  # its first link: where it began, not a move
        moves.append(move(link, previous, MOVE_WORDS[link.relation], structure))
    places = {link.parent_id for link in own if link.relation == Relation.PRACTICE_SUB_ICB}
    systems = list(Link.objects.filter(child_id__in=places, relation=Relation.SUB_ICB_ICB).select_related("parent"))
    for link in systems:
        previous = previous_of(link, [other for other in systems if other.child_id == link.child_id])
        eve = link.start - datetime.timedelta(days=1) if link.start else None
        there = [o for o in own if o.parent_id == link.child_id]
        if (
            previous is None
            or not any(o.holds_on(link.start) for o in there)
            or not any(o.holds_on(eve) for o in there)
        ):
            continue  # its place's first system, or a move of its place while the practice was elsewhere
        moves.append(move(link, previous, MOVE_WORDS[Relation.SUB_ICB_ICB], structure))
    if until is not None:
        moves = [item for item in moves if item["start"] is None or item["start"] <= until]
    return sorted(moves, key=lambda item: item["start"], reverse=True)


def move(link: Link, previous: Link | None, what: str, structure: Structure | None = None) -> dict:
    """One move (``link``, after ``previous``), its ends named as of their days when ``structure`` is given."""

    def named(org: Organisation, day: datetime.date | None) -> str:
        known = structure is not None and day is not None and org.pk in structure.units
        return structure.name_on(org.pk, day) if known else org.name

    to = {"code": link.parent.code, "name": named(link.parent, link.start), "kind": link.parent.kind}
    data = link_json(link, previous, parent=to)
    data["what"] = what
    data["from"] = {"code": previous.parent.code, "name": named(previous.parent, previous.end)} if previous else None
    return data


def iso_dates(data: dict) -> dict:
    """``data`` with its dates as ISO strings (the path JSON is plain JSON)."""
    return {key: value.isoformat() if isinstance(value, datetime.date) else value for key, value in data.items()}


def page_facts(org: Organisation, day: datetime.date, *, structure: Structure, changes: bool = True) -> dict:
    """What an organisation's page of ``day`` shows of its dated facts, from England's ``structure`` (no query
    but a practice's moves): ``name`` (of the day, ``name_of``), ``names`` (all, ``names_json``),
    ``earlier_names``, ``parent_link`` (``parent_link_of``) and, for a practice with ``changes``, ``changes``
    (``what_changed``, two queries; else None)."""
    names = names_json(structure, org)
    return {
        "name": name_of(structure, org, day),
        "names": names,
        "earlier_names": [name for name in names if name["to"] is not None and name["to"] < day],
        "parent_link": parent_link_of(structure, org.pk, day),
        "changes": what_changed(org, until=day, structure=structure) if changes and org.kind == Kind.PRACTICE else None,
    }
