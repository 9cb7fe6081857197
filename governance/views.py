"""Pages for people browsing a system. Thin: the path comes from governance.paths."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .models import Appointment, Kind, Organisation, Person, Seat
from .paths import PathError, representation_path

SEARCH_LIMIT = 50
CHILDREN_PER_PAGE = 100


def _as_of(request) -> datetime.date:
    """The ?date= of the request (default today); ValueError if malformed."""
    value = request.GET.get("date")
    return datetime.date.fromisoformat(value) if value else timezone.localdate()


def home(request):
    query = request.GET.get("q", "").strip()
    organisations = people = None
    if query:
        organisations = (
            Organisation.objects.filter(
                Q(code__iexact=query) | Q(name__icontains=query) | Q(postcode__iexact=query.upper())
            )
            .order_by("closed", "kind", "name")
            .only("code", "name", "kind", "closed", "postcode")[:SEARCH_LIMIT]
        )
        people = Person.objects.filter(name__icontains=query)[:SEARCH_LIMIT]
    practices = dict(
        Organisation.objects.filter(kind=Kind.PRACTICE, closed__isnull=True)
        .values_list("tree_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    regions: dict[str, list] = {}
    for system in Organisation.objects.filter(parent__isnull=True).order_by("region", "name"):
        system.practice_count = practices.get(system.tree_id, 0)
        regions.setdefault(system.region or "Region not recorded", []).append(system)
    return render(
        request,
        "governance/home.html",
        {"query": query, "organisations": organisations, "people": people, "regions": sorted(regions.items())},
    )


def _seats_with_holders(seats, date):
    current = Appointment.objects.filter(start__lte=date).filter(Q(end__isnull=True) | Q(end__gte=date))
    return seats.select_related("represents", "body").prefetch_related(
        Prefetch("appointments", queryset=current.select_related("person"), to_attr="holders")
    )


def organisation_detail(request, code):
    org = get_object_or_404(Organisation.objects.select_related("parent", "sub_icb"), code=code)
    try:
        date = _as_of(request)
    except ValueError:
        return HttpResponseBadRequest("The date must be in the form YYYY-MM-DD.")
    children = Paginator(org.get_children().order_by("kind", "name"), CHILDREN_PER_PAGE).get_page(
        request.GET.get("page")
    )
    child_counts = org.get_children().values("kind").annotate(n=Count("pk")).order_by("kind")
    path = path_error = None
    if org.kind in {Kind.PRACTICE, Kind.PCN, Kind.PLACE}:
        try:
            path = representation_path(org.code, date)
        except PathError as error:
            path_error = str(error)
    context = {
        "org": org,
        "date": date,
        "ancestors": org.get_ancestors(),
        "children": children,
        "child_counts": child_counts,
        "seats": _seats_with_holders(Seat.objects.filter(body=org), date) if org.is_body else [],
        "represented_by": _seats_with_holders(Seat.objects.filter(represents=org), date),
        "path": path,
        "rungs": list(reversed(path["layers"])) if path else [],
        "path_error": path_error,
    }
    return render(request, "governance/organisation.html", context)


def person_detail(request, pk):
    person = get_object_or_404(Person, pk=pk)
    appointments = person.appointments.select_related("seat__body").order_by("-start")
    return render(request, "governance/person.html", {"person": person, "appointments": appointments})
