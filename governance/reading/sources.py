"""How old each source of the structure is, in words: what the pages say beside what they show.

The importer records the files it last read as ``Dataset`` rows (one per role). Pages say
their ages where the reader looks, in one sentence ("Practices as published in February
2026; PCN memberships as published in January 2025; sub-ICB locations and ICBs: ONS lookup
as at 1 July 2022, with the successions of 1 April 2026"). With no rows (an empty
database, the tests) there is nothing to say, and nothing is guessed.

Wording rules, one clause per role present, in this order:

- practices, PCN memberships: "as published in <published>", else "as at <data date>";
- the ONS lookup is a snapshot: "as at <data date>", else "as published in <published>";
- the successions extend the lookup's clause ("…, with the successions of <data date>"),
  or stand alone without it ("ICBs: successions of …"); the division of the split ICBs
  follows them;
- a row with neither date nor publication is named by its file.
"""

from governance.caching.memo import per_data_version
from governance.models import Dataset, DatasetRole
from governance.reading.as_of import in_words

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


def source_ages() -> dict | None:
    """What the pages say about the sources' ages, or None with no ``Dataset`` rows (one query).

    ``{"sentence": "Practices as published in …; …", "datasets": [{"role", "label", "file",
    "data_date", "published", "source", "imported_at"}, …]}``.
    """
    rows = datasets()
    if not rows:
        return None
    labels = dict(DatasetRole.choices)
    return {
        "sentence": "; ".join(clauses(rows)),
        "datasets": [{**row, "label": labels.get(row["role"], row["role"])} for row in rows],
    }


@per_data_version(maxsize=8)
def cached_source_ages(version: str) -> dict | None:
    """``source_ages()`` remembered per data version (a ``Dataset`` write bumps it): no query once read."""
    return source_ages()
