"""The helper SQL functions of reference section 2.1, called as a DBA would in psql.

Every case is an expression and its exact expected value. The session time zone is set to
something far from UTC in the time tests: helpers must not depend on it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest

from tests.support import scalar

UTC = dt.UTC


def value(sql: psycopg.Connection, expression: str):
    return scalar(sql, f"SELECT {expression}")


CASES = [
    # build_numeric
    ("build_numeric('20140101165243')", Decimal("20140101165243")),
    ("build_numeric('2014010116524a')", None),
    ("build_numeric('')", None),
    ("build_numeric(NULL)", None),
    ("build_numeric('-1')", None),
    # build_date
    ("build_date(20140101165243)", dt.date(2014, 1, 1)),
    ("build_date(20120229000000)", dt.date(2012, 2, 29)),
    ("build_date(20130229000000)", None),  # not a leap year
    ("build_date(20141399000000)", None),  # month 13
    ("build_date(20140100000000)", None),  # day 0
    ("build_date(20140431000000)", None),  # 31 April
    ("build_date(2014)", None),  # fewer than 8 digits
    ("build_date(20141231)", dt.date(2014, 12, 31)),
    ("build_date(NULL)", None),
    # major_version / to_major_version: the call must not turn into a cast
    ("major_version('6.0a2')", "6.0"),
    ("major_version('38.0b3')", "38.0"),
    ("major_version('31.5.0esr')", "31.5"),
    ("major_version('10a1')", None),
    ("major_version('')", None),
    ("to_major_version('6.0a2')", "6.0"),
    ("to_major_version('40.0a1')", "40.0"),
    ("to_major_version('abc')", None),
    # version_sort_digit / major_version_sort
    ("version_sort_digit('5')", "005"),
    ("version_sort_digit('042')", "042"),
    ("version_sort_digit('')", "000"),
    ("version_sort_digit(NULL)", "000"),
    ("version_sort_digit('1234')", "1234"),
    ("version_sort_digit('0')", "000"),
    ("major_version_sort('38.0b3')", "038000"),
    ("major_version_sort('3.6')", "003006"),
    # version_sort
    ("version_sort('38.0')", "038000000r000"),
    ("version_sort('38.0b3')", "038000000b003"),
    ("version_sort('38.0', 3)", "038000000b003"),
    ("version_sort('40.0a1')", "040000000a001"),
    ("version_sort('40.0a2')", "040000000a002"),
    ("version_sort('31.5.0esr')", "031005000x000"),
    ("version_sort('3.6.28')", "003006028r000"),
    ("version_sort('41.0', 0, 'nightly')", "041000000a001"),
    ("version_sort('41.0', 0, 'aurora')", "041000000a002"),
    ("version_sort('41.0', 0, 'beta')", "041000000b099"),
    ("version_sort('41.0b2', 0, 'beta')", "041000000b002"),
    ("version_sort('41.0.1', 0, 'release')", "041000001r000"),
    ("version_sort('31.5.0', 0, 'esr')", "031005000x000"),
    ("version_sort('3.0(beta)')", "003000000b099"),
    ("version_sort('junk')", None),
    # version_string
    ("version_string('38.0', 3)", "38.0b3"),
    ("version_string('38.0', 0)", "38.0"),
    ("version_string('38.0', NULL)", "38.0"),
    ("version_string('40.0', 0, 'nightly')", "40.0a1"),
    ("version_string('40.0a1', 0, 'nightly')", "40.0a1"),
    ("version_string('40.0', 0, 'aurora')", "40.0a2"),
    ("version_string('38.0', 2, 'beta')", "38.0b2"),
    ("version_string('38.0', 2, 'release')", "38.0"),
    # version_matches_channel
    ("version_matches_channel('40.0a1', 'nightly')", True),
    ("version_matches_channel('40.0a1', 'nightly-cck')", True),
    ("version_matches_channel('40.0a1', 'beta')", False),
    ("version_matches_channel('40.0a2', 'aurora')", True),
    ("version_matches_channel('31.5.0esr', 'release')", True),
    ("version_matches_channel('31.5.0esr', 'esr')", True),
    ("version_matches_channel('31.5.0esr', 'beta')", False),
    ("version_matches_channel('38.0', 'beta')", True),
    ("version_matches_channel('38.0', 'release')", True),
    ("version_matches_channel('38.0', 'aurora')", False),
    ("version_matches_channel('38.0b3', 'beta')", True),
    # is_rapid_beta
    ("is_rapid_beta('beta', '38.0', '38.0')", True),
    ("is_rapid_beta('beta', '39.0', '38.0')", True),
    ("is_rapid_beta('beta', '37.0', '38.0')", False),
    ("is_rapid_beta('release', '39.0', '38.0')", False),
    ("is_rapid_beta('beta', '38.0', '999.0')", False),
    ("is_rapid_beta('beta', '38.0', NULL)", False),
    # sunset_date
    ("sunset_date(20150101000000, 'release')", dt.date(2015, 5, 7)),
    ("sunset_date(20150101000000, 'esr')", dt.date(2015, 5, 7)),
    ("sunset_date(20150101000000, 'beta')", dt.date(2015, 3, 5)),
    ("sunset_date(20150101000000, 'Nightly')", dt.date(2015, 3, 5)),
    # get_cores
    ("get_cores('GenuineIntel family 6 model 42 stepping 7 | 4')", 4),
    ("get_cores('AuthenticAMD family 16 | 12')", 12),
    ("get_cores('GenuineIntel family 6 model 42')", None),
    # url2domain
    ("url2domain('https://www.example.com/path?q=1')::text", "https://www.example.com"),
    ("url2domain('http://my-site.example.org:8080/a')::text", "http://my-site.example.org"),
    ("url2domain('HTTP://User@Example.COM/')::text", "http://example.com"),
    ("url2domain('about:blank')", None),
    ("url2domain('not a url')", None),
    # crash_hadu / crash_madu
    ("crash_hadu(10, 1000)", Decimal("1.000")),
    ("crash_hadu(10, 1000, 0.1)", Decimal("10.000")),
    ("crash_hadu(1, 3)", Decimal("33.333")),
    ("crash_hadu(5, 0)", Decimal("0.000")),
    ("crash_hadu(5, NULL)", Decimal("0.000")),
    ("crash_hadu(5, 1000, 0)", Decimal("0.500")),
    ("crash_hadu(5, 1000, NULL)", Decimal("0.500")),
    ("crash_hadu(7::bigint, 200::bigint, 0.5)", Decimal("7.000")),
    ("crash_madu(3, 1000000)", Decimal("3.000")),
    ("crash_madu(3, 2000000, 0.5)", Decimal("3.000")),
    ("crash_madu(3, 0)", Decimal("0.000")),
    # same_time_fuzzy: (date2-date1) - (secs2-secs1) within 60 s
    ("same_time_fuzzy('2014-01-01 10:00Z', '2014-01-01 10:10Z', 100, 700)", True),
    ("same_time_fuzzy('2014-01-01 10:00Z', '2014-01-01 10:10Z', 100, 759)", True),
    ("same_time_fuzzy('2014-01-01 10:00Z', '2014-01-01 10:10Z', 100, 761)", False),
    ("same_time_fuzzy('2014-01-01 10:00Z', '2014-01-01 10:10Z', 100, 100)", False),
    ("same_time_fuzzy('2014-01-01 10:00Z', '2014-01-01 10:10Z', NULL, 100)", True),
    ("same_time_fuzzy('2014-01-01 10:00Z', '2014-01-01 10:10Z', 100, NULL)", True),
    ("same_time_fuzzy('2014-01-01 10:00Z', '2014-01-01 10:10Z', -1, 600)", False),
    # nonzero_string
    ("nonzero_string('x')", True),
    ("nonzero_string('  ')", False),
    ("nonzero_string('')", False),
    ("nonzero_string(NULL)", False),
    # create_os_version_string
    ("create_os_version_string('Windows', 6, 1)::text", "Windows 7"),
    ("create_os_version_string('Windows NT', 10, 0)::text", "Windows 10"),
    ("create_os_version_string('Windows', 9, 9)::text", "Windows Unknown"),
    ("create_os_version_string('Mac OS X', 10, 8)::text", "OS X 10.8"),
    ("create_os_version_string('Mac OS X', 10, 21)::text", "OS X Unknown"),
    ("create_os_version_string('Mac OS X', 14, 2)::text", "macOS 14.2"),
    ("create_os_version_string('Mac OS X', 9, 0)::text", "OS X Unknown"),
    ("create_os_version_string('Linux', 4, 19)::text", "Linux"),
]


@pytest.mark.parametrize(("expression", "expected"), CASES, ids=[c[0] for c in CASES])
def test_helper(sql: psycopg.Connection, expression: str, expected: object) -> None:
    assert value(sql, expression) == expected


TIME_CASES = [
    # Monday of the UTC week, whatever the session time zone says
    ("week_begins_utc('2026-11-29 23:30-05')", dt.date(2026, 11, 30)),  # 04:30 UTC Monday
    ("week_begins_utc('2026-11-29 23:30Z')", dt.date(2026, 11, 23)),  # still Sunday in UTC
    ("week_begins_utc('2026-11-30 00:00Z')", dt.date(2026, 11, 30)),
    ("week_begins_utc('2021-01-03 12:00Z')", dt.date(2020, 12, 28)),  # across a year boundary
    ("week_begins_partition('reports_20261130')", dt.datetime(2026, 11, 30, tzinfo=UTC)),
    ("week_ends_partition('reports_20261130')", dt.datetime(2026, 12, 7, tzinfo=UTC)),
    ("week_begins_partition('reports')", None),
    ("utc_day_is('2014-01-01 23:59:59.999Z', '2014-01-01')", True),
    ("utc_day_is('2014-01-02 00:00:00Z', '2014-01-01')", False),
    ("utc_day_is('2014-01-01 00:00:00Z', '2014-01-01 17:00')", True),
    ("utc_day_is('2013-12-31 23:59:59.999Z', '2014-01-01')", False),
    ("utc_day_near('2013-12-31 00:00:01Z', '2014-01-01')", True),
    ("utc_day_near('2013-12-31 00:00:00Z', '2014-01-01')", False),
    ("utc_day_near('2014-01-02 23:59:59Z', '2014-01-01')", True),
    ("utc_day_near('2014-01-03 00:00:00Z', '2014-01-01')", False),
    ("tstz_between('2014-01-01 00:00:00Z', '2014-01-01', '2014-01-05')", True),
    ("tstz_between('2014-01-05 23:59:59.999Z', '2014-01-01', '2014-01-05')", True),
    ("tstz_between('2014-01-06 00:00:00Z', '2014-01-01', '2014-01-05')", False),
    ("tstz_between('2013-12-31 23:59:59.999Z', '2014-01-01', '2014-01-05')", False),
]


@pytest.mark.parametrize("timezone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
@pytest.mark.parametrize(("expression", "expected"), TIME_CASES, ids=[c[0] for c in TIME_CASES])
def test_time_helper_ignores_session_time_zone(
    sql: psycopg.Connection, timezone: str, expression: str, expected: object
) -> None:
    sql.execute(f"SET LOCAL timezone TO '{timezone}'")
    assert value(sql, expression) == expected


def test_major_version_domain_refuses_more_than_major_minor(sql: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.CheckViolation):
        value(sql, "'6.0a2'::major_version_t")


def test_version_sort_orders_a_release_train(sql: psycopg.Connection) -> None:
    versions = ["38.0a1", "38.0a2", "38.0b1", "38.0b2", "38.0b10", "38.0", "38.0.1", "38.1.0esr", "39.0a1"]
    rows = sql.execute(
        "SELECT v FROM unnest(%s::text[]) AS v ORDER BY version_sort(v)", (list(reversed(versions)),)
    ).fetchall()
    assert [r["v"] for r in rows] == versions


def test_try_lock_table_takes_a_free_lock(sql: psycopg.Connection) -> None:
    assert value(sql, "try_lock_table('crontabber', 'ACCESS EXCLUSIVE')") is True
    held = scalar(
        sql,
        "SELECT mode FROM pg_locks WHERE relation = 'crontabber'::regclass AND pid = pg_backend_pid()",
    )
    assert held == "AccessExclusiveLock"


def test_try_lock_table_gives_up_on_a_busy_table(sql: psycopg.Connection, shared_db: str) -> None:
    with psycopg.connect(shared_db) as other:
        other.execute("LOCK TABLE crontabber IN ACCESS EXCLUSIVE MODE")
        assert value(sql, "try_lock_table('crontabber', 'EXCLUSIVE', 1)") is False
        other.rollback()


def test_try_lock_table_refuses_an_unknown_mode(sql: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="unknown lock mode"):
        value(sql, "try_lock_table('crontabber', 'EXCLUSIVE; DROP TABLE crontabber')")


def test_version_sort_trigger_fills_a_missing_sort_key(sql: psycopg.Connection) -> None:
    sql.execute("INSERT INTO products (product_name, release_name) VALUES ('KillerApp', 'killerapp')")
    sql.execute(
        """INSERT INTO product_versions (product_name, major_version, release_version, version_string,
                                         beta_number, build_date, sunset_date, build_type)
           VALUES ('KillerApp', '38.0', '38.0', '38.0b3', 3, '2015-01-01', '2015-03-01', 'beta'),
                  ('KillerApp', '38.0', '38.0', '38.0', NULL, '2015-01-01', '2015-05-01', 'release')"""
    )
    sql.execute(
        """INSERT INTO product_versions (product_name, major_version, release_version, version_string,
                                         build_date, sunset_date, version_sort)
           VALUES ('KillerApp', '37.0', '37.0', '37.0', '2015-01-01', '2015-05-01', 'explicit')"""
    )
    rows = sql.execute(
        "SELECT version_string, version_sort FROM product_versions ORDER BY version_sort"
    ).fetchall()
    assert [(r["version_string"], r["version_sort"]) for r in rows] == [
        ("38.0b3", "038000000b003"),
        ("38.0", "038000000r000"),
        ("37.0", "explicit"),
    ]


def test_every_helper_has_a_comment(sql: psycopg.Connection) -> None:
    rows = sql.execute(
        """SELECT p.oid::regprocedure::text AS fn
             FROM pg_proc p
            WHERE p.pronamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
              AND coalesce(obj_description(p.oid, 'pg_proc'), '') = ''"""
    ).fetchall()
    assert rows == []
