"""``crashstats processor`` as a real process: a real Crashpad crash through the collector and
the processor, NOTIFY wake-up, graceful stop, stalled claims, --crash-id, several workers."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pyapp.crashid import create_crash_id
from pyapp.db import Database
from pyapp.dumpstore import MAIN_DUMP, FSDumpStore
from pyapp.processor import queue
from pyapp.processor.settings import ProcessorSettings
from pyapp.processor.worker import Worker
from tests.clock import CLOCK
from tests.crashpad_fixtures import crash_and_upload
from tests.processor import synthetic
from tests.processor.conftest import cli_env, crashstats, save_raw, start_crashstats
from tests.support import scalar, stop_process

UTC = dt.UTC
ANNOTATIONS = {"ProductName": "CrashMe", "Version": "0.1", "ReleaseChannel": "nightly", "BuildID": "20261128"}


def wait_until(check: Callable[[], Any], timeout: float = 60, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_a_crashpad_crash_from_the_collector_to_reports(
    start_collector, crashme: Path, crashme_symbols: Path, tmp_path: Path
) -> None:
    server = start_collector()
    crash_and_upload(crashme, tmp_path / "crashpad-db", server.url, ANNOTATIONS)
    (crash_id,) = server.stored_ids()
    env = cli_env(
        {
            "DATABASE_URL": server.db_url,
            "filesystem__fs_root": str(server.dump_root),
            "CRASHSTATS_VAR_DIR": str(tmp_path / "var"),
            "SYMBOLS_PATH": str(crashme_symbols),
        }
    )
    done = crashstats("processor", "--once", env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("stored 1 crashes in ")
    with server.connect() as conn:
        report = conn.execute("SELECT * FROM reports WHERE uuid = %s", (crash_id,)).fetchone()
        stored = conn.execute(
            "SELECT processed_crash, json_dump, processed_crash_document(processed_crash, json_dump) "
            "AS whole FROM processed_crashes WHERE uuid = %s",
            (crash_id,),
        ).fetchone()
        assert scalar(conn, "SELECT count(*) FROM processing_queue") == 0
    # the json_dump is kept as JSON text beside the jsonb document, and put back by
    # processed_crash_document()
    assert "json_dump" not in stored["processed_crash"] and stored["json_dump"].startswith("{")
    processed = stored["whole"]
    assert report["signature"] == "crash_here"
    assert (report["product"], report["version"], report["release_channel"]) == ("CrashMe", "0.1", "nightly")
    assert report["build"] == "20261128"
    assert report["os_name"] == "Linux" and report["cpu_name"] == "amd64"
    assert report["cpu_info"].endswith(f" | {os.cpu_count()}")
    assert report["reason"] == "SIGSEGV / SEGV_MAPERR" and report["address"] == "0x00000000deadbeef"
    assert report["topmost_filenames"].endswith("crashme_exe.c")
    assert report["success"] is True and report["completed_datetime"] >= report["started_datetime"]
    json_dump = processed["json_dump"]
    frames = json_dump["threads"][json_dump["crash_info"]["crashing_thread"]]["frames"]
    assert [f["function"] for f in frames[:3]] == ["crash_here", "middle_function", "main"]
    assert processed["mdsw_status_string"] == "OK" and processed["mdsw_return_code"] == 0
    assert processed["proto_signature"].startswith("crash_here | middle_function | main")
    assert processed["date_processed"] == report["date_processed"].isoformat()


@pytest.fixture
def env(processor_settings: dict[str, str]) -> dict[str, str]:
    return cli_env(processor_settings)


def test_crash_id_processes_those_crashes_now(db: psycopg.Connection, env, rng: random.Random) -> None:
    now = CLOCK.now()
    wanted = save_raw(db, synthetic.raw_crash(rng, now))
    other = save_raw(db, synthetic.raw_crash(rng, now))
    unknown = create_crash_id(now)
    done = crashstats("processor", "--crash-id", f"bp-{wanted}", unknown, env=env)
    assert done.returncode == 1, done.stderr  # one of them has no raw crash
    signature = scalar(db, "SELECT signature FROM reports WHERE uuid = %s", (wanted,))
    assert done.stdout.splitlines() == [f"{wanted}: {signature}", f"{unknown}: no raw crash stored"]
    assert scalar(db, "SELECT count(*) FROM reports WHERE uuid = %s", (other,)) == 0
    assert [str(r["crash_id"]) for r in db.execute("SELECT crash_id FROM processing_queue")] == [other]
    bad = crashstats("processor", "--crash-id", "not-a-crash", env=env)
    assert bad.returncode == 2 and bad.stderr.strip() == "crashstats: error: not a crash ID: 'not-a-crash'"


def test_an_idle_worker_wakes_on_notify_and_stops_on_sigterm(
    db: psycopg.Connection, env, rng: random.Random, tmp_path: Path
) -> None:
    process = start_crashstats(
        "processor", env={**env, "CRASHSTATS_PROCESSOR_POLL": "3600"}, log=tmp_path / "log"
    )
    try:
        wait_until(
            lambda: scalar(db, "SELECT count(*) FROM processors WHERE stopped_at IS NULL"), what="start"
        )
        time.sleep(0.5)  # its first look at the empty queue is over: it waits for NOTIFY now
        crash_id = save_raw(db, synthetic.raw_crash(rng, CLOCK.now()))
        # with a one-hour poll, only the NOTIFY can make this happen
        wait_until(
            lambda: scalar(db, "SELECT count(*) FROM reports WHERE uuid = %s", (crash_id,)), what="NOTIFY"
        )
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, (tmp_path / "log").read_text()
    finally:
        stop_process(process)
    row = db.execute("SELECT * FROM processors").fetchone()
    assert row["stopped_at"] is not None and row["crashes_processed"] == 1


def slow_stackwalker(tmp_path: Path, seconds: float) -> Path:
    """The real stackwalker, started after a pause (a long walk)."""
    from pyapp.processor.stackwalker import find_stackwalker

    script = tmp_path / "slow-stackwalker"
    script.write_text(f'#!/bin/sh\nsleep {seconds}\nexec {find_stackwalker()} "$@"\n')
    script.chmod(0o755)
    return script


def dumps_only_crash(db: psycopg.Connection, store: FSDumpStore, dump: bytes) -> str:
    """A collector-style crash whose minidump is in the dump store (no json_dump)."""
    now = CLOCK.now()
    crash_id = create_crash_id(now)
    store.save_dumps(crash_id, {MAIN_DUMP: dump})
    raw = {
        "uuid": crash_id,
        "ProductName": "CrashMe",
        "Version": "0.1",
        "submitted_timestamp": now.isoformat(),
    }
    return save_raw(db, raw, now)


def test_a_stop_finishes_the_crash_in_hand_and_gives_the_rest_back(
    db: psycopg.Connection, env, crashme_dump: Path, dump_root: Path, tmp_path: Path
) -> None:
    store = FSDumpStore(dump_root)
    ids = [dumps_only_crash(db, store, crashme_dump.read_bytes()) for _ in range(4)]
    settings = {
        "CRASHSTATS_STACKWALKER": str(slow_stackwalker(tmp_path, 2)),
        "CRASHSTATS_PROCESSOR_BATCH": "4",
    }
    process = start_crashstats("processor", env={**env, **settings}, log=tmp_path / "log")
    try:
        wait_until(
            lambda: scalar(db, "SELECT count(*) FROM processing_queue WHERE claimed_by IS NOT NULL") == 4
        )
        time.sleep(0.5)
        # Ctrl-C reaches the whole process group: the stackwalker (its own session) goes on
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(60) == 0, (tmp_path / "log").read_text()
    finally:
        stop_process(process)
    stored = {r["uuid"] for r in db.execute("SELECT uuid FROM reports")}
    assert len(stored) == 1 and stored < set(ids)
    assert scalar(db, "SELECT success FROM reports") is True
    # the stackwalker was not interrupted by the Ctrl-C: a whole walk (no symbols: the module)
    assert scalar(db, "SELECT processed_crash->>'mdsw_status_string' FROM processed_crashes") == "OK"
    assert scalar(db, "SELECT signature FROM reports") == "crashme"
    rest = db.execute("SELECT * FROM processing_queue").fetchall()
    assert {str(r["crash_id"]) for r in rest} == set(ids) - stored
    now = scalar(db, "SELECT clock_timestamp()")  # the database's clock, which set the leases
    assert all(r["attempts"] == 0 and r["lease_expires"] <= now for r in rest)


def test_a_stalled_claim_is_recovered(db: psycopg.Connection, env, rng: random.Random) -> None:
    ids = {save_raw(db, synthetic.raw_crash(rng, CLOCK.now())) for _ in range(3)}
    db.execute("SELECT * FROM processing_queue_claim('dead:1:0', 10, '1 second')")
    time.sleep(1.2)
    done = crashstats("processor", "--once", env=env)
    assert done.returncode == 0, done.stderr
    assert {r["uuid"] for r in db.execute("SELECT uuid FROM reports")} == ids
    assert scalar(db, "SELECT count(*) FROM processing_queue") == 0


def test_several_workers_share_the_queue(db: psycopg.Connection, env, rng: random.Random) -> None:
    now = CLOCK.now()
    ids = {save_raw(db, synthetic.raw_crash(rng, now)) for _ in range(60)}
    done = crashstats("processor", "--once", "--workers", "2", env={**env, "CRASHSTATS_PROCESSOR_BATCH": "2"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("stored 60 crashes")
    rows = db.execute("SELECT uuid, count(*) AS n FROM reports GROUP BY uuid").fetchall()
    assert {r["uuid"] for r in rows} == ids and {r["n"] for r in rows} == {1}
    workers = db.execute("SELECT crashes_processed FROM processors").fetchall()
    assert len(workers) == 2 and sum(r["crashes_processed"] for r in workers) == 60


def test_priority_requests_from_python(fresh_db: str, db: psycopg.Connection, rng: random.Random) -> None:
    crash_id = save_raw(db, synthetic.raw_crash(rng, CLOCK.now()))
    with Database(fresh_db) as pool:
        assert queue.request_priority(pool, f"bp-{crash_id}") == "raised"  # the collector queued it
        assert queue.request_priority(pool, crash_id) == "already"
        assert queue.request_priority(pool, create_crash_id()) == "unknown"
    assert scalar(db, "SELECT priority FROM processing_queue WHERE crash_id = %s", (crash_id,)) == 0


def test_reprocess_command(db: psycopg.Connection, env, rng: random.Random) -> None:
    now = CLOCK.now()
    ids = [save_raw(db, synthetic.raw_crash(rng, now)) for _ in range(3)]
    assert crashstats("processor", "--once", env=env).returncode == 0
    first = {r["uuid"]: r for r in db.execute("SELECT uuid, id, started_datetime, signature FROM reports")}
    unknown = create_crash_id(now)
    done = crashstats("reprocess", "--crash-id", ids[0], f"bp-{unknown}", env=env)
    assert done.returncode == 1
    assert done.stdout.splitlines() == [
        f"{unknown}: no raw crash stored; cannot reprocess",
        "queued 1 crashes for reprocessing",
    ]
    signature = first[ids[1]]["signature"]
    since = (now - dt.timedelta(hours=1)).isoformat()
    by_signature = crashstats("reprocess", "--signature", signature, "--since", since, env=env)
    count = sum(1 for r in first.values() if r["signature"] == signature)
    assert (
        by_signature.stdout.strip() == f"queued {count} crashes with signature {signature!r} for reprocessing"
    )
    queued = {str(r["crash_id"]): r["priority"] for r in db.execute("SELECT * FROM processing_queue")}
    assert set(queued) == {ids[0]} | {u for u, r in first.items() if r["signature"] == signature}
    assert set(queued.values()) == {1}
    assert crashstats("processor", "--once", env=env).returncode == 0
    again = {
        r["uuid"]: r for r in db.execute("SELECT uuid, id, started_datetime, processor_notes FROM reports")
    }
    assert len(again) == 3
    assert again[ids[0]]["id"] == first[ids[0]]["id"]  # replaced, not duplicated
    assert again[ids[0]]["started_datetime"] > first[ids[0]]["started_datetime"]
    assert (
        f"earlier processing: {first[ids[0]]['started_datetime'].isoformat()}"
        in again[ids[0]]["processor_notes"]
    )


def quick_crashes(db: psycopg.Connection, rng: random.Random, count: int) -> set[str]:
    """Raw crashes that carry a small json_dump (no stackwalking: quick to process)."""
    now = CLOCK.now()
    ids = set()
    for _ in range(count):
        raw = synthetic.raw_crash(rng, now, with_dump=False)
        raw["json_dump"] = synthetic.json_dump(rng, threads=1, frames_per_thread=8, modules=4)
        ids.add(save_raw(db, raw))
    return ids


def claim_limits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The limits of the claims made from now on, in order."""
    limits: list[int] = []
    claim = queue.claim

    def spy(*args: Any, limit: int, **kwargs: Any) -> Any:
        limits.append(limit)
        return claim(*args, limit=limit, **kwargs)

    monkeypatch.setattr(queue, "claim", spy)
    return limits


def batch_settings(make_config, most: int, seconds: float) -> ProcessorSettings:
    return ProcessorSettings.from_config(
        make_config(
            CRASHSTATS_PROCESSOR_BATCH="2",
            CRASHSTATS_PROCESSOR_BATCH_MAX=str(most),
            CRASHSTATS_PROCESSOR_BATCH_SECONDS=str(seconds),
        )
    )


def test_claims_grow_for_quick_crashes_and_not_past_the_maximum(
    db: psycopg.Connection, fresh_db: str, make_config, rng: random.Random, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = quick_crashes(db, rng, 60)
    settings = batch_settings(make_config, most=16, seconds=60)
    limits = claim_limits(monkeypatch)
    stats = Worker(settings, fresh_db, once=True).run()
    assert stats.stored == 60
    assert {r["uuid"] for r in db.execute("SELECT uuid FROM reports")} == ids
    # the first claim has no pace yet; quick crashes (json_dump supplied) then fill the maximum
    assert limits[0] == 2 and max(limits) == 16 and all(2 <= n <= 16 for n in limits)


def test_claims_stay_small_when_crashes_are_slow(fresh_db: str, make_config) -> None:
    settings = ProcessorSettings.from_config(
        make_config(CRASHSTATS_PROCESSOR_BATCH="8", CRASHSTATS_PROCESSOR_BATCH_SECONDS="0.5")
    )
    worker = Worker(settings, fresh_db, once=True)
    assert worker.claim_size() == 8  # no pace yet
    worker._paced(8, 8 * 2.0)  # stackwalking: 2 s a crash
    assert worker.claim_size() == 8
    worker._paced(8, 8 * 0.002)  # the pace follows: a quick batch moves it halfway
    assert worker.claim_size() == 8  # ~1 s a crash on average: still slow
    for _ in range(12):
        worker._paced(64, 64 * 0.002)
    assert worker.claim_size() == 64  # 2 ms a crash: 250 in 0.5 s, at most 64
    worker._paced(64, 64 * 0.05)  # 26 ms a crash on average: ~19 in 0.5 s
    assert 8 < worker.claim_size() < 64


def test_a_json_dump_that_came_with_the_raw_crash_is_stored_as_the_same_text(
    db: psycopg.Connection, env, rng: random.Random
) -> None:
    raw = synthetic.raw_crash(rng, CLOCK.now(), with_dump=False)
    raw["json_dump"] = synthetic.json_dump(rng, threads=2, frames_per_thread=20, modules=30)
    crash_id = save_raw(db, raw)
    # save_raw_crash kept it apart, as text
    stored_raw = db.execute(
        "SELECT raw_crash, json_dump FROM raw_crashes WHERE uuid = %s", (crash_id,)
    ).fetchone()
    assert "json_dump" not in stored_raw["raw_crash"] and stored_raw["json_dump"] is not None
    done = crashstats("processor", "--once", env=env)
    assert done.returncode == 0, done.stderr
    row = db.execute(
        "SELECT p.json_dump, processed_crash_document(p.processed_crash, p.json_dump) AS doc, r.signature "
        "FROM processed_crashes p JOIN reports r ON r.uuid = p.uuid::text WHERE p.uuid = %s",
        (crash_id,),
    ).fetchone()
    assert row["json_dump"] == stored_raw["json_dump"]  # the same text, not serialised again
    assert row["doc"]["json_dump"] == raw["json_dump"]
    assert row["signature"] and row["signature"] != "EMPTY: crash failed to process"


def test_a_grown_claim_that_meets_slow_crashes_gives_the_rest_back(
    db: psycopg.Connection, fresh_db: str, make_config, rng: random.Random, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = quick_crashes(db, rng, 30)
    worker = Worker(batch_settings(make_config, most=30, seconds=0.1), fresh_db, once=True)
    worker.seconds_per_crash = 0.001  # the pace of quick crashes: the first claim takes all 30
    limits = claim_limits(monkeypatch)
    process = worker.algorithm.process

    def slow(*args: Any, **kwargs: Any) -> Any:  # these turn out to take 50 ms each
        time.sleep(0.05)
        return process(*args, **kwargs)

    monkeypatch.setattr(worker.algorithm, "process", slow)
    stats = worker.run()
    # after 0.2 s (twice the 0.1 s it was sized for) the first claim kept what it had done
    # and gave the rest back; the next claims were sized by the slower pace
    assert limits[0] == 30 and stats.given_back >= 20
    assert all(n <= 4 for n in limits[1:-1])
    assert stats.stored == 30
    rows = db.execute("SELECT uuid, count(*) AS n FROM reports GROUP BY uuid").fetchall()
    assert {r["uuid"] for r in rows} == ids and {r["n"] for r in rows} == {1}
    assert scalar(db, "SELECT count(*) FROM processing_queue") == 0


def test_workers_count_what_they_process_in_the_live_reports(
    db: psycopg.Connection, env, rng: random.Random
) -> None:
    def counted() -> set[str]:
        rows = db.execute("SELECT uuid FROM reports_clean UNION ALL SELECT uuid FROM reports_bad")
        return {r["uuid"] for r in rows}

    ids = {save_raw(db, synthetic.raw_crash(rng, CLOCK.now())) for _ in range(5)}
    done = crashstats("processor", "--once", env={**env, "CRASHSTATS_REPORTS_LIVE_INTERVAL": "0.001"})
    assert done.returncode == 0, done.stderr
    assert counted() == ids  # no batch job ran: the workers counted them
    assert scalar(db, "SELECT count(*) FROM reports_live_queue") == 0

    # with the interval 0 the crashes wait for `crashstats reports live`
    more = {save_raw(db, synthetic.raw_crash(rng, CLOCK.now())) for _ in range(3)}
    done = crashstats("processor", "--once", env={**env, "CRASHSTATS_REPORTS_LIVE_INTERVAL": "0"})
    assert done.returncode == 0, done.stderr
    assert {r["uuid"] for r in db.execute("SELECT uuid FROM reports_live_queue")} == more
    waiting = "SELECT waiting FROM reports_freshness WHERE report = 'update_reports_live'"
    assert scalar(db, waiting) == 3
    status = crashstats("reports", "status", env=env)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[1].startswith("update_reports_live")
    assert any(line.startswith("update_tcbs ") for line in lines)
    done = crashstats("reports", "live", env=env)
    assert done.returncode == 0 and "3 crashes counted" in done.stdout, done.stderr
    assert counted() == ids | more
    assert scalar(db, waiting) == 0
    assert scalar(db, "SELECT sum(crashes) FROM reports_live_runs") == 8
