"""What changed in a system, and when: the timeline an LMC officer briefs their committee from.

``timeline(system, start, end)`` lists what changed in one system between two dates (both
included), each change on the day it took effect, in date order: the events ``happened`` finds
(its docstring lists the kinds), each with its sentence from ``events``, where the feeds' come from
too. The Atom feeds (``changes``) read the same events, newest first.

Also here: the period a page or the API asks for (``period``: by default the twelve months to
today), the system by its code (``find_system``), and the page's months and tally.

Cost: England's structure and the records beside it (successions, seats added), read once per
data version, whatever the size of the system or the length of the period.
"""

import datetime
import weakref
from collections import Counter

from django.utils import timezone

from governance.domain import dates
from governance.domain.england import Structure, Unit
from governance.reading import as_of, happened
from governance.reading import events as said
from governance.reading.system_events import ONE_DAY

KINDS = said.KINDS  # every kind of event and its label, in the order told on one day
BACKWARDS = "The period starts (%(start)s) after it ends (%(end)s): give a 'from' on or before 'to'."


class UnknownSystem(LookupError):
    """No system (an ICB at the root of a tree) has that code or pk."""


class BadPeriod(ValueError):
    """``from`` / ``to`` that make no period. ``parameter`` names the one at fault; ``str()`` is the sentence."""

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(message)


class Backwards(BadPeriod):
    """A ``from`` after ``to``: two good dates that make no period."""


def year_before(day: datetime.date) -> datetime.date:
    """The first day of the twelve months that end on ``day`` (2026-03-31 → 2025-04-01)."""
    if day.year == datetime.MINYEAR:
        return datetime.date.min
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        earlier = day.replace(year=day.year - 1, day=28)
    return earlier + ONE_DAY


def period(start_text: str | None, end_text: str | None, today: datetime.date | None = None):
    """``?from=`` and ``?to=`` as (start, end): by default the twelve months to today.

    A missing ``to`` is today; a missing ``from``, twelve months before ``to``. Raises BadPeriod
    for a date that is not YYYY-MM-DD or outside the domain's range (``governance.domain.dates``), or a ``from``
    after ``to`` (``Backwards``).
    """
    end = _date("to", end_text) or today or timezone.localdate()
    start = _date("from", start_text) or year_before(end)
    if start > end:
        raise Backwards("from", BACKWARDS % {"start": start, "end": end})
    return start, end


def _date(parameter: str, text: str | None) -> datetime.date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return dates.believed(dates.parse_date(text))
    except dates.BadDate as error:  # a DateOutOfRange too
        raise BadPeriod(parameter, str(error)) from None


# The systems of a structure by code, found once per structure (a structure is one data version).
_systems: "weakref.WeakKeyDictionary[Structure, dict[str, int]]" = weakref.WeakKeyDictionary()


def find_system(system: str | int, version: str | None = None) -> Unit:
    """The system (ICB at the root of a tree) with code or pk ``system``; UnknownSystem if none.

    No query given the data ``version`` (England's structure is cached for it).
    """
    return _find_system(system, as_of.england(version))


def _find_system(system: str | int, structure: Structure) -> Unit:
    if isinstance(system, int):
        unit = structure.units.get(system)
    else:
        if structure not in _systems:
            _systems[structure] = {unit.code: unit.pk for unit in structure.units.values() if unit.is_system}
        unit = structure.units.get(_systems[structure].get(system))
    if unit is None or not unit.is_system:
        raise UnknownSystem(f"No system (ICB) has the code {system!r}.")
    return unit


def timeline(system: str | int, start: datetime.date, end: datetime.date, version: str | None = None) -> dict:
    """What changed in ``system`` (its ICB's code or pk) from ``start`` to ``end``, both included.

    ``{"system": {"code", "name"}, "from", "to", "count", "counts": {kind: n}, "events": [...]}``,
    the events in date order, each ``{"date", "kind", "text", "organisation": {"code", "name",
    "kind"}, …}`` with the fields of its kind (DESIGN.md, "What changed, when"). Given the data
    ``version``, England's structure comes from this process's cache. Raises UnknownSystem.
    """
    structure = as_of.england(version)
    unit = _find_system(system, structure)
    events = [event.as_json() for event in happened.between(unit.pk, start, end, version=version, structure=structure)]
    return {
        "system": {"code": unit.code, "name": structure.name_on(unit.pk, structure.day_seen(unit.pk, end))},
        "from": start.isoformat(),
        "to": end.isoformat(),
        "count": len(events),
        "counts": dict(Counter(e["kind"] for e in events)),
        "events": events,
    }


def by_month(events: list[dict]) -> list[dict]:
    """Events (in date order) grouped by month for the page: ``[{"month": "April 2026", "events"}]``.

    Each event gains its kind's ``label``.
    """
    months: list[dict] = []
    for event in events:
        month = f"{datetime.date.fromisoformat(event['date']):%B %Y}"
        if not months or months[-1]["month"] != month:
            months.append({"month": month, "events": []})
        months[-1]["events"].append({**event, "label": KINDS[event["kind"]]})
    return months


def tally(counts: dict[str, int]) -> list[dict]:
    """A timeline's ``counts`` as ``[{"kind", "label", "count"}]``, in the order of KINDS."""
    return [{"kind": kind, "label": label, "count": counts[kind]} for kind, label in KINDS.items() if kind in counts]
