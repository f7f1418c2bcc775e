"""Metrics reach a real statsd listener (a UDP socket): the collector's, the processor's and the
job runner's; and JSON log lines when CRASHSTATS_LOG_FORMAT=json."""

from __future__ import annotations

import json
import random
from pathlib import Path

from tests.ops.conftest import clean_env, crashstats
from tests.web.conftest import make_crash


def test_collector_processor_and_jobs_send_statsd_metrics(start_collector, statsd, tmp_path: Path) -> None:
    statsd_env = {
        "CRASHSTATS_STATSD_HOST": "127.0.0.1",
        "CRASHSTATS_STATSD_PORT": str(statsd.port),
        "CRASHSTATS_STATSD_PREFIX": "cstest",
    }
    server = start_collector(**statsd_env)
    rng = random.Random(11)
    answers = [server.send(make_crash(rng, dump_size=2000)) for _ in range(3)]
    assert all(a.crash_id for a in answers), answers
    bad = server.post(b"not multipart", {"Content-Type": "text/plain"})
    assert bad.status == 400

    statsd.wait_for(lambda lines: statsd.counter("cstest.collector.crash_received") >= 4)
    assert statsd.counter("cstest.collector.crash_received") == 4
    assert statsd.counter("cstest.collector.crash_stored") == 3
    assert statsd.counter("cstest.collector.crash_discarded") == 1

    env = clean_env(
        DATABASE_URL=server.db_url,
        filesystem__fs_root=str(server.dump_root),
        CRASHSTATS_VAR_DIR=str(tmp_path / "var"),
        **statsd_env,
    )
    # one crash left queued for the queue gauge: process the others by id
    ids = [a.crash_id for a in answers]
    done = crashstats("processor", "--crash-id", ids[0], ids[1], env=env)
    assert done.returncode == 0, done.stderr
    statsd.wait_for(lambda lines: statsd.counter("cstest.processor.crash_processed") >= 2)
    assert statsd.counter("cstest.processor.crash_processed") == 2

    job = crashstats("crontabber", "--job", "server-status", "--force", env=env)
    assert job.returncode == 0, job.stderr
    lines = statsd.wait_for(
        lambda lines: any(line.startswith("cstest.crontabber.server-status.duration:") for line in lines)
    )
    assert "cstest.processor.queue_depth:1|g" in lines
    timing = next(line for line in lines if line.startswith("cstest.crontabber.server-status.duration:"))
    assert timing.endswith("|ms") and float(timing.split(":")[1].split("|")[0]) > 0


def test_json_log_lines(fresh_db: str, tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=fresh_db, CRASHSTATS_VAR_DIR=str(tmp_path), CRASHSTATS_LOG_FORMAT="json")
    run = crashstats("-v", "crontabber", "--job", "server-status", "--force", env=env)
    assert run.returncode == 0, run.stderr
    events = [json.loads(line) for line in run.stderr.splitlines() if line.strip()]
    assert events, "no log lines"
    ran = [e for e in events if e["message"].startswith("ran server-status")]
    assert len(ran) == 1
    assert ran[0]["level"] == "INFO" and ran[0]["logger"] == "jobs.runner"
    assert ran[0]["time"].endswith("Z") and isinstance(ran[0]["process"], int)


def test_text_logs_by_default_and_a_bad_format_is_refused(fresh_db: str, tmp_path: Path) -> None:
    env = clean_env(DATABASE_URL=fresh_db, CRASHSTATS_VAR_DIR=str(tmp_path))
    run = crashstats("-v", "crontabber", "--job", "server-status", "--force", env=env)
    assert run.returncode == 0 and "crashstats: ran server-status" in run.stderr, run.stderr
    bad = crashstats("crontabber", "--list-jobs", env={**env, "CRASHSTATS_LOG_FORMAT": "xml"})
    assert bad.returncode != 0
    assert "CRASHSTATS_LOG_FORMAT" in bad.stderr and "Traceback" not in bad.stderr
