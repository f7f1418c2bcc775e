"""Reruns give identical results, overlapping runs cannot double-count, unready inputs are refused."""

from __future__ import annotations

import datetime as dt
import threading

import psycopg
import pytest
from psycopg.rows import dict_row

from pyapp import migrate
from pyapp.demo import load
from tests.reports.conftest import PER_DAY, SEED, report_days

AGGREGATES = (
    "reports_clean",
    "reports_bad",
    "reports_user_info",
    "reports_duplicates",
    "signature_products",
    "signature_products_rollup",
    "product_adu",
    "build_adu",
    "tcbs",
    "tcbs_build",
    "crashes_by_user",
    "crashes_by_user_build",
    "home_page_graph",
    "home_page_graph_build",
    "crash_adu_by_build_signature",
    "exploitability_reports",
    "exploitability_windows",
    "tcbs_ranks",
    "tcbs_rank_days",
    "gccrashes",
    "explosiveness",
    "rank_compare",
    "signature_summary_products",
    "signature_summary_installations",
    "signature_summary_uptime",
    "signature_summary_os",
    "signature_summary_process_type",
    "signature_summary_architecture",
    "signature_summary_flash_version",
    "signature_summary_device",
    "signature_summary_graphics",
    "android_devices",
    "graphics_device",
)
# columns that legitimately change on a rerun (serial ids of rebuilt rows)
VOLATILE = {
    "crash_adu_by_build_signature": "crash_adu_by_build_signature_id",
    "tcbs_rank_days": "computed_at",
}


def contents(url: str) -> dict[str, list]:
    """Every aggregate's rows, as sorted lists of tuples (volatile columns left out)."""
    result = {}
    with psycopg.connect(url, row_factory=dict_row) as conn:
        for table in AGGREGATES:
            rows = conn.execute(f"SELECT * FROM {table}").fetchall()
            result[table] = sorted(
                repr(sorted((k, v) for k, v in r.items() if k != VOLATILE.get(table))) for r in rows
            )
    return result


@pytest.fixture
def small_db(fresh_db: str) -> tuple[str, list[dt.date]]:
    days = report_days()[1:]
    load.generate(fresh_db, days=len(days), per_day=PER_DAY // 3, seed=SEED, last_day=days[-1])
    return fresh_db, days


def test_reruns_give_identical_results(small_db) -> None:
    url, days = small_db
    with psycopg.connect(url) as conn:
        conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
    first = contents(url)
    assert sum(len(v) for v in first.values()) > 1000
    assert all(first[t] for t in ("tcbs", "home_page_graph", "crashes_by_user", "reports_clean"))
    with psycopg.connect(url) as conn:
        # the daily jobs again (checkdata): nothing to do, nothing changes
        for proc in ("update_tcbs", "update_home_page_graph", "update_crashes_by_user", "update_signatures"):
            assert conn.execute(f"SELECT {proc}(%s)", (days[-1],)).fetchone()[0] is False
        assert conn.execute("SELECT update_adu(%s)", (days[-1],)).fetchone()[0] is False
    assert contents(url) == first
    with psycopg.connect(url) as conn:
        # forced recomputation: backfills, the hourly jobs again, the whole backfill again
        conn.execute(
            "SELECT backfill_tcbs(%s), backfill_home_page_graph(%s), backfill_adu(%s)", (days[-1],) * 3
        )
        conn.execute(
            "SELECT update_reports_clean(%s, '1 hour')",
            (dt.datetime.combine(days[-1], dt.time(13), tzinfo=dt.UTC),),
        )
        conn.execute(
            "SELECT update_reports_duplicates(%s, %s)",
            (
                dt.datetime.combine(days[-1], dt.time(0), tzinfo=dt.UTC),
                dt.datetime.combine(days[-1], dt.time(6), tzinfo=dt.UTC),
            ),
        )
    assert contents(url) == first
    with psycopg.connect(url) as conn:
        conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
    assert contents(url) == first


def exploitability_page(conn: psycopg.Connection, start: dt.date, end: dt.date) -> dict[int, tuple]:
    rows = conn.execute(
        "SELECT signature_id, null_count, none_count, low_count, medium_count, high_count"
        " FROM exploitability_report WHERE product_name = 'KillerApp' AND version_string IS NULL"
        " AND start_date = %s AND end_date = %s",
        (start, end),
    ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


@pytest.mark.parametrize("how", ["backfill_matviews", "backfill_exploitability"])
def test_rerun_of_an_earlier_day_refreshes_the_later_exploitability_windows(small_db, how: str) -> None:
    """A day rerun after the days that follow it were reported: the pre-aggregated windows that
    end on those later days and contain it change with it."""
    url, days = small_db
    start = days[-1] - dt.timedelta(days=2)  # the page's 3-day window ending on the last day
    assert start <= days[0]
    with psycopg.connect(url) as conn:
        conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
        conn.commit()
        before = exploitability_page(conn, start, days[-1])
        # every crash of the first day becomes 'high': its signatures gain high crashes
        changed = conn.execute(
            "UPDATE reports_clean SET exploitability = 'high'"
            " WHERE date_processed >= %s AND date_processed < %s",
            (
                dt.datetime.combine(days[0], dt.time(0), tzinfo=dt.UTC),
                dt.datetime.combine(days[1], dt.time(0), tzinfo=dt.UTC),
            ),
        ).rowcount
        assert changed > 0
        if how == "backfill_matviews":
            conn.execute("SELECT backfill_matviews(%s, %s, false)", (days[0], days[0]))
        else:
            conn.execute("SELECT backfill_exploitability(%s)", (days[0],))
        conn.commit()
        assert (
            conn.execute(
                "SELECT count(*) FROM exploitability_windows WHERE end_date = %s AND days = %s",
                (days[-1], 3),
            ).fetchone()[0]
            > 0
        )
        after = exploitability_page(conn, start, days[-1])
        high_before = sum(v[4] for v in before.values())
        high_after = sum(v[4] for v in after.values())
        assert high_after > high_before
        # the same window summed from the per-day rows (the view's path for other ranges)
        summed = conn.execute(
            "SELECT signature_id, null_count, none_count, low_count, medium_count, high_count"
            " FROM exploitability_for('KillerApp', NULL, %s, %s)",
            (start, days[-1]),
        ).fetchall()
        assert after == {r[0]: tuple(r[1:]) for r in summed}


def test_a_concurrent_run_is_refused_and_counts_stay_single(small_db) -> None:
    url, days = small_db
    with psycopg.connect(url) as conn:
        conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
    expected = contents(url)["tcbs"]
    holder = psycopg.connect(url)
    try:
        holder.execute("SELECT backfill_tcbs(%s)", (days[-1],))  # uncommitted: holds the lock
        with psycopg.connect(url) as other:
            with pytest.raises(psycopg.errors.LockNotAvailable, match="update_tcbs is already running"):
                other.execute("SELECT backfill_tcbs(%s)", (days[-1],))
            other.rollback()
            # another procedure is not blocked
            assert other.execute("SELECT backfill_home_page_graph(%s)", (days[-1],)).fetchone()[0] is True
        holder.commit()
    finally:
        holder.close()
    assert contents(url)["tcbs"] == expected


def test_two_simultaneous_backfills_leave_the_same_result(small_db) -> None:
    url, days = small_db
    with psycopg.connect(url) as conn:
        conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
    expected = contents(url)
    outcomes: list[str] = []

    def run() -> None:
        try:
            with psycopg.connect(url) as conn:
                conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
            outcomes.append("done")
        except psycopg.errors.LockNotAvailable:
            outcomes.append("refused")

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert sorted(outcomes) in (["done", "done"], ["done", "refused"])
    assert contents(url) == expected


def test_a_day_whose_inputs_are_not_ready_is_refused(fresh_db: str) -> None:
    day = report_days()[-1]
    load.generate(fresh_db, days=1, per_day=200, seed=SEED, last_day=day)
    with psycopg.connect(fresh_db) as conn:
        with pytest.raises(
            psycopg.errors.ObjectNotInPrerequisiteState, match="reports_clean is not complete"
        ) as e:
            conn.execute("SELECT update_tcbs(%s)", (day,))
        assert "update_reports_clean" in e.value.diag.message_hint
        conn.rollback()
        # half a day cleaned is still not ready
        conn.execute(
            "SELECT backfill_reports_clean(%s, %s)",
            (
                dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC),
                dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
            ),
        )
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState):
            conn.execute("SELECT update_signatures(%s)", (day,))
        conn.rollback()
        conn.execute(
            "SELECT backfill_reports_clean(%s, %s)",
            (
                dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC),
                dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC),
            ),
        )
        assert conn.execute("SELECT update_tcbs(%s)", (day,)).fetchone()[0] is True
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="update_adu has not been run"):
            conn.execute("SELECT update_home_page_graph(%s)", (day,))
        conn.rollback()
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="raw_adi has no rows"):
            conn.execute("SELECT update_adu(%s)", (day + dt.timedelta(days=1),))
        conn.rollback()
        with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState, match="has not ended yet"):
            conn.execute("SELECT update_reports_clean(utc_now() - interval '10 minutes')")
        conn.rollback()
        # an hour without any crash still counts as cleaned
        empty = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        conn.execute("SELECT backfill_reports_clean(%s, %s)", (empty, empty + dt.timedelta(days=1)))
        assert conn.execute("SELECT reports_clean_done('2020-01-01')").fetchone()[0] is True


def top_crashers_page(conn: psycopg.Connection, end: dt.date) -> list[tuple]:
    return conn.execute(
        "SELECT signature_id, rank, previous_rank, report_count, win_count, lin_count, percent_of_total,"
        " total_crashes FROM top_crashers WHERE product_name = 'KillerApp' AND version_string = '40.0'"
        " AND end_date = %s AND days = 3 AND crash_type = 'all' AND os_name = 'Linux'"
        " AND date_range_type = 'report' ORDER BY rank LIMIT 500",
        (end,),
    ).fetchall()


def ranked_days(conn: psycopg.Connection) -> set[dt.date]:
    rows = conn.execute("SELECT end_date FROM tcbs_rank_days WHERE date_range_type = 'report'").fetchall()
    return {r[0] for r in rows}


def test_rerun_of_an_earlier_day_sends_the_later_top_crashers_windows_back_to_the_computed_path(
    small_db,
) -> None:
    """The later windows ranked before no longer hold: they are dropped, so the page computes
    them with the new counts, and ranking them again stores the same rows."""
    url, days = small_db
    with psycopg.connect(url) as conn:
        conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
        conn.commit()
        assert ranked_days(conn) == set(days)
        before = top_crashers_page(conn, days[-1])
        # every Windows crash of the first day becomes a Linux crash
        changed = conn.execute(
            "UPDATE reports_clean SET os_name = 'Linux' WHERE os_name = 'Windows'"
            " AND date_processed >= %s AND date_processed < %s",
            (
                dt.datetime.combine(days[0], dt.time(0), tzinfo=dt.UTC),
                dt.datetime.combine(days[1], dt.time(0), tzinfo=dt.UTC),
            ),
        ).rowcount
        assert changed > 0
        conn.execute("SELECT backfill_tcbs(%s)", (days[0],))
        conn.commit()
        assert ranked_days(conn) == {days[0]}
        computed = top_crashers_page(conn, days[-1])
        assert sum(r[5] for r in computed) > sum(r[5] for r in before)
        assert computed[0][7] > before[0][7]
        conn.execute("SELECT update_tcbs_ranks(%s, %s, 'report')", (days[1], days[-1]))
        conn.commit()
        assert ranked_days(conn) == set(days)
        assert top_crashers_page(conn, days[-1]) == computed


def test_revision_1300_ranks_the_last_days_already_reported_and_downgrades(small_db) -> None:
    """Upgrading a database with reports ranks the windows ending on its last 7 days (report and
    build date); downgrading drops the ranks and the page computes every window again."""
    url, days = small_db
    with psycopg.connect(url) as conn:
        conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
        conn.commit()
        before = top_crashers_page(conn, days[-1])
    assert before
    migrate.downgrade(url, "1310")
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('tcbs_ranks')").fetchone()[0] is None
        assert top_crashers_page(conn, days[-1]) == before
    migrate.upgrade(url)
    with psycopg.connect(url) as conn:
        ranked = conn.execute(
            "SELECT date_range_type, array_agg(end_date ORDER BY end_date) FROM tcbs_rank_days GROUP BY 1"
        ).fetchall()
        assert dict(ranked) == {"report": days, "build": days}
        assert top_crashers_page(conn, days[-1]) == before


def test_old_ranked_windows_are_pruned_and_then_computed(small_db) -> None:
    """prune_tcbs_ranks forgets the windows ending more than N days before the newest ranked day;
    those end days are then computed when read, with the same rows. The chain's own call keeps
    eight weeks, so a few days of history keep every window."""
    url, days = small_db
    with psycopg.connect(url) as conn:
        conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
        conn.commit()
        ranked = conn.execute("SELECT count(*) FROM tcbs_rank_days").fetchone()[0]
        assert ranked >= 2 * len(days) - 1
        assert conn.execute("SELECT prune_tcbs_ranks()").fetchone()[0] == 0  # eight weeks: nothing
        oldest = top_crashers_page(conn, days[0])
        assert oldest
        removed = conn.execute("SELECT prune_tcbs_ranks(1)").fetchone()[0]
        assert removed > 0
        kept = conn.execute("SELECT min(end_date) FROM tcbs_rank_days").fetchone()[0]
        assert kept == days[-1] - dt.timedelta(days=1)
        assert conn.execute("SELECT count(*) FROM tcbs_ranks WHERE end_date < %s", (kept,)).fetchone()[0] == 0
        assert top_crashers_page(conn, days[0]) == oldest  # computed from tcbs now
        with pytest.raises(psycopg.errors.InvalidParameterValue):
            conn.execute("SELECT prune_tcbs_ranks(-1)")
