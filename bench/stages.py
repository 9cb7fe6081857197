"""Benchmark stages that run inside Django, one per invocation, each printing one JSON line.

    DATABASE_URL=… python bench/stages.py reset
    DATABASE_URL=… python bench/stages.py load            # import, re-import, demo governance
    DATABASE_URL=… python bench/stages.py paths [--n 1000]
    DATABASE_URL=… python bench/stages.py multiply --copies 10
    DATABASE_URL=… python bench/stages.py codes FILE       # random open practice codes, for the load generator

bench/run.py calls these in subprocesses, so each stage gets a fresh process and
the database named by its own DATABASE_URL.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icsmap.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from governance.caching import versioning  # noqa: E402
from governance.domain import tree, tree_check  # noqa: E402
from governance.ingest.ods.importer import refresh_planner_statistics  # noqa: E402
from governance.models import Appointment, Kind, Organisation, Seat  # noqa: E402
from governance.reading.paths import representation_path  # noqa: E402

DEMO = ROOT / "fixtures" / "governance" / "qop.yaml"


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def reset(_args) -> dict:
    """An empty database with the schema (PostgreSQL: dropped and re-created)."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg2

        admin = psycopg2.connect(
            dbname="postgres", user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{settings["NAME"]}"')
        admin.close()
    else:
        Path(settings["NAME"]).unlink(missing_ok=True)
    call_command("migrate", verbosity=0)
    return {"database": connection.vendor}


def _timed(command: str, *args, **options) -> float:
    start = time.perf_counter()
    call_command(command, *args, **options)
    return round(time.perf_counter() - start, 2)


def load(_args) -> dict:
    """The full shipped ODS import into the empty database, the same again, then the demo."""
    import_s = _timed("import_ods", quiet=True)
    reimport_s = _timed("import_ods", quiet=True)
    call_command("load_governance", str(DEMO), verbosity=0)
    return {"import_s": import_s, "reimport_s": reimport_s, "organisations": Organisation.objects.count()}


def _practice_codes(n: int, seed: int) -> list[str]:
    today = timezone.localdate()
    codes = list(
        Organisation.objects.filter(kind=Kind.PRACTICE, closed__isnull=True)
        .exclude(opened__gt=today)
        .values_list("code", flat=True)
    )
    return random.Random(seed).sample(codes, min(n, len(codes)))


def _time_calls(codes: list[str], call) -> tuple[list[float], list[int]]:
    timings, queries = [], []
    for code in codes:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            call(code)
            timings.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    return timings, queries


def paths(args) -> dict:
    """Time the path of ``n`` random open practices in-process, cold and as served.

    Cold: the system's graph read from the database each time (what any first request
    costs). Served: as the API answers, reading the data version and reusing the
    process's cached graph (timed on a second pass, once the cache holds each system).
    """
    codes = _practice_codes(args.n, args.seed)
    cold, cold_queries = _time_calls(codes, representation_path)

    def served(code):
        return representation_path(code, version=versioning.latest().counter)

    _time_calls(codes, served)  # fills the cache
    warm, warm_queries = _time_calls(codes, served)
    return {
        "calls": len(codes),
        "path_median_ms": round(statistics.median(cold), 3),
        "path_p99_ms": round(percentile(cold, 99), 3),
        "queries_per_path": round(statistics.mean(cold_queries), 2),
        "path_cached_median_ms": round(statistics.median(warm), 3),
        "path_cached_p99_ms": round(percentile(warm, 99), 3),
        "queries_per_cached_path": round(statistics.mean(warm_queries), 2),
        "systems": Organisation.objects.filter(parent__isnull=True).count(),
        "practices": Organisation.objects.filter(kind=Kind.PRACTICE).count(),
    }


def codes(args) -> dict:
    chosen = _practice_codes(args.n, args.seed)
    Path(args.file).write_text("\n".join(chosen) + "\n")
    biggest = (
        Organisation.objects.filter(parent__isnull=True)
        .order_by()
        .values_list("code", "tree_id")
        .order_by("-rght")
        .first()
    )
    return {"codes": len(chosen), "largest_system": biggest[0]}


def multiply(args) -> dict:
    """Copy every system ``copies - 1`` times (codes suffixed), seats and holders included.

    The copies go in with bulk_create under the tree lock and one rebuild, as the importer
    does; the result is a synthetic England ×copies with the same shape per system.
    """
    originals = list(Organisation.objects.order_by("tree_id", "lft").values())
    seats = list(Seat.objects.values())
    appointments = list(Appointment.objects.values())
    next_tree = max(o["tree_id"] for o in originals) + 1
    roots = [o for o in originals if o["parent_id"] is None]
    with tree.structural_write():
        for copy in range(1, args.copies):
            suffix = f"-copy{copy}"  # codes are letters, digits and hyphens
            new_tree = {root["tree_id"]: next_tree + i for i, root in enumerate(roots)}
            next_tree += len(roots)
            clones = []
            for o in originals:
                fields = {k: v for k, v in o.items() if k not in {"id", "parent_id", "sub_icb_id", "top_board_id"}}
                fields.update(code=o["code"] + suffix, tree_id=new_tree[o["tree_id"]], updated_at=timezone.now())
                clones.append(Organisation(**fields))
            Organisation.objects.bulk_create(clones, batch_size=2000)
            pk_of = dict(Organisation.objects.filter(code__endswith=suffix).values_list("code", "pk"))
            code_of = {o["id"]: o["code"] for o in originals}
            updates = []
            for o, clone in zip(originals, clones, strict=True):
                clone.pk = pk_of[clone.code]
                for field in ("parent_id", "sub_icb_id", "top_board_id"):
                    if o[field]:
                        setattr(clone, field, pk_of[code_of[o[field]] + suffix])
                updates.append(clone)
            Organisation.objects.bulk_update(updates, ["parent_id", "sub_icb_id", "top_board_id"], batch_size=2000)
            seat_clones = [
                Seat(
                    **{k: v for k, v in s.items() if k not in {"id", "body_id", "represents_id"}},
                    body_id=pk_of[code_of[s["body_id"]] + suffix],
                    represents_id=s["represents_id"] and pk_of[code_of[s["represents_id"]] + suffix],
                )
                for s in seats
            ]
            Seat.objects.bulk_create(seat_clones)
            seat_pk = {s["id"]: clone.pk for s, clone in zip(seats, seat_clones, strict=True)}
            Appointment.objects.bulk_create(
                Appointment(
                    **{k: v for k, v in a.items() if k not in {"id", "seat_id"}},
                    seat_id=seat_pk[a["seat_id"]],
                )
                for a in appointments
            )
        rebuilt = tree_check.rebuild()
        refresh_planner_statistics()  # as the importer does after a bulk write
    return {
        "copies": args.copies,
        "systems": Organisation.objects.filter(parent__isnull=True).count(),
        "practices": Organisation.objects.filter(kind=Kind.PRACTICE, closed__isnull=True).count(),
        "rebuilt_rows": rebuilt,
        "tree_ok": tree_check.diagnose().ok,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    stages = parser.add_subparsers(dest="stage", required=True)
    stages.add_parser("reset")
    stages.add_parser("load")
    for name in ("paths", "codes"):
        stage = stages.add_parser(name)
        stage.add_argument("--n", type=int, default=1000)
        stage.add_argument("--seed", type=int, default=2026)
        if name == "codes":
            stage.add_argument("file")
    stages.add_parser("multiply").add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    result = {"reset": reset, "load": load, "paths": paths, "codes": codes, "multiply": multiply}[args.stage](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
