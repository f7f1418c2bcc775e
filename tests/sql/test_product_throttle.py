"""set_product_throttle: one throttle per product channel (product_build_types, which the reports
read; product_release_channels kept equal), the stored rates of that channel's versions
re-scaled on every day, the cache generation bumped, bad input refused with nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import psycopg
import pytest

from tests.clock import SuiteClock
from tests.support import scalar

PRODUCT = "ThrottleApp"


def version(
    sql: psycopg.Connection, name: str, build_type: str, day: dt.date, parent: int | None = None
) -> int:
    return scalar(
        sql,
        "INSERT INTO product_versions (product_name, major_version, release_version, version_string,"
        " build_date, sunset_date, build_type, build_type_enum, rapid_beta_id, is_rapid_beta)"
        " VALUES (%s, '2.0', '2.0', %s, %s, %s, %s, %s::build_type, %s, %s) RETURNING product_version_id",
        (
            PRODUCT,
            name,
            day - dt.timedelta(days=30),
            day + dt.timedelta(days=90),
            build_type,
            build_type,
            parent,
            name.endswith("b"),
        ),
    )


def graph(sql: psycopg.Connection, pv: int, day: dt.date, crashes: int, adu: int) -> None:
    sql.execute(
        "INSERT INTO home_page_graph (product_version_id, report_date, report_count, adu, crash_hadu)"
        " VALUES (%s, %s, %s, %s, crash_hadu(%s, %s, 1.0))",
        (pv, day, crashes, adu, crashes, adu),
    )


def rates(sql: psycopg.Connection, pv: int) -> list[Decimal]:
    rows = sql.execute(
        "SELECT crash_hadu FROM home_page_graph WHERE product_version_id = %s ORDER BY report_date", (pv,)
    ).fetchall()
    return [r["crash_hadu"] for r in rows]


def test_a_throttle_change_rescales_the_days_of_that_channel(
    sql: psycopg.Connection, clock: SuiteClock
) -> None:
    today = clock.now().date()
    sql.execute("SELECT add_new_product(%s, '1.0')", (PRODUCT,))
    release = version(sql, "2.0", "release", today)
    parent = version(sql, "3.0b", "beta", today)
    beta = version(sql, "3.0b1", "beta", today, parent)
    nightly = version(sql, "4.0a1", "nightly", today)
    days = [today - dt.timedelta(days=n) for n in (3, 2, 1)]
    for n, day in enumerate(days):
        for pv in (release, parent, beta, nightly):
            graph(sql, pv, day, 10 + n, 1000)
    before = scalar(sql, "SELECT generation FROM cache_generation")

    changed = scalar(sql, "SELECT set_product_throttle(%s, 'Release', 0.5)", (PRODUCT,))
    assert changed == 3  # the release version's three days
    assert rates(sql, release) == [Decimal("2.000"), Decimal("2.200"), Decimal("2.400")]
    assert rates(sql, nightly) == [Decimal("1.000"), Decimal("1.100"), Decimal("1.200")]
    assert scalar(
        sql,
        "SELECT throttle FROM product_build_types WHERE product_name = %s AND build_type = 'release'",
        (PRODUCT,),
    ) == Decimal("0.5")
    assert scalar(
        sql,
        "SELECT throttle FROM product_release_channels"
        " WHERE product_name = %s AND release_channel = 'Release'",
        (PRODUCT,),
    ) == Decimal("0.5")
    assert scalar(sql, "SELECT generation FROM cache_generation") > (before or 0)
    # the pages read the same throttle: adjusted crashes and the stored rate agree
    row = sql.execute(
        "SELECT adjusted_report_count, crash_hadu, throttle FROM home_page_graph_view"
        " WHERE product_version_id = %s AND report_date = %s",
        (release, days[0]),
    ).fetchone()
    assert row == {
        "adjusted_report_count": Decimal("20.000"),
        "crash_hadu": Decimal("2.000"),
        "throttle": Decimal("0.5"),
    }

    # the beta channel: the betas and their rapid-beta parent, nothing else
    assert scalar(sql, "SELECT set_product_throttle(%s, 'beta', 0.25)", (PRODUCT,)) == 6
    assert rates(sql, parent) == rates(sql, beta) == [Decimal("4.000"), Decimal("4.400"), Decimal("4.800")]
    assert rates(sql, release) == [Decimal("2.000"), Decimal("2.200"), Decimal("2.400")]
    # the same throttle again changes no row; the older name goes through the same function
    assert scalar(sql, "SELECT set_product_throttle(%s, 'beta', 0.25)", (PRODUCT,)) == 0
    sql.execute("SELECT set_release_throttle(%s, 'nightly', 0.1)", (PRODUCT,))
    assert rates(sql, nightly) == [Decimal("10.000"), Decimal("11.000"), Decimal("12.000")]


@pytest.mark.parametrize(
    ("product", "channel", "throttle", "error", "message"),
    [
        (PRODUCT, "release", "0", psycopg.errors.InvalidParameterValue, "throttle=0 is out of range"),
        (PRODUCT, "release", "1.5", psycopg.errors.InvalidParameterValue, "throttle=1.5 is out of range"),
        (PRODUCT, "release", None, psycopg.errors.InvalidParameterValue, "out of range"),
        (PRODUCT, "weekly", "0.5", psycopg.errors.InvalidParameterValue, "unknown channel weekly"),
        ("NoSuchApp", "release", "0.5", psycopg.errors.ForeignKeyViolation, "unknown product NoSuchApp"),
    ],
)
def test_bad_throttles_are_refused_and_change_nothing(
    sql: psycopg.Connection, product: str, channel: str, throttle: str | None, error: type, message: str
) -> None:
    sql.execute("SELECT add_new_product(%s, '1.0')", (PRODUCT,))
    with sql.transaction(force_rollback=True), pytest.raises(error, match=message):
        sql.execute("SELECT set_product_throttle(%s, %s, %s::numeric)", (product, channel, throttle))
    assert scalar(
        sql,
        "SELECT array_agg(DISTINCT throttle) FROM product_build_types WHERE product_name = %s",
        (PRODUCT,),
    ) == [Decimal("1.0")]
