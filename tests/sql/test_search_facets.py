"""Super Search's daily roll-up (search_facet_days, update_search_facets): super_search() gives
the same answer whether it counts whole days from the roll-up or every crash from reports, a
processed crash written into a rolled-up day takes the day off the roll-up until it is rolled up
again, and the report chain and the job roll days up."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pyapp.crashid import create_crash_id
from tests.support import scalar

UTC = dt.UTC
#: "now" of every search: three whole days (23rd-25th) lie inside a 7-day range ending here
NOW = dt.datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
DAYS = [dt.date(2026, 11, d) for d in (19, 20, 21, 22, 23, 24, 25, 26)]
PRODUCTS = ["KillerApp", "Waterfox", None]
SIGNATURES = ["std::vector<int>::at", "OOM | small", "js::Interpret", "shutdownhang | a & b", None]


def _load(sql: psycopg.Connection, rng: random.Random, per_day: int = 60) -> None:
    sql.execute("SELECT * FROM weekly_report_partitions(2, %s)", (dt.datetime(2026, 11, 18, tzinfo=UTC),))
    rows = []
    for day in DAYS:
        start = dt.datetime.combine(day, dt.time(), tzinfo=UTC)
        # both ends of the day exactly, and random moments
        moments = [start, start + dt.timedelta(days=1, microseconds=-1)]
        moments += [start + dt.timedelta(seconds=rng.randrange(86400)) for _ in range(per_day - 2)]
        for when in moments:
            rows.append(
                (
                    create_crash_id(when),
                    when,
                    rng.choice(PRODUCTS),
                    rng.choice(["1.0", "2.0b1", None]),
                    rng.choice(["Windows NT", "Linux", "Mac OS X"]),
                    rng.choice(["parent", "content", None]),
                    rng.choice(["release", "beta"]),
                    rng.choice(SIGNATURES),
                    rng.choice(["EXCEPTION_ACCESS_VIOLATION_READ", "SIGSEGV"]),
                )
            )
    with sql.cursor() as cur:
        cur.executemany(
            "INSERT INTO reports (uuid, date_processed, product, version, os_name, process_type,"
            " release_channel, signature, reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            rows,
        )


def search(sql: psycopg.Connection, query: dict[str, Any]) -> dict[str, Any]:
    return scalar(sql, "SELECT super_search(%s, '{}'::text[], %s)", (Jsonb(query), NOW))


def _filter(field: str, operator: str, *values: str, negated: bool = False) -> dict[str, Any]:
    return {"field": field, "operator": operator, "not": negated, "values": list(values)}


QUERIES: list[dict[str, Any]] = [
    # the default 7 days (partial first and last days), a product, signature facets
    {"filters": [_filter("product", "=", "KillerApp")], "facets": ["signature"], "results_number": 5},
    # every rolled-up column as a facet, a cardinality, no filter
    {
        "facets": ["product", "version", "platform", "process_type", "release_channel", "signature"],
        "cardinality": ["signature"],
        "facets_size": 3,
    },
    # a signature only: the coarse (product, signature) level
    {"filters": [_filter("signature", "=", "std::vector<int>::at")], "facets": ["product"]},
    # contains, starts with, negation, __null__, several values
    {
        "filters": [
            _filter("signature", "~", "a & b", "vector"),
            _filter("product", "=", "Waterfox", negated=True),
            _filter("process_type", "__null__"),
        ],
        "facets": ["version", "platform"],
    },
    {"filters": [_filter("signature", "^", "OOM"), _filter("version", "=", "1.0", "2.0b1")]},
    # explicit ranges on day boundaries: >= and < (whole days), > (the first instant is out), <=
    {
        "filters": [_filter("date", ">=", "2026-11-20"), _filter("date", "<", "2026-11-24")],
        "facets": ["signature"],
    },
    {
        "filters": [_filter("date", ">", "2026-11-20"), _filter("date", "<=", "2026-11-23T23:59:59.999999Z")],
        "facets": ["product"],
    },
    # a field the roll-up does not hold (reason): every crash counted, as before
    {"filters": [_filter("reason", "=", "SIGSEGV")], "facets": ["signature"]},
    # a histogram: always counted from reports
    {"histograms": [{"field": "date", "interval": "day", "facets": ["product"]}]},
    # one whole day of one product, its signature facet (the search page's default: the top
    # terms are read in index order), alone, then with half of the next day counted from
    # reports; few terms, so ties at the cut are decided by the term as in the general case
    {
        "filters": [
            _filter("product", "=", "KillerApp"),
            _filter("date", ">=", "2026-11-24"),
            _filter("date", "<", "2026-11-25"),
        ],
        "facets": ["signature"],
        "facets_size": 2,
    },
    {
        "filters": [
            _filter("product", "=", "Waterfox"),
            _filter("date", ">=", "2026-11-24"),
            _filter("date", "<", "2026-11-25T12:00:00Z"),
        ],
        "facets": ["signature"],
        "facets_size": 3,
    },
    {
        "filters": [
            _filter("product", "=", "KillerApp"),
            _filter("date", ">=", "2026-11-23T18:00:00Z"),
            _filter("date", "<", "2026-11-25"),
        ],
        "facets": ["signature"],
        "facets_size": 1,
    },
]


def test_the_roll_up_gives_the_answers_reports_give(sql: psycopg.Connection) -> None:
    _load(sql, random.Random(7))
    before = [search(sql, q) for q in QUERIES]
    assert before[0]["total"] > 0 and before[0]["facets"]["signature"]
    for day in DAYS[:-1]:  # every day but today's
        assert scalar(sql, "SELECT update_search_facets(%s)", (day,)) is True
    assert scalar(sql, "SELECT count(*) FROM search_facet_days_done") == len(DAYS) - 1
    after = [search(sql, q) for q in QUERIES]
    for query, old, new in zip(QUERIES, before, after, strict=True):
        assert new == old, query
    # ... and the whole days did come from the roll-up: a changed count shows in the answer
    sql.execute(
        "UPDATE search_facet_days SET crashes = crashes + 1000"
        " WHERE report_day = '2026-11-24' AND level = 'product_signature' AND product = 'KillerApp'"
        " AND signature IS NOT DISTINCT FROM %s",
        (before[0]["facets"]["signature"][0]["term"],),
    )
    assert search(sql, QUERIES[0])["total"] == before[0]["total"] + 1000
    # the one-day shortcut reads the roll-up too: the tampered signature leads its facet
    one_day = search(sql, QUERIES[9])
    assert one_day["total"] == before[9]["total"] + 1000
    assert one_day["facets"]["signature"][0]["term"] == before[0]["facets"]["signature"][0]["term"]
    # a query on a field the roll-up lacks does not read it
    assert search(sql, QUERIES[7]) == before[7]


def test_a_crash_written_into_a_rolled_up_day_takes_the_day_off(sql: psycopg.Connection) -> None:
    _load(sql, random.Random(11), per_day=20)
    day = dt.date(2026, 11, 24)
    assert scalar(sql, "SELECT update_search_facets(%s)", (day,)) is True
    # rerun with checkdata: nothing to do
    assert scalar(sql, "SELECT update_search_facets(%s)", (day,)) is False
    query = {"filters": [_filter("product", "=", "KillerApp")], "facets": ["signature"]}
    total = search(sql, query)["total"]
    # the processor writes a crash of that day (late): the day is counted from reports again
    when = dt.datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    crash_id = create_crash_id(when)
    doc = {
        "uuid": crash_id,
        "date_processed": when.isoformat(),
        "signature": "late_crash",
        "product": "KillerApp",
        "version": "1.0",
        "success": True,
    }
    sql.execute("SELECT save_raw_crash(%s, %s, %s, true)", (crash_id, Jsonb({"uuid": crash_id}), when))
    sql.execute("SELECT save_processed_crash(%s, %s)", (crash_id, Jsonb(doc)))
    assert scalar(sql, "SELECT count(*) FROM search_facet_days_done WHERE report_day = %s", (day,)) == 0
    answer = search(sql, query)
    assert answer["total"] == total + 1
    assert {"term": "late_crash", "count": 1} in answer["facets"]["signature"]
    # the next day's roll-up rolls the cleared day up again, with the late crash
    assert scalar(sql, "SELECT update_search_facets(%s)", (day + dt.timedelta(days=1),)) is True
    assert scalar(sql, "SELECT crashes FROM search_facet_days_done WHERE report_day = %s", (day,)) == (
        scalar(
            sql,
            "SELECT count(*) FROM reports WHERE date_processed >= %s AND date_processed < %s",
            (day, day + dt.timedelta(days=1)),
        )
    )
    assert search(sql, query) == answer


def test_the_report_chain_rolls_days_up(sql: psycopg.Connection) -> None:
    steps = {r["proc_name"]: r["kind"] for r in sql.execute("SELECT proc_name, kind FROM report_chain()")}
    assert steps["update_search_facets"] == "daily"
    _load(sql, random.Random(3), per_day=5)
    assert scalar(sql, "SELECT run_report_step('update_search_facets', '2026-11-22', true)") is True
    assert scalar(sql, "SELECT crashes FROM search_facet_days_done WHERE report_day = '2026-11-22'") == 5


def test_no_day_is_refused(sql: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.NullValueNotAllowed, match="no day given"):
        sql.execute("SELECT update_search_facets(NULL)")
