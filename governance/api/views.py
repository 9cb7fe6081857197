"""Read-only API views. Thin: filtering is in ``filters``, shapes in ``serializers``, paths in ``governance.paths``."""

from django.db.models import OuterRef, Prefetch, Subquery
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from governance.models import Appointment, Kind, Organisation, Person, Seat
from governance.paths import SystemGraph, representation_path, representation_paths

from . import filters, params, serializers
from .errors import NOT_FOUND, bad_parameters
from .pagination import Pagination

DATE_PARAMETER = OpenApiParameter(
    "date", OpenApiTypes.DATE, description="As-of date, YYYY-MM-DD (default: today).", required=False
)
BAD_DATE = ("date", params.date_error("2023-02-30"))


def organisations():
    """Organisations with their parent and their system's root code, in one query."""
    root_code = Organisation.objects.filter(tree_id=OuterRef("tree_id"), parent__isnull=True).order_by().values("code")
    return Organisation.objects.select_related("parent").annotate(system_code=Subquery(root_code[:1])).order_by("code")


@extend_schema_view(
    list=extend_schema(
        summary="Organisations, filtered and paginated",
        responses={
            200: serializers.OrganisationSerializer(many=True),
            400: bad_parameters(
                ("active_on", params.date_error("soon")), ("system", "No system (ICB) has the code 'X'.")
            ),
        },
    ),
    retrieve=extend_schema(
        summary="One organisation: ancestors, child counts and (for a body) seats",
        responses={200: serializers.OrganisationDetailSerializer, 404: NOT_FOUND},
    ),
)
class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations of every system, looked up by code (ODS code, or a slug such as ``qop-board``)."""

    queryset = organisations()
    serializer_class = serializers.OrganisationSerializer
    pagination_class = Pagination
    filterset_class = filters.OrganisationFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"  # slugs and codes; dots allowed, format suffixes are off

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.OrganisationDetailSerializer
        return super().get_serializer_class()

    def filter_queryset(self, queryset):
        # List filters select what to list; they must not hide the one organisation asked for by code.
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)

    @extend_schema(
        summary="Direct children of an organisation, filtered and paginated",
        responses={200: serializers.OrganisationSerializer(many=True), 404: NOT_FOUND},
    )
    @action(detail=True)
    def children(self, request, code=None):
        parent = generics.get_object_or_404(Organisation.objects.only("pk"), code=code)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset().filter(parent=parent)))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        summary="The representation path from this organisation to its system's top board",
        description="Exactly the JSON of DESIGN.md (and of `manage.py representation_path --json`).",
        parameters=[DATE_PARAMETER],
        responses={200: serializers.PathSerializer, 400: bad_parameters(BAD_DATE), 404: NOT_FOUND},
    )
    @action(detail=True, filter_backends=[], pagination_class=None)
    def path(self, request, code=None):
        if "\x00" in code:  # PostgreSQL refuses NUL in a string: that would be a 500, not a 404
            raise NotFound("No organisation has that code.")
        # Unknown or closed organisations raise PathError, which errors.exception_handler makes a 404.
        return Response(representation_path(code, params.as_of(request)))


class PathListView(generics.GenericAPIView):
    """The paths of many organisations at one date: ``?codes=A,B,C`` or ``?system=QOP[&kind=practice]``."""

    queryset = Organisation.objects.none()  # for the schema; organisations are chosen by the parameters
    serializer_class = serializers.PathSerializer
    pagination_class = Pagination
    filter_backends = []

    @extend_schema(
        summary="Many representation paths at once (each system's graph loaded once)",
        description="Give either `codes` or `system`. Results come in the order of `codes`, or by code for a system.",
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
            400: bad_parameters(("codes", "No organisation has the code 'X99999'."), BAD_DATE),
        },
    )
    def get(self, request):
        date = params.as_of(request)
        query = request.query_params
        if "codes" in query and "system" in query:
            raise ValidationError({"codes": ["Give codes= or system=, not both."]})
        if "system" in query:
            return self._system(query.get("system", "").strip(), query.get("kind", "").strip(), date)
        if query.get("kind"):
            raise ValidationError({"kind": ["kind= goes with system=; with codes= give the codes you want."]})
        return self._codes(params.code_list(request), date)

    def _system(self, code, kind, date):
        if kind and kind not in Kind.values:
            raise ValidationError({"kind": [f"'{kind}' is not a kind; choose from {', '.join(Kind.values)}."]})
        if not code or "\x00" in code:
            raise ValidationError({"system": ["Give the code of an ICB, e.g. system=QOP."]})
        root = Organisation.objects.filter(code=code, parent__isnull=True).only("tree_id").first()
        if root is None:
            raise ValidationError({"system": [f"No system (ICB) has the code '{code}'."]})
        graph = SystemGraph.load(root.tree_id, date)  # the graph already holds exactly the open organisations
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
        page = self.paginate_queryset([found[code] for code in codes])
        return self.get_paginated_response(representation_paths(page, date))


class SeatViewSet(viewsets.ReadOnlyModelViewSet):
    """Seats on boards, committees and partnerships."""

    queryset = Seat.objects.select_related("body", "represents").order_by("body__code", "label")
    serializer_class = serializers.SeatSerializer
    pagination_class = Pagination
    filterset_class = filters.SeatFilter
    lookup_value_regex = r"\d+"


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People who hold or held seats; one person's detail lists their appointments."""

    queryset = Person.objects.order_by("name", "pk")
    serializer_class = serializers.PersonSerializer
    pagination_class = Pagination
    filterset_class = filters.PersonFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            appointments = Appointment.objects.select_related("person", "seat__body").order_by("-start", "pk")
            queryset = queryset.prefetch_related(Prefetch("appointments", queryset=appointments))
        return queryset

    def get_serializer_class(self):
        return serializers.PersonDetailSerializer if self.action == "retrieve" else super().get_serializer_class()


class AppointmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Appointments: a person in a seat from a date to an optional end date."""

    queryset = Appointment.objects.select_related("person", "seat__body").order_by(
        "seat__body__code", "seat__label", "start", "pk"
    )
    serializer_class = serializers.AppointmentSerializer
    pagination_class = Pagination
    filterset_class = filters.AppointmentFilter
    lookup_value_regex = r"\d+"
