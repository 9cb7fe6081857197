"""Load governance files: a system's organisations, boards, seats and who holds them.

The file format is a public contract (DESIGN.md, "The governance file"). Loading
runs in three steps, so that a mistake anywhere in any file writes nothing:

1. parse: read YAML or JSON and check every value, without the database, into
   plain dataclasses (``GovernanceSpec``);
2. check: resolve codes, people and seats against the database, inside the tree
   lock, so that nothing can change between checking and writing;
3. apply: in the same transaction, write only the rows and fields that differ,
   so that loading the same file twice writes nothing.

Every mistake is collected, not just the first, as a ``Problem`` naming its place
in the file: ``qop.yaml: seats[3].holders[0].from: not a date ('2023-13-01')``.
"""

import datetime
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import models, transaction

from . import rules, tree
from .models import BODY_KINDS, Appointment, Kind, Organisation, Person, Role, Seat, Sector, Selection, Source

# Column sizes, checked here so that a long value is a named mistake, not a database error.
CODE_LENGTH = Organisation._meta.get_field("code").max_length
NAME_LENGTH = Organisation._meta.get_field("name").max_length
POSTCODE_LENGTH = Organisation._meta.get_field("postcode").max_length
REGION_LENGTH = Organisation._meta.get_field("region").max_length
LABEL_LENGTH = Seat._meta.get_field("label").max_length
PERSON_NAME_LENGTH = Person._meta.get_field("name").max_length
SOURCE_LENGTH = Appointment._meta.get_field("source").max_length
MOST_HOLDERS = 32767  # a PositiveSmallIntegerField

MODELS = ("organisations", "seats", "people", "appointments")


# ---------------------------------------------------------------------------
# Problems and the report
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One mistake in a governance file, and its place there."""

    file: str
    where: str  # e.g. "seats[3].holders[0].from"; empty for the file as a whole
    message: str

    def __str__(self):
        return f"{self.file}: {self.where}: {self.message}" if self.where else f"{self.file}: {self.message}"


class GovernanceFileError(Exception):
    """The files are invalid, so nothing was written; ``problems`` holds every mistake found."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [str(problem) for problem in self.problems]


class _Problems(list):
    """The problems found in one file."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def add(self, where: str, message: str) -> None:
        self.append(Problem(self.file, where, message))


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, {self.deleted} deleted"


@dataclass
class LoadReport:
    """What a load wrote (on a dry run: what it would have written, all rolled back)."""

    files: list[str]
    dry_run: bool = False
    prune: bool = False
    counts: dict[str, Counts] = field(default_factory=lambda: {name: Counts() for name in MODELS})
    changes: list[str] = field(default_factory=list)  # one line per row created, changed or deleted
    unlisted_seats: list[str] = field(default_factory=list)  # in the database, not in the file
    unlisted_appointments: list[str] = field(default_factory=list)  # on seats in the file, not in their holders
    pruned: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(c.created or c.updated or c.deleted for c in self.counts.values())

    def lines(self) -> list[str]:
        """The report as lines of text for the command line: details first, the summary last."""
        lines = []
        if self.changes:
            lines.append("Would change:" if self.dry_run else "Changes:")
            lines += [f"  {line}" for line in self.changes]
        kept = "" if self.prune else " (kept; --prune deletes them)"
        if self.unlisted_seats:
            lines.append(f"Seats in the database but not in the file{kept}:")
            lines += [f"  {line}" for line in self.unlisted_seats]
        if self.unlisted_appointments:
            lines.append(f"Appointments in the database but not among their seat's holders{kept}:")
            lines += [f"  {line}" for line in self.unlisted_appointments]
        files = ", ".join(self.files)
        lines.append(f"Dry run of {files} (rolled back: nothing was written)." if self.dry_run else f"Loaded {files}.")
        lines += [f"  {name}: {self.counts[name]}" for name in MODELS]
        if not self.changed:
            lines.append("Nothing to change.")
        return lines


# ---------------------------------------------------------------------------
# What a file says, as plain data
# ---------------------------------------------------------------------------
# A value the parser found wrong is None here: a spec with problems is only ever
# checked further (to find more mistakes), never applied.


@dataclass
class SystemSpec:
    code: str | None
    name: str | None
    region: str | None  # None: keep the region the database has


@dataclass
class OrganisationSpec:
    where: str  # "organisations[2]"
    code: str | None
    name: str | None
    kind: str | None
    parent: str | None
    optional: dict = field(default_factory=dict)  # opened/closed/postcode, only those the file gives

    def fields(self) -> dict:
        """The fields the file sets. An optional key left out keeps what the database has (e.g. from ODS)."""
        return {"name": self.name, "kind": self.kind, "source": Source.GOVERNANCE, **self.optional}


@dataclass
class HolderSpec:
    where: str  # "seats[3].holders[0]"
    name: str | None
    start: datetime.date | None
    end: datetime.date | None
    source: str
    valid: bool


@dataclass
class SeatSpec:
    where: str  # "seats[3]"
    board: str | None
    label: str | None
    role: str | None
    selection: str | None
    represents: str | None
    sector: str
    delegate: bool | None
    voting: bool | None
    max_holders: int | None
    holders: list[HolderSpec]


@dataclass
class GovernanceSpec:
    """One governance file, read and checked on its own (no database)."""

    file: str
    system: SystemSpec
    top_board: str | None
    organisations: list[OrganisationSpec]
    seats: list[SeatSpec]

    def codes_mentioned(self) -> set[str]:
        codes = {self.system.code, self.top_board}
        for org in self.organisations:
            codes |= {org.code, org.parent}
        for seat in self.seats:
            codes |= {seat.board, seat.represents}
        return {code for code in codes if code}

    def holder_names(self) -> set[str]:
        return {holder.name for seat in self.seats for holder in seat.holders if holder.name}


# ---------------------------------------------------------------------------
# Step 1: parse
# ---------------------------------------------------------------------------


class _Number(int):
    """An integer YAML read, keeping the text it was written as (``010`` is read as 8)."""

    text: str


class _GovernanceYamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps what it cannot read as text, so the checks can name the place."""


def _yaml_timestamp(loader, node):
    # An impossible date such as 2023-13-01 would otherwise stop the whole parse, unplaced.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


def _yaml_int(loader, node):
    number = _Number(yaml.SafeLoader.construct_yaml_int(loader, node))
    number.text = node.value
    return number


_GovernanceYamlLoader.add_constructor("tag:yaml.org,2002:timestamp", _yaml_timestamp)
_GovernanceYamlLoader.add_constructor("tag:yaml.org,2002:int", _yaml_int)


def _read_data(path: Path, problems: _Problems):
    """The file's content as Python data, or None (with a problem noted) if it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".json"}:
        problems.add("", "not a governance file: the name must end in .yaml, .yml or .json")
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.add("", f"cannot be read: {getattr(error, 'strerror', None) or error}")
        return None
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            problems.add("", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
            return None
    try:
        return yaml.load(text, Loader=_GovernanceYamlLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problems.add("", f"not valid YAML: {getattr(error, 'problem', None) or error}{at}")
        return None


def _describe(value) -> str:
    if value is None:
        return "empty"
    if isinstance(value, datetime.datetime):
        return f"the date and time {value.isoformat(sep=' ')}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, _Number):
        return value.text
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _not_text(value) -> str:
    if isinstance(value, _Number):
        return f"read as the number {int(value)}, not text; quote it: '{value.text}'"
    if isinstance(value, bool):
        return f"read as {str(value).lower()}, not text; quote it"
    if isinstance(value, int | float):
        return f"read as the number {value}, not text; quote it"
    if isinstance(value, datetime.date):
        return f"read as a date ({value.isoformat()}), not text; quote it"
    return f"not text ({_describe(value)})"


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _as_date(value) -> datetime.date | None:
    """A date from YAML's own date type or from ISO text (JSON); None if it is neither."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            return None
    return None


class _Fields:
    """The keys of one mapping in a file, read one at a time; each mistake is noted with its place.

    A reader returns None for a key that is missing (already noted, if required)
    or wrong (noted as it is read).
    """

    def __init__(self, value, where: str, problems: _Problems, *, required: Sequence[str], optional: Sequence[str]):
        self.where, self.problems = where, problems
        self.ok = isinstance(value, dict)
        self.data = value if self.ok else {}
        if not self.ok:
            problems.add(where, f"not a mapping ({_describe(value)})")
            return
        allowed = (*required, *optional)
        for key in value:
            if key not in allowed:
                problems.add(self.place(key), f"unknown key; expected one of: {', '.join(allowed)}")
        for key in required:
            if key not in value:
                problems.add(self.place(key), "missing (required)")

    def place(self, key) -> str:
        return f"{self.where}.{key}" if self.where else str(key)

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, max_length: int, *, optional: bool = False) -> str | None:
        """A string; with ``optional``, null reads as ""."""
        if key not in self.data:
            return None
        value = self.data[key]
        if value is None and optional:
            return ""
        if not isinstance(value, str):
            self.problems.add(self.place(key), "empty" if value is None else _not_text(value))
            return None
        if not value.strip():
            if optional:
                return ""
            self.problems.add(self.place(key), "empty")
            return None
        if len(value) > max_length:
            self.problems.add(self.place(key), f"longer than {max_length} characters")
            return None
        return value

    def choice(self, key: str, choices: type[models.TextChoices], what: str, *, optional: bool = False) -> str | None:
        value = self.text(key, max_length=1000, optional=optional)
        if value is None or value == "" or value in choices.values:
            return value
        self.problems.add(self.place(key), f"unknown {what} {value!r}; one of: {', '.join(choices.values)}")
        return None

    def date(self, key: str, *, required: bool = False) -> datetime.date | None:
        value = self.data.get(key)
        if value is None:
            if required and key in self.data:
                self.problems.add(self.place(key), "empty")
            return None
        day = _as_date(value)
        if day is None:
            self.problems.add(self.place(key), f"not a date ({_describe(value)}); write it as YYYY-MM-DD")
        return day

    def flag(self, key: str, default: bool) -> bool | None:
        value = self.data.get(key, default)
        if isinstance(value, bool):
            return value
        self.problems.add(self.place(key), f"not true or false ({_describe(value)})")
        return None

    def count(self, key: str, default: int) -> int | None:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.problems.add(self.place(key), f"not a whole number ({_describe(value)})")
            return None
        if not 1 <= value <= MOST_HOLDERS:
            self.problems.add(self.place(key), f"must be from 1 to {MOST_HOLDERS}, not {int(value)}")
            return None
        return int(value)

    def items(self, key: str) -> list:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problems.add(self.place(key), f"not a list ({_describe(value)})")
            return []
        return value


def _parse_system(value, problems: _Problems) -> SystemSpec:
    fields = _Fields(value, "system", problems, required=("code", "name"), optional=("region",))
    return SystemSpec(
        code=fields.text("code", CODE_LENGTH),
        name=fields.text("name", NAME_LENGTH),
        region=fields.text("region", REGION_LENGTH, optional=True),
    )


def _parse_organisation(value, where: str, problems: _Problems) -> OrganisationSpec:
    fields = _Fields(
        value, where, problems, required=("code", "name", "kind", "parent"), optional=("opened", "closed", "postcode")
    )
    org = OrganisationSpec(
        where=where,
        code=fields.text("code", CODE_LENGTH),
        name=fields.text("name", NAME_LENGTH),
        kind=fields.choice("kind", Kind, "kind"),
        parent=fields.text("parent", CODE_LENGTH),
    )
    for key in ("opened", "closed"):
        if fields.has(key):
            org.optional[key] = fields.date(key)
    if fields.has("postcode"):
        org.optional["postcode"] = fields.text("postcode", POSTCODE_LENGTH, optional=True)
    opened, closed = org.optional.get("opened"), org.optional.get("closed")
    if opened and closed and closed < opened:
        problems.add(f"{where}.closed", f"{closed} is before opened ({opened})")
    return org


def _parse_holder(value, where: str, problems: _Problems) -> HolderSpec:
    found_before = len(problems)
    fields = _Fields(value, where, problems, required=("name", "from"), optional=("to", "source"))
    holder = HolderSpec(
        where=where,
        name=fields.text("name", PERSON_NAME_LENGTH),
        start=fields.date("from", required=True),
        end=fields.date("to"),
        source=fields.text("source", SOURCE_LENGTH, optional=True) or "",
        valid=False,
    )
    if holder.start and holder.end and holder.end < holder.start:
        problems.add(f"{where}.to", f"{holder.end} is before from ({holder.start})")
    holder.valid = len(problems) == found_before
    return holder


def _parse_seat(value, where: str, problems: _Problems) -> SeatSpec:
    fields = _Fields(
        value,
        where,
        problems,
        required=("board", "label", "role", "selection"),
        optional=("represents", "sector", "delegate", "voting", "max_holders", "holders"),
    )
    seat = SeatSpec(
        where=where,
        board=fields.text("board", CODE_LENGTH),
        label=fields.text("label", LABEL_LENGTH),
        role=fields.choice("role", Role, "role"),
        selection=fields.choice("selection", Selection, "selection"),
        represents=fields.text("represents", CODE_LENGTH, optional=True) or None,
        sector=fields.choice("sector", Sector, "sector", optional=True) or "",
        delegate=fields.flag("delegate", False),
        voting=fields.flag("voting", True),
        max_holders=fields.count("max_holders", 1),
        holders=[
            _parse_holder(item, f"{where}.holders[{j}]", problems) for j, item in enumerate(fields.items("holders"))
        ],
    )
    if fields.data.get("represents") is not None and fields.data.get("sector") not in (None, ""):
        problems.add(f"{where}.sector", "a seat represents one organisation or a whole sector, not both")
    _check_holders_in_file(seat, problems)
    return seat


def _check_holders_in_file(seat: SeatSpec, problems: _Problems) -> None:
    """The holders' periods, by ``rules.check_holders``, naming the first holder that breaks them."""
    if seat.max_holders is None:
        return
    valid = [holder for holder in seat.holders if holder.valid]
    # Checking ever longer prefixes finds the holder whose arrival breaks the rule.
    for k in range(1, len(valid) + 1):
        try:
            rules.check_holders(seat.max_holders, _periods(valid[:k]))
        except rules.RuleError as error:
            problems.add(valid[k - 1].where, str(error))
            return


def _periods(holders: Iterable[HolderSpec]) -> list[tuple[str, datetime.date, datetime.date | None]]:
    return [(holder.name, holder.start, holder.end) for holder in holders]


def _check_duplicates(spec: GovernanceSpec, problems: _Problems) -> None:
    first_code: dict[str, str] = {}
    for org in spec.organisations:
        if org.code is None:
            continue
        if org.code == spec.system.code:
            problems.add(f"{org.where}.code", f"{org.code} is the system's own code; describe it under system")
        elif org.code in first_code:
            problems.add(f"{org.where}.code", f"{org.code} is also declared at {first_code[org.code]}")
        else:
            first_code[org.code] = org.where
    first_seat: dict[tuple[str, str], str] = {}
    for seat in spec.seats:
        key = (seat.board, seat.label)
        if None in key:
            continue
        if key in first_seat:
            problems.add(f"{seat.where}.label", f"{first_seat[key]} already has this board and label")
        else:
            first_seat[key] = seat.where


def parse_governance(data, file: str) -> tuple[GovernanceSpec | None, list[Problem]]:
    """Check the content of one governance file (already read from YAML or JSON), without the database.

    Returns the spec and every problem found; the spec is None when the content is
    not a mapping at all. ``file`` names the file in the problems.
    """
    problems = _Problems(file)
    top = _Fields(data, "", problems, required=("system",), optional=("top_board", "organisations", "seats"))
    if not top.ok:
        return None, problems
    spec = GovernanceSpec(
        file=file,
        system=_parse_system(data["system"], problems) if top.has("system") else SystemSpec(None, None, None),
        top_board=top.text("top_board", CODE_LENGTH, optional=True) or None,
        organisations=[
            _parse_organisation(item, f"organisations[{i}]", problems)
            for i, item in enumerate(top.items("organisations"))
        ],
        seats=[_parse_seat(item, f"seats[{i}]", problems) for i, item in enumerate(top.items("seats"))],
    )
    _check_duplicates(spec, problems)
    return spec, problems


def read_governance_file(path: str | Path) -> tuple[GovernanceSpec | None, list[Problem]]:
    """Read and check one governance file (.yaml, .yml or .json), without the database."""
    problems = _Problems(str(path))
    data = _read_data(Path(path), problems)
    if problems:
        return None, problems
    return parse_governance(data, str(path))


def _check_across_files(specs: Sequence[GovernanceSpec]) -> list[Problem]:
    """Several files load together only if no system or organisation is declared in two of them."""
    problems: list[Problem] = []
    declared_in: dict[str, str] = {}
    for spec in specs:
        declared = [("system.code", spec.system.code)] + [(f"{org.where}.code", org.code) for org in spec.organisations]
        for where, code in declared:
            if code is None:
                continue
            if code in declared_in and declared_in[code] != spec.file:
                problems.append(Problem(spec.file, where, f"{code} is also declared in {declared_in[code]}"))
            declared_in.setdefault(code, spec.file)
    return problems


# ---------------------------------------------------------------------------
# Step 2: check against the database (inside the lock)
# ---------------------------------------------------------------------------


@dataclass
class _SystemInDatabase:
    """What the database holds for one file's system, read inside the lock; the apply step starts from it."""

    root: Organisation | None
    organisations: dict[str, Organisation]  # this system's, by code, root included
    parents: dict[str, str | None]  # the tree as the file will leave it: code -> parent code
    seats: dict[tuple[str, str], Seat]  # (body code, label) -> seat on one of this system's bodies
    appointments: dict[int, list[Appointment]]  # seat id -> its appointments


def _read_people(names: Iterable[str]) -> dict[str, list[Person]]:
    people: dict[str, list[Person]] = defaultdict(list)
    for person in Person.objects.filter(name__in=set(names)).order_by("pk"):
        people[person.name].append(person)
    return people


class _DatabaseCheck:
    """Resolves one file's codes, seats and people against the database, noting each problem."""

    def __init__(self, spec: GovernanceSpec, people: dict[str, list[Person]], prune: bool):
        self.spec, self.people, self.prune = spec, people, prune
        self.problems = _Problems(spec.file)
        # The system's own code among the organisations is already a problem; leaving it out
        # here keeps it from also reading as a second root, or a cycle.
        self.declared = {org.code: org for org in spec.organisations if org.code and org.code != spec.system.code}

    def run(self) -> _SystemInDatabase | None:
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
        self.view = _SystemInDatabase(
            root=root, organisations=mine, parents=self._parents(mine), seats={}, appointments=defaultdict(list)
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
        for seat in Seat.objects.filter(body__tree_id=root.tree_id).select_related("body"):
            self.view.seats[(seat.body.code, seat.label)] = seat
        appointments = Appointment.objects.filter(seat__body__tree_id=root.tree_id).select_related("person")
        for appointment in appointments.order_by("seat_id", "start", "pk"):
            self.view.appointments[appointment.seat_id].append(appointment)

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
            existing = self.view.organisations.get(org.code)
            if existing is not None:
                self._check_kind_change(org, existing, children[existing.pk])
                self._check_dates_with_database(org, existing)

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
            rules.check_holders(seat.max_holders, _periods(seat.holders))
        except rules.RuleError:
            return  # already reported, holder by holder
        try:
            rules.check_holders(
                seat.max_holders, [*_periods(seat.holders), *((a.person.name, a.start, a.end) for a in unlisted)]
            )
        except rules.RuleError as error:
            kept = "; ".join(f"{a.person.name} from {a.start}" for a in unlisted)
            self.problems.add(
                f"{seat.where}.holders",
                f"with the appointments in the database that the file does not list ({kept}): {error} "
                "List them in the file, or load with --prune to delete them.",
            )

    def _check_top_board(self) -> None:
        code = self.spec.top_board
        if self._known(code, "top_board", "top board") and self.kinds[code] and self.kinds[code] != Kind.BOARD:
            self.problems.add("top_board", f"{code} is a {self.kinds[code]}; the top board must be a board")


# ---------------------------------------------------------------------------
# Step 3: apply (same transaction)
# ---------------------------------------------------------------------------


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


class _Apply:
    """Writes one file's spec, starting from what the check read; counts and describes each change."""

    def __init__(self, spec: GovernanceSpec, view: _SystemInDatabase, people, report: LoadReport, prune: bool):
        self.spec, self.view, self.people, self.report, self.prune = spec, view, people, report, prune
        self.orgs = dict(view.organisations)  # code -> Organisation, growing as organisations are created

    def run(self) -> None:
        root_status = self._system()
        self._organisations()
        if self._top_board() and root_status == "unchanged":
            root_status = "updated"
        self._bump("organisations", root_status)
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
                code=system.code, name=system.name, kind=Kind.ICB, parent=None, region=system.region or ""
            )
            self.orgs[system.code] = root
            self.report.changes.append(f"+ system {system.code}: {system.name}")
            return "created"
        wanted = {"name": system.name} if system.region is None else {"name": system.name, "region": system.region}
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
        self._unlisted_seats()

    def _person(self, name: str) -> Person:
        if name not in self.people:
            self.people[name] = [Person.objects.create(name=name)]
            self._bump("people", "created", f"+ person {name}")
        return self.people[name][0]

    def _holders(self, spec: SeatSpec, seat: Seat, seat_name: str) -> None:
        current = {(a.person_id, a.start): a for a in self.view.appointments.get(seat.pk, [])}
        listed = set()
        for holder in spec.holders:
            person = self._person(holder.name)
            appointment = current.get((person.pk, holder.start))
            name = f"{holder.name} in {seat_name} from {holder.start}"
            wanted = {"end": holder.end, "source": holder.source}
            if appointment is None:
                Appointment.objects.create(seat=seat, person=person, start=holder.start, **wanted)
                self._bump("appointments", "created", f"+ appointment {name}")
                continue
            listed.add(appointment.pk)
            if changes := _save_differences(appointment, wanted):
                self._bump("appointments", "updated", f"~ appointment {name}: {_describe_changes(changes)}")
            else:
                self._bump("appointments", "unchanged")
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


# ---------------------------------------------------------------------------
# The whole load
# ---------------------------------------------------------------------------


def load_governance(paths: Sequence[str | Path], *, prune: bool = False, dry_run: bool = False) -> LoadReport:
    """Load governance files together: all of them, or (on any problem) nothing.

    Raises ``GovernanceFileError`` listing every problem in every file. With
    ``prune``, seats on the files' systems and appointments on the files' seats
    that the files do not list are deleted (otherwise only reported). With
    ``dry_run`` everything is done and reported, then rolled back.
    """
    specs, problems = [], []
    for path in paths:
        spec, found = read_governance_file(path)
        problems += found
        if spec is not None:
            specs.append(spec)
    return load_specs(specs, prune=prune, dry_run=dry_run, problems=problems, files=[str(p) for p in paths])


def load_specs(
    specs: Sequence[GovernanceSpec],
    *,
    prune: bool = False,
    dry_run: bool = False,
    problems: Sequence[Problem] = (),
    files: Sequence[str] | None = None,
) -> LoadReport:
    """Check parsed specs against the database and apply them, in one transaction under the tree lock.

    ``problems`` found earlier (when parsing) are raised together with the database's,
    so that one run lists every mistake.
    """
    problems = [*problems, *_check_across_files(specs)]
    report = LoadReport(files=list(files or [spec.file for spec in specs]), dry_run=dry_run, prune=prune)
    with tree.structural_write():
        people = _read_people(name for spec in specs for name in spec.holder_names())
        views = []
        for spec in specs:
            if spec.system.code is None:
                views.append(None)  # nothing to resolve against; the parse has said why
                continue
            check = _DatabaseCheck(spec, people, prune)
            views.append(check.run())
            problems += check.problems
        if problems:
            raise GovernanceFileError(problems)
        for spec, view in zip(specs, views, strict=True):
            _Apply(spec, view, people, report, prune).run()
        people_used = {name for spec in specs for name in spec.holder_names()}
        report.counts["people"].unchanged = len(people_used) - report.counts["people"].created
        if dry_run:
            transaction.set_rollback(True)
    return report
