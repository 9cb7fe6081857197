"""Serializers: thin views of the models, plus the documented shape of the representation path.

Appointments say ``from``/``to`` (as the path's holders and the governance file
do), which Python cannot name as attributes; ``FromTo`` renames the fields.
"""

from django.db.models import Count
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.models import Appointment, Kind, Organisation, Person, Role, Seat, Sector, Selection
from governance.paths import MEMBER_OF, REPORTS_TO, SEAT


class FromTo:
    """Expose the ``start``/``end`` fields as ``from``/``to``, keeping their place."""

    RENAMES = {"start": "from", "end": "to"}

    def get_fields(self):
        return {self.RENAMES.get(name, name): field for name, field in super().get_fields().items()}


class OrganisationRefSerializer(serializers.Serializer):
    """An organisation named in passing: code, name, kind."""

    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)


class OrganisationSerializer(serializers.ModelSerializer):
    """An organisation in a list. ``parent`` and ``system`` are codes."""

    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail", lookup_field="code")
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, help_text="Code of the parent.")
    system = serializers.CharField(
        source="system_code", read_only=True, allow_null=True, help_text="Code of the system's root (its ICB)."
    )

    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "parent", "system", "opened", "closed", "postcode", "url"]


class SeatSerializer(serializers.ModelSerializer):
    """A seat on a body. ``body`` and ``represents`` are organisation codes."""

    url = serializers.HyperlinkedIdentityField(view_name="api:seat-detail")
    body = serializers.SlugRelatedField(slug_field="code", read_only=True)
    represents = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Seat
        fields = [
            "id",
            "url",
            "body",
            "label",
            "role",
            "sector",
            "represents",
            "selection",
            "delegate",
            "voting",
            "max_holders",
        ]


class OrganisationDetailSerializer(OrganisationSerializer):
    """One organisation, with where it sits, what is under it and (for a body) its seats."""

    ancestors = serializers.SerializerMethodField(help_text="From the system's root down to the parent.")
    child_counts = serializers.SerializerMethodField(help_text="Number of direct children of each kind.")
    seats = serializers.SerializerMethodField(help_text="The seats on this body (empty for a unit).")

    class Meta(OrganisationSerializer.Meta):
        fields = [*OrganisationSerializer.Meta.fields, "ancestors", "child_counts", "seats"]

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_ancestors(self, obj):
        return list(obj.get_ancestors().values("code", "name", "kind"))

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_child_counts(self, obj):
        counts = Organisation.objects.filter(parent=obj).order_by().values_list("kind").annotate(n=Count("pk"))
        return dict(sorted(counts))

    @extend_schema_field(SeatSerializer(many=True))
    def get_seats(self, obj):
        if not obj.is_body:
            return []
        seats = obj.seats.select_related("body", "represents")
        return SeatSerializer(seats, many=True, context=self.context).data


class PersonSerializer(serializers.ModelSerializer):
    """Someone who holds or held a seat (public-office facts only)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:person-detail")

    class Meta:
        model = Person
        fields = ["id", "url", "name", "profession", "organisation"]


class AppointmentSerializer(FromTo, serializers.ModelSerializer):
    """A person in a seat from a date, to an optional end date (inclusive)."""

    person_name = serializers.CharField(source="person.name", read_only=True)
    seat_label = serializers.CharField(source="seat.label", read_only=True)
    body = serializers.CharField(source="seat.body.code", read_only=True, help_text="Code of the seat's body.")
    start = serializers.DateField(source="start", read_only=True, help_text="First day in the seat.")
    end = serializers.DateField(source="end", read_only=True, allow_null=True, help_text="Last day; null if current.")

    class Meta:
        model = Appointment
        fields = ["id", "person", "person_name", "seat", "seat_label", "body", "start", "end", "source"]


class PersonDetailSerializer(PersonSerializer):
    """A person with every appointment they have held, latest first."""

    appointments = AppointmentSerializer(many=True, read_only=True)

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "appointments"]


# The representation path (DESIGN.md). These serializers only document the
# shape in the schema: the views return governance.paths' dict as it is, so the
# API cannot drift from the CLI and the pages.


class HolderSerializer(FromTo, serializers.Serializer):
    """Someone holding a seat on the path's date."""

    name = serializers.CharField()
    person_id = serializers.IntegerField()
    start = serializers.DateField(source="start")
    end = serializers.DateField(source="end", allow_null=True)


class PathSeatSerializer(serializers.Serializer):
    """A seat on the path (a hop) or beside it (a sector seat of the top board)."""

    label = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    sector = serializers.ChoiceField(choices=Sector.choices, required=False, help_text="Only on sector seats.")
    selection = serializers.ChoiceField(choices=Selection.choices)
    delegate = serializers.BooleanField()
    voting = serializers.BooleanField()
    vacant = serializers.BooleanField(help_text="Nobody held the seat on the date.")
    max_holders = serializers.IntegerField()
    holders = HolderSerializer(many=True)


class LayerSerializer(serializers.Serializer):
    """One step of the path: the organisation reached, and how."""

    organisation = OrganisationRefSerializer()
    via = serializers.ChoiceField(
        choices=[MEMBER_OF, SEAT, REPORTS_TO], allow_null=True, help_text="How this layer is reached; null first."
    )
    seat = PathSeatSerializer(required=False, help_text="On seat hops: the seat that carries the organisation up.")


class SystemRefSerializer(serializers.Serializer):
    """A system, named by its ICB."""

    code = serializers.CharField()
    name = serializers.CharField()


class PathSerializer(serializers.Serializer):
    """The representation path of an organisation at a date (DESIGN.md)."""

    organisation = OrganisationRefSerializer()
    system = SystemRefSerializer(allow_null=True)
    date = serializers.DateField()
    top_board = OrganisationRefSerializer(allow_null=True)
    reaches_top = serializers.BooleanField()
    complete = serializers.BooleanField(help_text="Reaches the top and no seat on the way is vacant.")
    distance = serializers.IntegerField(allow_null=True, help_text="Hops to the top board; null if unreachable.")
    layers = LayerSerializer(many=True)
    sector_seats = PathSeatSerializer(many=True, help_text="The top board's sector seats: beside the path, not on it.")
