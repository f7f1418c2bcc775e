"""save_raw_crash, the processing queue and its NOTIFY, protected annotations."""

from __future__ import annotations

import datetime as dt
import json
import threading

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyapp import errors
from pyapp.crashid import create_crash_id
from pyapp.db import wrap_exceptions
from tests.support import scalar

SUBMITTED = dt.datetime(2026, 11, 25, 10, 30, tzinfo=dt.UTC)


def save(sql, crash_id, raw, submitted=SUBMITTED, queue=True, priority=2):
    return scalar(
        sql,
        "SELECT save_raw_crash(%s, %s, %s, %s, %s::smallint)",
        (crash_id, Jsonb(raw), submitted, queue, priority),
    )


def test_first_save_creates_the_week_and_queues(sql: psycopg.Connection) -> None:
    crash_id = create_crash_id(SUBMITTED)
    assert scalar(sql, "SELECT count(*) FROM weekly_partitions WHERE table_name = 'raw_crashes'") == 0
    assert save(sql, crash_id, {"ProductName": "KillerApp", "uuid": crash_id}) is True
    row = sql.execute("SELECT * FROM raw_crashes WHERE uuid = %s", (crash_id,)).fetchone()
    assert row["raw_crash"]["ProductName"] == "KillerApp"
    assert row["date_processed"] == SUBMITTED
    partition = scalar(sql, "SELECT tableoid::regclass::text FROM raw_crashes WHERE uuid = %s", (crash_id,))
    assert partition == scalar(sql, "SELECT find_weekly_partition('2026-11-25', 'raw_crashes')")
    queued = sql.execute("SELECT * FROM processing_queue WHERE crash_id = %s", (crash_id,)).fetchone()
    assert queued["priority"] == 2
    assert queued["claimed_by"] is None and queued["claimed_at"] is None and queued["attempts"] == 0


def test_deferred_crash_is_stored_but_not_queued(sql: psycopg.Connection) -> None:
    crash_id = create_crash_id(SUBMITTED, 1)
    assert save(sql, crash_id, {"ProductName": "KillerApp"}, queue=False) is True
    assert scalar(sql, "SELECT count(*) FROM raw_crashes WHERE uuid = %s", (crash_id,)) == 1
    assert scalar(sql, "SELECT count(*) FROM processing_queue WHERE crash_id = %s", (crash_id,)) == 0


def test_saving_again_replaces_the_row_and_keeps_one_queue_row(sql: psycopg.Connection) -> None:
    crash_id = create_crash_id(SUBMITTED)
    save(sql, crash_id, {"Version": "1"})
    later = SUBMITTED + dt.timedelta(days=14)  # another week: the row moves partitions
    assert save(sql, crash_id, {"Version": "2"}, submitted=later, priority=1) is False
    rows = sql.execute(
        "SELECT raw_crash, date_processed FROM raw_crashes WHERE uuid = %s", (crash_id,)
    ).fetchall()
    assert [(r["raw_crash"]["Version"], r["date_processed"]) for r in rows] == [("2", later)]
    assert scalar(sql, "SELECT priority FROM processing_queue WHERE crash_id = %s", (crash_id,)) == 1
    save(sql, crash_id, {"Version": "3"}, submitted=later, priority=2)  # never lowers the priority
    assert scalar(sql, "SELECT priority FROM processing_queue WHERE crash_id = %s", (crash_id,)) == 1


@pytest.mark.parametrize(
    ("args", "sqlstate"),
    [
        ((None, {}, SUBMITTED, True, 2), "22004"),
        (("{id}", [], SUBMITTED, True, 2), "22023"),
        (("{id}", {}, None, True, 2), "22004"),
        (("{id}", {}, SUBMITTED, True, 5), "22023"),
    ],
)
def test_bad_arguments_are_refused(sql: psycopg.Connection, args, sqlstate) -> None:
    crash_id = create_crash_id(SUBMITTED)
    args = tuple(crash_id if a == "{id}" else a for a in args)
    with pytest.raises(psycopg.Error) as info:
        save(sql, *args)
    assert info.value.sqlstate == sqlstate


def test_a_failure_after_the_raw_crash_leaves_nothing(fresh_db: str) -> None:
    """The raw crash and its queue row commit together or not at all."""
    crash_id = create_crash_id(SUBMITTED)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION test_refuse() RETURNS trigger LANGUAGE plpgsql AS "
            "$$BEGIN RAISE EXCEPTION 'queue refused' USING ERRCODE = 'disk_full'; END$$"
        )
        conn.execute(
            "CREATE TRIGGER test_refuse BEFORE INSERT ON processing_queue "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse()"
        )
        with pytest.raises(errors.DatabaseUnavailable), wrap_exceptions():
            save(conn, crash_id, {"ProductName": "KillerApp"})
        assert scalar(conn, "SELECT count(*) FROM raw_crashes") == 0
        # the partition made on the way is rolled back with the rest
        assert scalar(conn, "SELECT count(*) FROM weekly_partitions WHERE table_name = 'raw_crashes'") == 0


def test_inserting_into_the_queue_notifies(fresh_db: str) -> None:
    crash_id = create_crash_id(SUBMITTED)
    with psycopg.connect(fresh_db, autocommit=True) as listener, psycopg.connect(fresh_db) as writer:
        listener.execute("LISTEN crashstats_processing_queue")
        save(writer, crash_id, {"ProductName": "KillerApp"})
        assert list(listener.notifies(timeout=0.2, stop_after=1)) == []  # nothing before commit
        writer.commit()
        note = next(listener.notifies(timeout=10, stop_after=1))
        assert (note.channel, note.payload) == ("crashstats_processing_queue", crash_id)
        writer.execute(
            "INSERT INTO processing_queue (crash_id, priority) VALUES (%s, 0)", (create_crash_id(),)
        )
        writer.commit()
        assert len(list(listener.notifies(timeout=10, stop_after=1))) == 1


def test_concurrent_first_saves_of_a_new_week(fresh_db: str) -> None:
    """Eight sessions meet a week without partitions at once: every crash is stored once."""
    ids = [create_crash_id(SUBMITTED) for _ in range(8)]
    barrier = threading.Barrier(len(ids))
    failures: list[BaseException] = []

    def worker(crash_id: str) -> None:
        try:
            with psycopg.connect(fresh_db) as conn:
                barrier.wait()
                save(conn, crash_id, {"n": crash_id})
                conn.commit()
        except BaseException as exc:  # reported below
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with psycopg.connect(fresh_db, row_factory=dict_row) as conn:
        stored = {str(r["uuid"]) for r in conn.execute("SELECT uuid FROM raw_crashes")}
        queued = {str(r["crash_id"]) for r in conn.execute("SELECT crash_id FROM processing_queue")}
    assert stored == queued == set(ids)


def test_protected_annotations_are_redacted(sql: psycopg.Connection) -> None:
    crash_id = create_crash_id(SUBMITTED)
    raw = {
        "ProductName": "KillerApp",
        "Email": "someone@example.com",
        "email": "lower@example.com",
        "URL": "https://example.com/private",
        "Comments": "it crashed while I was typing my password",
        "guid": "aa97b819-308d-f24b-a36f-326e0bfe6d4a",
        "Notes": "not personal",
    }
    save(sql, crash_id, raw)
    public = scalar(sql, "SELECT raw_crash FROM raw_crashes_public WHERE uuid = %s", (crash_id,))
    assert public == {"ProductName": "KillerApp", "Notes": "not personal"}
    stored = scalar(sql, "SELECT raw_crash FROM raw_crashes WHERE uuid = %s", (crash_id,))
    assert stored == raw  # stored whole, marked by the registry
    sql.execute("INSERT INTO protected_annotations (annotation) VALUES ('notes')")
    assert scalar(sql, "SELECT redact_raw_crash(%s)", (Jsonb(raw),)) == {"ProductName": "KillerApp"}
    assert scalar(sql, "SELECT redact_raw_crash('[1, 2]')") == [1, 2]
    assert json.dumps(scalar(sql, "SELECT redact_raw_crash(NULL)")) == "null"
