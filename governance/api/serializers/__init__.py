"""The API's serializers: thin views of the models, what writes may send, and the documented shapes of
``governance.reading``'s answers; one module per concept.

| module | what it holds |
|---|---|
| ``fields`` | ``FromTo`` (``start``/``end`` said ``from``/``to``); what writes read: dates, codes, known keys |
| ``organisations`` | organisations named in passing, listed and in detail (as of the date asked), moved |
| ``seating`` | seats, people and appointments, read and written |
| ``paths`` | the representation path, the top board's composition, a system's summary |
| ``timeline`` | the changes feed and a system's timeline |
| ``exports`` | Popolo and the governance file |

Everything is imported from ``governance.api.serializers``, whatever module holds it.
"""

from governance.api.serializers.exports import (
    GOVERNANCE_HOLDER,
    GovernanceFileSerializer,
    GovernanceHoldersField,
    GovernanceOrganisationSerializer,
    GovernanceSeatSerializer,
    GovernanceSystemSerializer,
    PopoloLinkSerializer,
    PopoloMembershipSerializer,
    PopoloOrganizationSerializer,
    PopoloPersonSerializer,
    PopoloPostExtrasSerializer,
    PopoloPostSerializer,
    PopoloSerializer,
)
from governance.api.serializers.fields import (
    IGNORED_KEYS,
    CodeField,
    FromTo,
    IsoDateField,
    NameField,
    OnlyKnownFields,
    TextField,
)
from governance.api.serializers.organisations import (
    AsOf,
    ClusterSerializer,
    LmcRefSerializer,
    MoveSerializer,
    OrganisationDetailSerializer,
    OrganisationRefSerializer,
    OrganisationSerializer,
    ParentLinkSerializer,
    SuccessionSerializer,
    SystemRefSerializer,
)
from governance.api.serializers.paths import (
    CompositionSerializer,
    HolderSerializer,
    LayerSerializer,
    PathSeatSerializer,
    PathSerializer,
    RequirementSerializer,
    SummaryLayerSerializer,
    SummaryPlaceSerializer,
    SummaryPointSerializer,
    SummaryPracticesSerializer,
    SummaryProvenanceSerializer,
    SummaryRoutesSerializer,
    SummarySeatSerializer,
    SummarySerializer,
)
from governance.api.serializers.seating import (
    SEAT_FIELDS,
    AppointmentCreateSerializer,
    AppointmentSerializer,
    AppointmentUpdateSerializer,
    EndAppointmentSerializer,
    PersonDetailSerializer,
    PersonSerializer,
    SeatCreateSerializer,
    SeatSerializer,
    SeatUpdateSerializer,
)
from governance.api.serializers.timeline import (
    ChangeSerializer,
    ChangesSerializer,
    FieldChangeSerializer,
    TimelineEventSerializer,
    TimelinePersonSerializer,
    TimelineSeatSerializer,
    TimelineSerializer,
)

__all__ = [
    "GOVERNANCE_HOLDER",
    "IGNORED_KEYS",
    "SEAT_FIELDS",
    "AppointmentCreateSerializer",
    "AppointmentSerializer",
    "AppointmentUpdateSerializer",
    "AsOf",
    "ChangeSerializer",
    "ChangesSerializer",
    "ClusterSerializer",
    "CodeField",
    "CompositionSerializer",
    "EndAppointmentSerializer",
    "FieldChangeSerializer",
    "FromTo",
    "GovernanceFileSerializer",
    "GovernanceHoldersField",
    "GovernanceOrganisationSerializer",
    "GovernanceSeatSerializer",
    "GovernanceSystemSerializer",
    "HolderSerializer",
    "IsoDateField",
    "LayerSerializer",
    "LmcRefSerializer",
    "MoveSerializer",
    "NameField",
    "OnlyKnownFields",
    "OrganisationDetailSerializer",
    "OrganisationRefSerializer",
    "OrganisationSerializer",
    "ParentLinkSerializer",
    "PathSeatSerializer",
    "PathSerializer",
    "PersonDetailSerializer",
    "PersonSerializer",
    "PopoloLinkSerializer",
    "PopoloMembershipSerializer",
    "PopoloOrganizationSerializer",
    "PopoloPersonSerializer",
    "PopoloPostExtrasSerializer",
    "PopoloPostSerializer",
    "PopoloSerializer",
    "RequirementSerializer",
    "SeatCreateSerializer",
    "SeatSerializer",
    "SeatUpdateSerializer",
    "SuccessionSerializer",
    "SummaryLayerSerializer",
    "SummaryPlaceSerializer",
    "SummaryPointSerializer",
    "SummaryPracticesSerializer",
    "SummaryProvenanceSerializer",
    "SummaryRoutesSerializer",
    "SummarySeatSerializer",
    "SummarySerializer",
    "SystemRefSerializer",
    "TextField",
    "TimelineEventSerializer",
    "TimelinePersonSerializer",
    "TimelineSeatSerializer",
    "TimelineSerializer",
]
