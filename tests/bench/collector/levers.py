"""Per-crash cost of each step of the collector, and of the alternatives (performance-notes.md's
levers), measured in this process on the benchmark's realistic crash. Alternatives that are
not installed are reported as such (``pip install python-multipart isal zlib-ng orjson``)."""

from __future__ import annotations

import gzip
import hashlib
import importlib
import json
import os
import random
import tempfile
import time
import zlib
from collections.abc import Callable
from typing import Any

from pyapp.submitter import encode_multipart


def timed(fn: Callable[[], Any], repeat: int = 60) -> float:
    fn()
    began = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - began) / repeat * 1000


def optional(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def print_levers() -> None:
    from tests.bench.collector.__main__ import realistic_crash

    crash = realistic_crash(random.Random(2))
    body, ctype = encode_multipart(crash)
    boundary = ctype.split("boundary=")[1]
    gz = gzip.compress(body, 6)
    pieces = [gz[i : i + 256 * 1024] for i in range(0, len(gz), 256 * 1024)]
    raw_pieces = [body[i : i + 256 * 1024] for i in range(0, len(body), 256 * 1024)]
    rows: list[tuple[str, str, float | None]] = []

    def gunzip_with(module: Any) -> Callable[[], None]:
        def run() -> None:
            inflater = module.decompressobj(16 + 15)
            total = 0
            for piece in pieces:
                data = piece
                while data:
                    total += len(inflater.decompress(data, 256 * 1024))
                    data = inflater.unconsumed_tail
            assert total == len(body)

        return run

    for label, name in (
        ("zlib (stdlib)", "zlib"),
        ("isal", "isal.isal_zlib"),
        ("zlib-ng (chosen)", "zlib_ng.zlib_ng"),
    ):
        module = zlib if name == "zlib" else optional(name)
        rows.append(("gunzip, streamed with a cap", label, timed(gunzip_with(module)) if module else None))

    import multipart

    def push_parser() -> None:
        parser = multipart.PushMultipartParser(boundary)
        sizes = 0
        for piece in [*raw_pieces, b""]:
            for event in parser.parse(piece):
                if isinstance(event, bytes | bytearray | memoryview):
                    sizes += len(event)
        assert sizes > len(crash.dumps["upload_file_minidump"])

    rows.append(
        ("multipart parsing (streamed)", "multipart PushMultipartParser (chosen)", timed(push_parser))
    )
    python_multipart = optional("python_multipart")
    if python_multipart:

        def callbacks_parser() -> None:
            sizes = [0]

            def on_part_data(data: bytes, start: int, end: int) -> None:
                sizes[0] += end - start

            parser = python_multipart.MultipartParser(boundary.encode(), {"on_part_data": on_part_data})
            for piece in raw_pieces:
                parser.write(piece)
            parser.finalize()
            assert sizes[0] > len(crash.dumps["upload_file_minidump"])

        rows.append(("multipart parsing (streamed)", "python-multipart", timed(callbacks_parser)))
    else:
        rows.append(("multipart parsing (streamed)", "python-multipart", None))

    def email_parser() -> None:
        import email.parser
        import email.policy

        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + body
        )
        for part in msg.iter_parts():
            part.get_payload(decode=True)

    rows.append(
        (
            "multipart parsing (whole body)",
            "stdlib email (Antenna's old cgi-like way)",
            timed(email_parser, 10),
        )
    )
    dump = crash.dumps["upload_file_minidump"]
    rows.append(("dump checksum", "sha256 (hashlib)", timed(lambda: hashlib.sha256(dump).hexdigest())))
    raw = dict(crash.annotations)
    rows.append(("raw crash JSON", "json (stdlib, chosen)", timed(lambda: json.dumps(raw), 500)))
    orjson = optional("orjson")
    rows.append(("raw crash JSON", "orjson", timed(lambda: orjson.dumps(raw), 500) if orjson else None))

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as directory:
        counter = iter(range(10**9))

        def durable(fsync_file: bool, fsync_dir: bool) -> Callable[[], None]:
            def run() -> None:
                n = next(counter)
                tmp = os.path.join(directory, f"{n}.tmp")
                with open(tmp, "wb") as out:
                    out.write(dump)
                    out.flush()
                    if fsync_file:
                        os.fsync(out.fileno())
                os.rename(tmp, os.path.join(directory, f"{n}.dump"))
                if fsync_dir:
                    fd = os.open(directory, os.O_RDONLY)
                    os.fsync(fd)
                    os.close(fd)

            return run

        rows.append(("dump write (wall time)", "temp + rename, no fsync", timed(durable(False, False), 30)))
        rows.append(
            (
                "dump write (wall time)",
                "temp + fsync + rename + dir fsync, in turn",
                timed(durable(True, True), 30),
            )
        )
        rows.append(
            ("dump write (wall time)", "temp + fsync + rename, no dir fsync", timed(durable(True, False), 30))
        )

        from pyapp.crashid import create_crash_id
        from pyapp.dumpstore import MAIN_DUMP, FSDumpStore

        store = FSDumpStore(os.path.join(directory, "store"))

        def chosen() -> None:
            # a new crash, mostly in a new radix directory (as on the first crashes of a day):
            # file and directories fsynced concurrently
            spool = store.spool()
            spool.write(dump)
            store.save_dumps(create_crash_id(), {MAIN_DUMP: spool})

        rows.append(
            (
                "dump write (wall time)",
                "FSDumpStore.save_dumps: rename, fsync all at once (chosen)",
                timed(chosen, 30),
            )
        )

    print("| step | way | ms per crash |")
    print("|---|---|---|")
    for step, way, ms in rows:
        print(f"| {step} | {way} | {'not installed' if ms is None else f'{ms:.3f}'} |")
    print(flush=True)


def print_database_levers(url: str) -> None:
    """One save_raw_crash per crash: its own transaction (BEGIN ... COMMIT) or one autocommit call."""
    import datetime as dt

    import psycopg
    from psycopg.types.json import Jsonb

    from pyapp.crashid import create_crash_id
    from pyapp.rawcrash import SAVE_RAW_CRASH
    from tests.bench.collector.__main__ import realistic_crash

    raw = dict(realistic_crash(random.Random(3)).annotations)
    now = dt.datetime.now(dt.UTC)

    def params() -> dict[str, Any]:
        return {"crash_id": create_crash_id(now), "raw_crash": Jsonb(raw), "submitted": now, "queue": True}

    with psycopg.connect(url) as conn:
        conn.execute(SAVE_RAW_CRASH, params())
        conn.commit()

        def transaction() -> None:
            with conn.transaction():
                conn.execute(SAVE_RAW_CRASH, params())

        in_transaction = timed(transaction, 200)
    with psycopg.connect(url, autocommit=True) as conn:
        autocommit = timed(lambda: conn.execute(SAVE_RAW_CRASH, params()), 200)
    print("| database step | way | ms per crash |")
    print("|---|---|---|")
    print(f"| save_raw_crash + commit | BEGIN; SELECT save_raw_crash(...); COMMIT | {in_transaction:.3f} |")
    print(f"| save_raw_crash + commit | one autocommit statement (chosen) | {autocommit:.3f} |")
    print(flush=True)
