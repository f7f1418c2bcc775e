"""The collector's answer after a commit whose outcome it could not see (the connection was lost
while committing): it asks the database again instead of guessing."""

from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb

from pyapp.crashid import create_crash_id
from pyapp.db import Database
from pyapp.embedded import free_port
from pyapp.rawcrash import _committed
from tests.clock import SuiteClock


def test_the_outcome_of_a_lost_commit_is_asked_again(fresh_db: str, clock: SuiteClock) -> None:
    when = clock.now()
    stored, never = create_crash_id(when), create_crash_id(when)
    with psycopg.connect(fresh_db, autocommit=True) as conn:
        conn.execute("SELECT save_raw_crash(%s, %s, %s, true)", (stored, Jsonb({"ProductName": "X"}), when))
    with Database(fresh_db, component="test", min_size=1, max_size=1) as db:
        assert _committed(db, stored) is True
        assert _committed(db, never) is False


def test_an_unreachable_database_leaves_the_outcome_unknown(fresh_db: str) -> None:
    gone = fresh_db.replace(fresh_db.split("@", 1)[1].split("/", 1)[0], f"127.0.0.1:{free_port()}")
    db = Database(gone, component="test", min_size=1, max_size=1, connect_timeout=1)  # opened on use
    try:
        assert _committed(db, create_crash_id(), window=1.0) is None
    finally:
        db.close()
