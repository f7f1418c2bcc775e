"""ADI loading: the loader (COPY + raw_adi_load), `crashstats adi load`, and the fetch-adi job."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.rows import dict_row

from pyapp.adi import load_adi, text_lines
from tests.jobs.conftest import Reply, utc

CRASHSTATS = Path(sys.executable).with_name("crashstats")
HEADER = (
    "adi_count,date,product_name,product_os_platform,product_os_version,product_version,build,"
    "product_guid,update_channel\n"
)
GOOD = [
    "15,2014-01-01,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release",
    "7,2014-01-01,KillerApp,Windows NT,6.1,1.0,20140101165243,{killerapp@example.com},release",
    # known by its GUID only
    "3,2014-01-01,Killer App Beta,Linux,3.2,1.1,20140101165243,{killerapp@example.com},beta",
]
BAD = {
    "-5,2014-01-01,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release": (
        "negative adi_count: -5"
    ),
    "x,2014-01-01,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release": (
        "adi_count is not a whole number: 'x'"
    ),
    "15,2014-02-30,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release": (
        "bad date: '2014-02-30' (expected YYYY-MM-DD)"
    ),
    "15,01/02/2014,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release": (
        "bad date: '01/02/2014' (expected YYYY-MM-DD)"
    ),
    "15,2014-01-01,NoSuchApp,Linux,2.6.18,1.0,20140101165243,{nosuch@example.com},release": (
        "unknown product: 'NoSuchApp' (add it first, or map its GUID in product_productid_map)"
    ),
    "15,2014-01-01,KillerApp,Linux,2.6.18,1.0,20140101165243": "wrong column count: expected 9, got 7",
    "15,2014-01-01,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release,extra": (
        "wrong column count: expected 9, got 10"
    ),
    "15,2014-01-01,KillerApp,Linux,2.6.18,,20140101165243,{killerapp@example.com},release": (
        "product_version is empty"
    ),
    "99999999999,2014-01-01,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release": (
        "adi_count too large: 99999999999"
    ),
    "15,2999-01-01,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release": (
        "date is in the future: 2999-01-01"
    ),
}


def add_product(conn: psycopg.Connection) -> None:
    conn.execute(
        "INSERT INTO products (product_name, sort, release_name) VALUES ('KillerApp', 1, 'killerapp')"
    )
    conn.execute(
        "INSERT INTO product_productid_map (productid, product_name)"
        " VALUES ('{killerapp@example.com}', 'KillerApp')"
    )


def raw_adi(conn: psycopg.Connection) -> list[tuple]:
    rows = conn.execute(
        "SELECT adi_count, date::text, product_name, product_os_platform, product_os_version,"
        " product_version, build, product_guid, update_channel"
        " FROM raw_adi ORDER BY product_os_platform, adi_count"
    ).fetchall()
    return [tuple(r.values()) if isinstance(r, dict) else tuple(r) for r in rows]


def test_good_rows_are_kept_bad_rows_rejected_with_reasons(sql: psycopg.Connection) -> None:
    add_product(sql)
    bad_lines = list(BAD)
    text = HEADER + "\n".join([GOOD[0], bad_lines[0], GOOD[1], *bad_lines[1:], GOOD[2]]) + "\n"
    result = load_adi(sql, io.StringIO(text))
    assert result.loaded == 3 and result.replaced == 0
    assert result.days == [dt.date(2014, 1, 1)]
    assert [(r.line, r.reason) for r in result.rejected] == [
        (3, BAD[bad_lines[0]]),
        *[(5 + i, BAD[line]) for i, line in enumerate(bad_lines[1:])],
    ]
    assert result.rejected[0].text == bad_lines[0]
    assert raw_adi(sql) == [
        (
            3,
            "2014-01-01",
            "Killer App Beta",
            "Linux",
            "3.2",
            "1.1",
            "20140101165243",
            "{killerapp@example.com}",
            "beta",
        ),
        (
            15,
            "2014-01-01",
            "KillerApp",
            "Linux",
            "2.6.18",
            "1.0",
            "20140101165243",
            "{killerapp@example.com}",
            "release",
        ),
        (
            7,
            "2014-01-01",
            "KillerApp",
            "Windows NT",
            "6.1",
            "1.0",
            "20140101165243",
            "{killerapp@example.com}",
            "release",
        ),
    ]


def test_loading_a_day_again_replaces_it(sql: psycopg.Connection) -> None:
    add_product(sql)
    load_adi(sql, io.StringIO("\n".join(GOOD)))
    result = load_adi(
        sql, io.StringIO("20,2014-01-01,KillerApp,Linux,2.6.18,1.0,1,{killerapp@example.com},release\n")
    )
    # both KillerApp rows of 2014-01-01 replaced; the 'Killer App Beta' product name stays
    assert (result.loaded, result.replaced) == (1, 2)
    assert sorted(r[0] for r in raw_adi(sql)) == [3, 20]
    appended = load_adi(
        sql,
        io.StringIO("1,2014-01-01,KillerApp,Mac,11,1.0,1,{killerapp@example.com},release\n"),
        replace=False,
    )
    assert (appended.loaded, appended.replaced) == (1, 0)
    assert sorted(r[0] for r in raw_adi(sql)) == [1, 3, 20]


def test_the_seeds_example_row_loads_like_its_insert(sql: psycopg.Connection) -> None:
    add_product(sql)
    load_adi(
        sql,
        io.StringIO(
            "15,2014-01-01,KillerApp,Linux,2.6.18,1.0,20140101165243,{killerapp@example.com},release"
        ),
    )
    sql.execute(
        "INSERT INTO raw_adi VALUES (15, '2014-01-01', 'KillerApp', 'Linux', '2.6.18',"
        " '1.0', '20140101165243', '{killerapp@example.com}', 'release')"
    )
    rows = raw_adi(sql)
    assert len(rows) == 2 and rows[0] == rows[1]


def test_undecodable_and_nul_bytes_are_rejected_not_fatal(sql: psycopg.Connection) -> None:
    add_product(sql)
    data = (
        GOOD[0].encode()
        + b"\n"
        + b"15,2014-01-01,Killer,Linux,1,1.0,1,{x},release\n"
        + b"15,2014-01-01,Kil\xffler,Linux,1,1.0,1,{x},release\n"  # Latin-1, not UTF-8
        + b"1,2014-01-01,K\x00,a,b,c,d,e,f\n"
    )
    result = load_adi(sql, text_lines(io.BytesIO(data)))
    assert result.loaded == 1
    assert [(r.line, r.reason) for r in result.rejected] == [
        (2, "unknown product: 'Killer' (add it first, or map its GUID in product_productid_map)"),
        (3, "not valid UTF-8"),
        (4, "contains a NUL byte"),
    ]


def test_raw_adi_load_needs_its_staging_table(sql: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.UndefinedTable, match="no staging table raw_adi_staging"):
        sql.execute("SELECT * FROM raw_adi_load()")


# --- the command line ----------------------------------------------------------------------


def crashstats(*args: str, url: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_"))}
    env["DATABASE_URL"] = url
    env["CRASHSTATS_CONFIG_DIR"] = str(Path(__file__).parent / "data" / "empty-config")
    command = [str(CRASHSTATS)] if CRASHSTATS.exists() else [sys.executable, "-m", "pyapp.cli.main"]
    return subprocess.run(
        [*command, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120
    )


def test_cli_adi_load_reports_rejects_and_keeps_good_rows(fresh_db: str, tmp_path: Path) -> None:
    with psycopg.connect(fresh_db, row_factory=dict_row) as conn:
        add_product(conn)
    path = tmp_path / "adi.csv"
    path.write_text(
        HEADER + GOOD[0] + "\n" + "-5,2014-01-01,KillerApp,Linux,2.6.18,1.0,1,{x},release\n" + GOOD[1]
    )
    proc = crashstats("adi", "load", str(path), url=fresh_db)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "rejected line 3: negative adi_count: -5: -5,2014-01-01,KillerApp,Linux,2.6.18,1.0,1,{x},release",
        "loaded 2 ADI rows for 2014-01-01; 1 rejected",
    ]
    with psycopg.connect(fresh_db) as conn:
        assert conn.execute("SELECT sum(adi_count) FROM raw_adi").fetchone() == (22,)
    # from standard input, all good: exit 0, the day replaced
    proc = crashstats("adi", "load", "-", url=fresh_db, stdin=GOOD[0] + "\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["loaded 1 ADI rows for 2014-01-01, replacing 2; 0 rejected"]


def test_cli_adi_load_of_a_missing_file_is_one_line(fresh_db: str, tmp_path: Path) -> None:
    proc = crashstats("adi", "load", str(tmp_path / "nope.csv"), url=fresh_db)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"crashstats: error: cannot read {tmp_path / 'nope.csv'}: No such file or directory"
    ]


# --- the fetch-adi job ---------------------------------------------------------------------


def adi_day(day: str, *counts: int) -> str:
    return "".join(
        f"{n},{day},KillerApp,Linux,2.6.18,1.0,20140101165243,{{killerapp@example.com}},release\n"
        for n in counts
    )


def test_fetch_adi_loads_yesterday_from_a_file(harness, tmp_path: Path) -> None:
    (tmp_path / "adi-2026-03-01.csv").write_text(HEADER + adi_day("2026-03-01", 10, 20) + "oops\n")
    h = harness(
        "jobs.fetch_adi.FetchADICronApp|1d|07:00",
        utc(2026, 3, 2, 7, 0),
        CRASHSTATS_ADI_SOURCE=str(tmp_path / "adi-{date}.csv"),
    )
    with psycopg.connect(h.url, row_factory=dict_row, autocommit=True) as conn:
        add_product(conn)
    [outcome] = h.tick()
    assert outcome.status == "ran", outcome.message
    assert h.sql("SELECT date::text, sum(adi_count) AS n FROM raw_adi GROUP BY 1") == [
        {"date": "2026-03-01", "n": 30}
    ]
    [log] = h.log("fetch-adi")
    assert log["success"] == utc(2026, 3, 2, 7, 0)
    assert log["notices"] == [
        f"ADI from {tmp_path}/adi-2026-03-01.csv: 2 rows loaded for 2026-03-01, 0 replaced, 1 rejected",
        "rejected line 4: wrong column count: expected 9, got 1: oops",
    ]


def test_fetch_adi_over_http_fails_and_retries_until_the_day_is_there(harness, http_server) -> None:
    days: dict[str, str] = {}

    def serve(request):
        name = request.path.rsplit("/", 1)[-1]
        if name not in days:
            return Reply(404, "not yet")
        return Reply(200, days[name], {"Content-Type": "text/csv"})

    server = http_server(serve)
    h = harness(
        "jobs.fetch_adi.FetchADICronApp|1d|07:00",
        utc(2026, 3, 2, 7, 0),
        CRASHSTATS_ADI_SOURCE=server.url + "/adi/{date}.csv?token=secret",
    )
    with psycopg.connect(h.url, row_factory=dict_row, autocommit=True) as conn:
        add_product(conn)
    [outcome] = h.tick()
    assert outcome.status == "failed"
    assert outcome.message == f"jobs.http.FetchError: {server.url}/adi/2026-03-01.csv: HTTP 404 Not Found"
    assert "secret" not in h.log("fetch-adi")[0]["exc_value"]
    # the file is there but holds another day: still failing
    days["2026-03-01.csv"] = adi_day("2026-02-28", 5)
    h.clock.advance(dt.timedelta(minutes=5))
    [outcome] = h.tick()
    assert outcome.status == "failed"
    assert outcome.message.endswith(f"no ADI rows for 2026-03-01 in {server.url}/adi/2026-03-01.csv")
    assert h.sql("SELECT count(*) AS n FROM raw_adi") == [{"n": 0}]  # rolled back with the failure
    days["2026-03-01.csv"] = adi_day("2026-03-01", 5, 6)
    h.clock.advance(dt.timedelta(minutes=5))
    [outcome] = h.tick()
    assert outcome.status == "ran"
    assert h.sql("SELECT sum(adi_count) AS n FROM raw_adi") == [{"n": 11}]
    assert server.requests[-1].query == {"token": ["secret"]}


def test_fetch_adi_unreachable_source_fails_the_run(harness) -> None:
    from pyapp.embedded import free_port

    h = harness(
        "jobs.fetch_adi.FetchADICronApp|1d|07:00",
        utc(2026, 3, 2, 7, 0),
        CRASHSTATS_ADI_SOURCE=f"http://127.0.0.1:{free_port()}/adi.csv",
        CRASHSTATS_HTTP_TIMEOUT=5,
    )
    [outcome] = h.tick()
    assert outcome.status == "failed" and "Connection refused" in outcome.message
    assert h.state("fetch-adi")["error_count"] == 1
