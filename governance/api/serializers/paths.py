"""The representation path (DESIGN.md), the top board's composition and a system's summary: shapes for the schema.

The views return ``governance.reading``'s and ``governance.domain.composition``'s data as it is, so the API cannot
drift from the CLI and the pages; these serializers only type it in the schema.
"""

from rest_framework import serializers

from governance.api.serializers.fields import FromTo
from governance.api.serializers.organisations import (
    OrganisationRefSerializer,
    ParentLinkSerializer,
    SystemRefSerializer,
)
from governance.domain.composition import BASES, REQUIREMENTS, STATUSES
from governance.domain.routes import ROUTES
from governance.models import Portfolio, Role, Sector, Selection
from governance.reading.graph import MEMBER_OF, REPORTS_TO, SEAT

# The representation path (DESIGN.md): ``governance.reading.paths``' dict.


class HolderSerializer(FromTo, serializers.Serializer):
    """Someone holding a seat on the path's date."""

    name = serializers.CharField()
    person_id = serializers.IntegerField()
    start = serializers.DateField(
        source="start",
        allow_null=True,
        help_text="First day in the seat; null when the source only shows them in post on `seen` (since when is "
        "not published).",
    )
    end = serializers.DateField(source="end", allow_null=True)
    seen = serializers.DateField(
        required=False, allow_null=True, help_text="The day the source shows them in post, when it says so."
    )
    source = serializers.CharField(allow_blank=True, help_text="Where the appointment is published (may be empty).")
    acting = serializers.BooleanField(help_text="True when the source names them as acting in the seat.")


class PathSeatSerializer(serializers.Serializer):
    """A seat on the path (a hop) or beside it (a sector seat of the top board)."""

    label = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False, help_text="Only on sector seats.")
    selection = serializers.ChoiceField(choices=Selection.choices)
    delegate = serializers.BooleanField()
    voting = serializers.BooleanField()
    vacant = serializers.BooleanField(
        help_text="Nobody held the seat on the date. False when its holders are not recorded (unknown is not vacant)."
    )
    holders_recorded = serializers.BooleanField(
        help_text="False when nobody knows who holds the seat: then it is neither filled nor vacant, holders is [], "
        "and a path through it is not complete."
    )
    max_holders = serializers.IntegerField()
    holders = HolderSerializer(many=True)


class LayerSerializer(serializers.Serializer):
    """One step of the path: the organisation reached, and how."""

    organisation = OrganisationRefSerializer()
    via = serializers.ChoiceField(
        choices=[MEMBER_OF, SEAT, REPORTS_TO], allow_null=True, help_text="How this layer is reached; null first."
    )
    seat = PathSeatSerializer(required=False, help_text="On seat hops: the seat that carries the organisation up.")
    parent_link = ParentLinkSerializer(
        allow_null=True,
        help_text="The dated link that placed this layer's organisation under its parent on the path's date, as "
        "the organisation's detail gives it; null for a body or an ICB.",
    )


class PathSerializer(serializers.Serializer):
    """The representation path of an organisation at a date (DESIGN.md)."""

    organisation = OrganisationRefSerializer()
    system = SystemRefSerializer(allow_null=True)
    date = serializers.DateField()
    top_board = OrganisationRefSerializer(allow_null=True)
    reaches_top = serializers.BooleanField()
    route = serializers.ChoiceField(
        choices=list(ROUTES),
        help_text="reaches: a recorded route reaches the top board; broken: the structure below the board is "
        "recorded and no route reaches it; not_recorded: nothing recorded says whether a route exists.",
    )
    complete = serializers.BooleanField(
        help_text="Reaches the top, no seat on the way is vacant and every seat on the way has its holders recorded."
    )
    distance = serializers.IntegerField(allow_null=True, help_text="Hops to the top board; null if unreachable.")
    layers = LayerSerializer(many=True)
    sector_seats = PathSeatSerializer(many=True, help_text="The top board's sector seats: beside the path, not on it.")


# The composition check (``systems/<code>/composition/``): the shape of ``governance.domain.composition``.


class RequirementSerializer(serializers.Serializer):
    """One statutory requirement of the top board, counted in places (a seat taking two holders offers two)."""

    requirement = serializers.ChoiceField(choices=[r.key for r in REQUIREMENTS])
    description = serializers.CharField()
    basis = serializers.ChoiceField(
        choices=list(BASES),
        help_text="act: the NHS Act 2006, Schedule 1B, as amended by the Health and Care Act 2022; policy: NHS "
        "England's guidance on ICB constitutions and governance.",
    )
    minimum = serializers.IntegerField()
    seats = serializers.IntegerField(help_text="Places on the board's seats that meet it.")
    filled = serializers.IntegerField(help_text="People holding them on the date.")
    vacant = serializers.IntegerField(help_text="Empty places on seats whose holders are recorded.")
    unrecorded = serializers.IntegerField(help_text="Places on seats whose holders are not recorded.")
    status = serializers.ChoiceField(
        choices=list(STATUSES),
        help_text="Decided in this order: missing (seats < minimum), vacant (filled + unrecorded < minimum), "
        "unrecorded (filled < minimum only because holders are not recorded; mental_health: also when no "
        "seat is flagged as the member with that knowledge), else met.",
    )


class CompositionSerializer(serializers.Serializer):
    """A system's top board checked against the statutory composition of an ICB board, at a date."""

    system = SystemRefSerializer()
    date = serializers.DateField()
    board = OrganisationRefSerializer(allow_null=True, help_text="The top board; null if none is recorded.")
    requirements = RequirementSerializer(many=True, help_text="Ten, in a fixed order; empty without a top board.")
    met = serializers.BooleanField(
        allow_null=True,
        help_text="True when every requirement is met; false when any is missing or vacant; null when only "
        "holders not recorded stand between the board and met (or there is no top board).",
    )


# The summary: plain data made by ``governance.reading.voice.summarise``, returned as it is. These serializers only
# type it in the schema, so that a generated client reads it as models, not as untyped objects.


class SummaryProvenanceSerializer(serializers.Serializer):
    """Where a system's governance comes from."""

    illustrative = serializers.BooleanField(help_text="The holders are invented (a demonstration).")
    source = serializers.CharField(allow_null=True, help_text="The published source of the governance, if named.")
    verified = serializers.DateField(allow_null=True, help_text="The day the source was last read, if known.")


class SummarySeatSerializer(PathSeatSerializer):
    """A general practice seat of the summary: a path seat, with its body and what it represents."""

    sector = serializers.ChoiceField(choices=Sector.choices, allow_null=True, help_text="Null unless a sector seat.")
    portfolio = serializers.ChoiceField(choices=Portfolio.choices, required=False, help_text="An executive's.")
    body = OrganisationRefSerializer()
    represents = OrganisationRefSerializer(allow_null=True)


class SummaryLayerSerializer(serializers.Serializer):
    """One layer of bodies (their distance from the top board; null: not connected to it) and its GP seats."""

    layer = serializers.IntegerField(allow_null=True)
    bodies = OrganisationRefSerializer(many=True)
    gp_seats = SummarySeatSerializer(many=True)
    seats = serializers.IntegerField(help_text="Places on the layer's general practice seats.")
    filled = serializers.IntegerField()
    vacant = serializers.IntegerField()
    unrecorded = serializers.IntegerField()
    elected = serializers.IntegerField()
    delegate = serializers.IntegerField()
    voting = serializers.IntegerField()
    holders = serializers.IntegerField()


class SummaryRoutesSerializer(serializers.Serializer):
    """Practices counted by route."""

    reaches = serializers.IntegerField()
    broken = serializers.IntegerField()
    not_recorded = serializers.IntegerField()


class SummaryPracticesSerializer(serializers.Serializer):
    """The system's practices and their routes to the top board."""

    total = serializers.IntegerField()
    reaching_top = serializers.IntegerField()
    complete = serializers.IntegerField()
    share_reaching_top = serializers.FloatField(
        allow_null=True, help_text="Over the practices whose route is recorded; null without a top board."
    )
    share_complete = serializers.FloatField(allow_null=True)
    median_distance = serializers.FloatField(allow_null=True)
    routes = SummaryRoutesSerializer()
    recorded = serializers.IntegerField(help_text="Practices whose route is recorded (reaches or broken).")


class SummaryPlaceSerializer(serializers.Serializer):
    """A place's PCNs and practices, and their routes."""

    organisation = OrganisationRefSerializer()
    pcns = serializers.IntegerField()
    practices = serializers.IntegerField()
    reaching_top = serializers.IntegerField()
    complete = serializers.IntegerField()
    broken = serializers.IntegerField()
    not_recorded = serializers.IntegerField()


class SummaryPointSerializer(serializers.Serializer):
    """Where routes break (or are not recorded), and for how many practices."""

    organisation = OrganisationRefSerializer()
    practices = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    """The voice of general practice in a system, at a date (``governance.reading.voice.summarise``)."""

    system = SystemRefSerializer(allow_null=True)
    date = serializers.DateField()
    top_board = OrganisationRefSerializer(allow_null=True)
    governance_recorded = serializers.BooleanField()
    provenance = SummaryProvenanceSerializer()
    layers = SummaryLayerSerializer(many=True)
    top_board_gp_seats = serializers.IntegerField()
    vacant_seats = serializers.IntegerField()
    unrecorded_seats = serializers.IntegerField()
    practices = SummaryPracticesSerializer()
    places = SummaryPlaceSerializer(many=True)
    breaks = SummaryPointSerializer(many=True)
    unrecorded = SummaryPointSerializer(many=True)
