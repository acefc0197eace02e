"""Python and template cost of the service and search pages, in-process (not part of `make bench`).

    DATABASE_URL=postgres://…/portal_perf REDIS_URL=redis://127.0.0.1:6379/12 \
        python bench/page_cost.py [--repeat 30] [--profile search_filtered]

Runs with production settings (DEBUG=false, manifest static files, Redis cache, persistent connection)
against a generated directory. The machine is shared, so each page's figure is the median CPU time of
this process (`time.process_time()`, which the database's own work does not count) over `--repeat`
requests after one warming request, with the number of queries: wall time would measure the
neighbours. `--profile NAME` prints cProfile's top functions for that case instead.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.update(
    {
        "DEBUG": "false",
        "SECRET_KEY": "page-cost-probe-" + "x" * 40,
        "SECURE_SSL_REDIRECT": "false",
        "CONN_MAX_AGE": "60",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from facilities.models import Area, Service  # noqa: E402

SEARCH_CASES = {
    "search_one_word": {"q": "一時保育"},
    "search_common_word": {"q": "保育"},
    "search_words": {"q": "保育 さくら"},
    "search_filtered": {"q": "保育", "category": ["nursery", "certified-kodomoen"], "age_months": "12"},
    "search_distance": {"q": "ひろば", "sort": "distance", "postal_code": "1000001"},
    "search_no_words": {},
}
SERVICE_PAGES = 30


def cases() -> dict[str, list[str]]:
    search = reverse("facilities:search")
    area = Area.objects.order_by("pk").values_list("code", flat=True).first()
    paths = {}
    for name, params in SEARCH_CASES.items():
        if name == "search_filtered":
            params = {**params, "area": area}
        paths[name] = [f"{search}?{urllib.parse.urlencode(params, doseq=True)}"]
    pks = Service.objects.visible_to_parents().order_by("pk").values_list("pk", flat=True)[:SERVICE_PAGES]
    paths["service"] = [reverse("facilities:service_detail", args=[pk]) for pk in pks]
    return paths


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(client: Client, paths: list[str], repeat: int, language: str) -> dict:
    for path in paths:  # warm: templates compiled, caches filled, connection open
        assert client.get(path, HTTP_ACCEPT_LANGUAGE=language).status_code == 200, path
    cpu, queries = [], []
    for i in range(repeat):
        path = paths[i % len(paths)]
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            started = time.process_time()
            response = client.get(path, HTTP_ACCEPT_LANGUAGE=language)
            cpu.append(time.process_time() - started)
        assert response.status_code == 200, path
        queries.append(counter.count)
    return {
        "cpu_ms_median": round(1000 * statistics.median(cpu), 1),
        "queries_median": statistics.median(queries),
        "queries_max": max(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", help="a case name: print cProfile's top functions for it")
    parser.add_argument("--language", default="ja")
    args = parser.parse_args()
    call_command("collectstatic", "--noinput", verbosity=0)
    client = Client()
    all_cases = cases()
    if args.profile:
        paths = all_cases[args.profile]
        for path in paths:
            client.get(path, HTTP_ACCEPT_LANGUAGE=args.language)
        profiler = cProfile.Profile(time.process_time)
        profiler.enable()
        for i in range(args.repeat):
            client.get(paths[i % len(paths)], HTTP_ACCEPT_LANGUAGE=args.language)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        return
    print(f"{'case':<22} {'cpu ms (median)':>16} {'queries':>8}")
    for name, paths in all_cases.items():
        row = measure(client, paths, args.repeat, args.language)
        print(f"{name:<22} {row['cpu_ms_median']:>16} {row['queries_median']:>8}")


if __name__ == "__main__":
    main()
