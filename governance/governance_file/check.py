"""Step 2: check the parsed files against the database, inside the tree lock (and the system's seats' row
locks, ``governance.domain.seating``), so that nothing can change between checking and writing."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from governance.domain import rules, seating
from governance.governance_file.parse import periods
from governance.governance_file.report import Problems
from governance.governance_file.spec import GovernanceSpec, OrganisationSpec, SeatSpec
from governance.models import BODY_KINDS, COVERED_KINDS, Appointment, Kind, Organisation, Person, Seat


@dataclass
class SystemInDatabase:
    """What the database holds for one file's system, read inside the lock; the apply step starts from it."""

    root: Organisation | None
    organisations: dict[str, Organisation]  # this system's, by code, root included
    parents: dict[str, str | None]  # the tree as the file will leave it: code -> parent code
    seats: dict[tuple[str, str], Seat]  # (body code, label) -> seat on one of this system's bodies
    appointments: dict[int, list[Appointment]]  # seat id -> its appointments
    covered_elsewhere: dict[str, Organisation] = field(default_factory=dict)  # its LMCs' covers in other systems


def read_people(names: Iterable[str]) -> dict[str, list[Person]]:
    """The people of these names in the database, by name (a name may be several people), oldest first."""
    people: dict[str, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(name__in=set(names)).order_by("pk"):
        people[person.name].append(person)
    return people


class DatabaseCheck:
    """Resolves one file's codes, seats and people against the database, noting each problem."""

    def __init__(self, spec: GovernanceSpec, people: dict[str, list[Person]], prune: bool):
        self.spec, self.people, self.prune = spec, people, prune
        self.problems = Problems(spec.file)
        # The system's own code among the organisations is already a problem; leaving it out
        # here keeps it from also reading as a second root, or a cycle.
        self.declared = {org.code: org for org in spec.organisations if org.code and org.code != spec.system.code}

    def run(self) -> SystemInDatabase | None:
        found = {org.code: org for org in Organisation.objects.filter(code__in=self.spec.codes_mentioned())}
        root = found.get(self.spec.system.code)
        if root is not None and root.parent_id is not None:
            self.problems.add("system.code", f"{root.code} is a {root.kind} in the database, not a system's root")
            return None
        mine = {org.code: org for org in Organisation.objects.filter(tree_id=root.tree_id)} if root else {}
        self.elsewhere = {code: org for code, org in found.items() if code not in mine}
        self.system_of = dict(
            Organisation.objects.filter(
                tree_id__in={org.tree_id for org in self.elsewhere.values()}, parent=None
            ).values_list("tree_id", "code")
        )
        self.view = SystemInDatabase(
            root=root,
            organisations=mine,
            parents=self._parents(mine),
            seats={},
            appointments=defaultdict(list),
        )
        if root is not None:
            self._read_seats(root)
        self.kinds = {code: org.kind for code, org in mine.items()}
        self.kinds[self.spec.system.code] = Kind.ICB
        self.kinds.update({code: org.kind for code, org in self.declared.items()})
        self._check_organisations()
        self._check_cycles()
        self._check_seats()
        self._check_top_board()
        return self.view

    def _parents(self, mine: dict[str, Organisation]) -> dict[str, str | None]:
        code_of = {org.pk: code for code, org in mine.items()}
        parents = {code: code_of.get(org.parent_id) for code, org in mine.items()}
        parents[self.spec.system.code] = None
        parents.update({code: org.parent for code, org in self.declared.items() if org.parent})
        return parents

    def _read_seats(self, root: Organisation) -> None:
        # Locked as every writer of holders locks them: an API or admin write to one of these
        # seats waits until the load commits, then sees what it wrote.
        seats, self.view.appointments = seating.lock_seats(Seat.objects.filter(body__tree_id=root.tree_id))
        for seat in seats:
            self.view.seats[(seat.body.code, seat.label)] = seat

    def _known(self, code: str | None, where: str, what: str) -> bool:
        """Whether ``code`` is in this system (the file or the database); if not, say why."""
        if code is None:
            return False
        if code in self.kinds:
            return True
        if code in self.elsewhere:
            system = self.system_of.get(self.elsewhere[code].tree_id, "?")
            self.problems.add(where, f"{what} {code} is in another system ({system}), not {self.spec.system.code}")
        else:
            self.problems.add(
                where, f"unknown {what} code {code!r}: not in this file, nor in {self.spec.system.code} in the database"
            )
        return False

    def _check_organisations(self) -> None:
        children: dict[int, list[Organisation]] = defaultdict(list)
        for org in self.view.organisations.values():
            children[org.parent_id].append(org)
        for org in self.spec.organisations:
            if org.code == self.spec.system.code:
                continue  # already a problem: the system is described under `system`
            if org.code in self.elsewhere:
                system = self.system_of.get(self.elsewhere[org.code].tree_id, "?")
                self.problems.add(f"{org.where}.code", f"{org.code} already belongs to another system ({system})")
            if self._known(org.parent, f"{org.where}.parent", "parent") and org.kind and self.kinds[org.parent]:
                try:
                    rules.check_placement(org.kind, self.kinds[org.parent])
                except rules.RuleError as error:
                    self.problems.add(f"{org.where}.parent", f"{org.code} under {org.parent}: {error}")
            self._check_covers(org)
            existing = self.view.organisations.get(org.code)
            if existing is not None:
                self._check_kind_change(org, existing, children[existing.pk])
                self._check_dates_with_database(org, existing)

    def _check_covers(self, org: OrganisationSpec) -> None:
        """``covers``: on an LMC only, each code a place, PCN or practice of any system (rules.check_coverage).

        An LMC's area follows counties, not ICBs: a code of another system is in the database
        (a file declares only its own system's organisations)."""
        if not org.covers:
            return
        if org.kind and org.kind != Kind.LMC:
            self.problems.add(
                f"{org.where}.covers", f"only an LMC covers places, PCNs or practices; {org.code} is a {org.kind}"
            )
            return
        for i, code in enumerate(org.covers):
            where = f"{org.where}.covers[{i}]"
            if code in self.kinds:
                kind = self.kinds[code]
            elif code in self.elsewhere:
                kind = self.elsewhere[code].kind
                self.view.covered_elsewhere[code] = self.elsewhere[code]
            else:
                self.problems.add(
                    where, f"unknown covered organisation code {code!r}: not in this file, nor in the database"
                )
                continue
            if kind and kind not in COVERED_KINDS:
                self.problems.add(where, f"{code} is a {kind}; an LMC covers places, PCNs or practices")

    def _check_kind_change(self, org: OrganisationSpec, existing: Organisation, children: list[Organisation]) -> None:
        if org.kind is None or org.kind == existing.kind:
            return
        for child in children:
            if child.code in self.declared:
                continue  # checked as the file places it
            try:
                rules.check_placement(child.kind, org.kind)
            except rules.RuleError as error:
                self.problems.add(f"{org.where}.kind", f"{child.code} sits under {org.code}: {error}")
        if org.kind not in BODY_KINDS and not self.prune:
            listed = {(seat.board, seat.label) for seat in self.spec.seats}
            unlisted = [label for (body, label) in self.view.seats if body == org.code and (body, label) not in listed]
            if unlisted:
                self.problems.add(
                    f"{org.where}.kind",
                    f"{org.code} has seats the file does not list ({', '.join(sorted(unlisted))}), and seats belong "
                    "on bodies only: list them in the file, or load with --prune",
                )

    def _check_dates_with_database(self, org: OrganisationSpec, existing: Organisation) -> None:
        if "opened" in org.optional and "closed" in org.optional:
            return  # both in the file: checked when parsing
        opened = org.optional.get("opened", existing.opened)
        closed = org.optional.get("closed", existing.closed)
        if not (opened and closed and closed < opened):
            return
        if "closed" in org.optional:
            self.problems.add(f"{org.where}.closed", f"{closed} is before opened ({opened}, in the database)")
        else:
            self.problems.add(f"{org.where}.opened", f"{opened} is after closed ({closed}, in the database)")

    def _check_cycles(self) -> None:
        """Walk up from each of the file's organisations; report each cycle once, at its first member."""
        parents = self.view.parents
        in_a_cycle: set[str] = set()
        for org in self.spec.organisations:
            if org.code not in self.declared or org.code in in_a_cycle:
                continue
            path: dict[str, int] = {}
            code = org.code
            while code is not None and code in parents and code not in path:
                path[code] = len(path)
                code = parents[code]
            if code is None or code not in path:
                continue
            cycle = list(path)[path[code] :]
            if in_a_cycle.isdisjoint(cycle):
                in_a_cycle.update(cycle)
                first = min((self.declared[c] for c in cycle if c in self.declared), key=self.spec.organisations.index)
                start = cycle.index(first.code)
                chain = [*cycle[start:], *cycle[:start], first.code]
                self.problems.add(f"{first.where}.parent", "parents make a cycle: " + " → ".join(chain))

    def _check_seats(self) -> None:
        for seat in self.spec.seats:
            if self._known(seat.board, f"{seat.where}.board", "board") and self.kinds[seat.board]:
                try:
                    rules.check_seat_body(Organisation(code=seat.board, kind=self.kinds[seat.board]))
                except rules.RuleError as error:
                    self.problems.add(f"{seat.where}.board", str(error))
            if seat.represents:
                self._known(seat.represents, f"{seat.where}.represents", "represented organisation")
            for holder in seat.holders:
                namesakes = self.people.get(holder.name, [])
                if len(namesakes) > 1:
                    self.problems.add(
                        f"{holder.where}.name",
                        f"{len(namesakes)} people in the database are called {holder.name!r}; "
                        "a holder must name exactly one person",
                    )
            if not self.prune:
                self._check_with_unlisted_appointments(seat)
                self._check_unknown_holders(seat)

    def _check_with_unlisted_appointments(self, seat: SeatSpec) -> None:
        """Appointments the file does not list stay (without --prune), so they count towards the seat's limit."""
        existing = self.view.seats.get((seat.board, seat.label))
        if existing is None or seat.max_holders is None or not all(holder.valid for holder in seat.holders):
            return
        listed = {(holder.name, holder.start) for holder in seat.holders}
        unlisted = [a for a in self.view.appointments[existing.pk] if (a.person.name, a.start) not in listed]
        if not unlisted:
            return
        try:
            seating.check_holders(seat.max_holders, periods(seat.holders))
        except rules.RuleError:
            return  # already reported, holder by holder
        # Both stay: the file's holders and the unlisted ones. By name, as the file gives its
        # holders (a name is one person here: namesakes are refused above).
        kept = [(a.person.name, a.start, a.end) for a in unlisted]
        try:
            seating.check_holders(seat.max_holders, [*periods(seat.holders), *kept])
        except rules.RuleError as error:
            listing = "; ".join(f"{a.person.name} from {a.start}" for a in unlisted)
            self.problems.add(
                f"{seat.where}.holders",
                f"with the appointments in the database that the file does not list ({listing}): {error} "
                "List them in the file, or load with --prune to delete them.",
            )

    def _check_unknown_holders(self, seat: SeatSpec) -> None:
        """``holders: unknown`` on a seat with appointments in the database: they would stay (without --prune)."""
        existing = self.view.seats.get((seat.board, seat.label))
        if seat.holders_recorded or existing is None:
            return
        kept = self.view.appointments[existing.pk]
        try:
            rules.check_holders_not_recorded(False, len(kept))
        except rules.RuleError as error:
            listed = "; ".join(f"{a.person.name} from {a.start}" for a in kept)
            self.problems.add(
                f"{seat.where}.holders",
                f"unknown, but the database has appointments on this seat ({listed}). {error} "
                "List them in the file, or load with --prune to delete them.",
            )

    def _check_top_board(self) -> None:
        code = self.spec.top_board
        if self._known(code, "top_board", "top board") and self.kinds[code] and self.kinds[code] != Kind.BOARD:
            self.problems.add("top_board", f"{code} is a {self.kinds[code]}; the top board must be a board")
