"""The processor's SQL: queue claims and leases, storing processed crashes (reports with
Socorro's column mapping, plugins, processed_crashes, missing_symbols), reprocessing,
optional-store deliveries, priority and reprocessing requests, server status."""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyapp import errors
from pyapp.crashid import create_crash_id
from pyapp.db import wrap_exceptions
from tests.clock import SuiteClock
from tests.support import scalar

UTC = dt.UTC
SUBMITTED = dt.datetime(2026, 11, 25, 10, 30, tzinfo=UTC)
LEASE = dt.timedelta(minutes=5)


def save_raw(
    sql: psycopg.Connection, submitted: dt.datetime = SUBMITTED, priority: int = 2, **raw: Any
) -> str:
    crash_id = create_crash_id(submitted)
    sql.execute(
        "SELECT save_raw_crash(%s, %s, %s, true, %s::smallint)",
        (crash_id, Jsonb({"uuid": crash_id, **raw}), submitted, priority),
    )
    return crash_id


def claim(sql: psycopg.Connection, worker: str = "w1", limit: int = 10, lease=LEASE, only=None) -> list[dict]:
    return sql.execute(
        "SELECT * FROM processing_queue_claim(%s, %s, %s, %s::uuid[])", (worker, limit, lease, only)
    ).fetchall()


def processed(crash_id: str, date: dt.datetime = SUBMITTED, **fields: Any) -> dict[str, Any]:
    return {
        "uuid": crash_id,
        "date_processed": date.isoformat(),
        "signature": "crash_here",
        "product": "KillerApp",
        "version": "1.0",
        "success": True,
        **fields,
    }


def save_processed(
    sql: psycopg.Connection, crash_id: str, doc: dict, token: dict | None = None, missing=(), deliveries=()
) -> bool:
    return scalar(
        sql,
        "SELECT save_processed_crash(%s, %s, %s, %s, %s, %s::text[])",
        (
            crash_id,
            Jsonb(doc),
            Jsonb(list(missing)),
            token["claimed_by"] if token else None,
            token["claimed_at"] if token else None,
            list(deliveries),
        ),
    )


def queue_row(sql: psycopg.Connection, crash_id: str) -> dict | None:
    return sql.execute("SELECT * FROM processing_queue WHERE crash_id = %s", (crash_id,)).fetchone()


def reports(sql: psycopg.Connection, crash_id: str) -> list[dict]:
    return sql.execute(
        "SELECT * FROM reports WHERE uuid = %s ORDER BY date_processed", (crash_id,)
    ).fetchall()


# --- claims ---------------------------------------------------------------------------------


def test_claims_serve_priority_then_reprocessing_then_normal_oldest_first(sql: psycopg.Connection) -> None:
    normal_old = save_raw(sql, SUBMITTED - dt.timedelta(hours=2))
    normal_new = save_raw(sql)
    reprocess = save_raw(sql, priority=1)
    priority = save_raw(sql, priority=0)
    sql.execute(
        "UPDATE processing_queue SET queued_at = queued_at - interval '1 hour' WHERE crash_id = %s",
        (normal_old,),
    )
    rows = claim(sql, limit=3)
    assert [str(r["crash_id"]) for r in rows] == [priority, reprocess, normal_old]
    assert {r["claimed_by"] for r in [queue_row(sql, str(r["crash_id"])) for r in rows]} == {"w1"}
    assert len({r["claimed_at"] for r in rows}) == 1  # one claim token for the batch
    assert [r["attempts"] for r in rows] == [1, 1, 1]
    assert [str(r["crash_id"]) for r in claim(sql, "w2")] == [normal_new]
    assert claim(sql, "w3") == []


def test_a_claim_returns_the_raw_crash_and_the_earlier_processing(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql, ProductName="KillerApp")
    (row,) = claim(sql)
    assert row["raw_crash"]["ProductName"] == "KillerApp"
    assert row["raw_date"] == SUBMITTED
    assert row["previous_notes"] is None and row["previous_started"] is None
    started = SUBMITTED + dt.timedelta(minutes=1)
    token = queue_row(sql, crash_id)
    doc = processed(crash_id, processor_notes="p1; Algo; a note", started_datetime=started.isoformat())
    assert save_processed(sql, crash_id, doc, token) is True
    sql.execute("SELECT queue_reprocessing(%s::uuid[])", ([crash_id],))
    (again,) = claim(sql)
    assert again["previous_notes"] == "p1; Algo; a note"
    assert again["previous_started"] == started
    assert again["priority"] == 1


def test_claims_skip_rows_locked_by_another_claim(fresh_db: str) -> None:
    with psycopg.connect(fresh_db, row_factory=dict_row, autocommit=True) as a:
        ids = {save_raw(a) for _ in range(4)}
    with (
        psycopg.connect(fresh_db, row_factory=dict_row) as a,
        psycopg.connect(fresh_db, row_factory=dict_row) as b,
    ):
        first = {str(r["crash_id"]) for r in claim(a, "a", limit=2)}  # a's transaction is still open
        second = {str(r["crash_id"]) for r in claim(b, "b", limit=10)}
        a.commit()
        b.commit()
    assert len(first) == 2 and len(second) == 2
    assert first | second == ids


def test_an_expired_lease_is_taken_over(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    claim(sql, "dead", lease=dt.timedelta(milliseconds=1))
    sql.execute("SELECT pg_sleep(0.01)")
    (row,) = claim(sql, "alive")
    assert str(row["crash_id"]) == crash_id and row["attempts"] == 2
    assert queue_row(sql, crash_id)["claimed_by"] == "alive"


def test_renewing_keeps_the_claim_only_for_its_holder(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    (row,) = claim(sql, "w1", lease=dt.timedelta(seconds=1))
    before = queue_row(sql, crash_id)["lease_expires"]
    renew = "SELECT processing_queue_renew(%s::uuid[], %s, %s, %s)"
    assert scalar(sql, renew, ([crash_id], "w1", row["claimed_at"], dt.timedelta(hours=1))) == 1
    assert queue_row(sql, crash_id)["lease_expires"] > before + dt.timedelta(minutes=59)
    assert scalar(sql, renew, ([crash_id], "w2", row["claimed_at"], LEASE)) == 0


def test_release_gives_crashes_back(sql: psycopg.Connection) -> None:
    graceful, failing, gone = save_raw(sql), save_raw(sql), save_raw(sql)
    rows = claim(sql)
    token = rows[0]["claimed_at"]
    release = "SELECT processing_queue_release(%s::uuid[], %s, %s, %s, %s, %s)"
    assert scalar(sql, release, ([graceful], "w1", token, None, dt.timedelta(0), False)) == 1
    assert (
        scalar(sql, release, ([failing], "w1", token, "dump store down", dt.timedelta(hours=1), False)) == 1
    )
    assert scalar(sql, release, ([gone], "w1", token, None, dt.timedelta(0), True)) == 1
    assert queue_row(sql, graceful)["attempts"] == 0  # not counted: it was never started
    assert queue_row(sql, failing)["last_error"] == "dump store down"
    assert queue_row(sql, gone) is None
    assert [str(r["crash_id"]) for r in claim(sql, "w2")] == [graceful]  # the failing one waits an hour


# --- storing ----------------------------------------------------------------------------------


def test_saving_under_the_claim_writes_the_rows_and_ends_the_claim(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    claim(sql)
    token = queue_row(sql, crash_id)
    missing = [{"debug_file": "libc.so.6", "debug_id": "ABC0", "code_file": "libc.so.6", "code_id": "ff"}]
    assert save_processed(sql, crash_id, processed(crash_id), token, missing, ["elasticsearch"]) is True
    assert queue_row(sql, crash_id) is None
    (report,) = reports(sql, crash_id)
    assert report["signature"] == "crash_here" and report["date_processed"] == SUBMITTED
    doc = scalar(sql, "SELECT processed_crash FROM processed_crashes WHERE uuid = %s", (crash_id,))
    assert doc["signature"] == "crash_here"
    symbols = sql.execute("SELECT * FROM missing_symbols").fetchall()
    assert [(r["date_processed"], r["debug_file"], r["debug_id"]) for r in symbols] == [
        (SUBMITTED.date(), "libc.so.6", "ABC0")
    ]
    delivery = sql.execute(
        "SELECT * FROM processed_crash_deliveries WHERE crash_id = %s", (crash_id,)
    ).fetchone()
    assert delivery["destination"] == "elasticsearch" and delivery["attempts"] == 0


def test_the_json_dump_is_kept_apart_as_text_and_put_back_for_readers(sql: psycopg.Connection) -> None:
    json_dump = {"status": "OK", "threads": [{"frames": [{"function": "crash_here", "offset": "0x1"}]}]}
    inside = save_raw(sql)  # a document carrying its json_dump (imports, tests)
    assert save_processed(sql, inside, processed(inside, json_dump=json_dump)) is True
    apart = save_raw(sql)  # the processor's way: the json_dump as JSON text of its own
    assert scalar(
        sql,
        "SELECT save_processed_crash(%s, %s, p_json_dump => %s)",
        (apart, Jsonb(processed(apart)), '{"status": "OK", "threads": []}'),
    )
    for crash_id, expected in ((inside, json_dump), (apart, {"status": "OK", "threads": []})):
        row = sql.execute(
            "SELECT processed_crash, json_dump FROM processed_crashes WHERE uuid = %s", (crash_id,)
        ).fetchone()
        assert "json_dump" not in row["processed_crash"]
        assert row["processed_crash"]["signature"] == "crash_here"
        assert json.loads(row["json_dump"]) == expected
        whole = scalar(sql, "SELECT processed_crash FROM crash_report(%s)", (crash_id,))
        assert whole["json_dump"] == expected and whole["signature"] == "crash_here"
    # Super Search's containment still finds the document's fields (GIN-indexed jsonb)
    assert (
        scalar(
            sql,
            "SELECT count(*) FROM processed_crashes WHERE processed_crash @> %s",
            (Jsonb({"signature": "crash_here"}),),
        )
        >= 2
    )


def test_a_lost_claim_writes_nothing(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    claim(sql, "slow", lease=dt.timedelta(milliseconds=1))
    slow = queue_row(sql, crash_id)
    sql.execute("SELECT pg_sleep(0.01)")
    claim(sql, "fast")
    assert save_processed(sql, crash_id, processed(crash_id, signature="stale"), slow) is False
    assert reports(sql, crash_id) == []
    assert queue_row(sql, crash_id)["claimed_by"] == "fast"


def test_a_crash_queued_again_during_processing_stays_for_another_round(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    claim(sql)
    token = queue_row(sql, crash_id)
    sql.execute("SELECT queue_reprocessing(%s::uuid[])", ([crash_id],))  # e.g. new symbols arrived
    assert save_processed(sql, crash_id, processed(crash_id), token) is True
    row = queue_row(sql, crash_id)
    assert row is not None and row["claimed_by"] is None and row["priority"] == 1
    assert len(reports(sql, crash_id)) == 1


def test_reprocessing_replaces_the_rows_and_keeps_the_report_id(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    plugin = {"process_type": "plugin", "PluginFilename": "libflash.so", "PluginName": "Flash"}
    save_processed(sql, crash_id, processed(crash_id, signature="first", PluginVersion="1", **plugin))
    (first,) = reports(sql, crash_id)
    save_processed(sql, crash_id, processed(crash_id, signature="second", PluginVersion="2", **plugin))
    (second,) = reports(sql, crash_id)
    assert second["signature"] == "second" and second["id"] == first["id"]
    assert scalar(sql, "SELECT count(*) FROM processed_crashes WHERE uuid = %s", (crash_id,)) == 1
    rows = sql.execute("SELECT * FROM plugins_reports WHERE report_id = %s", (first["id"],)).fetchall()
    assert [r["version"] for r in rows] == ["2"]
    save_processed(sql, crash_id, processed(crash_id, signature="third"))  # no longer a plugin crash
    assert scalar(sql, "SELECT count(*) FROM plugins_reports WHERE report_id = %s", (first["id"],)) == 0


def test_a_crash_saved_again_in_another_week_leaves_no_row_in_the_old_one(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    plugin = {"process_type": "plugin", "PluginFilename": "f", "PluginName": "n", "PluginVersion": "1"}
    save_processed(sql, crash_id, processed(crash_id, **plugin))
    later = SUBMITTED + dt.timedelta(days=15)
    save_processed(sql, crash_id, processed(crash_id, later, **plugin))
    assert [r["date_processed"] for r in reports(sql, crash_id)] == [later]
    dates = sql.execute(
        "SELECT date_processed FROM processed_crashes WHERE uuid = %s", (crash_id,)
    ).fetchall()
    assert [r["date_processed"] for r in dates] == [later]
    assert scalar(sql, "SELECT count(*) FROM plugins_reports") == 1


def test_reports_columns_follow_socorros_mapping_and_lengths(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    long = "x" * 2000
    doc = processed(
        crash_id,
        product=long,
        version=long,
        build=long,
        signature=long,
        url=long,
        cpu_name=long,
        cpu_info=long,
        reason=long,
        address=long,
        os_name=long,
        os_version=long,
        email=long,
        user_id=long,
        user_comments=long,
        app_notes=long,
        distributor=long,
        distributor_version=long,
        processor_notes=long,
        topmost_filenames="src/a.c",
        client_crash_date="2026-11-25T10:29:00+00:00",
        startedDateTime="2026-11-25T10:31:00+00:00",
        completeddatetime="2026-11-25T10:31:01+00:00",
        install_age=100,
        uptime=20,
        last_crash=3000,
        truncated=False,
        addons_checked=True,
        flash_version="[blank]",
        hangid="h1",
        process_type="content",
        release_channel="beta",
        productid="{guid}",
        exploitability="high",
    )
    save_processed(sql, crash_id, doc)
    (row,) = reports(sql, crash_id)
    lengths = {
        "product": 30,
        "version": 16,
        "build": 30,
        "signature": 255,
        "url": 255,
        "cpu_name": 100,
        "cpu_info": 100,
        "reason": 255,
        "address": 20,
        "os_name": 100,
        "os_version": 100,
        "email": 100,
        "user_id": 50,
        "user_comments": 1024,
        "app_notes": 1024,
        "distributor": 20,
        "distributor_version": 20,
    }
    assert {column: len(row[column]) for column in lengths} == lengths
    assert len(row["processor_notes"]) == 2000
    assert row["started_datetime"] == dt.datetime(2026, 11, 25, 10, 31, tzinfo=UTC)
    assert row["completed_datetime"] == dt.datetime(2026, 11, 25, 10, 31, 1, tzinfo=UTC)
    assert row["client_crash_date"] == dt.datetime(2026, 11, 25, 10, 29, tzinfo=UTC)
    assert (row["install_age"], row["uptime"], row["last_crash"]) == (100, 20, 3000)
    assert (row["success"], row["truncated"], row["addons_checked"]) == (True, False, True)
    assert (row["hangid"], row["process_type"], row["release_channel"], row["update_channel"]) == (
        "h1",
        "content",
        "beta",
        "beta",
    )
    assert (row["productid"], row["exploitability"], row["flash_version"], row["topmost_filenames"]) == (
        "{guid}",
        "high",
        "[blank]",
        "src/a.c",
    )


def test_missing_symbols_are_kept_once_per_module_and_day(sql: psycopg.Connection) -> None:
    module = {"debug_file": "xul.pdb", "debug_id": "D1", "code_file": "xul.dll", "code_id": "c1"}
    nameless = {"debug_file": "", "debug_id": "D9"}
    for _ in range(3):
        crash_id = save_raw(sql)
        save_processed(sql, crash_id, processed(crash_id), missing=[module, module, nameless])
    next_day = save_raw(sql, SUBMITTED + dt.timedelta(days=1))
    save_processed(sql, next_day, processed(next_day, SUBMITTED + dt.timedelta(days=1)), missing=[module])
    rows = sql.execute("SELECT date_processed, debug_id FROM missing_symbols ORDER BY 1").fetchall()
    assert [(r["date_processed"], r["debug_id"]) for r in rows] == [
        (SUBMITTED.date(), "D1"),
        (SUBMITTED.date() + dt.timedelta(days=1), "D1"),
    ]


def test_a_week_without_partitions_is_created(sql: psycopg.Connection) -> None:
    far = dt.datetime(2031, 3, 5, 12, 0, tzinfo=UTC)
    crash_id = create_crash_id(far)
    missing = (
        "SELECT count(*) FROM weekly_partitions WHERE table_name = 'reports' AND week_begins = '2031-03-03'"
    )
    assert scalar(sql, missing) == 0
    save_processed(sql, crash_id, processed(crash_id, far))
    assert scalar(sql, missing) == 1
    assert reports(sql, crash_id)[0]["date_processed"] == far


def test_a_processed_crash_without_date_is_refused(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    sql.execute("SAVEPOINT before")
    with pytest.raises(errors.InvalidInput, match="no date_processed"), wrap_exceptions():
        save_processed(sql, crash_id, {"uuid": crash_id})
    sql.execute("ROLLBACK TO SAVEPOINT before")
    assert reports(sql, crash_id) == []


# --- optional stores ---------------------------------------------------------------------------


def test_deliveries_are_claimed_when_due_and_backed_off_when_they_fail(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql, ProductName="KillerApp")
    save_processed(sql, crash_id, processed(crash_id), deliveries=["elasticsearch", "s3"])
    claim_sql = "SELECT * FROM processed_crash_deliveries_claim(%s::text[], 10, %s, NULL, %s)"
    assert sql.execute(claim_sql, (["elasticsearch"], LEASE, True)).fetchall() == []  # not due yet
    (row,) = sql.execute(claim_sql, (["elasticsearch"], LEASE, False)).fetchall()
    assert row["processed_crash"]["signature"] == "crash_here"
    assert row["raw_crash"]["ProductName"] == "KillerApp"
    assert row["attempts"] == 1
    done = "SELECT processed_crash_delivery_done(%s, %s::uuid[], %s::uuid[], %s::text[])"
    assert scalar(sql, done, ("elasticsearch", [], [crash_id], ["503 unavailable"])) == 0
    failed = sql.execute(
        "SELECT * FROM processed_crash_deliveries WHERE destination = 'elasticsearch'"
    ).fetchone()
    assert failed["last_error"] == "503 unavailable"
    assert failed["next_attempt_at"] > failed["last_attempt_at"] + dt.timedelta(seconds=100)
    assert scalar(sql, done, ("s3", [crash_id], [], [])) == 1
    assert scalar(sql, "SELECT array_agg(destination) FROM processed_crash_deliveries") == ["elasticsearch"]


def test_deliveries_of_processed_crashes_no_longer_stored_are_dropped(sql: psycopg.Connection) -> None:
    crash_id = save_raw(sql)
    save_processed(sql, crash_id, processed(crash_id), deliveries=["filesystem"])
    sql.execute("DELETE FROM processed_crashes WHERE uuid = %s", (crash_id,))
    rows = sql.execute(
        "SELECT * FROM processed_crash_deliveries_claim(ARRAY['filesystem'], 10, '5 minutes', NULL, false)"
    ).fetchall()
    assert rows == []
    assert scalar(sql, "SELECT count(*) FROM processed_crash_deliveries") == 0


# --- requests ---------------------------------------------------------------------------------


def test_priority_requests(sql: psycopg.Connection) -> None:
    waiting = save_raw(sql)
    done = save_raw(sql)
    save_processed(sql, done, processed(done))
    sql.execute("DELETE FROM processing_queue WHERE crash_id = %s", (done,))
    request = "SELECT request_priority_processing(%s)"
    assert scalar(sql, request, (waiting,)) == "raised"  # save_raw queued it at priority 2
    assert queue_row(sql, waiting)["priority"] == 0
    assert scalar(sql, request, (waiting,)) == "already"
    sql.execute("DELETE FROM processing_queue WHERE crash_id = %s", (waiting,))
    assert scalar(sql, request, (waiting,)) == "queued"  # stored, not queued (throttler deferred it)
    assert queue_row(sql, waiting)["priority"] == 0
    assert scalar(sql, request, (done,)) == "processed"
    assert queue_row(sql, done) is None
    assert scalar(sql, request, (create_crash_id(SUBMITTED),)) == "unknown"


def test_reprocessing_requests(sql: psycopg.Connection) -> None:
    a, b, c = save_raw(sql), save_raw(sql), save_raw(sql)
    for crash_id, signature in ((a, "OOM | small"), (b, "OOM | small"), (c, "other")):
        save_processed(sql, crash_id, processed(crash_id, signature=signature))
    sql.execute("DELETE FROM processing_queue")
    unknown = create_crash_id(SUBMITTED)
    rows = sql.execute("SELECT * FROM queue_reprocessing(%s::uuid[])", ([c, unknown, c],)).fetchall()
    assert [(str(r["crash_id"]), r["status"]) for r in rows] == [(c, "queued"), (unknown, "unknown")]
    by_signature = "SELECT queue_reprocessing_by_signature(%s, %s, %s)"
    assert scalar(sql, by_signature, ("OOM | small", SUBMITTED - dt.timedelta(days=1), None)) == 2
    assert scalar(sql, by_signature, ("OOM | small", SUBMITTED + dt.timedelta(hours=1), None)) == 0
    queued = sql.execute("SELECT crash_id, priority FROM processing_queue ORDER BY crash_id").fetchall()
    assert sorted((str(r["crash_id"]), r["priority"]) for r in queued) == sorted([(a, 1), (b, 1), (c, 1)])


def test_a_queue_insert_notifies_the_processors(fresh_db: str) -> None:
    with psycopg.connect(fresh_db, autocommit=True) as listener:
        listener.execute("LISTEN crashstats_processing_queue")
        with psycopg.connect(fresh_db, row_factory=dict_row, autocommit=True) as writer:
            crash_id = save_raw(writer)
        received = []
        thread = threading.Thread(
            target=lambda: received.extend(n.payload for n in listener.notifies(timeout=10, stop_after=1))
        )
        thread.start()
        thread.join()
    assert received == [crash_id]


# --- server status and helpers ---------------------------------------------------------------------


def test_server_status_snapshot(sql: psycopg.Connection, clock: SuiteClock) -> None:
    now = clock.now()
    sql.execute("SELECT processor_register('h:1:0', 'h', 1)")
    sql.execute("SELECT processor_register('h:2:0', 'h', 2)")
    sql.execute("SELECT processor_register('gone:3:0', 'gone', 3)")
    sql.execute("SELECT processor_stopped('gone:3:0')")
    sql.execute("SELECT processor_record_batch('h:1:0', 4, 2.0, 40.0)")
    sql.execute("SELECT processor_record_batch('h:2:0', 1, 3.0, 10.0)")
    oldest = save_raw(sql)
    save_raw(sql)
    sql.execute(
        "UPDATE processing_queue SET queued_at = '2026-11-25 09:00+00' WHERE crash_id = %s", (oldest,)
    )
    status_id = scalar(sql, "SELECT update_server_status(%s)", (now,))
    row = sql.execute("SELECT * FROM server_status WHERE id = %s", (status_id,)).fetchone()
    assert row["waiting_job_count"] == 2
    assert row["date_oldest_job_queued"] == dt.datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert row["avg_process_sec"] == pytest.approx(1.0)  # (2 + 3) / 5
    assert row["avg_wait_sec"] == pytest.approx(10.0)  # (40 + 10) / 5
    assert row["processors_count"] == 2
    assert row["date_recently_completed"] is not None
    again = scalar(sql, "SELECT update_server_status(%s)", (now,))
    assert sql.execute("SELECT avg_process_sec FROM server_status WHERE id = %s", (again,)).fetchone() == {
        "avg_process_sec": 0.0
    }


def test_crash_id_date(sql: psycopg.Connection) -> None:
    crash_id = create_crash_id(dt.datetime(2024, 2, 29, tzinfo=UTC))
    assert scalar(sql, "SELECT crash_id_date(%s)", (crash_id,)) == dt.date(2024, 2, 29)
    assert scalar(sql, "SELECT crash_id_date('de1bb258-cbbf-4589-a673-34f802230230')") is None
    assert scalar(sql, "SELECT crash_id_date('de1bb258-cbbf-4589-a673-34f80abcdef0')") is None


def test_beta_version_lookup(sql: psycopg.Connection) -> None:
    sql.execute(
        "INSERT INTO products (product_name, sort, rapid_release_version, release_name) "
        "VALUES ('KillerApp', 1, '1.0', 'killerapp')"
    )
    pv = scalar(
        sql,
        "INSERT INTO product_versions (product_name, major_version, release_version, version_string, "
        "beta_number, build_date, sunset_date, build_type) "
        "VALUES ('KillerApp', '38.0', '38.0', '38.0b3', 3, '2026-11-01', '2027-01-01', 'beta') "
        "RETURNING product_version_id",
    )
    sql.execute(
        "INSERT INTO product_version_builds (product_version_id, build_id, platform) "
        "VALUES (%s, 20261101123456, 'linux')",
        (pv,),
    )
    lookup = "SELECT processor_beta_version(%s, %s, %s)"
    assert scalar(sql, lookup, ("KillerApp", "38.0", "20261101123456")) == "38.0b3"
    assert scalar(sql, lookup, ("KillerApp", "38.0", "20261101000000")) is None
    assert scalar(sql, lookup, ("KillerApp", "38.0", "not a build")) is None
