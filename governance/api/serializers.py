"""Serializers: thin views of the models, plus the documented shape of the representation path.

Appointments say ``from``/``to`` (as the path's holders and the governance file
do), which Python cannot name as attributes; ``FromTo`` renames the fields.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.domain import dates
from governance.domain.composition import BASES, REQUIREMENTS, STATUSES
from governance.domain.dates import BadDate, parse_date
from governance.domain.england import Structure
from governance.domain.lookups import can_match
from governance.domain.routes import ROUTES
from governance.models import (
    COVERED_KINDS,
    Appointment,
    Kind,
    Organisation,
    Person,
    Portfolio,
    Relation,
    Role,
    Seat,
    Sector,
    Selection,
    SuccessionType,
    code_problem,
    validate_name,
)
from governance.reading import as_of, clusters, lmc, memberships, successions
from governance.reading.paths import MEMBER_OF, REPORTS_TO, SEAT
from governance.reading.people import current_interlocks
from governance.reading.structure import ancestors, child_counts
from governance.reading.timeline import KINDS as TIMELINE_KINDS


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


class ParentLinkSerializer(serializers.Serializer):
    """The dated link that placed an organisation under its parent on the date (``memberships.parent_link_of``):
    API detail's ``parent_link`` and every path layer's."""

    parent = OrganisationRefSerializer()
    relation = serializers.ChoiceField(choices=Relation.choices)
    start = serializers.DateField(allow_null=True, help_text="Its first day; null: since before the records begin.")
    start_exact = serializers.BooleanField(
        help_text="False when the start is only the day a snapshot first showed it (it began on or before then)."
    )
    earliest_start = serializers.DateField(
        allow_null=True,
        help_text="When the start is not exact: the earliest day it can have begun (the day after the data date "
        "of the file that showed the link before it); else null.",
    )
    end = serializers.DateField(allow_null=True, help_text="Its last day; null: open-ended.")
    end_exact = serializers.BooleanField(help_text="False when it ended on or before its end (seen in a snapshot).")
    source = serializers.CharField(allow_blank=True, help_text="The file it was read from.")
    basis = serializers.ChoiceField(
        choices=list(memberships.BASIS_WORDS), help_text="ods: the publisher's word; icsmap: icsmap's own division."
    )
    basis_words = serializers.CharField()


class LmcRefSerializer(serializers.Serializer):
    """A local medical committee named in passing: code, name."""

    code = serializers.CharField()
    name = serializers.CharField()


class AsOf:
    """Where an organisation sat on the answer's date, from the context's ``structure`` and ``date``.

    The views put England's structure (``governance.reading.as_of``) and the date asked (default
    today) in the serializer's context; an organisation closed by then is shown where it was on
    its last day (``Structure.placed_on``). No query per organisation.
    """

    def structure(self, obj) -> Structure:
        """The context's structure; read afresh if ``obj`` was written since (its data version not yet seen here)."""
        if obj.pk not in self.context["structure"].units:
            self.context["structure"] = as_of.england()
        return self.context["structure"]

    def placed(self, obj) -> tuple[int | None, int | None]:
        return self.structure(obj).placed_on(obj.pk, self.context["date"])

    def code_of(self, pk: int | None) -> str | None:
        return None if pk is None else self.context["structure"].units[pk].code


class OrganisationSerializer(AsOf, serializers.ModelSerializer):
    """An organisation in a list. ``parent`` and ``system`` are codes, as of the date asked (default today)."""

    url = serializers.HyperlinkedIdentityField(view_name="api:organisation-detail", lookup_field="code")
    parent = serializers.SerializerMethodField(help_text="Code of the parent on the date (null for an ICB).")
    system = serializers.SerializerMethodField(
        help_text="Code of the system (ICB) it was in on the date; null when in none that day."
    )

    class Meta:
        model = Organisation
        fields = ["code", "name", "kind", "parent", "system", "opened", "closed", "postcode", "url"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_parent(self, obj):
        return self.code_of(self.placed(obj)[0])

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_system(self, obj):
        return self.code_of(self.placed(obj)[1])


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


class SuccessionSerializer(serializers.Serializer):
    """The other side of a succession: who, on which day (the successor's first), and how."""

    code = serializers.CharField()
    name = serializers.CharField()
    date = serializers.DateField(help_text="The first day of the successor's responsibility.")
    type = serializers.ChoiceField(choices=SuccessionType.choices)


class ClusterSerializer(serializers.Serializer):
    """An ICB's cluster of ICBs on the date (2025–27: ICBs sharing a chair, a chief executive or a board)."""

    name = serializers.CharField()
    start = serializers.DateField(
        allow_null=True, help_text="Since when; null when its source only shows it on `seen`."
    )
    seen = serializers.DateField(
        allow_null=True, help_text="The day its source shows the cluster, if no start is published."
    )
    end = serializers.DateField(allow_null=True)
    source = serializers.CharField(help_text="Where the cluster is published.")
    others = OrganisationRefSerializer(many=True, help_text="The other ICBs of the cluster on the date (code, name).")

    def get_fields(self):
        return {{"start": "from", "end": "to"}.get(name, name): field for name, field in super().get_fields().items()}


class OrganisationDetailSerializer(OrganisationSerializer):
    """One organisation, with where it sits, what is under it, (for a body) its seats, and who succeeded whom;
    its place and children as of the date."""

    ancestors = serializers.SerializerMethodField(help_text="From the system's root down to the parent, on the date.")
    child_counts = serializers.SerializerMethodField(
        help_text="Number of direct children of each kind on the date (with those closed by then whose last "
        "parent it was)."
    )
    seats = serializers.SerializerMethodField(help_text="The seats on this body (empty for a unit).")
    covers = serializers.SerializerMethodField(
        help_text="An LMC's coverage: the places, PCNs and practices it covers (empty for anything else)."
    )
    lmcs = serializers.SerializerMethodField(
        help_text="The local medical committees, of any system, whose footprint includes it on the date (a "
        "practice, PCN or place; empty for anything else)."
    )
    successors = serializers.SerializerMethodField(
        help_text="Those that took over from it (a closed ICB's successors), by date then name; empty if none."
    )
    predecessors = serializers.SerializerMethodField(
        help_text="Those it took over from, wholly (merger) or in part (split, acquisition), by date then name."
    )
    clusters = serializers.SerializerMethodField(
        help_text="An ICB's clusters of ICBs on the date, each with its source (empty for anything else)."
    )
    name = serializers.SerializerMethodField(help_text="Its name on the date (names are dated facts).")
    names = serializers.SerializerMethodField(
        help_text="Every name it bore, earliest first: name, from, to (null: open-ended), source."
    )
    parent_link = serializers.SerializerMethodField(
        help_text="The dated link that placed it under its parent on the date: parent, relation, start, start_exact, "
        "earliest_start (when the start is only where a snapshot first showed it), end, end_exact, source and "
        "basis (ods: the publisher's word; icsmap: icsmap's own division). Null for an ICB or a body."
    )
    registered_patients = serializers.SerializerMethodField(
        help_text="A PCN's, sub-ICB location's or ICB's registered patients: count, date (the extract's), source; "
        "an ICB also gives its region's as region_registered_patients. Null when not published."
    )
    region_registered_patients = serializers.SerializerMethodField(
        help_text="An ICB's NHS England region's registered patients (count, date, source); null otherwise."
    )

    class Meta(OrganisationSerializer.Meta):
        fields = [
            *OrganisationSerializer.Meta.fields,
            "ancestors",
            "child_counts",
            "seats",
            "covers",
            "lmcs",
            "successors",
            "predecessors",
            "clusters",
            "names",
            "parent_link",
            "registered_patients",
            "region_registered_patients",
        ]

    def _facts(self, obj) -> dict:
        """Its names, its ancestors named as of the date and its parent link (``memberships.page_facts``), once."""
        if getattr(self, "_facts_of", (None,))[0] != obj.pk:
            structure, date = self.structure(obj), self.context["date"]
            found = ancestors(obj, date, structure=structure)
            self._facts_of = (obj.pk, memberships.page_facts(obj, date, found, structure=structure, changes=False))
        return self._facts_of[1]

    def get_name(self, obj) -> str:
        return self._facts(obj)["name"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_names(self, obj):
        return self._facts(obj)["names"]

    @extend_schema_field(ParentLinkSerializer(allow_null=True))
    def get_parent_link(self, obj):
        return self._facts(obj)["parent_link"]

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_registered_patients(self, obj):
        return memberships.registered_patients(obj) if obj.kind in memberships.PATIENT_KINDS else None

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_region_registered_patients(self, obj):
        return memberships.region_patients(obj.region) if obj.kind == Kind.ICB and obj.region else None

    @extend_schema_field(ClusterSerializer(many=True))
    def get_clusters(self, obj):
        return clusters.clusters_of(obj, self.context["date"])

    def _lineage(self, obj) -> dict:
        """Both sides of ``obj``'s successions, read once (one query) for the two fields."""
        if getattr(self, "_lineage_of", (None,))[0] != obj.pk:
            self._lineage_of = (obj.pk, successions.lineage(obj))
        return self._lineage_of[1]

    @extend_schema_field(SuccessionSerializer(many=True))
    def get_successors(self, obj):
        return SuccessionSerializer(self._lineage(obj)["successors"], many=True).data

    @extend_schema_field(SuccessionSerializer(many=True))
    def get_predecessors(self, obj):
        return SuccessionSerializer(self._lineage(obj)["predecessors"], many=True).data

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_ancestors(self, obj):
        return self._facts(obj)["ancestors"]

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_child_counts(self, obj):
        counts = child_counts(obj, self.context["date"], structure=self.structure(obj))
        return {count["kind"]: count["n"] for count in counts}

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_covers(self, obj):
        return lmc.covers(obj)

    @extend_schema_field(LmcRefSerializer(many=True))
    def get_lmcs(self, obj):
        if obj.kind not in COVERED_KINDS:
            return []
        return lmc.lmcs_of(obj, self.context["date"], structure=self.structure(obj))

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
        fields = ["id", "person", "person_name", "seat", "seat_label", "body", "start", "end", "term_ends", "source"]


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


# The representation path (DESIGN.md). These serializers only document the
# shape in the schema: the views return governance.reading.paths' dict as it is, so the
# API cannot drift from the CLI and the pages.


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


# Writes. Each request has its own serializer: what may be sent, checked field by field
# (400 naming the field); the governance rules run in ``governance.domain.seating`` under the write's locks.


class IsoDateField(serializers.DateField):
    """A date written exactly YYYY-MM-DD (as query parameters and governance files write them), in the range.

    The range is the domain's (``governance.domain.dates``): every writer refuses the same days.
    """

    EARLIEST, LATEST = dates.EARLIEST, dates.LATEST
    default_error_messages = {"range": "Give a date from {earliest} to {latest}."}

    def to_internal_value(self, value):
        if isinstance(value, str):
            try:
                day = parse_date(value.strip())
            except BadDate:
                pass
            else:
                if not self.EARLIEST <= day <= self.LATEST:
                    self.fail("range", earliest=self.EARLIEST, latest=self.LATEST)
                return day
        self.fail("invalid", format="YYYY-MM-DD")


# Sent by HTML forms (the browsable API), never data.
IGNORED_KEYS = {"csrfmiddlewaretoken"}


class CodeField(serializers.SlugRelatedField):
    """An organisation given by its code, with the messages the query parameters use."""

    default_error_messages = {
        "does_not_exist": "No organisation has the code '{value}'.",
        "invalid": "Not an organisation code.",
    }

    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Organisation.objects.all(), **kwargs)

    def to_internal_value(self, data):
        if not can_match(data):
            self.fail("invalid")
        problem = code_problem(data)  # no organisation can have it: say why rather than "not found"
        if problem:
            raise serializers.ValidationError(problem, code="invalid")
        return super().to_internal_value(data)


class OnlyKnownFields:
    """Refuse keys the request may not set, rather than ignore them silently."""

    fixed: dict[str, str] = {}  # key -> why it cannot be sent

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, f in self.fields.items() if not f.read_only}
            unknown = {
                key: [self.fixed.get(key, "Unknown field.")]
                for key in data
                if key not in writable and key not in IGNORED_KEYS
            }
            if unknown:
                raise serializers.ValidationError(unknown)
        return super().to_internal_value(data)


class AppointmentUpdateSerializer(OnlyKnownFields, FromTo, serializers.Serializer):
    """Fields of an appointment that may change (``PATCH``): its dates and source."""

    fixed = {"seat": "An appointment stays on its seat; end it and create another.", "person": "Cannot change."}

    start = IsoDateField(source="start", required=False, help_text="First day in the seat.")
    end = IsoDateField(source="end", required=False, allow_null=True, help_text="Last day; null while current.")
    term_ends = IsoDateField(
        required=False, allow_null=True, help_text="The day the term is due to end (not the day it ended), or null."
    )
    source = serializers.CharField(
        required=False, allow_blank=True, max_length=500, help_text="Where this is published: a link or a citation."
    )


class AppointmentCreateSerializer(AppointmentUpdateSerializer):
    """A new appointment: a person (by id, or by name as the governance file names them) in a seat from a date."""

    fixed = {}

    seat = serializers.PrimaryKeyRelatedField(queryset=Seat.objects.select_related("body"), help_text="The seat's id.")
    person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), required=False, help_text="The person's id; or give person_name."
    )
    person_name = serializers.CharField(
        required=False,
        max_length=200,
        validators=[validate_name],
        help_text="The person's name: matched as the governance file matches people, created if new.",
    )
    start = IsoDateField(source="start", help_text="First day in the seat.")

    def validate(self, attrs):
        if ("person" in attrs) == ("person_name" in attrs):
            raise serializers.ValidationError({"person": ["Give either person (an id) or person_name."]})
        return attrs


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

    class Meta:
        model = Seat
        fields = SEAT_FIELDS
        extra_kwargs = {name: {"required": False} for name in fields} | {
            "label": {"required": False, "validators": [validate_name]}
        }
        validators = []  # label per body is checked by seating.update_seat, naming the body


class SeatCreateSerializer(SeatUpdateSerializer):
    """A new seat on a board, committee or ICP."""

    fixed = {}

    body = CodeField(help_text="Code of the board, committee or ICP.")

    class Meta(SeatUpdateSerializer.Meta):
        fields = ["body", *SeatUpdateSerializer.Meta.fields]
        extra_kwargs = {name: {"required": name in {"label", "role", "selection"}} for name in fields} | {
            "label": {"required": True, "validators": [validate_name]}
        }


class MoveSerializer(OnlyKnownFields, serializers.Serializer):
    """Where an organisation moves: under ``parent`` (it and everything under it)."""

    parent = CodeField(help_text="Code of the new parent.")


# The changes feed (``changes/?since=``): the shape of ``governance.domain.history.changes_since``, for the schema.


class FieldChangeSerializer(FromTo, serializers.Serializer):
    """One field's value before and after (organisations by code; dates as YYYY-MM-DD)."""

    start = serializers.JSONField(allow_null=True, help_text="The value before (null on creation).")
    end = serializers.JSONField(allow_null=True, help_text="The value after.")


class ChangeSerializer(serializers.Serializer):
    """One change to one object, named by the keys the governance file uses."""

    model = serializers.ChoiceField(choices=["organisation", "seat", "person", "appointment"])
    id = serializers.IntegerField(help_text="The object's id (it may have been deleted since).")
    key = serializers.DictField(
        help_text="As the governance file names it: organisation `code`; seat `board`, `label`; person `name`; "
        "appointment `board`, `label`, `name`, `from`."
    )
    change = serializers.ChoiceField(choices=["created", "changed", "deleted"])
    time = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True, help_text="Who made it (username), if known.")
    reason = serializers.CharField(allow_null=True, help_text="e.g. `ODS import`.")
    changed_fields = serializers.ListField(child=serializers.CharField())
    changes = serializers.DictField(child=FieldChangeSerializer(), help_text="By field name.")


class ChangesSerializer(serializers.Serializer):
    """A batch of changes, oldest first; continue with ``since=<until>`` while ``truncated``."""

    since = serializers.DateTimeField()
    until = serializers.DateTimeField(
        help_text="The time of the last change returned (or `since` if none): the next request's `since`."
    )
    count = serializers.IntegerField()
    truncated = serializers.BooleanField(help_text="More changes follow: ask again from `until`.")
    results = ChangeSerializer(many=True)


# The timeline (``systems/<code>/timeline/``): the shape of ``governance.reading.timeline``, for the schema.


class TimelineSeatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()


class TimelinePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TimelineEventSerializer(FromTo, serializers.Serializer):
    """One change, on the day it took effect; the fields after ``organisation`` come with some kinds only."""

    date = serializers.DateField(help_text="The day it took effect (for an ending: the first day without).")
    kind = serializers.ChoiceField(choices=list(TIMELINE_KINDS))
    text = serializers.CharField(help_text="The change in one sentence, for people.")
    organisation = OrganisationRefSerializer(
        help_text="What changed: the unit; the body of an appointment's seat; the system's side of a succession."
    )
    parent = OrganisationRefSerializer(
        required=False, allow_null=True, help_text="opened, closed: its parent that day (the last day, if closed)."
    )
    includes = serializers.DictField(
        child=serializers.IntegerField(),
        required=False,
        help_text="opened, closed, joined, left: what opened, closed or moved with it, counted by kind.",
    )
    start = OrganisationRefSerializer(
        required=False, allow_null=True, help_text="joined, left, moved, pcn_*: its parent the day before."
    )
    end = OrganisationRefSerializer(
        required=False, allow_null=True, help_text="joined, left, moved, pcn_*: its parent on the day."
    )
    from_system = SystemRefSerializer(
        required=False, allow_null=True, help_text="joined, pcn_move: the system it came from (null: none)."
    )
    to_system = SystemRefSerializer(
        required=False, allow_null=True, help_text="left, pcn_move: the system it went to (null: none)."
    )
    predecessor = OrganisationRefSerializer(required=False, help_text="succession: the one that closed or gave way.")
    successor = OrganisationRefSerializer(required=False, help_text="succession: the one that took over.")
    type = serializers.ChoiceField(choices=SuccessionType.choices, required=False, help_text="succession")
    seat = TimelineSeatSerializer(required=False, help_text="appointment_started, appointment_seen, appointment_ended")
    person = TimelinePersonSerializer(
        required=False, help_text="appointment_started, appointment_seen, appointment_ended"
    )
    source = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="appointment_seen: the source that shows the holder in post that day (they may have begun "
        "earlier: an appointment known only by the day it was seen is not an appointment that day).",
    )
    last_day = serializers.DateField(required=False, help_text="closed, appointment_ended: the last day.")
    vacant = serializers.BooleanField(
        required=False, help_text="appointment_ended: nobody held the seat on the event's day."
    )


class TimelineSerializer(FromTo, serializers.Serializer):
    """What changed in a system from one date to another (both included), in date order."""

    system = SystemRefSerializer()
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField(), help_text="How many of each kind.")
    events = TimelineEventSerializer(many=True)


# The exports and the summary: plain data made by ``governance.reading`` (``voice.summarise``,
# ``export.popolo``, ``export.governance_file``), returned as they are. These serializers only type
# them in the schema, so that a generated client reads them as models, not as untyped objects.
# Keys the data leaves out when empty are ``required=False``.


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


class GovernanceSystemSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    region = serializers.CharField(required=False)
    source = serializers.CharField(required=False)
    verified = serializers.DateField(required=False)
    illustrative = serializers.BooleanField(required=False)
    routes = serializers.CharField(required=False, help_text="recorded | not recorded")


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


_DATE = {"type": "string", "format": "date"}
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


class GovernanceFileSerializer(serializers.Serializer):
    """A system's governance file (DESIGN.md), the file ``manage.py load_governance`` reads."""

    system = GovernanceSystemSerializer()
    top_board = serializers.CharField(required=False)
    organisations = GovernanceOrganisationSerializer(many=True)
    seats = GovernanceSeatSerializer(many=True)
