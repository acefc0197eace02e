"""Benchmarks at city and prefecture scale (`make bench`; see bench/README.md).

For each size: a fresh PostgreSQL database, migrate, generate the directory, gunicorn with the
production settings on loopback, then wrk loads each endpoint in turns (rounds), so that a slower
stretch of this shared machine hits every endpoint alike. Figures are quoted as ratios against the
baseline view measured in the same run. Everything is bounded in time and stops by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PYTHON = sys.executable
ENDPOINTS = ["baseline", "search", "search_filtered", "service"]
SCHEMA = 1
# The product's targets (issue #15), on p95; ratio targets must also hold on p50 (see summarize).
TARGETS = [
    # (name, value key, limit)
    ("search with filters ≤ 8 × baseline at the largest size", "search_filtered_vs_baseline", 8.0),
    ("search ≤ 10 × baseline at the largest size", "search_vs_baseline", 10.0),
    (
        "search at the largest size ≤ 1.3 × at the smallest (baseline-normalised)",
        "search_growth_normalised",
        1.3,
    ),
    ("service page ≤ 3 × baseline (every size)", "service_vs_baseline_worst", 3.0),
    ("zero overbooked sessions (contention and mixed traffic)", "over_capacity_sessions", 0),
    ("zero 5xx", "errors_5xx", 0),
    ("zero failed steps in mixed traffic", "mixed_failures", 0),
]


class BudgetExceeded(Exception):
    pass


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- Measuring -------------------------------------------------------------------------------------


def merge_runs(runs: list[dict]) -> dict:
    """One endpoint's figures from several wrk runs: totals, and percentiles of the mixture of the
    runs' sampled quantile functions, each run weighted by its request count."""
    requests = sum(r["requests"] for r in runs)
    duration = sum(r["duration_us"] for r in runs) / 1e6
    samples: list[tuple[float, float]] = []
    for run in runs:
        q = run["quantiles_us"]
        weight = run["requests"] / len(q) if q else 0
        samples += [(value, weight) for value in q]
    samples.sort()
    total = sum(w for _v, w in samples)

    def percentile(p: float) -> float | None:
        if not total:
            return None
        rank, seen = total * p / 100, 0.0
        for value, weight in samples:
            seen += weight
            if seen >= rank:
                return round(value / 1000, 2)
        return round(samples[-1][0] / 1000, 2)

    status = {k: sum(r["status"][k] for r in runs) for k in ("2xx", "3xx", "4xx", "5xx")}
    socket_errors = {
        k: sum(r["socket_errors"][k] for r in runs) for k in ("connect", "read", "write", "timeout")
    }
    return {
        "requests": requests,
        "seconds": round(duration, 2),
        "rps": round(requests / duration, 1) if duration else 0.0,
        "p50_ms": percentile(50),
        "p95_ms": percentile(95),
        "p99_ms": percentile(99),
        "max_ms": round(max((r["latency_us"]["max"] for r in runs), default=0) / 1000, 2),
        "status": status,
        "socket_errors": socket_errors,
    }


def ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def size_ratios(endpoints: dict) -> dict:
    base = endpoints["baseline"]
    out = {}
    for name in ENDPOINTS[1:]:
        for p in ("p50", "p95", "p99"):
            out[f"{name}_{p}_vs_baseline"] = ratio(endpoints[name][f"{p}_ms"], base[f"{p}_ms"])
        out[f"{name}_rps_vs_baseline"] = ratio(endpoints[name]["rps"], base["rps"])
    return out


def _worse(*values: float | None) -> float | None:
    present = [v for v in values if v is not None]
    return max(present) if len(present) == len(values) else None


def summarize(sizes: list[dict], booking: dict | None, mixed: dict | None = None) -> dict:
    """Growth and the targets, from the per-size figures (each with ``endpoints`` and ``ratios``).

    The targets are on p95, but a latency spike in the baseline's tail (another process on this
    shared machine) makes every p95 ratio of that size look better than it is. So a ratio target is
    judged on the worse of the p95 and the p50 ratio: it is met only if it holds on both.
    """
    first, last = sizes[0], sizes[-1]
    growth = {"from_services": first["services"], "to_services": last["services"]}
    for name in ("search", "search_filtered"):
        for p in ("p50", "p95"):
            growth[f"{name}_{p}_raw"] = ratio(
                last["endpoints"][name][f"{p}_ms"], first["endpoints"][name][f"{p}_ms"]
            )
            # Each size's latency first divided by its own baseline: what the data size did, not what
            # the other processes on the machine did meanwhile.
            growth[f"{name}_{p}_normalised"] = ratio(
                last["ratios"][f"{name}_{p}_vs_baseline"], first["ratios"][f"{name}_{p}_vs_baseline"]
            )
    errors_5xx = sum(s["endpoints"][e]["status"]["5xx"] for s in sizes for e in ENDPOINTS)
    values = {
        "search_filtered_vs_baseline": _worse(
            last["ratios"]["search_filtered_p95_vs_baseline"],
            last["ratios"]["search_filtered_p50_vs_baseline"],
        ),
        "search_vs_baseline": _worse(
            last["ratios"]["search_p95_vs_baseline"], last["ratios"]["search_p50_vs_baseline"]
        ),
        "search_growth_normalised": _worse(growth["search_p95_normalised"], growth["search_p50_normalised"]),
        "service_vs_baseline_worst": _worse(
            *(s["ratios"]["service_p95_vs_baseline"] for s in sizes),
            *(s["ratios"]["service_p50_vs_baseline"] for s in sizes),
        ),
        "over_capacity_sessions": max(
            (run["over_capacity_sessions"] for run in (booking, mixed) if run), default=None
        ),
        "errors_5xx": errors_5xx + (booking["errors_5xx"] if booking else 0),
        "mixed_failures": mixed["failures"] if mixed else None,
    }
    targets = []
    for name, key, limit in TARGETS:
        value = values[key]
        targets.append(
            {"name": name, "value": value, "limit": limit, "met": value is not None and value <= limit}
        )
    return {"growth": growth, "targets": targets}


def table(result: dict) -> str:
    lines = [
        f"{'services':>9} {'endpoint':<16} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'p50/base':>9} {'p95/base':>9} {'5xx':>4}"
    ]
    for size in result["sizes"]:
        for name in ENDPOINTS:
            e = size["endpoints"][name]
            r50, r95 = (
                ("1.00", "1.00")
                if name == "baseline"
                else (
                    f"{size['ratios'][f'{name}_p50_vs_baseline']}",
                    f"{size['ratios'][f'{name}_p95_vs_baseline']}",
                )
            )
            lines.append(
                f"{size['services']:>9} {name:<16} {e['rps']:>8} {e['p50_ms']:>8} {e['p95_ms']:>8} "
                f"{e['p99_ms']:>8} {r50:>9} {r95:>9} {e['status']['5xx']:>4}"
            )
    g = result["growth"]
    for name in ("search", "search_filtered"):
        lines.append(
            f"{name} growth {g['from_services']} → {g['to_services']}, baseline-normalised: "
            f"p95 {g[f'{name}_p95_normalised']}, p50 {g[f'{name}_p50_normalised']} "
            f"(raw p95 {g[f'{name}_p95_raw']}, p50 {g[f'{name}_p50_raw']})"
        )
    b = result.get("booking")
    if b:
        lines.append(
            f"booking: {b['clients']} clients, {b['seats']} seats in {b['sessions']} sessions via {b['via']}: "
            f"{b['throughput_rps']} bookings/s, p95 {b['latency_ms']['p95']} ms, confirmed {b['confirmed_total']}, "
            f"waitlisted {b['waitlisted_total']}, over capacity {b['over_capacity_sessions']}, 5xx {b['errors_5xx']}"
        )
    m = result.get("mixed")
    if m:
        lines.append(
            f"mixed traffic: {m['parents']} parents for {m['seconds']} s, think time {m['think_time_s']} s: "
            f"{m['requests']} requests, {m['failures']} failed, {m['bookings_made']} bookings, "
            f"over capacity {m['over_capacity_sessions']}; server CPU {m['server_cpu_cores']} cores "
            f"→ {m['parents_per_core']} parents per core"
        )
        lines.append(
            f"  {'step':<24} {'requests':>8} {'failed':>6} {'p50 ms':>7} {'p95 ms':>7} {'p95/base':>8}"
        )
        for step in m["steps"]:
            lines.append(
                f"  {step['name']:<24} {step['requests']:>8} {step['failures']:>6} {step['p50_ms']:>7} "
                f"{step['p95_ms']:>7} {step['p95_vs_baseline']!s:>8}"
            )
    for t in result["targets"]:
        lines.append(f"[{'met' if t['met'] else 'MISSED'}] {t['name']}: {t['value']} (limit {t['limit']})")
    return "\n".join(lines)


def mixed_figures(
    stats: list[dict], *, parents: int, seconds: int, server_cpu_s: float, baseline_p95_ms: float | None
) -> dict:
    """The mixed run's figures from Locust's ``*_stats.csv`` rows: each step's count, failures and
    percentiles, and how many parents one core serves at this think time (from the CPU time the web
    server and its database backends spent during the run)."""
    steps = [
        {
            "name": row["Name"],
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p95_vs_baseline": ratio(float(row["95%"]), baseline_p95_ms),
        }
        for row in stats
        if row["Name"] != "Aggregated"
    ]
    steps.sort(key=lambda step: int(step["name"].split()[0]))
    cores = server_cpu_s / seconds
    return {
        "parents": parents,
        "seconds": seconds,
        "think_time_s": "3–15",
        "requests": sum(step["requests"] for step in steps),
        "failures": sum(step["failures"] for step in steps),
        "steps": steps,
        "server_cpu_cores": round(cores, 3),
        "parents_per_core": round(parents / cores) if cores > 0 else None,
    }


def server_cpu_seconds(server_pid: int, database_url: str) -> float:
    """CPU time used so far by the web server (gunicorn and its workers) and by the PostgreSQL
    backends serving the benchmark database: what the parents cost, without the load generator's
    own work or other programs on the machine. (Redis is left out: shared, and small here.)"""
    server = psutil.Process(server_pid)
    pids = subprocess.run(
        ["psql", database_url, "-AtX", "-c", "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"],
        check=True, capture_output=True, text=True, timeout=60,
    ).stdout.split()  # fmt: skip
    processes = [server, *server.children(recursive=True)]
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            processes.append(psutil.Process(int(pid)))
    total = 0.0
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def mixed_run(
    base_url: str,
    server: subprocess.Popen,
    args: argparse.Namespace,
    env: dict,
    outdir: Path,
    paths_dir: Path,
    baseline_p95_ms: float,
) -> dict:
    """Simulated parents walking the portal (bench/mixed.py) for ``--mixed-seconds`` against the server."""
    plan = outdir / "mixed-plan.json"
    run(
        [PYTHON, str(BENCH / "django_side.py"), "mixed_setup", str(paths_dir), str(plan), "--parents", str(args.mixed_parents)],
        env,
        timeout=600,
    )  # fmt: skip
    cpu_before = server_cpu_seconds(server.pid, env["DATABASE_URL"])
    run(
        [
            str(Path(PYTHON).parent / "locust"), "-f", str(BENCH / "mixed.py"), "--headless",
            "--users", str(args.mixed_parents), "--spawn-rate", "2", "--run-time", f"{args.mixed_seconds}s",
            "--host", base_url, "--csv", str(outdir / "mixed"), "--only-summary", "--stop-timeout", "20",
            "--exit-code-on-error", "0", "--loglevel", "WARNING",
        ],
        {**env, "MIXED_PLAN": str(plan)},
        timeout=args.mixed_seconds + 120,
    )  # fmt: skip
    server_cpu = server_cpu_seconds(server.pid, env["DATABASE_URL"]) - cpu_before
    checked = outdir / "mixed-check.json"
    run([PYTHON, str(BENCH / "django_side.py"), "mixed_check", str(plan), str(checked)], env, timeout=300)
    with (outdir / "mixed_stats.csv").open(encoding="utf-8") as f:
        stats = list(csv.DictReader(f))
    return {
        **mixed_figures(
            stats,
            parents=args.mixed_parents,
            seconds=args.mixed_seconds,
            server_cpu_s=server_cpu,
            baseline_p95_ms=baseline_p95_ms,
        ),
        **json.loads(checked.read_text()),
    }


# --- Machine and processes -------------------------------------------------------------------------


def machine() -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "nproc": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu_model": cpu,
        "loadavg_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0].strip() if (wrk.stdout or wrk.stderr) else "",
        "git_commit": commit.stdout.strip(),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_environment() -> dict[str, str]:
    """The app services' environment in docker-compose.yml (DEBUG off, persistent database
    connections …), less the addresses of its own database and Redis."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    environment = compose["services"]["web"]["environment"]
    return {k: str(v) for k, v in environment.items() if k not in {"DATABASE_URL", "REDIS_URL"}}


def bench_env(database_url: str, redis_url: str, secret: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "DEBUG"}}
    env.update(production_environment())
    env.update(
        {
            "SECRET_KEY": secret,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            # The mixed run's parents come through a TLS proxy, as in production (bench/mixed.py).
            "TRUSTED_PROXY_COUNT": "1",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run(cmd: list[str], env: dict, timeout: float, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, cwd=ROOT, env=env, timeout=timeout, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def admin_sql(database_url: str, statement: str) -> None:
    """Run one statement on the server's maintenance database (create/drop the benchmark database)."""
    url = urllib.parse.urlsplit(database_url)
    admin = urllib.parse.urlunsplit(url._replace(path="/postgres"))
    subprocess.run(["psql", admin, "-qX", "-v", "ON_ERROR_STOP=1", "-c", statement], check=True, timeout=120)


def db_name(database_url: str) -> str:
    return urllib.parse.urlsplit(database_url).path.lstrip("/")


def wait_ready(base_url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited while starting (see its log in the results folder)")
        try:
            with urllib.request.urlopen(base_url + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz in time")


def stop(server: subprocess.Popen | None) -> None:
    if server is None or server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def wrk(base_url: str, paths: Path, out: Path, seconds: int, connections: int) -> dict:
    cmd = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
        "-s", str(BENCH / "wrk" / "paths.lua"), base_url, "--", str(paths), str(out),
    ]  # fmt: skip
    done = subprocess.run(cmd, timeout=seconds + 60, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stdout}\n{done.stderr}")
    return json.loads(out.read_text())


def probe(base_url: str, paths: Path, repeat: int = 2) -> list[dict]:
    """Each search path alone, a few times, one at a time: which queries are slow, not how the server
    copes with load."""
    rows = []
    for path in paths.read_text(encoding="utf-8").split():
        times = []
        status = 0
        for _ in range(repeat):
            started = time.perf_counter()
            with urllib.request.urlopen(base_url + path, timeout=30) as response:
                response.read()
                status = response.status
            times.append(time.perf_counter() - started)
        rows.append(
            {
                "path": urllib.parse.unquote(path),
                "query_string": urllib.parse.urlsplit(path).query,
                "median_ms": round(1000 * sorted(times)[len(times) // 2], 1),
                "status": status,
            }
        )
    return rows


# --- One size --------------------------------------------------------------------------------------


def bench_size(
    services: int, args: argparse.Namespace, env: dict, outdir: Path, last: bool
) -> tuple[dict, dict | None, dict | None]:
    database = db_name(env["DATABASE_URL"])
    figures: dict = {"services": services, "loadavg_before": os.getloadavg()}
    admin_sql(env["DATABASE_URL"], f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin_sql(env["DATABASE_URL"], f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING 'UTF8'")
    started = time.perf_counter()
    run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env, timeout=600)
    figures["migrate_s"] = round(time.perf_counter() - started, 1)
    log(f"{services}: migrated in {figures['migrate_s']} s; generating")
    started = time.perf_counter()
    generated = run(
        [PYTHON, "manage.py", "generate_directory", "--services", str(services)], env, timeout=1200
    )
    figures["generate_s"] = round(time.perf_counter() - started, 1)
    figures["generate_output"] = generated.stdout.strip().splitlines()[-1]
    log(f"{services}: {figures['generate_output']} (wall {figures['generate_s']} s)")

    paths_dir = outdir / f"paths-{services}"
    run([PYTHON, str(BENCH / "django_side.py"), "targets", str(paths_dir)], env, timeout=300)
    subprocess.run(
        ["redis-cli", "-u", env["REDIS_URL"], "flushdb"], check=False, capture_output=True, timeout=30
    )

    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    server_log = (outdir / f"gunicorn-{services}.log").open("w")
    server = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=server_log,
        stderr=subprocess.STDOUT,
    )
    booking = mixed = None
    try:
        wait_ready(base_url, server)
        for name in ENDPOINTS:
            wrk(base_url, paths_dir / f"{name}.txt", outdir / "warmup.json", args.warmup, args.connections)
        runs: dict[str, list[dict]] = {name: [] for name in ENDPOINTS}
        for round_ in range(args.rounds):
            for name in ENDPOINTS:
                out = outdir / f"wrk-{services}-{name}-{round_}.json"
                runs[name].append(
                    wrk(base_url, paths_dir / f"{name}.txt", out, args.seconds, args.connections)
                )
        figures["endpoints"] = {name: merge_runs(r) for name, r in runs.items()}
        figures["ratios"] = size_ratios(figures["endpoints"])
        log(f"{services}: loaded; probing single queries")
        figures["per_query"] = probe(base_url, paths_dir / "search.txt") + probe(
            base_url, paths_dir / "search_filtered.txt", repeat=1
        )
        if last:
            slowest = max(figures["per_query"], key=lambda row: row["median_ms"])
            plan = run(
                [PYTHON, str(BENCH / "django_side.py"), "explain", slowest["query_string"]], env, timeout=300
            )
            (outdir / f"explain-{services}.txt").write_text(plan.stdout, encoding="utf-8")
            figures["slowest_query"] = {**slowest, "explain_file": f"explain-{services}.txt"}
            log(f"{services}: booking contention")
            booking_out = outdir / "booking.json"
            run(
                [PYTHON, str(BENCH / "django_side.py"), "booking", base_url, str(booking_out)],
                env,
                timeout=300,
            )
            booking = json.loads(booking_out.read_text())
            if args.mixed_seconds:
                log(f"{services}: mixed traffic, {args.mixed_parents} parents for {args.mixed_seconds} s")
                mixed = mixed_run(
                    base_url, server, args, env, outdir, paths_dir, figures["endpoints"]["baseline"]["p95_ms"]
                )
    finally:
        stop(server)
        server_log.close()
    return figures, booking, mixed


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,10000,100000", help="services per run, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2 cores: 2)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (kept open concurrently)")
    parser.add_argument("--rounds", type=int, default=5, help="turns over all endpoints per size")
    parser.add_argument("--seconds", type=int, default=5, help="wrk seconds per endpoint per round")
    parser.add_argument("--warmup", type=int, default=2, help="wrk seconds per endpoint before measuring")
    parser.add_argument("--mixed-parents", type=int, default=100, help="simulated parents in the mixed run")
    parser.add_argument("--mixed-seconds", type=int, default=300, help="length of the mixed run (0: none)")
    parser.add_argument("--budget-minutes", type=float, default=25, help="stop the whole run after this long")
    parser.add_argument("--keep-db", action="store_true", help="leave the last benchmark database in place")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk (make bench does this)", file=sys.stderr)
        return 2
    database_url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/portal_bench")
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6")
    env = bench_env(database_url, redis_url, "bench-only-" + secrets.token_urlsafe(40))

    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    outdir = BENCH / "results" / stamp
    outdir.mkdir(parents=True, exist_ok=True)

    def over_budget(_signum, _frame):
        raise BudgetExceeded(f"the run took longer than {args.budget_minutes} minutes")

    signal.signal(signal.SIGALRM, over_budget)
    signal.alarm(int(args.budget_minutes * 60))
    started = time.time()
    result: dict = {
        "schema": SCHEMA,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "machine": machine(),
        "settings": {
            "workers": args.workers,
            "connections": args.connections,
            "rounds": args.rounds,
            "seconds_per_round": args.seconds,
            "warmup_s": args.warmup,
            "server": "gunicorn (sync workers), DEBUG=false, PostgreSQL + Redis on loopback",
        },
        "sizes": [],
        "booking": None,
        "mixed": None,
    }
    log(f"machine: {result['machine']}")
    try:
        log("collectstatic")
        run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env, timeout=300)
        for i, services in enumerate(sizes):
            figures, booking, mixed = bench_size(services, args, env, outdir, last=i == len(sizes) - 1)
            result["sizes"].append(figures)
            if booking:
                result["booking"] = booking
            if mixed:
                result["mixed"] = mixed
    finally:
        signal.alarm(0)
        if not args.keep_db:
            admin_sql(database_url, f'DROP DATABASE IF EXISTS "{db_name(database_url)}" WITH (FORCE)')
        subprocess.run(
            ["redis-cli", "-u", redis_url, "flushdb"], check=False, capture_output=True, timeout=30
        )

    result.update(summarize(result["sizes"], result["booking"], result["mixed"]))
    result["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    result["duration_s"] = round(time.time() - started, 1)
    path = BENCH / "results" / f"{stamp}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print()
    print(table(result))
    print(
        f"\nfull figures: {path.relative_to(ROOT)} (wrk runs, paths and plans in {outdir.relative_to(ROOT)}/)"
    )
    print(f"took {result['duration_s']} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
