"""Compare what the files want with the database (the plan stage): what to create, change, move, close, remove.

``plan_changes`` and ``plan_history`` read the database (inside the tree lock, which the
importer holds) and give a ``Plan``, counting each change into the ``Summary``. Must not
write: a dry run is the plan alone.
"""

import datetime
from dataclasses import dataclass, field
from typing import NamedTuple

from governance.ingest.ods import OdsConflictError
from governance.ingest.ods.datasets import DATASET_FIELDS
from governance.ingest.ods.join import Snapshot, Wanted, WantedLink, WantedSuccession
from governance.ingest.ods.summary import IMPORTED_KINDS, Summary
from governance.models import (
    Dataset,
    Kind,
    Link,
    Organisation,
    OrganisationName,
    RegisteredPatients,
    Source,
    Succession,
)

CLOSABLE_KINDS = (Kind.PCN, Kind.PRACTICE)


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
    start_exact: bool
    end_exact: bool


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
    new_names: list = field(default_factory=list)  # seen.WantedName
    changed_names: list = field(default_factory=list)  # (pk, seen.WantedName)
    removed_names: list[int] = field(default_factory=list)
    patients: dict[str, dict] = field(default_factory=dict)  # code → RegisteredPatients fields to write
    removed_patients: list[str] = field(default_factory=list)

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
                self.new_names,
                self.changed_names,
                self.removed_names,
                self.patients,
                self.removed_patients,
            )
        )


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

    code_by_pk = {row.pk: code for code, row in existing.items()}
    for wanted in sorted(snapshot.wanted.values(), key=lambda w: (order[w.kind], w.name, w.code)):
        row = existing.get(wanted.code)
        if row is None:
            new.append(wanted)
            summary.created[wanted.kind] += 1
            if wanted.kind in (Kind.PRACTICE, Kind.PCN):
                key = "practice_opened" if wanted.kind == Kind.PRACTICE else "pcn_new"
                summary.change(key, f"{wanted.code} {wanted.name} (in {wanted.parent})")
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
        if "name" in values:
            summary.change("renamed", f"{wanted.code}: {row.name} → {wanted.name}")
        if wanted.parent is not None and pk_of(wanted.parent) != row.parent_id:
            values["parent"] = wanted.parent
            summary.moved[wanted.kind] += 1
            if wanted.kind in (Kind.PRACTICE, Kind.PCN):
                was = code_by_pk.get(row.parent_id, "none")
                summary.change(f"{wanted.kind}_moved", f"{wanted.code} {wanted.name}: {was} → {wanted.parent}")
        if (row.closed is None) != (wanted.closed is None):
            values["closed"] = wanted.closed
            (summary.reopened if wanted.closed is None else summary.closed)[wanted.kind] += 1
            _note_opened_or_closed(summary, wanted.kind, wanted.code, wanted.name, wanted.closed)
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
            _note_opened_or_closed(summary, row.kind, row.code, row.name, closed)
        elif stated and stated != row.closed and (row.opened is None or stated >= row.opened):
            # Closed earlier for being gone from a file; this file knows the real date.
            closed = stated
            updates.append(Update(row, {"closed": stated}))
            summary.updated[row.kind] += 1
        gone[row.code] = closed
    plan = Plan(existing=existing, new=new, updates=updates)
    plan_history(plan, snapshot, gone, summary)
    return plan


def _note_opened_or_closed(summary: Summary, kind: str, code: str, name: str, closed: datetime.date | None) -> None:
    """A practice or PCN closed (on ``closed``) or reopened, in the summary's words."""
    if kind not in CLOSABLE_KINDS:
        return
    if closed is None:
        summary.change(f"{kind}_opened" if kind == Kind.PRACTICE else "pcn_new", f"{code} {name} (reopened)")
    else:
        summary.change(f"{kind}_closed", f"{code} {name} (closed {closed})")


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
                child, relation, code_of[link.parent_id], start, end, link.source, link.start_exact, link.end_exact
            )
    for key, link in wanted.items():
        have = current.get(key)
        if have is None:
            plan.new_links.append(link)
            summary.links[link.relation, "created"] += 1
        elif (code_of[have.parent_id], have.end, have.source, have.start_exact, have.end_exact) != (
            link.parent,
            link.end,
            link.source,
            link.start_exact,
            link.end_exact,
        ):
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

    plan_names(plan, snapshot, summary)
    plan_patients(plan, snapshot, summary)

    datasets = {row["role"]: row for row in Dataset.objects.values("role", *DATASET_FIELDS)}
    for role, fields in snapshot.datasets.items():
        have = datasets.get(role)
        if have is None or any(have[name] != fields[name] for name in DATASET_FIELDS):
            plan.datasets[role] = fields
            summary.datasets["created" if have is None else "changed"] += 1


def plan_names(plan: Plan, snapshot: Snapshot, summary: Summary) -> None:
    """Compare the dated names of the organisations the import keeps with the database."""
    owned = {code for code, row in plan.existing.items() if row.source == Source.ODS}
    owned |= {wanted.code for wanted in plan.new}
    stored = {
        (code, start): (pk, name, end, source)
        for pk, code, start, name, end, source in OrganisationName.objects.filter(
            organisation__source=Source.ODS
        ).values_list("pk", "organisation__code", "start", "name", "end", "source")
    }
    wanted = {(name.code, name.start): name for name in snapshot.names if name.code in owned}
    for key, name in wanted.items():
        have = stored.get(key)
        if have is None:
            plan.new_names.append(name)
            summary.names["created"] += 1
        elif have[1:] != (name.name, name.end, name.source):
            plan.changed_names.append((have[0], name))
            summary.names["changed"] += 1
    for key, have in stored.items():
        if key not in wanted:
            plan.removed_names.append(have[0])
            summary.names["removed"] += 1


PATIENT_FIELDS = ("unit_type", "ons_code", "name", "count", "date", "source")


def plan_patients(plan: Plan, snapshot: Snapshot, summary: Summary) -> None:
    """Compare the registered patient counts with the database (none given: those stored stay)."""
    if not snapshot.patients:
        return
    stored = {row["code"]: row for row in RegisteredPatients.objects.values("code", *PATIENT_FIELDS)}
    for code, fields in snapshot.patients.items():
        have = stored.get(code)
        if have is None or any(have[name] != fields[name] for name in PATIENT_FIELDS):
            plan.patients[code] = fields
            summary.patients["created" if have is None else "changed"] += 1
    plan.removed_patients = sorted(set(stored) - set(snapshot.patients))
    summary.patients["removed"] += len(plan.removed_patients)
