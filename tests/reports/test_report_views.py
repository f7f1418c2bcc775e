"""The views the web pages read, checked against the oracle over the same loaded days."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

import psycopg
import pytest

from tests.reports import oracle as oracle_module
from tests.reports.conftest import LoadedDb
from tests.reports.oracle import Oracle


@pytest.fixture(scope="module")
def oracle(loaded: LoadedDb) -> Oracle:
    with psycopg.connect(loaded.url, row_factory=psycopg.rows.dict_row) as conn:
        return Oracle(conn, loaded.days)


def version_id(oracle: Oracle, product: str, version: str) -> int:
    return next(
        v.id for v in oracle.versions.values() if v.product == product and v.version_string == version
    )


def expected_ranking(oracle: Oracle, vid: int, day: dt.date, measure: int = 0) -> list[tuple[str, int]]:
    """[(signature, count)] of a version's tcbs for one day, ranked as the page ranks them."""
    names = {i: s for s, i in oracle.signature_ids.items()}
    counts: Counter = Counter()
    for (sig, v, _, _), row in oracle.tcbs(day).items():
        if v == vid:
            counts[names[sig]] += row[measure]
    return sorted(((s, n) for s, n in counts.items() if n > 0), key=lambda x: (-x[1], x[0].encode()))


@pytest.mark.parametrize(("os_name", "measure"), [("any", 0), ("Windows", 1)])
def test_top_crashers_ranks_and_changes(
    rconn, oracle: Oracle, loaded: LoadedDb, os_name: str, measure: int
) -> None:
    day, previous = loaded.days[-1], loaded.days[-2]
    vid = version_id(oracle, "KillerApp", "40.0")
    got = rconn.execute(
        """SELECT * FROM top_crashers
            WHERE product_name = 'KillerApp' AND version_string = '40.0' AND end_date = %s AND days = 1
              AND crash_type = 'all' AND os_name = %s AND date_range_type = 'report' ORDER BY rank""",
        (day, os_name),
    ).fetchall()
    current = expected_ranking(oracle, vid, day, measure)
    before = {s: i + 1 for i, (s, _) in enumerate(expected_ranking(oracle, vid, previous, measure))}
    assert [(r["signature"], r["rank"]) for r in got] == [(s, i + 1) for i, (s, _) in enumerate(current)]
    total = sum(n for _, n in current)
    for r, (signature, n) in zip(got, current, strict=True):
        assert r["percent_of_total"] == round(Decimal(n) / total, 5)
        assert r["previous_rank"] == before.get(signature)
        assert r["is_new"] == (signature not in before)
        if signature in before:
            assert r["rank_change"] == before[signature] - r["rank"]
    assert any(r["is_new"] for r in got) and any(not r["is_new"] for r in got)
    assert got[0]["versions"] and "40.0" in got[0]["versions"]


def test_top_crashers_by_crash_type_and_for_a_rapid_beta_parent(
    rconn, oracle: Oracle, loaded: LoadedDb
) -> None:
    day = loaded.days[-1]
    plugin = rconn.execute(
        """SELECT signature, report_count, plugin_count FROM top_crashers WHERE product_name = 'KillerApp'
              AND version_string = '41.0b' AND end_date = %s AND days = 3 AND crash_type = 'plugin'
              AND os_name = 'any' AND date_range_type = 'report'""",
        (day,),
    ).fetchall()
    parent = version_id(oracle, "KillerApp", "41.0b")
    names = {i: s for s, i in oracle.signature_ids.items()}
    expected: Counter = Counter()
    for d in loaded.days:
        for (sig, v, process, _), row in oracle.tcbs(d).items():
            if v == parent and process == "plugin":
                expected[names[sig]] += row[0]
    assert {r["signature"]: r["report_count"] for r in plugin} == dict(expected)
    assert all(r["plugin_count"] == r["report_count"] for r in plugin) and plugin


def test_crashes_per_adi_views(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    day = loaded.days[1]
    vid = version_id(oracle, "WaterWolf", "33.0")
    by_version = rconn.execute(
        "SELECT * FROM crashes_per_adi_by_version"
        " WHERE product_name = 'WaterWolf' AND version_string = '33.0'"
        " AND report_date = %s",
        (day,),
    ).fetchone()
    count, adu, hadu = oracle.home_page_graph(day)[vid]
    assert (by_version["report_count"], by_version["adu"], by_version["crash_hadu"]) == (count, adu, hadu)
    assert by_version["adjusted_report_count"] == Decimal(count) * 10
    by_os = {
        r["os_name"]: (r["report_count"], r["adu"])
        for r in rconn.execute(
            "SELECT * FROM crashes_per_adi_by_os WHERE product_name = 'WaterWolf' AND version_string = '33.0'"
            " AND report_date = %s",
            (day,),
        ).fetchall()
    }
    cbu = oracle.crashes_by_user(day)
    short = {"win": "Windows", "mac": "Mac OS X", "lin": "Linux", "unknown": "Unknown"}
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (v, os_short, ct), (n, a) in cbu.items():
        if v == vid and ct != 3:
            expected[short[os_short]][0] += n
            expected[short[os_short]][1] = a
    assert by_os == {k: tuple(x) for k, x in expected.items()}
    by_type = {
        r["crash_type_short"]: r["report_count"]
        for r in rconn.execute(
            "SELECT * FROM crashes_per_adi_by_crash_type"
            " WHERE product_name = 'WaterWolf' AND version_string = '33.0'"
            " AND report_date = %s",
            (day,),
        ).fetchall()
    }
    types = {1: "crash", 2: "oop", 3: "hang-b", 4: "hang-p", 5: "content"}
    expected_types: Counter = Counter()
    for (v, _, ct), (n, _) in cbu.items():
        if v == vid:
            expected_types[types[ct]] += n
    assert by_type == dict(expected_types)
    builds = rconn.execute(
        "SELECT build_date, report_count, adu FROM crashes_per_adi_by_build_date"
        " WHERE product_name = 'KillerApp'"
        " AND version_string = '43.0a1'"
    ).fetchall()
    nightly = version_id(oracle, "KillerApp", "43.0a1")
    expected_builds: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for d in loaded.days:
        for (v, bdate), (n, a) in oracle.home_page_graph_build(d).items():
            if v == nightly:
                expected_builds[bdate][0] += n
                expected_builds[bdate][1] += a
    assert {r["build_date"]: (r["report_count"], r["adu"]) for r in builds} == {
        k: tuple(v) for k, v in expected_builds.items()
    }


def test_signature_summary(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    first, last = loaded.days[0], loaded.days[-1]
    names = {i: s for s, i in oracle.signature_ids.items()}
    per_sig: Counter = Counter()
    for d in loaded.days:
        for (sig, vid), n in oracle.per_signature(d).items():
            if not oracle.versions[vid].is_rapid_beta:
                per_sig[sig] += n
    top_sig = per_sig.most_common(1)[0][0]
    rows = rconn.execute(
        "SELECT * FROM signature_summary WHERE signature = %s AND start_date = %s AND end_date = %s"
        " AND version_string IS NULL",
        (names[top_sig], first, last),
    ).fetchall()
    by_type: dict[str, dict[str, int]] = defaultdict(dict)
    for r in rows:
        by_type[r["report_type"]][r["category"]] = r["report_count"]
    expected_products: Counter = Counter()
    for d in loaded.days:
        for (sig, vid), n in oracle.per_signature(d).items():
            v = oracle.versions[vid]
            if sig == top_sig and not v.is_rapid_beta:
                expected_products[f"{v.product} {v.version_string}"] += n
    assert by_type["products"] == dict(expected_products)
    assert sum(by_type["process_type"].values()) == per_sig[top_sig]
    assert sum(by_type["exploitability"].values()) == per_sig[top_sig]
    assert set(by_type) >= {
        "products",
        "uptime",
        "os",
        "process_type",
        "architecture",
        "flash_version",
        "distinct_install",
        "exploitability",
    }
    shares = [r["percentage"] for r in rows if r["report_type"] == "products"]
    assert abs(sum(shares) - 1) < Decimal("0.001")


def test_exploitability_gccrashes_explosive_and_adu_by_signature(
    rconn, oracle: Oracle, loaded: LoadedDb
) -> None:
    first, last = loaded.days[0], loaded.days[-1]
    rows = rconn.execute(
        "SELECT * FROM exploitability_report WHERE product_name = 'KillerApp' AND version_string IS NULL"
        " AND start_date = %s AND end_date = %s",
        (first, last),
    ).fetchall()
    expected: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    for d in loaded.days:
        for (sig, vid), counts in oracle.exploitability(d).items():
            v = oracle.versions[vid]
            if v.product == "KillerApp" and not v.is_rapid_beta:
                expected[sig] = [a + b for a, b in zip(expected[sig], counts, strict=True)]
    expected = {k: v for k, v in expected.items() if sum(v[1:]) > 4}
    assert {
        r["signature_id"]: [
            r["null_count"],
            r["none_count"],
            r["low_count"],
            r["medium_count"],
            r["high_count"],
        ]
        for r in rows
    } == expected
    assert rows
    nightly = version_id(oracle, "KillerApp", "43.0a1")
    gc = {
        r["build"]: (r["gc_count"], r["adu"])
        for r in rconn.execute(
            "SELECT * FROM gccrashes_report WHERE product_name = 'KillerApp' AND version_string = '43.0a1'"
            " AND start_date = %s AND end_date = %s",
            (first, last),
        ).fetchall()
    }
    expected_gc: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for d in loaded.days:
        for (vid, build), (n, a) in oracle.gccrashes(d).items():
            if vid == nightly:
                expected_gc[build][0] += n
                expected_gc[build][1] += a
    assert gc == {Decimal(k): tuple(v) for k, v in expected_gc.items()}
    assert (
        rconn.execute(
            "SELECT count(*) AS n FROM explosive_signatures WHERE last_date = %s", (last,)
        ).fetchone()["n"]
        == rconn.execute("SELECT count(*) AS n FROM explosiveness WHERE last_date = %s", (last,)).fetchone()[
            "n"
        ]
        > 0
    )
    for day in loaded.days:
        got = {
            (
                r["product_name"],
                r["channel"],
                r["build_date"],
                int(r["buildid"]) if r["buildid"] else None,
                r["os_name"],
                r["signature_id"],
            ): (r["crash_count"], r["adu_count"])
            for r in rconn.execute(
                "SELECT *, product_name::text, channel::text, os_name::text FROM adu_by_signature"
                " WHERE adu_date = %s",
                (day,),
            ).fetchall()
        }
        assert got == oracle_module.crash_adu_by_build_signature(oracle, day)
        assert got


def test_signature_history(rconn, oracle: Oracle, loaded: LoadedDb) -> None:
    vid = version_id(oracle, "KillerApp", "40.0")
    names = {i: s for s, i in oracle.signature_ids.items()}
    signature = expected_ranking(oracle, vid, loaded.days[-1])[0][0]
    rows = rconn.execute(
        "SELECT report_date, report_count, percent_of_total FROM signature_history"
        " WHERE product_name = 'KillerApp' AND version_string = '40.0' AND signature = %s"
        " AND report_date BETWEEN %s AND %s ORDER BY report_date",
        (signature, loaded.days[0], loaded.days[-1]),
    ).fetchall()
    expected = []
    for day in loaded.days:
        count = sum(
            row[0] for (sig, v, _, _), row in oracle.tcbs(day).items() if v == vid and names[sig] == signature
        )
        total = sum(n for (v, _, _), (n, _) in oracle.crashes_by_user(day).items() if v == vid)
        if count:
            expected.append((day, count, round(Decimal(count) / total, 5)))
    assert [(r["report_date"], r["report_count"], r["percent_of_total"]) for r in rows] == expected
    assert expected


def expected_exploitability(
    oracle: Oracle, days: list[dt.date], product: str, vid: int | None
) -> dict[int, list[int]]:
    """{signature_id: [null, none, low, medium, high]} of the exploitability page: a product's
    versions (rapid-beta parents left out) or one version, signatures with more than 4 rated crashes."""
    expected: dict[int, list[int]] = defaultdict(lambda: [0] * 5)
    for d in days:
        for (sig, v_id), counts in oracle.exploitability(d).items():
            v = oracle.versions[v_id]
            if v.product == product and (v_id == vid if vid is not None else not v.is_rapid_beta):
                expected[sig] = [a + b for a, b in zip(expected[sig], counts, strict=True)]
    return {k: v for k, v in expected.items() if sum(v[1:]) > 4}


@pytest.mark.parametrize(("length", "pre_aggregated"), [(1, True), (2, False), (3, True)])
@pytest.mark.parametrize("version", [None, "40.0", "41.0b"])
def test_exploitability_windows_pre_aggregated_and_not(
    rconn, oracle: Oracle, loaded: LoadedDb, length: int, pre_aggregated: bool, version: str | None
) -> None:
    """The page's windows (1/3/7/14/28 days ending on a reported day) come from the table the
    daily chain writes, other ranges from the per-day rows: both agree with the oracle."""
    last = loaded.days[-1]
    days = loaded.days[-length:]
    stored = rconn.execute(
        "SELECT count(*) AS n FROM exploitability_windows WHERE end_date = %s AND days = %s",
        (last, length),
    ).fetchone()["n"]
    assert (stored > 0) == pre_aggregated
    assert rconn.execute(
        "SELECT count(*) AS n FROM exploitability_window_days WHERE end_date = ANY(%s)", (loaded.days,)
    ).fetchone()["n"] == len(loaded.days)
    rows = rconn.execute(
        "SELECT * FROM exploitability_report WHERE product_name = 'KillerApp'"
        " AND version_string IS NOT DISTINCT FROM %s AND start_date = %s AND end_date = %s"
        " ORDER BY high_medium_count DESC, signature",
        (version, days[0], last),
    ).fetchall()
    vid = version_id(oracle, "KillerApp", version) if version else None
    expected = expected_exploitability(oracle, days, "KillerApp", vid)
    got = {
        r["signature_id"]: [
            r["null_count"],
            r["none_count"],
            r["low_count"],
            r["medium_count"],
            r["high_count"],
        ]
        for r in rows
    }
    assert got == expected
    assert all(r["high_medium_count"] == r["high_count"] + r["medium_count"] for r in rows)
    assert all(r["classified_count"] == sum(got[r["signature_id"]][1:]) for r in rows)
    if version is None:
        assert rows


# --- top crashers: the ranks stored by the daily chain and the computed path ----------------

TOP_COLUMNS = (
    "rank",
    "previous_rank",
    "rank_change",
    "is_new",
    "report_count",
    "percent_of_total",
    "previous_percent_of_total",
    "percent_change",
    "win_count",
    "mac_count",
    "lin_count",
    "hang_count",
    "plugin_count",
    "content_count",
    "startup_count",
    "startup_percent",
    "is_gc_count",
    "total_crashes",
)
OS_MEASURE = {"any": 0, "Windows": 1, "Mac OS X": 2, "Linux": 3}


def round5(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)


def window_counts(
    oracle: Oracle, vid: int, first: dt.date, last: dt.date, crash_type: str, range_type: str
) -> dict[str, list[int]]:
    """signature -> [all, win, mac, lin, hang, startup, gc, plugin, content] over the crash days
    (report) or build dates (build) first..last, from the oracle's per-day counts."""
    names = {i: s for s, i in oracle.signature_ids.items()}
    sums: dict[str, list[int]] = defaultdict(lambda: [0] * 9)
    for day in oracle.days:
        if range_type == "report":
            if not first <= day <= last:
                continue
            rows = [(sig, v, process, row) for (sig, v, process, _), row in oracle.tcbs(day).items()]
        else:
            rows = [
                (sig, v, process, row)
                for (sig, bdate, v, process, _), row in oracle.tcbs_build(day).items()
                if first <= bdate <= last
            ]
        for sig, v, process, row in rows:
            if v != vid or crash_type not in ("all", process):
                continue
            acc = sums[names[sig]]
            for i, n in enumerate(row):
                acc[i] += n
            acc[7] += row[0] if process == "plugin" else 0
            acc[8] += row[0] if process == "content" else 0
    return sums


def ranking(sums: dict[str, list[int]], os_name: str) -> tuple[dict[str, int], dict[str, int], int]:
    measure = {s: c[OS_MEASURE[os_name]] for s, c in sums.items() if c[OS_MEASURE[os_name]] > 0}
    order = sorted(measure, key=lambda s: (-measure[s], s.encode()))
    return {s: i + 1 for i, s in enumerate(order)}, measure, sum(measure.values())


def expected_top_crashers(
    oracle: Oracle, vid: int, end: dt.date, days: int, crash_type: str, os_name: str, range_type: str
) -> list[dict]:
    """The page's rows computed from the oracle's counts: ranks and shares of the window and of
    the previous window of equal length, and the window's counts."""
    step = dt.timedelta(days=days)
    now = window_counts(oracle, vid, end - step + dt.timedelta(days=1), end, crash_type, range_type)
    before = window_counts(
        oracle, vid, end - 2 * step + dt.timedelta(days=1), end - step, crash_type, range_type
    )
    ranks, measure, total = ranking(now, os_name)
    old_ranks, old_measure, old_total = ranking(before, os_name)
    rows = []
    for signature, rank in sorted(ranks.items(), key=lambda x: x[1]):
        c = now[signature]
        share = Decimal(measure[signature]) / total
        old_share = Decimal(old_measure[signature]) / old_total if signature in old_ranks else None
        rows.append(
            {
                "signature": signature,
                "rank": rank,
                "previous_rank": old_ranks.get(signature),
                "rank_change": old_ranks[signature] - rank if signature in old_ranks else None,
                "is_new": signature not in old_ranks,
                "report_count": c[0],
                "percent_of_total": round5(share),
                "previous_percent_of_total": None if old_share is None else round5(old_share),
                "percent_change": None if old_share is None else round5(share - old_share),
                "win_count": c[1],
                "mac_count": c[2],
                "lin_count": c[3],
                "hang_count": c[4],
                "plugin_count": c[7],
                "content_count": c[8],
                "startup_count": c[5],
                "startup_percent": round5(Decimal(c[5]) / c[0]) if c[0] else None,
                "is_gc_count": c[6],
                "total_crashes": total,
            }
        )
    return rows


def page_rows(conn, version: str, end: dt.date, days: int, crash_type: str, os_name: str, range_type: str):
    return conn.execute(
        "SELECT * FROM top_crashers WHERE product_name = 'KillerApp' AND version_string = %s"
        " AND end_date = %s AND days = %s AND crash_type = %s AND os_name = %s AND date_range_type = %s"
        " ORDER BY rank LIMIT 500",
        (version, end, days, crash_type, os_name, range_type),
    ).fetchall()


def stored(conn, end: dt.date, range_type: str) -> bool:
    return (
        conn.execute(
            "SELECT count(*) AS n FROM tcbs_rank_days WHERE end_date = %s AND date_range_type = %s",
            (end, range_type),
        ).fetchone()["n"]
        == 1
    )


@pytest.mark.parametrize(
    ("version", "days", "crash_type", "os_name", "range_type", "end_offset", "pre_ranked"),
    [
        ("40.0", 1, "all", "any", "report", 0, True),
        ("40.0", 3, "all", "Windows", "report", 0, True),
        ("40.0", 3, "plugin", "any", "report", -1, True),
        ("40.0", 7, "browser", "Linux", "report", 0, True),
        ("41.0b", 3, "all", "any", "report", 0, True),
        ("40.0", 3, "all", "any", "report", 1, False),  # an end day the chain has not ranked
        ("40.0", 14, "all", "Mac OS X", "report", 2, False),
        ("41.0b", 14, "all", "any", "build", 0, True),
        ("41.0b", 28, "browser", "Windows", "build", 0, True),
        ("41.0b", 14, "all", "any", "build", -1, False),  # build days still changing: computed
        ("43.0a1", 28, "all", "any", "build", 0, True),
    ],
)
def test_top_crashers_pre_ranked_and_computed_agree_with_the_oracle(
    rconn,
    oracle: Oracle,
    loaded: LoadedDb,
    version: str,
    days: int,
    crash_type: str,
    os_name: str,
    range_type: str,
    end_offset: int,
    pre_ranked: bool,
) -> None:
    """The page's windows ending on a day the chain ranked come from tcbs_ranks, other end days
    from top_crashers_for: every column of both agrees with the oracle's ranking."""
    end = loaded.days[-1] + dt.timedelta(days=end_offset)
    assert stored(rconn, end, range_type) == pre_ranked
    vid = version_id(oracle, "KillerApp", version)
    expected = expected_top_crashers(oracle, vid, end, days, crash_type, os_name, range_type)
    got = page_rows(rconn, version, end, days, crash_type, os_name, range_type)
    assert expected, "the case must have crashes to rank"
    assert [r["signature"] for r in got] == [e["signature"] for e in expected]
    for row, want in zip(got, expected, strict=True):
        assert {k: row[k] for k in TOP_COLUMNS} == {k: want[k] for k in TOP_COLUMNS}, row["signature"]
        assert row["signature_id"] == oracle.signature_ids[row["signature"]]
    assert any(r["is_new"] for r in got) or end_offset > 0


def test_the_chain_ranks_the_top_crashers_windows_it_can_finish(rconn, loaded: LoadedDb) -> None:
    """update_tcbs ranks the windows ending on its day; update_tcbs_build those ending on its day
    and 6 days before (complete builds), the days in between going back to the computed path."""
    day = dt.timedelta(days=1)
    report = {
        r["end_date"]
        for r in rconn.execute("SELECT end_date FROM tcbs_rank_days WHERE date_range_type = 'report'")
    }
    build = {
        r["end_date"]
        for r in rconn.execute("SELECT end_date FROM tcbs_rank_days WHERE date_range_type = 'build'")
    }
    assert report == set(loaded.days)
    assert build == {d - 6 * day for d in loaded.days} | {loaded.days[-1]}
    counts = rconn.execute(
        "SELECT days, date_range_type, max(cardinality(signature_ids)) AS deepest,"
        " bool_and(cardinality(signature_ids) = cardinality(is_gc_counts)"
        " AND cardinality(previous_ranks) = cardinality(report_counts)) AS aligned"
        " FROM tcbs_ranks WHERE end_date = %s GROUP BY 1, 2",
        (loaded.days[-1],),
    ).fetchall()
    assert {(r["days"], r["date_range_type"]) for r in counts} == {
        (n, t) for n in (1, 3, 7, 14, 28) for t in ("report", "build")
    }
    assert all(r["deepest"] <= 500 and r["aligned"] for r in counts)
    # every stored window is what top_crashers_for computes from tcbs / tcbs_build
    # every stored window, read through the view, is what top_crashers_for computes (both ways)
    page = """SELECT t.rank, t.previous_rank, t.rank_change, t.is_new, t.signature_id, t.signature,
                     t.report_count, t.percent_of_total, t.previous_percent_of_total, t.percent_change,
                     t.win_count, t.mac_count, t.lin_count, t.hang_count, t.plugin_count, t.content_count,
                     t.startup_count, t.startup_percent, t.is_gc_count, t.total_crashes, t.first_report,
                     t.versions, t.versions_count, t.bug_ids
                FROM top_crashers t
               WHERE t.product_name = pv.product_name AND t.version_string = pv.version_string
                 AND t.end_date = k.end_date AND t.days = k.days AND t.crash_type = k.crash_type
                 AND t.os_name = k.os_name AND t.date_range_type = k.date_range_type"""
    computed = """SELECT f.* FROM top_crashers_for(k.product_version_id, k.end_date, k.days::integer,
                                                 k.crash_type, k.os_name, k.date_range_type) AS f
                   WHERE f.rank <= 500"""
    mismatched = rconn.execute(
        f"""SELECT count(*) AS n
              FROM (SELECT DISTINCT product_version_id, end_date, days, crash_type, os_name, date_range_type
                      FROM tcbs_ranks) AS k
              JOIN product_versions pv USING (product_version_id)
             CROSS JOIN LATERAL (({page} EXCEPT ALL {computed})
                                 UNION ALL ({computed} EXCEPT ALL {page})) AS x"""
    ).fetchone()["n"]
    assert mismatched == 0
    assert rconn.execute("SELECT count(*) AS n FROM tcbs_ranks").fetchone()["n"] > 1000
