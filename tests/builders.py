"""Small builders for tests: a system in a few lines, through the tree service."""

import datetime

from governance import tree
from governance.models import Appointment, Organisation, Person, Seat

D = datetime.date
DEFAULT_START = D(2023, 4, 1)


def org(code: str, kind: str, parent: Organisation | None = None, **fields) -> Organisation:
    """Create an organisation through the tree service (as every writer must)."""
    return tree.create_organisation(
        code=code, name=fields.pop("name", code.upper()), kind=kind, parent=parent, **fields
    )


def seat(body: Organisation, label: str, *, role="representative", selection="elected", **fields) -> Seat:
    return Seat.objects.create(body=body, label=label, role=role, selection=selection, **fields)


def appoint(seat: Seat, name: str, start: datetime.date = DEFAULT_START, end=None, **fields) -> Appointment:
    person, _ = Person.objects.get_or_create(name=name)
    return Appointment.objects.create(seat=seat, person=person, start=start, end=end, **fields)


def set_top_board(system: Organisation, board: Organisation) -> None:
    Organisation.objects.filter(pk=system.pk).update(top_board=board)
    system.refresh_from_db()


def clear_caches() -> None:
    """Forget cached graphs, pages and the remembered data version: a test's writes never commit."""
    from django.core.cache import caches

    from governance import page_cache, paths, versioning

    paths.clear_graph_cache()
    versioning.forget_latest()
    caches[page_cache.CACHE].clear()
