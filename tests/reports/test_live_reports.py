"""Live reports: crashes counted in reports_clean as they are processed (update_reports_live,
fed by write_processed_crash through reports_live_queue) give the same rows as
update_reports_clean's from-scratch recomputation of the period."""

from __future__ import annotations

import datetime as dt
import random

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyapp.demo import load
from tests.clock import SuiteClock
from tests.support import scalar

pytestmark = pytest.mark.dates  # the crashes are on the two days before the run's today

TABLES = {
    "reports_clean": "SELECT * FROM reports_clean",
    "reports_bad": "SELECT uuid, date_processed, reason FROM reports_bad",
    "reports_user_info": "SELECT * FROM reports_user_info",
    "raw_crash_fields": "SELECT * FROM raw_crash_fields",
}


def snapshot(conn: psycopg.Connection) -> dict[str, dict[str, tuple]]:
    """Every row of the tables the normalisation writes, by crash."""
    got = {}
    for table, query in TABLES.items():
        rows = conn.execute(query).fetchall()
        by_uuid = {r["uuid"]: tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows}
        assert len(by_uuid) == len(rows), f"{table} has a crash twice"
        got[table] = by_uuid
    return got


def tcbs_rows(conn: psycopg.Connection) -> dict[tuple, tuple]:
    """tcbs by (signature, day, version, process type, channel): the counts."""
    rows = conn.execute(
        "SELECT s.signature, t.report_date, t.product_version_id, t.process_type::text,"
        " t.release_channel::text, t.report_count, t.win_count, t.mac_count, t.lin_count, t.hang_count,"
        " t.startup_count, t.is_gc_count, t.build_type::text"
        " FROM tcbs t JOIN signatures s USING (signature_id)"
    ).fetchall()
    return {tuple(r.values())[:5]: tuple(r.values())[5:] for r in rows}


def reprocess(conn: psycopg.Connection, uuid: str, signature: str) -> None:
    """Store the crash again as the processor does, with another signature."""
    row = conn.execute(
        "SELECT p.processed_crash AS doc, r.completed_datetime AS done FROM processed_crashes p"
        " JOIN reports r ON r.uuid = p.uuid::text AND r.date_processed = p.date_processed WHERE p.uuid = %s",
        (uuid,),
    ).fetchone()
    doc = dict(row["doc"], signature=signature, completed_datetime=row["done"].isoformat())
    conn.execute("SELECT save_processed_crash(%s, %s)", (uuid, Jsonb(doc)))


def tick(conn: psycopg.Connection, limit: int) -> int:
    taken = scalar(conn, "SELECT update_reports_live(%s)", (limit,))
    conn.commit()
    return taken


def test_crashes_counted_as_they_arrive_equal_the_batch(fresh_db: str, clock: SuiteClock) -> None:
    days = [clock.days_ago(2), clock.days_ago(1)]
    load.generate(fresh_db, days=2, per_day=300, seed=5, last_day=days[-1])
    rng = random.Random(23)
    with psycopg.connect(fresh_db, row_factory=dict_row) as conn:
        # the loader copies crashes in bulk; here they arrive in random order, a batch at a time
        uuids = [r["uuid"] for r in conn.execute("SELECT uuid FROM reports ORDER BY uuid")]
        rng.shuffle(uuids)
        assert scalar(conn, "SELECT count(*) FROM reports_live_queue") == 0
        moved = rng.sample(uuids, 12)
        counted = 0
        for n in range(0, len(uuids), 150):
            conn.execute(
                "INSERT INTO reports_live_queue (uuid, date_processed)"
                " SELECT uuid, date_processed FROM reports WHERE uuid = ANY(%s) ON CONFLICT DO NOTHING",
                (uuids[n : n + 150],),
            )
            conn.commit()
            counted += tick(conn, rng.randint(40, 120))
            if n == 300:
                # processed again with another signature: write_processed_crash queues them
                for uuid in moved:
                    reprocess(conn, uuid, f"moved::{uuid[:8]}")
                conn.commit()
                queued = scalar(conn, "SELECT count(*) FROM reports_live_queue WHERE uuid = ANY(%s)", [moved])
                assert queued == 12
        while taken := tick(conn, 97):
            counted += taken
        assert len(uuids) < counted <= len(uuids) + 12  # the reprocessed ones counted again
        assert scalar(conn, "SELECT count(*) FROM reports_live_queue") == 0
        live = snapshot(conn)
        # every crash counted once, the reprocessed ones under their new signature
        assert len(live["reports_clean"]) + len(live["reports_bad"]) == len(uuids)
        signatures = {
            r["uuid"]: r["signature"]
            for r in conn.execute(
                "SELECT rc.uuid, s.signature FROM reports_clean rc JOIN signatures s USING (signature_id)"
                " WHERE rc.uuid = ANY(%s)",
                (moved,),
            )
        }
        assert signatures and all(sig == f"moved::{uuid[:8]}" for uuid, sig in signatures.items())
        assert scalar(conn, "SELECT sum(crashes) FROM reports_live_runs") == counted

        live_tcbs = tcbs_rows(conn)

        # the from-scratch recomputation of the two days writes the same rows
        start = dt.datetime.combine(days[0], dt.time(), tzinfo=dt.UTC)
        conn.execute("SELECT backfill_reports_clean(%s, %s)", (start, start + dt.timedelta(days=2)))
        for day in days:
            conn.execute("SELECT update_tcbs(%s, false)", (day,))
        conn.commit()
        batch = snapshot(conn)
        batch_tcbs = tcbs_rows(conn)
    for table in TABLES:
        assert live[table] == batch[table], table
    # (whether the demo's crashes of those days include rejects depends on the days: the rejects
    # are compared above when there are any, and test_a_release_added_later makes one)
    assert len(batch["reports_clean"]) > 400 and batch["raw_crash_fields"]
    assert live_tcbs == batch_tcbs
    assert len(batch_tcbs) > 100 and {k[1] for k in batch_tcbs} == set(days)
    assert any(key[0].startswith("moved::") for key in batch_tcbs)  # reprocessed: counted anew


def test_the_batch_takes_the_queued_crashes_it_has_read(fresh_db: str, clock: SuiteClock) -> None:
    day = clock.days_ago(1)
    load.generate(fresh_db, days=1, per_day=50, seed=8, last_day=day)
    with psycopg.connect(fresh_db, row_factory=dict_row) as conn:
        uuids = [r["uuid"] for r in conn.execute("SELECT uuid FROM reports ORDER BY uuid LIMIT 3")]
        for uuid in uuids:
            reprocess(conn, uuid, "queued")
        conn.commit()
        assert scalar(conn, "SELECT count(*) FROM reports_live_queue") == 3
        start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
        conn.execute("SELECT backfill_reports_clean(%s, %s)", (start, start + dt.timedelta(days=1)))
        conn.commit()
        # counted by the batch: nothing left for the live reports
        assert scalar(conn, "SELECT count(*) FROM reports_live_queue") == 0
        assert tick(conn, 10) == 0
        assert scalar(conn, "SELECT count(*) FROM reports_live_runs") == 0


def test_a_live_call_waits_while_the_batch_runs(fresh_db: str, clock: SuiteClock) -> None:
    day = clock.days_ago(1)
    load.generate(fresh_db, days=1, per_day=20, seed=9, last_day=day)
    with psycopg.connect(fresh_db) as batch, psycopg.connect(fresh_db, row_factory=dict_row) as live:
        live.execute(
            "INSERT INTO reports_live_queue (uuid, date_processed) SELECT uuid, date_processed FROM reports"
        )
        live.commit()
        batch.execute("SELECT matview_lock('update_reports_clean')")
        assert scalar(live, "SELECT update_reports_live()") is None
        live.rollback()
        batch.rollback()
        assert tick(live, 1000) == 20
    with psycopg.connect(fresh_db) as conn, pytest.raises(psycopg.errors.InvalidParameterValue):
        conn.execute("SELECT update_reports_live(0)")


def test_a_release_added_later_takes_its_rejected_crashes(fresh_db: str, clock: SuiteClock) -> None:
    day = clock.days_ago(1)
    load.generate(fresh_db, days=1, per_day=40, seed=12, last_day=day)
    with psycopg.connect(fresh_db, row_factory=dict_row) as conn:
        uuid = scalar(conn, "SELECT uuid FROM reports WHERE product = 'KillerApp' ORDER BY uuid LIMIT 1")
        row = conn.execute(
            "SELECT p.processed_crash AS doc, r.completed_datetime AS done FROM processed_crashes p"
            " JOIN reports r ON r.uuid = p.uuid::text WHERE p.uuid = %s",
            (uuid,),
        ).fetchone()
        doc = dict(row["doc"], version="99.0", release_channel="release")
        doc["completed_datetime"] = row["done"].isoformat()
        conn.execute("SELECT save_processed_crash(%s, %s)", (uuid, Jsonb(doc)))
        conn.commit()
        assert tick(conn, 100) == 1
        reason = scalar(conn, "SELECT reason FROM reports_bad WHERE uuid = %s", (uuid,))
        assert reason.startswith("no product version KillerApp 99.0")

        build = int(f"{clock.days_ago(3):%Y%m%d}030000")
        conn.execute(  # as the admin release form does
            "SELECT add_new_release('KillerApp', '99.0', 'release', %s, 'Windows', update_products => true)",
            (build,),
        )
        conn.commit()
        assert [r["uuid"] for r in conn.execute("SELECT uuid FROM reports_live_queue")] == [uuid]
        assert tick(conn, 100) == 1
        version = scalar(
            conn,
            "SELECT pv.version_string::text FROM reports_clean rc JOIN product_versions pv"
            " USING (product_version_id) WHERE rc.uuid = %s",
            (uuid,),
        )
        assert version == "99.0"
        assert scalar(conn, "SELECT count(*) FROM reports_bad WHERE uuid = %s", (uuid,)) == 0
        counted = scalar(
            conn,
            "SELECT sum(t.report_count) FROM tcbs t JOIN product_versions pv USING (product_version_id)"
            " WHERE pv.version_string = '99.0'",
        )
        assert counted == 1
        # nothing new added: nothing queued again
        conn.execute("SELECT update_product_versions()")
        assert scalar(conn, "SELECT count(*) FROM reports_live_queue") == 0


def adi_rows(conn: psycopg.Connection) -> dict[str, dict[tuple, tuple]]:
    """home_page_graph and crashes_by_user by key."""
    hpg = conn.execute(
        "SELECT product_version_id, report_date, report_count, adu, crash_hadu FROM home_page_graph"
    )
    cbu = conn.execute(
        "SELECT product_version_id, report_date, os_short_name::text, crash_type_id, report_count, adu"
        " FROM crashes_by_user"
    )
    return {
        "home_page_graph": {tuple(r.values())[:2]: tuple(r.values())[2:] for r in hpg},
        "crashes_by_user": {tuple(r.values())[:4]: tuple(r.values())[4:] for r in cbu},
    }


def test_reprocessed_crashes_move_in_closed_days_as_the_batch_would(
    fresh_db: str, clock: SuiteClock
) -> None:
    days = [clock.days_ago(3), clock.days_ago(2)]
    load.generate(fresh_db, days=2, per_day=250, seed=17, last_day=days[-1])
    rng = random.Random(5)
    with psycopg.connect(fresh_db, row_factory=dict_row) as conn:
        conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
        conn.commit()
        versions = [
            (r["product_name"], r["version_string"], r["build_type"])
            for r in conn.execute(
                "SELECT product_name::text, version_string::text, build_type::text FROM product_versions"
                " WHERE build_type IN ('release', 'beta') AND NOT is_rapid_beta ORDER BY 1, 2"
            )
        ]
        crashes = conn.execute(
            "SELECT p.uuid::text AS uuid, p.processed_crash AS doc, r.completed_datetime AS done"
            " FROM processed_crashes p JOIN reports r ON r.uuid = p.uuid::text ORDER BY p.uuid"
        ).fetchall()
        # 40 crashes processed again: another version (or channel), another OS, another signature
        for c in rng.sample(crashes, 40):
            product, version, channel = rng.choice(versions)
            doc = dict(c["doc"], product=product, version=version, release_channel=channel)
            doc.update(
                os_name=rng.choice(["Windows NT", "Linux", "Mac OS X"]),
                signature=rng.choice(["moved::a", "moved::b", c["doc"].get("signature", "")]),
                completed_datetime=c["done"].isoformat(),
            )
            conn.execute("SELECT save_processed_crash(%s, %s)", (c["uuid"], Jsonb(doc)))
        conn.commit()
        assert tick(conn, 1000) == 40
        live = adi_rows(conn)
        live_tcbs = tcbs_rows(conn)
        for day in days:
            for proc in ("update_tcbs", "update_home_page_graph", "update_crashes_by_user"):
                conn.execute(f"SELECT {proc}(%s, false)", (day,))
        conn.commit()
        batch = adi_rows(conn)
        assert live_tcbs == tcbs_rows(conn)
    assert live == batch
    assert len(batch["home_page_graph"]) > 5 and len(batch["crashes_by_user"]) > 20


def test_todays_crashes_are_counted_before_the_days_adi(fresh_db: str, clock: SuiteClock) -> None:
    day = clock.days_ago(1)
    load.generate(fresh_db, days=1, per_day=120, seed=19, last_day=day)
    with psycopg.connect(fresh_db, row_factory=dict_row) as conn:
        conn.execute(
            "INSERT INTO reports_live_queue (uuid, date_processed) SELECT uuid, date_processed FROM reports"
        )
        conn.commit()
        assert tick(conn, 1000) == 120
        # no update_adu yet: the counts are there, the ADI is 0 and so is the rate
        rows = conn.execute("SELECT * FROM home_page_graph WHERE report_date = %s", (day,)).fetchall()
        assert rows and all(r["adu"] == 0 and r["crash_hadu"] == 0 for r in rows)
        counted = scalar(
            conn,
            "SELECT count(*) FROM reports_clean rc JOIN product_versions pv USING (product_version_id)"
            " JOIN crash_types ct ON ct.process_type = rc.process_type"
            " AND ct.has_hang_id = (rc.hang_id IS NOT NULL)"
            " WHERE ct.include_agg AND tstz_between(rc.date_processed, pv.build_date, pv.sunset_date)"
            " AND pv.rapid_beta_id IS NULL AND NOT pv.is_rapid_beta",
        )
        own = scalar(
            conn,
            "SELECT sum(h.report_count) FROM home_page_graph h"
            " JOIN product_versions pv USING (product_version_id)"
            " WHERE h.report_date = %s AND pv.rapid_beta_id IS NULL AND NOT pv.is_rapid_beta",
            (day,),
        )
        assert own == counted > 0
        # once the day closes, the batch gives the ADI and the same counts
        conn.execute("SELECT update_adu(%s, false)", (day,))
        conn.execute("SELECT update_home_page_graph(%s, false)", (day,))
        closed = {
            r["product_version_id"]: r["report_count"]
            for r in conn.execute(
                "SELECT product_version_id, report_count FROM home_page_graph WHERE report_date = %s", (day,)
            )
        }
        assert all(closed[r["product_version_id"]] == r["report_count"] for r in rows)
