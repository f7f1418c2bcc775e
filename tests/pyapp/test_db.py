"""pyapp.db: pool, dict rows, named parameters, application_name, error mapping."""

from __future__ import annotations

import pytest

from pyapp import errors
from pyapp.db import Database, connect, create_database, database_exists, to_sqlalchemy_url
from pyapp.embedded import free_port
from pyapp.queries import parse_queries


@pytest.fixture
def database(fresh_db: str):
    with Database(fresh_db, component="tests") as db:
        yield db


def test_rows_are_dicts_and_parameters_are_named(database: Database) -> None:
    rows = database.fetch_all(
        "SELECT os_name::text, os_short_name::text FROM os_names"
        " WHERE os_short_name = ANY(%(short)s) ORDER BY 1",
        short=["win", "lin"],
    )
    assert rows == [
        {"os_name": "Linux", "os_short_name": "lin"},
        {"os_name": "Windows", "os_short_name": "win"},
    ]
    assert database.fetch_value("SELECT crash_hadu(%(c)s, %(a)s)", c=5, a=100) == 5
    assert database.fetch_one("SELECT 1 AS x WHERE false") is None


def test_application_name_is_set(database: Database) -> None:
    assert database.fetch_value("SELECT current_setting('application_name')") == "crashstats-tests"


def test_transaction_commits_or_rolls_back(database: Database) -> None:
    with database.transaction() as conn:
        conn.execute("INSERT INTO bugs (id, status) VALUES (1, 'NEW')")
    with pytest.raises(errors.InvalidInput), database.transaction() as conn:
        conn.execute("INSERT INTO bugs (id, status) VALUES (2, 'NEW')")
        conn.execute("SELECT 1/0")
    assert database.fetch_all("SELECT id FROM bugs") == [{"id": 1}]


@pytest.mark.parametrize(
    ("statement", "error", "message"),
    [
        ("INSERT INTO os_names VALUES ('Linux', 'lin')", errors.Conflict, "duplicate key"),
        ("SELECT * FROM no_such_table", errors.SchemaMissing, "no_such_table"),
        ("SELECT no_such_function()", errors.SchemaMissing, "no_such_function"),
        ("SELECT 1/0", errors.InvalidInput, "division by zero"),
        ("SELECT try_lock_table('bugs', 'NOT A MODE')", errors.InvalidInput, "unknown lock mode"),
        ("SET LOCAL statement_timeout = 50; SELECT pg_sleep(2)", errors.QueryTimeout, "statement timeout"),
    ],
)
def test_sql_errors_become_project_errors(
    database: Database, statement: str, error: type, message: str
) -> None:
    with pytest.raises(error, match=message) as info, database.transaction() as conn:
        for part in statement.split("; "):
            conn.execute(part)
    assert info.value.sqlstate


def test_hint_from_sql_is_kept(database: Database) -> None:
    with pytest.raises(errors.InvalidInput) as info:
        database.execute("SELECT try_lock_table('bugs', 'NOPE')")
    assert "LOCK TABLE mode" in str(info.value)


def test_unreachable_database_is_a_clear_error() -> None:
    port = free_port()
    with pytest.raises(errors.DatabaseUnavailable, match=f"cannot connect to PostgreSQL.*{port}"):
        Database(f"postgresql://nobody@127.0.0.1:{port}/breakpad", connect_timeout=2).open()


def test_missing_database_hints_at_setup(pg) -> None:
    with pytest.raises(errors.DatabaseUnavailable, match="does not exist") as info:
        connect(pg.url("no_such_database"))
    assert "crashstats setup postgres" in str(info.value)


def test_create_database_once(pg) -> None:
    name = f"created_{free_port()}"
    try:
        assert create_database(pg.admin_url, name) is True
        assert create_database(pg.admin_url, name) is False
        assert database_exists(pg.admin_url, name)
        with connect(pg.url(name)) as conn:
            assert conn.execute("SHOW timezone").fetchone() == {"TimeZone": "UTC"}
    finally:
        with connect(pg.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')


def test_sqlalchemy_url() -> None:
    assert to_sqlalchemy_url("postgresql://u:p@h:1/d") == "postgresql+psycopg://u:p@h:1/d"
    assert to_sqlalchemy_url("postgres://h/d") == "postgresql+psycopg://h/d"


def test_named_queries_parse() -> None:
    queries = parse_queries("-- name: one\n-- what it does\nSELECT 1;\n\n-- name: two\nSELECT %(x)s\n")
    assert queries == {"one": "/* crashstats:one */ SELECT 1", "two": "/* crashstats:two */ SELECT %(x)s"}
    with pytest.raises(ValueError, match="defined twice"):
        parse_queries("-- name: one\nSELECT 1;\n-- name: one\nSELECT 2;\n")
    with pytest.raises(ValueError, match="no statement"):
        parse_queries("-- name: empty\n-- only a comment\n")


def test_the_pool_opens_once_when_threads_race(fresh_db: str) -> None:
    import threading

    from pyapp.db import Database

    db = Database(fresh_db, max_size=4)
    barrier = threading.Barrier(8)
    results: list[object] = []

    def first_query() -> None:
        barrier.wait()
        try:
            results.append(db.fetch_value("SELECT 1"))
        except BaseException as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=first_query) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.close()
    assert results == [1] * 8
