"""Collector test helpers: :class:`CollectorServer` (what ``start_collector`` in
tests/collector_fixtures.py returns) and a Breakpad-style crash generator (moto's S3 server is
in tests/s3_fixtures.py)."""

from __future__ import annotations

import contextlib
import gzip
import http.client
import random
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from pyapp.dumpstore import MAIN_DUMP, FSDumpStore
from pyapp.submitter import Crash, encode_multipart
from tests.clock import CLOCK
from tests.support import child_pids


def peak_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmHWM for {pid}")


@dataclass
class Answer:
    status: int
    text: str

    @property
    def crash_id(self) -> str | None:
        if self.text.startswith("CrashID=bp-"):
            return self.text.strip()[len("CrashID=bp-") :]
        return None


@dataclass
class CollectorServer:
    port: int
    db_url: str
    dump_root: Path
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/submit"

    @property
    def store(self) -> FSDumpStore:
        return FSDumpStore(self.dump_root)

    def post(
        self,
        body: bytes,
        headers: dict[str, str],
        *,
        chunked: bool = False,
        path: str = "/submit",
        timeout: float = 60,
    ) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            if chunked:
                pieces = (body[i : i + 65536] for i in range(0, len(body), 65536))
                conn.request("POST", path, body=pieces, headers=headers, encode_chunked=True)
            else:
                conn.request("POST", path, body=body, headers={"Content-Length": str(len(body)), **headers})
            response = conn.getresponse()
            return Answer(response.status, response.read().decode("utf-8", "replace"))
        finally:
            conn.close()

    def send(self, crash: Crash, *, gzip_body: bool = False, chunked: bool = False, **kw: Any) -> Answer:
        body, ctype = encode_multipart(crash)
        headers = {"Content-Type": ctype, **kw.pop("headers", {})}
        if gzip_body:
            body = gzip.compress(body, 6)
            headers["Content-Encoding"] = "gzip"
        return self.post(body, headers, chunked=chunked, **kw)

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.db_url, row_factory=dict_row, autocommit=True)

    def raw_crash(self, crash_id: str) -> dict | None:
        with self.connect() as conn:
            row = conn.execute(
                "SELECT processed_crash_document(raw_crash, json_dump) AS raw_crash FROM raw_crashes "
                "WHERE uuid = %s",
                (crash_id,),
            ).fetchone()
        return None if row is None else row["raw_crash"]

    def queued(self, crash_id: str) -> dict | None:
        with self.connect() as conn:
            return conn.execute("SELECT * FROM processing_queue WHERE crash_id = %s", (crash_id,)).fetchone()

    def stored_ids(self) -> set[str]:
        with self.connect() as conn:
            return {str(r["uuid"]) for r in conn.execute("SELECT uuid FROM raw_crashes")}

    def queued_ids(self) -> set[str]:
        with self.connect() as conn:
            return {str(r["crash_id"]) for r in conn.execute("SELECT crash_id FROM processing_queue")}

    def dump_files(self) -> list[Path]:
        """Every file under the dump root outside the spool directory."""
        return sorted(
            p for p in self.dump_root.rglob("*") if p.is_file() and FSDumpStore.SPOOL_DIR not in p.parts
        )

    def spool_files(self) -> list[Path]:
        spool = self.dump_root / FSDumpStore.SPOOL_DIR
        return sorted(spool.iterdir()) if spool.is_dir() else []

    def workers(self) -> list[int]:
        return child_pids(self.process.pid)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


# --- crashes --------------------------------------------------------------------------------

ANNOTATION_NAMES = [
    "AdapterDeviceID",
    "AdapterVendorID",
    "Add-ons",
    "BuildID",
    "CrashTime",
    "EMCheckCompatibility",
    "InstallTime",
    "Notes",
    "NumberOfProcessors",
    "ProductID",
    "StartupTime",
    "Theme",
    "Vendor",
    "Winsock_LSP",
    "AvailableVirtualMemory",
    "TotalVirtualMemory",
    "SystemMemoryUsePercentage",
    "useragent_locale",
    "SecondsSinceLastCrash",
    "FramePoisonSize",
    "FramePoisonBase",
    "IsGarbageCollecting",
    "OOMAllocationSize",
    "AsyncShutdownTimeout",
    "BlockedDllList",
    "ContentSandboxLevel",
    "GraphicsStartupTest",
    "MozCrashReason",
    "StartupCrash",
    "TelemetryEnvironment",
    "Throttleable",
    "UptimeTS",
    "CPUMicrocodeVersion",
    "AvailablePageFile",
]


def fake_dump(rng: random.Random, size: int) -> bytes:
    """Minidump-like bytes: an MDMP header, then random, zero and small-integer runs (gzip ~2:1)."""
    out = bytearray(b"MDMP\x93\xa7\x00\x00")
    while len(out) < size:
        kind = rng.random()
        n = rng.randint(64, 4096)
        if kind < 0.35:
            out += rng.randbytes(n)
        elif kind < 0.7:
            out += bytes(n)
        else:
            out += bytes(rng.randrange(40) for _ in range(min(n, 512)))
    return bytes(out[:size])


def make_crash(
    rng: random.Random, *, dump_size: int = 20_000, extra_dumps: int = 0, **annotations: str
) -> Crash:
    """A Breakpad-style crash: ProductName/Version/ReleaseChannel plus 34 other annotations."""
    values = {
        "ProductName": "KillerApp",
        "Version": "1.0",
        "ReleaseChannel": "release",
        "BuildID": "20261128000000",
    }
    for name in ANNOTATION_NAMES:
        values.setdefault(name, f"{name}-{rng.randrange(10**9)}-" + "x" * rng.randrange(4, 60))
    values.update(annotations)
    dumps = {MAIN_DUMP: fake_dump(rng, dump_size)}
    for n in range(extra_dumps):
        dumps[f"{MAIN_DUMP}_extra{n}"] = fake_dump(rng, dump_size // 2 + n)
    return Crash(values, dumps)


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> random.Random:
    return random.Random(request.node.nodeid)


def assert_stored(server: CollectorServer, crash_id: str, crash: Crash, *, queued: bool = True) -> dict:
    """The raw crash, every dump byte for byte, and the queue row (or its absence)."""
    raw = server.raw_crash(crash_id)
    assert raw is not None, f"no raw crash for acknowledged {crash_id}"
    for key, value in crash.annotations.items():
        assert raw[key] == value, key
    assert raw["uuid"] == crash_id
    assert server.store.dump_names(crash_id) == sorted(crash.dumps)
    for name, data in crash.dumps.items():
        assert server.store.get_dump(crash_id, name) == data, name
    assert (server.queued(crash_id) is not None) == queued
    return raw


@contextlib.contextmanager
def db_failure(db_url: str) -> Iterator[None]:
    """Every insert into processing_queue fails (after the raw crash row was written)."""
    with psycopg.connect(db_url, autocommit=True) as conn:
        conn.execute(
            "CREATE FUNCTION test_refuse_queue() RETURNS trigger LANGUAGE plpgsql AS "
            "$$BEGIN RAISE EXCEPTION 'injected failure' USING ERRCODE = 'disk_full'; END$$"
        )
        conn.execute(
            "CREATE TRIGGER test_refuse_queue BEFORE INSERT ON processing_queue "
            "FOR EACH ROW EXECUTE FUNCTION test_refuse_queue()"
        )
        try:
            yield
        finally:
            conn.execute("DROP TRIGGER test_refuse_queue ON processing_queue")
            conn.execute("DROP FUNCTION test_refuse_queue()")


@contextlib.contextmanager
def dump_store_failure(dump_root: Path) -> Iterator[None]:
    """The dump store cannot create today's (or tomorrow's) directory: a file is in the way."""
    import datetime as dt

    today = CLOCK.today()
    blockers = [dump_root / d.strftime("%Y%m%d") for d in (today, today + dt.timedelta(days=1))]
    dump_root.mkdir(parents=True, exist_ok=True)
    saved: dict[Path, Path] = {}
    for path in blockers:
        if path.exists():
            aside = path.with_name(path.name + ".aside")
            path.rename(aside)
            saved[path] = aside
        path.write_bytes(b"not a directory")
    try:
        yield
    finally:
        for path in blockers:
            path.unlink()
        for path, aside in saved.items():
            aside.rename(path)
