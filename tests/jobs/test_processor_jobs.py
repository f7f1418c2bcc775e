"""The processor's jobs: server-status snapshots of the queue and the workers, and
processor-retry-failed, which sends the optional crash stores what they still lack."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

from psycopg.types.json import Jsonb

from jobs.spec import check_job_list
from pyapp.crashid import create_crash_id
from pyapp.dumpstore import FSDumpStore
from tests.jobs.conftest import utc

NOW = utc(2026, 3, 4, 7, 35)
FS = "socorro.external.fs.crashstorage.FSPermanentStorage"


def test_server_status_job(harness) -> None:
    h = harness("jobs.server_status.ServerStatusCronApp|5m", NOW)
    crash_id = create_crash_id(NOW)
    h.sql("SELECT processor_register('host:1:0', 'host', 1)")
    h.sql("SELECT processor_register('host:2:0', 'host', 2)")
    h.sql("SELECT processor_record_batch('host:1:0', 2, 1.0, 3.0)")
    h.sql("UPDATE processors SET last_seen_at = %s WHERE pid = 1", (NOW - dt.timedelta(minutes=1),))
    h.sql("UPDATE processors SET last_seen_at = %s WHERE pid = 2", (NOW - dt.timedelta(hours=1),))
    h.sql("SELECT save_raw_crash(%s, %s, %s)", (crash_id, Jsonb({"uuid": crash_id}), NOW))
    [outcome] = h.tick()
    assert outcome.status == "ran", outcome.message
    [row] = h.sql("SELECT * FROM server_status")
    assert row["date_created"] == NOW
    assert (row["waiting_job_count"], row["avg_process_sec"], row["avg_wait_sec"]) == (1, 0.5, 1.5)
    assert row["processors_count"] == 1  # the other was last seen an hour before


def test_retry_job_sends_what_an_optional_store_lacks(harness, tmp_path: Path) -> None:
    root = tmp_path / "crashes"
    h = harness(
        "jobs.processor.ProcessorRetryFailedCronApp|10m",
        NOW,
        destination__storage_classes=FS,
        filesystem__fs_root=str(root),
    )
    crash_id = create_crash_id(NOW)
    processed = {"uuid": crash_id, "date_processed": NOW.isoformat(), "signature": "s"}
    h.sql("SELECT save_raw_crash(%s, %s, %s, false)", (crash_id, Jsonb({"uuid": crash_id}), NOW))
    h.sql(
        "SELECT save_processed_crash(%s, %s, '[]', NULL, NULL, ARRAY['filesystem'], '0')",
        (crash_id, Jsonb(processed)),
    )
    [outcome] = h.tick()
    assert outcome.status == "ran", outcome.message
    directory = FSDumpStore(root).directory(crash_id)
    assert json.loads(gzip.decompress((directory / f"{crash_id}.jsonz").read_bytes())) == processed
    assert json.loads((directory / f"{crash_id}.json").read_text()) == {"uuid": crash_id}
    assert h.sql("SELECT * FROM processed_crash_deliveries") == []
    [log] = h.log("processor-retry-failed")
    assert log["notices"][-1] == "delivered 1 to filesystem; 0 still failing"


def test_the_retry_job_runs_only_with_optional_stores(make_config) -> None:
    without, _ = check_job_list(make_config())
    assert "processor-retry-failed" not in without.app_names
    with_stores, _ = check_job_list(make_config(destination__storage_classes=FS))
    assert "processor-retry-failed" in with_stores.app_names
    _, problems = check_job_list(
        make_config(crontabber__jobs="jobs.processor.ProcessorRetryFailedCronApp|10m")
    )
    assert problems == [
        "crontabber__jobs: processor-retry-failed needs destination__storage_classes to be set"
    ]
