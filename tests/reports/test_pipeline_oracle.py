"""The whole chain over a few days of generated crashes, checked against tests/reports/oracle.py.

The data: 3 days (Sunday, Monday, Tuesday: a week boundary) of demo crashes over 5 products
and 40 versions (rapid betas, ESR, nightly and aurora builds, a 10 % release throttle, a
product without ADI, ADI mapped through an application GUID), plus hand-made edge cases:
crashes at 23:59:59.999 and at 00:00:00 UTC, a beta crash from an unknown build, an unknown
channel, a duplicate pair. backfill_matviews ran once over the 3 days (conftest.loaded).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest

from tests.reports.conftest import LoadedDb
from tests.reports.oracle import Oracle

pytestmark = pytest.mark.dates  # the report days end two days before the run's today



@pytest.fixture(scope="module")
def oracle(loaded: LoadedDb) -> Oracle:
    with psycopg.connect(loaded.url, row_factory=psycopg.rows.dict_row) as conn:
        return Oracle(conn, loaded.days)


def rows(conn: psycopg.Connection, query: str, params: tuple = ()) -> list[dict]:
    return conn.execute(query, params).fetchall()


def test_reports_clean_matches_versions_channels_and_os(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    got = {
        r["uuid"]: r
        for r in rows(
            rconn,
            """
        SELECT rc.uuid, rc.product_version_id, rc.os_name::text, rc.process_type::text,
               rc.release_channel::text, s.signature, rc.build
          FROM reports_clean rc JOIN signatures s USING (signature_id)
         WHERE rc.date_processed >= %s AND rc.date_processed < %s""",
            (Oracle.start(loaded.days[0]), Oracle.start(loaded.days[-1] + dt.timedelta(days=1))),
        )
    }
    assert set(got) == set(oracle.clean)
    for uuid, c in oracle.clean.items():
        g = got[uuid]
        assert (
            g["product_version_id"],
            g["os_name"],
            g["process_type"],
            g["release_channel"],
            g["signature"],
        ) == (c.version.id, c.os_name, c.process_type, c.channel, c.signature), uuid
    assert len(got) > 3000
    # the edge cases
    edge = loaded.edge
    assert edge["last_instant"] in got and edge["midnight"] in got and edge["week_start"] in got
    assert edge["unknown_beta_build"] not in got and edge["unknown_channel"] not in got


def test_day_boundaries_are_utc_days(rconn, loaded: LoadedDb) -> None:
    days = {
        r["uuid"]: r["day"]
        for r in rows(
            rconn,
            """
        SELECT uuid, (date_processed AT TIME ZONE 'UTC')::date AS day FROM reports_clean
         WHERE uuid = ANY(%s)""",
            ([loaded.edge["last_instant"], loaded.edge["midnight"]],),
        )
    }
    assert days[loaded.edge["last_instant"]] == loaded.days[0]
    assert days[loaded.edge["midnight"]] == loaded.days[1]
    # the crash at 23:59:59.999 is in Sunday's tcbs, the one at 00:00 in Monday's (another week)
    weeks = {
        r["partition"]
        for r in rows(
            rconn,
            """
        SELECT tableoid::regclass::text AS partition FROM reports_clean WHERE uuid = ANY(%s)""",
            ([loaded.edge["last_instant"], loaded.edge["midnight"]],),
        )
    }
    assert len(weeks) == 2


def test_rejects_are_kept_with_a_reason(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    bad = {r["uuid"]: r["reason"] for r in rows(rconn, "SELECT uuid, reason FROM reports_bad")}
    # update_reports_clean trims reports_bad to the 2 days before the period it cleans (Socorro's
    # rule): after the backfill's last period, the rejects from then on are all kept
    last = rows(rconn, "SELECT max(period_start) AS p FROM reports_clean_runs")[0]["p"]
    when = {r["uuid"]: r["date_processed"] for r in oracle.reports}
    kept = {uuid for uuid in oracle.bad if when[uuid] >= last - dt.timedelta(days=2)}
    assert kept and set(bad) == kept
    assert "build 20000101000000" in bad[loaded.edge["unknown_beta_build"]]
    assert bad[loaded.edge["unknown_channel"]] == "unknown release channel 'weird'"


def test_duplicates_are_flagged_not_removed(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    got = {
        r["uuid"]: r["duplicate_of"] for r in rows(rconn, "SELECT uuid, duplicate_of FROM reports_duplicates")
    }
    expected = oracle.duplicates()
    assert got == expected
    assert got[loaded.edge["dup_follower"]] == loaded.edge["dup_leader"]
    flagged = {
        r["uuid"]: r["duplicate_of"]
        for r in rows(rconn, "SELECT uuid, duplicate_of FROM reports_clean WHERE duplicate_of IS NOT NULL")
    }
    assert flagged == {u: d for u, d in expected.items() if u in oracle.clean}
    assert loaded.edge["dup_follower"] in oracle.clean  # still counted


def test_product_adu_and_build_adu(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    for day in loaded.days:
        got = {
            (r["product_version_id"], r["os_name"]): r["adu_count"]
            for r in rows(
                rconn,
                "SELECT product_version_id, os_name::text, adu_count FROM product_adu WHERE adu_date = %s",
                (day,),
            )
        }
        assert got == oracle.product_adu(day)
        got = {
            (r["product_version_id"], r["build_date"], r["os_name"]): r["adu_count"]
            for r in rows(
                rconn,
                "SELECT product_version_id, build_date, os_name::text, adu_count FROM build_adu"
                " WHERE adu_date = %s",
                (day,),
            )
        }
        assert got == oracle.build_adu(day)
        assert got, "nightly and rapid-beta builds have build ADI"
    # the product without ADI has zero rows; the GUID-mapped one has ADI
    zero = rows(
        rconn,
        """SELECT DISTINCT pv.product_name::text, sum(a.adu_count) OVER (PARTITION BY pv.product_name) AS s
                            FROM product_adu a JOIN product_versions pv USING (product_version_id)""",
    )
    totals = {r["product_name"]: r["s"] for r in zero}
    assert totals["Thunderbolt"] == 0 and totals["FennecAndroid"] > 0


def test_tcbs_and_tcbs_build(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    cols = "report_count, win_count, mac_count, lin_count, hang_count, startup_count, is_gc_count"
    for day in loaded.days:
        got = {
            (r["signature_id"], r["product_version_id"], r["process_type"], r["release_channel"]): tuple(
                r[c] for c in cols.split(", ")
            )
            for r in rows(
                rconn,
                f"""
               SELECT signature_id, product_version_id, process_type::text, release_channel::text, {cols}
                 FROM tcbs WHERE report_date = %s""",
                (day,),
            )
        }
        assert got == oracle.tcbs(day)
        got = {
            (
                r["signature_id"],
                r["build_date"],
                r["product_version_id"],
                r["process_type"],
                r["release_channel"],
            ): tuple(r[c] for c in cols.split(", "))
            for r in rows(
                rconn,
                f"""
               SELECT signature_id, build_date, product_version_id, process_type::text,
                      release_channel::text, {cols}
                 FROM tcbs_build WHERE report_date = %s""",
                (day,),
            )
        }
        assert got == oracle.tcbs_build(day)
    parents = rows(
        rconn,
        """SELECT count(*) AS n FROM tcbs JOIN product_versions USING (product_version_id)
                              WHERE is_rapid_beta""",
    )
    assert parents[0]["n"] > 0


def test_crashes_by_user_and_home_page_graph(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    for day in loaded.days:
        got = {
            (r["product_version_id"], r["os_short_name"], r["crash_type_id"]): (r["report_count"], r["adu"])
            for r in rows(
                rconn,
                """SELECT product_version_id, os_short_name::text, crash_type_id, report_count, adu
                                         FROM crashes_by_user WHERE report_date = %s""",
                (day,),
            )
        }
        assert got == oracle.crashes_by_user(day)
        got = {
            r["product_version_id"]: (r["report_count"], r["adu"], r["crash_hadu"])
            for r in rows(
                rconn,
                "SELECT product_version_id, report_count, adu, crash_hadu FROM home_page_graph"
                " WHERE report_date = %s",
                (day,),
            )
        }
        assert got == oracle.home_page_graph(day)
        got = {
            (r["product_version_id"], r["build_date"]): (r["report_count"], r["adu"])
            for r in rows(
                rconn,
                """SELECT product_version_id, build_date, report_count, adu FROM home_page_graph_build
                       WHERE report_date = %s""",
                (day,),
            )
        }
        assert got == oracle.home_page_graph_build(day)
        got = {
            (r["product_version_id"], r["build_date"], r["os_short_name"], r["crash_type_id"]): (
                r["report_count"],
                r["adu"],
            )
            for r in rows(
                rconn,
                """
               SELECT product_version_id, build_date, os_short_name::text, crash_type_id, report_count, adu
                 FROM crashes_by_user_build WHERE report_date = %s""",
                (day,),
            )
        }
        assert got == oracle.crashes_by_user_build(day)


def test_throttle_correction_in_views(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    day = loaded.days[-1]
    row = rows(
        rconn,
        """SELECT * FROM home_page_graph_view
                          WHERE product_name = 'WaterWolf' AND version_string = '33.0'
                            AND report_date = %s""",
        (day,),
    )[0]
    assert row["throttle"] == Decimal("0.1")
    assert row["adjusted_report_count"] == Decimal(row["report_count"]) / Decimal("0.1")
    assert row["crash_hadu"] == oracle.home_page_graph(day)[row["product_version_id"]][2]
    assert row["crash_hadu"] > 0
    ratio = rows(
        rconn,
        """SELECT sum(crashes) AS c, sum(adu_count) AS a FROM product_crash_ratio
                            WHERE product_name = 'WaterWolf' AND version_string = '33.0' AND adu_date = %s""",
        (day,),
    )[0]
    cbu = oracle.crashes_by_user(day)
    vid = row["product_version_id"]
    assert ratio["c"] == sum(n for (v, _, ct), (n, _) in cbu.items() if v == vid and ct != 3)


def test_signatures_and_rollup(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    expected: dict[tuple[int, int], dt.datetime] = {}
    for c in oracle.clean.values():
        key = (oracle.signature_ids[c.signature], c.version.id)
        expected[key] = min(expected.get(key, c.date_processed), c.date_processed)
    got = {
        (r["signature_id"], r["product_version_id"]): r["first_report"]
        for r in rows(rconn, "SELECT signature_id, product_version_id, first_report FROM signature_products")
    }
    assert got == expected
    rollup = {
        (r["signature_id"], r["product_name"]): r["version_list"]
        for r in rows(
            rconn, "SELECT signature_id, product_name::text, version_list FROM signature_products_rollup"
        )
    }
    by_product: dict[tuple[int, str], set[int]] = {}
    for sig, vid in expected:
        by_product.setdefault((sig, oracle.versions[vid].product), set()).add(vid)
    assert set(rollup) == set(by_product)
    for key, ids in by_product.items():
        versions = sorted((oracle.versions[i] for i in ids), key=lambda v: (v.version_sort, v.version_string))
        assert rollup[key] == [v.version_string for v in versions]


def test_exploitability_summaries_and_ranks(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    for day in loaded.days:
        got = {
            (r["signature_id"], r["product_version_id"]): (
                r["null_count"],
                r["none_count"],
                r["low_count"],
                r["medium_count"],
                r["high_count"],
            )
            for r in rows(rconn, "SELECT * FROM exploitability_reports WHERE report_date = %s", (day,))
        }
        assert got == oracle.exploitability(day)
        got = {
            (r["signature_id"], r["product_version_id"]): r["report_count"]
            for r in rows(rconn, "SELECT * FROM signature_summary_products WHERE report_date = %s", (day,))
        }
        assert got == dict(oracle.per_signature(day))
        got = {
            (r["signature_id"], r["product_version_id"], r["process_type"]): r["report_count"]
            for r in rows(
                rconn,
                "SELECT *, process_type::text FROM signature_summary_process_type WHERE report_date = %s",
                (day,),
            )
        }
        assert got == dict(oracle.per_signature(day, lambda c: c.process_type))
        got = {
            (r["signature_id"], r["product_version_id"], r["architecture"]): r["report_count"]
            for r in rows(
                rconn,
                "SELECT *, architecture::text FROM signature_summary_architecture WHERE report_date = %s",
                (day,),
            )
        }
        assert got == dict(oracle.per_signature(day, lambda c: c.architecture or "Unknown"))
        got = {
            (r["signature_id"], r["product_version_id"], r["uptime_string"]): r["report_count"]
            for r in rows(
                rconn,
                "SELECT *, uptime_string::text FROM signature_summary_uptime WHERE report_date = %s",
                (day,),
            )
        }
        assert got == dict(oracle.per_signature(day, uptime_bucket))
        got = {
            (r["signature_id"], r["product_version_id"]): (r["crash_count"], r["install_count"])
            for r in rows(
                rconn, "SELECT * FROM signature_summary_installations WHERE report_date = %s", (day,)
            )
        }
        assert got == oracle.installations(day)
        got = {
            (r["product_version_id"], r["build"]): (r["gc_count"], r["adu"])
            for r in rows(rconn, "SELECT * FROM gccrashes WHERE report_date = %s", (day,))
        }
        assert got == oracle.gccrashes(day)
    day = loaded.days[-1]
    got = {
        (r["product_version_id"], r["signature_id"]): (
            r["report_count"],
            r["total_reports"],
            r["rank_report_count"],
        )
        for r in rows(rconn, "SELECT * FROM rank_compare WHERE report_date = %s", (day,))
    }
    assert got == oracle.rank_compare(day)


def test_device_and_graphics_summaries(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    day = loaded.days[1]
    got = {
        (r["signature_id"], r["product_version_id"], r["model"]): r["report_count"]
        for r in rows(
            rconn,
            """
        SELECT s.signature_id, s.product_version_id, d.android_model AS model, s.report_count
          FROM signature_summary_device s JOIN android_devices d USING (android_device_id)
         WHERE report_date = %s""",
            (day,),
        )
    }
    assert got == dict(oracle.per_signature(day, lambda c: oracle.raw.get(c.uuid, {}).get("Android_Model")))
    assert got
    got = {
        (r["signature_id"], r["product_version_id"], r["adapter_hex"]): r["report_count"]
        for r in rows(
            rconn,
            """
        SELECT s.signature_id, s.product_version_id, g.adapter_hex, s.report_count
          FROM signature_summary_graphics s JOIN graphics_device g USING (graphics_device_id)
         WHERE report_date = %s""",
            (day,),
        )
    }
    assert got == dict(oracle.per_signature(day, lambda c: oracle.raw.get(c.uuid, {}).get("AdapterDeviceID")))


def test_explosiveness(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    day = loaded.days[-1]
    tcbs = {d: oracle.tcbs(d) for d in loaded.days}
    adu = {d: oracle.product_adu(d) for d in loaded.days}
    expected = oracle.explosiveness(day, tcbs, adu)
    got = {
        (r["product_version_id"], r["signature_id"]): (r["oneday"], r["threeday"])
        for r in rows(
            rconn,
            "SELECT product_version_id, signature_id, oneday, threeday FROM explosiveness"
            " WHERE last_date = %s",
            (day,),
        )
    }
    assert set(got) == set(expected)
    for key, (oneday, threeday) in expected.items():
        g1, g3 = got[key]
        assert (g1 is None) == (oneday is None) and (g3 is None) == (threeday is None), key
        if oneday is not None:
            assert abs(g1 - oneday) <= Decimal("0.01"), key
        if threeday is not None:
            assert abs(g3 - threeday) <= Decimal("0.01"), key
    assert got


def uptime_bucket(c) -> str | None:
    if c.uptime is None:
        return None
    for limit, name in (
        (60, "< 1 min"),
        (300, "1-5 min"),
        (900, "5-15 min"),
        (3600, "15-60 min"),
        (365 * 86400, "> 1 hour"),
    ):
        if c.uptime < limit:
            return name
    return None
