"""The dump store: where minidumps live (the raw crash JSON lives in PostgreSQL).

Two implementations share one interface, used by the collector (write), the processor and the
web pages (read):

* :class:`FSDumpStore` (default): Socorro's radix layout under ``filesystem__fs_root``:
  ``<root>/<YYYYMMDD>/name/<id[0:2]>/<id[2:4]>/<crash_id>.dump`` for ``upload_file_minidump``
  and ``<crash_id>.<dump_name>.dump`` for the others, the date being the crash ID's. Each file
  is written to a temporary name, fsynced, renamed into place, and its directory (and every
  directory created on the way) fsynced, so a dump is either whole and durable or absent.
* :class:`S3DumpStore`: boto3; keys ``{prefix}/v1/{dump_name}/{crash_id}`` plus
  ``{prefix}/v1/dump_names/{crash_id}`` (a JSON list), Socorro's scheme. The endpoint is
  ``AWS_ENDPOINT_URL`` when set (MinIO, Ceph, moto), credentials boto3's usual chain, timeouts
  and attempts those of :mod:`pyapp.s3` (a hung S3 is a DumpStoreError within seconds).

Writers stream large dumps into a :meth:`DumpStore.spool` file first (on the store's own
filesystem for the fs store, so saving is a rename) and hand it to :meth:`DumpStore.save_dumps`,
which stores all the dumps of a crash or none of them.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import tempfile
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any, BinaryIO

from pyapp.config import Config
from pyapp.crashid import date_from_crash_id, is_crash_id, strip_prefix
from pyapp.errors import CrashstatsError
from pyapp.s3 import S3Timeouts

log = logging.getLogger(__name__)

MAIN_DUMP = "upload_file_minidump"
#: names that would collide with the store's own keys
RESERVED_NAMES = frozenset({"raw_crash", "dump_names", "processed_crash"})
DUMP_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,100}$")

DumpData = bytes | bytearray | memoryview | BinaryIO | IO[bytes] | "SpoolFile"


class DumpStoreError(CrashstatsError):
    """The dump store failed (disk, permissions, S3)."""


class DumpNotFound(CrashstatsError):
    """No such dump."""


def sanitize_dump_name(name: str) -> str:
    """The stored form of a dump part's name: letters, digits, ``_`` and ``-`` only.

    Raises ValueError when nothing usable is left, the result is too long or reserved.
    """
    clean = re.sub(r"[^A-Za-z0-9_-]", "", name)
    if not DUMP_NAME_RE.match(clean) or clean in RESERVED_NAMES:
        raise ValueError(f"bad dump name {name!r}")
    return clean


def _check(crash_id: str, name: str | None = None) -> str:
    bare = strip_prefix(crash_id)
    if not is_crash_id(bare):
        raise ValueError(f"not a crash ID: {crash_id!r}")
    if name is not None and (not DUMP_NAME_RE.match(name) or name in RESERVED_NAMES):
        raise ValueError(f"bad dump name {name!r}")
    return bare


class SpoolFile:
    """A dump being received: write to it, then give it to ``save_dumps`` (or ``discard``)."""

    def __init__(self, file: IO[bytes], path: str | None) -> None:
        self.file = file
        self.path = path
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.file.write(data)
        self.size += len(data)

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        if self.path:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)
            self.path = None

    def __enter__(self) -> SpoolFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()


class DumpStore(ABC):
    """Where dumps live. Every method takes bare or ``bp-`` prefixed crash IDs."""

    @abstractmethod
    def spool(self) -> SpoolFile:
        """A temporary file to stream a dump into before ``save_dumps``."""

    @abstractmethod
    def save_dumps(self, crash_id: str, dumps: Mapping[str, DumpData]) -> None:
        """Store every dump of a crash durably, or none of them (raises DumpStoreError).

        Values are bytes, binary file objects or spool files (consumed: do not reuse them).
        """

    @contextlib.contextmanager
    def saving(self, crash_id: str, dumps: Mapping[str, DumpData]) -> Iterator[None]:
        """``save_dumps`` with work of the caller's overlapping the wait for durability: the
        block runs once the dumps are written, and leaving it waits until they are durable
        (raises DumpStoreError, the dumps removed, when they cannot be made so). The collector
        sends its database statement in the block and commits only after it: the commit still
        comes after the dumps are durable. Here (S3: durable once written) the block simply
        runs after ``save_dumps``."""
        self.save_dumps(crash_id, dumps)
        yield

    @abstractmethod
    def get_dump(self, crash_id: str, name: str = MAIN_DUMP) -> bytes:
        """The dump's bytes; raises DumpNotFound."""

    @abstractmethod
    def dump_names(self, crash_id: str) -> list[str]:
        """The names of the crash's dumps (sorted; empty when there are none)."""

    @abstractmethod
    def delete_dumps(self, crash_id: str, names: Iterable[str] | None = None) -> None:
        """Remove the named dumps (default: all) of a crash; missing ones are no error."""

    @contextlib.contextmanager
    def local_path(self, crash_id: str, name: str = MAIN_DUMP) -> Iterator[Path]:
        """A file holding the dump while the block runs (for programs that read files, such as
        the stackwalker): a temporary copy here, the stored file itself in the filesystem store.
        Raises DumpNotFound."""
        data = self.get_dump(crash_id, name)
        with tempfile.NamedTemporaryFile(prefix="dump-", suffix=".dmp") as copy:
            copy.write(data)
            copy.flush()
            yield Path(copy.name)

    @abstractmethod
    def check(self) -> None:
        """Raise DumpStoreError when the store cannot be used (startup and health checks)."""


# --- filesystem ----------------------------------------------------------------------------


_sync_pool: tuple[int, ThreadPoolExecutor] | None = None
_sync_pool_lock = threading.Lock()


def _start_fsyncs(fds: list[int]) -> list[Future[None]]:
    """Start fsyncing every descriptor, concurrently (the filesystem's journal commits them
    together, so several fsyncs cost about one); ``_wait_fsyncs`` waits for them."""
    global _sync_pool
    with _sync_pool_lock:
        if _sync_pool is None or _sync_pool[0] != os.getpid():  # a pool does not survive fork
            _sync_pool = (os.getpid(), ThreadPoolExecutor(max_workers=8, thread_name_prefix="fsync"))
        pool = _sync_pool[1]
    return [pool.submit(os.fsync, fd) for fd in fds]


def _wait_fsyncs(futures: list[Future[None]]) -> None:
    """Wait for every fsync; raises the first OSError."""
    errors = [f.exception() for f in futures]
    for error in errors:
        if error is not None:
            raise error


class FSDumpStore(DumpStore):
    """Socorro's filesystem radix layout (``FSLegacyRadixTreeStorage``, depth 2).

    Durability: each dump goes to a temporary name and is renamed into place; before
    ``save_dumps`` returns, the files, the crash's directory (their new names) and the parent
    of every directory on the way that this process has not yet seen durable are fsynced, all
    at once. The parents matter on the first crashes of a day: a directory another worker has
    just created is durable only once its parent has been synced, whoever created it.
    """

    SPOOL_DIR = ".spool"
    #: directories known durable in this process, forgotten past this many
    DURABLE_CACHE = 200_000

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).absolute()
        self._root = str(self.root)  # the write path works on strings: pathlib cost ~5% of a crash
        self._spool_ready = False
        self._lock = threading.Lock()
        self._durable: set[str] = set()

    def __repr__(self) -> str:
        return f"FSDumpStore({str(self.root)!r})"

    # layout
    def directory(self, crash_id: str) -> Path:
        return Path(self._directory(_check(crash_id)))

    def _directory(self, bare: str) -> str:
        day = date_from_crash_id(bare).strftime("%Y%m%d")
        return f"{self._root}/{day}/name/{bare[0:2]}/{bare[2:4]}"

    @staticmethod
    def file_name(crash_id: str, name: str) -> str:
        return f"{crash_id}.dump" if name == MAIN_DUMP else f"{crash_id}.{name}.dump"

    def path(self, crash_id: str, name: str = MAIN_DUMP) -> Path:
        bare = _check(crash_id, name)
        return self.directory(bare) / self.file_name(bare, name)

    def _makedirs(self, directory: str | Path) -> None:
        """Create ``directory`` and its missing parents (concurrent creators are fine)."""
        if os.path.isdir(directory):
            return
        try:
            os.makedirs(directory, exist_ok=True)
        except FileExistsError:  # a file, not a directory, is in the way
            raise NotADirectoryError(20, "Not a directory", str(directory)) from None

    def _sync_targets(self, directory: str) -> tuple[list[str], list[str]]:
        """(directories to fsync, directories that are durable once that is done): the crash's
        directory, and the parent of each level between it and the root not known durable."""
        targets = [directory]
        levels = []
        level = directory
        while len(level) > len(self._root):
            parent = os.path.dirname(level)
            if level not in self._durable:
                levels.append(level)
                if parent not in targets:
                    targets.append(parent)
            level = parent
        return targets, levels

    def check(self) -> None:
        try:
            self._makedirs(self.root / self.SPOOL_DIR)
            for path in (self.root, self.root.parent):  # the root itself is durable
                fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
        except OSError as exc:
            raise DumpStoreError(f"dump store {self.root}: {exc.strerror or exc}") from exc

    def spool(self) -> SpoolFile:
        spool_dir = f"{self._root}/{self.SPOOL_DIR}"
        if not self._spool_ready:
            with self._lock:
                self.check()
                self._spool_ready = True
        try:
            fd, name = tempfile.mkstemp(prefix="dump-", suffix=".tmp", dir=spool_dir)
        except FileNotFoundError:
            self._spool_ready = False
            self.check()
            fd, name = tempfile.mkstemp(prefix="dump-", suffix=".tmp", dir=spool_dir)
        return SpoolFile(os.fdopen(fd, "wb", buffering=1 << 16), name)

    def save_dumps(self, crash_id: str, dumps: Mapping[str, DumpData]) -> None:
        with self.saving(crash_id, dumps):
            pass

    @contextlib.contextmanager
    def saving(self, crash_id: str, dumps: Mapping[str, DumpData]) -> Iterator[None]:
        """Write and rename the dumps, start their fsyncs (files, directories), run the block
        while they go on, then wait for them: leaving the block normally means durable."""
        bare = _check(crash_id)
        for name in dumps:
            _check(bare, name)
        directory = self._directory(bare)
        created: list[str] = []
        files: list[IO[bytes]] = []
        dir_fds: list[int] = []
        syncs: list[Future[None]] = []

        def undo() -> None:
            for path in created:
                with contextlib.suppress(OSError):
                    os.unlink(path)
            for data in dumps.values():
                if isinstance(data, SpoolFile):
                    data.discard()

        try:
            try:
                self._makedirs(directory)
                for name, data in dumps.items():
                    target = f"{directory}/{self.file_name(bare, name)}"
                    existed = os.path.lexists(target)
                    files.append(self._place(target, data))
                    if not existed:
                        created.append(target)
                targets, levels = self._sync_targets(directory)
                for path in targets:
                    dir_fds.append(os.open(path, os.O_RDONLY | os.O_DIRECTORY))
                syncs = _start_fsyncs([f.fileno() for f in files] + dir_fds)
            except OSError as exc:
                undo()
                raise DumpStoreError(f"cannot store the dumps of {bare}: {exc}") from exc
            try:
                yield
            finally:
                # whatever the block did, the descriptors stay open until their fsyncs end
                try:
                    _wait_fsyncs(syncs)
                except OSError as exc:
                    undo()
                    raise DumpStoreError(f"cannot store the dumps of {bare}: {exc}") from exc
            if len(self._durable) > self.DURABLE_CACHE:
                self._durable.clear()
            self._durable.update(levels)
        finally:
            for f in files:
                with contextlib.suppress(OSError):
                    f.close()
            for fd in dir_fds:
                os.close(fd)

    def _place(self, target: str, data: DumpData) -> IO[bytes]:
        """Write ``data`` under a temporary name and rename it to ``target``; returns the still
        open file (flushed, not yet fsynced: ``save_dumps`` syncs everything at once)."""
        if (
            isinstance(data, SpoolFile)
            and data.path
            and os.path.dirname(data.path) == f"{self._root}/{self.SPOOL_DIR}"
        ):
            data.file.flush()
            os.rename(data.path, target)
            data.path = None
            return data.file
        folder, name = os.path.split(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
        out = os.fdopen(fd, "wb")
        try:
            if isinstance(data, bytes | bytearray | memoryview):
                out.write(data)
            else:
                source = data.file if isinstance(data, SpoolFile) else data
                source.seek(0)
                while chunk := source.read(1 << 20):
                    out.write(chunk)
                if isinstance(data, SpoolFile):
                    data.discard()
            out.flush()
            os.rename(tmp, target)
        except BaseException:
            out.close()
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return out

    @contextlib.contextmanager
    def local_path(self, crash_id: str, name: str = MAIN_DUMP) -> Iterator[Path]:
        path = self.path(crash_id, name)
        if not path.is_file():
            raise DumpNotFound(f"no dump {name} for crash {strip_prefix(crash_id)}")
        yield path

    def get_dump(self, crash_id: str, name: str = MAIN_DUMP) -> bytes:
        try:
            return self.path(crash_id, name).read_bytes()
        except FileNotFoundError:
            raise DumpNotFound(f"no dump {name} for crash {strip_prefix(crash_id)}") from None
        except OSError as exc:
            raise DumpStoreError(f"cannot read dump {name} of {strip_prefix(crash_id)}: {exc}") from exc

    def dump_names(self, crash_id: str) -> list[str]:
        bare = _check(crash_id)
        try:
            entries = os.listdir(self.directory(bare))
        except FileNotFoundError:
            return []
        names = []
        for entry in entries:
            if not (entry.startswith(bare + ".") and entry.endswith(".dump")):
                continue
            middle = entry[len(bare) + 1 : -len(".dump")]
            names.append(middle or MAIN_DUMP)
        return sorted(names)

    def delete_dumps(self, crash_id: str, names: Iterable[str] | None = None) -> None:
        bare = _check(crash_id)
        for name in self.dump_names(bare) if names is None else list(names):
            with contextlib.suppress(FileNotFoundError):
                self.path(bare, name).unlink()


# --- S3 ------------------------------------------------------------------------------------


class S3DumpStore(DumpStore):
    """Dumps in an S3 bucket, Socorro's key scheme."""

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        *,
        client: Any = None,
        endpoint_url: str | None = None,
        region: str | None = None,
        timeouts: S3Timeouts | None = None,
    ) -> None:
        import boto3

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.timeouts = timeouts or S3Timeouts()
        self.client = client or boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region or None,
            config=self.timeouts.boto_config(),
        )

    def __repr__(self) -> str:
        return f"S3DumpStore({self.bucket!r}, {self.prefix!r})"

    def key(self, crash_id: str, name: str) -> str:
        head = f"{self.prefix}/v1" if self.prefix else "v1"
        return f"{head}/{name}/{crash_id}"

    def _error(self, what: str, exc: Exception) -> DumpStoreError:
        return DumpStoreError(f"S3 bucket {self.bucket}: {what}: {exc}")

    def check(self) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as exc:
            raise self._error("not reachable", exc) from exc

    def spool(self) -> SpoolFile:
        return SpoolFile(tempfile.SpooledTemporaryFile(max_size=4 << 20), None)

    def save_dumps(self, crash_id: str, dumps: Mapping[str, DumpData]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        bare = _check(crash_id)
        for name in dumps:
            _check(bare, name)
        written: list[str] = []
        try:
            for name, data in dumps.items():
                key = self.key(bare, name)
                if isinstance(data, bytes | bytearray | memoryview):
                    body: Any = bytes(data)
                else:
                    body = data.file if isinstance(data, SpoolFile) else data
                    body.seek(0)
                self.client.put_object(Bucket=self.bucket, Key=key, Body=body)
                written.append(key)
            names = sorted(set(self._stored_names(bare)) | set(dumps))
            self.client.put_object(
                Bucket=self.bucket,
                Key=self.key(bare, "dump_names"),
                Body=json.dumps(names).encode(),
                ContentType="application/json",
            )
        except (BotoCoreError, ClientError, OSError) as exc:
            for key in written:
                with contextlib.suppress(BotoCoreError, ClientError):
                    self.client.delete_object(Bucket=self.bucket, Key=key)
            raise self._error(f"cannot store the dumps of {bare}", exc) from exc
        finally:
            for data in dumps.values():
                if isinstance(data, SpoolFile):
                    data.discard()

    def _stored_names(self, bare: str) -> list[str]:
        from botocore.exceptions import ClientError

        try:
            body = self.client.get_object(Bucket=self.bucket, Key=self.key(bare, "dump_names"))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return []
            raise
        names = json.loads(body)
        return [str(n) for n in names] if isinstance(names, list) else []

    def get_dump(self, crash_id: str, name: str = MAIN_DUMP) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        bare = _check(crash_id, name)
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self.key(bare, name))["Body"].read()
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise DumpNotFound(f"no dump {name} for crash {bare}") from None
            raise self._error(f"cannot read dump {name} of {bare}", exc) from exc
        except BotoCoreError as exc:
            raise self._error(f"cannot read dump {name} of {bare}", exc) from exc

    def dump_names(self, crash_id: str) -> list[str]:
        from botocore.exceptions import BotoCoreError, ClientError

        bare = _check(crash_id)
        try:
            return sorted(self._stored_names(bare))
        except (BotoCoreError, ClientError, ValueError) as exc:
            raise self._error(f"cannot read the dump names of {bare}", exc) from exc

    def delete_dumps(self, crash_id: str, names: Iterable[str] | None = None) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        bare = _check(crash_id)
        stored = self.dump_names(bare)
        doomed = stored if names is None else [n for n in names if _check(bare, n)]
        try:
            for name in doomed:
                self.client.delete_object(Bucket=self.bucket, Key=self.key(bare, name))
            left = [n for n in stored if n not in doomed]
            if left:
                self.client.put_object(
                    Bucket=self.bucket, Key=self.key(bare, "dump_names"), Body=json.dumps(left).encode()
                )
            else:
                self.client.delete_object(Bucket=self.bucket, Key=self.key(bare, "dump_names"))
        except (BotoCoreError, ClientError) as exc:
            raise self._error(f"cannot delete the dumps of {bare}", exc) from exc


def open_dump_store(config: Config) -> DumpStore:
    """The dump store the configuration names (``CRASHSTATS_DUMP_STORE``)."""
    from pyapp.errors import ConfigError

    if config["CRASHSTATS_DUMP_STORE"] == "s3":
        bucket = config["CRASHSTATS_DUMP_S3_BUCKET"]
        if not bucket:
            raise ConfigError("CRASHSTATS_DUMP_S3_BUCKET: required when CRASHSTATS_DUMP_STORE is s3")
        return S3DumpStore(
            bucket,
            config["CRASHSTATS_DUMP_S3_PREFIX"] or "",
            endpoint_url=config["AWS_ENDPOINT_URL"],
            region=config["CRASHSTATS_DUMP_S3_REGION"],
            timeouts=S3Timeouts.from_config(config),
        )
    root = config["filesystem__fs_root"] or (config.var_dir / "crashes")
    return FSDumpStore(root)


def read_all(data: DumpData) -> bytes:
    """The bytes of a dump value (tests and small tools)."""
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    source = data.file if isinstance(data, SpoolFile) else data
    source.seek(0)
    out = io.BytesIO()
    while chunk := source.read(1 << 20):
        out.write(chunk)
    return out.getvalue()
