"""The crontabber state functions as a DBA calls them from psql."""

from __future__ import annotations

import datetime as dt

import psycopg
import pytest

from tests.support import scalar

UTC = dt.UTC


def ts(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "frequency", "at", "expected"),
    [
        (ts(2026, 3, 2, 5, 10), "1 day", "05:00", ts(2026, 3, 3, 5, 0)),
        (ts(2026, 3, 2, 23, 59), "1 day", "05:00", ts(2026, 3, 3, 5, 0)),
        (ts(2026, 3, 2, 10, 7), "1 hour", None, ts(2026, 3, 2, 11, 7)),
        (ts(2026, 3, 28, 12, 0), "7 days", None, ts(2026, 4, 4, 12, 0)),  # across a DST change elsewhere
    ],
)
def test_next_run(sql: psycopg.Connection, start, frequency, at, expected) -> None:
    sql.execute("SET LOCAL timezone TO 'Europe/Berlin'")
    assert (
        scalar(sql, "SELECT crontabber_next_run(%s, %s::interval, %s::time)", (start, frequency, at))
        == expected
    )


def test_due_first_run_rule_and_next_run(sql: psycopg.Connection) -> None:
    sql.execute(
        "INSERT INTO crontabber (app_name, next_run) VALUES ('later', %s), ('past', %s)",
        (ts(2026, 3, 2, 12, 0), ts(2026, 3, 2, 4, 0)),
    )

    def due(now: dt.datetime) -> list[str]:
        rows = sql.execute(
            "SELECT d FROM crontabber_due(ARRAY['new', 'pinned', 'later', 'past'],"
            " ARRAY[NULL, '05:00', NULL, NULL]::time[], %s) AS d",
            (now,),
        ).fetchall()
        return [r["d"] for r in rows]

    assert due(ts(2026, 3, 2, 4, 59)) == ["new", "past"]
    assert due(ts(2026, 3, 2, 5, 0)) == ["new", "pinned", "past"]
    assert due(ts(2026, 3, 2, 12, 0)) == ["new", "pinned", "later", "past"]


def test_blocked_by_names_the_first_reason(sql: psycopg.Connection) -> None:
    now = ts(2026, 3, 2, 12, 0)
    sql.execute(
        "INSERT INTO crontabber (app_name, last_run, last_success, next_run, last_error, ongoing) VALUES"
        " ('fine', %(t)s, %(t)s, %(later)s, '{}', NULL),"
        ' (\'failed\', %(t)s, NULL, %(later)s, \'{"type": "E", "value": "boom"}\', NULL),'
        " ('running', %(t)s, %(t)s, %(later)s, '{}', %(t)s),"
        " ('overdue', %(t)s, %(t)s, %(t)s, '{}', NULL)",
        {"t": ts(2026, 3, 2, 11, 0), "later": ts(2026, 3, 2, 13, 0)},
    )

    def blocked(*deps: str) -> str | None:
        return scalar(sql, "SELECT crontabber_blocked_by(%s, %s)", (list(deps), now))

    assert blocked("fine") is None
    assert blocked() is None
    assert blocked("fine", "never") == "never has not run yet"
    assert blocked("failed") == "failed failed the last time it ran (E: boom)"
    assert blocked("running") == "running is running (since 2026-03-02 11:00:00Z)"
    assert (
        blocked("overdue")
        == "overdue has not succeeded since 2026-03-02 11:00:00Z (it was due 2026-03-02 11:00:00Z)"
    )


def test_backfill_times(sql: psycopg.Connection) -> None:
    def times(app: str, frequency: str, at: str | None, now: dt.datetime) -> list[dt.datetime]:
        rows = sql.execute(
            "SELECT t FROM crontabber_backfill_times(%s, %s::interval, %s::time, %s) AS t",
            (app, frequency, at, now),
        ).fetchall()
        return [r["t"] for r in rows]

    assert times("never", "1 day", "05:00", ts(2026, 3, 2, 6, 0)) == [ts(2026, 3, 2, 6, 0)]
    sql.execute(
        "INSERT INTO crontabber (app_name, last_success) VALUES ('daily', %s)", (ts(2026, 3, 2, 5, 10),)
    )
    assert times("daily", "1 day", "05:00", ts(2026, 3, 3, 4, 59)) == []
    assert times("daily", "1 day", "05:00", ts(2026, 3, 5, 5, 0)) == [
        ts(2026, 3, 3, 5, 0),
        ts(2026, 3, 4, 5, 0),
        ts(2026, 3, 5, 5, 0),
    ]
    assert times("daily", "1 hour", None, ts(2026, 3, 2, 7, 30)) == [
        ts(2026, 3, 2, 6, 10),
        ts(2026, 3, 2, 7, 10),
    ]
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="frequency must be positive"):
        times("daily", "0 seconds", None, ts(2026, 3, 2, 7, 30))


def test_log_finish_and_state_view(sql: psycopg.Connection) -> None:
    start = ts(2026, 3, 2, 5, 0)
    claimed = sql.execute("SELECT * FROM crontabber_claim('job', %s)", (start,)).fetchall()
    assert [r["ongoing"] for r in claimed] == [start]
    assert scalar(sql, "SELECT status FROM crontabber_state WHERE app_name = 'job'") == "running"
    sql.execute(
        "SELECT crontabber_log_run('job', %s, %s, '2 seconds', ARRAY['NOTICE: hello'])", (start, start)
    )
    row = sql.execute(
        "SELECT * FROM crontabber_finish_run('job', %s, ARRAY['dep'], '1 day', '05:00', NULL)", (start,)
    ).fetchone()
    assert (row["first_run"], row["last_run"], row["last_success"], row["next_run"]) == (
        start,
        start,
        start,
        ts(2026, 3, 3, 5, 0),
    )
    assert (row["error_count"], row["last_error"], row["ongoing"], row["depends_on"]) == (
        0,
        {},
        None,
        ["dep"],
    )
    later = ts(2026, 3, 3, 5, 0)
    sql.execute("SELECT * FROM crontabber_claim('job', %s)", (later,))
    error = '{"type": "ValueError", "value": "bad", "traceback": "Traceback ..."}'
    sql.execute("SELECT crontabber_log_run('job', %s, NULL, '1 second', NULL, %s::jsonb)", (later, error))
    row = sql.execute(
        "SELECT * FROM crontabber_finish_run('job', %s, '{}', '1 day', '05:00', %s::jsonb, '10 minutes')",
        (later, error),
    ).fetchone()
    assert (row["first_run"], row["last_success"], row["next_run"], row["error_count"]) == (
        start,
        start,
        ts(2026, 3, 3, 5, 10),
        1,
    )
    state = sql.execute("SELECT * FROM crontabber_state WHERE app_name = 'job'").fetchone()
    assert state["status"] == "failing"
    assert state["last_log_ok"] is False and state["last_duration"] == dt.timedelta(seconds=1)
    log = sql.execute(
        "SELECT success, exc_type, exc_traceback, notices FROM crontabber_log ORDER BY id"
    ).fetchall()
    assert log == [
        {"success": start, "exc_type": None, "exc_traceback": None, "notices": ["NOTICE: hello"]},
        {"success": None, "exc_type": "ValueError", "exc_traceback": "Traceback ...", "notices": None},
    ]


def test_nagios_levels(sql: psycopg.Connection) -> None:
    now = ts(2026, 3, 2, 12, 0)

    def nagios(backfill: list[str]) -> tuple[int, str]:
        row = sql.execute(
            "SELECT * FROM crontabber_nagios(ARRAY['a', 'b', 'stuck'], %s, %s)", (backfill, now)
        ).fetchone()
        return row["status"], row["message"]

    assert nagios([]) == (0, "OK - All systems nominal")
    sql.execute(
        "INSERT INTO crontabber (app_name, error_count, last_error) VALUES"
        ' (\'a\', 1, \'{"type": "E", "value": "once"}\')'
    )
    assert nagios(["a"]) == (1, "WARNING - a | E | once")
    assert nagios([]) == (2, "CRITICAL - a | E | once")
    sql.execute(
        "INSERT INTO crontabber (app_name, ongoing) VALUES ('stuck', %s)", (now - dt.timedelta(hours=13),)
    )
    assert nagios(["a"]) == (2, "CRITICAL - stuck | running since 2026-03-01 23:00:00Z")
