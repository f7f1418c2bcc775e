"""Small helpers shared by tests."""

from __future__ import annotations

from typing import Any

import psycopg


def scalar(conn: psycopg.Connection, query: str, params: tuple | dict | None = None) -> Any:
    """The first column of the first row (None when there is no row)."""
    row = conn.execute(query, params).fetchone()
    if row is None:
        return None
    return next(iter(row.values())) if isinstance(row, dict) else row[0]
