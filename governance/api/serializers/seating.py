"""Seats, people and appointments: read, and the writes that create and change them."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.api.serializers.fields import CodeField, FromTo, IsoDateField, NameField, OnlyKnownFields, TextField
from governance.models import Appointment, Person, Seat
from governance.reading.people import current_interlocks

LABEL_LENGTH = Seat._meta.get_field("label").max_length
LABEL_HELP = Seat._meta.get_field("label").help_text

# A seat's own fields: what a client reads beside its id and body, and what it may change.
SEAT_FIELDS = [
    "label",
    "role",
    "sector",
    "represents",
    "selection",
    "delegate",
    "voting",
    "max_holders",
    "portfolio",
    "holders_recorded",
]


class SeatSerializer(serializers.ModelSerializer):
    """A seat on a body. ``body`` and ``represents`` are organisation codes."""

    url = serializers.HyperlinkedIdentityField(view_name="api:seat-detail")
    mental_health = serializers.BooleanField(
        read_only=True,
        help_text="Its holder is the board's member with knowledge and experience of services for people with "
        "mental illness (NHS Act 2006, Schedule 1B), as its source says; set by governance files.",
    )
    body = serializers.SlugRelatedField(slug_field="code", read_only=True)
    represents = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = Seat
        fields = ["id", "url", "body", *SEAT_FIELDS, "mental_health"]


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
        fields = [
            "id",
            "person",
            "person_name",
            "seat",
            "seat_label",
            "body",
            "start",
            "end",
            "term_ends",
            "source",
            "acting",
        ]


class PersonDetailSerializer(PersonSerializer):
    """A person with every appointment they have held, latest first, and their interlocks today."""

    appointments = AppointmentSerializer(many=True, read_only=True)
    interlocks = serializers.SerializerMethodField(
        help_text="Today: seats on several bodies of one system (kind `system`, with `bodies`), at two layers of "
        "one path (`path`, with `lower` and `upper`), or in more than one system (`systems`, with `systems`: "
        "each system and the bodies there)."
    )

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "appointments", "interlocks"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_interlocks(self, obj):
        return current_interlocks(obj, timezone.localdate(), version=self.context.get("version"))


class AppointmentUpdateSerializer(OnlyKnownFields, FromTo, serializers.Serializer):
    """Fields of an appointment that may change (``PATCH``): its dates and source."""

    fixed = {"seat": "An appointment stays on its seat; end it and create another.", "person": "Cannot change."}

    start = IsoDateField(source="start", required=False, help_text="First day in the seat.")
    end = IsoDateField(source="end", required=False, allow_null=True, help_text="Last day; null while current.")
    term_ends = IsoDateField(
        required=False, allow_null=True, help_text="The day the term is due to end (not the day it ended), or null."
    )
    source = TextField(
        required=False, allow_blank=True, max_length=500, help_text="Where this is published: a link or a citation."
    )


class AppointmentCreateSerializer(AppointmentUpdateSerializer):
    """A new appointment: a person (by id, or by name as the governance file names them) in a seat from a date."""

    fixed = {}

    seat = serializers.PrimaryKeyRelatedField(queryset=Seat.objects.select_related("body"), help_text="The seat's id.")
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, help_text="The person's id; or give person_name."
    )
    person_name = NameField(
        required=False,
        max_length=200,
        help_text="The person's name: matched as the governance file matches people, created if new.",
    )
    start = IsoDateField(source="start", help_text="First day in the seat.")

    exactly_one_of = ("person", "person_name")
    exactly_one_of_message = "Give either person (an id) or person_name."


class EndAppointmentSerializer(OnlyKnownFields, serializers.Serializer):
    """When an appointment ends."""

    date = IsoDateField(required=False, help_text="Its last day, YYYY-MM-DD (default: today).")


class SeatUpdateSerializer(OnlyKnownFields, serializers.ModelSerializer):
    """Fields of a seat that may change (``PATCH``); its body never does."""

    fixed = {"body": "A seat stays on its body; create a seat on the other body instead."}

    represents = CodeField(
        required=False,
        allow_null=True,
        help_text="Code of the one organisation it speaks for (in the body's system), or null.",
    )
    max_holders = serializers.IntegerField(min_value=1, max_value=32767, required=False)
    label = NameField(required=False, max_length=LABEL_LENGTH, help_text=LABEL_HELP)

    class Meta:
        model = Seat
        fields = SEAT_FIELDS
        extra_kwargs = {name: {"required": False} for name in fields}
        validators = []  # label per body is checked by seating.update_seat, naming the body


class SeatCreateSerializer(SeatUpdateSerializer):
    """A new seat on a board, committee or ICP."""

    fixed = {}

    body = CodeField(help_text="Code of the board, committee or ICP.")
    label = NameField(max_length=LABEL_LENGTH, help_text=LABEL_HELP)

    class Meta(SeatUpdateSerializer.Meta):
        fields = ["body", *SeatUpdateSerializer.Meta.fields]
        extra_kwargs = {name: {"required": name in {"role", "selection"}} for name in fields}
