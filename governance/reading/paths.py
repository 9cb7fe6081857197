"""The representation path of an organisation on a date, found in its system's graph (``graph.py``).

Finding the organisation and saying why it has no path on a day (not open, in no open system),
one path or many, and the graphs kept per process: each system's graphs at every change day,
rebuilt only when what they are built from changed (``built_from``).
"""

import bisect
import datetime

from django.utils import timezone

from governance.caching import versioning
from governance.caching.memo import LatestPerName, per_data_version
from governance.domain.dates import in_words
from governance.domain.england import Structure
from governance.models import Organisation
from governance.reading import as_of
from governance.reading.graph import SystemGraph, load_graphs, system_graphs


class PathError(Exception):
    """The path cannot be asked for (unknown organisation, or not open at that date)."""


class UnknownOrganisation(PathError):
    pass


class OrganisationNotOpen(PathError):
    pass


class SystemNotOpen(PathError):
    """The organisation was open, but in no open system that day (before July 2022, or its ICB had closed)."""


def _read_organisation(code: str) -> Organisation | None:
    return Organisation.objects.filter(code=code).only("pk", "code", "name", "tree_id", "opened", "closed").first()


def find_organisation(code: str, date: datetime.date, *, version: str | None = None) -> Organisation:
    """The organisation with ``code``, which must be open on ``date``.

    Given the data ``version``, the lookup is remembered until an organisation changes.
    """
    org = (
        _read_organisation(code)
        if version is None
        else cached_organisation(code, versioning.organisations_key(version))
    )
    if org is None:
        raise UnknownOrganisation(f"No organisation has the code {code!r}.")
    if not org.is_active_on(date):
        if org.opened and org.opened > date:
            raise OrganisationNotOpen(f"{org.name} ({org.code}) had not opened on {date} (it opened on {org.opened}).")
        raise OrganisationNotOpen(f"{org.name} ({org.code}) was closed on {date} (it closed on {org.closed}).")
    return org


def system_on(org: Organisation, date: datetime.date, structure: Structure) -> int:
    """The pk of the system ``org`` was in on ``date``; SystemNotOpen when it was in no open one.

    The message says when the system existed: before the first ICBs opened, the one it joined
    then; otherwise the one it was in on its last day open (or today).
    """
    system = structure.system_on(org.pk, date)
    if system is not None and structure.is_open(system, date):
        return system
    raise SystemNotOpen(_outside(org, date, structure, system))


def _outside(org: Organisation, date: datetime.date, structure: Structure, system: int | None) -> str:
    """Why ``org`` was in no open system on ``date`` (``system``: the one it was in, closed that day, if any)."""
    today = timezone.localdate()
    first = structure.first_opening()
    if first is not None and date < first:
        other = structure.system_on(org.pk, max(first, org.opened or first))
        then = f"integrated care boards were established on {in_words(first)}"
    else:
        other = system or structure.system_on(org.pk, min(org.closed or today, today))
        then = None
    if other is None:
        return f"{org.name} ({org.code}) was in no integrated care system on {date}."
    unit = structure.units[other]
    name = structure.name_on(other, structure.day_seen(other, date))
    existed = f"its system, {name} ({unit.code}), {as_of.when_open(structure, other)}"
    return f"{org.name} ({org.code}) was in no open integrated care system on {date}: " + (
        f"{then}; {existed}." if then else f"{existed}."
    )


def outside_systems(organisations, date: datetime.date, *, version: str | None = None) -> list[str]:
    """For each of ``organisations`` that was in no open system on ``date``, why (``SystemNotOpen``'s message)."""
    structure = as_of.england(version)
    found = []
    for org in organisations:
        system = structure.system_on(org.pk, date)
        if system is None or not structure.is_open(system, date):
            found.append(_outside(org, date, structure, system))
    return found


def system_not_open(system: int, date: datetime.date, *, version: str | None = None) -> str | None:
    """Why the system (ICB pk) ``system`` has no paths on ``date`` (not open that day), or None when it was open."""
    structure = as_of.england(version)
    if structure.is_open(system, date):
        return None
    unit, name = structure.units[system], structure.name_on(system, structure.day_seen(system, date))
    return f"{name} ({unit.code}) was not open on {date}: the system {as_of.when_open(structure, system)}."


def representation_path(code: str, date: datetime.date | None = None, *, version: str | None = None) -> dict:
    """The path of the organisation with ``code`` at ``date`` (default today), as JSON-ready data.

    The structure is that of ``date``: the practice's PCN, place and ICB as they were. Given the
    current data ``version`` (``governance.caching.versioning``), the system's graph comes from
    this process's cache while nothing has changed. Raises ``UnknownOrganisation``,
    ``OrganisationNotOpen`` or ``SystemNotOpen`` (all ``PathError``).
    """
    date = date or timezone.localdate()
    org = find_organisation(code, date, version=version)
    structure = as_of.england(version)
    system = system_on(org, date, structure)
    if version is None:
        return load_graphs([system], date, structure=structure)[system].path(org.pk)
    return cached_graph(system, date, version).path(org.pk)


def cached_graph(system: int, date: datetime.date, version: str) -> "SystemGraph":
    """``SystemGraph.load(system, date)``, reused for every date with the same change key while what
    the system's graphs are built from holds (``built_from``: under data ``version``).

    The structure changes on few days: the graph built on the last change on or before ``date``
    serves every day up to the next change. Only its date is the one asked. The first graph asked
    of a system builds all of them (``system_graphs``): under requests at random dates, a graph
    built one change at a time kept a request in a hundred waiting behind a build. A write that
    leaves a system's inputs as they were (a seat renamed in another system) leaves its graphs kept.
    """
    structure = as_of.england(version)
    if structure.change_key(system, date) == datetime.date.min:  # nothing in the system had begun: nothing to keep
        return SystemGraph.load(system, date, version=version)
    days, graphs = _graphs.get(system, built_from(system, version), lambda: system_graphs(system, structure))
    return graphs[bisect.bisect_right(days, date) - 1].on(date)


def cached_graphs(
    systems, date: datetime.date, version: str | None = None, *, structure: Structure | None = None
) -> dict[int, "SystemGraph"]:
    """The graphs of the ``systems`` (ICB pks) on ``date``, by pk: each from the cache given the data
    ``version`` (``cached_graph``), else all loaded together (``load_graphs``, from ``structure`` if given)."""
    if version is None:
        return load_graphs(systems, date, structure=structure)
    return {system: cached_graph(system, date, version) for system in set(systems)}


def graph_for(pk: int, date: datetime.date, version: str) -> "SystemGraph":
    """The graph of the system organisation ``pk`` was in on ``date`` (if in none, of its tree today)."""
    return cached_graph(as_of.england(version).system_or_root(pk, date), date, version)


# A compiled graph depends only on its system, the system's last change on or before the date,
# England's organisations and links, and the seats of the system's bodies with their holders; an
# organisation's lookup by code on the organisations alone. A process keeps them (memos keyed by
# those) and skips the queries and the graph building. The graphs: every system's at every change,
# for the two latest sets of inputs of each system; the organisations of an England.
# ``governance.caching.reset()`` empties them.
_graphs = LatestPerName(depth=2)


@per_data_version(maxsize=1024)  # two versions of ten Englands
def built_from(system: int, version: str) -> tuple:
    """What the graphs of ``system`` are built from under data ``version``: England's organisations and
    links (their version, ``versioning.organisations_key``) and every seat of a body that is, was or
    will be in the system, with its holders (the rows themselves). Equal for two versions: equal graphs."""
    structure = as_of.england(version)
    seats = tuple(
        (tuple(seat.values()), tuple(structure.appointments.get(seat["pk"], ())))
        for pk in sorted(structure.ever_under(system))
        for seat in structure.seats.get(pk, ())
    )
    return versioning.organisations_key(version), seats


@per_data_version(maxsize=16384)
def cached_organisation(code: str, version: str) -> Organisation | None:
    """The organisation with ``code`` (or None), looked up once per organisations' version
    (``versioning.organisations_key``): a seat or holder edit leaves it as it was."""
    return _read_organisation(code)


def representation_paths(organisations, date: datetime.date, *, version: str | None = None) -> list[dict]:
    """The paths of many ``organisations`` (each open on ``date`` and in an open system), in the order given.

    Each system's graph is loaded once (or taken from the cache, given the data
    ``version``), so the queries grow with the number of systems, never with the
    number of organisations.
    """
    structure = as_of.england(version)
    graphs: dict[int, SystemGraph] = {}
    paths = []
    for org in organisations:
        system = system_on(org, date, structure)
        if system not in graphs:
            graphs[system] = (
                load_graphs([system], date, structure=structure)[system]
                if version is None
                else cached_graph(system, date, version)
            )
        paths.append(graphs[system].path(org.pk))
    return paths
