"""Shared fixtures: one private PostgreSQL server per test run, a template database built once
by ``alembic upgrade head``, and per-test clones of it (pytest-postgresql's DatabaseJanitor).

The server is our own embedded cluster (pyapp.embedded) in a temporary directory on a free
port, so the suite needs nothing running beforehand. Set ``CRASHSTATS_TEST_ADMIN_URL`` to a
superuser URL of an existing server to use that instead.

Fixtures:
  pg          the server: admin URL and ``url(dbname)``
  template_db name of the template database (schema at head)
  fresh_db    URL of a new clone of the template (tests that commit or use several sessions)
  sql         a psycopg connection (dict rows) to a shared clone, inside a transaction that
              is rolled back after the test (fast SQL tests)
  empty_db    URL of a new, empty database (migration tests)
  clock       the run's one "now" (tests/clock.py); every database below has its SQL utc_now()
              pinned to it
"""

from __future__ import annotations

import contextlib
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg.rows import dict_row
from pytest_postgresql.janitor import DatabaseJanitor

from pyapp import migrate
from pyapp.embedded import EmbeddedCluster, free_port
from tests.clock import CLOCK, SuiteClock

pytest_plugins = [
    "tests.s3_fixtures",
    "tests.http_fixtures",
    "tests.collector_fixtures",
    "tests.crashpad_fixtures",
    "tests.auth_fixtures",
]

_counter = itertools.count(1)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that asks for the run's clock depends on it: mark it for ``make test-dates``."""
    for item in items:
        if "clock" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.dates)


@pytest.fixture(scope="session")
def clock() -> SuiteClock:
    """The instant this run treats as now (see tests/clock.py)."""
    return CLOCK


def prepare_database(admin_url: str, name: str) -> None:
    """A test database's settings: UTC sessions, and utc_now() pinned to the run's clock."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE \"{name}\" SET timezone TO 'UTC'")
        conn.execute(f"ALTER DATABASE \"{name}\" SET crashstats.now TO '{CLOCK.setting()}'")


@dataclass(frozen=True)
class Server:
    admin_url: str

    @property
    def parts(self):
        return urlsplit(self.admin_url)

    def url(self, dbname: str) -> str:
        return urlunsplit(self.parts._replace(path=f"/{dbname}"))

    def janitor(self, dbname: str, template: str | None = None) -> DatabaseJanitor:
        p = self.parts
        return DatabaseJanitor(
            user=p.username or "postgres",
            host=p.hostname or "127.0.0.1",
            port=p.port or 5432,
            password=p.password,
            dbname=dbname,
            template_dbname=template,
        )


@pytest.fixture(scope="session")
def pg(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    external = os.environ.get("CRASHSTATS_TEST_ADMIN_URL")
    if external:
        yield Server(external)
        return
    cluster = EmbeddedCluster(tmp_path_factory.mktemp("pgcluster"), port=free_port())
    cluster.start(create_database=False)
    try:
        yield Server(cluster.url("postgres"))
    finally:
        cluster.stop()


def new_dbname(prefix: str) -> str:
    return f"{prefix}_{os.getpid()}_{next(_counter)}"


@pytest.fixture(scope="session")
def template_db(pg: Server) -> Iterator[str]:
    name = new_dbname("crashstats_tmpl")
    janitor = pg.janitor(name)
    janitor.init()
    try:
        migrate.upgrade(pg.url(name))
        prepare_database(pg.admin_url, name)
        yield name
    finally:
        janitor.drop()


@contextlib.contextmanager
def cloned_database(pg: Server, template: str, prefix: str = "crashstats_test") -> Iterator[str]:
    """The URL of a new clone of ``template`` (prepare_database's settings), dropped afterwards."""
    name = new_dbname(prefix)
    janitor = pg.janitor(name, template=template)
    janitor.init()
    try:
        prepare_database(pg.admin_url, name)
        yield pg.url(name)
    finally:
        janitor.drop()


@pytest.fixture
def fresh_db(pg: Server, template_db: str) -> Iterator[str]:
    with cloned_database(pg, template_db) as url:
        yield url


@pytest.fixture(scope="session")
def shared_db(pg: Server, template_db: str) -> Iterator[str]:
    with cloned_database(pg, template_db) as url:
        yield url


@pytest.fixture
def sql(shared_db: str) -> Iterator[psycopg.Connection]:
    with psycopg.connect(shared_db, row_factory=dict_row) as conn:
        try:
            yield conn
        finally:
            conn.rollback()


@pytest.fixture
def empty_db(pg: Server) -> Iterator[str]:
    name = new_dbname("crashstats_empty")
    janitor = pg.janitor(name)
    janitor.init()
    try:
        yield pg.url(name)
    finally:
        janitor.drop()
