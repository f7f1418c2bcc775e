"""Workers killed with SIGKILL at random moments during a batch of 1,000 crashes: afterwards
every crash is in reports and processed_crashes exactly once, with the signature its raw
crash gives, and the queue is empty."""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import psycopg

from pyapp.processor.signature import SignatureMaker
from tests.clock import SuiteClock
from tests.processor import synthetic
from tests.processor.conftest import cli_env, save_raw, start_crashstats
from tests.support import child_pids, scalar, stop_process

CRASHES = 1000
KILLS = 8


def test_killed_workers_lose_nothing_and_duplicate_nothing(
    db: psycopg.Connection, processor_settings: dict[str, str], rng: random.Random, tmp_path: Path
, clock: SuiteClock) -> None:
    now = clock.now()
    raws = []
    with db.transaction():
        for _ in range(CRASHES):
            raw = synthetic.raw_crash(rng, now, with_dump=False)
            raw["json_dump"] = synthetic.json_dump(rng, threads=2, frames_per_thread=20, modules=30)
            save_raw(db, raw)
            raws.append(raw)
    settings = {
        "CRASHSTATS_PROCESSOR_LEASE": "2",  # killed workers' claims lapse quickly
        "CRASHSTATS_PROCESSOR_BATCH": "4",
        "CRASHSTATS_PROCESSOR_POLL": "0.5",
    }
    log = tmp_path / "processor.log"
    process = start_crashstats(
        "processor", "--workers", "3", env=cli_env({**processor_settings, **settings}), log=log
    )
    killed: list[int] = []
    try:
        deadline = time.monotonic() + 600
        while scalar(db, "SELECT count(*) FROM processing_queue") > 0:
            assert time.monotonic() < deadline, (
                f"queue not drained; killed {killed}\n{log.read_text()[-3000:]}"
            )
            time.sleep(rng.uniform(0.05, 0.6))
            registered = {r["pid"] for r in db.execute("SELECT pid FROM processors WHERE stopped_at IS NULL")}
            workers = [pid for pid in child_pids(process.pid) if pid in registered and pid not in killed]
            if workers and len(killed) < KILLS:
                victim = rng.choice(workers)
                os.kill(victim, signal.SIGKILL)
                killed.append(victim)
        process.send_signal(signal.SIGTERM)
        assert process.wait(60) == 0, log.read_text()[-3000:]
    finally:
        stop_process(process)

    assert len(killed) == KILLS
    expected = {raw["uuid"] for raw in raws}
    for table in ("reports", "processed_crashes"):
        rows = db.execute(f"SELECT uuid::text AS uuid, count(*) AS n FROM {table} GROUP BY uuid").fetchall()
        assert {r["uuid"] for r in rows} == expected, table
        assert {r["n"] for r in rows} == {1}, table
    signatures = {r["uuid"]: r["signature"] for r in db.execute("SELECT uuid, signature FROM reports")}
    maker = SignatureMaker()
    for raw in rng.sample(raws, 100):
        assert signatures[raw["uuid"]] == maker.generate(raw, {"json_dump": raw["json_dump"]}).signature
    # the killed workers were replaced, and their crashes processed by others
    assert scalar(db, "SELECT count(*) FROM processors") > KILLS
    assert scalar(db, "SELECT sum(crashes_processed) FROM processors") == CRASHES


def test_a_stop_while_a_dead_worker_is_being_replaced_stops_every_worker(
    db: psycopg.Connection, processor_settings: dict[str, str], tmp_path: Path
) -> None:
    """SIGTERM to the supervisor in the second it waits before replacing a killed worker: no
    worker is started after the stop (one started then was never told to stop, and the
    processor never exited), and the others stop as usual."""
    log = tmp_path / "processor.log"
    process = start_crashstats(
        "processor",
        "--workers",
        "2",
        env=cli_env({**processor_settings, "CRASHSTATS_PROCESSOR_POLL": "0.5"}),
        log=log,
    )
    try:
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 2:
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            registered = {r["pid"] for r in db.execute("SELECT pid FROM processors WHERE stopped_at IS NULL")}
            workers = [pid for pid in child_pids(process.pid) if pid in registered]
            time.sleep(0.1)
        os.kill(workers[0], signal.SIGKILL)
        while "died" not in log.read_text():
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)  # during the supervisor's second before the restart
        assert process.wait(30) == 0, log.read_text()[-3000:]
        assert child_pids(process.pid) == []
        assert "stopping after the current crash" in log.read_text()
    finally:
        stop_process(process)
