"""Import England's ICBs, sub-ICB locations, PCNs and GP practices from NHS ODS files, with their history.

Each ICB is the root of its own tree: ICB → sub-ICB location (kind ``place``) → PCN →
practice. ICB and region come from the lookup, never from epraccur. The tree is the
structure of *today* (``import_ods(today=…)``, default the local date); the past is kept
as dated links (``Link``), open and close dates and successions:

- **ICBs** open on 1 July 2022 (the lookup of 2022 is as at their establishment). Every
  predecessor in the successions (``icb_successions_2026-04.csv``) closes the day before its
  succession; a successor that did not exist opens that day (named like the others, in its
  predecessors' region). Each succession is kept (type, date, source).
- **Sub-ICB location → ICB** (``SUB_ICB_ICB``): from the day its ICB opened; a sub-ICB
  location of a closed ICB moves to its successor on the day of the succession
  (``sub_icb_division_*.csv``). One divided by place (Frimley's D4U1Y) closes the day
  before; the new ones it went to open that day. A lookup of 2026 or later names the
  successors: the same tables, read the other way round, give the links before.
- **PCN → sub-ICB location** (``PCN_SUB_ICB``): from its opening to its closing; a divided
  one's PCNs move whole on the day (``frimley_division_*.csv``).
- **Practice → sub-ICB location** (``PRACTICE_SUB_ICB``): from the day it joined (epraccur
  column 16; else its opening) to its closing; a divided one's practices go where the
  official ODS table puts them (``--division``), else where their PCN went that day, else
  where the practice division puts them.
- **Practice → PCN** (``PCN_MEMBER``): every ePCN membership, ended ones too, clipped to
  the practice's and PCN's dates; overlaps in the file are resolved (the later start wins)
  and noted, never refused.
- Kept: active English GP practices, and closed ones open on or after 1 July 2022; open
  PCNs, and closed ones closed on or after then whose sub-ICB location is known. The
  memberships of anything not kept are dropped and counted.

A unit's tree parent is its link parent today (``governance.domain.links.parent_link_on``:
a practice's PCN while open, else its sub-ICB location); a closed unit keeps the parent it
had on its last day; a closed ICB stays a root. A practice's own sub-ICB location today is
kept in ``sub_icb`` even when its PCN is run from another sub-ICB (or ICB).

An import is an update, in stages: read and check every file (``read``: ``files``,
``tables``, ``workbook``), join them into what the files want (``join.read_snapshot``, with
``timeline``, ``units``, ``division``, ``seen``, ``datasets``), then, inside the tree lock,
compare that with the database (``plan``) and write the difference in bulk (``write.apply``);
``summary`` counts what each stage did.
Nothing is written until every file has been read and checked, and the writes share one
transaction, so a failure leaves the database as it was.
Organisations, links, successions and the ``Dataset`` rows (one per role: file, data date,
when published, source) are all diffed: a re-import of the same files writes nothing at
all, and the data version moves only when something was written.

Ownership. Rows the import creates have ``source="ods"``: the import renames, moves,
closes and reopens them. Rows with ``source="governance"`` are used as they are —
as parents, as a practice's sub-ICB — and never changed; their codes are never
created twice, and the import writes no dated links of theirs (they sit under their
tree parent on every day).
Because the import would undo them, the admin and the API refuse moves, deletes and
changes of the fields it writes on its rows (``rules.check_ods_kept``); setting a row's
source to governance takes it over instead.

Codes and placement. Every code the files give keeps the code rule (``models.CODE_RULE``)
and every row its place in ``rules.PARENT_KINDS``, or the import stops naming the row. A
division row naming a code the import does not know (an ICB, a sub-ICB location, a PCN or
a practice: ``timeline``, ``division``) stops it too; one about a unit the files have but the
import does not keep, or that made no link, is skipped with why.

Rows not used. Every row of every file that the import does not use is counted in the
summary with its reason and place (``Summary.skip``), a few of each in the report, every one
with ``report(every=True)``.

Closing. Nothing is deleted. A practice or PCN the import owns that the files no longer
list gets ``closed`` = the close date the file gives it, or, when it gives none (a dormant
practice, or one gone from the file), the file's *data date*: the latest date that file
records (for epraccur: the latest opening of an active row or closing of any row); never
before the row's own opening. Its links end that day. A row that comes back open is
reopened (``closed`` emptied).

History. Bulk writes send no signals, so ``apply`` records a history row for each
organisation and link it creates, changes or removes, in bulk too (reason "ODS import").
"""

import datetime
import time
from collections.abc import Callable

from django.utils import timezone

from governance.domain import tree, tree_check
from governance.ingest.ods import OdsConflictError
from governance.ingest.ods.join import read_snapshot
from governance.ingest.ods.plan import load_existing, plan_changes
from governance.ingest.ods.read import SHIPPED, OdsFiles, describe_files, read_files
from governance.ingest.ods.summary import STEPS, Summary
from governance.ingest.ods.write import apply, refresh_planner_statistics

__all__ = ["SHIPPED", "STEPS", "OdsConflictError", "OdsFiles", "Summary", "import_ods"]


def import_ods(
    files: OdsFiles = SHIPPED,
    *,
    dry_run: bool = False,
    progress: Callable[[str], None] | None = None,
    today: datetime.date | None = None,
) -> Summary:
    """Import the ODS files into the trees, with their history; on ``dry_run`` only work out what would change.

    The tree is placed as of ``today`` (default: the local date). Raises OdsImportError (a
    file problem, a dangling code, files that contradict each other, a code held by an
    organisation of another kind) with the database unchanged. ``progress`` is called after
    each of STEPS.
    """
    started = time.monotonic()
    done = progress or (lambda step: None)
    today = today or timezone.localdate()
    summary = Summary(dry_run=dry_run)

    read = read_files(files, done)
    summary.files = describe_files(read)
    snapshot = read_snapshot(read, summary, today)
    done(STEPS[4])

    with tree.structural_write():
        plan = plan_changes(snapshot, load_existing(), summary)
        done(STEPS[5])
        if not dry_run:
            apply(plan)
            done(STEPS[6])
            try:
                tree_check.rebuild()
            except ValueError as error:  # a cycle through rows that governance placed
                raise OdsConflictError(f"the import would leave the tree broken: {error}") from error
            if plan.writes:
                refresh_planner_statistics()
            done(STEPS[7])
    summary.seconds = time.monotonic() - started
    return summary
