"""Organisations (list, detail, children, path, move) and many paths at once."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from governance.api import access, filters, params, schema, serializers
from governance.api.caching import ApiView
from governance.api.errors import (
    CONTRADICTS,
    NAMES_NOTHING,
    NOT_FOUND,
    NOT_FOUND_ID,
    NOT_OPEN,
    bad_parameters,
    refused,
)
from governance.api.pagination import Pagination
from governance.api.renderers import path_table
from governance.api.views.base import BAD_DATE, DATE_PARAMETER, EVERY_ROW, WITH_CSV, WRITE_ERRORS, CsvListsMixin
from governance.domain import rules, tree
from governance.domain.dates import BadDate
from governance.domain.lookups import can_match
from governance.models import Kind, Organisation
from governance.reading import as_of
from governance.reading.paths import (
    cached_graph,
    outside_systems,
    representation_path,
    representation_paths,
    system_not_open,
)


def organisations():
    """Organisations by code (their parent and system, as of the date, come from England's structure)."""
    return Organisation.objects.order_by("code")


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
        description="Give either `codes` or `system` (not both, not neither: a 400), and `kind` only with `system`. "
        "Results come in the order of `codes`, or by code for a system. "
        "`?format=csv` gives one row per layer of every path (never paginated).",
        parameters=[
            OpenApiParameter(
                "codes",
                {"type": "string", "pattern": params.CODE_LIST_PATTERN},
                description="Comma-separated organisation codes (at most 500), each open at the date.",
            ),
            OpenApiParameter(
                "system", schema.CODE, description="ICB code: every organisation of that system open at the date."
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
        given = {name for name, value in request.query_params.items() if value.strip()}  # blank: left out
        if {"codes", "system"} <= given:
            raise ValidationError({"codes": ["Give codes= or system=, not both."]}, code=CONTRADICTS)
        if "system" in given:
            return self._system(request.query_params.get("kind", "").strip(), date)
        if "kind" in given:
            raise ValidationError(
                {"kind": ["kind= goes with system=; with codes= give the codes you want."]}, code=CONTRADICTS
            )
        if "codes" not in given:
            raise ValidationError(
                {"codes": ["Give codes= or system=, e.g. codes=P84001,P84002 or system=QOP."]}, code=CONTRADICTS
            )
        return self._codes(params.code_list(request), date)

    def _system(self, kind, date):
        if kind and kind not in Kind.values:
            raise ValidationError({"kind": [f"'{kind}' is not a kind; choose from {', '.join(Kind.values)}."]})
        root = params.system_root(self.request, required=True)
        closed = system_not_open(root.pk, date, version=self._version())
        if closed:
            raise ValidationError({"system": [closed]}, code=NOT_OPEN)
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
            raise ValidationError(
                {"codes": [f"No organisation has the code '{code}'." for code in unknown]}, code=NAMES_NOTHING
            )
        not_open = [found[code] for code in codes if not found[code].is_active_on(date)]
        if not_open:
            raise ValidationError({"codes": [f"{org.code} was not open on {date}." for org in not_open]}, code=NOT_OPEN)
        outside = outside_systems([found[code] for code in codes], date, version=self._version())
        if outside:
            raise ValidationError({"codes": outside}, code=NOT_OPEN)
        page = self.paginate_queryset([found[code] for code in codes])
        return self.get_paginated_response(representation_paths(page, date, version=self._version()))
