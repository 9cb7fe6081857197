"""Import England's ICBs, sub-ICB locations, PCNs and GP practices from NHS ODS files.

Each ICB is the root of its own tree: ICB → sub-ICB location (kind ``place``) → PCN →
practice. A practice's tree parent is its current PCN, or its sub-ICB place when it
has none; its own sub-ICB is kept in ``sub_icb`` even when its PCN is run from
another sub-ICB (or ICB). ICB and region come from the lookup, never from epraccur.

An import is an update, in three stages: read and check all three files
(``files``), work out what the files want (``read_snapshot``), then, inside the tree
lock, compare that with the database (``plan_changes``) and write the difference in
bulk (``apply``). Nothing is written until every file has been read and checked, and
the writes share one transaction, so a failure leaves the database as it was.

Ownership. Rows the import creates have ``source="ods"``: the import renames, moves,
closes and reopens them. Rows with ``source="governance"`` are used as they are —
as parents, as a practice's sub-ICB — and never changed; their codes are never
created twice. Because the import would undo them, the admin and the API refuse
moves, deletes and changes of the fields it writes on its rows (``rules.check_ods_kept``);
setting a row's source to governance takes it over instead.

Codes and placement. Every code the files give keeps the code rule (``models.CODE_RULE``)
and every row its place in ``rules.PARENT_KINDS``, or the import stops naming the row.

Closing. Nothing is deleted. A practice or PCN the import owns that the files no
longer list as open gets ``closed`` = the close date the file gives it, or, when it
gives none (a dormant practice, or one gone from the file), the file's *data date*:
the latest date that file records (for epraccur: the latest opening of an active row
or closing of any row). The file was made on or after that day and no longer had the
row open, so it is the nearest date the data can give; never before the row's own
opening. A row that comes back open is reopened (``closed`` emptied).

History. Bulk writes send no signals, so ``apply`` records a history row for each row it
creates or changes, in bulk too (reason "ODS import"); a re-import that changes nothing
writes nothing, history included.
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
from governance.ingest.ods import OdsImportError
from governance.ingest.ods.files import (
    ACTIVE,
    PCN_SHEET,
    Epcn,
    Epraccur,
    Lookup,
    OdsFileError,
    PracticeRecord,
    read_epcn,
    read_epraccur,
    read_lookup,
    where,
)
from governance.models import Kind, Organisation, Source, code_problem

SHIPPED_DIR = Path(settings.BASE_DIR) / "fixtures" / "ods"
IMPORTED_KINDS = (Kind.ICB, Kind.PLACE, Kind.PCN, Kind.PRACTICE)  # also the order of creation
CLOSABLE_KINDS = (Kind.PCN, Kind.PRACTICE)
STEPS = ("read epraccur", "read ePCN", "read lookup", "check", "plan", "write", "rebuild tree")
BATCH = 1000
FIELD_LIMITS = {name: Organisation._meta.get_field(name).max_length for name in ("code", "name", "postcode", "region")}
FILES_APART = datetime.timedelta(days=365)

ANOMALIES = {
    "practice_sub_icb_unknown": "active GP practices whose sub-ICB (epraccur column 24) is not in the lookup "
    "(not imported; rows already there left as they are)",
    "practice_two_pcns": "practices with more than one current PCN (placed in the one joined last)",
    "member_not_practice": "current PCN members that are not active English GP practices (membership ignored)",
    "member_of_closed_pcn": "practices whose current PCN is closed in the ePCN file (placed under their sub-ICB)",
    "practice_no_pcn": "active practices with no current PCN (placed under their sub-ICB)",
    "cross_sub_icb": "practices in a PCN run from another sub-ICB of their ICB",
    "cross_icb": "practices in a PCN run from another ICB (they sit in that ICB's tree; sub_icb keeps their own)",
    "pcn_no_practice": "open PCNs with no active practice",
    "not_in_lookup": "ICBs and places imported before that the lookup no longer has (left as they are)",
    "files_apart": "epraccur and ePCN data dates more than a year apart (PCN membership may be out of date)",
}


class OdsConflictError(OdsImportError):
    """The database holds a code the files need, as something the import cannot use."""


@dataclass(frozen=True)
class OdsFiles:
    epraccur: Path
    epcn: Path
    lookup: Path


SHIPPED = OdsFiles(
    epraccur=SHIPPED_DIR / "epraccur_2025-02.csv.gz",
    epcn=SHIPPED_DIR / "ePCN_2025-01.xlsx",
    lookup=SHIPPED_DIR / "LOC22_ICB22_NHSER22_EN_LU.csv",
)


@dataclass
class Summary:
    """What an import did (or, on a dry run, would do), by kind."""

    files: list[str] = field(default_factory=list)
    in_files: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)  # name, postcode, opening, region, sub-ICB or close date
    moved: Counter = field(default_factory=Counter)
    closed: Counter = field(default_factory=Counter)
    reopened: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)  # governance rows used as they are
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) → rows
    anomalies: dict[str, list[str]] = field(default_factory=dict)  # ANOMALIES key → examples
    dry_run: bool = False
    seconds: float = 0.0

    COLUMNS = ("created", "updated", "moved", "closed", "reopened", "kept")

    @property
    def changed(self) -> int:
        """How many changes were counted (a row moved and renamed counts twice)."""
        return sum(sum(getattr(self, column).values()) for column in self.COLUMNS[:-1])

    def anomaly(self, key: str, example: str) -> None:
        self.anomalies.setdefault(key, []).append(example)

    def report(self, examples: int = 5) -> str:
        """The summary as text, for people."""
        lines = [*self.files, ""]
        lines.append(f"{'':10}{'in files':>10}" + "".join(f"{column:>10}" for column in self.COLUMNS))
        for kind in IMPORTED_KINDS:
            counts = [getattr(self, column)[kind] for column in self.COLUMNS]
            lines.append(f"{kind:10}{self.in_files[kind]:>10}" + "".join(f"{count:>10}" for count in counts))
        if self.skipped:
            lines += ["", "Skipped rows:"]
            lines += [f"  {kind}: {reason}: {count}" for (kind, reason), count in sorted(self.skipped.items())]
        if self.anomalies:
            lines += ["", "Anomalies:"]
            for key, found in self.anomalies.items():
                shown = ", ".join(found[:examples]) + (", …" if len(found) > examples else "")
                lines.append(f"  {len(found)} {ANOMALIES[key]}: {shown}")
        lines += ["", f"Took {self.seconds:.1f} s." + (" Dry run: nothing was written." if self.dry_run else "")]
        return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Wanted:
    """An organisation as the files describe it; parent and sub-ICB by code."""

    kind: str
    code: str
    name: str
    parent: str | None
    sub_icb: str | None = None
    opened: datetime.date | None = None
    postcode: str = ""
    region: str = ""


@dataclass
class Snapshot:
    """What the three files say, checked against each other."""

    wanted: dict[str, Wanted]  # ICBs, places, open PCNs, active English GP practices, by code
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


@dataclass
class Update:
    row: Existing
    values: dict  # field → new value; parent and sub_icb by code


@dataclass
class Plan:
    existing: dict[str, Existing]
    new: list[Wanted]  # in creation order: parents before children
    updates: list[Update]


def practice_skip_reason(record) -> str | None:
    """Why an epraccur row is not a practice of our trees (None: it is, if its sub-ICB is known)."""
    if record.in_wales:
        return "in Wales"
    if not record.gp_practice:
        return "other prescribing setting"
    if record.status != ACTIVE:
        return record.status  # closed, dormant or proposed
    return None


def sort_practices(
    epraccur: Epraccur, lookup: Lookup, summary: Summary, close_dates: dict
) -> tuple[dict[str, PracticeRecord], set[str]]:
    """(the active English GP practices with a known sub-ICB by code, the active ones without).

    The other rows are counted as skipped, and their close dates go into ``close_dates``.
    """
    active, unplaced = {}, set()
    for record in epraccur.practices:
        reason = practice_skip_reason(record)
        if reason is None and record.sub_icb not in lookup.locations:
            summary.anomaly("practice_sub_icb_unknown", f"{record.code} ({record.sub_icb or 'none'})")
            unplaced.add(record.code)
        elif reason is None:
            active[record.code] = record
        else:
            summary.skipped[(Kind.PRACTICE, reason)] += 1
            if record.closed is not None:
                close_dates[record.code] = record.closed
    return active, unplaced


def current_pcns(epraccur: Epraccur, epcn: Epcn, active: dict, unplaced: set, summary: Summary) -> dict[str, str]:
    """Practice code → the open PCN it is a current member of, for the active practices."""
    current = defaultdict(list)
    for membership in epcn.memberships:
        if membership.end is None:
            current[membership.practice].append(membership)
        else:
            summary.skipped[("membership", "ended (history)")] += 1
    records = {record.code: record for record in epraccur.practices}
    pcn_of = {}
    for practice, memberships in current.items():
        pcns = ", ".join(m.pcn for m in memberships)
        if practice not in active:
            if practice not in unplaced:  # already noted
                record = records.get(practice)
                reason = practice_skip_reason(record) if record else "not in epraccur"
                summary.anomaly("member_not_practice", f"{practice} ({reason}) in {pcns}")
            continue
        # Two current PCNs is a data error; the latest membership is the likeliest truth.
        chosen = max(memberships, key=lambda m: (m.start or datetime.date.min, m.pcn))
        if len(memberships) > 1:
            summary.anomaly("practice_two_pcns", f"{practice} in {pcns}: placed in {chosen.pcn}")
        if epcn.pcns[chosen.pcn].closed is not None:
            summary.anomaly("member_of_closed_pcn", f"{practice} in {chosen.pcn}")
            continue
        pcn_of[practice] = chosen.pcn
    return pcn_of


def read_snapshot(epraccur: Epraccur, epcn: Epcn, lookup: Lookup, summary: Summary) -> Snapshot:
    """Join the three files into the organisations they describe; raise OdsFileError on dangling codes.

    Data anomalies (see ANOMALIES) do not stop the import: they are noted in ``summary``.
    """
    locations = lookup.locations
    wanted: dict[str, Wanted] = {}

    def want(organisation: Wanted, place: str) -> None:
        other = wanted.get(organisation.code)
        if other is not None and other.kind != organisation.kind:
            raise OdsFileError(f"{place}: code {organisation.code} is also a {other.kind} in the files")
        problem = code_problem(organisation.code)
        if problem:
            raise OdsFileError(f"{place}: {problem}")
        parent = wanted.get(organisation.parent) if organisation.parent else None
        try:  # parents are wanted first; by construction the import keeps the table, and this says so
            rules.check_placement(organisation.kind, parent.kind if parent else None)
        except rules.RuleError as error:
            raise OdsFileError(f"{place}: {organisation.code}: {error}") from None
        for name, limit in FIELD_LIMITS.items():
            if len(getattr(organisation, name)) > limit:
                raise OdsFileError(f"{place}: {name} {getattr(organisation, name)!r} is longer than {limit} characters")
        wanted[organisation.code] = organisation

    for location in locations.values():
        place = where(lookup.path, row=location.row)
        want(Wanted(Kind.ICB, location.icb_code, location.icb_name, None, region=location.region), place)
        want(Wanted(Kind.PLACE, location.code, location.name, location.icb_code), place)

    close_dates: dict[str, datetime.date] = {}
    for pcn in epcn.pcns.values():
        place = where(epcn.path, sheet=PCN_SHEET, row=pcn.row)
        if pcn.closed is not None:
            # Closed PCNs may name CCGs that no longer exist: they are only ever used to close.
            summary.skipped[(Kind.PCN, "closed in the file")] += 1
            close_dates[pcn.code] = pcn.closed
            continue
        if pcn.sub_icb not in locations:
            raise OdsFileError(
                f"{place}: PCN {pcn.code} is run from sub-ICB {pcn.sub_icb}, which is not in {lookup.path.name}"
            )
        want(Wanted(Kind.PCN, pcn.code, pcn.name, pcn.sub_icb, opened=pcn.opened), place)

    active, unplaced = sort_practices(epraccur, lookup, summary, close_dates)
    pcn_of = current_pcns(epraccur, epcn, active, unplaced, summary)

    for code, record in active.items():
        pcn_code = pcn_of.get(code)
        if pcn_code is None:
            summary.anomaly("practice_no_pcn", f"{code} ({record.sub_icb})")
        elif (lead := epcn.pcns[pcn_code].sub_icb) != record.sub_icb:
            own_icb, pcn_icb = locations[record.sub_icb].icb_code, locations[lead].icb_code
            if own_icb != pcn_icb:
                summary.anomaly("cross_icb", f"{code} ({record.sub_icb}, {own_icb}) in {pcn_code} ({lead}, {pcn_icb})")
            else:
                summary.anomaly("cross_sub_icb", f"{code} ({record.sub_icb}) in {pcn_code} ({lead})")
        practice = Wanted(
            Kind.PRACTICE,
            code,
            record.name,
            pcn_code or record.sub_icb,
            sub_icb=record.sub_icb,
            opened=record.opened,
            postcode=record.postcode,
        )
        want(practice, where(epraccur.path, row=record.row))

    with_practices = set(pcn_of.values())
    for code, organisation in wanted.items():
        if organisation.kind == Kind.PCN and code not in with_practices:
            summary.anomaly("pcn_no_practice", code)

    if epraccur.data_date and epcn.data_date and abs(epraccur.data_date - epcn.data_date) > FILES_APART:
        summary.anomaly("files_apart", f"epraccur {epraccur.data_date}, ePCN {epcn.data_date}")

    today = datetime.date.today()
    summary.in_files.update(organisation.kind for organisation in wanted.values())
    return Snapshot(
        wanted=wanted,
        close_dates=close_dates,
        data_dates={Kind.PRACTICE: epraccur.data_date or today, Kind.PCN: epcn.data_date or today},
        left_alone=unplaced,
    )


def load_existing() -> dict[str, Existing]:
    """Every organisation, by code (codes are unique across kinds)."""
    rows = Organisation.objects.order_by().values_list(*Existing._fields)
    return {row[1]: Existing(*row) for row in rows}


def plan_changes(snapshot: Snapshot, existing: dict[str, Existing], summary: Summary) -> Plan:
    """Compare the files with the database: what to create, what to change, what to close."""
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
        if values:
            summary.updated[wanted.kind] += 1
        if wanted.parent is not None and pk_of(wanted.parent) != row.parent_id:
            values["parent"] = wanted.parent
            summary.moved[wanted.kind] += 1
        if row.closed is not None:
            values["closed"] = None
            summary.reopened[wanted.kind] += 1
        if values:
            updates.append(Update(row, values))

    for row in existing.values():
        if row.source != Source.ODS or row.code in snapshot.wanted:
            continue
        if row.kind in (Kind.ICB, Kind.PLACE):
            summary.anomaly("not_in_lookup", f"{row.code} ({row.kind})")
            continue
        if row.kind not in CLOSABLE_KINDS or row.code in snapshot.left_alone:
            continue
        stated = snapshot.close_dates.get(row.code)
        if row.closed is None:
            closed = stated or snapshot.data_dates[row.kind]
            updates.append(Update(row, {"closed": max(closed, row.opened) if row.opened else closed}))
            summary.closed[row.kind] += 1
        elif stated and stated != row.closed and (row.opened is None or stated >= row.opened):
            # Closed earlier for being gone from a file; this file knows the real date.
            updates.append(Update(row, {"closed": stated}))
            summary.updated[row.kind] += 1
    return Plan(existing=existing, new=new, updates=updates)


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


def apply(plan: Plan) -> None:
    """Write the plan: new ICB roots through the tree service, the rest in bulk.

    Call inside ``tree.structural_write()``, and ``tree_check.rebuild()`` afterwards.
    """
    now = timezone.now()
    pks = {code: row.pk for code, row in plan.existing.items()}
    tree_ids = {code: row.tree_id for code, row in plan.existing.items()}

    def pk_of(code: str | None) -> int | None:
        return pks[code] if code else None

    for wanted in plan.new:
        if wanted.kind == Kind.ICB:
            root = tree.create_organisation(
                code=wanted.code, name=wanted.name, kind=Kind.ICB, region=wanted.region, source=Source.ODS
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
                Organisation(
                    code=wanted.code,
                    name=wanted.name,
                    kind=kind,
                    parent_id=pks[wanted.parent],
                    sub_icb_id=pk_of(wanted.sub_icb),
                    opened=wanted.opened,
                    postcode=wanted.postcode,
                    region=wanted.region,
                    source=Source.ODS,
                    tree_id=tree_ids[wanted.parent],
                    lft=lft,
                    rght=rght,
                    level=level,
                    updated_at=now,
                )
            )
        if not batch:
            continue
        Organisation.objects.bulk_create(batch, batch_size=BATCH)
        if any(organisation.pk is None for organisation in batch):  # backends that return no ids
            created = dict(Organisation.objects.filter(kind=kind).values_list("code", "pk"))
            for organisation in batch:
                organisation.pk = created[organisation.code]
        pks.update((organisation.code, organisation.pk) for organisation in batch)
        history.record_bulk(batch, created=True, when=now, reason=history.IMPORT_REASON, batch_size=BATCH)

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
    history.record_bulk(changed, created=False, when=now, reason=history.IMPORT_REASON, batch_size=BATCH)
    versioning.bump()  # bulk writes send no signals: tell the API its cached answers are stale


def refresh_planner_statistics() -> None:
    """ANALYZE the organisation table on PostgreSQL after a bulk write.

    Until autovacuum gets to it, the planner still thinks the table is as small as before
    the import and joins through it by scanning it whole: paths measured 1.6 times slower
    on a freshly loaded England ×10 than once analysed.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {Organisation._meta.db_table}")


def import_ods(
    files: OdsFiles = SHIPPED, *, dry_run: bool = False, progress: Callable[[str], None] | None = None
) -> Summary:
    """Import the three ODS files into the trees; on ``dry_run`` only work out what would change.

    Raises OdsImportError (a file problem, a dangling code, a code held by an organisation
    of another kind) with the database unchanged. ``progress`` is called after each of STEPS.
    """
    started = time.monotonic()
    done = progress or (lambda step: None)
    summary = Summary(dry_run=dry_run)

    epraccur = read_epraccur(files.epraccur)
    done(STEPS[0])
    epcn = read_epcn(files.epcn)
    done(STEPS[1])
    lookup = read_lookup(files.lookup)
    done(STEPS[2])
    summary.files = [
        f"epraccur: {epraccur.path.name} ({epraccur.layout.name} layout, data date {epraccur.data_date})",
        f"ePCN:     {epcn.path.name} (data date {epcn.data_date})",
        f"lookup:   {lookup.path.name} ({len(lookup.locations)} sub-ICB locations)",
    ]
    snapshot = read_snapshot(epraccur, epcn, lookup, summary)
    done(STEPS[3])

    with tree.structural_write():
        plan = plan_changes(snapshot, load_existing(), summary)
        done(STEPS[4])
        if not dry_run:
            apply(plan)
            done(STEPS[5])
            try:
                tree_check.rebuild()
            except ValueError as error:  # a cycle through rows that governance placed
                raise OdsConflictError(f"the import would leave the tree broken: {error}") from error
            if plan.new or plan.updates:
                refresh_planner_statistics()
            done(STEPS[6])
    summary.seconds = time.monotonic() - started
    return summary
