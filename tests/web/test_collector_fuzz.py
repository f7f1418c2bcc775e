"""Fuzzing the collector under gunicorn: a few thousand malformed, truncated, oversized and
gzip-bomb requests (a seeded generator), with storage failures injected now and then.

Never a 5xx except during an injected failure (and then only 503), never half a crash (every
acknowledged crash whole, nothing stored that was not acknowledged, no orphan dump, no spool
file left), the workers never die, and their peak memory stays far below what the bombs
would inflate to.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import random
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from pyapp.dumpstore import MAIN_DUMP
from pyapp.submitter import Crash, encode_multipart
from tests.web.conftest import (
    CollectorServer,
    db_failure,
    dump_store_failure,
    fake_dump,
    make_crash,
    peak_rss_kib,
)

REQUESTS = 2000
CLIENTS = 4
MAX_BODY = 256 * 1024
MAX_UNCOMPRESSED = 4 * 1024 * 1024
# bombs inflate to ~250 MB; buffering one would blow far past this
PEAK_RSS_LIMIT_KIB = 150 * 1024


@dataclass
class Request:
    kind: str
    head: bytes
    body: bytes
    crash: Crash | None = None  # set when the request is a valid crash report


def http_request(
    body: bytes,
    headers: dict[str, str],
    *,
    chunked: bool = False,
    length: int | None = None,
    path: str = "/submit",
) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if chunked:
        lines.append("Transfer-Encoding: chunked")
    else:
        lines.append(f"Content-Length: {len(body) if length is None else length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def chunk_encode(body: bytes, rng: random.Random) -> bytes:
    out = bytearray()
    i = 0
    while i < len(body):
        n = rng.randint(1, 70_000)
        out += f"{min(n, len(body) - i):x}\r\n".encode() + body[i : i + n] + b"\r\n"
        i += n
    return bytes(out) + b"0\r\n\r\n"


def generator(rng: random.Random) -> Callable[[], Request]:
    def valid_crash() -> Crash:
        crash = make_crash(rng, dump_size=rng.randrange(1, 60_000), extra_dumps=rng.randrange(2))
        if rng.random() < 0.2:
            crash.as_json = True
        return crash

    def encode(crash: Crash) -> tuple[bytes, str]:
        return encode_multipart(crash)

    def build(kind: str, body: bytes, ctype: str, **opts) -> Request:
        headers = {"Content-Type": ctype, **opts.pop("headers", {})}
        chunked = opts.pop("chunked", rng.random() < 0.3)
        length = opts.pop("length", None)
        head = http_request(body, headers, chunked=chunked, length=length)
        wire = chunk_encode(body, rng) if chunked else body
        return Request(kind, head, wire, opts.pop("crash", None))

    def valid() -> Request:
        crash = valid_crash()
        body, ctype = encode(crash)
        if rng.random() < 0.5:
            return build(
                "valid_gzip", gzip.compress(body, 1), ctype, headers={"Content-Encoding": "gzip"}, crash=crash
            )
        return build("valid", body, ctype, crash=crash)

    def truncated() -> Request:
        body, ctype = encode(valid_crash())
        return build("truncated", body[: rng.randrange(len(body))], ctype)

    def lying_length() -> Request:
        body, ctype = encode(valid_crash())
        cut = body[: rng.randrange(len(body))]
        return build("lying_length", cut, ctype, chunked=False, length=len(body))

    def flipped() -> Request:
        body, ctype = encode(valid_crash())
        data = bytearray(body)
        for _ in range(rng.randint(1, 12)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if rng.random() < 0.5:
            return build(
                "flipped_gzip", gzip.compress(bytes(data), 1), ctype, headers={"Content-Encoding": "gzip"}
            )
        return build("flipped", bytes(data), ctype)

    def garbage() -> Request:
        ctype = rng.choice(
            [
                "multipart/form-data; boundary=x",
                "multipart/form-data; boundary=" + "b" * rng.randrange(1, 300),
                'multipart/form-data; boundary="quoted boundary"',
                "multipart/mixed",
                "application/json",
                "text/plain; charset=utf-8",
                "multipart/form-data; boundary=--",
                "",
            ]
        )
        return build("garbage", rng.randbytes(rng.randrange(0, 5000)), ctype)

    def bad_gzip() -> Request:
        body, ctype = encode(valid_crash())
        gz = bytearray(gzip.compress(body, 1))
        if rng.random() < 0.5:
            gz = gz[: rng.randrange(len(gz))]
        else:
            for _ in range(rng.randint(1, 5)):
                gz[rng.randrange(10, len(gz))] ^= 1 << rng.randrange(8)
        if rng.random() < 0.2:
            gz += b"trailing junk"
        return build("bad_gzip", bytes(gz), ctype, headers={"Content-Encoding": "gzip"})

    bomb_cache: dict[str, bytes] = {}

    def bomb() -> Request:
        if "multipart" not in bomb_cache:
            crash = Crash({"ProductName": "Bomb"}, {MAIN_DUMP: b""})
            body, ctype = encode_multipart(crash, boundary="BOMB")
            head, tail = body.split(b"\r\n--BOMB--")
            compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
            parts = [compressor.compress(head)]
            zeros = bytes(1 << 20)
            for _ in range(250):
                parts.append(compressor.compress(zeros))
            parts.append(compressor.compress(b"\r\n--BOMB--" + tail) + compressor.flush())
            bomb_cache["multipart"] = b"".join(parts)
            bomb_cache["ctype"] = ctype.encode()
        data = bomb_cache["multipart"]
        assert len(data) < MAX_BODY
        return build("bomb", data, bomb_cache["ctype"].decode(), headers={"Content-Encoding": "gzip"})

    def oversized() -> Request:
        crash = make_crash(rng, dump_size=rng.randrange(MAX_BODY + 1, 3 * MAX_BODY))
        body, ctype = encode(crash)
        return build("oversized", body, ctype)

    def field_too_large() -> Request:
        crash = valid_crash()
        crash.annotations["Big"] = "x" * rng.randrange(70_000, 120_000)
        body, ctype = encode(crash)
        return build("field_too_large", body, ctype)

    def many_parts() -> Request:
        crash = valid_crash()
        for i in range(rng.randrange(70, 200)):
            crash.annotations[f"A{i}"] = str(i)
        crash.as_json = False
        body, ctype = encode(crash)
        return build("many_parts", body, ctype)

    def bad_text() -> Request:
        crash = valid_crash()
        crash.as_json = False
        body, ctype = encode(crash)
        marker = b'name="ProductName"\r\n\r\n'
        index = body.index(marker) + len(marker)
        junk = rng.choice([b"\xff\xfe\xfd", b"a\x00b", b"\xed\xa0\x80", b"\xc3"])
        return build("bad_text", body[:index] + junk + body[index:], ctype)

    def bad_json() -> Request:
        text = rng.choice(
            [
                '{"a": NaN}',
                '{"a": Infinity}',
                '{"a": 1e999}',
                '{"a": "\\ud800"}',
                '{"a\\u0000": 1}',
                '{"a": ' + "1" * 5000 + "}",
                "[" * 100_000 + "]" * 100_000,
                '{"a": ' + "[" * 5000 + "]" * 5000 + "}",
                "not json",
                "[1, 2, 3]",
                '"string"',
                "",
            ]
        )
        crash = Crash({}, {MAIN_DUMP: fake_dump(rng, 100)})
        body, ctype = encode(crash)
        boundary = ctype.split("boundary=")[1]
        part = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="extra"\r\n'
            f"Content-Type: application/json\r\n\r\n".encode()
            + text.encode()
            + b"\r\n"
        )
        return build("bad_json", part + body, ctype)

    def bad_dump_names() -> Request:
        crash = valid_crash()
        name = rng.choice(["", "...", "dump_names", "raw_crash", "x" * 300, "../../../etc/passwd", "a b/c"])
        crash.dumps[name or "placeholder"] = b"data"
        body, ctype = encode(crash)
        if not name:
            body = body.replace(b'name="placeholder"', b'name=""')
        return build("bad_dump_name", body, ctype)

    def bad_chunks() -> Request:
        body, ctype = encode(valid_crash())
        wire = rng.choice(
            [
                b"zz\r\n" + body + b"\r\n0\r\n\r\n",
                f"{len(body) + 50:x}\r\n".encode() + body + b"\r\n0\r\n\r\n",
                f"{len(body):x}\r\n".encode() + body,
                f"{len(body):x}\r\n".encode() + body + b"XX" + b"0\r\n\r\n",
            ]
        )
        head = http_request(b"", {"Content-Type": ctype}, chunked=True)
        return Request("bad_chunks", head, wire)

    def own_uuid() -> Request:
        crash = valid_crash()
        crash.annotations["uuid"] = rng.choice(["de1bb258-cbbf-4589-a673-34f802160918", "nonsense"])
        body, ctype = encode(crash)
        return build("own_uuid", body, ctype)

    kinds: list[tuple[Callable[[], Request], float]] = [
        (valid, 20),
        (truncated, 8),
        (lying_length, 4),
        (flipped, 14),
        (garbage, 8),
        (bad_gzip, 8),
        (bomb, 4),
        (oversized, 4),
        (field_too_large, 4),
        (many_parts, 4),
        (bad_text, 5),
        (bad_json, 6),
        (bad_dump_names, 4),
        (bad_chunks, 4),
        (own_uuid, 3),
    ]
    makers, weights = zip(*kinds, strict=True)

    def make() -> Request:
        return rng.choices(makers, weights)[0]()

    return make


def exchange(server: CollectorServer, request: Request) -> tuple[int, bytes]:
    """Send the raw request, close our side, read the whole answer."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=60) as sock:
        sock.sendall(request.head + request.body)
        with contextlib.suppress(OSError):  # the server may have answered and closed already
            sock.shutdown(socket.SHUT_WR)
        reply = bytearray()
        while chunk := sock.recv(65536):
            reply += chunk
    status_line, _, rest = bytes(reply).partition(b"\r\n")
    status = int(status_line.split()[1])
    return status, rest.partition(b"\r\n\r\n")[2]


def test_fuzzing_never_breaks_the_collector(start_collector) -> None:
    server = start_collector(
        CRASHSTATS_COLLECTOR_MAX_BODY=str(MAX_BODY),
        CRASHSTATS_COLLECTOR_MAX_UNCOMPRESSED=str(MAX_UNCOMPRESSED),
        CRASHSTATS_COLLECTOR_MAX_ANNOTATIONS="64K",
        CRASHSTATS_COLLECTOR_MAX_PARTS="64",
        CRASHSTATS_LOG_LEVEL="WARNING",
    )
    deadline = time.monotonic() + 30
    while len(server.workers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)  # the heartbeat answered as soon as the first worker was up
    workers = server.workers()
    assert len(workers) == 2
    make = generator(random.Random(20261128))
    requests = [make() for _ in range(REQUESTS)]
    outcomes: list[tuple[int, Request, int, bytes, bool] | None] = [None] * REQUESTS
    lock = threading.Lock()
    errors: list[tuple[str, BaseException]] = []

    def run_phase(indexes: range, injected: bool) -> None:
        pending = iter(indexes)

        def client() -> None:
            while True:
                with lock:
                    index = next(pending, None)
                if index is None:
                    return
                try:
                    status, body = exchange(server, requests[index])
                except OSError as exc:  # reported below
                    errors.append((requests[index].kind, exc))
                    continue
                outcomes[index] = (index, requests[index], status, body, injected)

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    # phases: normal, the database failing, normal, the dump store failing, normal
    plan = [(None, 800), ("db", 200), (None, 400), ("fs", 200), (None, REQUESTS - 1600)]
    sent = 0
    for failure, count in plan:
        indexes = range(sent, sent + count)
        if failure == "db":
            with db_failure(server.db_url):
                run_phase(indexes, True)
        elif failure == "fs":
            with dump_store_failure(server.dump_root):
                run_phase(indexes, True)
        else:
            run_phase(indexes, False)
        sent += count

    # broken chunked framing: the server cannot tell where the body ends, so it answers 400 and
    # closes with the rest unread; the client may then see a reset instead of the answer
    assert [(kind, exc) for kind, exc in errors if kind != "bad_chunks"] == []
    outcomes = [o for o in outcomes if o is not None]
    assert len(outcomes) == REQUESTS - len(errors)
    by_kind: dict[str, dict[int, int]] = {}
    for _, request, status, _, _ in outcomes:
        by_kind.setdefault(request.kind, {}).setdefault(status, 0)
        by_kind[request.kind][status] += 1
    server_errors = [
        (i, r.kind, s, b[:100]) for i, r, s, b, injected in outcomes if s >= 500 and not injected
    ]
    assert server_errors == [], by_kind
    assert {s for *_, s, _, injected in outcomes if injected and s >= 500} <= {503}
    injected_503 = sum(1 for *_, s, _, injected in outcomes if injected and s == 503)
    assert injected_503 > 0  # the failures were really injected
    # every valid request outside the failure windows was acknowledged
    for _, request, status, body, injected in outcomes:
        if request.crash is not None and not injected:
            assert status == 200, (request.kind, status, body)
    # the malformed kinds were refused with the expected statuses
    assert set(by_kind["bomb"]) <= {413, 503}
    assert set(by_kind["oversized"]) == {413}
    assert set(by_kind["field_too_large"]) <= {400}
    assert set(by_kind["own_uuid"]) <= {400, 401}

    acknowledged: dict[str, tuple[Request, bytes]] = {}
    for _, request, status, body, _ in outcomes:
        if status == 200 and body.startswith(b"CrashID=bp-"):
            acknowledged[body.decode().strip()[len("CrashID=bp-") :]] = (request, body)
    assert len(acknowledged) > REQUESTS // 10
    assert server.stored_ids() == set(acknowledged)
    assert server.queued_ids() == set(acknowledged)
    for crash_id, (request, _) in acknowledged.items():
        raw = server.raw_crash(crash_id)
        names = server.store.dump_names(crash_id)
        assert names and MAIN_DUMP in names
        checksums = raw["metadata"]["dump_checksums"]
        assert sorted(checksums) == names
        for name in names:
            data = server.store.get_dump(crash_id, name)
            assert hashlib.sha256(data).hexdigest() == checksums[name]
        if request.crash is not None:
            assert {n: server.store.get_dump(crash_id, n) for n in names} == request.crash.dumps
            if request.crash.as_json:
                assert raw["metadata"]["payload"] == "json"
            for key, value in request.crash.annotations.items():
                assert raw[key] == (value if not isinstance(value, dict) else json.loads(json.dumps(value)))
    dumped_ids = {p.name.split(".")[0] for p in server.dump_files()}
    assert dumped_ids == set(acknowledged)  # no orphan dumps of refused crashes
    assert server.spool_files() == []

    assert server.process.poll() is None
    assert sorted(server.workers()) == sorted(workers)  # no worker died or was replaced
    peaks = [peak_rss_kib(pid) for pid in workers]
    assert max(peaks) < PEAK_RSS_LIMIT_KIB, peaks
    assert "Traceback" not in server.log()
    assert "WORKER TIMEOUT" not in server.log()
