"""A system exported: Popolo and the governance file, shapes for the schema.

Plain data made by ``governance.reading.popolo`` and ``governance.governance_file.write``, returned as it is. These
serializers only type it in the schema, so that a generated client reads it as models, not as untyped objects.
Keys the data leaves out when empty are ``required=False``.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class PopoloOrganizationSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The ODS or governance code.")
    name = serializers.CharField()
    classification = serializers.CharField(help_text="The kind: icb, place, pcn, practice, board…")
    parent_id = serializers.CharField(allow_null=True)
    founding_date = serializers.DateField(required=False)
    dissolution_date = serializers.DateField(required=False)


class PopoloPostExtrasSerializer(serializers.Serializer):
    """What Popolo has no field for."""

    represents_id = serializers.CharField(allow_null=True)
    sector = serializers.CharField(allow_null=True)
    selection = serializers.CharField()
    delegate = serializers.BooleanField()
    voting = serializers.BooleanField()
    max_holders = serializers.IntegerField()
    portfolio = serializers.CharField(allow_null=True)
    holders_recorded = serializers.BooleanField()


class PopoloPostSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    role = serializers.CharField()
    organization_id = serializers.CharField()
    extras = PopoloPostExtrasSerializer()


class PopoloPersonSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class PopoloLinkSerializer(serializers.Serializer):
    """A source: ``url`` for a web address, ``note`` for a citation."""

    url = serializers.CharField(required=False)
    note = serializers.CharField(required=False)


class PopoloMembershipSerializer(serializers.Serializer):
    id = serializers.CharField()
    person_id = serializers.CharField()
    organization_id = serializers.CharField()
    post_id = serializers.CharField()
    role = serializers.CharField()
    label = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False)
    sources = PopoloLinkSerializer(many=True, required=False)


class PopoloSerializer(serializers.Serializer):
    """A system in Popolo's terms (https://www.popoloproject.com/)."""

    organizations = PopoloOrganizationSerializer(many=True)
    posts = PopoloPostSerializer(many=True)
    persons = PopoloPersonSerializer(many=True)
    memberships = PopoloMembershipSerializer(many=True)


_DATE = {"type": "string", "format": "date"}
GOVERNANCE_CLUSTER = {
    "type": "object",
    "description": "The system's ICB in a cluster of ICBs: `from` (stated) or `seen` (shown on that day), `to` once "
    "it ended.",
    "properties": {"name": {"type": "string"}, "source": {"type": "string"}, "seen": _DATE, "from": _DATE, "to": _DATE},
    "required": ["name", "source"],
}


@extend_schema_field({"type": "array", "items": GOVERNANCE_CLUSTER})
class GovernanceClustersField(serializers.JSONField):
    """A system's clusters in a governance file (``from`` is a Python keyword: the schema is written out)."""


class GovernanceSystemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(required=False)
    source = serializers.CharField(required=False)
    verified = serializers.DateField(required=False)
    illustrative = serializers.BooleanField(required=False)
    routes = serializers.CharField(required=False, help_text="recorded | not recorded")
    clusters = GovernanceClustersField(required=False)


class GovernanceOrganisationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    parent = serializers.CharField()
    opened = serializers.DateField(required=False)
    closed = serializers.DateField(required=False)
    postcode = serializers.CharField(required=False)
    covers = serializers.ListField(child=serializers.CharField(), required=False, help_text="An LMC's footprint.")
    routes = serializers.CharField(required=False)
    source = serializers.CharField(required=False, help_text="A body's or an LMC's page.")
    seen = serializers.DateField(required=False, help_text="The day that page shows it.")
    also_known_as = serializers.ListField(child=serializers.CharField(), required=False)


class GovernanceReportSerializer(serializers.Serializer):
    """Another source's account of a seat's holder."""

    name = serializers.CharField()
    seen = serializers.DateField()
    source = serializers.CharField()


GOVERNANCE_HOLDER = {
    "type": "object",
    "description": "A holder in a governance file: `from` or `seen` (or both), `to` once they left.",
    "properties": {
        "name": {"type": "string"},
        "from": _DATE,
        "seen": _DATE,
        "to": _DATE,
        "term_ends": _DATE,
        "source": {"type": "string"},
        "acting": {"type": "boolean", "description": "Named by the source as acting in the seat (left out: false)."},
    },
    "required": ["name"],
}


@extend_schema_field(
    {
        "oneOf": [{"type": "array", "items": GOVERNANCE_HOLDER}, {"type": "string", "enum": ["unknown"]}],
        "description": "The holders, or `unknown` when they are not recorded.",
    }
)
class GovernanceHoldersField(serializers.JSONField):
    """A seat's holders in a governance file: a list, or ``unknown``."""


class GovernanceSeatSerializer(serializers.Serializer):
    board = serializers.CharField()
    label = serializers.CharField()
    role = serializers.CharField()
    selection = serializers.CharField()
    represents = serializers.CharField(required=False)
    sector = serializers.CharField(required=False)
    delegate = serializers.BooleanField()
    voting = serializers.BooleanField()
    max_holders = serializers.IntegerField(required=False)
    portfolio = serializers.CharField(required=False)
    mental_health = serializers.BooleanField(required=False)
    holders = GovernanceHoldersField()
    also_reported = GovernanceReportSerializer(many=True, required=False)


class GovernanceFileSerializer(serializers.Serializer):
    """A system's governance file (DESIGN.md), the file ``manage.py load_governance`` reads."""

    system = GovernanceSystemSerializer()
    top_board = serializers.CharField(required=False)
    organisations = GovernanceOrganisationSerializer(many=True)
    seats = GovernanceSeatSerializer(many=True)
