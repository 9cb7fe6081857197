"""The statutory board of every ICB that has none yet, as governance files: loaded, or written out.

``scaffold_governance`` gives each ICB without a top board its unitary board, with
one seat per place of ``governance.domain.composition.REQUIREMENTS`` (holders not
recorded), and its integrated care partnership. It writes governance files' content
(``statutory_file``) and loads them through the loader (``load_specs``), so that checks,
history and the all-or-nothing rule are the loader's; or, given a folder, writes the files
there for a person to complete and load.

A closed ICB is given its board too, dated like it (opened and closed with it), so that
the structure of a date before it closed can be drawn to its top; an ICB not yet open gets
one that opens with it. It never touches a system that has a top board, so a second run
changes nothing.
"""

from dataclasses import dataclass, field
from pathlib import Path

from governance.domain import routes
from governance.domain.composition import REQUIREMENTS
from governance.governance_file import load_specs, parse_governance
from governance.governance_file.format import HOLDERS_UNKNOWN
from governance.governance_file.report import GovernanceFileError, LoadReport
from governance.governance_file.write import dump_yaml, system_entry
from governance.models import Kind, Organisation

ICB_SUFFIX = " Integrated Care Board"


class ScaffoldError(Exception):
    """The systems asked for cannot be scaffolded (an unknown code); nothing was written."""


@dataclass
class ScaffoldReport:
    scaffolded: list[str] = field(default_factory=list)  # system codes given a board (or a file)
    skipped: list[str] = field(default_factory=list)  # "CODE: why", for systems asked for by code
    files: list[Path] = field(default_factory=list)
    load: LoadReport | None = None

    def lines(self, rows: bool = True) -> list[str]:
        """The report as lines of text for the command line; without ``rows``, the systems
        given a board are counted, not listed (``--verbosity 2`` lists them)."""
        lines = [f"Skipped {line}" for line in self.skipped]
        if self.files:
            lines += [f"Wrote {path}" for path in self.files]
        elif self.load is not None:
            if rows:
                said = "its statutory board and ICP (holders not recorded)."
                lines += [f"Gave {code} {said}" for code in self.scaffolded]
            elif self.scaffolded:
                n = len(self.scaffolded)
                lines.append(
                    f"Gave {n} system{'s' if n != 1 else ''} {'its' if n == 1 else 'their'} statutory board and ICP "
                    "(holders not recorded); --verbosity 2 lists them."
                )
            lines += [f"  {name}: {counts}" for name, counts in self.load.counts.items()]
        if not self.scaffolded:
            lines.append("Nothing to scaffold: every open system asked for has a top board.")
        return lines


def board_code(root: Organisation) -> str:
    return f"{root.code.lower()}-board"


def icp_code(root: Organisation) -> str:
    return f"{root.code.lower()}-icp"


def _area(name: str) -> str:
    """ "NHS Kent and Medway Integrated Care Board" → "Kent and Medway"."""
    area = name.removesuffix(ICB_SUFFIX)
    return area.removeprefix("NHS ") if area != name else name


def statutory_file(root: Organisation) -> dict:
    """The governance file (as data) that gives ``root``'s system its statutory board and its ICP."""
    area = _area(root.name)
    # Only the statutory board is known: nothing says whether a practice's route reaches it.
    system = {**system_entry(root, region=False), "routes": routes.file_value(False)}
    dates = {name: getattr(root, name) for name in ("opened", "closed") if getattr(root, name)}
    board = {"code": board_code(root), "name": f"NHS {area} ICB Board", "kind": str(Kind.BOARD), "parent": root.code}
    icp = {"code": icp_code(root), "name": f"{area} Integrated Care Partnership", "kind": str(Kind.ICP)}
    seats = []
    for requirement in REQUIREMENTS:
        for label in requirement.labels:
            seat = {"board": board["code"], "label": label, "role": str(requirement.role)}
            if requirement.portfolio:
                seat["portfolio"] = str(requirement.portfolio)
            if requirement.sector:
                seat["sector"] = str(requirement.sector)
            seats.append({**seat, "selection": str(requirement.selection), "holders": HOLDERS_UNKNOWN})
    return {
        "system": system,
        "top_board": board["code"],
        "organisations": [{**board, **dates}, {**icp, "parent": root.code, **dates}],
        "seats": seats,
    }


def _systems(codes, report: ScaffoldReport) -> list[Organisation]:
    """The ICBs to scaffold: those named (all if none), without a top board or a board of that code."""
    roots = Organisation.objects.filter(parent__isnull=True, kind=Kind.ICB).order_by("code")
    if codes:
        roots = roots.filter(code__in=codes)
        unknown = sorted(set(codes) - set(roots.values_list("code", flat=True)))
        if unknown:
            raise ScaffoldError(f"No system (ICB) has the code {', '.join(map(repr, unknown))}; nothing was written.")
    chosen = []
    taken = set(
        Organisation.objects.filter(code__in=[board_code(r) for r in roots] + [icp_code(r) for r in roots]).values_list(
            "code", flat=True
        )
    )
    for root in roots:
        if root.top_board_id is not None:
            if codes:
                report.skipped.append(f"{root.code}: it has a top board already")
        elif board_code(root) in taken or icp_code(root) in taken:
            report.skipped.append(
                f"{root.code}: {board_code(root)} or {icp_code(root)} exists already, but is not its top board; "
                "load a governance file that names its top board"
            )
        else:
            chosen.append(root)
    return chosen


def scaffold_governance(codes=(), *, out: Path | None = None) -> ScaffoldReport:
    """Give every ICB without a top board (or those of ``codes``) its statutory board and ICP, dated like it.

    Loaded through the loader in one transaction (all or nothing), or with ``out`` written
    there as ``<CODE>.yaml`` governance files instead. Raises ``ScaffoldError`` for an
    unknown code and ``GovernanceFileError`` if the loader refuses a generated file.
    """
    report = ScaffoldReport()
    roots = _systems(list(codes), report)
    report.scaffolded = [root.code for root in roots]
    files = {root.code: statutory_file(root) for root in roots}
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for code, data in files.items():
            path = out / f"{code}.yaml"
            path.write_text(dump_yaml(data, made_by="scaffolded by icsmap (holders not recorded)"), encoding="utf-8")
            report.files.append(path)
        return report
    specs, problems = [], []
    for code, data in files.items():
        spec, found = parse_governance(data, f"{code} (scaffold)")
        specs.append(spec)
        problems += found
    if problems:
        raise GovernanceFileError(problems)
    report.load = load_specs(specs) if specs else None
    return report
