"""Directory figures: record count, records with gaps, and median latency of a typical query.

    .venv/bin/python bench/directory_latency.py [--database-url URL] [--calls 1000]

Without --database-url it seeds a fresh SQLite file in a temporary folder. The query is
abuse_type=domestic_abuse&borough=westminster&open_now=true, timed through the query
function and through the HTTP API (FastAPI TestClient, in process).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from api.routers import directory  # noqa: E402
from api.settings import Settings  # noqa: E402
from services_directory import queries, store  # noqa: E402
from services_directory.db import open_directory  # noqa: E402

PARAMS = {"abuse_type": "domestic_abuse", "borough": "westminster", "open_now": "true"}


def median_ms(call, calls: int) -> float:
    call()  # warm up
    times = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--calls", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'directory.sqlite3'}"
        sessions = open_directory(url)
        with sessions() as session:
            records = store.all_records(session)
        filters = queries.ServiceFilters(
            abuse_type="domestic_abuse", borough="westminster", open_now=True
        )

        def through_query() -> None:
            with sessions() as session:
                queries.find_services(session, filters)

        app = FastAPI()
        app.include_router(directory.router)
        app.state.settings = Settings(database_url=url, _env_file=None)
        app.state.directory_sessions = sessions
        client = TestClient(app)

        def through_api() -> None:
            assert client.get("/services", params=PARAMS).status_code == 200

        print(f"database: {sessions.kw['bind'].dialect.name}")
        print(f"records: {len(records)}")
        print(f"records with gaps (GAP in notes): {sum(r.has_gap for r in records)}")
        print(f"records with no phone number: {sum(not r.phones for r in records)}")
        print(f"query: {'&'.join(f'{k}={v}' for k, v in PARAMS.items())}")
        print(
            f"median over {args.calls} calls, query function: "
            f"{median_ms(through_query, args.calls):.2f} ms"
        )
        print(
            f"median over {args.calls} calls, HTTP API (TestClient): "
            f"{median_ms(through_api, args.calls):.2f} ms"
        )
        sessions.kw["bind"].dispose()


if __name__ == "__main__":
    main()
