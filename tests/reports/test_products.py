"""Products, releases and product versions: add_new_product, add_new_release,
update_product_versions, edit_featured_versions, and the seed's ADI statement."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from tests.clock import CLOCK
from tests.support import scalar

pytestmark = pytest.mark.dates  # product version windows end on the run's today

TODAY = CLOCK.today()  # the databases' utc_today() too: update_product_versions' window ends here


def build(days_ago: int, hour: int = 3) -> int:
    return int(f"{TODAY - dt.timedelta(days=days_ago):%Y%m%d}{hour:02d}0000")


def versions(sql: psycopg.Connection, product: str) -> dict[str, dict]:
    return {
        r["version_string"]: r
        for r in sql.execute("SELECT * FROM product_versions WHERE product_name = %s", (product,)).fetchall()
    }


def test_products_releases_and_rapid_betas(sql: psycopg.Connection) -> None:
    assert scalar(sql, "SELECT add_new_product('Fox', '10.0', '{fox@example.com}', 'firefox', 0.25, 12.0)")
    assert sql.execute(
        "SELECT throttle FROM product_build_types WHERE product_name = 'Fox' AND build_type = 'release'"
    ).fetchone()["throttle"] == pytest.approx(0.25)
    assert (
        scalar(sql, "SELECT product_name FROM product_productid_map WHERE productid = '{fox@example.com}'")
        == "Fox"
    )
    releases = [
        ("Fox", "11.0", "release", build(20), "Windows", None),
        ("firefox", "11.0", "release", build(20), "Linux", None),  # by release name
        ("Fox", "12.0", "beta", build(10), "Windows", 1),
        ("Fox", "12.0b2", "beta", build(5), "Windows", None),  # beta number in the version
        ("Fox", "11.0", "beta", build(25), "Windows", 3),  # below rapid_beta_version: a plain beta
        ("Fox", "13.0a1", "nightly", build(2), "Windows", None),
        ("Fox", "13.0a1", "nightly", build(1), "Windows", None),
        ("Fox", "10.0.5esr", "release", build(29), "Windows", None),  # ESR rewrite
        ("Fox", "9.0", "release", build(15), "Windows", None),  # before rapid_release_version
    ]
    for product, version, channel, build_id, platform, beta in releases:
        assert (
            scalar(
                sql,
                "SELECT add_new_release(%s, %s, %s, %s, %s, %s)",
                (product, version, channel, build_id, platform, beta),
            )
            is True
        )
    sql.execute(
        "INSERT INTO releases_raw (product_name, version, platform, build_id, build_type, repository) "
        "VALUES ('firefox', '11.5', 'Windows', %s, 'release', 'not-whitelisted')",
        (build(3),),
    )
    assert scalar(sql, "SELECT update_product_versions()") is True
    got = versions(sql, "Fox")
    assert set(got) == {"11.0", "12.0b", "12.0b1", "12.0b2", "11.0b3", "13.0a1", "10.0.5esr"}
    parent, b1, b2 = got["12.0b"], got["12.0b1"], got["12.0b2"]
    assert parent["is_rapid_beta"] and parent["has_builds"] and parent["beta_number"] == 0
    assert b1["rapid_beta_id"] == parent["product_version_id"] == b2["rapid_beta_id"]
    assert (
        b1["sunset_date"]
        == b2["sunset_date"]
        == parent["sunset_date"]
        == TODAY - dt.timedelta(days=10) + dt.timedelta(weeks=9)
    )
    assert got["11.0b3"]["rapid_beta_id"] is None and not got["11.0b3"]["is_rapid_beta"]
    assert got["10.0.5esr"]["build_type"] == "esr"
    assert got["11.0"]["sunset_date"] == TODAY - dt.timedelta(days=20) + dt.timedelta(weeks=18)
    assert got["13.0a1"]["build_date"] == TODAY - dt.timedelta(days=2) and got["13.0a1"]["has_builds"]
    assert [v for v, _ in sorted(((k, r["version_sort"]) for k, r in got.items()), key=lambda x: x[1])] == [
        "10.0.5esr",
        "11.0b3",
        "11.0",
        "12.0b1",
        "12.0b2",
        "12.0b",
        "13.0a1",
    ]
    builds = {
        (r["version_string"], r["platform"])
        for r in sql.execute(
            "SELECT version_string, platform FROM product_version_builds"
            " JOIN product_versions USING (product_version_id) WHERE product_name = 'Fox'"
        ).fetchall()
    }
    assert ("11.0", "Linux") in builds and ("11.0", "Windows") in builds
    assert not any(v == "12.0b" for v, _ in builds)
    assert (
        scalar(
            sql,
            "SELECT count(*) FROM product_version_builds pvb JOIN product_versions USING "
            "(product_version_id) WHERE version_string = '13.0a1' AND product_name = 'Fox'",
        )
        == 2
    )
    before = sql.execute("SELECT count(*) AS n FROM product_versions").fetchone()["n"]
    assert scalar(sql, "SELECT update_product_versions()") is True
    assert sql.execute("SELECT count(*) AS n FROM product_versions").fetchone()["n"] == before

    # featured versions
    assert scalar(sql, "SELECT edit_featured_versions('Fox', '11.0', '12.0b')") is True
    assert {
        r["version_string"]
        for r in sql.execute(
            "SELECT version_string FROM product_versions WHERE product_name = 'Fox' AND featured_version"
        ).fetchall()
    } == {"11.0", "12.0b"}
    assert scalar(sql, "SELECT edit_featured_versions('Fox', '13.0a1')") is True
    assert (
        scalar(
            sql,
            "SELECT string_agg(version_string, ',') FROM product_info WHERE product_name = 'Fox' "
            "AND is_featured",
        )
        == "13.0a1"
    )
    assert scalar(sql, "SELECT version_string FROM default_versions WHERE product_name = 'Fox'") == "13.0a1"


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        ("add_new_product(NULL, '1.0')", psycopg.errors.NullValueNotAllowed, "required"),
        ("add_new_product('KillerApp', '1.0')", psycopg.errors.UniqueViolation, "already exists"),
        (
            "add_new_product('X', '1.0', release_throttle => 2)",
            psycopg.errors.InvalidParameterValue,
            "throttle",
        ),
        (
            "add_new_release('Nope', '1.0', 'release', 20140101000000, 'Linux')",
            psycopg.errors.ForeignKeyViolation,
            "unknown product",
        ),
        (
            "add_new_release('KillerApp', '1.0', 'stable', 20140101000000, 'Linux')",
            psycopg.errors.InvalidParameterValue,
            "unknown channel",
        ),
        (
            "add_new_release('KillerApp', '1.0', 'nightly', 20140101000000, 'Linux')",
            psycopg.errors.InvalidParameterValue,
            "does not fit channel",
        ),
        (
            "add_new_release('KillerApp', '2.0', 'beta', 20140101000000, 'Linux')",
            psycopg.errors.NullValueNotAllowed,
            "beta number",
        ),
        (
            "add_new_release('KillerApp', '1.0', 'release', 20001301000000, 'Linux')",
            psycopg.errors.InvalidParameterValue,
            "does not start with a date",
        ),
        (
            "add_new_release('KillerApp', '1.0', 'release', 20140101165243, 'Linux')",
            psycopg.errors.UniqueViolation,
            "already present",
        ),
        ("edit_featured_versions('KillerApp', '')", psycopg.errors.NullValueNotAllowed, "at least one"),
        ("edit_featured_versions('KillerApp', '7.7')", psycopg.errors.NoDataFound, "has no version 7.7"),
        ("edit_featured_versions('KillerApp', '1.0')", psycopg.errors.InvalidParameterValue, "sunset"),
    ],
)
def test_bad_calls_are_refused_with_a_reason(sql: psycopg.Connection, call: str, error, message: str) -> None:
    sql.execute("SELECT add_new_product('KillerApp', '1.0', '{killerapp@example.com}', 'KillerApp')")
    sql.execute(
        "SELECT add_new_release('KillerApp', '1.0', 'release', 20140101165243, 'Linux',"
        " update_products => true)"
    )
    sql.execute("SAVEPOINT before_call")
    with pytest.raises(error, match=message) as excinfo:
        sql.execute(f"SELECT {call}")
    assert excinfo.value.diag.message_hint or excinfo.value.diag.message_primary
    sql.execute("ROLLBACK TO SAVEPOINT before_call")
    assert scalar(sql, "SELECT count(*) FROM products") == 1


def test_the_seed_adi_statement_feeds_product_adu(sql: psycopg.Connection) -> None:
    """The README's seed rows: a product, its release, the seed's verbatim raw_adi INSERT."""
    sql.execute("SELECT add_new_product('KillerApp', '1.0', '{killerapp@example.com}', 'KillerApp')")
    sql.execute(
        "SELECT add_new_release('KillerApp', '1.0', 'release', 20140101165243, 'Linux',"
        " update_products => true)"
    )
    sql.execute(
        "INSERT INTO raw_adi VALUES (15, '2014-01-01', 'KillerApp', 'Linux', '2.6.18',\n"
        "                              '1.0', '20140101165243',\n"
        "                              '{killerapp@example.com}', 'release');"
    )
    assert scalar(sql, "SELECT update_adu('2014-01-01')") is True
    row = sql.execute(
        "SELECT pv.version_string, a.os_name::text, a.adu_count FROM product_adu a "
        "JOIN product_versions pv USING (product_version_id)"
    ).fetchone()
    assert row == {"version_string": "1.0", "os_name": "Linux", "adu_count": 15}
    assert scalar(sql, "SELECT update_adu('2014-01-01')") is False  # already done
    # the whole chain for that day (no crashes yet): the home page graph shows the ADI
    assert scalar(sql, "SELECT backfill_matviews('2014-01-01', '2014-01-01')") is True
    row = sql.execute(
        "SELECT report_count, adu, crash_hadu FROM home_page_graph_view "
        "WHERE product_name = 'KillerApp' AND report_date = '2014-01-01'"
    ).fetchone()
    assert row == {"report_count": 0, "adu": 15, "crash_hadu": 0}
