"""The floor of the collector benchmark: the ceiling (ceiling.py) plus the two steps no collector
that meets issue 4 can leave out, each done the cheapest way, in C.

1. Inflate the gzip body (zlib-ng, as the collector): the dump and the annotations are inside
   it, and a body that is not what it claims must get its 400 before the answer.
2. Commit one row to PostgreSQL before answering: the raw crash's annotations (a few KB of
   text, never parsed) in one autocommit INSERT on the worker's own connection. The collector's
   commit also holds the queue row; this one holds a single row with no index but its key.

It writes the inflated body to one file and fsyncs it (as the ceiling does with the compressed
one), and answers ``CrashID=bp-<uuid>``. It parses nothing: the multipart parsing, the throttle,
the dump store's layout and the raw crash's JSON are left out, so this is a lower bound of what a
collector costs, not a collector. The rate it reaches is an upper bound of the collector's.
"""

from __future__ import annotations

import os
import uuid
import zlib
from collections.abc import Callable, Iterable
from typing import Any

import psycopg
from zlib_ng import zlib_ng

ROOT = os.environ.get("BENCH_CEILING_DIR", "/tmp")
URL = os.environ.get("DATABASE_URL", "")
TABLE = "bench_collector_floor"
#: the bytes of annotations stored per crash (the benchmark's 40 annotations as JSON are ~2 KB)
ANNOTATIONS = 2048

_conn: psycopg.Connection | None = None


def connection() -> psycopg.Connection:
    global _conn
    if _conn is None or _conn.closed:
        _conn = psycopg.connect(URL, autocommit=True)
    return _conn


def create_table(url: str) -> None:
    """The floor's table (the benchmark creates it before it starts the server)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (crash_id uuid PRIMARY KEY, raw_crash text NOT NULL)"
        )


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    stream = environ["wsgi.input"]
    crash_id = str(uuid.uuid4())
    inflater = zlib_ng.decompressobj(16 + zlib.MAX_WBITS)
    head = b""
    with open(os.path.join(ROOT, crash_id), "wb") as out:
        while data := stream.read(256 * 1024):
            inflated = inflater.decompress(data)
            if len(head) < ANNOTATIONS:
                head += inflated[: ANNOTATIONS - len(head)]
            out.write(inflated)
        out.write(inflater.flush())
        out.flush()
        os.fsync(out.fileno())
    connection().execute(
        f"INSERT INTO {TABLE} (crash_id, raw_crash) VALUES (%s, %s)",
        (crash_id, head.decode("latin-1").replace("\x00", "")),
    )
    body = f"CrashID=bp-{crash_id}\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
