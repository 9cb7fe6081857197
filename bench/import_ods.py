"""Time the ODS import: the full 2023 set into an empty database, then the same files again.

    .venv/bin/python bench/import_ods.py [--sqlite] [--epraccur F --epcn F --lookup F]

It sets up its own throw-away database and empties it first: PostgreSQL
``postgres://postgres@127.0.0.1:5432/h_import`` by default (or $BENCH_DATABASE_URL),
or with ``--sqlite`` a file in a temporary directory. Targets (issue 3, 2-core
machine, PostgreSQL): full import under 20 s, a no-change re-import under 10 s.
"""

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "ods"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/h_import"
TARGETS = {"full import": 20.0, "re-import (no change)": 10.0}


def arguments():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="Use a throw-away SQLite file instead of PostgreSQL.")
    parser.add_argument("--epraccur", type=Path, default=SHARED / "epraccur_2023-02.csv")
    parser.add_argument("--epcn", type=Path, default=SHARED / "ePCN_2023-01.xlsx")
    parser.add_argument("--lookup", type=Path, default=SHARED / "LOC22_ICB22_NHSER22_EN_LU.csv")
    return parser.parse_args()


def main() -> int:
    args = arguments()
    scratch = tempfile.TemporaryDirectory(prefix="icsmap-bench-")
    if args.sqlite:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch.name}/bench.sqlite3"
    else:
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", POSTGRES_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsmap.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from governance.domain import tree_check
    from governance.ingest.ods import importer as ods
    from governance.models import Organisation

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    # The shipped set with these three files in place: whatever else the importer reads
    # (successions, divisions) stays as shipped.
    files = dataclasses.replace(ods.SHIPPED, epraccur=args.epraccur, epcn=args.epcn, lookup=args.lookup)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")

    results = {}
    for label in TARGETS:
        started = time.perf_counter()
        summary = ods.import_ods(files)
        results[label] = time.perf_counter() - started
        print(f"{label}: {results[label]:.2f} s ({summary.changed} changes)")

    counts = {kind: Organisation.objects.filter(kind=kind).count() for kind in ("icb", "place", "pcn", "practice")}
    print("imported:", ", ".join(f"{count} {kind}" for kind, count in counts.items()))
    whole = tree_check.diagnose().ok
    print("tree whole:", whole)
    scratch.cleanup()
    slow = [label for label, seconds in results.items() if seconds > TARGETS[label]]
    for label in slow:
        print(f"SLOW: {label} took more than {TARGETS[label]:.0f} s")
    return 0 if whole and not slow else 1


if __name__ == "__main__":
    sys.exit(main())
