"""Benchmark of 一括登録: a 10,000-row 子育て施設一覧 file checked and imported, and how a page answers
while the import runs in another process (as a Celery worker would run it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal_import python bench/import_bench.py [--rows N]

Run it against a migrated benchmark database, never a real portal's: it adds N services with IDs
``bench-<run>-<n>`` and deletes them at the end. Prints one JSON object with the figures
(docs/import.md records a run).
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from facilities import importing  # noqa: E402
from facilities.models import Area, Service  # noqa: E402
from portal.models import Role, User  # noqa: E402

# Notations as cities write them, mixed through the file.
DAYS = [
    "月～金",
    "月-土",
    "平日",
    "月・水・金",
    "火～土（祝日を除く）",
    "毎日",
    "土日祝",
    "月、火、木～土曜日",
]
TIMES = [
    ("9:00", "17:00"),
    ("７：００", "19時"),
    ("9時30分", "15:30"),
    ("9:00～16:00", ""),
    ("08:30:00", "17:15"),
]
AGES = ["0歳から5歳", "生後57日から", "1歳クラスから", "就学前", "小学3年生まで", "18歳未満", "妊婦", ""]
TYPES = [
    "認可私立保育所",
    "私立幼稚園",
    "児童館",
    "認定こども園（幼保連携型）",
    "小規模保育事業",
    "一時預かり",
]


def build_file(rows: int, run: str, seed: int = 2026) -> bytes:
    """A current-layout CSV of ``rows`` facilities with the notations above (UTF-8 with BOM, CRLF)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(importing.CURRENT_LAYOUT), lineterminator="\r\n")
    writer.writeheader()
    for n in range(rows):
        opens, closes = rng.choice(TIMES)
        writer.writerow(
            {
                "全国地方公共団体コード": "131016",
                "ID": f"bench-{run}-{n}",
                "地方公共団体名": "みどり市",
                "名称": f"ベンチ保育園{n}",
                "名称_カナ": f"ベンチホイクエン{n}",
                "種別": rng.choice(TYPES),
                "所在地_連結表記": f"みどり市中央{rng.randint(1, 9)}-{rng.randint(1, 30)}-{n}",
                "緯度": f"{35.5 + rng.random() * 0.3:.6f}",
                "経度": f"{139.5 + rng.random() * 0.4:.6f}",
                "電話番号": f"03-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}",
                "団体名": f"社会福祉法人ベンチ会{n % 300}",
                "収容定員": str(rng.randint(10, 200)),
                "受入年齢": rng.choice(AGES),
                "利用可能曜日": rng.choice(DAYS),
                "開始時間": opens,
                "終了時間": closes,
                "利用可能日時特記事項": "土曜日は午前のみ" if n % 7 == 0 else "",
                "備考": "延長保育あり" if n % 5 == 0 else "",
            }
        )
    return out.getvalue().encode("utf-8-sig")


def _staff() -> User:
    user = User.objects.filter(role=Role.CITY_STAFF).first()
    return user or User.objects.create_user(email="bench-import@example.test", role=Role.CITY_STAFF)


def timed_import(path: str) -> None:
    """Child process: the import as the worker runs it; prints its seconds."""
    data = Path(path).read_bytes()
    started = time.perf_counter()
    report = importing.import_file(data=data, filename=Path(path).name, by=_staff())
    print(json.dumps({"seconds": time.perf_counter() - started, "counts": report.counts}))


def page_latencies(client: Client, path: str, seconds: float | None = None, until=None) -> list[float]:
    """Milliseconds of GET ``path``, repeated for ``seconds`` or until ``until()`` is true."""
    samples = []
    deadline = time.perf_counter() + (seconds or 0)
    while (until is None and time.perf_counter() < deadline) or (until is not None and not until()):
        started = time.perf_counter()
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "requests": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 1),
        "max_ms": round(ordered[-1], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    run = str(int(time.time()))
    data = build_file(args.rows, run)
    if not Area.objects.exists():
        Area.objects.create(code="chuo", name="中央地区")
    result: dict = {"rows": args.rows, "file_bytes": len(data)}

    started = time.perf_counter()
    report = importing.check_file(data=data, filename="bench.csv")
    seconds = time.perf_counter() - started
    result["check"] = {
        "seconds": round(seconds, 1),
        "rows_per_second": round(args.rows / seconds),
        **report.counts,
    }

    client = Client()
    page = "/search/?q=保育"
    result["page_before"] = _summary(page_latencies(client, page, seconds=10))
    with tempfile.NamedTemporaryFile(suffix=".csv", delete=False) as file:
        file.write(data)
    child = subprocess.Popen(
        [sys.executable, __file__, "_import", file.name], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    result["page_during_import"] = _summary(
        page_latencies(client, page, until=lambda: child.poll() is not None)
    )
    imported = json.loads(child.stdout.read().strip().splitlines()[-1])
    result["import"] = {
        "seconds": round(imported["seconds"], 1),
        "rows_per_second": round(args.rows / imported["seconds"]),
        **imported["counts"],
    }
    started = time.perf_counter()
    again = importing.import_file(data=data, filename="bench.csv", by=_staff())
    seconds = time.perf_counter() - started
    result["reimport_unchanged"] = {
        "seconds": round(seconds, 1),
        "rows_per_second": round(args.rows / seconds),
        **again.counts,
    }
    Service.objects.filter(source_id__startswith=f"bench-{run}-").delete()
    os.unlink(file.name)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_import":
        timed_import(sys.argv[2])
    else:
        main()
