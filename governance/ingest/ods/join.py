"""Join the files into the organisations, dated links, successions and datasets they describe (the join stage).

``read_snapshot`` takes the files as read (``read.ReadFiles``) and, with ``timeline`` (what
happened when), gives the ``Snapshot``: every unit kept, placed as of today, its dated
links checked against each other, the successions and one ``Dataset`` row per role. Bad
codes, placements and lengths are refused naming their place in the files; data
anomalies are noted in the ``Summary``. Must not read the database nor write anything.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from governance.domain import rules
from governance.domain.links import Span, check_links, tree_parent
from governance.domain.periods import Period
from governance.ingest.ods import OdsImportError, seen, timeline
from governance.ingest.ods.files import (
    ACTIVE,
    CLOSED,
    ICBS_ESTABLISHED,
    PCN_SHEET,
    Epraccur,
    OdsFileError,
    PracticeRecord,
    where,
)
from governance.ingest.ods.read import ReadFiles
from governance.ingest.ods.summary import Summary
from governance.ingest.ods.timeline import ONE_DAY, Segment
from governance.models import Dataset, DatasetRole, Kind, Organisation, Relation, code_problem

FIELD_LIMITS = {name: Organisation._meta.get_field(name).max_length for name in ("code", "name", "postcode", "region")}
FILES_APART = datetime.timedelta(days=365)
ICB_NAME_ENDING = " Integrated Care Board"  # as the lookup names them: "NHS Frimley Integrated Care Board"

# Where the shipped files came from, for the Dataset rows (fixtures/ods/README.md says more).
SHIPPED_DATASETS = {
    "epraccur_2026-02.csv.gz": (
        "February 2026",
        "NHS England ODS epraccur (Data Search & Export layout), re-hosted by "
        "benstanbury/antibiotic-prescribing-analysis, data/raw/epraccur.csv, commit 8757853 "
        "(Open Government Licence v3.0)",
    ),
    "ePCN_2025-01.xlsx": (
        "January 2025",
        "NHS England ODS ePCN workbook, re-hosted by efejiroe/r-tutorials, data/ePCN.xlsx, commit ad9f875 "
        "(Open Government Licence v3.0)",
    ),
    # A snapshot and dated events: their data dates say how old they are ("as at 1 July 2022").
    "LOC22_ICB22_NHSER22_EN_LU.csv": (
        "",
        "ONS Sub-ICB Locations to ICBs to NHS England Regions (July 2022), re-hosted by "
        "craig-shenton/cqc-icb-lookup, commit 2415e27 (Open Government Licence v3.0)",
    ),
    "icb_successions_2026-04.csv": (
        "",
        "ODS succession records of the ICBs of 1 April 2026, transcribed for icsmap (../shared/data/ods/SOURCES.md)",
    ),
    "sub_icb_division_2026-04.csv": (
        "",
        "icsmap's division of the closed ICBs by sub-ICB location and of Frimley by place, each row with its "
        "basis (fixtures/ods/README.md)",
    ),
    "gp-reg-pat-prac-map_2026-08.zip": (
        "August 2026",
        "NHS England Digital, Patients Registered at a GP Practice, mapping file (extract 1 August 2026), "
        "re-hosted by robg-test/icb-map, data/nhs/gp-reg-pat-prac-map.zip, commit 3677cdc "
        "(Open Government Licence v3.0)",
    ),
    "gp_registered_patients_2026-08.csv": (
        "August 2026",
        "NHS England Digital, Patients Registered at a GP Practice, totals of gp-reg-pat-prac-sing-age-regions.zip "
        "(extract 1 August 2026), re-hosted by robg-test/icb-map, commit 3677cdc (Open Government Licence v3.0)",
    ),
    "sub_icb_renames_2026-04.csv": (
        "November 2025",
        "NHS England ODS, ICB Mergers Phase 1 April 2026 Change Summary v1, sheet SICBL Changes, re-hosted by "
        "Will-Suvera/Tech-growth-map, commit 0449113 (Open Government Licence v3.0)",
    ),
    "ods_gp_practice_moves_2026-04.csv": (
        "November 2025",
        "NHS England ODS, ICB Mergers Phase 1 April 2026 Change Summary v1, sheet GP Practice Moves, re-hosted by "
        "Will-Suvera/Tech-growth-map, commit 0449113 (Open Government Licence v3.0)",
    ),
}
DATASET_FIELDS = ("file", "data_date", "published", "source")


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


@dataclass
class Unit:
    """A unit the files name, before its parent of today is known."""

    kind: str
    code: str
    name: str
    place: str  # where the files give it, for messages
    opened: datetime.date | None = None
    closed: datetime.date | None = None
    postcode: str = ""
    region: str = ""

    @property
    def period(self) -> Period:
        return Period(self.opened, self.closed)

    def open_on(self, day: datetime.date) -> bool:
        return self.period.holds_on(day)

    def day_of(self, today: datetime.date) -> datetime.date:
        """The day whose links make its tree parent: today, else its last day (closed) or first (not yet open)."""
        return self.period.clamp(today)


def check_codes(units: dict[str, "Unit"]) -> None:
    """Refuse, naming its place in the files, a code the code rule refuses (before anything uses it)."""
    for unit in units.values():
        problem = code_problem(unit.code)
        if problem:
            raise OdsFileError(f"{unit.place}: {problem}")


def practice_skip_reason(record: PracticeRecord) -> str | None:
    """Why an epraccur row is not a practice of our trees (None: it is, if its sub-ICB is known)."""
    if record.in_wales:
        return "in Wales"
    if not record.gp_practice:
        return "other prescribing setting"
    if record.status == CLOSED:
        if record.closed is not None and record.closed >= ICBS_ESTABLISHED:
            return None
        return "closed before July 2022"
    if record.status != ACTIVE:
        return record.status  # dormant or proposed
    return None


def sort_practices(
    epraccur: Epraccur, places: dict[str, Unit], summary: Summary, close_dates: dict
) -> tuple[dict[str, PracticeRecord], set[str]]:
    """(the English GP practices kept, by code; the active ones whose sub-ICB is unknown).

    Kept: active ones, and closed ones open on or after 1 July 2022, whose sub-ICB location
    is known. The other rows are counted as skipped, and their close dates go into ``close_dates``.
    """
    kept, unplaced = {}, set()
    for record in epraccur.practices:
        reason = practice_skip_reason(record)
        if reason is None and record.sub_icb not in places:
            if record.status == ACTIVE:
                summary.anomaly("practice_sub_icb_unknown", f"{record.code} ({record.sub_icb or 'none'})")
                unplaced.add(record.code)
                continue
            reason = "closed, sub-ICB not in the lookup"
        if reason is None:
            kept[record.code] = record
        else:
            summary.skipped[(Kind.PRACTICE, reason)] += 1
            if record.closed is not None:
                close_dates[record.code] = record.closed
    return kept, unplaced


def icb_name(name: str) -> str:
    """An ICB's name as the lookup gives them: "NHS Essex" → "NHS Essex Integrated Care Board"."""
    return name if name.endswith(ICB_NAME_ENDING) else f"{name}{ICB_NAME_ENDING}"


def icb_units(read: ReadFiles, reorg: timeline.Reorganisation, summary: Summary) -> dict[str, Unit]:
    """The lookup's ICBs, and those of its successions the lookup does not name, with their dates."""
    icbs: dict[str, Unit] = {}
    for location in read.lookup.locations.values():
        if location.icb_code not in icbs:
            icbs[location.icb_code] = Unit(
                Kind.ICB,
                location.icb_code,
                location.icb_name,
                where(read.lookup.path, row=location.row),
                opened=reorg.icb_opened(location.icb_code),
                closed=reorg.closing.get(location.icb_code),
                region=location.region,
            )
    regions: dict[str, list[str]] = defaultdict(list)
    for succession in reorg.successions:
        if succession.predecessor in icbs:
            regions[succession.successor].append(icbs[succession.predecessor].region)
    for succession in reorg.successions:
        code = succession.successor
        if code in icbs:
            continue
        found = list(dict.fromkeys(regions[code]))
        if len(found) > 1:
            summary.anomaly("successor_regions", f"{code} ({', '.join(found)})")
        icbs[code] = Unit(
            Kind.ICB,
            code,
            icb_name(succession.successor_name),
            where(read.successions.path, row=succession.row),
            opened=reorg.icb_opened(code),
            closed=reorg.closing.get(code),
            region=found[0] if found else "",
        )
    for succession in reorg.successions:
        code = succession.predecessor
        if code not in icbs:  # a lookup of after the succession: the closed ICB is not in it
            icbs[code] = Unit(
                Kind.ICB,
                code,
                icb_name(succession.predecessor_name),
                where(read.successions.path, row=succession.row),
                opened=ICBS_ESTABLISHED,
                closed=reorg.closing[code],
                region=icbs[succession.successor].region,
            )
    return icbs


def place_units(read: ReadFiles, reorg: timeline.Reorganisation) -> dict[str, Unit]:
    """The lookup's sub-ICB locations, and those the division closes or opens that it does not name."""
    places: dict[str, Unit] = {}
    for location in read.lookup.locations.values():
        places[location.code] = Unit(
            Kind.PLACE, location.code, location.name, where(read.lookup.path, row=location.row)
        )
    division = read.sub_icb_division.path
    for code, shares in reorg.shares.items():
        if code not in places:
            places[code] = Unit(Kind.PLACE, code, shares[0].sub_icb_name or code, where(division, row=shares[0].row))
    for code, share in [*reorg.new_places.items(), *reorg.receiving.items()]:
        if code not in places:
            name = share.successor_sub_icb_name or code
            places[code] = Unit(Kind.PLACE, code, name, where(division, row=share.row))
    for code, place in places.items():
        if code in reorg.new_places:
            place.opened = reorg.share_date(reorg.new_places[code])
        if code in reorg.divided:
            place.closed = reorg.divided[code] - ONE_DAY
    return places


def pcn_units(
    read: ReadFiles,
    reorg: timeline.Reorganisation,
    places: dict[str, Unit],
    segments: dict,
    close_dates: dict,
    summary: Summary,
) -> dict[str, Unit]:
    """The PCNs kept (open ones; closed ones closed since 1 July 2022 whose sub-ICB is known), with their links."""
    epcn, lookup = read.epcn, read.lookup
    source = timeline.source_of(epcn.path, epcn.data_date)
    pcns: dict[str, Unit] = {}
    for pcn in epcn.pcns.values():
        place = where(epcn.path, sheet=PCN_SHEET, row=pcn.row)
        if pcn.closed is not None:
            # Closed PCNs may name CCGs that no longer exist: they are kept only if they can be placed.
            reason = None
            if pcn.closed < ICBS_ESTABLISHED:
                reason = "closed before July 2022"
            elif pcn.sub_icb not in places:
                reason = "closed, sub-ICB not in the lookup"
            if reason:
                summary.skipped[(Kind.PCN, reason)] += 1
                close_dates[pcn.code] = pcn.closed
                continue
        elif pcn.sub_icb not in places:
            raise OdsFileError(
                f"{place}: PCN {pcn.code} is run from sub-ICB {pcn.sub_icb}, which is not in {lookup.path.name}"
            )
        pcns[pcn.code] = Unit(Kind.PCN, pcn.code, pcn.name, place, opened=pcn.opened, closed=pcn.closed)
        segments[pcn.code, Relation.PCN_SUB_ICB] = reorg.pcn_segments(pcn, source, summary)
    return pcns


def check_unit_division(read: ReadFiles, summary: Summary) -> None:
    """Each row of the unit division that names no PCN of the ePCN file or practice of epraccur, in the report.

    Such a row is not used: the files may be part of England (a slice), so it is not refused, but
    it is never ignored without a word (the report lists it with its line).
    """
    division = read.unit_division
    known = {"pcn": (read.epcn.pcns, read.epcn.path.name), "practice": (practice_codes(read), read.epraccur.path.name)}
    for share in [*division.pcns.values(), *division.practices.values()]:
        codes, file_name = known[share.unit]
        if share.code not in codes:
            place = where(division.path, row=share.row)
            summary.anomaly("division_unit_unknown", f"{place}: {share.unit} {share.code} (not in {file_name})")


def practice_codes(read: ReadFiles) -> set[str]:
    """The codes of every row of epraccur."""
    return {record.code for record in read.epraccur.practices}


def check_official_division(
    read: ReadFiles,
    reorg: timeline.Reorganisation,
    places: dict[str, Unit],
    kept: dict[str, PracticeRecord],
    summary: Summary,
) -> None:
    """Each row of the official per-practice table names a known sub-ICB location its practice's went to."""
    division = read.division
    for move in division.practices.values():
        place = where(division.path, row=move.row)
        if move.sub_icb not in places:
            raise OdsFileError(f"{place}: sub-ICB location {move.sub_icb} is in neither the lookup nor the division")
        record = kept.get(move.practice)
        if record is None:
            summary.skipped[("division", "practice not imported")] += 1
            continue
        if record.sub_icb not in reorg.divided:
            if move.sub_icb != record.sub_icb:
                summary.anomaly("division_not_applied", f"{move.practice} ({record.sub_icb})")
            continue
        went = reorg.successors_of(record.sub_icb)
        if move.sub_icb not in went:
            raise OdsFileError(
                f"{place}: {move.practice} is in {record.sub_icb}, which went to {', '.join(sorted(went))}, "
                f"not to {move.sub_icb}"
            )


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


def wanted_datasets(read: ReadFiles) -> dict[str, dict]:
    """One Dataset row per role: the file, its data date, when it was published (in words), its source.

    Only the shipped files' publication and source are known (``SHIPPED_DATASETS``); for any
    other file they stay empty and the pages date it by its data date (``reading.sources``).
    """

    def row(path: Path, data_date) -> dict:
        published, source = SHIPPED_DATASETS.get(Path(path).name, ("", ""))
        return {"file": Path(path).name, "data_date": data_date, "published": published, "source": source}

    datasets = {
        DatasetRole.PRACTICES: row(read.epraccur.path, read.epraccur.data_date),
        DatasetRole.PCNS: row(read.epcn.path, read.epcn.data_date),
        DatasetRole.LOOKUP: row(read.lookup.path, read.lookup.as_at),
        DatasetRole.SUCCESSIONS: row(read.successions.path, read.successions.data_date),
    }
    division = row(read.sub_icb_division.path, read.successions.data_date)
    tables = [read.sub_icb_division, read.unit_division, read.division]
    division["file"] = " + ".join(Path(table.path).name for table in tables if table is not None)
    if read.division is not None:
        division["source"] = (
            f"{division['source']}; the official ODS table {Path(read.division.path).name} for the practices it lists"
        ).lstrip("; ")
    datasets[DatasetRole.DIVISION] = division
    if read.practice_map is not None:
        datasets[DatasetRole.SNAPSHOT] = row(read.practice_map.path, read.practice_map.day)
    if read.patients is not None:
        datasets[DatasetRole.PATIENTS] = row(read.patients.path, read.patients.day)
    if read.renames is not None:
        days = [rename.day for rename in read.renames.renames.values()]
        datasets[DatasetRole.NAMES] = row(read.renames.path, max(days, default=None))
    limits = {name: Dataset._meta.get_field(name).max_length for name in ("file", "published", "source")}
    return {
        role: {name: value[: limits[name]] if name in limits else value for name, value in fields.items()}
        for role, fields in datasets.items()
    }


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

    def not_imported(code: str) -> str:
        record = records.get(code)
        if record is None:
            return "not in epraccur"
        return practice_skip_reason(record) or "sub-ICB not in the lookup"

    memberships = timeline.resolve_memberships(
        epcn,
        {code: (unit.opened, unit.closed) for code, unit in practices.items()},
        {code: (unit.opened, unit.closed) for code, unit in pcns.items()},
        not_imported,
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
        check_unit_division(read, summary)
    epraccur_source = timeline.source_of(epraccur.path, epraccur.data_date)
    pcn_segments = {code: segments[code, Relation.PCN_SUB_ICB] for code in pcns}
    for code, record in kept.items():
        own = memberships.get(code, [])

        def pcn_on(day: datetime.date, own=own) -> str | None:
            return next((m.pcn for m in own if Period(m.start, m.end).holds_on(day)), None)

        segments[code, Relation.PRACTICE_SUB_ICB] = reorg.practice_segments(
            record, epraccur_source, pcn_on, pcn_segments, summary
        )

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
    names = seen.dated_names(read.renames, read.practice_map, lookup_names)
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
        patients=seen.patient_rows(read.patients, read.practice_map.region_names if read.practice_map else {}),
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
