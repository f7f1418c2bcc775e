"""Live reports on the pages: a crash processed now is on the top crashers page once the live
reports have counted it, the window marked as a day not over (page, JSON and CSV twins)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyapp.crashid import create_crash_id
from pyapp.demo import load
from tests.clock import SuiteClock
from tests.conftest import cloned_database
from tests.site.conftest import Memcached, SiteData, SiteServer, run_site
from tests.support import scalar


@pytest.fixture(scope="module")
def live_site(
    pg, template_db: str, memcached: Memcached, clock: SuiteClock, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SiteServer]:
    """A site over two closed days of demo crashes, reports built by the batch."""
    with cloned_database(pg, template_db, "crashstats_live") as url:
        days = [clock.days_ago(2), clock.days_ago(1)]
        load.generate(url, days=2, per_day=300, seed=31, last_day=days[-1])
        with psycopg.connect(url, row_factory=dict_row) as conn:
            conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
            top = conn.execute(
                "SELECT pv.product_name::text AS p, pv.version_string::text AS v FROM tcbs t"
                " JOIN product_versions pv USING (product_version_id) WHERE t.report_date = %s"
                " AND pv.build_type = 'release' GROUP BY 1, 2 ORDER BY sum(t.report_count) DESC LIMIT 1",
                (days[-1],),
            ).fetchone()
            conn.commit()
        data = SiteData(url, days, "", "", 0, top["p"], top["v"], "")
        work = tmp_path_factory.mktemp("live")
        with run_site(data, memcached, work, CACHE_KEY_PREFIX="livetest") as server:
            yield server


def process_now(
    conn: psycopg.Connection, clock: SuiteClock, product: str, version: str, signature: str
) -> str:
    """A crash of that version, processed now (as the processor stores it)."""
    doc = conn.execute(
        "SELECT p.processed_crash FROM processed_crashes p JOIN reports r ON r.uuid = p.uuid::text"
        " AND r.date_processed = p.date_processed WHERE r.product = %s AND r.version = %s LIMIT 1",
        (product, version),
    ).fetchone()["processed_crash"]
    crash_id = create_crash_id(clock.now())
    now = clock.now().isoformat()
    doc = dict(doc, uuid=crash_id, crash_id=crash_id, signature=signature)
    doc.update(date_processed=now, completed_datetime=now)
    conn.execute("SELECT save_processed_crash(%s, %s)", (crash_id, Jsonb(doc)))
    conn.commit()
    return crash_id


def test_a_crash_is_on_top_crashers_once_counted_live(live_site: SiteServer, clock: SuiteClock) -> None:
    data = live_site.data
    base = f"/topcrasher/products/{data.top_product}/versions/{data.top_version}"
    day = clock.today()
    with live_site.connect() as conn:
        conn.row_factory = dict_row
        process_now(conn, clock, data.top_product, data.top_version, "live::a crash of today")
        before = live_site.get(f"{base}.json?days=1&end_date={day}&result_count=100").json()
        assert "live::a crash of today" not in {r["signature"] for r in before["rows"]}
        assert scalar(conn, "SELECT update_reports_live()") == 1
        conn.commit()
        # the day is not over as long as the server's clock says so
        not_over = scalar(conn, "SELECT %s >= (now() AT TIME ZONE 'UTC')::date", (day,))

    after = live_site.get(f"{base}.json?days=1&end_date={day}&result_count=99").json()
    rows = {r["signature"]: r for r in after["rows"]}
    assert rows["live::a crash of today"]["report_count"] == 1
    assert after["partial"] is not_over
    if not_over:
        assert dt.datetime.fromisoformat(after["as_of"]).date() == day
    page = live_site.get(f"{base}?days=1&end_date={day}&result_count=98").text
    assert "live::a crash of today" in page
    assert ("so far, as of" in page) is not_over
    as_csv = live_site.get(f"{base}.csv?days=1&end_date={day}&result_count=97").text
    table = list(csv.reader(io.StringIO(as_csv)))
    assert ("partial" in table[0] and "as_of" in table[0]) is not_over
    if not_over:
        assert {row[table[0].index("partial")] for row in table[1:]} == {"true"}


def test_the_default_window_ends_now_by_report_date(live_site: SiteServer) -> None:
    data = live_site.data
    base = f"/topcrasher/products/{data.top_product}/versions/{data.top_version}"
    with live_site.connect() as conn:
        today = scalar(conn, "SELECT (now() AT TIME ZONE 'UTC')::date")
    by_report = live_site.get(f"{base}.json").json()
    assert by_report["end_date"] == today.isoformat() and by_report["partial"] is True
    assert by_report["start_date"] == (today - dt.timedelta(days=6)).isoformat()
    by_build = live_site.get(f"{base}/date_range_type/build.json").json()
    assert by_build["end_date"] == (today - dt.timedelta(days=1)).isoformat() and by_build["partial"] is False
    assert by_build["as_of"] is None


def test_home_and_daily_run_through_today_with_a_provisional_rate(
    live_site: SiteServer, clock: SuiteClock
) -> None:
    data = live_site.data
    product, version = data.top_product, data.top_version
    day = clock.today()
    with live_site.connect() as conn:
        conn.row_factory = dict_row
        process_now(conn, clock, product, version, "live::for the home page")
        assert scalar(conn, "SELECT update_reports_live()") == 1
        conn.commit()
        not_over = scalar(conn, "SELECT %s >= (now() AT TIME ZONE 'UTC')::date", (day,))
        latest_adi = scalar(
            conn,
            "SELECT h.adu FROM home_page_graph h JOIN product_versions pv USING (product_version_id)"
            " WHERE pv.product_name = %s AND pv.version_string = %s AND h.report_date = %s",
            (product, version, data.days[-1]),
        )
        throttle = scalar(
            conn, "SELECT throttle FROM home_page_graph_view WHERE version_string = %s LIMIT 1", (version,)
        )
    assert latest_adi > 0

    home = live_site.get(f"/home/products/{product}.json?v={version}&end_date={day}").json()
    (row,) = [r for r in home["rows"] if r["version_string"] == version and r["day"] == day.isoformat()]
    # no ADI for today yet: the rate is against the version's latest day with ADI, and says so
    assert row["adu"] == 0 and row["adu_provisional"] is True
    assert row["adu_date"] == data.days[-1].isoformat()
    expected = round(row["report_count"] * 100 / latest_adi / float(throttle), 3)
    assert float(row["crash_hadu"]) == pytest.approx(expected, abs=0.001)
    assert home["provisional"]["days"] == [day.isoformat()]
    assert home["partial"] is not_over
    yesterday_rows = [r for r in home["rows"] if r["day"] == data.days[-1].isoformat()]
    assert yesterday_rows and not any(r["adu_provisional"] for r in yesterday_rows)
    page = live_site.get(f"/home/products/{product}?v={version}&end_date={day}").text
    assert f"No ADI loaded yet for {day}" in page
    assert ("is not over: its crashes so far" in page) is not_over

    daily = live_site.get(f"/daily.json?p={product}&v={version}&date_end={day}").json()
    assert [r["adu_provisional"] for r in daily["rows"] if r["day"] == day.isoformat()] == [True]
    as_csv = live_site.get(f"/daily.csv?p={product}&v={version}&date_end={day}").text
    table = list(csv.reader(io.StringIO(as_csv)))
    assert "adu_provisional" in table[0] and "adu_date" in table[0]
