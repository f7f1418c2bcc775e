"""The raw crash: the fields the collector adds to a crash's annotations, and saving it durably.

A raw crash is the client's annotations plus (Socorro's names) ``submitted_timestamp`` (ISO,
UTC), ``timestamp`` (epoch seconds), ``uuid`` (the crash ID), ``legacy_processing`` (0 accept,
1 defer), ``throttle_rate`` (percent processed of crashes like it), ``type_tag`` (``bp``), and
``metadata`` (how it arrived: ``payload``, ``payload_compressed``, ``collector_notes``,
``dump_checksums`` (sha256 per dump), ``throttle_rule``, ``user_agent``, sizes).

:func:`save_crash` stores a crash in the only order that never leaves half a crash: the dumps
first, then one transaction ``save_raw_crash()``: the raw_crashes row and, for accepted
crashes, the processing_queue row. The statement runs while the dumps' fsyncs are still going
on; the transaction commits only once they are durable. If that transaction fails
the dumps are removed again, so there is no raw crash without dumps and no queue row without
its raw crash; the caller answers "try again" (503). When the connection is lost during the
commit itself, the outcome is asked of the database again (for up to OUTCOME_WINDOW seconds
while it refuses connections, as it does while restarting; once only when it hangs): a crash
that did commit is answered with its CrashID rather
than stored twice by a retry. Given the report's digest, the collector's write is idempotent on
what the client sent (save_collected_crash): the same report sent again within the window (a
client retrying after a timeout, whatever timed out where) gets the first crash's ID and stores
nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Mapping
from typing import Any

from psycopg.types.json import Jsonb

from pyapp import errors, jsonfast
from pyapp.db import Database, connect
from pyapp.dumpstore import DumpData, DumpStore, DumpStoreError
from pyapp.throttler import Decision, Result

log = logging.getLogger(__name__)

TYPE_TAG = "bp"
#: keys the collector sets; a client's values for them are replaced (and noted)
COLLECTOR_FIELDS = (
    "submitted_timestamp",
    "timestamp",
    "uuid",
    "legacy_processing",
    "throttle_rate",
    "type_tag",
    "metadata",
    "dump_checksums",
)

SAVE_RAW_CRASH = "SELECT save_raw_crash(%(crash_id)s, %(raw_crash)s, %(submitted)s, %(queue)s) AS new"
SAVE_COLLECTED_CRASH = (
    "SELECT save_collected_crash(%(crash_id)s, %(raw_crash)s, %(submitted)s, %(queue)s, %(digest)s, "
    "%(window)s) AS crash_id"
)
RAW_CRASH_STORED = "SELECT raw_crash_date(%(crash_id)s) IS NOT NULL AS stored"

#: how long a collector looks for the outcome of a commit whose answer was lost (e.g. the
#: database restarted at that moment), before answering 503 without knowing it
OUTCOME_WINDOW = 15.0


class StorageUnavailable(errors.CrashstatsError):
    """The crash could not be stored (dump store or database); nothing of it was kept."""

    exit_code = 75  # EX_TEMPFAIL


def build_raw_crash(
    annotations: Mapping[str, Any],
    *,
    crash_id: str,
    submitted: dt.datetime,
    decision: Decision,
    metadata: Mapping[str, Any],
) -> dict[str, Any]:
    """The raw crash document for ``annotations`` received at ``submitted``."""
    raw = dict(annotations)
    notes = list(metadata.get("collector_notes", []))
    for key in COLLECTOR_FIELDS:
        if key in raw and key != "uuid":
            notes.append(f"replaced the client's {key}")
            del raw[key]
    submitted = submitted.astimezone(dt.UTC)
    raw.update(
        submitted_timestamp=submitted.isoformat(),
        timestamp=submitted.timestamp(),
        uuid=crash_id,
        legacy_processing=0 if decision.result is Result.ACCEPT else 1,
        throttle_rate=decision.rate,
        type_tag=TYPE_TAG,
        metadata={**metadata, "collector_notes": notes, "throttle_rule": decision.rule},
    )
    return raw


def save_crash(
    db: Database,
    store: DumpStore,
    *,
    crash_id: str,
    raw_crash: Mapping[str, Any],
    submitted: dt.datetime,
    dumps: Mapping[str, DumpData],
    queue: bool,
    new_id: bool = True,
    digest: bytes | None = None,
    window: dt.timedelta | None = None,
    outcome_window: float = OUTCOME_WINDOW,
    hung_after: float | None = None,
) -> str:
    """Store the dumps, then the raw crash and its queue row; all of it or nothing. Returns the
    crash ID the crash is stored under.

    ``new_id``: the crash ID was just made, so no earlier copy of this crash exists and a
    failure may remove every dump of it. For a client-supplied ID (a resubmission) dumps are
    left in place on failure: they may be the ones an earlier raw crash row refers to.
    ``digest`` (with a ``window``): the report's digest; when a report with the same digest
    was stored within the window, nothing is stored (the dumps just written are removed) and
    that first crash's ID is returned (save_collected_crash). ``outcome_window``: seconds to
    ask again whether a commit whose answer was lost went through; ``hung_after``: give up at
    once when one such attempt takes that long (see _committed). Raises StorageUnavailable.
    """
    params = {
        "crash_id": crash_id,
        "raw_crash": Jsonb(raw_crash, dumps=jsonfast.dumps),
        "submitted": submitted,
        "queue": queue,
        "digest": digest if window else None,
        "window": window,
    }
    sent = False
    stored_as = crash_id
    try:
        # one transaction: the raw crash and its queue row commit together or not at all. The
        # statement runs while the dumps' fsyncs go on (store.saving); the COMMIT is sent only
        # once they are durable, so a committed raw crash always has its dumps.
        with db.connection() as conn, conn.transaction():
            try:
                with store.saving(crash_id, dumps):
                    sent = True
                    if params["digest"] is None:
                        conn.execute(SAVE_RAW_CRASH, params)
                    else:
                        row = conn.execute(SAVE_COLLECTED_CRASH, params).fetchone()
                        stored_as = str(row["crash_id"])
            except DumpStoreError as exc:
                log.error("crash %s: dump store failed: %s", crash_id, exc)
                raise StorageUnavailable(f"dump store: {exc}") from exc
    except StorageUnavailable:
        raise  # the dump store failed: the transaction was rolled back, the dumps removed
    except errors.CrashstatsError as exc:
        sqlstate = getattr(exc, "sqlstate", None)
        # PostgreSQL reported an error (sqlstate): rolled back. No connection: nothing sent.
        # A connection lost after the statement was sent leaves the outcome unknown.
        outcome_unknown = sent and sqlstate is None
        log.error(
            "crash %s: database failed%s: %s",
            crash_id,
            " during commit (outcome unknown; dumps kept)" if outcome_unknown else "",
            exc,
        )
        if outcome_unknown:
            stored = _committed(db, crash_id, outcome_window, hung_after)
            if stored:
                log.warning("crash %s: the commit did go through (checked after the error)", crash_id)
                return crash_id
            if stored is None:
                log.error("crash %s: outcome still unknown; its dumps are kept", crash_id)
            else:
                outcome_unknown = False  # not stored: refuse it like any rolled-back crash
        if new_id and not outcome_unknown:
            try:
                store.delete_dumps(crash_id, list(dumps))
            except Exception:  # the crash is refused anyway; its dumps are orphans now
                log.exception("crash %s: could not remove the dumps of the refused crash", crash_id)
        raise StorageUnavailable(f"database: {exc}") from exc
    if stored_as != crash_id:
        log.info("crash report already stored as %s (sent again): not stored as %s", stored_as, crash_id)
        if new_id:
            try:
                store.delete_dumps(crash_id, list(dumps))
            except Exception:  # nothing refers to them: orphans, harmless
                log.exception("crash %s: could not remove the dumps of a report sent again", crash_id)
    return stored_as


def _committed(
    db: Database, crash_id: str, window: float = OUTCOME_WINDOW, hung_after: float | None = None
) -> bool | None:
    """After a connection lost during the commit: is the raw crash stored? Asked again on new
    connections for ``window`` seconds (the database may be restarting: it refuses connections
    for a moment); None when it never answered. An attempt that itself took ``hung_after``
    seconds or more means the database hangs rather than restarts: no more attempts (the client
    gets its 503 in seconds). Answering the client from this, not from the error, means a crash
    that did commit gets its CrashID, and is not stored a second time when the client retries."""
    deadline = time.monotonic() + window
    while True:
        began = time.monotonic()
        try:
            # a connection of its own, not the pool's (whose waits for a reconnecting pool would
            # look like a hang): refused at once while the database restarts
            timeout = max(1, int(db.connect_timeout or 5))
            with connect(db.url, component=db.component, timeout=timeout, read_timeout=timeout) as conn:
                row = conn.execute(RAW_CRASH_STORED, {"crash_id": crash_id}).fetchone()
            return bool(row and row["stored"])
        except errors.CrashstatsError:
            now = time.monotonic()
            if now >= deadline or (hung_after is not None and now - began >= hung_after):
                return None
            time.sleep(0.5)
