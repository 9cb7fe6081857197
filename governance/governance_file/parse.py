"""Step 1: parse. Read a governance file (YAML or JSON) and check every value, without the database.

The file is read safely by ``read``, each mapping's values checked by ``fields.Fields``; here
each entry (the system, its clusters, organisations, seats, their holders) becomes its spec,
and what spans entries is checked: codes and seats declared twice, holders' periods, and
systems or organisations declared in two files loaded together.
"""

import datetime
import itertools
from collections.abc import Iterable, Sequence
from pathlib import Path

from governance.domain import rules
from governance.governance_file import format
from governance.governance_file.fields import (
    CLUSTER_NAME_LENGTH,
    LABEL_LENGTH,
    LOOKS_LIKE_LINK,
    NAME_LENGTH,
    PERSON_NAME_LENGTH,
    POSTCODE_LENGTH,
    REGION_LENGTH,
    REPORT_NAME_LENGTH,
    SOURCE_LENGTH,
    SYSTEM_SOURCE_LENGTH,
    Fields,
    describe,
)
from governance.governance_file.read import read_data
from governance.governance_file.report import Problem, Problems
from governance.governance_file.spec import (
    ClusterSpec,
    GovernanceSpec,
    HolderSpec,
    OrganisationSpec,
    ReportSpec,
    SeatSpec,
    SystemSpec,
)
from governance.models import Kind, Portfolio, Role, Sector, Selection


def _parse_system(value, problems: Problems) -> SystemSpec:
    fields = Fields(value, "system", problems, format.SYSTEM)
    return SystemSpec(
        code=fields.code("code"),
        name=fields.name("name", NAME_LENGTH),
        region=fields.text("region", REGION_LENGTH, optional=True),
        source=fields.text("source", SYSTEM_SOURCE_LENGTH, optional=True) or "",
        verified=fields.date("verified"),
        illustrative=fields.flag("illustrative", format.ILLUSTRATIVE),
        routes_recorded=fields.routes(),
        clusters=[
            _parse_cluster(item, f"system.clusters[{i}]", problems) for i, item in enumerate(fields.items("clusters"))
        ]
        if fields.has("clusters")
        else None,
    )


def _parse_cluster(value, where: str, problems: Problems) -> ClusterSpec:
    fields = Fields(value, where, problems, format.CLUSTER)
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


def _parse_organisation(value, where: str, problems: Problems) -> OrganisationSpec:
    fields = Fields(value, where, problems, format.ORGANISATION)
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


def _parse_covers(fields: Fields) -> list[str]:
    """An LMC's ``covers``: a list of distinct codes (checked against the database later)."""
    codes: list[str] = []
    for i, code in enumerate(fields.items("covers")):
        where = f"{fields.place('covers')}[{i}]"
        if not isinstance(code, str) or not code.strip():
            fields.problems.add(where, f"not an organisation code ({describe(code)})")
        elif code in codes:
            fields.problems.add(where, f"{code} is listed twice")
        else:
            codes.append(code)
    return codes


def _parse_names(fields: Fields) -> list[str]:
    """``also_known_as``: an organisation's usual short names ("Kent LMC"), each distinct, on one line."""
    names: list[str] = []
    for i, name in enumerate(fields.items("also_known_as")):
        where = f"{fields.place('also_known_as')}[{i}]"
        if not isinstance(name, str) or not name.strip() or "\n" in name:
            fields.problems.add(where, f"not a name on one line ({describe(name)})")
        elif len(name) > NAME_LENGTH:
            fields.problems.add(where, f"longer than {NAME_LENGTH} characters")
        elif name.strip() in names:
            fields.problems.add(where, f"{name.strip()} is listed twice")
        else:
            names.append(name.strip())
    return names


def _parse_holder(value, where: str, problems: Problems) -> HolderSpec:
    found_before = len(problems)
    fields = Fields(value, where, problems, format.HOLDER)
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
        acting=bool(fields.flag("acting", format.ACTING)),
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


def _holder_source(fields: Fields, *, seen: bool) -> str:
    """A holder's source: required, and a link, beside ``seen`` (the page that shows them in post);
    otherwise optional, a link if written as one, else a citation."""
    if seen:
        return fields.link("source", SOURCE_LENGTH, required=True) or ""
    value = fields.data.get("source")
    if isinstance(value, str) and LOOKS_LIKE_LINK.match(value):
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


def _parse_report(value, where: str, problems: Problems) -> ReportSpec:
    fields = Fields(value, where, problems, format.REPORT)
    return ReportSpec(
        where=where,
        name=fields.name("name", REPORT_NAME_LENGTH),
        seen=fields.date("seen", required=True),
        source=fields.link("source", SOURCE_LENGTH),
    )


def _parse_seat(value, where: str, problems: Problems) -> SeatSpec:
    fields = Fields(value, where, problems, format.SEAT)
    holders = fields.data.get("holders")
    recorded = holders != format.HOLDERS_UNKNOWN
    if isinstance(holders, str) and recorded:
        problems.add(f"{where}.holders", f"not a list ({describe(holders)}); write unknown if they are not recorded")
        holders = None
    seat = SeatSpec(
        where=where,
        board=fields.code("board"),
        label=fields.name("label", LABEL_LENGTH),
        role=fields.choice("role", Role, "role"),
        selection=fields.choice("selection", Selection, "selection"),
        represents=fields.code("represents", optional=True) or None,
        sector=fields.choice("sector", Sector, "sector", optional=True) or "",
        delegate=fields.flag("delegate", format.DELEGATE),
        voting=fields.flag("voting", format.VOTING),
        max_holders=fields.count("max_holders", format.MAX_HOLDERS),
        portfolio=fields.choice("portfolio", Portfolio, "portfolio", optional=True) or "",
        holders=[
            _parse_holder(item, f"{where}.holders[{j}]", problems)
            for j, item in enumerate(fields.items("holders") if recorded and holders is not None else ())
        ],
        holders_recorded=recorded,
        mental_health=fields.flag("mental_health", format.MENTAL_HEALTH),
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


def _check_holders_in_file(seat: SeatSpec, problems: Problems) -> None:
    """The holders' periods, by ``rules.check_holders``, naming the first holder that breaks them."""
    if seat.max_holders is None:
        return
    valid = [holder for holder in seat.holders if holder.valid]
    found = rules.first_breaking_holder(seat.max_holders, periods(valid))
    if found is not None:
        position, error = found
        problems.add(valid[position].where, str(error))


def periods(holders: Iterable[HolderSpec]) -> list[tuple[str, datetime.date, datetime.date | None]]:
    """The holders' (name, start, end), as ``domain.rules`` checks them."""
    return [(holder.name, holder.start, holder.end) for holder in holders]


def _check_duplicates(spec: GovernanceSpec, problems: Problems) -> None:
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
    problems = Problems(file)
    top = Fields(data, "", problems, format.FILE)
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
    problems = Problems(str(path))
    data = read_data(Path(path), problems)
    if problems:
        return None, problems
    return parse_governance(data, str(path))


def check_across_files(specs: Sequence[GovernanceSpec]) -> list[Problem]:
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
