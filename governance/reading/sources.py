"""How old each source of the structure is, in words: what the pages say beside what they show.

The importer records the files it last read as ``Dataset`` rows (one per role). Pages say
their ages where the reader looks, in one sentence ("Practices as published in February
2026; PCN memberships as published in January 2025; sub-ICB locations and ICBs: ONS lookup
as at 1 July 2022, with the successions of 1 April 2026"). With no rows (an empty
database, the tests) there is nothing to say, and nothing is guessed.

Wording rules, one clause per role present, in this order:

- practices, PCN memberships: "as published in <published>", else "as at <data date>";
- the practice → PCN map (a snapshot of one day) and registered patients: "as at <data date>";
- the ONS lookup is a snapshot: "as at <data date>", else "as published in <published>";
- the successions extend the lookup's clause ("…, with the successions of <data date>"),
  or stand alone without it ("ICBs: successions of …"); the division of the split ICBs
  follows them;
- a row with neither date nor publication is named by its file.

Staleness (``ages``): each snapshot of the structure (``SNAPSHOTS``: practices, PCN
memberships, the practice → PCN map, registered patients, the lookup; not the successions
and divisions, which record events of their day) is said as "PCN memberships as last
published on 1 August 2026", and one whose data date is more than six months before today
gains "— more than six months old". Pages put the old ones in a warning where the reader
looks, and the pictures carry every line in their caption.
"""

import datetime

from django.utils import timezone

from governance.caching.memo import per_data_version
from governance.domain.dates import in_words
from governance.models import Dataset, DatasetRole

# The snapshots of the structure, in the order they are said, with what they give.
SNAPSHOTS = {
    DatasetRole.PRACTICES: "GP practices",
    DatasetRole.PCNS: "PCN memberships",
    DatasetRole.SNAPSHOT: "Practices' PCNs on NHS England Digital's map",
    DatasetRole.PATIENTS: "Registered patients",
    DatasetRole.LOOKUP: "Sub-ICB locations and ICBs",
}
STALE_MONTHS = 6

FIELDS = ("role", "file", "data_date", "published", "source", "imported_at")


def datasets() -> list[dict]:
    """Every ``Dataset`` row as plain data, by role (one query)."""
    return list(Dataset.objects.order_by("role").values(*FIELDS))


def _published_or_as_at(row: dict) -> str:
    if row["published"]:
        return f"as published in {row['published']}"
    if row["data_date"]:
        return f"as at {in_words(row['data_date'])}"
    return f"from {row['file']}"


def _as_at_or_published(row: dict) -> str:
    if row["data_date"]:
        return f"as at {in_words(row['data_date'])}"
    return _published_or_as_at(row)


def _of(row: dict) -> str:
    """A dated event's file: "of 1 April 2026" (its data date), else as published, else the file."""
    if row["data_date"]:
        return f"of {in_words(row['data_date'])}"
    return _published_or_as_at(row)


def clauses(rows: list[dict]) -> list[str]:
    """The sentence's clauses for ``rows`` (``datasets()``), by the rules of the module docstring."""
    by_role = {row["role"]: row for row in rows}
    said = []
    if practices := by_role.get(DatasetRole.PRACTICES):
        said.append(f"Practices {_published_or_as_at(practices)}")
    if pcns := by_role.get(DatasetRole.PCNS):
        said.append(f"PCN memberships {_published_or_as_at(pcns)}")
    if snapshot := by_role.get(DatasetRole.SNAPSHOT):
        said.append(f"practices' PCNs as seen on NHS England Digital's map {_as_at_or_published(snapshot)}")
    if patients := by_role.get(DatasetRole.PATIENTS):
        said.append(f"registered patients {_as_at_or_published(patients)}")
    icbs = []
    if lookup := by_role.get(DatasetRole.LOOKUP):
        icbs.append(f"sub-ICB locations and ICBs: ONS lookup {_as_at_or_published(lookup)}")
    if successions := by_role.get(DatasetRole.SUCCESSIONS):
        icbs.append(f"with the successions {_of(successions)}" if icbs else f"ICBs: successions {_of(successions)}")
    if division := by_role.get(DatasetRole.DIVISION):
        icbs.append(f"the split ICBs divided {_published_or_as_at(division)}")
    if icbs:
        said.append(", ".join(icbs))
    if said:
        said[0] = said[0][0].upper() + said[0][1:]
    return said


def stale_since(today: datetime.date) -> datetime.date:
    """The day six months before ``today`` (the last day of a shorter month when it has no such day)."""
    month = today.month - STALE_MONTHS
    year = today.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for day in range(today.day, 0, -1):
        try:
            return datetime.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("every month has a first day")


def ages(rows: list[dict], today: datetime.date) -> list[dict]:
    """Each snapshot's age in words, by the rules of the module docstring: ``[{"role", "text", "stale"}]``."""
    by_role = {row["role"]: row for row in rows}
    since = stale_since(today)
    said = []
    for role, what in SNAPSHOTS.items():
        row = by_role.get(role)
        if row is None or row["data_date"] is None:
            continue
        stale = row["data_date"] < since
        text = f"{what} as last published on {in_words(row['data_date'])}"
        said.append({"role": role, "text": text + (" — more than six months old" if stale else ""), "stale": stale})
    return said


def source_ages(today: datetime.date | None = None) -> dict | None:
    """What the pages say about the sources' ages, or None with no ``Dataset`` rows (one query).

    ``{"sentence": "Practices as published in …; …", "ages": ages(), "stale": [the texts of
    the stale ones], "datasets": [{"role", "label", "file", "data_date", "published",
    "source", "imported_at"}, …]}``, with staleness as of ``today`` (default the local date).
    """
    rows = datasets()
    if not rows:
        return None
    labels = dict(DatasetRole.choices)
    said = ages(rows, today or timezone.localdate())
    return {
        "sentence": "; ".join(clauses(rows)),
        "ages": said,
        "stale": [age["text"] for age in said if age["stale"]],
        "datasets": [{**row, "label": labels.get(row["role"], row["role"])} for row in rows],
    }


def caption(found: dict | None) -> str:
    """The pictures' caption: every snapshot's age, one line each ("" with none recorded)."""
    return "\n".join(age["text"] for age in found["ages"]) if found else ""


@per_data_version(maxsize=8)
def cached_source_ages(version: str, today: datetime.date) -> dict | None:
    """``source_ages(today)`` remembered per data version (a ``Dataset`` write bumps it) and day: no query once read."""
    return source_ages(today)
