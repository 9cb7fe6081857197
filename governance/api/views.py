"""API views. Thin: filtering is in ``filters``, shapes in ``serializers``, paths in
``governance.reading.paths``, writes in ``governance.domain.seating`` and ``governance.domain.tree``, who may
write in ``access``, exports in ``governance.reading.export``, and HTTP caching in ``caching``.
"""

import datetime

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param

from governance.api import access, filters, params, serializers
from governance.api.caching import ApiView
from governance.api.errors import (
    FORBIDDEN,
    NOT_FOUND,
    NOT_FOUND_ID,
    UNAUTHENTICATED,
    UNSUPPORTED_BODY,
    bad_parameters,
    refused,
)
from governance.api.pagination import Pagination
from governance.api.renderers import CSVRenderer, YAMLRenderer, flat_table, path_table
from governance.domain import composition, history, rules, seating, tree
from governance.domain.dates import BadDate
from governance.domain.lookups import can_match
from governance.governance_file.write import governance_file
from governance.models import Appointment, Kind, Organisation, Person, Seat
from governance.reading import as_of, popolo, system_rows, voice
from governance.reading import timeline as timelines
from governance.reading.paths import (
    cached_graph,
    outside_systems,
    representation_path,
    representation_paths,
    system_not_open,
)

DATE_PARAMETER = OpenApiParameter(
    "date", OpenApiTypes.DATE, description="As-of date, YYYY-MM-DD (default: today).", required=False
)
BAD_DATE = ("date", str(BadDate("2023-02-30")))
AS_IT_STOOD = OpenApiParameter(
    "date", OpenApiTypes.DATE, description="The system as it stood on this day, YYYY-MM-DD (default: all of it).",
    required=False,
)  # fmt: skip
WITH_CSV = [*api_settings.DEFAULT_RENDERER_CLASSES, CSVRenderer]
EVERY_ROW = "`?format=csv` gives every row as CSV (never paginated: `pandas.read_csv(url)` reads the whole list)."
# Responses every write may give besides its own.
WRITE_ERRORS = {401: UNAUTHENTICATED, 403: FORBIDDEN, 415: UNSUPPORTED_BODY}


def organisations():
    """Organisations by code (their parent and system, as of the date, come from England's structure)."""
    return Organisation.objects.order_by("code")


class CsvListsMixin(ApiView):
    """``?format=csv`` on the list actions (and those in ``csv_actions``); other actions answer JSON only."""

    csv_actions = ("list",)

    def get_renderers(self):
        renderers = super().get_renderers()
        # OPTIONS ("metadata") answers JSON whatever the format (ApiView.finalize_response); it
        # keeps the CSV renderer so that ?format=csv on it is not a 404.
        if getattr(self, "action", None) in (*self.csv_actions, "metadata"):
            return renderers
        return [renderer for renderer in renderers if not isinstance(renderer, CSVRenderer)]

    def csv_table(self, data):
        columns, rows = flat_table(data, list(self.get_serializer().fields))
        for row in rows:
            # DRF keeps ?format= in the links it makes; an item's own URL has no CSV form.
            if row.get("url"):
                row["url"] = remove_query_param(row["url"], api_settings.URL_FORMAT_OVERRIDE)
        return columns, rows


@extend_schema_view(
    list=extend_schema(
        summary="Organisations, filtered and paginated",
        description=EVERY_ROW,
        responses={
            200: serializers.OrganisationSerializer(many=True),
            400: bad_parameters(("active_on", str(BadDate("soon"))), ("system", "No system (ICB) has the code 'X'.")),
        },
    ),
    retrieve=extend_schema(
        summary="One organisation: ancestors, child counts, (for a body) seats, successors and predecessors",
        description="`parent`, `system`, `ancestors` and `child_counts` are those of `date` (default today): the "
        "structure as it stood that day; an organisation closed by then is shown where it was on its last day. "
        "`successors` and `predecessors` are `[{code, name, date, type}]`: a closed ICB names those "
        "that took over from it, a new ICB those it took over from (`type`: merger, split or acquisition; "
        "`date`: the successor's first day).",
        parameters=[DATE_PARAMETER],
        responses={200: serializers.OrganisationDetailSerializer, 400: bad_parameters(BAD_DATE), 404: NOT_FOUND},
    ),
)
class OrganisationViewSet(CsvListsMixin, viewsets.ReadOnlyModelViewSet):
    """Organisations of every system, looked up by code (ODS code, or a slug such as ``qop-board``)."""

    queryset = organisations()
    serializer_class = serializers.OrganisationSerializer
    pagination_class = Pagination
    filterset_class = filters.OrganisationFilter
    permission_classes = access.READ_OR_EDIT
    renderer_classes = WITH_CSV
    csv_actions = ("list", "children", "path")
    lookup_field = "code"
    lookup_value_regex = "[^/]+"  # slugs and codes; dots allowed, format suffixes are off

    def get_serializer_class(self):
        if self.action in ("retrieve", "move"):
            return serializers.OrganisationDetailSerializer
        return super().get_serializer_class()

    def get_serializer_context(self):
        """Where organisations sat on the date asked: England's structure and that date (``serializers.AsOf``)."""
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or self.request is None:
            return context
        if self.action == "move":  # the tree just written: read afresh, as of today
            context.update(structure=as_of.england(), date=timezone.localdate())
        elif self.action == "retrieve":
            context.update(structure=as_of.england(self._version()), date=params.as_of(self.request))
        elif self.action in ("list", "children"):
            date = params.optional_date(self.request, "active_on") or timezone.localdate()
            context.update(structure=as_of.england(self._version()), date=date)
        return context

    def filter_queryset(self, queryset):
        # List filters select what to list; they must not hide the one organisation asked for by code.
        if self.action in ("retrieve", "move"):
            return queryset
        return super().filter_queryset(queryset)

    def csv_table(self, data):
        return path_table(data) if self.action == "path" else super().csv_table(data)

    def get_csv_filename(self) -> str:
        code = self.kwargs.get("code")
        if self.action == "path":
            return f"{code}-path-{params.as_of(self.request)}.csv"
        return f"{code}-children.csv" if self.action == "children" else "organisations.csv"

    @extend_schema(
        summary="Direct children of an organisation, filtered and paginated",
        responses={200: serializers.OrganisationSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True)
    def children(self, request, code=None):
        parent = generics.get_object_or_404(Organisation.objects.only("pk"), code=code)
        listed = self.filter_queryset(self.get_queryset())  # checks the filters first
        date = params.optional_date(request, "active_on")
        page = self.paginate_queryset(listed.filter(filters.children_of(parent, date, filters.structure_of(request))))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="The representation path from this organisation to its system's top board",
        description="Exactly the JSON of DESIGN.md (and of `manage.py representation_path --json`). "
        "`?format=csv` gives one row per layer, with the seat of each seat hop in `seat_*` columns.",
        parameters=[DATE_PARAMETER],
        responses={200: serializers.PathSerializer, 400: bad_parameters(BAD_DATE), 404: NOT_FOUND},
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def path(self, request, code=None):
        if not can_match(code):
            raise NotFound("No organisation has that code.")
        # Unknown or closed organisations raise PathError, which errors.exception_handler makes a 404.
        return Response(representation_path(code, params.as_of(request), version=self._version()))

    @extend_schema(
        summary="Move an organisation (and everything under it) under another parent",
        description="Through the tree service and its lock, with the same placement and cycle rules as the admin "
        "and the governance file loader. Both the organisation and the new parent must be in a system you edit; "
        "moves stay within a system.",
        request=serializers.MoveSerializer,
        responses={
            200: serializers.OrganisationDetailSerializer,
            400: refused(("parent", "A place is a unit and cannot sit under a board: bodies sit under units.")),
            **WRITE_ERRORS,
            404: NOT_FOUND_ID,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None, renderer_classes=[JSONRenderer])
    def move(self, request, code=None):
        org = self.get_object()
        access.require_edit(request.user, org)
        incoming = serializers.MoveSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        parent = incoming.validated_data["parent"]
        access.require_edit(request.user, parent)
        with rules.about("parent"):
            rules.check_move_within_system(org, parent)
            moved = tree.move_organisation(org, parent)
        return Response(self.get_serializer(organisations().get(pk=moved.pk)).data)


class PathListView(ApiView, generics.GenericAPIView):
    """The paths of many organisations at one date: ``?codes=A,B,C`` or ``?system=QOP[&kind=practice]``."""

    queryset = Organisation.objects.none()  # for the schema; organisations are chosen by the parameters
    serializer_class = serializers.PathSerializer
    pagination_class = Pagination
    filter_backends = []
    renderer_classes = WITH_CSV
    csv_filename = "paths.csv"

    def csv_table(self, data):
        return path_table(data)

    @extend_schema(
        summary="Many representation paths at once (each system's graph loaded once)",
        description="Give either `codes` or `system`. Results come in the order of `codes`, or by code for a system. "
        "`?format=csv` gives one row per layer of every path (never paginated).",
        parameters=[
            OpenApiParameter("codes", str, description="Comma-separated organisation codes (at most 500)."),
            OpenApiParameter(
                "system", str, description="ICB code: every organisation of that system open at the date."
            ),
            OpenApiParameter("kind", str, enum=Kind.values, description="With system: only this kind."),
            DATE_PARAMETER,
        ],
        responses={
            200: serializers.PathSerializer(many=True),
            400: bad_parameters(
                ("codes", "No organisation has the code 'X99999'."),
                (
                    "system",
                    "NHS Mid and South Essex ICB (QH8) was not open on 2026-05-01: the system existed "
                    "from 1 July 2022 to 31 March 2026.",
                ),
                BAD_DATE,
            ),
        },
    )
    def get(self, request):
        date = params.as_of(request)
        query = request.query_params
        if "codes" in query and "system" in query:
            raise ValidationError({"codes": ["Give codes= or system=, not both."]})
        if "system" in query:
            return self._system(query.get("kind", "").strip(), date)
        if query.get("kind"):
            raise ValidationError({"kind": ["kind= goes with system=; with codes= give the codes you want."]})
        return self._codes(params.code_list(request), date)

    def _system(self, kind, date):
        if kind and kind not in Kind.values:
            raise ValidationError({"kind": [f"'{kind}' is not a kind; choose from {', '.join(Kind.values)}."]})
        root = params.system_root(self.request, required=True)
        closed = system_not_open(root.pk, date, version=self._version())
        if closed:
            raise ValidationError({"system": [closed]})
        graph = cached_graph(root.pk, date, self._version())  # it holds exactly the organisations of that date
        nodes = sorted((n for n in graph.nodes.values() if not kind or n.kind == kind), key=lambda n: n.code)
        page = self.paginate_queryset(nodes)
        return self.get_paginated_response([graph.path(node.pk) for node in page])

    def _codes(self, codes, date):
        found = {
            org.code: org
            for org in Organisation.objects.filter(code__in=codes).only(
                "pk", "code", "name", "tree_id", "opened", "closed"
            )
        }
        unknown = [code for code in codes if code not in found]
        if unknown:
            raise ValidationError({"codes": [f"No organisation has the code '{code}'." for code in unknown]})
        not_open = [found[code] for code in codes if not found[code].is_active_on(date)]
        if not_open:
            raise ValidationError({"codes": [f"{org.code} was not open on {date}." for org in not_open]})
        outside = outside_systems([found[code] for code in codes], date, version=self._version())
        if outside:
            raise ValidationError({"codes": outside})
        page = self.paginate_queryset([found[code] for code in codes])
        return self.get_paginated_response(representation_paths(page, date, version=self._version()))


class WritableMixin:
    """Input serializers by request (so the browsable API and OPTIONS show what to send); answers in the read shape."""

    input_serializers: dict[str, type] = {}  # action (or method, for OPTIONS and forms) -> serializer

    def get_serializer_class(self):
        method = self.request.method if self.request is not None else "GET"
        wanted = self.input_serializers.get(self.action) or self.input_serializers.get(method)
        return wanted or super().get_serializer_class()

    def incoming(self) -> dict:
        """The request's body, validated by this action's input serializer (else a 400 naming the field)."""
        serializer = self.get_serializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def answer(self, obj, status_code=status.HTTP_200_OK, **kwargs) -> Response:
        data = self.serializer_class(obj, context=self.get_serializer_context()).data
        return Response(data, status=status_code, **kwargs)


@extend_schema_view(
    list=extend_schema(
        summary="Seats, filtered and paginated",
        description=EVERY_ROW,
    ),
    retrieve=extend_schema(summary="One seat", responses={200: serializers.SeatSerializer, 404: NOT_FOUND_ID}),
    create=extend_schema(
        summary="Add a seat to a board, committee or ICP",
        request=serializers.SeatCreateSerializer,
        responses={
            201: serializers.SeatSerializer,
            400: refused(
                ("represents", "A seat on qop-board cannot represent P00002: it is in another system."),
                ("body", "00T is a place; seats belong on a board, committee or ICP."),
            ),
            **WRITE_ERRORS,
        },
    ),
    partial_update=extend_schema(
        summary="Change a seat (not its body)",
        request=serializers.SeatUpdateSerializer,
        responses={
            200: serializers.SeatSerializer,
            400: refused(("max_holders", "2 people would hold this seat at once; it takes 1.")),
            **WRITE_ERRORS,
            404: NOT_FOUND_ID,
        },
    ),
)
class SeatViewSet(WritableMixin, CsvListsMixin, viewsets.ReadOnlyModelViewSet):
    """Seats on boards, committees and partnerships."""

    queryset = Seat.objects.select_related("body", "represents").order_by("body__code", "label")
    serializer_class = serializers.SeatSerializer
    pagination_class = Pagination
    filterset_class = filters.SeatFilter
    permission_classes = access.READ_OR_EDIT
    renderer_classes = WITH_CSV
    csv_filename = "seats.csv"
    lookup_value_regex = r"\d+"
    input_serializers = {"POST": serializers.SeatCreateSerializer, "PATCH": serializers.SeatUpdateSerializer}

    def create(self, request):
        fields = self.incoming()
        access.require_create(request.user, Seat(body=fields["body"]))
        seat = seating.create_seat(**fields)
        response = self.answer(seat, status.HTTP_201_CREATED)
        response["Location"] = response.data["url"]
        return response

    def partial_update(self, request, pk=None):
        seat = self.get_object()
        access.require_edit(request.user, seat)
        return self.answer(seating.update_seat(seat, **self.incoming()))


class PersonViewSet(CsvListsMixin, viewsets.ReadOnlyModelViewSet):
    """People who hold or held seats; one person's detail lists their appointments."""

    queryset = Person.objects.order_by("name", "pk")
    serializer_class = serializers.PersonSerializer
    pagination_class = Pagination
    filterset_class = filters.PersonFilter
    permission_classes = access.READ_OR_EDIT
    renderer_classes = WITH_CSV
    csv_filename = "people.csv"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            appointments = Appointment.objects.select_related("person", "seat__body").order_by("-start", "pk")
            queryset = queryset.prefetch_related(Prefetch("appointments", queryset=appointments))
        return queryset

    def get_serializer_class(self):
        return serializers.PersonDetailSerializer if self.action == "retrieve" else super().get_serializer_class()

    def get_serializer_context(self):
        # A person's interlocks read England's structure: remembered for this data version.
        context = super().get_serializer_context()
        if self.action == "retrieve":
            context["version"] = self._version()
        return context


@extend_schema_view(
    list=extend_schema(
        summary="Appointments, filtered and paginated",
        description=EVERY_ROW,
    ),
    retrieve=extend_schema(
        summary="One appointment", responses={200: serializers.AppointmentSerializer, 404: NOT_FOUND_ID}
    ),
    create=extend_schema(
        summary="Appoint someone to a seat",
        description="The person is given by id (`person`) or by name (`person_name`: matched as governance files "
        "match people, created if new). Refused if the seat would have more holders at once than it takes, or the "
        "person would hold it twice at once.",
        request=serializers.AppointmentCreateSerializer,
        responses={
            201: serializers.AppointmentSerializer,
            400: refused(("non_field_errors", "2 people would hold this seat at once; it takes 1.")),
            **WRITE_ERRORS,
        },
    ),
    partial_update=extend_schema(
        summary="Change an appointment's dates or source",
        request=serializers.AppointmentUpdateSerializer,
        responses={
            200: serializers.AppointmentSerializer,
            400: refused(("non_field_errors", "Illustrative Holder's appointment ends (2023-01-01) before it starts.")),
            **WRITE_ERRORS,
            404: NOT_FOUND_ID,
        },
    ),
)
class AppointmentViewSet(WritableMixin, CsvListsMixin, viewsets.ReadOnlyModelViewSet):
    """Appointments: a person in a seat from a date to an optional end date."""

    queryset = Appointment.objects.select_related("person", "seat__body").order_by(
        "seat__body__code", "seat__label", "start", "pk"
    )
    serializer_class = serializers.AppointmentSerializer
    pagination_class = Pagination
    filterset_class = filters.AppointmentFilter
    permission_classes = access.READ_OR_EDIT
    renderer_classes = WITH_CSV
    csv_filename = "appointments.csv"
    lookup_value_regex = r"\d+"
    input_serializers = {
        "end": serializers.EndAppointmentSerializer,
        "POST": serializers.AppointmentCreateSerializer,
        "PATCH": serializers.AppointmentUpdateSerializer,
    }

    def create(self, request):
        fields = self.incoming()
        access.require_create(request.user, Appointment(seat=fields["seat"]))
        name = fields.get("person_name")
        if name and not request.user.has_perm("governance.add_person") and seating.person_named(name) is None:
            raise PermissionDenied(f"Nobody is called {name!r}, and you may not add people.")
        return self.answer(seating.create_appointment(**fields), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        appointment = self.get_object()
        access.require_edit(request.user, appointment)
        return self.answer(seating.update_appointment(appointment, **self.incoming()))

    @extend_schema(
        summary="End an appointment",
        description="Sets its last day (default: today). Ending it again on the same day changes nothing.",
        request=serializers.EndAppointmentSerializer,
        responses={
            200: serializers.AppointmentSerializer,
            400: refused(("date", "This appointment already ended on 2024-03-31.")),
            **WRITE_ERRORS,
            404: NOT_FOUND_ID,
        },
    )
    @action(detail=True, methods=["post"], filter_backends=[], renderer_classes=[JSONRenderer])
    def end(self, request, pk=None):
        appointment = self.get_object()
        access.require_edit(request.user, appointment)
        date = self.incoming().get("date") or timezone.localdate()
        return self.answer(seating.end_appointment(appointment, date))


SYSTEM_NOT_FOUND = OpenApiResponse(
    response=NOT_FOUND_ID.response,
    description="No system (ICB at the root of a tree) has that code, or the system was not open on the date "
    "(the message says when it existed).",
)


class SystemViewSet(ApiView, viewsets.GenericViewSet):
    """A whole system (an ICB's tree), exported."""

    queryset = Organisation.objects.filter(parent__isnull=True)
    serializer_class = serializers.OrganisationRefSerializer  # for the schema; the exports are plain data
    permission_classes = access.READ_OR_EDIT
    filter_backends = []
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    @extend_schema(
        summary="A system's governance in Popolo JSON",
        description="`organizations` (the whole tree; `classification` is the kind), `posts` (seats; what Popolo has "
        "no field for under `extras`), `persons` and `memberships` (appointments, past and present), with "
        "Popolo's field names (https://www.popoloproject.com/). With `date`, the system as it stood that day: the "
        "organizations in it that day under their parents of that day, their posts, and the memberships current "
        "that day (404 on a day the system was not open).",
        parameters=[AS_IT_STOOD],
        responses={200: serializers.PopoloSerializer, 400: bad_parameters(BAD_DATE), 404: SYSTEM_NOT_FOUND},
    )
    @action(detail=True, renderer_classes=[JSONRenderer])
    def popolo(self, request, code=None):
        root = self.get_object()
        return Response(popolo.popolo(root, self._on_day(root)))

    def _on_day(self, root) -> system_rows.OnDay | None:
        """The system on ``?date=`` (none: its whole tree today); a 404 naming when it existed if not open then."""
        return system_rows.on_day(root, params.optional_date(self.request, "date"), self._version())

    def _open_root(self, code: str, date: datetime.date):
        """The system with ``code``, which must be open on ``date`` (else a 404 saying when it existed)."""
        if not can_match(code):
            raise NotFound("No system has that code.")
        root = generics.get_object_or_404(self.get_queryset().only("pk", "tree_id"), code=code)
        closed = system_not_open(root.pk, date, version=self._version())
        if closed:
            raise NotFound(closed)
        return root

    @extend_schema(
        summary="A system's governance file (JSON; YAML to a client that asks for it, or with ?format=yaml)",
        description="The file `manage.py load_governance` reads (DESIGN.md): the system, its governance-kept "
        "organisations (not the ODS-imported PCNs and practices), every seat on its bodies and every appointment. "
        "Loading it into this database changes nothing. With `date`, the system as it stood that day: its "
        "organisations under their parents of that day, their seats and the holders of that day.",
        parameters=[
            OpenApiParameter(
                "format", str, enum=["json", "yaml"], description="Default: by the Accept header, JSON if it allows."
            ),
            AS_IT_STOOD,
        ],
        responses={
            (200, "application/json"): serializers.GovernanceFileSerializer,
            (200, "application/yaml"): serializers.GovernanceFileSerializer,  # the same object, written as YAML
            (400, "application/json"): bad_parameters(BAD_DATE),
            (404, "application/json"): SYSTEM_NOT_FOUND,
        },
    )
    # JSON first: a client that accepts anything (*/*, as generated clients do) reads JSON; YAML is for
    # one that asks for it (Accept: application/yaml, or ?format=yaml).
    @action(detail=True, renderer_classes=[JSONRenderer, YAMLRenderer])
    def governance(self, request, code=None):
        root = self.get_object()
        response = Response(governance_file(root, self._on_day(root)))
        response["Content-Disposition"] = f'inline; filename="{root.code}.{request.accepted_renderer.format}"'
        return response

    @extend_schema(
        summary="The voice of general practice in a system, at a date",
        description="What the system page shows, as data (`governance.reading.voice.summarise`): the bodies by layer "
        "(their "
        "distance from the top board; unconnected bodies last) with their general practice seats and tallies, the "
        "top board's GP seats, vacant seats, how many practices reach the top board (and with no vacant seat on the "
        "way), per place, and where chains break.",
        parameters=[DATE_PARAMETER],
        responses={200: serializers.SummarySerializer, 400: bad_parameters(BAD_DATE), 404: SYSTEM_NOT_FOUND},
    )
    @action(detail=True, renderer_classes=[JSONRenderer])
    def summary(self, request, code=None):
        date = params.as_of(request)
        root = self._open_root(code, date)
        graph = cached_graph(root.pk, date, self._version())
        return Response(voice.summarise(graph, voice.pcn_patients(graph)))

    @extend_schema(
        summary="The statutory composition of a system's top board, at a date",
        description="The top board checked against what an ICB's unitary board must have "
        "(`governance.domain.composition`): ten requirements (`chair`, `chief_executive`, "
        "`finance_director`, `medical_director`, `nursing_director`, `non_executive` (minimum 2), "
        "`partner_trusts`, `partner_primary_medical`, `partner_local_authority`, `mental_health`), each with its "
        "`basis` (`act`: the NHS Act 2006, Schedule 1B, as amended by the Health and Care Act 2022; `policy`: NHS "
        "England's guidance on ICB constitutions), `minimum`, `seats`, `filled`, `vacant`, `unrecorded` (counted "
        "in places) and a `status`; and the board's `met`.",
        parameters=[DATE_PARAMETER],
        responses={200: serializers.CompositionSerializer, 400: bad_parameters(BAD_DATE), 404: SYSTEM_NOT_FOUND},
    )
    @action(detail=True, renderer_classes=[JSONRenderer])
    def composition(self, request, code=None):
        date = params.as_of(request)
        root = self._open_root(code, date)
        return Response(composition.composition(cached_graph(root.pk, date, self._version())))

    @extend_schema(
        summary="What changed in a system, and when",
        description="What an LMC officer briefs their committee on, each change on the day it took effect "
        "(`governance.reading.timeline`; the page `/systems/<code>/timeline/` shows the same): practices and "
        "other organisations `opened` and `closed`, units that `joined` or `left` the system (what moved with "
        "them counted in `includes`), `moved` within it, a practice's `pcn_move` (and `pcn_joined`, `pcn_left`), "
        "the ICB's `succession`s, and appointments on its bodies (`appointment_started`, `appointment_ended`, and "
        "`appointment_seen`: a holder a source shows in post that day without saying since when). "
        "A change belongs to the system its organisation was in that day (a departure: the day before). "
        "Not the database's history: for what was written when, see `changes/?since=`.",
        parameters=[
            OpenApiParameter(
                "from", OpenApiTypes.DATE, description="First day, YYYY-MM-DD (default: twelve months before `to`)."
            ),
            OpenApiParameter("to", OpenApiTypes.DATE, description="Last day, YYYY-MM-DD (default: today)."),
        ],
        responses={
            200: serializers.TimelineSerializer,
            400: bad_parameters(
                ("from", timelines.BACKWARDS % {"start": "2026-05-01", "end": "2026-04-01"}),
                ("to", str(BadDate("2023-02-30"))),
            ),
            404: SYSTEM_NOT_FOUND,
        },
    )
    @action(detail=True, renderer_classes=[JSONRenderer])
    def timeline(self, request, code=None):
        try:
            start, end = timelines.period(request.query_params.get("from"), request.query_params.get("to"))
        except timelines.BadPeriod as error:
            raise ValidationError({error.parameter: [str(error)]}) from None
        if not can_match(code):
            raise NotFound("No system has that code.")
        try:
            return Response(timelines.timeline(code, start, end, version=self._version()))
        except timelines.UnknownSystem as error:
            raise NotFound(str(error)) from None


MAX_CHANGES = 5000


class ChangesView(ApiView, generics.GenericAPIView):
    """What was written to the database since a moment, oldest first, for clients that keep a copy in sync.

    Not what changed in the NHS on which day: that is a system's timeline (``SystemViewSet.timeline``).
    """

    queryset = Organisation.objects.none()  # for the schema; the changes come from history
    serializer_class = serializers.ChangesSerializer
    permission_classes = access.READ_OR_EDIT
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="Changes since a date or time (for clients that sync)",
        description="Every created, changed and deleted organisation, seat, person and appointment after `since`, "
        "oldest first, at most `limit`. To keep up, ask again with `since=<until>` while `truncated` is true. "
        "Changes made at the same instant are never split between two answers: an answer may hold fewer than "
        "`limit` for that reason, or more when over `limit` changes share one instant (an ODS import records all "
        "its rows at one). With `system`, only that system's organisations, seats and appointments (people are "
        "shared between systems: only listed without `system`). These are writes to this database, at the time "
        "they were made (an import, an edit), not changes in the NHS: for what changed in a system and on which "
        "day it took effect (practices opened and closed, PCN moves, successions, appointments), see "
        "`systems/<code>/timeline/`.",
        parameters=[
            OpenApiParameter(
                "since",
                OpenApiTypes.DATETIME,
                required=True,
                description="ISO 8601: YYYY-MM-DD (its midnight) or YYYY-MM-DDThh:mm[:ss[.ffffff]][Z|±hh:mm]; "
                "without an offset, in the site's time zone (Europe/London).",
            ),
            OpenApiParameter("system", str, description="ICB code: only that system's changes."),
            OpenApiParameter("limit", int, description=f"At most this many (default 500, at most {MAX_CHANGES})."),
        ],
        responses={
            200: serializers.ChangesSerializer,
            400: bad_parameters(
                ("since", params.DATETIME_ERROR % {"value": "yesterday"}),
                ("system", "No system (ICB) has the code 'X'."),
                ("limit", f"'0' is not a whole number from 1 to {MAX_CHANGES}."),
            ),
        },
    )
    def get(self, request):
        since = params.moment(request, "since")
        root = params.system_root(request, "system")
        limit = params.bounded_int(request, "limit", default=500, maximum=MAX_CHANGES)
        # In UTC: PostgreSQL refuses offsets past ±15:59, which Python (and ISO 8601) allow.
        changes = history.changes_since(since.astimezone(datetime.UTC), root, limit=limit + 1)
        truncated = len(changes) > limit
        if truncated:
            # The next answer starts after `until`: keep together the changes of the instant the limit falls in.
            cut = changes[limit]["time"]
            kept = [change for change in changes[:limit] if change["time"] != cut]
            if not kept:  # more than `limit` changes at one instant: give them all
                instant = datetime.datetime.fromisoformat(cut)
                later = history.changes_since(instant - datetime.timedelta(microseconds=1), root)
                kept = [change for change in later if change["time"] == cut]
                truncated = len(later) > len(kept)
            changes = kept
        return Response(
            {
                "since": since.isoformat(),
                "until": changes[-1]["time"] if changes else since.isoformat(),
                "count": len(changes),
                "truncated": truncated,
                "results": changes,
            }
        )
