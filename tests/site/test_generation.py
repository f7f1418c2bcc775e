"""The cache generation kept in the web process by LISTEN (web.generation.GenerationWatch): the
number follows bumps made by other connections without a query per request, recovers from a
killed connection, and is read per request where LISTEN cannot serve."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator

import psycopg
import pytest

from web.generation import GenerationWatch


@pytest.fixture
def fresh(fresh_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        yield conn


def counting_reader(url: str) -> tuple[Callable[[], int], list[int]]:
    """A per-request read of the generation that counts its calls."""
    calls: list[int] = []

    def read() -> int:
        with psycopg.connect(url) as conn:
            value = int(conn.execute("SELECT current_cache_generation()").fetchone()[0])
        calls.append(value)
        return value

    return read, calls


def bump(conn: psycopg.Connection) -> int:
    return int(conn.execute("SELECT bump_cache_generation('test')").fetchone()[0])


def eventually(watch: GenerationWatch, expected: int) -> int:
    """The watch's number once it is ``expected`` (a NOTIFY travels between two backends)."""
    deadline = time.monotonic() + 5
    while (value := watch.current()) != expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return value


def test_bumps_arrive_without_a_query_per_request(fresh_db: str, fresh: psycopg.Connection) -> None:
    read, calls = counting_reader(fresh_db)
    watch = GenerationWatch(fresh_db, read)
    try:
        start = watch.current()
        assert watch.listening
        assert start == fresh.execute("SELECT current_cache_generation()").fetchone()[0]
        for n in range(1, 4):
            assert eventually(watch, bump(fresh)) == start + n
        assert [watch.current() for _ in range(50)] == [start + 3] * 50
        # a bump this process committed itself counts at once (the admin's next page)
        mine = bump(fresh)
        watch.saw(mine)
        assert watch.current() == mine
        assert calls == []  # every answer came from the LISTEN connection
    finally:
        watch.close()


def test_a_killed_connection_falls_back_then_listens_again(fresh_db: str, fresh: psycopg.Connection) -> None:
    read, calls = counting_reader(fresh_db)
    watch = GenerationWatch(fresh_db, read, retry_after=0.2)
    try:
        watch.current()
        killed = fresh.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'crashstats-web-generation' AND datname = current_database()"
        ).fetchall()
        assert killed == [(True,)]
        deadline = time.monotonic() + 5
        while (
            time.monotonic() < deadline
            and fresh.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'crashstats-web-generation'"
                " AND datname = current_database()"
            ).fetchone()[0]
        ):
            time.sleep(0.01)  # the backend is gone, its socket closed
        generation = bump(fresh)  # its NOTIFY reaches nobody
        assert watch.current() == generation  # read from the database, not a stale number
        assert calls == [generation] and not watch.listening
        time.sleep(0.3)
        assert watch.current() == generation and watch.listening  # listening again
        assert eventually(watch, bump(fresh)) == generation + 1
        assert len(calls) == 1
    finally:
        watch.close()


def test_the_number_is_checked_again_so_a_reset_is_seen(fresh_db: str, fresh: psycopg.Connection) -> None:
    read, _calls = counting_reader(fresh_db)
    watch = GenerationWatch(fresh_db, read, recheck=0.2)
    try:
        generation = eventually(watch, bump(fresh))
        fresh.execute("DELETE FROM cache_generation")  # a DBA's reset: no NOTIFY
        assert watch.current() == generation
        time.sleep(0.3)
        assert watch.current() == 1
    finally:
        watch.close()


def test_without_listen_every_request_reads_it(fresh_db: str, fresh: psycopg.Connection) -> None:
    read, calls = counting_reader(fresh_db)
    watch = GenerationWatch(None, read)  # a read replica or PgBouncer: no LISTEN
    first = watch.current()
    second = bump(fresh)
    assert watch.current() == second == first + 1
    assert calls == [first, second] and not watch.listening


def test_an_unreachable_database_means_reading_per_request(fresh_db: str) -> None:
    read, calls = counting_reader(fresh_db)
    watch = GenerationWatch("postgresql://nobody@127.0.0.1:1/none", read, retry_after=60)
    assert watch.current() == watch.current()
    assert len(calls) == 2 and not watch.listening


def test_a_dropped_watch_closes_its_connection(fresh_db: str, fresh: psycopg.Connection) -> None:
    """A watch nobody closed (an app built inside a test) takes its connection with it: no
    socket left open, no ResourceWarning (the suite turns warnings into errors)."""
    read, _calls = counting_reader(fresh_db)
    watch = GenerationWatch(fresh_db, read)
    watch.current()
    assert watch.listening
    listening = (
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'crashstats-web-generation'"
        " AND datname = current_database()"  # other tests' sites listen in their own databases
    )
    assert fresh.execute(listening).fetchone()[0] == 1
    del watch
    gc.collect()
    deadline = time.monotonic() + 5
    while fresh.execute(listening).fetchone()[0] and time.monotonic() < deadline:
        time.sleep(0.01)
    assert fresh.execute(listening).fetchone()[0] == 0
