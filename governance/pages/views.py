"""Pages for people browsing a system. Thin: the data comes from plain modules.

``directory`` (search, systems by region), ``structure`` (an organisation's contents,
seats, ladder and governance tree), ``voice`` (a system's voice of general practice),
``people`` (a person's seats and interlocks), ``comparison`` (systems side by side),
``timeline`` (what changed in a system, and when).
Everything date-dependent takes ``?date=YYYY-MM-DD`` (default today) through ``as_of_page``
(``governance.pages.as_of``); a malformed date is a 400 page that says so.
"""

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from governance.caching.pages import cached_page, data_version
from governance.domain import composition, suggestions
from governance.domain.dates import in_words
from governance.domain.england import Structure
from governance.domain.lookups import can_match
from governance.models import BODY_KINDS, Kind, Organisation, Person, Seat
from governance.pages.as_of import as_of_page
from governance.reading import (
    as_of,
    clusters,
    comparison,
    directory,
    lmc,
    memberships,
    pictures,
    search,
    sources,
    structure,
    successions,
    timeline,
    voice,
)
from governance.reading.paths import SystemNotOpen, graph_for, system_on
from governance.reading.people import person_record


@cached_page
@as_of_page
def home(request, date: datetime.date):
    """Search (organisations and people) and the systems open on ``?date=`` (default today) by NHS region."""
    today = timezone.localdate()
    try:
        query = directory.search_terms(request.GET.get("q", ""))
    except directory.SearchTooLong as refused:
        context = {"title": "Search too long", "message": str(refused)}
        return render(request, "governance/refused.html", context, status=400)
    version = data_version(request).key
    organisations, more_organisations = directory.search_organisations(query, today, version=version)
    postcode = search.postcode_summary(query, organisations)
    people, more_people = directory.search_people(query)
    regions = directory.systems_by_region(date, version)
    context = {
        "query": query,
        "organisations": organisations,
        "more_organisations": more_organisations,
        "postcode": postcode,
        "people": people,
        "more_people": more_people,
        "regions": regions,
        "systems": sum(len(region["systems"]) for region in regions),
        "date": date,
        "keep": {"q": query} if query else {},
        "sources": _sources(request),
    }
    return render(request, "governance/home.html", context)


def _not_open(org: Organisation, date: datetime.date, england: Structure) -> str:
    """Why ``org`` has no place in a system on ``date``: closed, not yet open, or in no open system that day."""
    day = in_words(date)
    if org.kind == Kind.ICB and org.parent_id is None:
        return f"{org.name} ({org.code}) was not open on {day}: the system {as_of.when_open(england, org.pk)}."
    if org.opened and org.opened > date:
        return f"{org.name} ({org.code}) had not opened on {day}: it opened on {in_words(org.opened)}."
    if org.closed and org.closed < date:
        return f"{org.name} ({org.code}) was closed on {day}: it closed on {in_words(org.closed)}."
    try:  # open that day, but its system was not (before July 2022, or its ICB had closed)
        system_on(org, date, england)
    except SystemNotOpen as error:
        return str(error)
    return f"{org.name} ({org.code}) was in no system on {day}."


def _open_or_closed(org: Organisation, date: datetime.date, not_open: str | None, england: Structure) -> dict:
    """What the top of an organisation's page says about its closing, and whether it was open on ``date``.

    A closed organisation says so at the top whatever the date asked (``closed``: the sentence
    of that warning), with a link to its last day when the date asked is after it; the
    "not open" warning is then that same sentence, said once.
    """
    if org.closed is None or org.closed >= timezone.localdate():
        return {"closed": None, "last_day": None, "not_open": not_open}
    after = org.closed < date
    if not_open and after:
        closed = not_open
    elif org.kind == Kind.ICB and org.parent_id is None:
        closed = f"{org.name} closed on {in_words(org.closed)}: the system {as_of.when_open(england, org.pk)}."
    else:
        closed = f"{org.name} closed on {in_words(org.closed)}."
    return {"closed": closed, "last_day": org.closed if after else None, "not_open": None if after else not_open}


def _taken_effect(entries: list[dict], today: datetime.date) -> list[dict]:
    """Successions, each marked ``done`` once its day has come (the page says "merged" or "merges")."""
    return [{**entry, "done": entry["date"] <= today} for entry in entries]


def _sources(request) -> dict | None:
    """How old each source is (``reading.sources``), remembered per data version and day."""
    return sources.cached_source_ages(data_version(request).key, timezone.localdate())


def _provenance(graph) -> dict:
    """What the top of a page says about where ``graph``'s holders come from (``_provenance.html``)."""
    return {"system": graph.root, "provenance": graph.provenance, "show_source": graph.top_board is not None}


@cached_page
@as_of_page
def organisation_detail(request, code, date: datetime.date):
    """Any organisation: breadcrumb, ladder, seats, contents; an ICB's page is its system page."""
    if not can_match(code):
        raise Http404("No organisation has that code.")
    org = get_object_or_404(Organisation, code=code)
    version = data_version(request).key
    graph = graph_for(org.pk, date, version)
    england = as_of.england(version)
    is_system = org.parent_id is None
    is_body = org.is_body
    today = timezone.localdate()
    lineage = successions.lineage(org)
    ancestors = structure.ancestors(org, date, version=version)  # the structure of ``date``, its names
    facts = memberships.page_facts(org, date, structure=england)  # names of ``date``, parent link, moves
    context = {
        "org": org,
        "name": facts["name"],
        "earlier_names": facts["earlier_names"],
        "parent_link": facts["parent_link"],
        "changes": facts["changes"],
        "patients": memberships.registered_patients(org) if org.kind in memberships.PATIENT_KINDS else None,
        "region_patients": memberships.region_patients(org.region) if is_system and org.region else None,
        "date": date,
        "opened_by_today": org.opened is None or org.opened <= today,
        "opened_by_succession": any(p["date"] == org.opened for p in lineage["predecessors"]),
        "successors": _taken_effect(lineage["successors"], today),
        "predecessors": _taken_effect(lineage["predecessors"], today),
        "sources": _sources(request),
        "is_system": is_system,
        "is_body": is_body,
        "open": org.pk in graph.nodes,
        "open_that_day": org.is_active_on(date),  # open, though perhaps in no open system
        **_open_or_closed(org, date, None if org.pk in graph.nodes else _not_open(org, date, england), england),
        "system": graph.root,
        "provenance": graph.provenance,
        "provenances": [_provenance(graph)] if graph.root else [],
        "ancestors": ancestors,
        "parent": ancestors[-1] if ancestors else None,
        "own_sub_icb": structure.own_sub_icb(org, date, version=version),
        "show_counts": org.kind not in (Kind.PCN, Kind.PRACTICE),  # nothing below a PCN's practices
        "child_counts": structure.child_counts(org, date, version=version),
        "represented_by": structure.seats_with_holders(Seat.objects.filter(represents=org), date, structure=england),
    }
    if is_system:
        layers = voice.body_layers(graph)
        context["summary"] = voice.summarise(graph, voice.pcn_patients(graph))
        context["composition"] = composition.composition(graph)
        context["clusters"] = clusters.clusters_of(org, date)
        context["to_fill"] = structure.seats_to_fill(graph) if graph.top_board else None
        context["governance_tree"] = structure.governance_tree(graph, layers)
        context["suggestions_waiting"] = suggestions.open_count(org)
        exclude = (Kind.PLACE, *BODY_KINDS)
    else:
        exclude = ()
        if org.pk in graph.nodes and graph.top_board and org.pk != graph.top_board.pk:
            path = graph.path(org.pk)
            context["path"] = path
            context["ladder"] = structure.ladder(path)
        elif org.pk in graph.nodes and not graph.top_board:
            context["no_governance"] = True
    if org.kind == Kind.LMC and org.pk in graph.nodes:
        context["footprint"] = lmc.footprint(org, graph, version=version, structure=england)
    if org.kind in (Kind.PRACTICE, Kind.PCN, Kind.PLACE) and org.pk in graph.nodes:
        context["lmcs"] = lmc.lmcs_of(org, date, structure=england)
    if is_body:
        seats = structure.seats_with_holders(Seat.objects.filter(body=org), date, structure=england)
        context["seats"] = seats
        context["seat_tally"] = structure.tally(seats)
        context["is_top_board"] = graph.top_board is not None and graph.top_board.pk == org.pk
    elif not is_system:  # a system's boards are in its governance tree
        context["boards"] = structure.boards_with_seats(org, date, version=version)
    page = request.GET.get("page")
    context["children"] = structure.children_page(org, date, page, exclude_kinds=exclude, version=version)
    return render(request, "governance/organisation.html", context)


def _picture(request, code: str, date: datetime.date, draw):
    """A picture of the organisation with ``code`` as of ``date``: ``draw(org, graph)`` says what."""
    if not can_match(code):
        raise Http404("No organisation has that code.")
    org = get_object_or_404(Organisation, code=code)
    version = data_version(request).key
    graph = graph_for(org.pk, date, version)
    if org.pk not in graph.nodes:
        raise Http404(_not_open(org, date, as_of.england(version)))
    try:
        dot, title, description = draw(org, graph)
    except pictures.NoPicture as error:
        raise Http404(str(error)) from None
    title, description = pictures.with_caption(dot, title, description, sources.caption(_sources(request)))
    fmt = request.resolver_match.kwargs["fmt"]
    # No Content-Disposition: the page cache keeps only the body and its type; the pages'
    # download links name the file instead.
    return HttpResponse(pictures.render(dot, title, description, fmt), content_type=pictures.FORMATS[fmt])


def _system_diagram(org, graph):
    if org.parent_id is not None:
        raise pictures.NoPicture(f"{org.name} is not a system: its system's diagram is at its ICB.")
    return pictures.system_diagram(graph)


def _ladder(org, graph):
    if org.parent_id is None or graph.top_board is None or org.pk == graph.top_board.pk:
        raise pictures.NoPicture(f"{org.name} has no path to draw.")
    return pictures.ladder_diagram(graph.path(org.pk))


@cached_page
@as_of_page
def diagram(request, code, fmt, date: datetime.date):
    """``/organisations/<ICB>/diagram.svg`` (or ``.png``): the system's bodies and seats, as of ``?date=``."""
    return _picture(request, code, date, _system_diagram)


@cached_page
@as_of_page
def ladder(request, code, fmt, date: datetime.date):
    """``/organisations/<code>/ladder.svg`` (or ``.png``): an organisation's path, as of ``?date=``."""
    return _picture(request, code, date, _ladder)


@cached_page
@as_of_page
def person_detail(request, pk, date: datetime.date):
    """Every seat a person holds or held, by date, with their interlocks at the as-of date."""
    person = get_object_or_404(Person, pk=pk)
    record = person_record(person, date, version=data_version(request).key)
    return render(request, "governance/person.html", {"person": person, "date": date, **record})


@cached_page
@as_of_page
def compare(request, date: datetime.date):
    """Every system side by side, sortable with ``?sort=`` (a column, ``-`` first for descending)."""
    sort = request.GET.get("sort")
    found = comparison.compare_systems(date, sort, version=data_version(request).key)
    context = {**found, "date": date, "keep": {"sort": sort} if sort else {}}
    return render(request, "governance/compare.html", context)


@cached_page
@as_of_page
def system_timeline(request, code, date: datetime.date):
    """``/systems/<code>/timeline/?from=&to=``: what changed in a system, by month (default: the
    twelve months to ``?date=``, itself by default today)."""
    if not can_match(code):
        raise Http404("No system has that code.")
    version = data_version(request).key
    try:
        system = timeline.find_system(code, version=version)
    except timeline.UnknownSystem as error:
        raise Http404(str(error)) from None
    texts = {name: request.GET.get(name, "").strip() for name in ("from", "to")}
    try:
        start, end = timeline.period(texts["from"], texts["to"], today=date)
    except timeline.BadPeriod as error:
        fields = _period_fields(texts, error)
        named = {"code": system.code, "name": as_of.england(version).name_on(system.pk, date)}
        context = {"system": named, "fields": fields, "error": error}
        return render(request, "governance/timeline.html", context, status=400)
    answer = timeline.timeline(system.pk, start, end, version=version)
    context = {
        "system": answer["system"],  # named as of the period's end
        "start": start,
        "end": end,
        "fields": _period_fields({"from": start.isoformat(), "to": end.isoformat()}),
        "timeline": answer,
        "tally": timeline.tally(answer["counts"]),
        "months": timeline.by_month(answer["events"]),
        "sources": _sources(request),
    }
    return render(request, "governance/timeline.html", context)


def _period_fields(values: dict, error: "timeline.BadPeriod | None" = None) -> list[dict]:
    """The timeline's from/to inputs as typed, the one at fault carrying the error."""
    fields = []
    for name, label in (("from", "From"), ("to", "To")):
        at_fault = error is not None and error.parameter == name
        fields.append({"name": name, "label": label, "value": values[name], "error": str(error) if at_fault else None})
    return fields
