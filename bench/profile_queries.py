"""Which queries a page spends its time in: the diagnosis behind a target bench/RESULTS.md misses.

Usage, with the benchmark's environment (DATABASE_URL=…, DJANGO_SECRET_KEY=…, DJANGO_HTTPS=0):

    python bench/profile_queries.py /pratiques/?q=cooperative [--explain] [--top 5]

Renders the page once to warm caches (or, with --cold, empties the cache), then again while
recording every query and its duration;
prints the total time, the time spent in SQL and the slowest queries. With --explain, also the
database's plan of the slowest ones (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "observatoire.settings")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def explain(sql: str) -> str:
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql)
        return "\n".join(
            "    " + " | ".join(str(cell) for cell in row) for row in cursor.fetchall()
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="vider le cache avant la mesure (comptes et facettes recalculés)",
    )
    options = parser.parse_args()
    client = Client()
    client.get(options.path)
    if options.cold:
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(options.path)
        total = time.perf_counter() - started
    queries = [(float(q["time"]), q["sql"]) for q in captured.captured_queries]
    sql_time = sum(duration for duration, _sql in queries)
    print(
        f"{options.path} → {response.status_code}, {len(response.content)} octets, "
        f"{total * 1000:.0f} ms dont {sql_time * 1000:.0f} ms de SQL en {len(queries)} requêtes"
    )
    for duration, sql in sorted(queries, reverse=True)[: options.top]:
        print(f"  {duration * 1000:7.1f} ms  {sql[:600]}")
        if options.explain and sql.lstrip().upper().startswith("SELECT"):
            print(explain(sql))


if __name__ == "__main__":
    main()
