"""Seats, people and appointments: read, and written through ``governance.domain.seating``."""

from django.db.models import Prefetch
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.renderers import JSONRenderer

from governance.api import access, filters, serializers
from governance.api.errors import NOT_FOUND_ID, refused
from governance.api.pagination import Pagination
from governance.api.views.base import EVERY_ROW, WITH_CSV, WRITE_ERRORS, CsvListsMixin, WritableMixin
from governance.domain import seating
from governance.models import Appointment, Person, Seat


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
