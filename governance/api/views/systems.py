"""A whole system: its exports (Popolo, governance file), its summary, its top board's composition, its
timeline."""

import datetime

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from governance.api import access, params, schema, serializers
from governance.api.caching import ApiView
from governance.api.errors import CONTRADICTS, NOT_FOUND_ID, bad_parameters
from governance.api.renderers import YAMLRenderer
from governance.api.views.base import AS_IT_STOOD, BAD_DATE, DATE_PARAMETER
from governance.domain import composition
from governance.domain.dates import BadDate
from governance.domain.lookups import can_match
from governance.governance_file.write import governance_file
from governance.models import Organisation
from governance.reading import popolo, system_rows, voice
from governance.reading import timeline as timelines
from governance.reading.paths import cached_graph, system_not_open

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
        "the ICB's `succession`s, `seat_added` to its bodies, and appointments on them (`appointment_started`, "
        "`appointment_ended`, and "
        "`appointment_seen`: a holder a source shows in post that day without saying since when). "
        "A change belongs to the system its organisation was in that day (a departure: the day before). "
        "Not the database's history: for what was written when, see `changes/?since=`.",
        parameters=[
            OpenApiParameter(
                "from",
                schema.DATE,
                description="First day, YYYY-MM-DD (default: twelve months before `to`); on or before `to`.",
            ),
            OpenApiParameter("to", schema.DATE, description="Last day, YYYY-MM-DD (default: today)."),
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
            code = CONTRADICTS if isinstance(error, timelines.Backwards) else None
            raise ValidationError({error.parameter: [str(error)]}, code=code) from None
        if not can_match(code):
            raise NotFound("No system has that code.")
        try:
            return Response(timelines.timeline(code, start, end, version=self._version()))
        except timelines.UnknownSystem as error:
            raise NotFound(str(error)) from None
