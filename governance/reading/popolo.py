"""A system's governance in the Popolo data specification's terms (https://www.popoloproject.com/).

Organizations (the whole tree), posts (seats), persons and memberships (appointments).
Whole, or on a day (``system_rows.on_day``): the system as it stood that day, in the
structure of that day. The rows, and their order, are ``system_rows``'s, which the
governance file (``governance.governance_file.write``) reads too.
"""

from governance.models import Organisation
from governance.reading import system_rows
from governance.reading.system_rows import OnDay


def _source(text: str) -> dict:
    """A Popolo link: ``url`` for a web address, ``note`` for a citation."""
    return {"url": text} if text.startswith(("http://", "https://")) else {"note": text}


def popolo(root: Organisation, on: OnDay | None = None) -> dict:
    """The system whose root is ``root`` in Popolo's terms: organizations, posts, persons, memberships.

    Organizations are the whole tree (``classification`` is the kind); posts are seats, with
    what Popolo has no field for (what a seat represents, how it is filled) under ``extras``;
    memberships are appointments, past and present. Three queries. ``on`` a day (``on_day``):
    the organizations of that day under their parents of that day, their posts, and the
    memberships current that day.
    """
    rows = system_rows.organisations(root, on)
    codes = {row.pk: row.code for row in rows}
    organizations = []
    for row in rows:
        entry = {"id": row.code, "name": row.name, "classification": row.kind, "parent_id": codes.get(row.parent_id)}
        if row.opened:
            entry["founding_date"] = row.opened.isoformat()
        if row.closed:
            entry["dissolution_date"] = row.closed.isoformat()
        organizations.append(entry)
    seats = system_rows.seats(root, rows, on)
    posts = [
        {
            "id": f"seat-{seat['pk']}",
            "label": seat["label"],
            "role": seat["role"],
            "organization_id": seat["body__code"],
            "extras": {
                "represents_id": seat["represents__code"],
                "sector": seat["sector"] or None,
                "selection": seat["selection"],
                "delegate": seat["delegate"],
                "voting": seat["voting"],
                "max_holders": seat["max_holders"],
                "portfolio": seat["portfolio"] or None,
                "holders_recorded": seat["holders_recorded"],
            },
        }
        for seat in seats
    ]
    appointments = system_rows.appointments(root, seats, on)
    persons: dict[int, dict] = {}
    memberships = []
    for seat in seats:
        for appointment in appointments.get(seat["pk"], []):
            person_id = f"person-{appointment['person_id']}"
            persons.setdefault(appointment["person_id"], {"id": person_id, "name": appointment["person__name"]})
            membership = {
                "id": f"appointment-{appointment['pk']}",
                "person_id": person_id,
                "organization_id": seat["body__code"],
                "post_id": f"seat-{seat['pk']}",
                "role": seat["role"],
                "label": seat["label"],
                "start_date": appointment["start"].isoformat(),
            }
            if appointment["end"]:
                membership["end_date"] = appointment["end"].isoformat()
            if appointment["source"]:
                membership["sources"] = [_source(appointment["source"])]
            memberships.append(membership)
    return {
        "organizations": organizations,
        "posts": posts,
        "persons": sorted(persons.values(), key=lambda person: (person["name"], person["id"])),
        "memberships": memberships,
    }
