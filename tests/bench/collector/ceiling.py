"""The ceiling of the collector benchmark: a trivial WSGI app that reads the request body,
writes it to one new file, fsyncs it and answers ``CrashID=bp-<uuid>``."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from typing import Any

ROOT = os.environ.get("BENCH_CEILING_DIR", "/tmp")
FSYNC = os.environ.get("BENCH_CEILING_FSYNC", "1") == "1"


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    stream = environ["wsgi.input"]
    crash_id = str(uuid.uuid4())
    with open(os.path.join(ROOT, crash_id), "wb") as out:
        while data := stream.read(256 * 1024):
            out.write(data)
        out.flush()
        if FSYNC:
            os.fsync(out.fileno())
    body = f"CrashID=bp-{crash_id}\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
