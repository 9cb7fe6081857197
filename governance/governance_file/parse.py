"""Step 1: parse. Read a governance file (YAML or JSON) and check every value, without the database.

A file is refused, with the place and nothing written, when it is larger than
``MAX_FILE_BYTES`` (5 MB; a whole system's file is tens of KB), nests deeper than
``MAX_DEPTH`` (20 levels; the format needs 5), gives a key twice in one mapping (the
second would silently replace the first), uses YAML anchors or aliases (one alias can
stand for thousands of copies), or has a NUL character or an unpaired surrogate in any
text (no database can store them).
"""

import datetime
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from governance.domain import routes, rules
from governance.domain.dates import BadDate, parse_date, range_problem
from governance.governance_file.report import Problem, _Problems
from governance.governance_file.spec import (
    ClusterSpec,
    GovernanceSpec,
    HolderSpec,
    OrganisationSpec,
    ReportSpec,
    SeatSpec,
    SystemSpec,
)
from governance.models import (
    AlsoReported,
    Appointment,
    Cluster,
    Kind,
    Organisation,
    Person,
    Portfolio,
    Role,
    Seat,
    Sector,
    Selection,
    code_problem,
    name_problem,
)

# Column sizes, checked here so that a long value is a named mistake, not a database error.
CODE_LENGTH = Organisation._meta.get_field("code").max_length
NAME_LENGTH = Organisation._meta.get_field("name").max_length
POSTCODE_LENGTH = Organisation._meta.get_field("postcode").max_length
REGION_LENGTH = Organisation._meta.get_field("region").max_length
LABEL_LENGTH = Seat._meta.get_field("label").max_length
PERSON_NAME_LENGTH = Person._meta.get_field("name").max_length
SOURCE_LENGTH = Appointment._meta.get_field("source").max_length
SYSTEM_SOURCE_LENGTH = Organisation._meta.get_field("governance_source").max_length
REPORT_NAME_LENGTH = AlsoReported._meta.get_field("name").max_length
CLUSTER_NAME_LENGTH = Cluster._meta.get_field("name").max_length
HOLDERS_UNKNOWN = "unknown"  # `holders: unknown`: the seat's holders are not recorded
MOST_HOLDERS = 32767  # a PositiveSmallIntegerField

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 20  # mappings and lists inside each other; the top mapping is level 1


class _Number(int):
    """An integer YAML read, keeping the text it was written as (``010`` is read as 8)."""

    text: str


class _GovernanceYamlLoader(yaml.SafeLoader):
    """SafeLoader that keeps what it cannot read as text, so the checks can name the place.

    It also refuses, at their line, what a governance file never needs: a key given twice
    in one mapping, anchors and aliases, and nesting deeper than ``MAX_DEPTH``.
    """

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed; write each value out", event.start_mark
            )
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(
                    None, None, f"nested deeper than {MAX_DEPTH} levels", event.start_mark
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node, deep=False):
        first: dict = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                seen = first.setdefault(key, key_node)
            except TypeError:
                continue  # an unhashable key: SafeLoader says so below
            if seen is not key_node:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"the key {key!r} is given twice in one mapping (first on line {seen.start_mark.line + 1}); "
                    "the second would silently replace the first",
                    key_node.start_mark,
                )
        return super().construct_mapping(node, deep=deep)


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


class _JsonObject(dict):
    """A JSON object, with the keys it gave more than once (json.loads keeps only the last)."""

    twice: tuple = ()


def _json_object(pairs: list) -> _JsonObject:
    mapping = _JsonObject(pairs)
    if len(mapping) < len(pairs):
        seen: set = set()
        mapping.twice = tuple(key for key, _ in pairs if key in seen or seen.add(key))
    return mapping


# A JSON string (skipped whole, brackets in it are text) or a bracket. Possessive: no backtracking.
_JSON_BRACKETS = re.compile(r'"(?:[^"\\]++|\\.)*+"|[\[\]{}]')


def _line_and_column(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - text.rfind("\n", 0, offset)
    return f"line {line}, column {column}"


def _json_too_deep(text: str) -> int | None:
    """The offset of the first bracket nested deeper than ``MAX_DEPTH``, found before parsing
    (the parser would recurse once per level, and run out of stack); None if there is none."""
    depth = 0
    for match in _JSON_BRACKETS.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > MAX_DEPTH:
                return match.start()
        elif token in ("]", "}"):
            depth -= 1
    return None


def _read_text(path: Path, problems: _Problems) -> str | None:
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # never more: a huge file is refused unread
    except OSError as error:
        problems.add("", f"cannot be read: {error.strerror or error}")
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.add("", f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; a governance file describes one system")
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        problems.add("", f"cannot be read: not UTF-8 text (byte {error.start + 1})")
        return None


def _read_data(path: Path, problems: _Problems):
    """The file's content as Python data, or None (with a problem noted) if it cannot be read."""
    suffix = path.suffix.lower()
    if suffix not in {".yaml", ".yml", ".json"}:
        problems.add("", "not a governance file: the name must end in .yaml, .yml or .json")
        return None
    text = _read_text(path, problems)
    if text is None:
        return None
    if suffix == ".json":
        too_deep = _json_too_deep(text)
        if too_deep is not None:
            problems.add("", f"nested deeper than {MAX_DEPTH} levels ({_line_and_column(text, too_deep)})")
            return None
        try:
            data = json.loads(text, object_pairs_hook=_json_object)
        except json.JSONDecodeError as error:
            problems.add("", f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
            return None
    else:
        try:
            data = yaml.load(text, Loader=_GovernanceYamlLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.reader.ReaderError as error:  # a character YAML does not allow, such as NUL
            character = f"U+{error.character:04X}" if isinstance(error.character, int) else repr(error.character)
            where = _line_and_column(text, error.position)
            problems.add("", f"not valid YAML: the character {character} is not allowed ({where})")
            return None
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
            problems.add("", f"not valid YAML: {getattr(error, 'problem', None) or error}{at}")
            return None
    _check_text_everywhere(data, problems)
    return None if problems else data


# Text no database can store: NUL (PostgreSQL refuses it) and halves of a surrogate pair
# on their own (not encodable as UTF-8).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


def _check_text_everywhere(data, problems: _Problems) -> None:
    """Note each key or text value, at any depth, that holds unstorable characters, and each key given twice."""
    stack = [("", data)]
    while stack:  # no recursion: the depth is already bounded, but a loop needs no stack to be
        where, value = stack.pop()
        if isinstance(value, str):
            found = _UNSTORABLE.search(value)
            if found:
                what = "a NUL character" if found.group() == chr(0) else "an unpaired surrogate"
                problems.add(where, f"contains {what} (at character {found.start() + 1}); remove it")
        elif isinstance(value, dict):
            for key in getattr(value, "twice", ()):
                problems.add(
                    f"{where}.{key}" if where else str(key),
                    "given twice in the same mapping; the second would silently replace the first",
                )
            for key, item in reversed(value.items()):
                place = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and _UNSTORABLE.search(key):
                    problems.add(where, f"the key {key!r} contains a NUL character or an unpaired surrogate")
                    continue
                stack.append((place, item))
        elif isinstance(value, list):
            stack.extend((f"{where}[{i}]", item) for i, item in reversed(list(enumerate(value))))


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


def _as_date(value) -> datetime.date | None:
    """A date from YAML's own date type or from YYYY-MM-DD text (JSON); None if it is neither."""
    if isinstance(value, datetime.datetime):
        return None
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        try:
            return parse_date(value)
        except BadDate:
            return None
    return None


_LINK = URLValidator(schemes=["http", "https"])
# A source written as a URL must be one; other text is a citation ("Minutes: board, May 2024").
_LOOKS_LIKE_LINK = re.compile(r"^\s*([a-z][a-z0-9+.-]*://|www\.|https?\W|javascript:|data:)", re.IGNORECASE)


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

    def link(self, key: str, max_length: int, *, required: bool = False) -> str | None:
        """A source that must be a link: an http or https URL. Missing: None (noted if ``required``)."""
        if key not in self.data:
            if required:
                self.problems.add(self.place(key), "missing: give the URL of the page that shows this")
            return None
        value = self.text(key, max_length)
        if value is None:
            return None
        try:
            _LINK(value)
        except ValidationError:
            self.problems.add(self.place(key), f"not a link ({value!r}); write the page's http or https URL")
            return None
        return value

    def code(self, key: str, *, optional: bool = False) -> str | None:
        """An organisation code: text that keeps the code rule (``models.CODE_RULE``)."""
        value = self.text(key, CODE_LENGTH, optional=optional)
        problem = code_problem(value) if value else None
        if problem:
            self.problems.add(self.place(key), problem)
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
        elif problem := range_problem(day):
            self.problems.add(self.place(key), problem)
            return None
        return day

    def name(self, key: str, max_length: int) -> str | None:
        """A name: text that keeps the name rule (``models.NAME_RULE``: no markup, no control characters)."""
        value = self.text(key, max_length)
        problem = name_problem(value) if value else None
        if problem:
            self.problems.add(self.place(key), problem)
            return None
        return value

    def flag(self, key: str, default: bool) -> bool | None:
        value = self.data.get(key, default)
        if isinstance(value, bool):
            return value
        self.problems.add(self.place(key), f"not true or false ({_describe(value)})")
        return None

    def routes(self) -> bool | None:
        """``routes``: ``recorded`` (True) or ``not recorded`` (False); None when left out (or wrong)."""
        if "routes" not in self.data:
            return None
        value = self.data["routes"]
        if isinstance(value, str) and value in routes.FILE_VALUES:
            return routes.FILE_VALUES[value]
        expected = " or ".join(routes.FILE_VALUES)
        self.problems.add(self.place("routes"), f"must be {expected}, not {_describe(value)}")
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
    fields = _Fields(
        value,
        "system",
        problems,
        required=("code", "name"),
        optional=("region", "source", "verified", "illustrative", "routes", "clusters"),
    )
    return SystemSpec(
        code=fields.code("code"),
        name=fields.name("name", NAME_LENGTH),
        region=fields.text("region", REGION_LENGTH, optional=True),
        source=fields.text("source", SYSTEM_SOURCE_LENGTH, optional=True) or "",
        verified=fields.date("verified"),
        illustrative=fields.flag("illustrative", False),
        routes_recorded=fields.routes(),
        clusters=[
            _parse_cluster(item, f"system.clusters[{i}]", problems) for i, item in enumerate(fields.items("clusters"))
        ]
        if fields.has("clusters")
        else None,
    )


def _parse_cluster(value, where: str, problems: _Problems) -> ClusterSpec:
    fields = _Fields(value, where, problems, required=("name", "source"), optional=("seen", "from", "to"))
    start, seen = fields.date("from", required=True), fields.date("seen", required=True)
    if fields.ok and not fields.has("from") and not fields.has("seen"):
        problems.add(where, "gives neither from nor seen: say since when, or the day the source shows the cluster")
    cluster = ClusterSpec(
        where=where,
        name=fields.name("name", CLUSTER_NAME_LENGTH),
        start=start or seen,
        start_known=start is not None,
        end=fields.date("to"),
        source=fields.link("source", SOURCE_LENGTH),
    )
    if cluster.start and cluster.end and cluster.end < cluster.start:
        problems.add(f"{where}.to", f"{cluster.end} is before its start ({cluster.start})")
    return cluster


def _parse_organisation(value, where: str, problems: _Problems) -> OrganisationSpec:
    fields = _Fields(
        value,
        where,
        problems,
        required=("code", "name", "kind", "parent"),
        optional=("opened", "closed", "postcode", "covers", "routes", "source", "seen", "also_known_as"),
    )
    org = OrganisationSpec(
        where=where,
        code=fields.code("code"),
        name=fields.name("name", NAME_LENGTH),
        kind=fields.choice("kind", Kind, "kind"),
        parent=fields.code("parent"),
    )
    for key in ("opened", "closed"):
        if fields.has(key):
            org.optional[key] = fields.date(key)
    if fields.has("postcode"):
        org.optional["postcode"] = fields.text("postcode", POSTCODE_LENGTH, optional=True)
    if fields.has("covers"):
        org.covers = _parse_covers(fields)
    if org.kind == Kind.PLACE:  # a place says for the units below it; left out, it follows its system
        org.optional["routes_recorded"] = fields.routes()
    elif fields.has("routes"):
        problems.add(fields.place("routes"), "only a system or a place says whether its routes are recorded")
    # A body's own source and the day it shows it; an ICB's are the system entry's.
    if fields.has("source"):
        org.optional["governance_source"] = fields.link("source", SYSTEM_SOURCE_LENGTH)
    if fields.has("seen"):
        org.optional["verified_on"] = fields.date("seen", required=True)
    if fields.has("also_known_as"):
        org.optional["also_known_as"] = "\n".join(_parse_names(fields))
    if org.kind == Kind.LMC:
        # An LMC's page, its date and its usual names are the file's: left out, there are none
        # (a page showing no date is "date not shown", never an older date kept from the database).
        for key, empty in (("governance_source", ""), ("verified_on", None), ("also_known_as", "")):
            org.optional.setdefault(key, empty)
    opened, closed = org.optional.get("opened"), org.optional.get("closed")
    if opened and closed and closed < opened:
        problems.add(f"{where}.closed", f"{closed} is before opened ({opened})")
    return org


def _parse_covers(fields: _Fields) -> list[str]:
    """An LMC's ``covers``: a list of distinct codes (checked against the database later)."""
    codes: list[str] = []
    for i, code in enumerate(fields.items("covers")):
        where = f"{fields.place('covers')}[{i}]"
        if not isinstance(code, str) or not code.strip():
            fields.problems.add(where, f"not an organisation code ({_describe(code)})")
        elif code in codes:
            fields.problems.add(where, f"{code} is listed twice")
        else:
            codes.append(code)
    return codes


def _parse_names(fields: _Fields) -> list[str]:
    """``also_known_as``: an organisation's usual short names ("Kent LMC"), each distinct, on one line."""
    names: list[str] = []
    for i, name in enumerate(fields.items("also_known_as")):
        where = f"{fields.place('also_known_as')}[{i}]"
        if not isinstance(name, str) or not name.strip() or "\n" in name:
            fields.problems.add(where, f"not a name on one line ({_describe(name)})")
        elif len(name) > NAME_LENGTH:
            fields.problems.add(where, f"longer than {NAME_LENGTH} characters")
        elif name.strip() in names:
            fields.problems.add(where, f"{name.strip()} is listed twice")
        else:
            names.append(name.strip())
    return names


def _parse_holder(value, where: str, problems: _Problems) -> HolderSpec:
    found_before = len(problems)
    fields = _Fields(value, where, problems, required=("name",), optional=("from", "seen", "to", "term_ends", "source"))
    start, seen = fields.date("from", required=True), fields.date("seen", required=True)
    if fields.ok and not fields.has("from") and not fields.has("seen"):
        problems.add(where, "gives neither from nor seen: say since when, or the day a source shows them in post")
    holder = HolderSpec(
        where=where,
        name=fields.name("name", PERSON_NAME_LENGTH),
        start=start or seen,
        end=fields.date("to"),
        source=_holder_source(fields, seen=fields.has("seen")),
        valid=False,
        term_ends=fields.date("term_ends"),
        seen=seen,
        start_known=not fields.has("seen") or fields.has("from"),
    )
    begins = "from" if start else "seen"
    if start and seen and seen < start:
        problems.add(f"{where}.seen", f"{seen} is before from ({start})")
    if holder.start and holder.end and holder.end < holder.start:
        problems.add(f"{where}.to", f"{holder.end} is before {begins} ({holder.start})")
    if holder.start and holder.term_ends and holder.term_ends < holder.start:
        problems.add(f"{where}.term_ends", f"{holder.term_ends} is before {begins} ({holder.start})")
    holder.valid = len(problems) == found_before
    return holder


def _holder_source(fields: _Fields, *, seen: bool) -> str:
    """A holder's source: required, and a link, beside ``seen`` (the page that shows them in post);
    otherwise optional, a link if written as one, else a citation."""
    if seen:
        return fields.link("source", SOURCE_LENGTH, required=True) or ""
    value = fields.data.get("source")
    if isinstance(value, str) and _LOOKS_LIKE_LINK.match(value):
        return fields.link("source", SOURCE_LENGTH) or ""
    return fields.text("source", SOURCE_LENGTH, optional=True) or ""


def _merge_sightings(seat: SeatSpec) -> None:
    """A holder listed again, known only by a later ``seen`` while still in post, is a second source for the
    same appointment (two pages showing them in post), not a new one: it is folded into the earlier entry
    (which keeps its own start, seen and source; it takes the later entry's ``to`` if it has none)."""
    by_name: dict[str, list[HolderSpec]] = {}
    for holder in sorted((h for h in seat.holders if h.valid), key=lambda h: h.start):
        by_name.setdefault(holder.name, []).append(holder)
    folded: set[int] = set()
    for entries in by_name.values():
        kept = entries[0]
        for holder in entries[1:]:
            if not holder.start_known and (kept.end is None or kept.end >= holder.start):
                kept.end = kept.end or holder.end
                folded.add(id(holder))
            else:
                kept = holder
    seat.holders = [h for h in seat.holders if id(h) not in folded]


def _end_by_later_holders(seat: SeatSpec) -> None:
    """A one-holder seat's holder seen in post, with no ``to``, is in post until the day before the next
    holder's start (its ``from`` or ``seen``): the later source shows the seat has changed hands."""
    if seat.max_holders != 1:
        return
    held = sorted((h for h in seat.holders if h.valid), key=lambda h: h.start)
    for holder, following in itertools.pairwise(held):
        if holder.seen and holder.end is None and following.start > holder.start:
            holder.end, holder.end_known = following.start - datetime.timedelta(days=1), False


def _parse_report(value, where: str, problems: _Problems) -> ReportSpec:
    fields = _Fields(value, where, problems, required=("name", "seen", "source"), optional=())
    return ReportSpec(
        where=where,
        name=fields.name("name", REPORT_NAME_LENGTH),
        seen=fields.date("seen", required=True),
        source=fields.link("source", SOURCE_LENGTH),
    )


def _parse_seat(value, where: str, problems: _Problems) -> SeatSpec:
    fields = _Fields(
        value,
        where,
        problems,
        required=("board", "label", "role", "selection"),
        optional=(
            "represents",
            "sector",
            "delegate",
            "voting",
            "max_holders",
            "portfolio",
            "holders",
            "mental_health",
            "also_reported",
        ),
    )
    holders = fields.data.get("holders")
    recorded = holders != HOLDERS_UNKNOWN
    if isinstance(holders, str) and recorded:
        problems.add(f"{where}.holders", f"not a list ({_describe(holders)}); write unknown if they are not recorded")
        holders = None
    seat = SeatSpec(
        where=where,
        board=fields.code("board"),
        label=fields.name("label", LABEL_LENGTH),
        role=fields.choice("role", Role, "role"),
        selection=fields.choice("selection", Selection, "selection"),
        represents=fields.code("represents", optional=True) or None,
        sector=fields.choice("sector", Sector, "sector", optional=True) or "",
        delegate=fields.flag("delegate", False),
        voting=fields.flag("voting", True),
        max_holders=fields.count("max_holders", 1),
        portfolio=fields.choice("portfolio", Portfolio, "portfolio", optional=True) or "",
        holders=[
            _parse_holder(item, f"{where}.holders[{j}]", problems)
            for j, item in enumerate(fields.items("holders") if recorded and holders is not None else ())
        ],
        holders_recorded=recorded,
        mental_health=fields.flag("mental_health", False),
        also_reported=[
            _parse_report(item, f"{where}.also_reported[{j}]", problems)
            for j, item in enumerate(fields.items("also_reported"))
        ],
    )
    _merge_sightings(seat)
    _end_by_later_holders(seat)
    if seat.role and seat.portfolio:
        try:
            rules.check_portfolio(seat.role, seat.portfolio)
        except rules.RuleError as error:
            problems.add(f"{where}.portfolio", str(error))
    if fields.data.get("represents") is not None and fields.data.get("sector") not in (None, ""):
        problems.add(f"{where}.sector", "a seat represents one organisation or a whole sector, not both")
    _check_holders_in_file(seat, problems)
    return seat


def _check_holders_in_file(seat: SeatSpec, problems: _Problems) -> None:
    """The holders' periods, by ``rules.check_holders``, naming the first holder that breaks them."""
    if seat.max_holders is None:
        return
    valid = [holder for holder in seat.holders if holder.valid]
    found = rules.first_breaking_holder(seat.max_holders, _periods(valid))
    if found is not None:
        position, error = found
        problems.add(valid[position].where, str(error))


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
        top_board=top.code("top_board", optional=True) or None,
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
