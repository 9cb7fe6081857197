"""API views. Thin: filtering is in ``filters``, shapes in ``serializers``, paths in
``governance.reading.paths``, writes in ``governance.domain.seating`` and ``governance.domain.tree``, who may
write in ``access``, exports in ``governance.reading.popolo`` and ``governance.governance_file.write``, and
HTTP caching in ``caching``.

| module | what it holds |
|---|---|
| ``base`` | what the views share: the as-of date parameters, CSV for lists, reading a write's body |
| ``organisations`` | organisations (list, detail, children, path, move) and many paths at once |
| ``seating`` | seats, people and appointments, read and written |
| ``systems`` | a whole system: Popolo, governance file, summary, composition, timeline |
| ``changes`` | what was written since a moment |
| ``schema`` | the OpenAPI schema, its errors in JSON |

Every view is imported from ``governance.api.views``, whatever module holds it.
"""

from governance.api.views.changes import ChangesView
from governance.api.views.organisations import OrganisationViewSet, PathListView
from governance.api.views.schema import SchemaView
from governance.api.views.seating import AppointmentViewSet, PersonViewSet, SeatViewSet
from governance.api.views.systems import SystemViewSet

__all__ = [
    "AppointmentViewSet",
    "ChangesView",
    "OrganisationViewSet",
    "PathListView",
    "PersonViewSet",
    "SchemaView",
    "SeatViewSet",
    "SystemViewSet",
]
