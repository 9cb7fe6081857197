"""The governance file, read and written: a system's organisations, boards, seats and who holds them.

The file format is a public contract (DESIGN.md, "The governance file"); ``write`` writes
what the loader reads back unchanged. Loading runs in three steps, so that a mistake
anywhere in any file writes nothing:

1. parse: read YAML or JSON and check every value, without the database, into
   plain dataclasses (``GovernanceSpec``);
2. check: resolve codes, people and seats against the database, inside the tree
   lock, so that nothing can change between checking and writing;
3. apply: in the same transaction, write only the rows and fields that differ,
   so that loading the same file twice writes nothing.

Every mistake is collected, not just the first, as a ``Problem`` naming its place
in the file: ``qop.yaml: seats[3].holders[0].from: not a date ('2023-13-01')``.

The package holds one module per part: ``format`` (the file's keys and defaults),
``report`` (problems and the load report), ``spec`` (the dataclasses), ``read`` (a file's
data, read safely), ``fields`` (each value checked) and ``parse`` (step 1), ``check``
(step 2), ``apply`` (step 3), ``write`` (the file out) and ``scaffold`` (statutory boards);
the whole load, ``load_governance`` and ``load_specs``, is here.
"""

from collections.abc import Sequence
from pathlib import Path

from django.db import transaction

from governance.domain import tree
from governance.governance_file.apply import Apply
from governance.governance_file.check import DatabaseCheck, read_people
from governance.governance_file.parse import check_across_files, parse_governance, read_governance_file
from governance.governance_file.report import Counts, GovernanceFileError, LoadReport, Problem
from governance.governance_file.spec import GovernanceSpec, HolderSpec, OrganisationSpec, SeatSpec, SystemSpec

__all__ = [
    "Counts",
    "GovernanceFileError",
    "GovernanceSpec",
    "HolderSpec",
    "LoadReport",
    "OrganisationSpec",
    "Problem",
    "SeatSpec",
    "SystemSpec",
    "load_governance",
    "load_specs",
    "parse_governance",
    "read_governance_file",
]


def load_governance(paths: Sequence[str | Path], *, prune: bool = False, dry_run: bool = False) -> LoadReport:
    """Load governance files together: all of them, or (on any problem) nothing.

    Raises ``GovernanceFileError`` listing every problem in every file. With
    ``prune``, seats on the files' systems and appointments on the files' seats
    that the files do not list are deleted (otherwise only reported). With
    ``dry_run`` everything is done and reported, then rolled back. A file named twice
    (by the same or another path) loads once.
    """
    specs, problems = [], []
    unique: dict[Path, str | Path] = {}
    for path in paths:
        unique.setdefault(Path(path).resolve(), path)  # a file named twice (however) loads once
    paths = list(unique.values())
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
    problems = [*problems, *check_across_files(specs)]
    report = LoadReport(files=list(files or [spec.file for spec in specs]), dry_run=dry_run, prune=prune)
    with tree.structural_write():
        people = read_people(name for spec in specs for name in spec.holder_names())
        views = []
        for spec in specs:
            if spec.system.code is None:
                views.append(None)  # nothing to resolve against; the parse has said why
                continue
            check = DatabaseCheck(spec, people, prune)
            views.append(check.run())
            problems += check.problems
        if problems:
            raise GovernanceFileError(problems)
        for spec, view in zip(specs, views, strict=True):
            Apply(spec, view, people, report, prune).run()
        people_used = {name for spec in specs for name in spec.holder_names()}
        report.counts["people"].unchanged = len(people_used) - report.counts["people"].created
        if dry_run:
            transaction.set_rollback(True)
    return report
