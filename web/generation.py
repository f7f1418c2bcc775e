"""The web cache's generation number, kept in the process instead of read per request.

Every page's memcached key carries ``current_cache_generation()``. Reading it costs a database
round trip per request, which was half of a cached page's time. ``bump_cache_generation()``
also NOTIFYs ``crashstats_cache_generation`` with the new number, so each process keeps one
connection that LISTENs on that channel; a request then only polls that connection's socket
(a non-blocking read, under a microsecond) for a bump that arrived since the last request.

Safety nets, so a page never keeps a stale number for long:

* the number is read again from the database through the same connection every ``recheck``
  seconds, which also proves the connection alive;
* any error on that connection drops it; until a new one is made (tried again after
  ``retry_after`` seconds), the number is read per request as before. The connection waits at
  most ``read_timeout`` for an answer (it is read under a lock every request takes); when that
  is what failed, the database hangs and the request gets DatabaseUnavailable (its 503 page)
  at once instead of a second wait through the pool.

Where LISTEN cannot serve, the number is read per request: through PgBouncer in transaction
pooling (no LISTEN there), and when pages read a streaming replica (the number must be the
replica's, so a page is never cached under a new number with the replica's older data).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
import weakref
from collections.abc import Callable

import psycopg

from pyapp import db

log = logging.getLogger(__name__)

CHANNEL = "crashstats_cache_generation"
READ = "SELECT current_cache_generation() AS generation"


class GenerationWatch:
    """``current()``: the cache generation, from a LISTEN connection when it can."""

    def __init__(
        self,
        url: str | None,
        read: Callable[[], int],
        *,
        recheck: float = 10.0,
        retry_after: float = 5.0,
        read_timeout: float | None = None,
    ) -> None:
        self.url = url
        #: seconds the LISTEN connection waits for an answer (it is read under a lock every
        #: request takes: a hung database must not hold them all)
        self.read_timeout = read_timeout
        self._read = read
        self.recheck = recheck
        self.retry_after = retry_after
        self._conn: psycopg.Connection | None = None
        # closes the connection when the watch is dropped without close() (an app built in a
        # test, say): no socket left open, no ResourceWarning from psycopg
        self._closer: weakref.finalize | None = None
        self._generation = 0
        self._checked_at = 0.0
        self._retry_at = 0.0
        self._lock = threading.Lock()

    @property
    def listening(self) -> bool:
        return self._conn is not None

    def current(self) -> int:
        if self.url is None:
            return self._read()
        with self._lock:
            now = time.monotonic()
            if self._conn is None and now >= self._retry_at:
                self._listen(now)
            if self._conn is None:
                return self._read()
            try:
                if now - self._checked_at >= self.recheck:
                    self._reread(now)
                else:
                    self._poll()
            except (psycopg.Error, OSError) as exc:
                self._drop(now, exc)
                if isinstance(exc, db.ReadTimeout):  # the database hangs: the pool would too
                    raise db.translate(exc) from exc
                return self._read()
            return self._generation

    def saw(self, generation: int) -> None:
        """A bump this process made itself (an admin edit): known before its NOTIFY arrives."""
        with self._lock:
            self._generation = max(self._generation, generation)

    def close(self) -> None:
        with self._lock:
            self._forget()

    def _listen(self, now: float) -> None:
        try:
            conn = db.connect(
                self.url,
                component="web-generation",
                autocommit=True,
                timeout=5,
                read_timeout=self.read_timeout,
            )
        except Exception as exc:  # any failure means: read per request for a while
            self._drop(now, exc)
            return
        try:
            conn.execute(f"LISTEN {CHANNEL}")
            self._conn = conn
            self._closer = weakref.finalize(self, conn.close)
            self._reread(now)  # after LISTEN: no bump can fall between the two
        except (psycopg.Error, OSError) as exc:
            conn.close()
            self._drop(now, exc)

    def _reread(self, now: float) -> None:
        assert self._conn is not None
        self._poll()  # older notifications first: the answer replaces them
        row = self._conn.execute(READ).fetchone()
        self._generation = int(row["generation"])
        self._checked_at = now
        self._poll()  # a bump committed while the answer was on its way

    def _poll(self) -> None:
        assert self._conn is not None
        pgconn = self._conn.pgconn
        pgconn.consume_input()
        # a killed backend's last message comes before its closed socket, which only the next
        # read reports (and raises): a request never trusts a dead connection for long
        pgconn.consume_input()
        while (notify := pgconn.notifies()) is not None:
            try:  # in commit order: the last one is the newest
                self._generation = int(notify.extra)
            except ValueError:
                self._checked_at = 0.0  # not a number: read it at the next request
        if pgconn.status != psycopg.pq.ConnStatus.OK:
            raise psycopg.OperationalError("the LISTEN connection is closed")

    def _forget(self) -> None:
        closer, self._closer, self._conn = self._closer, None, None
        if closer is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                closer()  # runs conn.close() once

    def _drop(self, now: float, exc: BaseException) -> None:
        self._forget()
        self._retry_at = now + self.retry_after
        log.warning("cache generation: no LISTEN connection (%s); reading it per request", exc)
