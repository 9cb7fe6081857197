"""icsmap's benchmark: import, the path in-process, HTTP under load (today and at past dates), England's paths
in bulk, scale with history, memory.

    make bench                      # PostgreSQL at 127.0.0.1:5432 (databases icsmap_bench, icsmap_bench_x10)
    .venv/bin/python bench/run.py --database mine   # databases mine and mine_x10 instead
    .venv/bin/python bench/run.py --sqlite [--duration 30] [--connections 32]

Prints a table with every figure against its target, writes bench/results/latest.json
and exits 1 if a target is not met. Needs wrk (Debian's package) for the HTTP part.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PYTHON = sys.executable
RESULTS = BENCH / "results" / "latest.json"
SERVER_LOG = BENCH / "results" / "server.log"
WRK_SCRIPT = BENCH / "random_paths.lua"

# (figure, comparison, target): every figure the bench holds the project to.
TARGETS = [
    ("path_ratio", ">=", 0.6),
    ("path_p99_ms", "<=", 50),
    ("dated_path_ratio", ">=", 0.4),
    ("dated_path_p99_ms", "<=", 50),
    ("http_errors", "==", 0),
    ("first_answer_ms", "<=", 100),
    ("page_ratio", ">=", 0.3),
    ("england_paths_s", "<=", 2),
    ("scale_ratio", "<=", 1.2),
    ("import_s", "<=", 20),
    ("holders_load_s", "<=", 4),
    ("reimport_s", "<=", 10),
    ("reads_under_writes_ratio", "<=", 3),
]
# The write storm: this many writers through the API, each pausing this long between its writes
# (a storm by editors' standards: every read finds the data version moved), and how many reads each side.
STORM_WRITERS = 6
STORM_PAUSE_S = 1.0
STORM_READS = 200
RENAMED = " (renamed)"  # what a storm's writer adds to a seat's label, and takes off again
# All of England's paths are asked at this date: within the ICBs' time (from 1 July 2022), in the
# past, so that the structure of a date other than today's is what is read.
ENGLAND_DATE = datetime.date(2024, 7, 1)


def stage(name: str, database_url: str, *args: str) -> dict:
    """Run one bench/stages.py stage against ``database_url`` and return its JSON."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50}
    out = subprocess.run([PYTHON, str(BENCH / "stages.py"), name, *args], env=env, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"stage {name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """gunicorn with 2 workers on 127.0.0.1, production settings, for the length of a with-block."""

    def __init__(self, database_url: str, workers: int = 2, threads: int = 1):
        self.port = free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DEBUG": "0",
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            # No throttling: the bench is one client asking many times.
            "API_ANON_THROTTLE_RATE": "",
            "PAGE_ANON_THROTTLE_RATE": "",
            "API_TOKEN_FAILURE_RATE": "",
            "SECURE_SSL_REDIRECT": "0",
        }
        self.command = [
            str(Path(PYTHON).with_name("gunicorn")),
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            "icsmap.wsgi",
        ]

    def __enter__(self):
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=self.env, check=True)
        SERVER_LOG.parent.mkdir(exist_ok=True)
        self.log = SERVER_LOG.open("w")  # a failing endpoint logs a traceback per request: kept apart
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env, stderr=self.log)
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=1)
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def worker_peak_mb(self) -> float:
        """Peak resident memory (VmHWM) of the largest worker."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        peaks = []
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peaks.append(int(line.split()[1]) / 1024)
        return round(max(peaks), 1) if peaks else 0.0

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def wrk(url_template: str, port: int, codes_file: str, duration: int, connections: int) -> dict:
    """Load ``url_template`` for ``duration`` seconds: {code} and {date} drawn from ``codes_file`` per request."""
    env = {**os.environ, "CODES_FILE": codes_file, "PATH_TEMPLATE": url_template}
    out = subprocess.run(
        [
            "wrk",
            "--threads",
            "2",
            "--connections",
            str(connections),
            "--duration",
            f"{duration}s",
            "--timeout",
            "10s",
            "--script",
            str(WRK_SCRIPT),
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("JSON "))
    raw = json.loads(line[5:])
    seconds = raw["duration_us"] / 1e6
    return {
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50"] / 1000, 2),
        "p95_ms": round(raw["p95"] / 1000, 2),
        "p99_ms": round(raw["p99"] / 1000, 2),
        "errors": raw["errors"] + raw["status_errors"],
        "requests": raw["requests"],
    }


def combined(runs: list[dict]) -> dict:
    """One endpoint's rounds as one figure: requests over the total time, the median round's latencies."""
    seconds = sum(run["requests"] / run["rps"] for run in runs if run["rps"])
    figure = {"rps": round(sum(run["requests"] for run in runs) / seconds, 1) if seconds else 0.0}
    for latency in ("p50_ms", "p95_ms", "p99_ms"):
        figure[latency] = round(statistics.median(run[latency] for run in runs), 2)
    figure["errors"] = sum(run["errors"] for run in runs)
    figure["requests"] = sum(run["requests"] for run in runs)
    return figure


def get_json(url: str) -> dict | None:
    """The JSON ``url`` answers, or None if it answers an HTTP error."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError:
        return None


def england_paths(port: int, date: datetime.date) -> dict:
    """Every practice's path in England at ``date`` through the bulk endpoint, as one client would ask.

    The ICBs open that day from the organisation list, then ``/api/v1/paths/?system=`` page by
    page (at most 200 paths a page), one request after another; timed whole. An HTTP error
    is counted, and that system's remaining pages are not asked.
    """
    base = f"http://127.0.0.1:{port}/api/v1"
    started = time.perf_counter()
    systems, requests, paths, errors = [], 0, 0, 0
    url = f"{base}/organisations/?kind=icb&active_on={date}&page_size=200"
    while url:
        page = get_json(url)
        requests += 1
        if page is None:
            errors += 1
            break
        systems += [row["code"] for row in page["results"]]
        url = page["next"]
    for code in systems:
        url = f"{base}/paths/?system={code}&kind=practice&date={date}&page_size=200"
        while url:
            page = get_json(url)
            requests += 1
            if page is None:
                errors += 1
                break
            paths += len(page["results"])
            url = page["next"]
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "systems": len(systems),
        "paths": paths,
        "requests": requests,
        "errors": errors,
    }


def first_answer(database_url: str, code: str, starts: int = 3) -> dict:
    """A worker's first answer after it starts: gunicorn (one worker) is started, and once it answers
    ``/healthz`` (one `SELECT 1`) a practice's path is asked and timed; the median of
    ``starts`` starts. What a worker reads on its first request (England's structure, a system's
    graphs) is in it unless the worker read it as it started."""
    timings = []
    for _ in range(starts):
        with Gunicorn(database_url, workers=1) as server:
            started = time.perf_counter()
            get_json(f"http://127.0.0.1:{server.port}/api/v1/organisations/{code}/path/")
            timings.append((time.perf_counter() - started) * 1000)
    return {"median_ms": round(statistics.median(timings), 1), "ms": [round(t, 1) for t in timings]}


def timed_get(url: str, headers: dict | None = None) -> float:
    """Milliseconds to read ``url`` whole (an HTTP error counts: the bench reports it, it does not stop)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=30) as response:
            response.read()
    except urllib.error.HTTPError:
        pass
    return (time.perf_counter() - started) * 1000


def _rename_seats(port: int, token: str, seat: dict, stop: threading.Event, written: list) -> None:
    """One writer: rename ``seat`` back and forth through the API until ``stop``, pausing between writes."""
    url = f"http://127.0.0.1:{port}/api/v1/seats/{seat['pk']}/"
    label = seat["label"]
    while label.endswith(RENAMED):  # a storm stops on either label: the next would otherwise grow it to refusal
        label = label.removesuffix(RENAMED)
    labels, turn = (label, label + RENAMED), 0
    while not stop.is_set():
        turn += 1
        body = json.dumps({"label": labels[turn % 2]}).encode()
        request = urllib.request.Request(
            url,
            data=body,
            method="PATCH",
            headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
            written.append(1)
        except urllib.error.HTTPError:
            written.append(0)
        stop.wait(STORM_PAUSE_S)


def write_storm(port: int, database_url: str, codes: list[str]) -> dict:
    """Anonymous reads alone, then under ``STORM_WRITERS`` writers: the median of each, and their ratio.

    Each read is a practice's path never asked before at that data version (so never a kept
    answer: what is measured is what a read costs once the data moved). Quiet reads come after
    one write, so that they too start from a new version, as reads under a storm do.
    """
    writer = stage("writer", database_url, "--n", str(STORM_WRITERS))
    base = f"http://127.0.0.1:{port}/api/v1/organisations"
    quiet_codes, storm_codes = codes[:STORM_READS], codes[STORM_READS : 2 * STORM_READS]
    once = threading.Event()
    once.set()
    _rename_seats(port, writer["token"], writer["seats"][0], once, [])  # stop already set: one write
    time.sleep(1)
    quiet = [timed_get(f"{base}/{code}/path/") for code in quiet_codes]
    stop, written = threading.Event(), []
    writers = [
        threading.Thread(target=_rename_seats, args=(port, writer["token"], seat, stop, written))
        for seat in writer["seats"]
    ]
    for thread in writers:
        thread.start()
    time.sleep(1)  # the storm under way
    started = time.perf_counter()
    stormy = [timed_get(f"{base}/{code}/path/") for code in storm_codes]
    seconds = time.perf_counter() - started
    stop.set()
    for thread in writers:
        thread.join()
    quiet_ms, storm_ms = statistics.median(quiet), statistics.median(stormy)
    return {
        "writers": len(writer["seats"]),
        "pause_s": STORM_PAUSE_S,
        "writes": sum(written),
        "write_errors": written.count(0),
        "writes_per_s_during_reads": round(sum(written) / (seconds + 1), 1),
        "quiet_median_ms": round(quiet_ms, 2),
        "storm_median_ms": round(storm_ms, 2),
        "storm_p95_ms": round(percentile95(stormy), 2),
        "ratio": round(storm_ms / quiet_ms, 2),
    }


def percentile95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def database_urls(args) -> tuple[str, str]:
    if args.sqlite:
        tmp = Path(tempfile.gettempdir())
        return f"sqlite:///{tmp / 'icsmap-bench.sqlite3'}", f"sqlite:///{tmp / 'icsmap-bench-x10.sqlite3'}"
    base = args.postgres.rstrip("/")
    return f"{base}/{args.database}", f"{base}/{args.database}_x10"


def met(value, comparison: str, target) -> bool:
    return {">=": value >= target, "<=": value <= target, "==": value == target}[comparison]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sqlite", action="store_true", help="Use SQLite files instead of PostgreSQL.")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432", help="PostgreSQL server URL.")
    parser.add_argument(
        "--database", default="icsmap_bench", help="PostgreSQL database name (and NAME_x10 for the scale test)."
    )
    parser.add_argument("--duration", type=int, default=30, help="Seconds of load per endpoint.")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument(
        "--rounds", type=int, default=3, help="Endpoints take turns this many times, each round a share of --duration."
    )
    parser.add_argument(
        "--warmup", type=int, default=5, help="Seconds of unmeasured load per endpoint first (caches fill)."
    )
    parser.add_argument("--copies", type=int, default=10, help="Size of the synthetic England for the scale test.")
    parser.add_argument(
        "--monthly-moves",
        type=int,
        default=20,
        help="Practices per copy that change PCN each month in the scale test's ten years of history.",
    )
    parser.add_argument(
        "--england-date",
        type=datetime.date.fromisoformat,
        default=ENGLAND_DATE,
        help=f"The date of England's paths in bulk (default {ENGLAND_DATE}).",
    )
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (gthread when > 1).")
    parser.add_argument(
        "--http-only", action="store_true", help="Reuse the databases of the last run; measure HTTP under load only."
    )
    parser.add_argument(
        "--storm-only",
        action="store_true",
        help="Reuse the database of the last run; measure reads alone and under the write storm only (printed).",
    )
    args = parser.parse_args()
    if args.storm_only:
        main_db = database_urls(args)[0]
        stage("migrate", main_db)
        codes_file = Path(tempfile.mkdtemp(prefix="icsmap-bench-")) / "codes.txt"
        stage("codes", main_db, str(codes_file), str(codes_file.with_name("dated.txt")))
        with Gunicorn(main_db, threads=args.threads) as server:
            print(json.dumps(write_storm(server.port, main_db, codes_file.read_text().split()), indent=2))
        shutil.rmtree(codes_file.parent)
        return 0
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install -y wrk (make bench does it).")
    main_db, scaled_db = database_urls(args)
    r: dict = {}

    if args.http_only:
        stage("migrate", main_db)
        kept = json.loads(RESULTS.read_text()).items()
        remeasured = {"http", "http_rounds", "england", "first_answer", "first_answer_ms", "storm"}
        r = {k: v for k, v in kept if k not in remeasured}
        if "scale_dated_ratio" not in r or "holders_load" not in r:
            sys.exit(f"{RESULTS.relative_to(ROOT)} is from an older bench: run it whole once first.")
    else:
        print("Setting up: empty database, full ODS import, re-import, demo governance…", flush=True)
        r["database"] = stage("reset", main_db)["database"]
        r.update(stage("load", main_db))
        print("A governance file with 2,000 holders on one seat, into SQLite…", flush=True)
        holders_db = f"sqlite:///{Path(tempfile.gettempdir()) / 'icsmap-bench-holders.sqlite3'}"
        stage("reset", holders_db)
        r["holders_load"] = stage("holders", holders_db, "--n", "2000")
        r["holders_load_s"] = r["holders_load"]["seconds"]
        print("Path in-process, 1,000 random practices…", flush=True)
        in_process = stage("paths", main_db)
        for key in (
            "structure_read_ms",
            "path_median_ms",
            "queries_per_path",
            "path_cached_median_ms",
            "queries_per_cached_path",
            "dated_path_median_ms",
            "queries_per_dated_path",
            "path_alone_median_ms",
            "queries_per_path_alone",
        ):
            r[key] = in_process[key]
        r["path_inprocess_p99_ms"] = in_process["path_p99_ms"]
        r["path_cached_p99_ms"] = in_process["path_cached_p99_ms"]
        r["dated_path_inprocess_p99_ms"] = in_process["dated_path_p99_ms"]
        r["inprocess_errors"] = {"count": in_process["errors"], "examples": in_process["error_examples"]}

    samples = Path(tempfile.mkdtemp(prefix="icsmap-bench-"))
    codes_file, dated_file = str(samples / "codes.txt"), str(samples / "dated.txt")
    sampled = stage("codes", main_db, codes_file, dated_file, "--england-date", str(args.england_date))
    largest = sampled["largest_system"]
    print("A worker's first answer after start…", flush=True)
    r["first_answer"] = first_answer(main_db, Path(codes_file).read_text().split()[0])
    r["first_answer_ms"] = r["first_answer"]["median_ms"]
    # Each endpoint: its URL ({code} and {date} drawn per request) and the file the codes come from.
    endpoints = {
        "floor": ("/healthz", codes_file),
        "path": ("/api/v1/organisations/{code}/path/", codes_file),
        "dated_path": ("/api/v1/organisations/{code}/path/?date={date}", dated_file),
        "practice_page": ("/organisations/{code}/", codes_file),
        "system_page": (f"/organisations/{largest}/", codes_file),
    }
    print(
        f"HTTP under load: {args.duration}s × {len(endpoints)} endpoints in {args.rounds} rounds, "
        f"{args.connections} connections; then England's paths on {args.england_date}…",
        flush=True,
    )
    with Gunicorn(main_db, threads=args.threads) as server:
        for url, sample in endpoints.values():  # steady state: each worker's caches filled, as in service
            wrk(url, server.port, sample, args.warmup, args.connections)
        # Endpoints take turns, round after round, so that a slow spell of the machine (a shared
        # host's CPU comes and goes) weighs on all of them alike rather than on one ratio's side.
        rounds = [
            {
                name: wrk(url, server.port, sample, max(1, args.duration // args.rounds), args.connections)
                for name, (url, sample) in endpoints.items()
            }
            for _ in range(args.rounds)
        ]
        # On the warm server, the first time these pages are asked (then again: kept answers).
        england = england_paths(server.port, args.england_date)
        england["repeat_seconds"] = england_paths(server.port, args.england_date)["seconds"]
        print(f"Reads alone, then under {STORM_WRITERS} writers…", flush=True)
        r["storm"] = write_storm(server.port, main_db, Path(codes_file).read_text().split())
        r["reads_under_writes_ratio"] = r["storm"]["ratio"]
        r["worker_peak_mb"] = server.worker_peak_mb()
    shutil.rmtree(samples)
    load = {name: combined([run[name] for run in rounds]) for name in endpoints}
    r["http"] = load
    r["http_rounds"] = rounds
    r["largest_system"] = largest
    r["floor_rps"] = load["floor"]["rps"]
    r["path_rps"] = load["path"]["rps"]
    r["path_ratio"] = round(load["path"]["rps"] / load["floor"]["rps"], 3)
    r["path_p50_ms"] = load["path"]["p50_ms"]
    r["path_p99_ms"] = load["path"]["p99_ms"]
    r["dated_path_rps"] = load["dated_path"]["rps"]
    r["dated_path_ratio"] = round(load["dated_path"]["rps"] / load["floor"]["rps"], 3)
    r["dated_path_p50_ms"] = load["dated_path"]["p50_ms"]
    r["dated_path_p99_ms"] = load["dated_path"]["p99_ms"]
    r["page_ratio"] = round(load["practice_page"]["rps"] / load["floor"]["rps"], 3)
    r["http_errors"] = sum(run["errors"] for run in load.values()) + england["errors"]
    r["england"] = {"date": str(args.england_date), "practices_open": sampled["england_practices"], **england}
    r["england_paths_s"] = england["seconds"]

    if not args.http_only:
        print(f"Scale: England ×{args.copies}…", flush=True)
        stage("reset", scaled_db)
        stage("load", scaled_db)
        r["scale"] = stage(
            "multiply", scaled_db, "--copies", str(args.copies), "--monthly-moves", str(args.monthly_moves)
        )
        scaled = stage("paths", scaled_db, "--alone", "5")
        for key in ("structure_read_ms", "path_median_ms", "dated_path_median_ms", "path_alone_median_ms", "links"):
            r["scale"][key] = scaled[key]
        r["scale"]["inprocess_errors"] = {"count": scaled["errors"], "examples": scaled["error_examples"]}
        r["scale_ratio"] = round(scaled["path_median_ms"] / r["path_median_ms"], 3)
        r["scale_dated_ratio"] = round(scaled["dated_path_median_ms"] / r["dated_path_median_ms"], 3)
        r["scale_structure_ratio"] = round(scaled["structure_read_ms"] / r["structure_read_ms"], 3)
    r["machine"] = {"cores": os.cpu_count(), "python": platform.python_version(), "database": r["database"]}
    r["gunicorn"] = {"workers": 2, "threads": args.threads}

    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(r, indent=2) + "\n")
    print_report(r)
    return 1 if unmet(r) else 0


def unmet(r: dict) -> list[str]:
    """The figures of ``TARGETS`` that miss their target (or were not measured)."""
    return [
        figure
        for figure, comparison, target in TARGETS
        if r.get(figure) is None or not met(r[figure], comparison, target)
    ]


def print_report(r: dict) -> None:
    print(f"\nicsmap bench on {r['machine']['cores']} cores, {r['database']}\n")
    print(f"{'endpoint':<16}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
    for name, run in r["http"].items():
        print(f"{name:<16}{run['rps']:>10}{run['p50_ms']:>10}{run['p95_ms']:>10}{run['p99_ms']:>10}{run['errors']:>8}")
    print(
        f"\nin-process: England's structure read in {r['structure_read_ms']} ms (once per data version per process); "
        f"a path with its graph built for the date, structure in memory: median {r['path_median_ms']} ms, "
        f"p99 {r['path_inprocess_p99_ms']} ms, {r['queries_per_path']} queries; at a random past date: median "
        f"{r['dated_path_median_ms']} ms, p99 {r['dated_path_inprocess_p99_ms']} ms, {r['queries_per_dated_path']} "
        f"queries; as served (graph remembered): median {r['path_cached_median_ms']} ms, p99 "
        f"{r['path_cached_p99_ms']} ms, {r['queries_per_cached_path']} queries; asked alone (nothing in memory): "
        f"median {r['path_alone_median_ms']} ms, queries {r['queries_per_path_alone']}"
    )
    for where, errors in (("England", r["inprocess_errors"]), ("England ×N", r["scale"]["inprocess_errors"])):
        if errors["count"]:
            print(f"  WARNING: {errors['count']} in-process paths failed on {where}, e.g. {errors['examples'][0]}")
    england = r["england"]
    print(
        f"England's practices' paths on {england['date']} in bulk: {england['paths']} paths "
        f"({england['practices_open']} practices open) from {england['systems']} systems in "
        f"{england['requests']} requests ({england['errors']} errors), {england['seconds']} s "
        f"(asked again: {england['repeat_seconds']} s)"
    )
    if england["paths"] != england["practices_open"]:
        print("  WARNING: the bulk paths do not cover every practice open on that date")
    scale = r["scale"]
    print(
        f"scale ×{scale['copies']} ({scale['systems']} systems, {scale['practices']} practices, "
        f"{scale['links']} links, {scale['moves']} PCN moves over {scale['months']} months): "
        f"structure read in {scale['structure_read_ms']} ms "
        f"({r['scale_structure_ratio']} × England's); path, graph built: median {scale['path_median_ms']} ms today, "
        f"{scale['dated_path_median_ms']} ms at a past date ({r['scale_dated_ratio']} × England's); asked alone: "
        f"median {scale['path_alone_median_ms']} ms"
    )
    print(
        f"a worker's first answer after start (a practice's path): {r['first_answer_ms']} ms "
        f"(median of {r['first_answer']['ms']})"
    )
    holders = r["holders_load"]
    print(
        f"a governance file's {holders['holders']} holders on one seat (SQLite): "
        f"{holders['seconds']} s in {holders['queries']} queries"
    )
    storm = r["storm"]
    print(
        f"reads under {storm['writers']} writers ({storm['writes']} writes, {storm['writes_per_s_during_reads']}/s, "
        f"{storm['write_errors']} refused): median {storm['storm_median_ms']} ms (p95 {storm['storm_p95_ms']}) "
        f"against {storm['quiet_median_ms']} ms alone"
    )
    print(f"worker peak memory: {r['worker_peak_mb']} MB\n")
    print(f"{'figure':<20}{'value':>10}  target")
    missed = unmet(r)
    for figure, comparison, target in TARGETS:
        value = r.get(figure, "—")
        print(f"{figure:<20}{value:>10}  {comparison} {target}  {'NOT MET' if figure in missed else 'met'}")
    if r["http_errors"]:
        print(f"\nthe server's errors are in {SERVER_LOG.relative_to(ROOT)}")
    print(f"\n{len(missed)} target(s) not met: {', '.join(missed)}" if missed else "\nevery target met")
    print(f"written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
