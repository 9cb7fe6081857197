"""The units the files name, before their parents of today are known (the join stage).

ICBs (the lookup's, and the successions' it does not name), sub-ICB locations (the lookup's,
and those the division closes or opens), the PCNs and practices kept, each a ``Unit`` with its
dates and its place in the files; the rows not kept counted in the ``Summary`` with their
reason. ``join.read_snapshot`` places them. Must not read the database nor write anything.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from governance.domain.periods import Period
from governance.ingest.ods import timeline
from governance.ingest.ods.files import (
    ACTIVE,
    CLOSED,
    ICBS_ESTABLISHED,
    PCN_SHEET,
    Epraccur,
    OdsFileError,
    PcnRecord,
    PracticeRecord,
    where,
)
from governance.ingest.ods.read import ReadFiles
from governance.ingest.ods.summary import Summary
from governance.ingest.ods.timeline import ONE_DAY
from governance.models import Kind, Relation, code_problem

ICB_NAME_ENDING = " Integrated Care Board"  # as the lookup names them: "NHS Frimley Integrated Care Board"


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


def not_imported_reason(record: PracticeRecord | None) -> str:
    """Why an epraccur row (None: no row) is not a practice the import keeps."""
    if record is None:
        return "not in epraccur"
    return practice_skip_reason(record) or "sub-ICB not in the lookup"


def pcn_skip_reason(pcn: PcnRecord, places: dict[str, Unit]) -> str | None:
    """Why a PCN of the ePCN file is not kept (None: it is, and an open one must be placed)."""
    if pcn.closed is None:
        return None
    # Closed PCNs may name CCGs that no longer exist: they are kept only if they can be placed.
    if pcn.closed < ICBS_ESTABLISHED:
        return "closed before July 2022"
    if pcn.sub_icb not in places:
        return "closed, sub-ICB not in the lookup"
    return None


def sort_practices(
    epraccur: Epraccur, places: dict[str, Unit], summary: Summary, close_dates: dict
) -> tuple[dict[str, PracticeRecord], set[str]]:
    """(the English GP practices kept, by code; the active ones whose sub-ICB is unknown).

    Kept: active ones, and closed ones open on or after 1 July 2022, whose sub-ICB location
    is known. The other rows are skipped with their reason, and their close dates go into ``close_dates``.
    """
    kept, unplaced = {}, set()
    for record in epraccur.practices:
        reason = practice_skip_reason(record)
        if reason is None and record.sub_icb not in places:
            if record.status == ACTIVE:
                summary.anomaly("practice_sub_icb_unknown", f"{record.code} ({record.sub_icb or 'none'})")
                summary.skip(Kind.PRACTICE, "active, sub-ICB not in the lookup", row_of(record, epraccur))
                unplaced.add(record.code)
                continue
            reason = "closed, sub-ICB not in the lookup"
        if reason is None:
            kept[record.code] = record
        else:
            summary.skip(Kind.PRACTICE, reason, row_of(record, epraccur))
            if record.closed is not None:
                close_dates[record.code] = record.closed
    return kept, unplaced


def row_of(record: PracticeRecord, epraccur: Epraccur) -> str:
    """An epraccur row as the report names it: "W91002 (epraccur.csv, row 7)"."""
    return f"{record.code} ({where(epraccur.path, row=record.row)})"


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
        reason = pcn_skip_reason(pcn, places)
        if reason:
            summary.skip(Kind.PCN, reason, f"{pcn.code} ({place})")
            close_dates[pcn.code] = pcn.closed
            continue
        if pcn.closed is None and pcn.sub_icb not in places:
            raise OdsFileError(
                f"{place}: PCN {pcn.code} is run from sub-ICB {pcn.sub_icb}, which is not in {lookup.path.name}"
            )
        pcns[pcn.code] = Unit(Kind.PCN, pcn.code, pcn.name, place, opened=pcn.opened, closed=pcn.closed)
        segments[pcn.code, Relation.PCN_SUB_ICB] = reorg.pcn_segments(pcn, source, summary)
    return pcns
