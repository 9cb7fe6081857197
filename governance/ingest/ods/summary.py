"""What an import did, for people (the summary stage): counts by kind and relation, skipped rows, anomalies.

Holds the import's steps (``STEPS``, for a progress bar) and the data anomalies it notes
(``ANOMALIES``). Every row of a file that the import does not use is skipped with its reason
and its place (``Summary.skip``): the report counts each reason with a few examples, or lists
every row (``report(every=True)``, the commands' ``--verbosity 2``). Must not read files or the
database: the other stages count into a ``Summary``.
"""

from collections import Counter
from dataclasses import dataclass, field

from governance.models import Kind, Relation

IMPORTED_KINDS = (Kind.ICB, Kind.PLACE, Kind.PCN, Kind.PRACTICE)  # also the order of creation
STEPS = (
    "read epraccur",
    "read ePCN",
    "read lookup",
    "read successions and divisions",
    "check",
    "plan",
    "write",
    "rebuild tree",
)

ANOMALIES = {
    "practice_sub_icb_unknown": "active GP practices whose sub-ICB (epraccur column 24) is not in the lookup "
    "(not imported; rows already there left as they are)",
    "member_not_practice": "current PCN members that are not imported GP practices (membership dropped)",
    "membership_clipped": "memberships running past their practice's or PCN's close date (ended that day)",
    "membership_overlap": "memberships of one practice that overlap in the file (the later start wins)",
    "practice_no_pcn": "open practices with no PCN today (placed under their sub-ICB)",
    "cross_sub_icb": "practices in a PCN run from another sub-ICB of their ICB",
    "cross_icb": "practices in a PCN run from another ICB (they sit in that ICB's tree; sub_icb keeps their own)",
    "pcn_no_practice": "open PCNs with no open practice today",
    "not_in_lookup": "ICBs and places imported before that the lookup no longer has (left as they are)",
    "not_divided": "units of a divided sub-ICB location or ICB that no division table places (left where they were)",
    "division_not_applied": "practices in the official division table that are not in a divided sub-ICB location",
    "successor_regions": "new ICBs whose predecessors lie in more than one region (given the first)",
    "files_apart": "epraccur and ePCN data dates more than a year apart (PCN membership may be out of date)",
    "snapshot_moved": "practices the snapshot shows in another PCN than the dated file (moved between the two, "
    "the exact day not published)",
    "snapshot_joined": "practices in no PCN in the dated file that the snapshot shows in one",
    "snapshot_left": "practices the snapshot shows in no PCN that were in one in the dated file (left between the two)",
    "snapshot_new_pcn": "PCNs first seen in the snapshot (kept from its day, run from most of their practices' "
    "sub-ICB location)",
    "snapshot_pcn_closed": "practices the snapshot shows in a PCN the dated file had closed (left as they were)",
    "snapshot_after_dated": "practices whose dated memberships begin after the snapshot's day (left as they were)",
}

# What changed for people (``refresh_ods`` prints it): each kind of change, said with its examples.
CHANGES = {
    "practice_opened": "practices opened (or reopened)",
    "practice_closed": "practices closed",
    "practice_moved": "practices that moved to another PCN (or, without one, another place)",
    "pcn_new": "new PCNs",
    "pcn_closed": "PCNs closed",
    "pcn_moved": "PCNs that moved to another place",
    "renamed": "organisations renamed",
}


@dataclass
class Summary:
    """What an import did (or, on a dry run, would do), by kind and by relation."""

    files: list[str] = field(default_factory=list)
    in_files: Counter = field(default_factory=Counter)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)  # name, postcode, dates, region or sub-ICB
    moved: Counter = field(default_factory=Counter)
    closed: Counter = field(default_factory=Counter)
    reopened: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)  # governance rows used as they are
    links_in_files: Counter = field(default_factory=Counter)  # relation → links the files give
    links: Counter = field(default_factory=Counter)  # (relation, created/changed/removed) → links
    successions: Counter = field(default_factory=Counter)  # created/changed/removed → successions
    datasets: Counter = field(default_factory=Counter)  # created/changed → Dataset rows
    names: Counter = field(default_factory=Counter)  # created/changed/removed → dated names
    patients: Counter = field(default_factory=Counter)  # created/changed/removed → registered patient counts
    skipped: Counter = field(default_factory=Counter)  # (kind, reason) → rows not used
    skipped_rows: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (kind, reason) → "code (place)"
    anomalies: dict[str, list[str]] = field(default_factory=dict)  # ANOMALIES key → examples
    changes: dict[str, list[str]] = field(default_factory=dict)  # CHANGES key → what, e.g. "P1: PCN A → PCN B"
    dry_run: bool = False
    seconds: float = 0.0

    COLUMNS = ("created", "updated", "moved", "closed", "reopened", "kept")
    LINK_COLUMNS = ("created", "changed", "removed")

    @property
    def changed(self) -> int:
        """How many changes were counted (a row moved and renamed counts twice), links and the rest included."""
        organisations = sum(sum(getattr(self, column).values()) for column in self.COLUMNS[:-1])
        others = (self.links, self.successions, self.datasets, self.names, self.patients)
        return organisations + sum(sum(counter.values()) for counter in others)

    def anomaly(self, key: str, example: str) -> None:
        self.anomalies.setdefault(key, []).append(example)

    def skip(self, kind: str, reason: str, row: str) -> None:
        """Count a row the import does not use, and why; ``row`` says which ("W91002 (epraccur.csv, row 7)")."""
        self.skipped[kind, reason] += 1
        self.skipped_rows.setdefault((kind, reason), []).append(row)

    def skip_unlisted(self, kind: str, reason: str, count: int) -> None:
        """Count ``count`` rows not used beside those listed (a whole file's breakdown: the report says how many)."""
        if count:
            self.skipped[kind, reason] += count

    def change(self, key: str, what: str) -> None:
        self.changes.setdefault(key, []).append(what)

    def changes_report(self, examples: int = 20) -> str:
        """What changed since the last import (or would, on a dry run), by kind of change, for people."""
        when = "would change" if self.dry_run else "changed"
        if not self.changes:
            return f"Nothing {when} in practices, PCNs or names since the last import."
        lines = [f"What {when} since the last import:"]
        for key, label in CHANGES.items():
            found = sorted(self.changes.get(key, ()))
            if found:
                lines.append(f"  {len(found)} {label}:")
                lines += [f"    {what}" for what in found[:examples]]
                if len(found) > examples:
                    lines.append(f"    … and {len(found) - examples} more")
        return "\n".join(lines)

    def report(self, examples: int = 5, *, every: bool = False) -> str:
        """The summary as text, for people: a few ``examples`` of each skipped reason and anomaly, or ``every`` one."""
        lines = [*self.files, ""]
        lines.append(f"{'':18}{'in files':>10}" + "".join(f"{column:>10}" for column in self.COLUMNS))
        for kind in IMPORTED_KINDS:
            counts = [getattr(self, column)[kind] for column in self.COLUMNS]
            lines.append(f"{kind:18}{self.in_files[kind]:>10}" + "".join(f"{count:>10}" for count in counts))
        lines.append("")
        lines.append(f"{'links':18}{'in files':>10}" + "".join(f"{column:>10}" for column in self.LINK_COLUMNS))
        for relation in Relation:
            counts = [self.links[relation, column] for column in self.LINK_COLUMNS]
            lines.append(
                f"{relation:18}{self.links_in_files[relation]:>10}" + "".join(f"{count:>10}" for count in counts)
            )
        counts = [self.successions[column] for column in self.LINK_COLUMNS]
        lines.append(
            f"{'successions':18}{self.in_files['succession']:>10}" + "".join(f"{count:>10}" for count in counts)
        )
        for label, counter in (("dated names", self.names), ("patient counts", self.patients)):
            if counter:
                counts = [counter[column] for column in self.LINK_COLUMNS]
                lines.append(f"{label:18}{'':>10}" + "".join(f"{count:>10}" for count in counts))
        if self.skipped:
            hint = "" if every else "; --verbosity 2 lists every one"
            lines += ["", f"Skipped rows (not used, by reason{hint}):"]
            for key, count in sorted(self.skipped.items()):
                found = self.skipped_rows.get(key, [])
                lines += self._listed(f"{key[0]}: {key[1]}: {count}", found, count, examples, every, " — ", "; ")
        if self.anomalies:
            lines += ["", "Anomalies:"]
            for key, found in self.anomalies.items():
                lines += self._listed(f"{len(found)} {ANOMALIES[key]}", found, len(found), examples, every, ": ", ", ")
        done = " Dry run: nothing was written." if self.dry_run else ""
        if not self.changed and not self.dry_run:
            done = " Nothing changed: nothing was written."
        lines += ["", f"Took {self.seconds:.1f} s.{done}"]
        return "\n".join(lines)

    @staticmethod
    def _listed(
        title: str, found: list[str], count: int, examples: int, every: bool, lead: str, separator: str
    ) -> list[str]:
        """``title`` with a few of ``found`` on its line, or (``every``) each on a line of its own."""
        if every:
            more = [f"    … and {count - len(found)} more of the same"] if count > len(found) else []
            return [f"  {title}:", *(f"    {row}" for row in found), *more]
        if not found:
            return [f"  {title}"]
        shown = separator.join(found[:examples]) + (f"{separator}…" if count > examples else "")
        return [f"  {title}{lead}{shown}"]
