"""PostgreSQL that hangs (a proxy that stops forwarding): pools and single connections give up
after their read timeout with DatabaseUnavailable, and work again once it answers."""

from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from pyapp import db, errors
from tests.hang_servers import HangingProxy


def through(proxy: HangingProxy, url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)
    auth = netloc[0] + "@" if len(netloc) == 2 else ""
    return urlunsplit(parts._replace(netloc=f"{auth}127.0.0.1:{proxy.port}"))


def test_a_pool_gives_up_on_a_hung_server_and_recovers(fresh_db: str) -> None:
    parts = urlsplit(fresh_db)
    with HangingProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        database = db.Database(
            through(proxy, fresh_db), component="test", connect_timeout=2, read_timeout=1.5, autocommit=True
        )
        with database:
            assert database.fetch_value("SELECT 1") == 1
            proxy.hang()
            began = time.monotonic()
            with pytest.raises(errors.DatabaseUnavailable, match=r"did not answer within 1\.5 s"):
                database.fetch_value("SELECT 2")
            assert time.monotonic() - began < 10
            # a new connection through the hung proxy: the connect timeout
            began = time.monotonic()
            with pytest.raises(errors.DatabaseUnavailable):
                database.fetch_value("SELECT 3")
            assert time.monotonic() - began < 10
            proxy.resume()
            deadline = time.monotonic() + 20
            while True:  # the pool reconnects in the background
                try:
                    assert database.fetch_value("SELECT 4") == 4
                    break
                except errors.DatabaseUnavailable:
                    assert time.monotonic() < deadline, "the pool never came back"
                    time.sleep(0.2)


def test_a_slow_statement_within_the_read_timeout_is_answered(fresh_db: str) -> None:
    with db.Database(fresh_db, component="test", read_timeout=3, autocommit=True) as database:
        assert database.fetch_value("SELECT 6 FROM pg_sleep(0.5)") == 6
        with pytest.raises(errors.DatabaseUnavailable, match="did not answer within 3 s"):
            database.fetch_value("SELECT pg_sleep(10)")
        assert database.fetch_value("SELECT 5") == 5  # the broken connection was replaced


def test_single_connections_and_no_limit(fresh_db: str) -> None:
    parts = urlsplit(fresh_db)
    with HangingProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        conn = db.connect(through(proxy, fresh_db), autocommit=True, timeout=2, read_timeout=1)
        assert conn.execute("SELECT 1 AS one").fetchone() == {"one": 1}
        proxy.hang()
        began = time.monotonic()
        with pytest.raises(errors.DatabaseUnavailable), db.wrap_exceptions():
            conn.execute("SELECT 1")
        assert time.monotonic() - began < 10
        assert conn.closed
        # LISTEN waits keep their own timeout
        proxy.resume()
        conn = db.connect(through(proxy, fresh_db), autocommit=True, timeout=2, read_timeout=0.5)
        conn.execute("LISTEN nothing_here")
        began = time.monotonic()
        assert list(conn.notifies(timeout=1.2)) == []
        assert time.monotonic() - began >= 1.1 and not conn.closed
        conn.close()
    # no read timeout: a statement may take as long as it takes
    with db.connect(fresh_db, autocommit=True) as plain:
        assert plain.read_timeout is None
        assert plain.execute("SELECT 7 AS done FROM pg_sleep(1.2)").fetchone() == {"done": 7}
