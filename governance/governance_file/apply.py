"""Step 3: apply, in the same transaction as the check: write only the rows and fields that differ."""

from collections.abc import Sequence

from django.db import models

from governance.domain import seating, tree
from governance.governance_file.check import SystemInDatabase
from governance.governance_file.report import LoadReport
from governance.governance_file.spec import GovernanceSpec, OrganisationSpec, SeatSpec
from governance.models import AlsoReported, Appointment, Cluster, Coverage, DataVersion, Kind, Seat


def _save_differences(obj: models.Model, wanted: dict) -> list[tuple[str, object, object]]:
    """Set and save only the fields of ``obj`` that differ from ``wanted``; returns (field, old, new) for each."""
    changes = [(name, getattr(obj, name), value) for name, value in wanted.items() if getattr(obj, name) != value]
    for name, _old, new in changes:
        setattr(obj, name, new)
    if changes:
        obj.save(update_fields=[name for name, *_ in changes] + ["updated_at"])
    return changes


def _show(value) -> str:
    return "none" if value in (None, "") else str(value)


def _describe_changes(changes: Sequence[tuple[str, object, object]], codes: dict[int, str] | None = None) -> str:
    parts = []
    for name, old, new in changes:
        if name == "represents_id":
            name, old, new = "represents", (codes or {}).get(old), (codes or {}).get(new)
        parts.append(f"{name} {_show(old)} → {_show(new)}")
    return ", ".join(parts)


class Apply:
    """Writes one file's spec, starting from what the check read; counts and describes each change."""

    def __init__(self, spec: GovernanceSpec, view: SystemInDatabase, people, report: LoadReport, prune: bool):
        self.spec, self.view, self.people, self.report, self.prune = spec, view, people, report, prune
        self.orgs = dict(view.organisations)  # code -> Organisation, growing as organisations are created

    def run(self) -> None:
        root_status = self._system()
        self._organisations()
        if self._top_board() and root_status == "unchanged":
            root_status = "updated"
        self._bump("organisations", root_status)
        self._coverage()
        self._clusters()
        self._seats()

    def _bump(self, model: str, status: str, line: str | None = None) -> None:
        counts = self.report.counts[model]
        setattr(counts, status, getattr(counts, status) + 1)
        if line:
            self.report.changes.append(line)

    def _system(self) -> str:
        system = self.spec.system
        if self.view.root is None:
            # The source is left at the model's default: the root is not one of the file's organisations.
            root = tree.create_organisation(
                code=system.code,
                name=system.name,
                kind=Kind.ICB,
                parent=None,
                region=system.region or "",
                **system.provenance(),
            )
            self.orgs[system.code] = root
            self.report.changes.append(f"+ system {system.code}: {system.name}")
            return "created"
        wanted = {"name": system.name, **system.provenance()}
        if system.region is not None:
            wanted["region"] = system.region
        changes = _save_differences(self.view.root, wanted)
        if not changes:
            return "unchanged"
        self.report.changes.append(f"~ system {system.code}: {_describe_changes(changes)}")
        return "updated"

    def _organisations(self) -> None:
        updated: set[str] = set()
        # Fields first (with a plain save: the check has already verified the tree the
        # file leaves), places second, so that every create and move below is checked
        # by the tree service against the kinds the file ends with.
        for org in self.spec.organisations:
            current = self.orgs.get(org.code)
            changes = _save_differences(current, org.fields()) if current is not None else []
            if changes:
                updated.add(org.code)
                self.report.changes.append(f"~ organisation {org.code}: {_describe_changes(changes)}")
        for org in _parent_first(self.spec.organisations, self.view.parents):
            parent, current = self.orgs[org.parent], self.orgs.get(org.code)
            if current is None:
                self.orgs[org.code] = tree.create_organisation(code=org.code, parent=parent, **org.fields())
                self._bump("organisations", "created", f"+ organisation {org.code} ({org.kind} under {org.parent})")
            elif current.parent_id != parent.pk:
                old_parent = next((c for c, o in self.orgs.items() if o.pk == current.parent_id), "?")
                tree.move_organisation(current, parent)
                updated.add(org.code)
                self.report.changes.append(f"~ organisation {org.code}: moved from {old_parent} to {org.parent}")
        existing = {org.code for org in self.spec.organisations if org.code in self.view.organisations}
        self.report.counts["organisations"].updated += len(updated)
        self.report.counts["organisations"].unchanged += len(existing - updated)

    def _coverage(self) -> None:
        """Each LMC whose entry has ``covers`` covers exactly those codes (an entry without it keeps its own)."""
        lmcs = {org.code: org.covers for org in self.spec.organisations if org.covers is not None}
        if not lmcs:
            return
        held: dict[str, set[str]] = {code: set() for code in lmcs}
        for lmc, covered in Coverage.objects.filter(lmc__code__in=lmcs).values_list("lmc__code", "covered__code"):
            held[lmc].add(covered)
        for code, covers in lmcs.items():
            wanted = set(covers)
            added, removed = sorted(wanted - held[code]), sorted(held[code] - wanted)
            if removed:
                Coverage.objects.filter(lmc=self.orgs[code], covered__code__in=removed).delete()
            covered = {**self.view.covered_elsewhere, **self.orgs}  # another system's too (rules.check_coverage)
            Coverage.objects.bulk_create(Coverage(lmc=self.orgs[code], covered=covered[c]) for c in added)
            if added or removed:
                change = ", ".join([*(f"+{c}" for c in added), *(f"-{c}" for c in removed)])
                self.report.changes.append(f"~ organisation {code}: covers {change}")

    def _clusters(self) -> None:
        """The system's ICB is in exactly the file's clusters (a file without ``clusters`` keeps what is held)."""
        clusters = self.spec.system.clusters
        if clusters is None:
            return
        root = self.orgs[self.spec.system.code]
        wanted = {(c.name, c.start): c for c in clusters}
        held = {(c.name, c.start): c for c in Cluster.objects.filter(icb=root)}
        for key, cluster in wanted.items():
            fields = {"start_known": cluster.start_known, "end": cluster.end, "source": cluster.source}
            if key not in held:
                Cluster.objects.create(icb=root, name=cluster.name, start=cluster.start, **fields)
                self.report.changes.append(f"+ cluster {cluster.name}: {root.code} from {cluster.start}")
            elif changes := [(n, getattr(held[key], n), v) for n, v in fields.items() if getattr(held[key], n) != v]:
                for name, value in fields.items():
                    setattr(held[key], name, value)
                held[key].save()
                self.report.changes.append(f"~ cluster {cluster.name}: {_describe_changes(changes)}")
        gone = [c for key, c in held.items() if key not in wanted]
        if gone:
            Cluster.objects.filter(pk__in=[c.pk for c in gone]).delete()
            self.report.changes.extend(f"- cluster {c.name}: {root.code} from {c.start}" for c in gone)

    def _reports(self, spec: SeatSpec, seat: Seat, seat_name: str) -> None:
        """The seat's other accounts are exactly the file's ``also_reported``."""
        wanted = {(r.name, r.seen): r.source for r in spec.also_reported}
        held = {(r.name, r.seen): r for r in AlsoReported.objects.filter(seat=seat)}
        for (name, seen), source in wanted.items():
            if (name, seen) not in held:
                AlsoReported.objects.create(seat=seat, name=name, seen=seen, source=source)
                self.report.changes.append(f"+ also reported in {seat_name}: {name}, seen {seen}")
            elif held[(name, seen)].source != source:
                held[(name, seen)].source = source
                held[(name, seen)].save()
                self.report.changes.append(f"~ also reported in {seat_name}: {name}, seen {seen}: source")
        gone = [r.pk for key, r in held.items() if key not in wanted]
        if gone:
            AlsoReported.objects.filter(pk__in=gone).delete()
            self.report.changes.append(f"- also reported in {seat_name}: {len(gone)}")

    def _top_board(self) -> bool:
        if self.spec.top_board is None:
            return False
        root, board = self.orgs[self.spec.system.code], self.orgs[self.spec.top_board]
        if root.top_board_id == board.pk:
            return False
        old = next((c for c, o in self.orgs.items() if o.pk == root.top_board_id), None)
        root.top_board = board
        root.save(update_fields=["top_board", "updated_at"])
        self.report.changes.append(f"~ system {root.code}: top_board {_show(old)} → {board.code}")
        return True

    def _seats(self) -> None:
        codes = {org.pk: code for code, org in self.orgs.items()}
        for spec in self.spec.seats:
            wanted = {
                "role": spec.role,
                "represents_id": self.orgs[spec.represents].pk if spec.represents else None,
                "sector": spec.sector,
                "selection": spec.selection,
                "delegate": spec.delegate,
                "voting": spec.voting,
                "max_holders": spec.max_holders,
                "portfolio": spec.portfolio,
                "holders_recorded": spec.holders_recorded,
                "mental_health": spec.mental_health,
            }
            name = f"{spec.board} / {spec.label}"
            seat = self.view.seats.get((spec.board, spec.label))
            if seat is None:
                seat = Seat.objects.create(body=self.orgs[spec.board], label=spec.label, **wanted)
                self._bump("seats", "created", f"+ seat {name}")
            elif changes := _save_differences(seat, wanted):
                self._bump("seats", "updated", f"~ seat {name}: {_describe_changes(changes, codes)}")
            else:
                self._bump("seats", "unchanged")
            self._holders(spec, seat, name)
            self._reports(spec, seat, name)
        self._unlisted_seats()

    def _people(self, names: list[str]) -> None:
        """The people of ``names`` not yet known, created together (reported as each is first met)."""
        self.people.update(
            (name, [person]) for name, person in seating.add_people(set(names) - set(self.people)).items()
        )

    def _holders(self, spec: SeatSpec, seat: Seat, seat_name: str) -> None:
        current = {(a.person_id, a.start): a for a in self.view.appointments.get(seat.pk, [])}
        known = set(self.people)
        self._people([holder.name for holder in spec.holders])
        listed, added = set(), []
        for holder in spec.holders:
            if holder.name not in known:
                known.add(holder.name)
                self._bump("people", "created", f"+ person {holder.name}")
            person = self.people[holder.name][0]
            appointment = current.get((person.pk, holder.start))
            name = f"{holder.name} in {seat_name} from {holder.start}"
            wanted = holder.fields()
            if appointment is None:
                added.append(Appointment(seat=seat, person=person, start=holder.start, **wanted))
                self._bump("appointments", "created", f"+ appointment {name}")
                continue
            listed.add(appointment.pk)
            if changes := _save_differences(appointment, wanted):
                self._bump("appointments", "updated", f"~ appointment {name}: {_describe_changes(changes)}")
            else:
                self._bump("appointments", "unchanged")
        if added:
            seating.add_appointments(added)
            DataVersion.objects.bump(organisations=False)  # bulk writes send no signals; holders only
        unlisted = [a for a in current.values() if a.pk not in listed]
        for a in unlisted:
            line = f"{a.person.name} in {seat_name} from {a.start}" + (f" to {a.end}" if a.end else "")
            self.report.unlisted_appointments.append(line)
            if self.prune:
                self.report.pruned.append(f"appointment {line}")
                self._bump("appointments", "deleted", f"- appointment {line}")
        if self.prune and unlisted:
            Appointment.objects.filter(pk__in=[a.pk for a in unlisted]).delete()

    def _unlisted_seats(self) -> None:
        listed = {(spec.board, spec.label) for spec in self.spec.seats}
        unlisted = [(key, seat) for key, seat in sorted(self.view.seats.items()) if key not in listed]
        for (board, label), seat in unlisted:
            held = len(self.view.appointments.get(seat.pk, []))
            line = f"{board} / {label} ({held} appointment{'' if held == 1 else 's'})"
            self.report.unlisted_seats.append(line)
            if self.prune:
                self.report.pruned.append(f"seat {line}")
                self._bump("seats", "deleted", f"- seat {line}")
                self.report.counts["appointments"].deleted += held
        if self.prune and unlisted:
            # Their appointments go with them (Appointment.seat cascades).
            Seat.objects.filter(pk__in=[seat.pk for _key, seat in unlisted]).delete()


def _parent_first(organisations: Sequence[OrganisationSpec], parents: dict[str, str | None]) -> list[OrganisationSpec]:
    """The file's organisations ordered so that each comes after all its ancestors in the tree the file leaves.

    Walking the whole final tree (not only the file's own parent links) matters when
    an organisation moves under a database one that sits under another of the file's.
    """
    declared = {org.code: org for org in organisations}
    ordered: list[OrganisationSpec] = []
    placed: set[str] = set()
    for org in organisations:
        chain, code = [], org.code
        while code is not None and code not in placed:
            placed.add(code)
            if code in declared:
                chain.append(declared[code])
            code = parents.get(code)
        ordered.extend(reversed(chain))
    return ordered
