"""Database access: a psycopg 3 connection pool, rows as dicts, named parameters.

Every statement Python runs either calls a SQL function or view by name, or is a named query
in ``pyapp/queries.sql`` (see :mod:`pyapp.queries`). Errors raised by PostgreSQL are mapped to
:mod:`pyapp.errors` classes by :func:`wrap_exceptions`, so callers never see psycopg
exceptions and the CLI never prints a traceback for an expected failure.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any, LiteralString

import psycopg
import psycopg.errors
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from pyapp import errors
from pyapp.queries import QUERIES

log = logging.getLogger(__name__)

Row = dict[str, Any]
Params = Mapping[str, Any] | None

# SQLSTATE classes and codes -> project exceptions; the first match wins.
_SQLSTATE_MAP: tuple[tuple[str, type[errors.DatabaseError], str | None], ...] = (
    ("3D000", errors.DatabaseUnavailable, "create it with: crashstats setup postgres"),
    ("42P01", errors.SchemaMissing, "build the schema with: crashstats db upgrade"),
    ("42883", errors.SchemaMissing, "build the schema with: crashstats db upgrade"),
    ("57014", errors.QueryTimeout, None),
    ("55P03", errors.Busy, None),
    ("55006", errors.Busy, None),
    ("40P01", errors.Busy, None),
    ("P0002", errors.NotFound, None),
    ("08", errors.DatabaseUnavailable, None),
    ("57P", errors.DatabaseUnavailable, None),
    ("53", errors.DatabaseUnavailable, None),
    ("22", errors.InvalidInput, None),
    ("23", errors.Conflict, None),
)


_CONNECTION_HINTS = (
    ("does not exist", "create it with: crashstats setup postgres"),
    ("Connection refused", "is PostgreSQL running? `crashstats db start` starts the embedded one"),
    ("password authentication failed", "check DATABASE_URL or secrets__postgresql__database_password"),
)


def _connection_hint(message: str) -> str | None:
    for needle, hint in _CONNECTION_HINTS:
        if needle in message:
            return hint
    return None


class ReadTimeout(psycopg.OperationalError):
    """PostgreSQL did not answer a statement within the connection's read timeout; the
    connection was closed (what the server did with the statement is unknown)."""


class TimedConnection(psycopg.Connection):
    """A connection that waits at most ``read_timeout`` seconds for any answer of the server.

    psycopg waits for the server in :meth:`wait` (statements, COMMIT, the pool's checks); a
    server or network that accepts and never answers would hold the caller forever. Past the
    timeout the connection is closed (the pool then drops it) and :class:`ReadTimeout` raised.
    Waits that name their own timeout (``notifies(timeout=...)``) keep it.
    """

    #: seconds; None or 0: wait as long as it takes (set by :func:`connect` and the pools)
    read_timeout: float | None = None

    def wait(self, gen: Any, interval: float = 0.1, timeout: float | None = None) -> Any:
        if timeout is not None or not self.read_timeout:
            return super().wait(gen, interval, timeout)
        try:
            return super().wait(gen, interval, self.read_timeout)
        except psycopg.errors._WaitTimeout:
            self.pgconn.finish()  # the answer may still come: nothing may read it as the next one
            raise ReadTimeout(f"PostgreSQL did not answer within {self.read_timeout:g} s") from None


def _set_read_timeout(seconds: float | None) -> Callable[[psycopg.Connection], None]:
    def configure(conn: psycopg.Connection) -> None:
        conn.read_timeout = seconds or None  # type: ignore[attr-defined]

    return configure


def translate(exc: psycopg.Error) -> errors.DatabaseError:
    """The project exception for a psycopg error, with PostgreSQL's message and hint."""
    if isinstance(exc, ReadTimeout):
        hint = "the database or the network to it hangs; CRASHSTATS_DB_READ_TIMEOUT bounds the wait"
        return errors.DatabaseUnavailable(str(exc), hint=hint)
    sqlstate = exc.sqlstate
    diag = exc.diag
    message = diag.message_primary or str(exc).strip() or type(exc).__name__
    hint = diag.message_hint
    if sqlstate is None:
        if isinstance(exc, psycopg.OperationalError | PoolTimeout):
            message = " ".join(message.split())
            return errors.DatabaseUnavailable(
                f"cannot connect to PostgreSQL: {message}", hint=hint or _connection_hint(message)
            )
        return errors.DatabaseError(message, hint=hint)
    for prefix, cls, default_hint in _SQLSTATE_MAP:
        if sqlstate.startswith(prefix):
            return cls(message, hint=hint or default_hint, sqlstate=sqlstate)
    return errors.DatabaseError(message, hint=hint, sqlstate=sqlstate)


@contextlib.contextmanager
def wrap_exceptions() -> Iterator[None]:
    """Re-raise psycopg errors as :mod:`pyapp.errors` exceptions."""
    try:
        yield
    except PoolTimeout as exc:
        raise errors.DatabaseUnavailable(f"no database connection available: {exc}") from exc
    except psycopg.Error as exc:
        raise translate(exc) from exc


#: connections go through PgBouncer in transaction pooling mode (``CRASHSTATS_DB_PGBOUNCER``,
#: set by :func:`configure`): no server-side prepared statements (a transaction's next
#: statement may run on another server connection), and no LISTEN (the processor polls)
PGBOUNCER = False


def configure(config: Any) -> None:
    """Process-wide connection settings from the configuration (called once at start)."""
    global PGBOUNCER
    PGBOUNCER = bool(config["CRASHSTATS_DB_PGBOUNCER"])


def _prepare_threshold() -> int | None:
    return None if PGBOUNCER else 5


def application_name(component: str) -> str:
    """``crashstats-<component>``: what pg_stat_activity and the logs show for this process."""
    return f"crashstats-{component}"[:63]


def to_sqlalchemy_url(url: str) -> str:
    """The same URL for SQLAlchemy's psycopg 3 dialect."""
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def to_libpq_url(url: str) -> str:
    """The URL without a SQLAlchemy dialect suffix."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def connect(
    url: str,
    *,
    component: str = "cli",
    autocommit: bool = False,
    timeout: int = 10,
    read_timeout: float | None = None,
) -> psycopg.Connection:
    """One connection outside the pool (for admin tasks); errors mapped. ``timeout``: seconds
    to connect; ``read_timeout``: seconds any statement may wait for the server's answer
    (None: no limit, as the long report steps need)."""
    with wrap_exceptions():
        conn = TimedConnection.connect(
            to_libpq_url(url),
            autocommit=autocommit,
            row_factory=dict_row,
            application_name=application_name(component),
            connect_timeout=timeout,
            prepare_threshold=_prepare_threshold(),
        )
    conn.read_timeout = read_timeout or None
    return conn


class Database:
    """A pool of connections to the breakpad database.

    ``fetch_all``/``fetch_one``/``fetch_value``/``execute`` each run in their own transaction;
    ``transaction()`` hands out one connection for several statements that must commit
    together. ``connect_timeout`` bounds the wait for a connection, ``read_timeout`` (None: no
    limit) the wait for each answer of the server (:class:`TimedConnection`). With
    ``autocommit=True`` (hot paths), ``connection()`` runs each statement as its
    own transaction in one round trip, without BEGIN/COMMIT. Queries use named parameters:
    ``db.fetch_all(QUERY, product="KillerApp")``.
    """

    def __init__(
        self,
        url: str,
        *,
        component: str = "cli",
        min_size: int = 1,
        max_size: int = 10,
        connect_timeout: int = 10,
        read_timeout: float | None = None,
        autocommit: bool = False,
    ) -> None:
        self.url = to_libpq_url(url)
        self.component = component
        self.autocommit = autocommit
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout or None
        self._pool = ConnectionPool(
            self.url,
            connection_class=TimedConnection,
            configure=_set_read_timeout(self.read_timeout),
            min_size=min_size,
            max_size=max_size,
            open=False,
            timeout=connect_timeout,
            kwargs={
                "row_factory": dict_row,
                "application_name": application_name(component),
                "connect_timeout": connect_timeout,
                "autocommit": autocommit,
                "prepare_threshold": _prepare_threshold(),
            },
            name=f"crashstats-{component}-{os.getpid()}",
        )
        self._opened = False
        # threads of one process (gthread workers) may all make the first call at once
        self._open_lock = threading.Lock()

    def open(self) -> Database:
        """Open the pool; raises DatabaseUnavailable with PostgreSQL's own reason on failure."""
        if self._opened:
            return self
        with self._open_lock:
            if self._opened:
                return self
            # one direct attempt first: the pool only reports a timeout, this reports why
            connect(self.url, component=self.component, timeout=self.connect_timeout).close()
            with wrap_exceptions():
                self._pool.open(wait=True, timeout=self.connect_timeout)
            self._opened = True
        return self

    def close(self) -> None:
        with self._open_lock:
            if self._opened:
                self._pool.close()
                self._opened = False

    def __enter__(self) -> Database:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[psycopg.Connection]:
        """A pooled connection inside one transaction: committed on success, rolled back on error."""
        self.open()
        with wrap_exceptions(), self._pool.connection() as conn, conn.transaction():
            yield conn

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection without an explicit transaction block: on an ``autocommit``
        pool each statement is its own transaction (one round trip, no BEGIN/COMMIT);
        otherwise what it did is committed when the block ends."""
        self.open()
        with wrap_exceptions(), self._pool.connection() as conn:
            yield conn

    def fetch_all(self, query: LiteralString, params: Params = None, **kwargs: Any) -> list[Row]:
        with self.transaction() as conn:
            return conn.execute(query, _params(params, kwargs)).fetchall()

    def fetch_one(self, query: LiteralString, params: Params = None, **kwargs: Any) -> Row | None:
        with self.transaction() as conn:
            return conn.execute(query, _params(params, kwargs)).fetchone()

    def fetch_value(self, query: LiteralString, params: Params = None, **kwargs: Any) -> Any:
        row = self.fetch_one(query, params, **kwargs)
        if row is None:
            return None
        return next(iter(row.values()))

    def execute(self, query: LiteralString, params: Params = None, **kwargs: Any) -> int:
        """Run one statement; returns the number of rows it touched."""
        with self.transaction() as conn:
            return conn.execute(query, _params(params, kwargs)).rowcount

    def query(self, name: str, **params: Any) -> list[Row]:
        """Run a named query of ``pyapp/queries.sql``."""
        return self.fetch_all(QUERIES[name], params)


def _params(params: Params, kwargs: dict[str, Any]) -> dict[str, Any]:
    merged = dict(params or {})
    merged.update(kwargs)
    return merged


def database_exists(url: str, name: str) -> bool:
    with connect(url, autocommit=True) as conn:
        return conn.execute(QUERIES["database_exists"], {"name": name}).fetchone() is not None


def create_database(admin_url: str, name: str) -> bool:
    """CREATE DATABASE ``name`` (UTF8, UTC) unless it exists; True when it was created."""
    from psycopg import sql

    with connect(admin_url, autocommit=True) as conn, wrap_exceptions():
        if conn.execute(QUERIES["database_exists"], {"name": name}).fetchone():
            return False
        conn.execute(
            sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("ALTER DATABASE {} SET timezone TO 'UTC'").format(sql.Identifier(name)))
        return True
