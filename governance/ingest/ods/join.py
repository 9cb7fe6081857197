"""Join the files into the organisations, dated links, successions and datasets they describe (the join stage).

``read_snapshot`` takes the files as read (``read.ReadFiles``) and, with ``timeline`` (what
happened when), ``units`` (the units the files name), ``division`` (the division tables
checked against them), ``seen`` (what a snapshot adds) and ``datasets``, gives the
``Snapshot``: every unit kept, placed as of today, its dated links checked against each
other, the successions and one ``Dataset`` row per role. Bad codes, placements and lengths
are refused naming their place in the files; data anomalies are noted in the ``Summary``.
Must not read the database nor write anything.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from governance.domain import rules
from governance.domain.links import Span, check_links, tree_parent
from governance.domain.periods import Period
from governance.ingest.ods import OdsImportError, seen, timeline
from governance.ingest.ods.datasets import wanted_datasets
from governance.ingest.ods.division import check_official_division, check_unit_division, report_unused
from governance.ingest.ods.files import CLOSED, OdsFileError, where
from governance.ingest.ods.read import ReadFiles
from governance.ingest.ods.summary import Summary
from governance.ingest.ods.timeline import Segment
from governance.ingest.ods.units import (
    Unit,
    check_codes,
    icb_units,
    not_imported_reason,
    pcn_units,
    place_units,
    sort_practices,
)
from governance.models import Kind, Organisation, Relation, code_problem

FIELD_LIMITS = {name: Organisation._meta.get_field(name).max_length for name in ("code", "name", "postcode", "region")}
FILES_APART = datetime.timedelta(days=365)


@dataclass(frozen=True, slots=True)
class Wanted:
    """An organisation as the files describe it (today); parent and sub-ICB by code."""

    kind: str
    code: str
    name: str
    parent: str | None
    sub_icb: str | None = None
    opened: datetime.date | None = None
    closed: datetime.date | None = None
    postcode: str = ""
    region: str = ""


@dataclass(frozen=True, slots=True)
class WantedLink:
    """A dated link as the files describe it; child and parent by code."""

    child: str
    relation: str
    parent: str
    start: datetime.date | None
    end: datetime.date | None
    source: str
    start_exact: bool = True
    end_exact: bool = True

    @property
    def key(self) -> tuple:
        return (self.child, self.relation, self.start)


@dataclass(frozen=True, slots=True)
class WantedSuccession:
    predecessor: str
    successor: str
    date: datetime.date
    type: str
    source: str


@dataclass
class Snapshot:
    """What the files say, checked against each other."""

    wanted: dict[str, Wanted]  # ICBs, places, PCNs and practices kept, by code
    links: list[WantedLink]
    successions: dict[tuple[str, str], WantedSuccession]
    datasets: dict[str, dict]  # role → Dataset fields (DATASET_FIELDS)
    close_dates: dict[str, datetime.date]  # close dates the files state, for rows not wanted
    data_dates: dict[str, datetime.date]  # by kind (pcn, practice): the data date of the file
    left_alone: set[str]  # active practices the import could not place: their rows stay as they are
    names: list = field(default_factory=list)  # seen.WantedName: names of their dates
    patients: dict[str, dict] = field(default_factory=dict)  # code → RegisteredPatients fields


def parent_today(unit: Unit, spans: list[Span], units: dict[str, Unit], today: datetime.date) -> str | None:
    """The code of a unit's tree parent today, by the one rule (``domain.links.tree_parent``)."""
    return tree_parent(unit.kind, spans, unit.period, today, lambda code, day: units[code].open_on(day))


def sub_icb_today(spans: list[Span], day: datetime.date) -> str | None:
    """A practice's own sub-ICB location on ``day`` (else the latest before it)."""
    own = sorted(
        (span for span in spans if span.relation == Relation.PRACTICE_SUB_ICB),
        key=lambda span: span.period.sort_key,
    )
    holding = next((span for span in own if span.holds_on(day)), None)
    if holding is None:
        before = [span for span in own if span.start is None or span.start <= day]
        holding = before[-1] if before else (own[0] if own else None)
    return holding.parent if holding else None


def note_today(
    units: dict[str, Unit], parents: dict[str, str | None], sub_icbs: dict, today: datetime.date, summary: Summary
) -> None:
    """The anomalies of today's structure: practices in no PCN or in one run from elsewhere, empty PCNs."""
    with_practices = set()
    for code, unit in units.items():
        if unit.kind != Kind.PRACTICE or not unit.open_on(today):
            continue
        parent, own = parents[code], sub_icbs[code]
        if units[parent].kind == Kind.PLACE:
            summary.anomaly("practice_no_pcn", f"{code} ({own})")
            continue
        with_practices.add(parent)
        lead = parents[parent]
        if lead != own:
            own_icb, pcn_icb = parents.get(own), parents.get(lead)
            if own_icb != pcn_icb:
                summary.anomaly("cross_icb", f"{code} ({own}, {own_icb}) in {parent} ({lead}, {pcn_icb})")
            else:
                summary.anomaly("cross_sub_icb", f"{code} ({own}) in {parent} ({lead})")
    for code, unit in units.items():
        if unit.kind == Kind.PCN and unit.open_on(today) and code not in with_practices:
            summary.anomaly("pcn_no_practice", code)


def read_snapshot(read: ReadFiles, summary: Summary, today: datetime.date) -> Snapshot:
    """Join the files into the organisations, dated links and successions they describe, placed as of ``today``.

    Raises OdsFileError on dangling codes and files that contradict each other. Data
    anomalies (see ANOMALIES) do not stop the import: they are noted in ``summary``.
    """
    epraccur, epcn = read.epraccur, read.epcn
    reorg = timeline.reorganisation(
        read.lookup, read.successions, read.sub_icb_division, read.unit_division, read.division, summary
    )
    segments: dict[tuple[str, str], list[Segment]] = {}
    close_dates: dict[str, datetime.date] = {}

    icbs = icb_units(read, reorg, summary)
    places = place_units(read, reorg)
    check_codes({**icbs, **places})
    for code in places:
        location = read.lookup.locations.get(code)
        segments[code, Relation.SUB_ICB_ICB] = reorg.place_segments(code, location.icb_code if location else None)
    pcns = pcn_units(read, reorg, places, segments, close_dates, summary)
    check_codes(pcns)
    kept, unplaced = sort_practices(epraccur, places, summary, close_dates)
    practices = {
        code: Unit(
            Kind.PRACTICE,
            code,
            record.name,
            where(epraccur.path, row=record.row),
            opened=record.opened,
            closed=record.closed if record.status == CLOSED else None,
            postcode=record.postcode,
        )
        for code, record in kept.items()
    }
    check_codes(practices)
    records = {record.code: record for record in epraccur.practices}
    memberships = timeline.resolve_memberships(
        epcn,
        {code: (unit.opened, unit.closed) for code, unit in practices.items()},
        {code: (unit.opened, unit.closed) for code, unit in pcns.items()},
        lambda code: not_imported_reason(records.get(code)),
        summary,
    )
    epcn_source = timeline.source_of(epcn.path, epcn.data_date)
    for code, practice_memberships in memberships.items():
        segments[code, Relation.PCN_MEMBER] = [
            Segment(m.pcn, m.start, m.end, epcn_source) for m in practice_memberships
        ]
    if read.practice_map is not None:
        units_so_far = {**places, **pcns, **practices}
        seen.apply_snapshot(read.practice_map, segments, units_so_far, Unit, summary)
        for code, unit in units_so_far.items():
            if unit.kind == Kind.PCN and code not in pcns:
                pcns[code] = unit
        check_codes(pcns)
    seen.official_moves(read.renames, segments)
    if read.division is not None:
        check_official_division(read, reorg, places, kept, summary)
    if read.unit_division is not None:
        check_unit_division(read, reorg)
    epraccur_source = timeline.source_of(epraccur.path, epraccur.data_date)
    pcn_segments = {code: segments[code, Relation.PCN_SUB_ICB] for code in pcns}
    for code, record in kept.items():
        own = memberships.get(code, [])

        def pcn_on(day: datetime.date, own=own) -> str | None:
            return next((m.pcn for m in own if Period(m.start, m.end).holds_on(day)), None)

        segments[code, Relation.PRACTICE_SUB_ICB] = reorg.practice_segments(
            record, epraccur_source, pcn_on, pcn_segments, summary
        )
    report_unused(read, reorg, places, kept, pcns, summary)

    links = [
        WantedLink(
            child,
            relation,
            segment.parent,
            segment.start,
            segment.end,
            segment.source,
            segment.start_exact,
            segment.end_exact,
        )
        for (child, relation), child_segments in segments.items()
        for segment in child_segments
    ]
    spans: dict[str, list[Span]] = defaultdict(list)
    for link in links:
        spans[link.child].append(Span(link.child, link.relation, link.parent, link.start, link.end))
    try:
        check_links([span for child_spans in spans.values() for span in child_spans])
    except rules.RuleError as error:  # the import resolves what the files overlap: this would be its own bug
        raise OdsImportError(f"the import would write overlapping links: {error}") from None

    lookup_names = {code: unit.name for code, unit in places.items()}
    names = seen.dated_names(read.renames, read.practice_map, lookup_names, summary)
    named: dict[str, list] = defaultdict(list)
    for name in names:
        named[name.code].append(name)
    for code, place_names in named.items():
        places[code].name = seen.name_on(place_names, places[code].day_of(today)) or places[code].name

    units = {**icbs, **places, **pcns, **practices}
    parents = {code: parent_today(unit, spans.get(code, []), units, today) for code, unit in units.items()}
    sub_icbs = {code: sub_icb_today(spans[code], practices[code].day_of(today)) for code in practices}
    note_today(units, parents, sub_icbs, today, summary)

    wanted: dict[str, Wanted] = {}
    for unit in units.values():
        want(
            wanted,
            Wanted(
                unit.kind,
                unit.code,
                unit.name,
                parents[unit.code],
                sub_icb=sub_icbs.get(unit.code),
                opened=unit.opened,
                closed=unit.closed,
                postcode=unit.postcode,
                region=unit.region,
            ),
            unit.place,
        )

    if epraccur.data_date and epcn.data_date and abs(epraccur.data_date - epcn.data_date) > FILES_APART:
        summary.anomaly("files_apart", f"epraccur {epraccur.data_date}, ePCN {epcn.data_date}")

    successions_source = timeline.source_of(read.successions.path, read.successions.data_date)
    successions = {
        (s.predecessor, s.successor): WantedSuccession(s.predecessor, s.successor, s.date, s.type, successions_source)
        for s in reorg.successions
    }
    summary.in_files.update(organisation.kind for organisation in wanted.values())
    summary.in_files["succession"] = len(successions)
    summary.links_in_files.update(link.relation for link in links)
    return Snapshot(
        wanted=wanted,
        links=links,
        successions=successions,
        datasets=wanted_datasets(read),
        close_dates=close_dates,
        data_dates={Kind.PRACTICE: epraccur.data_date or today, Kind.PCN: epcn.data_date or today},
        left_alone=unplaced,
        names=names,
        patients=seen.patient_rows(read.patients, read.practice_map.region_names if read.practice_map else {}, summary),
    )


def want(wanted: dict[str, Wanted], organisation: Wanted, place: str) -> None:
    """Add an organisation to ``wanted``, refusing (naming ``place``) a code, placement or length the rules refuse.

    Parents are wanted before their children: ICBs, places, PCNs, practices.
    """
    other = wanted.get(organisation.code)
    if other is not None and other.kind != organisation.kind:
        raise OdsFileError(f"{place}: code {organisation.code} is also a {other.kind} in the files")
    problem = code_problem(organisation.code)
    if problem:
        raise OdsFileError(f"{place}: {problem}")
    parent = wanted.get(organisation.parent) if organisation.parent else None
    try:  # by construction the import keeps the table, and this says so
        rules.check_placement(organisation.kind, parent.kind if parent else None)
    except rules.RuleError as error:
        raise OdsFileError(f"{place}: {organisation.code}: {error}") from None
    for name, limit in FIELD_LIMITS.items():
        if len(getattr(organisation, name)) > limit:
            raise OdsFileError(f"{place}: {name} {getattr(organisation, name)!r} is longer than {limit} characters")
    wanted[organisation.code] = organisation
