"""One symbol upload, whoever sends it: the web form, the API (``Auth-Token``) and
``crashstats symbols upload`` all call :func:`upload_symbols`.

1. the bucket comes from the uploader's e-mail (:func:`pyapp.symbols.buckets.bucket_for`) and
   the credentials are checked, before the archive is read;
2. the whole archive is read and checked (:func:`pyapp.symbols.archive.read_archive`): one bad
   member refuses the upload with an :class:`~pyapp.symbols.archive.ArchiveError` and nothing
   is stored;
3. files the bucket already holds with the same content are skipped: those an earlier upload
   recorded (``symbols_files_known``) and that the bucket still answers a HEAD for with the
   same sha256 (a bucket that lost objects gets them again);
4. the others are stored gzip-encoded (``Content-Encoding: gzip``) under
   ``v1/<debug_file>/<debug_id>/<file>.sym``, in parallel threads, the bucket created in its
   location first when missing;
5. ``save_symbols_upload()`` records the upload and its files in one transaction and queues
   the crashes of the last ``CRASHSTATS_SYMBOLS_REPROCESS_DAYS`` days that lacked these
   symbols for reprocessing; the count is part of the record.

If storing fails part-way (S3 down), the upload is not recorded and the error says so: the
objects already written are complete files that the same upload, sent again, replaces or skips.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from psycopg.types.json import Jsonb

from pyapp.errors import CrashstatsError
from pyapp.symbols.archive import Limits, SymFile, read_archive
from pyapp.symbols.buckets import Bucket, bucket_for, ensure_bucket, s3_client

log = logging.getLogger(__name__)

MULTIPART_THRESHOLD = 64 * 1024**2


class SymbolStoreError(CrashstatsError):
    """The symbol store (S3) refused or failed; nothing of the upload was recorded."""

    exit_code = 69


@dataclass
class UploadResult:
    upload_id: int
    user_email: str
    archive_name: str
    archive_size: int
    bucket: str
    location: str | None
    files: list[dict[str, Any]] = field(default_factory=list)
    reprocessed_crashes: int = 0
    created_bucket: bool = False
    #: seconds spent checking and compressing, storing in S3, recording in PostgreSQL
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def skipped(self) -> int:
        return sum(1 for f in self.files if f["skipped"])

    @property
    def stored(self) -> int:
        return len(self.files) - self.skipped

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.upload_id,
            "user": self.user_email,
            "archive": self.archive_name,
            "size": self.archive_size,
            "bucket": self.bucket,
            "location": self.location,
            "files": len(self.files),
            "stored": self.stored,
            "skipped": self.skipped,
            "reprocessed_crashes": self.reprocessed_crashes,
            "keys": [f["key"] for f in self.files],
        }


def store_file(client: Any, bucket: str, sym: SymFile, progress: Callable[[int], None] | None) -> None:
    from boto3.s3.transfer import TransferConfig

    client.upload_file(
        str(sym.spool),
        bucket,
        sym.key,
        ExtraArgs={
            "ContentEncoding": "gzip",
            "ContentType": "text/plain; charset=utf-8",
            "Metadata": {"sha256": sym.sha256, "size": str(sym.size)},
        },
        Callback=progress,
        Config=TransferConfig(multipart_threshold=MULTIPART_THRESHOLD, use_threads=False),
    )


def store_files(
    client: Any, bucket: str, files: list[SymFile], threads: int, progress: Callable[[int], None] | None
) -> None:
    """Every file into the bucket, ``threads`` at a time; the first failure is raised."""
    if not files:
        return
    with ThreadPoolExecutor(max_workers=max(1, min(threads, len(files)))) as pool:
        futures = [pool.submit(store_file, client, bucket, f, progress) for f in files]
        errors = [exc for exc in (f.exception() for f in futures) if exc is not None]
    if errors:
        from botocore.exceptions import BotoCoreError, ClientError

        first = errors[0]
        if isinstance(first, ClientError | BotoCoreError):
            raise SymbolStoreError(
                f"storing symbols in bucket {bucket} failed ({len(errors)} of {len(files)} files): {first}"
            )
        raise first


def held_by_bucket(client: Any, bucket: str, files: list[SymFile], threads: int) -> set[str]:
    """The keys of ``files`` the bucket holds with the same content (HEAD: the object exists
    and its ``sha256`` metadata matches), asked ``threads`` at a time. A missing object or
    bucket is not held; any other failure is a SymbolStoreError."""
    from botocore.exceptions import BotoCoreError, ClientError

    def held(sym: SymFile) -> bool:
        try:
            head = client.head_object(Bucket=bucket, Key=sym.key)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchKey", "NoSuchBucket", "NotFound"):
                return False
            raise
        return head.get("Metadata", {}).get("sha256") == sym.sha256

    if not files:
        return set()
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(threads, len(files)))) as pool:
            answers = list(pool.map(held, files))
    except (ClientError, BotoCoreError) as exc:
        raise SymbolStoreError(f"cannot ask bucket {bucket} which symbol files it holds: {exc}") from None
    return {sym.key for sym, yes in zip(files, answers, strict=True) if yes}


def upload_symbols(
    config: Any,
    db: Any,
    *,
    user_email: str,
    path: str | os.PathLike[str],
    archive_name: str | None = None,
    on_total: Callable[[int], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> UploadResult:
    """Check, store and record one upload (see the module docstring). ``on_total`` gets the
    number of bytes about to be sent, ``progress`` each increment as it is sent."""
    from botocore.exceptions import BotoCoreError, ClientError

    bucket: Bucket = bucket_for(config, user_email)
    threads = int(config["CRASHSTATS_SYMBOLS_UPLOAD_THREADS"])
    client = s3_client(config, location=bucket.location, pool=threads)
    name = archive_name or os.path.basename(os.fspath(path))
    started = time.perf_counter()
    timings: dict[str, float] = {}
    with read_archive(path, name, Limits.from_config(config)) as archive:
        timings["check"] = time.perf_counter() - started
        started = time.perf_counter()
        recorded = {
            row["key"]
            for row in db.fetch_all(
                "SELECT key FROM symbols_files_known(%(bucket)s, %(files)s)",
                bucket=bucket.name,
                files=Jsonb([{"key": f.key, "sha256": f.sha256} for f in archive.files]),
            )
        }
        # the database says what was stored; the bucket says what is still there
        known = held_by_bucket(client, bucket.name, [f for f in archive.files if f.key in recorded], threads)
        to_store = [f for f in archive.files if f.key not in known]
        if on_total:
            on_total(sum(f.stored_size for f in to_store))
        created = False
        if to_store:
            try:
                created = ensure_bucket(client, bucket)
            except (ClientError, BotoCoreError) as exc:
                raise SymbolStoreError(f"bucket {bucket.name} cannot be used or created: {exc}") from None
            timings["record"] = time.perf_counter() - started
            started = time.perf_counter()
            store_files(client, bucket.name, to_store, threads, progress)
            timings["store"] = time.perf_counter() - started
            started = time.perf_counter()
        records = [f.record(skipped=f.key in known) for f in archive.files]
        row = db.fetch_one(
            "SELECT upload_id, reprocessed_crashes FROM save_symbols_upload("
            "%(user)s, %(name)s, %(size)s, %(bucket)s, %(location)s, %(files)s, %(days)s)",
            user=user_email,
            name=archive.name,
            size=archive.size,
            bucket=bucket.name,
            location=bucket.location,
            files=Jsonb(records),
            days=int(config["CRASHSTATS_SYMBOLS_REPROCESS_DAYS"]),
        )
        timings["record"] = timings.get("record", 0.0) + time.perf_counter() - started
    assert row is not None
    log.info(
        "symbols upload %s by %s: %d files (%d skipped) into %s, %d crashes queued again",
        row["upload_id"],
        user_email,
        len(records),
        len(known),
        bucket.name,
        row["reprocessed_crashes"],
    )
    return UploadResult(
        upload_id=int(row["upload_id"]),
        user_email=user_email,
        archive_name=archive.name,
        archive_size=archive.size,
        bucket=bucket.name,
        location=bucket.location,
        files=records,
        reprocessed_crashes=int(row["reprocessed_crashes"]),
        created_bucket=created,
        timings=timings,
    )
