"""Reading a crash report from an HTTP request, as a stream, within limits.

The body (``Content-Length`` or ``Transfer-Encoding: chunked``) is read in pieces, gunzipped
(zlib-ng) as it comes when ``Content-Encoding: gzip`` (each step capped, so a gzip bomb stops
at the uncompressed limit), and fed to the push parser of ``multipart`` (the streaming parser by
Bottle's author). Annotation parts are kept in memory within their own limit; dump parts go
straight into spool files of the dump store, hashed on the way. Nothing here touches storage
beyond those spool files, which the caller saves or discards.

Errors are :class:`Malformed` (answered ``400 Discarded=malformed_<reason>``),
:class:`TooLarge` (``413``) and :class:`UnsupportedCoding` (``501``); an OSError while
spooling is a storage failure and propagates.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import multipart
from zlib_ng import zlib_ng as inflate_lib  # inflates ~40% faster than zlib (bench --levers)

from pyapp.dumpstore import MAIN_DUMP, DumpStore, SpoolFile, sanitize_dump_name

INFLATE_ERRORS: tuple[type[Exception], ...] = (inflate_lib.error, zlib.error)

READ_SIZE = 256 * 1024
#: largest piece the gunzip step hands on at once
INFLATE_STEP = 256 * 1024


class Malformed(Exception):
    """The request is not a crash report we can read; ``reason`` is a short code."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail


class TooLarge(Exception):
    """The body (``reason`` = body_too_large) or its uncompressed form is over the limit."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UnsupportedCoding(Exception):
    """A transfer coding other than ``chunked`` (answered ``501``: the body is not read as
    sent, so it would be stored still encoded)."""

    def __init__(self, coding: str) -> None:
        super().__init__(coding)
        self.coding = coding


@dataclass(frozen=True)
class Limits:
    max_body: int = 25 * 1024**2
    max_uncompressed: int = 100 * 1024**2
    max_annotations: int = 8 * 1024**2
    max_parts: int = 256


@dataclass
class CrashPayload:
    """What a crash report carried."""

    annotations: dict[str, Any] = field(default_factory=dict)
    dumps: dict[str, SpoolFile] = field(default_factory=dict)
    checksums: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    payload: str = "multipart"
    compressed: bool = False
    body_size: int = 0
    uncompressed_size: int = 0

    def discard(self) -> None:
        for spool in self.dumps.values():
            spool.discard()
        self.dumps.clear()


def content_length(environ: Mapping[str, Any]) -> int | None:
    raw = environ.get("CONTENT_LENGTH") or ""
    if not raw.strip():
        return None
    try:
        value = int(raw)
    except ValueError:
        raise Malformed("bad_content_length") from None
    if value < 0:
        raise Malformed("bad_content_length")
    return value


def is_chunked(environ: Mapping[str, Any]) -> bool:
    return "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()


def check_transfer_encoding(environ: Mapping[str, Any]) -> None:
    """UnsupportedCoding unless the body is sent as is or ``Transfer-Encoding: chunked``
    (gzip is sent as ``Content-Encoding``)."""
    raw = environ.get("HTTP_TRANSFER_ENCODING", "")
    codings = [c.strip().lower() for c in raw.split(",") if c.strip()]
    if codings and codings != ["chunked"]:
        raise UnsupportedCoding(raw[:100])


def body_chunks(environ: Mapping[str, Any], limits: Limits) -> Iterator[bytes]:
    """The request body as sent, in pieces; TooLarge past ``max_body``."""
    stream = environ["wsgi.input"]
    length = content_length(environ)
    chunked = is_chunked(environ)
    if length is None and not chunked:
        raise Malformed("no_content_length")
    if length is not None and not chunked and length > limits.max_body:
        raise TooLarge("body_too_large")
    remaining = None if chunked else length
    total = 0
    while remaining is None or remaining > 0:
        size = READ_SIZE if remaining is None else min(READ_SIZE, remaining)
        try:
            data = stream.read(size)
        except Exception as exc:  # the server's own chunk/socket errors: a broken upload
            raise Malformed("truncated_body", str(exc)) from exc
        if not data:
            if remaining:
                raise Malformed("truncated_body", f"{remaining} bytes missing")
            break
        total += len(data)
        if total > limits.max_body:
            raise TooLarge("body_too_large")
        if remaining is not None:
            remaining -= len(data)
        yield data


def drain(environ: Mapping[str, Any], limit: int) -> None:
    """Read and drop what is left of the body (at most ``limit`` bytes), so the client that is
    still sending gets to read our answer instead of a reset connection."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return
    length = None
    with contextlib.suppress(Malformed):
        length = content_length(environ)
    if length is None and not is_chunked(environ):
        return
    left = limit
    with contextlib.suppress(Exception):
        while left > 0:
            data = stream.read(min(READ_SIZE, left))
            if not data:
                break
            left -= len(data)


def gunzip(chunks: Iterator[bytes], limits: Limits, payload: CrashPayload) -> Iterator[bytes]:
    """Inflate a gzip stream (several members allowed) piece by piece, capped."""
    inflater = inflate_lib.decompressobj(16 + zlib.MAX_WBITS)
    total = 0
    pending_member = False

    def emit(data: bytes) -> bytes:
        nonlocal total
        total += len(data)
        payload.uncompressed_size = total
        if total > limits.max_uncompressed:
            raise TooLarge("uncompressed_too_large")
        return data

    for chunk in chunks:
        data = chunk
        while data:
            try:
                out = inflater.decompress(data, INFLATE_STEP)
            except INFLATE_ERRORS as exc:
                raise Malformed("bad_gzip", str(exc)) from None
            if out:
                yield emit(out)
            data = inflater.unconsumed_tail
            pending_member = False
            if inflater.eof:
                rest = inflater.unused_data
                if not rest:
                    break
                if not rest.startswith(b"\x1f\x8b"):
                    raise Malformed("bad_gzip", "data after the end of the gzip stream")
                inflater = inflate_lib.decompressobj(16 + zlib.MAX_WBITS)
                data = rest
                pending_member = True
    if not inflater.eof or pending_member:
        try:
            tail = inflater.flush()
        except INFLATE_ERRORS as exc:
            raise Malformed("bad_gzip", str(exc)) from None
        if tail:
            yield emit(tail)
        if not inflater.eof:
            raise Malformed("bad_gzip", "the gzip stream is truncated")


def _check_json_value(value: Any, depth: int = 0) -> None:
    """Refuse what PostgreSQL's jsonb cannot hold (NUL, lone surrogates, NaN) and deep nesting."""
    if depth > 64:
        raise Malformed("invalid_json", "nested too deeply")
    if isinstance(value, str):
        if "\x00" in value:
            raise Malformed("invalid_json", "NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise Malformed("invalid_json", "not valid Unicode") from None
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Malformed("invalid_json", "not a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_json_value(key, depth + 1)
            _check_json_value(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check_json_value(item, depth + 1)


def _refuse_constant(name: str) -> Any:
    raise Malformed("invalid_json", f"{name} is not JSON")


def _text(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Malformed("invalid_annotation_value", f"{what} is not UTF-8") from None


class _CrashReportParser(multipart.PushMultipartParser):
    """The push parser, also taking ``multipart/mixed`` parts (any Content-Disposition type)."""

    def _create_segment(self, headerlist: list[tuple[str, str]]) -> multipart.MultipartSegment:
        segment = multipart.MultipartSegment(headerlist)
        if segment.disposition is None:
            raise multipart.ParserError("Missing Content-Disposition segment header")
        if segment.name is None:
            segment.name = ""
        return segment


class _Part:
    __slots__ = ("buffer", "dump_name", "hasher", "kind", "name", "spool")

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name
        self.buffer: list[bytes] = []
        self.spool: SpoolFile | None = None
        self.hasher: Any = None
        self.dump_name = ""


def parse_multipart(
    chunks: Iterator[bytes], boundary: str, store: DumpStore, limits: Limits, payload: CrashPayload
) -> None:
    """Fill ``payload`` from a multipart stream: annotations, JSON ``extra``, spooled dumps."""
    try:
        parser = _CrashReportParser(
            boundary, max_header_size=8192, max_header_count=16, max_segment_count=limits.max_parts
        )
    except multipart.MultipartError:
        raise Malformed("no_boundary") from None
    annotation_bytes = 0
    has_json = has_kv = False
    part: _Part | None = None

    def events(chunk: bytes) -> Iterator[Any]:
        try:
            yield from parser.parse(chunk)
        except multipart.ParserLimitReached as exc:
            if "segment count" in str(exc):
                raise Malformed("too_many_parts", str(exc)) from None
            raise Malformed("bad_multipart", str(exc)) from None
        except multipart.MultipartError as exc:
            raise Malformed("bad_multipart", str(exc)) from None

    def feed(chunk: bytes) -> None:
        nonlocal part, annotation_bytes, has_json, has_kv
        for event in events(chunk):
            if isinstance(event, multipart.MultipartSegment):
                part = _start(event)
            elif event is None:
                if part is not None:
                    _finish(part)
                part = None
            elif part is not None:
                if part.kind == "dump":
                    assert part.spool is not None
                    part.hasher.update(event)
                    part.spool.write(event)
                elif part.kind != "skip":
                    annotation_bytes += len(event)
                    if annotation_bytes > limits.max_annotations:
                        raise Malformed("field_too_large", part.name)
                    part.buffer.append(event)

    def _start(segment: multipart.MultipartSegment) -> _Part:
        nonlocal has_json, has_kv
        name = segment.name or ""
        ctype = (segment.content_type or "").lower()
        if not name:
            payload.notes.append("dropped a part without a name")
            return _Part("skip", "")
        if ctype.startswith("application/json"):
            has_json = True
            return _Part("json", name)
        if segment.filename is None and ctype in ("", "text/plain"):
            has_kv = True
            return _Part("text", name)
        try:
            dump_name = sanitize_dump_name(name)
        except ValueError:
            raise Malformed("bad_dump_name", name[:100]) from None
        if dump_name in payload.dumps:
            raise Malformed("duplicate_dump", dump_name)
        if dump_name != name:
            payload.notes.append(f"dump name {name[:100]!r} stored as {dump_name!r}")
        dump = _Part("dump", name)
        dump.dump_name = dump_name
        dump.spool = store.spool()
        payload.dumps[dump_name] = dump.spool
        dump.hasher = hashlib.sha256()
        return dump

    def _finish(done: _Part) -> None:
        if done.kind == "dump":
            payload.checksums[done.dump_name] = done.hasher.hexdigest()
        elif done.kind == "text":
            value = _text(b"".join(done.buffer), done.name)
            if "\x00" in value or "\x00" in done.name:
                payload.notes.append(f"removed NUL characters from {done.name.replace(chr(0), '')!r}")
                value = value.replace("\x00", "")
            key = done.name.replace("\x00", "")
            if not key:
                return
            if key in payload.annotations:
                payload.notes.append(f"annotation {key!r} sent twice; kept the last")
            payload.annotations[key] = value
        elif done.kind == "json":
            try:
                data = json.loads(b"".join(done.buffer), parse_constant=_refuse_constant)
            except Malformed:
                raise
            except (ValueError, RecursionError) as exc:
                raise Malformed("invalid_json", str(exc)[:200]) from None
            if not isinstance(data, dict):
                raise Malformed("invalid_json_value", "the JSON part is not an object")
            # each key is an annotation: as many as text parts may carry
            if len(payload.annotations) + len(data) > limits.max_parts:
                raise Malformed("too_many_annotations", f"{len(data)} keys in the JSON part")
            _check_json_value(data)
            payload.annotations.update(data)

    for chunk in chunks:
        feed(chunk)
    feed(b"")  # end of input: the parser checks the stream is complete
    if not parser.closed:
        raise Malformed("bad_multipart", "the multipart stream is incomplete")
    if has_json and has_kv:
        raise Malformed("has_json_and_kv")
    payload.payload = "json" if has_json else "multipart"


def read_payload(environ: Mapping[str, Any], store: DumpStore, limits: Limits) -> CrashPayload:
    """Read the whole crash report; on any error the spool files are discarded."""
    ctype = environ.get("CONTENT_TYPE") or ""
    if not ctype.strip():
        raise Malformed("no_content_type")
    mime, options = multipart.parse_options_header(ctype)
    if mime not in ("multipart/form-data", "multipart/mixed"):
        raise Malformed("wrong_content_type", mime[:100])
    boundary = options.get("boundary")
    if not boundary or len(boundary) > 200:
        raise Malformed("no_boundary")
    encoding = environ.get("HTTP_CONTENT_ENCODING", "").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip"):
        raise Malformed("bad_content_encoding", encoding[:100])

    check_transfer_encoding(environ)
    payload = CrashPayload(compressed=encoding in ("gzip", "x-gzip"))

    def counted(chunks: Iterator[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            payload.body_size += len(chunk)
            yield chunk

    chunks: Iterator[bytes] = counted(body_chunks(environ, limits))
    if payload.compressed:
        chunks = gunzip(chunks, limits, payload)
    else:

        def plain(source: Iterator[bytes]) -> Iterator[bytes]:
            for chunk in source:
                payload.uncompressed_size += len(chunk)
                yield chunk

        chunks = plain(chunks)
    try:
        parse_multipart(chunks, boundary, store, limits, payload)
        main = payload.dumps.get(MAIN_DUMP)
        if main is None or main.size == 0:
            raise Malformed("no_dump")
    except BaseException:
        payload.discard()
        raise
    return payload
