"""Benchmark stages that run inside Django, one per invocation, each printing one JSON line.

    DATABASE_URL=… python bench/stages.py reset
    DATABASE_URL=… python bench/stages.py migrate         # a kept database to this checkout's schema
    DATABASE_URL=… python bench/stages.py load            # import, re-import, demo governance
    DATABASE_URL=… python bench/stages.py paths [--n 1000] [--alone 20]  # today's and dated paths, in-process
    DATABASE_URL=… python bench/stages.py multiply --copies 10       # England ×10 with ten years of moves
    DATABASE_URL=… python bench/stages.py codes FILE DATED_FILE [--england-date D]  # for the load generator
    DATABASE_URL=… python bench/stages.py holders [--n 2000]    # a governance file: one seat, n holders
    DATABASE_URL=… python bench/stages.py writer [--n 6]        # a token and n seats for the write storm

bench/run.py calls these in subprocesses, so each stage gets a fresh process and
the database named by its own DATABASE_URL.
"""

import argparse
import datetime
import io
import json
import os
import random
import statistics
import sys
import tempfile
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

from bench import sampling, scale  # noqa: E402
from governance.caching import versioning  # noqa: E402
from governance.models import Kind, Link, Organisation  # noqa: E402
from governance.reading import as_of  # noqa: E402
from governance.reading.graph import SystemGraph  # noqa: E402
from governance.reading.paths import find_organisation, representation_path, system_on  # noqa: E402

DEMO = ROOT / "tests" / "data" / "governance" / "illustrative_qop.yaml"


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


def migrate(_args) -> dict:
    """A database kept from an earlier run brought to this checkout's schema (a branch may add a
    migration: its code would otherwise answer every request with an error)."""
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


def _time_calls(items: list, call, errors: list | None = None) -> tuple[list[float], list[int]]:
    """``call(item)`` for each item: the milliseconds and the queries of each call that answered.

    A call that raises is left out of the figures and noted in ``errors`` (item and exception):
    the bench reports what the app does, rather than stopping at the first failure.
    """
    timings, queries = [], []
    for item in items:
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            try:
                call(item)
            except Exception as error:  # any failure is the app's: reported, not fatal
                if errors is not None:
                    errors.append(f"{item}: {type(error).__name__}: {error}")
                    continue
                raise
            timings.append((time.perf_counter() - start) * 1000)
        queries.append(len(captured))
    return timings, queries


def paths(args) -> dict:
    """Time the path of ``n`` random practices in-process, today and at random past dates.

    Read: England's structure (every unit, link, seat and appointment: ``as_of.england``),
    which a process reads once per data version. Cold: a path whose system graph is built
    for its date, the structure in memory (what a request costs that the graph memo misses).
    Served: as the API answers, the graph remembered by the system's last change (timed on
    a second pass). First: a path asked alone, nothing in memory (the command line, or the
    first request after a write), on a few of the dated samples.
    """
    version = versioning.latest().counter
    reads = []
    for _ in range(3):
        start = time.perf_counter()
        as_of.england()
        reads.append((time.perf_counter() - start) * 1000)
    structure = as_of.england(version)  # in memory from here on, as in service

    def built(code, date=None):
        date = date or timezone.localdate()
        org = find_organisation(code, date)
        return SystemGraph.load(system_on(org, date, structure), date, version=version).path(org.pk)

    def served(code):
        return representation_path(code, version=version)

    codes = sampling.open_practice_codes(args.n, args.seed)
    cold, cold_queries = _time_calls(codes, built, errors := [])
    _time_calls(codes, served)  # fills the cache
    warm, warm_queries = _time_calls(codes, served)
    rng = random.Random(args.seed)
    spans = sampling.practice_spans(args.n, args.seed)
    dated = [(code, sampling.draw_date(rng, first, last)) for code, first, last in spans]
    past, past_queries = _time_calls(dated, lambda code_date: built(*code_date), errors)
    alone, alone_queries = _time_calls(dated[: args.alone], lambda code_date: representation_path(*code_date), errors)
    return {
        "calls": len(codes),
        "structure_read_ms": round(statistics.median(reads), 1),
        "path_median_ms": round(statistics.median(cold), 3),
        "path_p99_ms": round(percentile(cold, 99), 3),
        "queries_per_path": round(statistics.mean(cold_queries), 2),
        "path_cached_median_ms": round(statistics.median(warm), 3),
        "path_cached_p99_ms": round(percentile(warm, 99), 3),
        "queries_per_cached_path": round(statistics.mean(warm_queries), 2),
        "dated_path_median_ms": round(statistics.median(past), 3),
        "dated_path_p99_ms": round(percentile(past, 99), 3),
        "queries_per_dated_path": round(statistics.mean(past_queries), 2),
        "path_alone_median_ms": round(statistics.median(alone), 1),
        "queries_per_path_alone": sorted(set(alone_queries)),
        "systems": Organisation.objects.filter(parent__isnull=True).count(),
        "practices": Organisation.objects.filter(kind=Kind.PRACTICE).count(),
        "links": Link.objects.count(),
        "errors": len(errors),
        "error_examples": errors[:5],
    }


def codes(args) -> dict:
    """The load generator's samples: open practices' codes in ``file``, practices' open spans in ``dated_file``.

    Also the largest system (for the system page) and how many practices England had on
    ``england_date`` (so that the bulk paths can be checked whole).
    """
    chosen = sampling.open_practice_codes(args.n, args.seed)
    Path(args.file).write_text("\n".join(chosen) + "\n")
    spans = sampling.practice_spans(args.n, args.seed)
    Path(args.dated_file).write_text(sampling.spans_file_text(spans))
    biggest = (
        Organisation.objects.filter(parent__isnull=True)
        .order_by()
        .values_list("code", "tree_id")
        .order_by("-rght")
        .first()
    )
    england = Organisation.objects.open_on(args.england_date).filter(kind=Kind.PRACTICE).count()
    return {
        "codes": len(chosen),
        "dated_codes": len(spans),
        "largest_system": biggest[0],
        "england_practices": england,
    }


def holders(args) -> dict:
    """Load a governance file whose one seat lists ``n`` holders, all new people, into the (empty) database."""
    lines = [
        "system: {code: QZZ, name: Bench holders ICB, region: North West}",
        "organisations:",
        "- {code: qzz-board, name: Bench holders board, kind: board, parent: QZZ}",
        "seats:",
        "- {board: qzz-board, label: Members, role: representative, selection: elected, "
        f"max_holders: {args.n}, holders: [",
        *(f"  {{name: Bench holder {i:05d}, from: 2023-01-01}}," for i in range(args.n)),
        "  ]}",
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "holders.yaml"
        path.write_text("\n".join(lines) + "\n")
        with CaptureQueriesContext(connection) as captured:
            seconds = _timed("load_governance", str(path), verbosity=0, stdout=io.StringIO())
    return {"holders": args.n, "seconds": seconds, "queries": len(captured), "database": connection.vendor}


def writer(args) -> dict:
    """An API token with every right (a superuser's) and ``n`` seats for the write storm to rename."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from governance.models import Seat

    user = User.objects.filter(username="bench-writer").first() or User.objects.create_superuser(
        "bench-writer", password=None
    )
    token, _ = Token.objects.get_or_create(user=user)
    seats = list(Seat.objects.order_by("pk").values_list("pk", "label")[: args.n])
    return {"token": token.key, "seats": [{"pk": pk, "label": label} for pk, label in seats]}


def multiply(args) -> dict:
    """England ×copies with years of monthly PCN moves (``bench/scale.py``)."""
    return scale.multiply(args.copies, years=args.years, monthly_moves=args.monthly_moves)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    stages = parser.add_subparsers(dest="stage", required=True)
    stages.add_parser("reset")
    stages.add_parser("migrate")
    stages.add_parser("load")
    for name in ("paths", "codes"):
        stage = stages.add_parser(name)
        stage.add_argument("--n", type=int, default=1000)
        stage.add_argument("--seed", type=int, default=2026)
        if name == "paths":
            stage.add_argument("--alone", type=int, default=20, help="Paths asked alone (each reads England).")
        if name == "codes":
            stage.add_argument("file")
            stage.add_argument("dated_file")
            stage.add_argument("--england-date", type=datetime.date.fromisoformat, default=timezone.localdate())
    stages.add_parser("holders").add_argument("--n", type=int, default=2000)
    stages.add_parser("writer").add_argument("--n", type=int, default=6)
    scaled = stages.add_parser("multiply")
    scaled.add_argument("--copies", type=int, default=10)
    scaled.add_argument("--years", type=int, default=10, help="Years of monthly PCN moves.")
    scaled.add_argument("--monthly-moves", type=int, default=20, help="Practices moving each month, per copy.")
    args = parser.parse_args()
    run = {
        "reset": reset,
        "migrate": migrate,
        "load": load,
        "paths": paths,
        "codes": codes,
        "holders": holders,
        "writer": writer,
        "multiply": multiply,
    }
    result = run[args.stage](args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
