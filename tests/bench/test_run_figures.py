"""bench/run.py's arithmetic: merged percentiles, ratios against the baseline, growth and targets,
on made-up wrk runs (the runs themselves need wrk and a server: `make bench`)."""

from __future__ import annotations

import json

from bench.run import ENDPOINTS, bench_env, merge_runs, mixed_figures, size_ratios, summarize, table


def wrk_run(requests: int, latency_ms: float, *, status_5xx: int = 0) -> dict:
    """A run whose latencies are all ``latency_ms``, as bench/wrk/paths.lua writes it."""
    us = int(latency_ms * 1000)
    return {
        "requests": requests,
        "duration_us": 5_000_000,
        "status": {"2xx": requests - status_5xx, "3xx": 0, "4xx": 0, "5xx": status_5xx},
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        "latency_us": {"p50": us, "p95": us, "p99": us, "max": us},
        "quantiles_us": [us] * 200,
    }


def size(services: int, ms: dict[str, float], **kwargs) -> dict:
    endpoints = {name: merge_runs([wrk_run(100, ms[name], **kwargs)]) for name in ENDPOINTS}
    return {"services": services, "endpoints": endpoints, "ratios": size_ratios(endpoints)}


def test_runs_merge_by_request_count():
    # 900 requests at 10 ms and 100 at 50 ms: p50 is 10 ms, p95 and p99 are 50 ms.
    merged = merge_runs([wrk_run(900, 10), wrk_run(100, 50)])
    assert merged["requests"] == 1000
    assert merged["rps"] == 100.0  # 1000 requests in 2 × 5 s
    assert (merged["p50_ms"], merged["p95_ms"], merged["p99_ms"]) == (10.0, 50.0, 50.0)


def test_ratios_are_against_the_baseline_of_the_same_size():
    figures = size(1000, {"baseline": 4, "search": 10, "search_filtered": 12, "service": 6})
    assert figures["ratios"]["search_p95_vs_baseline"] == 2.5
    assert figures["ratios"]["search_filtered_p95_vs_baseline"] == 3.0
    assert figures["ratios"]["service_p95_vs_baseline"] == 1.5


def test_growth_is_normalised_by_each_sizes_baseline_and_targets_are_judged():
    small = size(1000, {"baseline": 4, "search": 8, "search_filtered": 8, "service": 6})
    # Everything twice as slow (a busier machine), search a further 1.25 × slower (the data).
    large = size(100000, {"baseline": 8, "search": 20, "search_filtered": 28, "service": 12}, status_5xx=1)
    booking = {"over_capacity_sessions": 0, "errors_5xx": 0}
    summary = summarize([small, large], booking)
    assert summary["growth"]["search_p95_raw"] == 2.5
    assert summary["growth"]["search_p95_normalised"] == 1.25
    figures = [(t["value"], t["met"]) for t in summary["targets"]]
    assert figures == [
        (3.5, True),  # search with filters: 28 / 8 at the largest size
        (2.5, True),  # search: 20 / 8
        (1.25, True),  # growth, normalised
        (1.5, True),  # service page, worst size
        (0, True),  # no overbooked session
        (4, False),  # one 5xx on each of the four endpoints
        (None, False),  # no mixed run: not met
    ]


def test_a_spike_in_the_baselines_tail_cannot_make_a_ratio_target_look_met():
    calm = merge_runs([wrk_run(100, 10)])
    spiky_baseline = merge_runs([wrk_run(90, 2), wrk_run(10, 200)])  # p50 2 ms, p95 200 ms
    endpoints = {"baseline": spiky_baseline, "search": calm, "search_filtered": calm, "service": calm}
    figures = {"services": 1000, "endpoints": endpoints, "ratios": size_ratios(endpoints)}
    assert figures["ratios"]["service_p95_vs_baseline"] == 0.05
    summary = summarize([figures], {"over_capacity_sessions": 0, "errors_5xx": 0})
    service = next(t for t in summary["targets"] if t["name"].startswith("service page"))
    assert (service["value"], service["met"]) == (5.0, False)  # judged on p50: 10 / 2


def test_the_result_is_json_and_prints_as_a_table():
    sizes = [
        size(1000, {"baseline": 4, "search": 8, "search_filtered": 9, "service": 6}),
        size(10000, {"baseline": 4, "search": 9, "search_filtered": 10, "service": 6}),
    ]
    booking = {
        "via": "http", "clients": 50, "seats": 10, "sessions": 5, "throughput_rps": 20.0,
        "latency_ms": {"p50": 100.0, "p95": 200.0, "max": 250.0}, "confirmed_total": 10,
        "waitlisted_total": 40, "over_capacity_sessions": 0, "errors_5xx": 0,
    }  # fmt: skip
    mixed = {
        **mixed_figures(
            [locust_row("2 situation", 50, 0, 30, 80), locust_row("10 cancel", 20, 0, 40, 90)],
            parents=100, seconds=300, server_cpu_s=60.0, baseline_p95_ms=4.0,
        ),
        "bookings_made": 20, "over_capacity_sessions": 0,
    }  # fmt: skip
    result = {"sizes": sizes, "booking": booking, "mixed": mixed, **summarize(sizes, booking, mixed)}
    assert json.loads(json.dumps(result)) == result
    printed = table(result)
    assert "search_filtered" in printed and "booking: 50 clients" in printed
    assert "mixed traffic: 100 parents" in printed and "500 parents per core" in printed
    assert printed.count("[met]") == 7


def locust_row(name: str, requests: int, failures: int, p50: float, p95: float) -> dict:
    """One row of Locust's ``*_stats.csv``, with the columns bench/run.py reads."""
    return {
        "Name": name, "Request Count": str(requests), "Failure Count": str(failures),
        "50%": str(p50), "95%": str(p95),
    }  # fmt: skip


def test_mixed_traffic_figures_per_step_and_parents_per_core():
    rows = [
        locust_row("10 cancel", 20, 1, 40, 90),
        locust_row("1 home", 100, 0, 12, 20),
        locust_row("Aggregated", 120, 1, 15, 60),
    ]
    figures = mixed_figures(rows, parents=100, seconds=300, server_cpu_s=75.0, baseline_p95_ms=4.0)
    # Steps in walking order (1 before 10), the aggregate row left out.
    assert [s["name"] for s in figures["steps"]] == ["1 home", "10 cancel"]
    assert figures["steps"][0]["p95_vs_baseline"] == 5.0
    assert (figures["requests"], figures["failures"]) == (120, 1)
    # 75 CPU seconds in 300 s is a quarter of a core for 100 parents: 400 parents per core.
    assert (figures["server_cpu_cores"], figures["parents_per_core"]) == (0.25, 400)


def test_the_server_runs_with_the_production_environment_of_docker_compose():
    env = bench_env("postgres://bench-db", "redis://bench-redis", "s3cret")
    assert env["DEBUG"] == "false"
    assert env["CONN_MAX_AGE"] == "60"  # persistent connections, as the web service runs
    assert (env["DATABASE_URL"], env["REDIS_URL"], env["SECRET_KEY"]) == (
        "postgres://bench-db",
        "redis://bench-redis",
        "s3cret",
    )
