"""5,000 crash reports through the collector and processors while things break:

* PostgreSQL is restarted in the middle of the submissions: every crash that got a
  ``CrashID=`` is stored and processed afterwards; the others got 503 and succeed when sent
  again; nothing is stored twice and nothing is stored without its answer;
* processor workers are killed with SIGKILL at random moments all along: every crash is
  processed exactly once in the end (one row in reports and in processed_crashes).
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import psycopg

from pyapp.dumpstore import FSDumpStore
from tests.e2e.conftest import (
    OwnPostgres,
    Submissions,
    env_for,
    live_crashes,
    send_all,
    start_collector,
    start_service,
)
from tests.support import child_pids

CRASHES = 5000
KILLS = 10


def count(conn: psycopg.Connection, query: str) -> int:
    return conn.execute(query).fetchone()[0]


def test_postgres_restart_and_killed_processors_lose_and_duplicate_nothing(
    own_pg: OwnPostgres, tmp_path: Path, rng: random.Random
) -> None:
    db_url = own_pg.new_database()
    dump_root = tmp_path / "dumps"
    env = env_for(
        db_url,
        filesystem__fs_root=str(dump_root),
        CRASHSTATS_VAR_DIR=str(tmp_path / "var"),
        CRASHSTATS_DB_CONNECT_TIMEOUT="3",
        CRASHSTATS_PROCESSOR_LEASE="3",  # a killed worker's claims lapse quickly
        CRASHSTATS_PROCESSOR_BATCH="8",
        CRASHSTATS_PROCESSOR_POLL="0.5",
        CRASHSTATS_PROCESSOR_RETRY_DELAY="1",
    )
    collector = start_collector(env, tmp_path / "collector.log", workers=2)
    processor = start_service(["processor", "--workers", "2"], env, tmp_path / "processor.log")
    results = Submissions()
    crashes = live_crashes(CRASHES, seed=rng.randrange(10**6))
    killed: list[int] = []
    stop_killing = threading.Event()

    def killer() -> None:
        while not stop_killing.wait(rng.uniform(0.5, 2.5)) and len(killed) < KILLS:
            workers = child_pids(processor.process.pid)
            if workers:
                victim = rng.choice(workers)
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)

    killing = threading.Thread(target=killer)
    killing.start()
    try:
        sender = threading.Thread(target=send_all, args=(collector_url(collector), crashes, results))
        sender.start()
        while len(results.statuses) < CRASHES // 3 and sender.is_alive():
            time.sleep(0.05)
        own_pg.restart(down_for=1.0)  # in the middle of the submissions
        restarted_at = len(results.statuses)
        sender.join()

        assert restarted_at < CRASHES, "the restart came after every submission"
        statuses = Counter(results.statuses)
        assert set(statuses) <= {200, 503}, statuses
        assert statuses[503] > 0, "the restart refused nothing: it did not happen during submissions"
        # the refused ones succeed when sent again
        refused = list(results.refused)
        results.refused.clear()
        for crash in refused:
            results.send(collector_url(collector), crash)
        assert results.refused == [], Counter(results.statuses)
        assert len(results.ids) == CRASHES and len(set(results.ids)) == CRASHES

        deadline = time.monotonic() + 900
        with psycopg.connect(db_url, autocommit=True) as conn:
            while count(conn, "SELECT count(*) FROM processing_queue") > 0:
                assert time.monotonic() < deadline, f"queue not drained\n{processor.log()}"
                time.sleep(1)
    finally:
        stop_killing.set()
        killing.join()
        processor.stop()
        collector.stop()

    assert len(killed) >= KILLS // 2, f"only {len(killed)} kills"
    answered = set(results.ids)
    with psycopg.connect(db_url, autocommit=True) as conn:
        stored = Counter(str(r[0]) for r in conn.execute("SELECT uuid FROM raw_crashes"))
        assert set(stored) == answered, "a stored crash without its CrashID, or an answered one lost"
        assert set(stored.values()) == {1}
        for table in ("reports", "processed_crashes"):
            rows = Counter(str(r[0]) for r in conn.execute(f"SELECT uuid FROM {table}"))
            assert set(rows) == answered, table
            assert set(rows.values()) == {1}, f"{table}: a crash stored twice"
        assert count(conn, "SELECT count(*) FROM reports WHERE signature IS NULL OR signature = ''") == 0
    # every dump kept belongs to an answered crash, and every answered crash has its dump
    store = FSDumpStore(dump_root)
    dumps = {p.name.split(".")[0] for p in dump_root.rglob("*.dump")}
    assert dumps == answered
    for crash_id in random.Random(1).sample(sorted(answered), 50):
        assert store.get_dump(crash_id).startswith(b"MDMP")


def collector_url(service) -> str:
    return f"http://127.0.0.1:{service.port}/submit"
