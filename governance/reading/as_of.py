"""England's structure of a date as reading keeps it: once per data version, and what it says in words.

The structure itself (every unit and dated link, asked about any date: parents, systems, members,
children, change days) is the domain's (``governance.domain.england.Structure``); ``england()``
reads it once per data version per process, so pages, the API and the commands answer for any date
in memory: its organisations, links and dated names (three queries, most of the time) only when they
changed (the organisations' version, ``versioning.organisations_key``), its seats and holders (two)
each time. Here too is how it is said: a holder as the path JSON gives one, a holder's name (with "(acting)"
when acting), since when a holder is in post, when a system existed.
"""

from governance.caching import versioning
from governance.caching.memo import per_data_version
from governance.domain.dates import in_words
from governance.domain.england import Holding, Structure


def england(version: str | None = None) -> Structure:
    """The structure of England: read afresh, or given the data ``version``, once per version per process."""
    return Structure.load() if version is None else _england(version)


@per_data_version(maxsize=2)
def _england(version: str) -> Structure:
    return _organisations(versioning.organisations_key(version)).with_governance(*Structure.read_governance())


@per_data_version(maxsize=2)
def _organisations(organisations_version: str) -> Structure:
    """England's organisations, links and dated names, once per organisations' version: no seat or holder in it."""
    return Structure.load(governance=False)


def holder_json(holding: Holding) -> dict:
    """An appointment as the path JSON gives a holder: ``from`` is null when only ``seen`` is known."""
    return {
        "name": holding.name,
        "person_id": holding.person,
        "from": holding.start.isoformat() if holding.start_known else None,
        "to": holding.end and holding.end.isoformat(),
        "seen": holding.seen and holding.seen.isoformat(),
        "source": holding.source,
        "acting": holding.acting,
    }


def acting_words(holder: dict) -> str:
    """What follows a holder's name when the source names them as acting: " (acting)", else nothing —
    the one way every page, feed and text says it (a stand-in is never shown as the substantive holder)."""
    return " (acting)" if holder.get("acting") else ""


def holder_name(holder: dict) -> str:
    """A holder's name as every text says it: "David Freeman (acting)" when acting (``acting_words``)."""
    return f"{holder['name']}{acting_words(holder)}"


def since_words(holder: dict) -> str:
    """Since when a holder (the path JSON's) is in post, in words: "from 2024-04-01", or "in post on
    2026-03-12, according to <source>" when a source only shows them in post that day."""
    if holder.get("from"):
        return f"from {holder['from']}"
    according = f", according to {holder['source']}" if holder.get("source") else ""
    return f"in post on {holder.get('seen')}{according}"


def when_open(structure: Structure, system: int) -> str:
    """When a system existed, in words: "existed from 1 July 2022 to 31 March 2026", "has existed since …"."""
    unit = structure.units[system]
    if unit.closed:
        since = f"from {in_words(unit.opened)} " if unit.opened else ""
        return f"existed {since}to {in_words(unit.closed)}"
    return f"has existed since {in_words(unit.opened)}" if unit.opened else "is open"
