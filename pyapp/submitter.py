"""A crash-report client: sends crashes the way Breakpad and Crashpad do (``crashstats submit``).

The body is ``multipart/form-data``: one text part per annotation (or one JSON ``extra`` part
holding them all, as Mozilla's clients may send), the main minidump as the file part
``upload_file_minidump`` and other dumps as further file parts. ``gzip`` compresses the whole
body (``Content-Encoding: gzip``, Crashpad's default); ``chunked`` sends it without a
Content-Length, as Crashpad does.

``crashes_from_dir`` reads stored raw crashes back for resubmission: every ``<crash id>.json``
raw crash under a directory (Socorro's filesystem crash storage layout, or any flat export)
with its dumps beside it (``<crash id>.dump`` for the main one, ``<crash id>.<name>.dump``).
"""

from __future__ import annotations

import gzip as gzip_module
import http.client
import json
import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pyapp.crashid import is_crash_id, strip_prefix
from pyapp.dumpstore import MAIN_DUMP
from pyapp.errors import CrashstatsError, UsageError
from pyapp.rawcrash import COLLECTOR_FIELDS


class SubmitError(CrashstatsError):
    """The crash could not be sent."""


@dataclass
class Crash:
    annotations: dict[str, Any] = field(default_factory=dict)
    #: dump name -> bytes
    dumps: dict[str, bytes] = field(default_factory=dict)
    #: send the annotations as one JSON ``extra`` part instead of one part each
    as_json: bool = False
    source: str = ""


@dataclass(frozen=True)
class Answer:
    status: int
    text: str

    @property
    def crash_id(self) -> str | None:
        for line in self.text.splitlines():
            if line.startswith("CrashID="):
                return strip_prefix(line.split("=", 1)[1])
        return None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.crash_id is not None


def _quote_name(name: str) -> str:
    """Crashpad's escaping of a form field name inside its quotes."""
    return name.replace("%", "%25").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


def encode_multipart(crash: Crash, boundary: str | None = None) -> tuple[bytes, str]:
    """(body, Content-Type) of a crash report."""
    boundary = boundary or f"---MultipartBoundary-{secrets.token_hex(16)}---"
    parts: list[bytes] = []
    if crash.as_json:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="extra"; filename="extra.json"\r\n'
            f"Content-Type: application/json\r\n\r\n".encode()
            + json.dumps(crash.annotations).encode()
            + b"\r\n"
        )
    else:
        for key, value in crash.annotations.items():
            text = value if isinstance(value, str) else json.dumps(value)
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote_name(key)}"\r\n\r\n'.encode()
                + text.encode()
                + b"\r\n"
            )
    for name, data in crash.dumps.items():
        filename = "upload_file_minidump.dmp" if name == MAIN_DUMP else f"{name}.dmp"
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote_name(name)}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def submit(
    url: str,
    crash: Crash,
    *,
    gzip: bool = False,
    chunked: bool = False,
    token: str | None = None,
    timeout: float = 60,
) -> Answer:
    """POST one crash report; returns the collector's answer (raises SubmitError when unreachable)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"--url {url!r}: expected http://HOST[:PORT]/submit")
    body, content_type = encode_multipart(crash)
    headers = {"Content-Type": content_type, "User-Agent": "crashstats-submit/1.0"}
    if gzip:
        body = gzip_module.compress(body, 6)
        headers["Content-Encoding"] = "gzip"
    if token:
        headers["Auth-Token"] = token
    payload: Any = body
    if chunked:
        payload = (body[i : i + 65536] for i in range(0, len(body), 65536))
        headers["Transfer-Encoding"] = "chunked"
    else:
        headers["Content-Length"] = str(len(body))
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    conn = connection_class(parts.hostname, parts.port, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request("POST", path, body=payload, headers=headers, encode_chunked=chunked)
        response = conn.getresponse()
        text = response.read(64 * 1024).decode("utf-8", "replace")
        return Answer(response.status, text)
    except (OSError, http.client.HTTPException) as exc:
        raise SubmitError(f"cannot send the crash to {url}: {exc}") from exc
    finally:
        conn.close()


def crashes_from_dir(directory: Path, *, keep_ids: bool = False) -> Iterator[Crash]:
    """Stored raw crashes under ``directory`` with their dumps, in path order.

    The collector's own fields are dropped (the collector sets them again); with ``keep_ids``
    the crash ID stays as ``uuid`` (honoured only for an authorised submitter).
    """
    if not directory.is_dir():
        raise UsageError(f"--from-dir {directory}: not a directory")
    for path in sorted(directory.rglob("*.json")):
        crash_id = path.stem
        if not is_crash_id(crash_id):
            continue
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise SubmitError(f"{path}: cannot read the raw crash: {exc}") from exc
        if not isinstance(raw, Mapping):
            raise SubmitError(f"{path}: the raw crash is not a JSON object")
        annotations = {k: v for k, v in raw.items() if k not in COLLECTOR_FIELDS}
        if keep_ids:
            annotations["uuid"] = crash_id
        dumps: dict[str, bytes] = {}
        for dump in sorted(path.parent.glob(f"{crash_id}*.dump")):
            middle = dump.name[len(crash_id) : -len(".dump")]
            if middle == "":
                dumps[MAIN_DUMP] = dump.read_bytes()
            elif middle.startswith("."):
                dumps[middle[1:]] = dump.read_bytes()
        yield Crash(annotations, dumps, as_json=True, source=str(path))
