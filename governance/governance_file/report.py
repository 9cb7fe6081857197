"""Problems found in governance files, the error that carries them, and the report of what a load wrote."""

from collections.abc import Iterable
from dataclasses import dataclass, field

MODELS = ("organisations", "seats", "people", "appointments")


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


class Problems(list):
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

    def lines(self, rows: bool = True) -> list[str]:
        """The report as lines of text for the command line: details first, the summary last.

        Without ``rows`` (the command's default verbosity), each list of rows is one line
        counting them; ``--verbosity 2`` lists them.
        """
        lines = []
        kept = "" if self.prune else " (kept; --prune deletes them)"
        for heading, listed in (
            ("Would change:" if self.dry_run else "Changes:", self.changes),
            (f"Seats in the database but not in the file{kept}:", self.unlisted_seats),
            (f"Appointments in the database but not among their seat's holders{kept}:", self.unlisted_appointments),
        ):
            if not listed:
                continue
            if rows:
                lines.append(heading)
                lines += [f"  {line}" for line in listed]
            else:
                lines.append(f"{heading.rstrip(':')}: {len(listed)} (--verbosity 2 lists them)")
        files = ", ".join(self.files)
        lines.append(f"Dry run of {files} (rolled back: nothing was written)." if self.dry_run else f"Loaded {files}.")
        lines += [f"  {name}: {self.counts[name]}" for name in MODELS]
        if not self.changed:
            lines.append("Nothing to change.")
        return lines
