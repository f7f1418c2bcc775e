"""The processing queue from Python: calls of the SQL functions that claim, renew and release
crashes (the processor workers) and that queue them (the web's crash page, ``crashstats
reprocess``). The rules live in those functions; these wrappers only type their rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import psycopg

from pyapp import jsonfast
from pyapp.crashid import is_crash_id, strip_prefix
from pyapp.db import Database, wrap_exceptions
from pyapp.errors import UsageError
from pyapp.processor.algorithm import RawCrash

CHANNEL = "crashstats_processing_queue"

CLAIM = "SELECT * FROM processing_queue_claim(%(worker)s, %(limit)s, %(lease)s, %(crash_ids)s::uuid[])"
RENEW = "SELECT processing_queue_renew(%(ids)s::uuid[], %(worker)s, %(claimed_at)s, %(lease)s) AS held"
RELEASE = (
    "SELECT processing_queue_release(%(ids)s::uuid[], %(worker)s, %(claimed_at)s, %(error)s, "
    "%(retry_after)s, %(discard)s) AS changed"
)
REGISTER = "SELECT processor_register(%(name)s, %(hostname)s, %(pid)s)"
STOPPED = "SELECT processor_stopped(%(name)s)"
PRIORITY = "SELECT request_priority_processing(%(crash_id)s) AS status"
REPROCESS = "SELECT crash_id::text, status FROM queue_reprocessing(%(ids)s::uuid[])"
REPROCESS_SIGNATURE = "SELECT queue_reprocessing_by_signature(%(signature)s, %(since)s, %(until)s) AS queued"


def crash_ids(values: Sequence[str]) -> list[str]:
    """Bare crash IDs (``bp-`` prefixes dropped); raises UsageError naming a malformed one."""
    bare = []
    for value in values:
        crash_id = strip_prefix(value)
        if not is_crash_id(crash_id):
            raise UsageError(f"not a crash ID: {value!r}")
        bare.append(crash_id)
    return bare


def claim(
    conn: psycopg.Connection,
    worker: str,
    *,
    limit: int,
    lease: dt.timedelta,
    only: Sequence[str] | None = None,
) -> tuple[dt.datetime | None, list[RawCrash]]:
    """processing_queue_claim(): (the claim token's time, the claimed crashes)."""
    with wrap_exceptions():
        rows = conn.execute(
            CLAIM,
            {"worker": worker, "limit": limit, "lease": lease, "crash_ids": list(only) if only else None},
        ).fetchall()
    if not rows:
        return None, []
    return rows[0]["claimed_at"], [_raw_crash(row) for row in rows]


def _raw_crash(row: dict) -> RawCrash:
    """A claimed row as a RawCrash. A json_dump kept apart (raw_crashes.json_dump) goes back
    into the raw crash, parsed, and its text is kept: stored again as it is when the rules
    leave the json_dump alone (ProcessedCrash.json_dump_text)."""
    raw_crash, text = row["raw_crash"], row["json_dump"]
    if text is not None:  # only ever beside a raw crash (the same raw_crashes row)
        raw_crash["json_dump"] = jsonfast.loads(text)
    return RawCrash(
        crash_id=str(row["crash_id"]),
        raw_crash=raw_crash,
        raw_date=row["raw_date"],
        queued_at=row["queued_at"],
        attempts=row["attempts"],
        previous_notes=row["previous_notes"],
        previous_started=row["previous_started"],
        json_dump_text=text,
    )


def renew(
    conn: psycopg.Connection, worker: str, claimed_at: dt.datetime, ids: Sequence[str], lease: dt.timedelta
) -> int:
    with wrap_exceptions():
        row = conn.execute(
            RENEW, {"ids": list(ids), "worker": worker, "claimed_at": claimed_at, "lease": lease}
        ).fetchone()
    return int(row["held"])


def release(
    conn: psycopg.Connection,
    worker: str,
    claimed_at: dt.datetime,
    ids: Sequence[str],
    *,
    error: str | None = None,
    retry_after: dt.timedelta = dt.timedelta(0),
    discard: bool = False,
) -> int:
    with wrap_exceptions():
        row = conn.execute(
            RELEASE,
            {
                "ids": list(ids),
                "worker": worker,
                "claimed_at": claimed_at,
                "error": error,
                "retry_after": retry_after,
                "discard": discard,
            },
        ).fetchone()
    return int(row["changed"])


def request_priority(db: Database, crash_id: str) -> str:
    """Put a crash first in line: 'already', 'raised' or 'queued' (it now has priority 0),
    'processed' (nothing to do) or 'unknown' (no raw crash); see request_priority_processing."""
    (bare,) = crash_ids([crash_id])
    return str(db.fetch_value(PRIORITY, crash_id=bare))


def queue_reprocessing(db: Database, ids: Sequence[str]) -> list[tuple[str, str]]:
    """Queue crashes for reprocessing: [(crash id, 'queued' | 'unknown')]."""
    rows = db.fetch_all(REPROCESS, ids=crash_ids(ids))
    return [(row["crash_id"], row["status"]) for row in rows]


def queue_reprocessing_by_signature(
    db: Database, signature: str, since: dt.datetime, until: dt.datetime | None = None
) -> int:
    return int(db.fetch_value(REPROCESS_SIGNATURE, signature=signature, since=since, until=until))
