"""Crash storage: where processed crashes go (Socorro's crashstorage classes).

* :class:`PostgreSQLCrashStorage` is always there: ``save_processed_crash()`` writes reports,
  plugins_reports, processed_crashes and missing_symbols and deletes the processing_queue row,
  several crashes per transaction (one round trip in pipeline mode).
* Optional stores, named by the seed's ``destination__*`` keys: :class:`FSPermanentStorage`
  (Socorro's radix layout: ``<id>.jsonz`` gzipped processed crash beside ``<id>.json``),
  :class:`S3CrashStorage` (``{prefix}/v1/processed_crash/{id}``) and
  :class:`pyapp.processor.elasticsearch.ElasticsearchCrashStorage`.
* :class:`PolyCrashStorage` fans a batch out: PostgreSQL first (the crash is safe once that
  commits), then each optional store. The PostgreSQL transaction also writes a
  processed_crash_deliveries row per optional store; a store that fails keeps its row with
  the error, and ``crashstats processor --retry-failed`` (the processor-retry-failed job)
  sends it again: a failing optional store never loses a crash.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import logging
import os
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

import psycopg
from psycopg.types.json import Jsonb

from pyapp import jsonfast
from pyapp.config import Config
from pyapp.db import wrap_exceptions
from pyapp.dumpstore import FSDumpStore, S3DumpStore
from pyapp.errors import ConfigError, CrashstatsError, DatabaseUnavailable

if TYPE_CHECKING:
    from pyapp.processor.algorithm import ProcessedCrash

log = logging.getLogger(__name__)

SAVE_PROCESSED_CRASH = (
    "SELECT save_processed_crash(%(crash_id)s, %(processed)s, %(missing)s, %(worker)s, "
    "%(claimed_at)s, %(deliveries)s::text[], %(delay)s, %(json_dump)s::text) AS saved"
)
RECORD_BATCH = "SELECT processor_record_batch(%(worker)s, %(crashes)s, %(process_sec)s, %(wait_sec)s)"
ENSURE_WEEK = "SELECT count(*) AS created FROM weekly_report_partitions(0, %(date)s)"
DELIVERY_DONE = (
    "SELECT processed_crash_delivery_done(%(destination)s, %(delivered)s::uuid[], "
    "%(failed)s::uuid[], %(errors)s::text[]) AS deleted"
)
DELIVERIES_CLAIM = (
    "SELECT * FROM processed_crash_deliveries_claim(%(destinations)s::text[], %(limit)s, "
    "%(lease)s, %(crash_ids)s::uuid[], %(due_only)s)"
)


class StoredCrash(Protocol):
    """What a crash store needs of a processed crash."""

    crash_id: str
    processed: dict[str, Any]
    raw_crash: dict[str, Any] | None
    date_processed: dt.datetime


@dataclass
class PendingDelivery:
    """A processed crash read back from PostgreSQL for an optional store (retries)."""

    crash_id: str
    destination: str
    processed: dict[str, Any]
    raw_crash: dict[str, Any] | None
    date_processed: dt.datetime
    attempts: int


def processed_json(crash: StoredCrash) -> bytes:
    return jsonfast.dumps(crash.processed)


class CrashStorage(ABC):
    """An optional crash store."""

    #: its name in processed_crash_deliveries
    destination: ClassVar[str] = ""
    #: Socorro class paths meaning this store in destination__* settings
    socorro_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Config) -> None:
        self.config = config

    def prepare(self, conn: psycopg.Connection) -> None:
        """Read what the store needs from PostgreSQL (once per worker)."""
        return None

    @abstractmethod
    def save_batch(self, crashes: Sequence[StoredCrash]) -> dict[str, str]:
        """Store the crashes; returns {crash_id: error} for those it could not store."""

    def close(self) -> None:
        return None


class FSPermanentStorage(CrashStorage):
    """Socorro's FSPermanentStorage (FSLegacyRadixTreeStorage) layout under
    ``filesystem__fs_root``: ``<root>/<YYYYMMDD>/name/<id[0:2]>/<id[2:4]>/<id>.jsonz`` (the
    gzipped processed crash) beside ``<id>.json`` (the raw crash) and the dumps of the
    filesystem dump store. Files are written to a temporary name, fsynced and renamed."""

    destination = "filesystem"
    socorro_names = (
        "socorro.external.fs.crashstorage.FSPermanentStorage",
        "socorro.external.fs.crashstorage.FSLegacyRadixTreeStorage",
    )

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        self.layout = FSDumpStore(config["filesystem__fs_root"] or (config.var_dir / "crashes"))

    def paths(self, crash_id: str) -> tuple[Path, Path]:
        """(<id>.jsonz, <id>.json) of a crash."""
        directory = self.layout.directory(crash_id)
        return directory / f"{crash_id}.jsonz", directory / f"{crash_id}.json"

    def save_batch(self, crashes: Sequence[StoredCrash]) -> dict[str, str]:
        errors: dict[str, str] = {}
        for crash in crashes:
            processed_path, raw_path = self.paths(crash.crash_id)
            try:
                processed_path.parent.mkdir(parents=True, exist_ok=True)
                _write_durably(processed_path, gzip.compress(processed_json(crash), 6))
                if crash.raw_crash is not None:
                    _write_durably(raw_path, jsonfast.dumps(crash.raw_crash))
                _fsync_directory(processed_path.parent)
            except OSError as exc:
                errors[crash.crash_id] = f"{processed_path.parent}: {exc}"
        return errors


def _write_durably(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.rename(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _fsync_directory(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class S3CrashStorage(CrashStorage):
    """Socorro's S3 crash storage: the processed crash as JSON at
    ``{prefix}/v1/processed_crash/{crash_id}`` in the dump store's bucket
    (``CRASHSTATS_DUMP_S3_BUCKET`` / ``_PREFIX`` / ``_REGION``, endpoint ``AWS_ENDPOINT_URL``)."""

    destination = "s3"
    socorro_names = (
        "socorro.external.boto.crashstorage.BotoS3CrashStorage",
        "socorro.external.boto.crashstorage.BotoCrashStorage",
        "socorro.external.boto.crashstorage.S3CrashStorage",
    )

    def __init__(self, config: Config) -> None:
        super().__init__(config)
        bucket = config["CRASHSTATS_DUMP_S3_BUCKET"]
        if not bucket:
            raise ConfigError("CRASHSTATS_DUMP_S3_BUCKET: the S3 crash storage needs a bucket")
        self.store = S3DumpStore(
            bucket,
            config["CRASHSTATS_DUMP_S3_PREFIX"] or "",
            endpoint_url=config["AWS_ENDPOINT_URL"],
            region=config["CRASHSTATS_DUMP_S3_REGION"],
        )

    def key(self, crash_id: str) -> str:
        return self.store.key(crash_id, "processed_crash")

    def save_batch(self, crashes: Sequence[StoredCrash]) -> dict[str, str]:
        from botocore.exceptions import BotoCoreError, ClientError

        errors: dict[str, str] = {}
        for crash in crashes:
            try:
                self.store.client.put_object(
                    Bucket=self.store.bucket,
                    Key=self.key(crash.crash_id),
                    Body=processed_json(crash),
                    ContentType="application/json",
                )
            except (BotoCoreError, ClientError) as exc:
                errors[crash.crash_id] = f"S3 bucket {self.store.bucket}: {exc}"
        return errors


@dataclass
class SaveOutcome:
    """What happened to a batch."""

    #: stored in PostgreSQL (and their queue rows finished)
    stored: list[Any] = field(default_factory=list)
    #: not written: the claim was no longer this worker's (its lease lapsed)
    lost_claims: list[str] = field(default_factory=list)
    #: PostgreSQL refused them: crash id -> error
    failed: dict[str, str] = field(default_factory=dict)
    #: optional store -> {crash id: error}
    delivery_errors: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, crash: Any, saved: bool) -> None:
        """save_processed_crash's answer for one crash: stored, or its claim was lost."""
        if saved:
            self.stored.append(crash)
        else:
            self.lost_claims.append(crash.crash_id)


class PostgreSQLCrashStorage:
    """save_processed_crash() for each crash of a batch, in one transaction with the batch's
    counts (processor_record_batch); a failing batch is retried crash by crash."""

    socorro_names = ("socorro.external.postgresql.crashstorage.PostgreSQLCrashStorage",)

    def __init__(self, delivery_delay: dt.timedelta = dt.timedelta(minutes=10)) -> None:
        self.delivery_delay = delivery_delay
        self._weeks: set[dt.date] = set()

    def ensure_partitions(self, conn: psycopg.Connection, crashes: Sequence[Any]) -> None:
        """Create the weeks' partitions before the transaction that writes into them (a
        partition is created under a strong lock on its parent: never late in a transaction)."""
        for crash in crashes:
            day = crash.date_processed.astimezone(dt.UTC).date()
            week = day - dt.timedelta(days=day.weekday())
            if week not in self._weeks:
                with wrap_exceptions():
                    conn.execute(ENSURE_WEEK, {"date": crash.date_processed})
                self._weeks.add(week)

    def _params(
        self, crash: ProcessedCrash, worker: str | None, claimed_at: dt.datetime | None, deliveries: list[str]
    ) -> dict[str, Any]:
        # the json_dump (~95% of the document) goes as JSON text of its own: PostgreSQL keeps
        # it as text and parses only the rest into jsonb (tables/processed_crashes.sql); the
        # text it was claimed as when the rules left it alone, else serialised here
        processed = crash.processed
        json_dump = processed.get("json_dump")
        if json_dump is not None:
            processed = {k: v for k, v in processed.items() if k != "json_dump"}
            json_dump = crash.json_dump_text or jsonfast.dumps(json_dump).decode()
        return {
            "crash_id": crash.crash_id,
            "processed": Jsonb(processed, dumps=jsonfast.dumps),
            "json_dump": json_dump,
            "missing": Jsonb(crash.missing_symbols, dumps=jsonfast.dumps),
            "worker": worker,
            "claimed_at": claimed_at,
            "deliveries": deliveries,
            "delay": self.delivery_delay,
        }

    def save_batch(
        self,
        conn: psycopg.Connection,
        crashes: Sequence[Any],
        *,
        worker: str | None,
        claimed_at: dt.datetime | None,
        deliveries: list[str],
    ) -> SaveOutcome:
        """Store the batch (autocommit connection; one transaction, the saves pipelined)."""
        outcome = SaveOutcome()
        if not crashes:
            return outcome
        self.ensure_partitions(conn, crashes)
        try:
            with wrap_exceptions(), conn.transaction():
                with conn.pipeline():
                    cursors = [
                        conn.execute(SAVE_PROCESSED_CRASH, self._params(c, worker, claimed_at, deliveries))
                        for c in crashes
                    ]
                saved = [bool(cur.fetchone()["saved"]) for cur in cursors]
                stored = [c for c, ok in zip(crashes, saved, strict=True) if ok]
                if worker is not None and stored:
                    # only the crashes stored under a claim still held count: one whose lease
                    # lapsed was taken over, and the worker that took it counts it
                    conn.execute(RECORD_BATCH, self._batch_counts(worker, stored))
        except DatabaseUnavailable:
            raise
        except CrashstatsError as exc:
            log.warning("batch of %d crashes failed (%s); storing them one by one", len(crashes), exc)
            return self._save_one_by_one(conn, crashes, worker, claimed_at, deliveries)
        for crash, ok in zip(crashes, saved, strict=True):
            outcome.add(crash, ok)
        return outcome

    def _save_one_by_one(
        self,
        conn: psycopg.Connection,
        crashes: Sequence[Any],
        worker: str | None,
        claimed_at: dt.datetime | None,
        deliveries: list[str],
    ) -> SaveOutcome:
        outcome = SaveOutcome()
        for crash in crashes:
            try:
                with wrap_exceptions(), conn.transaction():
                    row = conn.execute(
                        SAVE_PROCESSED_CRASH, self._params(crash, worker, claimed_at, deliveries)
                    ).fetchone()
                    if row["saved"] and worker is not None:
                        conn.execute(RECORD_BATCH, self._batch_counts(worker, [crash]))
            except DatabaseUnavailable:
                raise
            except CrashstatsError as exc:
                log.error("crash %s: PostgreSQL refused it: %s", crash.crash_id, exc)
                outcome.failed[crash.crash_id] = str(exc)
                continue
            outcome.add(crash, bool(row["saved"]))
        return outcome

    @staticmethod
    def _batch_counts(worker: str, crashes: Sequence[Any]) -> dict[str, Any]:
        process = sum((c.completed - c.started).total_seconds() for c in crashes)
        wait = sum(max((c.started - c.queued_at).total_seconds(), 0.0) for c in crashes if c.queued_at)
        return {"worker": worker, "crashes": len(crashes), "process_sec": process, "wait_sec": wait}


class PolyCrashStorage:
    """PostgreSQL, then every optional store (Socorro's PolyCrashStorage)."""

    socorro_names = ("socorro.external.crashstorage_base.PolyCrashStorage",)

    def __init__(self, postgres: PostgreSQLCrashStorage, optional: Sequence[CrashStorage] = ()) -> None:
        self.postgres = postgres
        self.optional = list(optional)

    @property
    def destinations(self) -> list[str]:
        return [store.destination for store in self.optional]

    def prepare(self, conn: psycopg.Connection) -> None:
        for store in self.optional:
            store.prepare(conn)

    def close(self) -> None:
        for store in self.optional:
            with contextlib.suppress(Exception):
                store.close()

    def save(
        self,
        conn: psycopg.Connection,
        crashes: Sequence[Any],
        *,
        worker: str | None = None,
        claimed_at: dt.datetime | None = None,
    ) -> SaveOutcome:
        outcome = self.postgres.save_batch(
            conn, crashes, worker=worker, claimed_at=claimed_at, deliveries=self.destinations
        )
        if outcome.stored:
            outcome.delivery_errors = self.deliver(conn, outcome.stored)
        return outcome

    def deliver(
        self, conn: psycopg.Connection, crashes: Sequence[StoredCrash], only: str | None = None
    ) -> dict[str, dict[str, str]]:
        """Send crashes PostgreSQL has to the optional stores and record the outcome."""
        errors: dict[str, dict[str, str]] = {}
        for store in self.optional:
            if only is not None and store.destination != only:
                continue
            try:
                failed = store.save_batch(crashes)
            except Exception as exc:  # a store that breaks must not stop the others
                log.exception("%s store failed on a batch of %d", store.destination, len(crashes))
                failed = {c.crash_id: f"{type(exc).__name__}: {exc}" for c in crashes}
            delivered = [c.crash_id for c in crashes if c.crash_id not in failed]
            with wrap_exceptions():
                conn.execute(
                    DELIVERY_DONE,
                    {
                        "destination": store.destination,
                        "delivered": delivered,
                        "failed": list(failed),
                        "errors": list(failed.values()),
                    },
                )
            if failed:
                log.warning(
                    "%s store refused %d crashes (kept for --retry-failed): %s",
                    store.destination,
                    len(failed),
                    next(iter(failed.values())),
                )
                errors[store.destination] = failed
        return errors

    def retry_failed(
        self,
        conn: psycopg.Connection,
        *,
        limit: int = 100,
        lease: dt.timedelta = dt.timedelta(minutes=5),
        crash_ids: Sequence[str] | None = None,
        due_only: bool = True,
    ) -> tuple[int, int]:
        """Send again what optional stores still lack (due deliveries, or all with
        ``due_only=False``), batch after batch; returns (delivered, failed)."""
        delivered = failed = 0
        if not self.optional:
            return 0, 0
        seen: set[tuple[str, str]] = set()
        while True:
            with wrap_exceptions():
                rows = conn.execute(
                    DELIVERIES_CLAIM,
                    {
                        "destinations": self.destinations,
                        "limit": limit,
                        "lease": lease,
                        "crash_ids": list(crash_ids) if crash_ids is not None else None,
                        "due_only": due_only,
                    },
                ).fetchall()
            fresh = [r for r in rows if (str(r["crash_id"]), r["destination"]) not in seen]
            if not fresh:
                return delivered, failed
            by_store: dict[str, list[PendingDelivery]] = {}
            for row in fresh:
                seen.add((str(row["crash_id"]), row["destination"]))
                by_store.setdefault(row["destination"], []).append(
                    PendingDelivery(
                        str(row["crash_id"]),
                        row["destination"],
                        row["processed_crash"],
                        row["raw_crash"],
                        row["date_processed"],
                        row["attempts"],
                    )
                )
            for destination, crashes in by_store.items():
                errors = self.deliver(conn, crashes, only=destination).get(destination, {})
                failed += len(errors)
                delivered += len(crashes) - len(errors)
