"""Import England's ICBs, sub-ICB locations, PCNs and GP practices from NHS ODS files, with their history.

Each ICB is the root of its own tree: ICB → sub-ICB location (kind ``place``) → PCN →
practice. ICB and region come from the lookup, never from epraccur. The tree is the
structure of *today* (``import_ods(today=…)``, default the local date); the past is kept
as dated links (``Link``), open and close dates and successions:

- **ICBs** open on 1 July 2022 (the lookup of 2022 is as at their establishment). Every
  predecessor in the successions (``icb_successions_2026-04.csv``) closes the day before its
  succession; a successor that did not exist opens that day (named like the others, in its
  predecessors' region). Each succession is kept (type, date, source).
- **Sub-ICB location → ICB** (``SUB_ICB_ICB``): from the day its ICB opened; a sub-ICB
  location of a closed ICB moves to its successor on the day of the succession
  (``sub_icb_division_*.csv``). One divided by place (Frimley's D4U1Y) closes the day
  before; the new ones it went to open that day. A lookup of 2026 or later names the
  successors: the same tables, read the other way round, give the links before.
- **PCN → sub-ICB location** (``PCN_SUB_ICB``): from its opening to its closing; a divided
  one's PCNs move whole on the day (``frimley_division_*.csv``).
- **Practice → sub-ICB location** (``PRACTICE_SUB_ICB``): from the day it joined (epraccur
  column 16; else its opening) to its closing; a divided one's practices go where the
  official ODS table puts them (``--division``), else where their PCN went that day, else
  where the practice division puts them.
- **Practice → PCN** (``PCN_MEMBER``): every ePCN membership, ended ones too, clipped to
  the practice's and PCN's dates; overlaps in the file are resolved (the later start wins)
  and noted, never refused.
- Kept: active English GP practices, and closed ones open on or after 1 July 2022; open
  PCNs, and closed ones closed on or after then whose sub-ICB location is known. The
  memberships of anything not kept are dropped and counted.

A unit's tree parent is its link parent today (``governance.domain.links.parent_link_on``:
a practice's PCN while open, else its sub-ICB location); a closed unit keeps the parent it
had on its last day; a closed ICB stays a root. A practice's own sub-ICB location today is
kept in ``sub_icb`` even when its PCN is run from another sub-ICB (or ICB).

An import is an update, in three stages: read and check every file (``files``), work out
what the files want (``read_snapshot``, with ``timeline``), then, inside the tree lock,
compare that with the database (``plan_changes``, ``plan_history``) and write the
difference in bulk (``apply``). Nothing is written until every file has been read and
checked, and the writes share one transaction, so a failure leaves the database as it was.
Organisations, links, successions and the ``Dataset`` rows (one per role: file, data date,
when published, source) are all diffed: a re-import of the same files writes nothing at
all, and the data version moves only when something was written.

Ownership. Rows the import creates have ``source="ods"``: the import renames, moves,
closes and reopens them. Rows with ``source="governance"`` are used as they are —
as parents, as a practice's sub-ICB — and never changed; their codes are never
created twice, and the import writes no dated links of theirs (they sit under their
tree parent on every day).
Because the import would undo them, the admin and the API refuse moves, deletes and
changes of the fields it writes on its rows (``rules.check_ods_kept``); setting a row's
source to governance takes it over instead.

Codes and placement. Every code the files give keeps the code rule (``models.CODE_RULE``)
and every row its place in ``rules.PARENT_KINDS``, or the import stops naming the row.

Closing. Nothing is deleted. A practice or PCN the import owns that the files no longer
list gets ``closed`` = the close date the file gives it, or, when it gives none (a dormant
practice, or one gone from the file), the file's *data date*: the latest date that file
records (for epraccur: the latest opening of an active row or closing of any row); never
before the row's own opening. Its links end that day. A row that comes back open is
reopened (``closed`` emptied).

History. Bulk writes send no signals, so ``apply`` records a history row for each
organisation and link it creates, changes or removes, in bulk too (reason "ODS import").
"""

import datetime
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from governance.caching import versioning
from governance.domain import history, rules, tree, tree_check
from governance.domain.links import Span, check_links, parent_link_on
from governance.ingest.ods import OdsImportError, timeline
from governance.ingest.ods.files import (
    ACTIVE,
    CLOSED,
    ICBS_ESTABLISHED,
    PCN_SHEET,
    Epcn,
    Epraccur,
    Lookup,
    OdsFileError,
    PracticeDivision,
    PracticeRecord,
    SubIcbDivision,
    Successions,
    UnitDivision,
    read_epcn,
    read_epraccur,
    read_lookup,
    read_practice_division,
    read_sub_icb_division,
    read_successions,
    read_unit_division,
    where,
)
from governance.ingest.ods.timeline import ONE_DAY, Segment
from governance.models import (
    Dataset,
    DatasetRole,
    Kind,
    Link,
    Organisation,
    Relation,
    Source,
    Succession,
    code_problem,
)

SHIPPED_DIR = Path(settings.BASE_DIR) / "fixtures" / "ods"
IMPORTED_KINDS = (Kind.ICB, Kind.PLACE, Kind.PCN, Kind.PRACTICE)  # also the order of creation
CLOSABLE_KINDS = (Kind.PCN, Kind.PRACTICE)
STEPS = (
    "read epraccur",
    "read ePCN",
    "read lookup",
    "read successions and divisions",
    "check",
    "plan",
    "write",
    "rebuild tree",
)
BATCH = 1000
FIELD_LIMITS = {name: Organisation._meta.get_field(name).max_length for name in ("code", "name", "postcode", "region")}
FILES_APART = datetime.timedelta(days=365)
ICB_NAME_ENDING = " Integrated Care Board"  # as the lookup names them: "NHS Frimley Integrated Care Board"

ANOMALIES = {
    "practice_sub_icb_unknown": "active GP practices whose sub-ICB (epraccur column 24) is not in the lookup "
    "(not imported; rows already there left as they are)",
    "member_not_practice": "current PCN members that are not imported GP practices (membership dropped)",
    "membership_clipped": "memberships running past their practice's or PCN's close date (ended that day)",
    "membership_overlap": "memberships of one practice that overlap in the file (the later start wins)",
    "practice_no_pcn": "open practices with no PCN today (placed under their sub-ICB)",
    "cross_sub_icb": "practices in a PCN run from another sub-ICB of their ICB",
    "cross_icb": "practices in a PCN run from another ICB (they sit in that ICB's tree; sub_icb keeps their own)",
    "pcn_no_practice": "open PCNs with no open practice today",
    "not_in_lookup": "ICBs and places imported before that the lookup no longer has (left as they are)",
    "not_divided": "units of a divided sub-ICB location or ICB that no division table places (left where they were)",
    "division_not_applied": "practices in the official division table that are not in a divided sub-ICB location",
    "successor_regions": "new ICBs whose predecessors lie in more than one region (given the first)",
    "files_apart": "epraccur and ePCN data dates more than a year apart (PCN membership may be out of date)",
}

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
}
DATASET_FIELDS = ("file", "data_date", "published", "source")


class OdsConflictError(OdsImportError):
    """The database holds a code the files need, as something the import cannot use."""


@dataclass(frozen=True)
class OdsFiles:
    """The files of one import. ``division`` is the official ODS per-practice table, when a user has it."""

    epraccur: Path
    epcn: Path
    lookup: Path
    successions: Path = SHIPPED_DIR / "icb_successions_2026-04.csv"
    sub_icb_division: Path = SHIPPED_DIR / "sub_icb_division_2026-04.csv"
    unit_division: Path | None = SHIPPED_DIR / "frimley_division_2026-04.csv"
    division: Path | None = None


SHIPPED = OdsFiles(
    epraccur=SHIPPED_DIR / "epraccur_2026-02.csv.gz",
    epcn=SHIPPED_DIR / "ePCN_2025-01.xlsx",
    lookup=SHIPPED_DIR / "LOC22_ICB22_NHSER22_EN_LU.csv",
)


@dataclass
class ReadFiles:
    """Every file of an import, read and checked."""

    epraccur: Epraccur
    epcn: Epcn
    lookup: Lookup
    successions: Successions
    sub_icb_division: SubIcbDivision
    unit_division: UnitDivision | None
    division: PracticeDivision | None


@dataclass
class Summary:
    """What an import did (or, on a dry run, would do), by kind and by relation."""

    files: list[str] = field(default_factory=list)
    in_files: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)  # name, postcode, dates, region or sub-ICB
    moved: Counter = field(default_factory=Counter)
    closed: Counter = field(default_factory=Counter)
    reopened: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)  # governance rows used as they are
    links_in_files: Counter = field(default_factory=Counter)  # relation → links the files give
    links: Counter = field(default_factory=Counter)  # (relation, created/changed/removed) → links
    successions: Counter = field(default_factory=Counter)  # created/changed/removed → successions
    datasets: Counter = field(default_factory=Counter)  # created/changed → Dataset rows
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) → rows
    anomalies: dict[str, list[str]] = field(default_factory=dict)  # ANOMALIES key → examples
    dry_run: bool = False
    seconds: float = 0.0

    COLUMNS = ("created", "updated", "moved", "closed", "reopened", "kept")
    LINK_COLUMNS = ("created", "changed", "removed")

    @property
    def changed(self) -> int:
        """How many changes were counted (a row moved and renamed counts twice), links and the rest included."""
        organisations = sum(sum(getattr(self, column).values()) for column in self.COLUMNS[:-1])
        return organisations + sum(self.links.values()) + sum(self.successions.values()) + sum(self.datasets.values())

    def anomaly(self, key: str, example: str) -> None:
        self.anomalies.setdefault(key, []).append(example)

    def report(self, examples: int = 5) -> str:
        """The summary as text, for people."""
        lines = [*self.files, ""]
        lines.append(f"{'':18}{'in files':>10}" + "".join(f"{column:>10}" for column in self.COLUMNS))
        for kind in IMPORTED_KINDS:
            counts = [getattr(self, column)[kind] for column in self.COLUMNS]
            lines.append(f"{kind:18}{self.in_files[kind]:>10}" + "".join(f"{count:>10}" for count in counts))
        lines.append("")
        lines.append(f"{'links':18}{'in files':>10}" + "".join(f"{column:>10}" for column in self.LINK_COLUMNS))
        for relation in Relation:
            counts = [self.links[relation, column] for column in self.LINK_COLUMNS]
            lines.append(
                f"{relation:18}{self.links_in_files[relation]:>10}" + "".join(f"{count:>10}" for count in counts)
            )
        counts = [self.successions[column] for column in self.LINK_COLUMNS]
        lines.append(
            f"{'successions':18}{self.in_files['succession']:>10}" + "".join(f"{count:>10}" for count in counts)
        )
        if self.skipped:
            lines += ["", "Skipped rows:"]
            lines += [f"  {kind}: {reason}: {count}" for (kind, reason), count in sorted(self.skipped.items())]
        if self.anomalies:
            lines += ["", "Anomalies:"]
            for key, found in self.anomalies.items():
                shown = ", ".join(found[:examples]) + (", …" if len(found) > examples else "")
                lines.append(f"  {len(found)} {ANOMALIES[key]}: {shown}")
        done = " Dry run: nothing was written." if self.dry_run else ""
        if not self.changed and not self.dry_run:
            done = " Nothing changed: nothing was written."
        lines += ["", f"Took {self.seconds:.1f} s.{done}"]
        return "\n".join(lines)


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


class Existing(NamedTuple):
    pk: int
    code: str
    name: str
    kind: str
    parent_id: int | None
    sub_icb_id: int | None
    opened: datetime.date | None
    closed: datetime.date | None
    postcode: str
    region: str
    source: str
    tree_id: int
    lft: int
    top_board_id: int | None  # not imported; read so that history rows record every field


class ExistingLink(NamedTuple):
    pk: int
    child_id: int
    parent_id: int
    relation: str
    start: datetime.date | None
    end: datetime.date | None
    source: str


@dataclass
class Update:
    row: Existing
    values: dict  # field → new value; parent and sub_icb by code


@dataclass
class Plan:
    existing: dict[str, Existing]
    new: list[Wanted]  # in creation order: parents before children
    updates: list[Update]
    new_links: list[WantedLink] = field(default_factory=list)
    changed_links: list[tuple[ExistingLink, WantedLink]] = field(default_factory=list)
    removed_links: list[ExistingLink] = field(default_factory=list)
    new_successions: list[WantedSuccession] = field(default_factory=list)
    changed_successions: list[tuple[int, WantedSuccession]] = field(default_factory=list)
    removed_successions: list[int] = field(default_factory=list)
    datasets: dict[str, dict] = field(default_factory=dict)  # role → fields to write

    @property
    def writes(self) -> bool:
        return any(
            (
                self.new,
                self.updates,
                self.new_links,
                self.changed_links,
                self.removed_links,
                self.new_successions,
                self.changed_successions,
                self.removed_successions,
                self.datasets,
            )
        )


# --- what the files want ------------------------------------------------------------


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

    def open_on(self, day: datetime.date) -> bool:
        return (self.opened is None or self.opened <= day) and (self.closed is None or self.closed >= day)

    def day_of(self, today: datetime.date) -> datetime.date:
        """The day whose links make its tree parent: today, else its last day (closed) or first (not yet open)."""
        if self.closed is not None and self.closed < today:
            return self.closed
        if self.opened is not None and self.opened > today:
            return self.opened
        return today


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
    """The code of a unit's tree parent today: its link parent today (a closed unit: on its last day)."""
    if not spans:
        return None
    if unit.open_on(today):
        link = parent_link_on(unit.kind, spans, today, lambda code: units[code].open_on(today))
        if link is not None:
            return link.parent
    day = unit.day_of(today)
    link = parent_link_on(unit.kind, spans, day, lambda code: True)
    if link is not None:
        return link.parent
    # No link holds that day (a practice's own dates disagree with its links): the latest before it.
    ordered = sorted(spans, key=lambda span: span.start or datetime.date.min)
    before = [span for span in ordered if span.start is None or span.start <= day]
    return (before[-1] if before else ordered[0]).parent


def sub_icb_today(spans: list[Span], day: datetime.date) -> str | None:
    """A practice's own sub-ICB location on ``day`` (else the latest before it)."""
    own = sorted(
        (span for span in spans if span.relation == Relation.PRACTICE_SUB_ICB),
        key=lambda span: span.start or datetime.date.min,
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
    if read.division is not None:
        check_official_division(read, reorg, places, kept, summary)
    epraccur_source = timeline.source_of(epraccur.path, epraccur.data_date)
    pcn_segments = {code: segments[code, Relation.PCN_SUB_ICB] for code in pcns}
    for code, record in kept.items():
        own = memberships.get(code, [])

        def pcn_on(day: datetime.date, own=own) -> str | None:
            return next((m.pcn for m in own if timeline.spans_day(m.start, m.end, day)), None)

        segments[code, Relation.PRACTICE_SUB_ICB] = reorg.practice_segments(
            record, epraccur_source, pcn_on, pcn_segments, summary
        )

    links = [
        WantedLink(child, relation, segment.parent, segment.start, segment.end, segment.source)
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


# --- what would change --------------------------------------------------------------


def load_existing() -> dict[str, Existing]:
    """Every organisation, by code (codes are unique across kinds)."""
    rows = Organisation.objects.order_by().values_list(*Existing._fields)
    return {row[1]: Existing(*row) for row in rows}


def plan_changes(snapshot: Snapshot, existing: dict[str, Existing], summary: Summary) -> Plan:
    """Compare the files with the database: which organisations to create, change, close."""
    order = {kind: i for i, kind in enumerate(IMPORTED_KINDS)}
    new, updates = [], []

    def pk_of(code: str | None) -> int | None:
        row = existing.get(code) if code else None
        return row.pk if row else None

    for wanted in sorted(snapshot.wanted.values(), key=lambda w: (order[w.kind], w.name, w.code)):
        row = existing.get(wanted.code)
        if row is None:
            new.append(wanted)
            summary.created[wanted.kind] += 1
            continue
        if row.kind != wanted.kind:
            raise OdsConflictError(
                f"{wanted.code} is a {row.kind} ({row.name!r}, source {row.source}) in the database, "
                f"but the ODS files make it a {wanted.kind}; change or remove that row first"
            )
        if row.source != Source.ODS:
            summary.kept[wanted.kind] += 1
            continue
        values = {
            name: getattr(wanted, name)
            for name in ("name", "postcode", "opened", "region")
            if getattr(wanted, name) != getattr(row, name)
        }
        if pk_of(wanted.sub_icb) != row.sub_icb_id or (wanted.sub_icb and row.sub_icb_id is None):
            values["sub_icb"] = wanted.sub_icb
        if wanted.closed != row.closed and row.closed is not None and wanted.closed is not None:
            values["closed"] = wanted.closed  # a close date corrected
        if values:
            summary.updated[wanted.kind] += 1
        if wanted.parent is not None and pk_of(wanted.parent) != row.parent_id:
            values["parent"] = wanted.parent
            summary.moved[wanted.kind] += 1
        if (row.closed is None) != (wanted.closed is None):
            values["closed"] = wanted.closed
            (summary.reopened if wanted.closed is None else summary.closed)[wanted.kind] += 1
        if values:
            updates.append(Update(row, values))

    gone: dict[str, datetime.date] = {}
    for row in existing.values():
        if row.source != Source.ODS or row.code in snapshot.wanted:
            continue
        if row.kind in (Kind.ICB, Kind.PLACE):
            summary.anomaly("not_in_lookup", f"{row.code} ({row.kind})")
            continue
        if row.kind not in CLOSABLE_KINDS or row.code in snapshot.left_alone:
            continue
        stated = snapshot.close_dates.get(row.code)
        closed = row.closed
        if row.closed is None:
            closed = stated or snapshot.data_dates[row.kind]
            closed = max(closed, row.opened) if row.opened else closed
            updates.append(Update(row, {"closed": closed}))
            summary.closed[row.kind] += 1
        elif stated and stated != row.closed and (row.opened is None or stated >= row.opened):
            # Closed earlier for being gone from a file; this file knows the real date.
            closed = stated
            updates.append(Update(row, {"closed": stated}))
            summary.updated[row.kind] += 1
        gone[row.code] = closed
    plan = Plan(existing=existing, new=new, updates=updates)
    plan_history(plan, snapshot, gone, summary)
    return plan


def plan_history(plan: Plan, snapshot: Snapshot, gone: dict[str, datetime.date], summary: Summary) -> None:
    """Compare the dated links, successions and datasets with the database.

    The import owns the links of the units it keeps (``source="ods"``): those the files name,
    and those gone from them (their links end on the day the row closed). Units governance
    keeps get none (they sit under their tree parent on every day); any other link is left alone.
    """
    code_of = {row.pk: code for code, row in plan.existing.items()}
    # Units governance keeps sit under their tree parent on every day: no links of theirs.
    kept = {code for code in snapshot.wanted if code in plan.existing and plan.existing[code].source != Source.ODS}
    owned = (set(snapshot.wanted) - kept) | set(gone)
    current: dict[tuple, ExistingLink] = {}
    for values in Link.objects.order_by().values_list(*ExistingLink._fields):
        link = ExistingLink(*values)
        child = code_of.get(link.child_id)
        if child in owned:
            current[child, link.relation, link.start] = link
    wanted = {link.key: link for link in snapshot.links if link.child not in kept}
    for (child, relation, start), link in current.items():
        if child in gone and (start is None or start <= gone[child]):
            end = gone[child] if link.end is None or link.end > gone[child] else link.end
            wanted[child, relation, start] = WantedLink(
                child, relation, code_of[link.parent_id], start, end, link.source
            )
    for key, link in wanted.items():
        have = current.get(key)
        if have is None:
            plan.new_links.append(link)
            summary.links[link.relation, "created"] += 1
        elif (code_of[have.parent_id], have.end, have.source) != (link.parent, link.end, link.source):
            plan.changed_links.append((have, link))
            summary.links[link.relation, "changed"] += 1
    for key, have in current.items():
        if key not in wanted:
            plan.removed_links.append(have)
            summary.links[have.relation, "removed"] += 1

    icbs = {code for code, wanted_row in snapshot.wanted.items() if wanted_row.kind == Kind.ICB}
    stored = {}
    for pk, predecessor, successor, date, kind, source in Succession.objects.values_list(
        "pk", "predecessor__code", "successor__code", "date", "type", "source"
    ):
        if predecessor in icbs or successor in icbs:
            stored[predecessor, successor] = (pk, date, kind, source)
    for key, succession in snapshot.successions.items():
        have = stored.get(key)
        if have is None:
            plan.new_successions.append(succession)
            summary.successions["created"] += 1
        elif have[1:] != (succession.date, succession.type, succession.source):
            plan.changed_successions.append((have[0], succession))
            summary.successions["changed"] += 1
    for key, have in stored.items():
        if key not in snapshot.successions:
            plan.removed_successions.append(have[0])
            summary.successions["removed"] += 1

    datasets = {row["role"]: row for row in Dataset.objects.values("role", *DATASET_FIELDS)}
    for role, fields in snapshot.datasets.items():
        have = datasets.get(role)
        if have is None or any(have[name] != fields[name] for name in DATASET_FIELDS):
            plan.datasets[role] = fields
            summary.datasets["created" if have is None else "changed"] += 1


def guess_tree_fields(plan: Plan) -> dict[str, tuple[int, int, int]]:
    """(lft, rght, level) for the new rows, as ``tree_check.rebuild()`` will number them.

    Only a head start: rebuild() renumbers from ``parent`` and corrects any difference,
    but a good guess spares it rewriting every new row (on a first import, all of them).
    Like rebuild(), it keeps existing children in their stored order; new ones follow.
    """
    code_of = {row.pk: code for code, row in plan.existing.items()}
    parent_of = {code: code_of.get(row.parent_id) for code, row in plan.existing.items()}
    parent_of.update((update.row.code, update.values["parent"]) for update in plan.updates if "parent" in update.values)
    parent_of.update((wanted.code, wanted.parent) for wanted in plan.new)
    position = {wanted.code: i for i, wanted in enumerate(plan.new)}

    def sibling_order(code):
        row = plan.existing.get(code)
        return (0, row.lft or 0, row.pk) if row else (1, position[code], 0)

    children = defaultdict(list)
    for code, parent in parent_of.items():
        if parent is not None:
            children[parent].append(code)

    roots = set()
    for wanted in plan.new:
        code, seen = wanted.code, set()
        while parent_of.get(code) is not None and code not in seen:
            seen.add(code)
            code = parent_of[code]
        if parent_of.get(code) is None:  # else a cycle: leave it to rebuild() to refuse
            roots.add(code)

    numbers = {}
    for root in roots:
        counter, left = 1, {}
        stack = [(root, 0, True)]
        while stack:
            code, level, entering = stack.pop()
            if entering:
                left[code] = counter
                counter += 1
                stack.append((code, level, False))
                kids = sorted(children.get(code, ()), key=sibling_order)
                stack.extend((kid, level + 1, True) for kid in reversed(kids))
            else:
                if code in position:
                    numbers[code] = (left[code], counter, level)
                counter += 1
    return numbers


UPDATE_FIELDS = ("name", "postcode", "opened", "closed", "region", "parent", "sub_icb", "updated_at")
LINK_FIELDS = ("parent", "end", "source")


def apply(plan: Plan) -> None:
    """Write the plan: new ICB roots through the tree service, the rest in bulk; bump the data version if it wrote.

    Call inside ``tree.structural_write()``, and ``tree_check.rebuild()`` afterwards.
    """
    if not plan.writes:
        return
    now = timezone.now()
    pks = write_organisations(plan, now)
    write_links(plan, pks, now)
    write_successions(plan, pks)
    for role, fields in plan.datasets.items():
        Dataset.objects.update_or_create(role=role, defaults={**fields, "imported_at": now})
    versioning.bump()  # bulk writes send no signals: tell the API its cached answers are stale


def write_organisations(plan: Plan, now: datetime.datetime) -> dict[str, int]:
    """Create and update the organisations; return every code's pk."""
    pks = {code: row.pk for code, row in plan.existing.items()}
    tree_ids = {code: row.tree_id for code, row in plan.existing.items()}

    def pk_of(code: str | None) -> int | None:
        return pks[code] if code else None

    for wanted in plan.new:
        if wanted.kind == Kind.ICB:
            root = tree.create_organisation(
                code=wanted.code,
                name=wanted.name,
                kind=Kind.ICB,
                region=wanted.region,
                opened=wanted.opened,
                closed=wanted.closed,
                source=Source.ODS,
            )
            pks[wanted.code], tree_ids[wanted.code] = root.pk, root.tree_id

    numbers = guess_tree_fields(plan)
    for kind in IMPORTED_KINDS[1:]:
        batch = []
        for wanted in plan.new:
            if wanted.kind != kind:
                continue
            tree_ids[wanted.code] = tree_ids[wanted.parent]
            lft, rght, level = numbers.get(wanted.code, (0, 0, 0))
            batch.append(
                {
                    "code": wanted.code,
                    "name": wanted.name,
                    "kind": kind,
                    "parent_id": pks[wanted.parent],
                    "sub_icb_id": pk_of(wanted.sub_icb),
                    "opened": wanted.opened,
                    "closed": wanted.closed,
                    "postcode": wanted.postcode,
                    "region": wanted.region,
                    "source": Source.ODS,
                    "tree_id": tree_ids[wanted.parent],
                    "lft": lft,
                    "rght": rght,
                    "level": level,
                    "updated_at": now,
                }
            )
        if not batch:
            continue
        ids = insert_rows(Organisation, batch)
        # RETURNING gives the ids, not necessarily in the rows' order: match them by code.
        pks.update(Organisation.objects.filter(pk__in=ids).values_list("code", "pk"))
        history.copy_to_history(Organisation, ids, history_type="+", when=now, reason=history.IMPORT_REASON)

    changed = []
    for update in plan.updates:
        row, values = update.row, update.values
        parent_id = pks[values["parent"]] if "parent" in values else row.parent_id
        sub_icb_id = pk_of(values["sub_icb"]) if "sub_icb" in values else row.sub_icb_id
        changed.append(
            Organisation(
                pk=row.pk,
                code=row.code,  # not updated; set for the history row, which records every field
                kind=row.kind,
                source=row.source,
                top_board_id=row.top_board_id,
                name=values.get("name", row.name),
                postcode=values.get("postcode", row.postcode),
                opened=values.get("opened", row.opened),
                closed=values.get("closed", row.closed),
                region=values.get("region", row.region),
                parent_id=parent_id,
                sub_icb_id=sub_icb_id,
                updated_at=now,  # bulk_update does not apply auto_now
            )
        )
    Organisation.objects.bulk_update(changed, UPDATE_FIELDS, batch_size=BATCH)
    history.copy_to_history(
        Organisation, [o.pk for o in changed], history_type="~", when=now, reason=history.IMPORT_REASON
    )
    return pks


def write_links(plan: Plan, pks: dict[str, int], now: datetime.datetime) -> None:
    """Remove, change and create the dated links, with a history row for each."""
    reason = history.IMPORT_REASON
    removed = [have.pk for have in plan.removed_links]
    history.copy_to_history(Link, removed, history_type="-", when=now, reason=reason)
    for start in range(0, len(removed), BATCH):
        # A plain delete would write a history row per link through its signal: they are written above.
        Link.objects.filter(pk__in=removed[start : start + BATCH])._raw_delete(Link.objects.db)

    changed = [
        Link(pk=have.pk, parent_id=pks[link.parent], end=link.end, source=link.source)
        for have, link in plan.changed_links
    ]
    Link.objects.bulk_update(changed, LINK_FIELDS, batch_size=BATCH)
    history.copy_to_history(Link, [link.pk for link in changed], history_type="~", when=now, reason=reason)

    created = insert_rows(
        Link,
        [
            {
                "child_id": pks[link.child],
                "parent_id": pks[link.parent],
                "relation": link.relation,
                "start": link.start,
                "end": link.end,
                "source": link.source,
            }
            for link in plan.new_links
        ],
    )
    history.copy_to_history(Link, created, history_type="+", when=now, reason=reason)


def insert_rows(model: type, rows: list[dict]) -> list[int]:
    """Insert rows of ``model`` given as {attname: value} (other fields: their defaults); return their ids.

    Django's ``bulk_create`` builds a model instance per row (an MPTT node's is costly) and
    prepares it field by field through the query compiler: seconds for the six and a half
    thousand practices and fifteen thousand links of a first import. This prepares the
    values alone and sends one multi-row INSERT … RETURNING per batch (PostgreSQL, SQLite).
    """
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    defaults = {field.attname: field.get_default() for field in fields}
    columns = ", ".join(quote(field.column) for field in fields)
    table, pk = quote(model._meta.db_table), quote(model._meta.pk.column)
    row_marks = f"({', '.join(['%s'] * len(fields))})"
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = rows[start : start + BATCH]
            params = [
                field.get_db_prep_save(row.get(field.attname, defaults[field.attname]), connection)
                for row in batch
                for field in fields
            ]
            values = ", ".join([row_marks] * len(batch))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {pk}", params)  # noqa: S608
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def write_successions(plan: Plan, pks: dict[str, int]) -> None:
    """Remove, change and create the successions (they keep no history of their own: the file is their record)."""
    Succession.objects.filter(pk__in=plan.removed_successions).delete()
    Succession.objects.bulk_update(
        [
            Succession(pk=pk, date=succession.date, type=succession.type, source=succession.source)
            for pk, succession in plan.changed_successions
        ],
        ["date", "type", "source"],
    )
    Succession.objects.bulk_create(
        [
            Succession(
                predecessor_id=pks[succession.predecessor],
                successor_id=pks[succession.successor],
                date=succession.date,
                type=succession.type,
                source=succession.source,
            )
            for succession in plan.new_successions
        ]
    )


def refresh_planner_statistics() -> None:
    """ANALYZE the organisation and link tables on PostgreSQL after a bulk write.

    Until autovacuum gets to it, the planner still thinks the table is as small as before
    the import and joins through it by scanning it whole: paths measured 1.6 times slower
    on a freshly loaded England ×10 than once analysed.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Organisation, Link):
                cursor.execute(f"ANALYZE {model._meta.db_table}")


def read_files(files: OdsFiles, done: Callable[[str], None]) -> ReadFiles:
    """Read and check every file of ``files``, reporting each step to ``done``."""
    epraccur = read_epraccur(files.epraccur)
    done(STEPS[0])
    epcn = read_epcn(files.epcn)
    done(STEPS[1])
    lookup = read_lookup(files.lookup)
    done(STEPS[2])
    read = ReadFiles(
        epraccur=epraccur,
        epcn=epcn,
        lookup=lookup,
        successions=read_successions(files.successions),
        sub_icb_division=read_sub_icb_division(files.sub_icb_division),
        unit_division=read_unit_division(files.unit_division) if files.unit_division else None,
        division=read_practice_division(files.division) if files.division else None,
    )
    done(STEPS[3])
    return read


def describe_files(read: ReadFiles) -> list[str]:
    """One line per file, for the summary."""
    lines = [
        f"epraccur:    {read.epraccur.path.name} ({read.epraccur.layout.name} layout, "
        f"data date {read.epraccur.data_date})",
        f"ePCN:        {read.epcn.path.name} (data date {read.epcn.data_date})",
        f"lookup:      {read.lookup.path.name} ({len(read.lookup.locations)} sub-ICB locations, "
        f"as at {read.lookup.as_at})",
        f"successions: {read.successions.path.name} ({len(read.successions.successions)} rows)",
        f"division:    {read.sub_icb_division.path.name} ({len(read.sub_icb_division.shares)} rows)",
    ]
    if read.unit_division is not None:
        units = read.unit_division
        lines.append(f"             {units.path.name} ({len(units.pcns)} PCNs, {len(units.practices)} practices)")
    if read.division is not None:
        lines.append(f"             {read.division.path.name} ({len(read.division.practices)} practices, official)")
    return lines


def import_ods(
    files: OdsFiles = SHIPPED,
    *,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    today: datetime.date | None = None,
) -> Summary:
    """Import the ODS files into the trees, with their history; on ``dry_run`` only work out what would change.

    The tree is placed as of ``today`` (default: the local date). Raises OdsImportError (a
    file problem, a dangling code, files that contradict each other, a code held by an
    organisation of another kind) with the database unchanged. ``progress`` is called after
    each of STEPS.
    """
    started = time.monotonic()
    done = progress or (lambda step: None)
    today = today or timezone.localdate()
    summary = Summary(dry_run=dry_run)

    read = read_files(files, done)
    summary.files = describe_files(read)
    snapshot = read_snapshot(read, summary, today)
    done(STEPS[4])

    with tree.structural_write():
        plan = plan_changes(snapshot, load_existing(), summary)
        done(STEPS[5])
        if not dry_run:
            apply(plan)
            done(STEPS[6])
            try:
                tree_check.rebuild()
            except ValueError as error:  # a cycle through rows that governance placed
                raise OdsConflictError(f"the import would leave the tree broken: {error}") from error
            if plan.writes:
                refresh_planner_statistics()
            done(STEPS[7])
    summary.seconds = time.monotonic() - started
    return summary
