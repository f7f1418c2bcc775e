"""Fixtures for the partition tests: the engine a test runs under."""

from __future__ import annotations

import psycopg
import pytest

ENGINES = ("native", "pg_partman")


@pytest.fixture(params=ENGINES)
def engine(request: pytest.FixtureRequest, sql: psycopg.Connection) -> str:
    """Run the test under each partition engine. pg_partman: the extension is created (schema
    partman) and every registry table registered with it, inside the test's transaction."""
    if request.param == "pg_partman":
        sql.execute("SET client_min_messages = warning")
        sql.execute("SELECT set_partition_engine('pg_partman')")
        sql.execute("RESET client_min_messages")
    return request.param
