"""The governance of an Integrated Care System, as data: one module per concept.

| module | what it holds |
|---|---|
| ``vocabulary`` | every vocabulary (kinds, relations, roles, sectors, portfolios, …) and their labels |
| ``codes`` | the organisation code rule and the name rule |
| ``dated`` | the abstract dated model and queryset (``governance.domain.periods``' rule) |
| ``organisations`` | Organisation (the MPTT tree), Link (dated links), Succession, Coverage, Cluster |
| ``seats`` | Seat, Person, Appointment, AlsoReported |
| ``rights`` | SystemRight |
| ``suggestions`` | Suggestion (a reader's correction, with its source, for editors to review) |
| ``data`` | DataVersion, Dataset |

Everything is imported from ``governance.models``, whatever module holds it.
"""

from governance.models.codes import (
    CODE_LENGTH,
    CODE_PATTERN,
    CODE_RULE,
    NAME_BAD_CHARACTERS,
    NAME_RULE,
    code_problem,
    name_problem,
    validate_code,
    validate_name,
)
from governance.models.data import Dataset, DataVersion
from governance.models.dated import Dated, DatedQuerySet, DatedQuerySetMixin
from governance.models.organisations import (
    MPTT_FIELDS,
    Cluster,
    Coverage,
    Link,
    LinkQuerySet,
    Organisation,
    OrganisationName,
    OrganisationQuerySet,
    RegisteredPatients,
    Succession,
)
from governance.models.rights import SystemRight
from governance.models.seats import AlsoReported, Appointment, AppointmentQuerySet, Person, Seat, SeatQuerySet
from governance.models.suggestions import Suggestion
from governance.models.vocabulary import (
    BODY_KINDS,
    COVERED_KINDS,
    KIND_NOUNS,
    PARENT_RELATIONS,
    RELATION_KINDS,
    UNIT_KINDS,
    DatasetRole,
    Kind,
    Portfolio,
    Relation,
    Role,
    Sector,
    Selection,
    Source,
    SuccessionType,
    SuggestionStatus,
    kind_count,
)

__all__ = [
    "BODY_KINDS",
    "CODE_LENGTH",
    "CODE_PATTERN",
    "CODE_RULE",
    "COVERED_KINDS",
    "KIND_NOUNS",
    "MPTT_FIELDS",
    "NAME_BAD_CHARACTERS",
    "NAME_RULE",
    "PARENT_RELATIONS",
    "RELATION_KINDS",
    "UNIT_KINDS",
    "AlsoReported",
    "Appointment",
    "AppointmentQuerySet",
    "Cluster",
    "Coverage",
    "DataVersion",
    "Dataset",
    "DatasetRole",
    "Dated",
    "DatedQuerySet",
    "DatedQuerySetMixin",
    "Kind",
    "Link",
    "LinkQuerySet",
    "Organisation",
    "OrganisationName",
    "OrganisationQuerySet",
    "Person",
    "Portfolio",
    "RegisteredPatients",
    "Relation",
    "Role",
    "Seat",
    "SeatQuerySet",
    "Sector",
    "Selection",
    "Source",
    "Succession",
    "SuccessionType",
    "Suggestion",
    "SuggestionStatus",
    "SystemRight",
    "code_problem",
    "kind_count",
    "name_problem",
    "validate_code",
    "validate_name",
]
