"""POST /submit against the real app under gunicorn: formats, answers, storage, throttling."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random
import time
from pathlib import Path

from pyapp.crashid import create_crash_id, date_from_crash_id, is_crash_id, throttle_from_crash_id
from pyapp.dumpstore import MAIN_DUMP
from pyapp.submitter import Crash, encode_multipart
from tests.clock import SuiteClock
from tests.web.conftest import (
    CollectorServer,
    assert_stored,
    db_failure,
    dump_store_failure,
    make_crash,
)

BOUNDARY = "---MultipartBoundary-0S7IYL3GTgY7zXjaadEIxV6u8la3UCwK---"


def part(name: str, value: bytes | str, *, filename: str | None = None, ctype: str | None = None) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
    if ctype:
        head += f"Content-Type: {ctype}\r\n"
    data = value.encode() if isinstance(value, str) else value
    return head.encode() + b"\r\n" + data + b"\r\n"


def body(*parts: bytes) -> bytes:
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


FORM = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
DUMP = b"MDMP" + bytes(range(256)) * 8


def test_breakpad_upload_is_stored_and_queued(start_collector, rng, clock: SuiteClock) -> None:
    server: CollectorServer = start_collector()
    crash = make_crash(rng, extra_dumps=2)
    answer = server.send(crash, headers={"User-Agent": "Breakpad/1.0 (Linux)"})
    assert answer.status == 200 and answer.text.endswith("\n")
    crash_id = answer.crash_id
    assert crash_id and is_crash_id(crash_id)
    assert throttle_from_crash_id(crash_id) == 0
    raw = assert_stored(server, crash_id, crash)
    assert raw["legacy_processing"] == 0 and raw["throttle_rate"] == 100 and raw["type_tag"] == "bp"
    submitted = dt.datetime.fromisoformat(raw["submitted_timestamp"])
    # the ID carries the UTC day the collector received the crash on (no earlier than the run)
    assert date_from_crash_id(crash_id) == submitted.astimezone(dt.UTC).date() >= clock.today()
    assert abs(submitted.timestamp() - raw["timestamp"]) < 1e-3
    meta = raw["metadata"]
    assert meta["payload"] == "multipart" and meta["payload_compressed"] == "0"
    assert meta["user_agent"] == "Breakpad/1.0 (Linux)"
    assert meta["throttle_rule"] == "accept_all"
    import hashlib

    assert meta["dump_checksums"] == {n: hashlib.sha256(d).hexdigest() for n, d in crash.dumps.items()}
    # Socorro's radix layout, named after the crash
    day = date_from_crash_id(crash_id).strftime("%Y%m%d")
    main = server.dump_root / day / "name" / crash_id[0:2] / crash_id[2:4] / f"{crash_id}.dump"
    assert main.read_bytes() == crash.dumps[MAIN_DUMP]
    assert (main.parent / f"{crash_id}.{MAIN_DUMP}_extra1.dump").exists()
    assert server.spool_files() == []
    with server.connect() as conn:
        row = conn.execute("SELECT date_processed FROM raw_crashes WHERE uuid = %s", (crash_id,)).fetchone()
    assert row["date_processed"] == submitted


def test_crashpad_style_gzip_chunked_with_guid_in_the_query(start_collector, rng) -> None:
    server = start_collector()
    crash = make_crash(rng, dump_size=200_000)
    body_bytes, ctype = encode_multipart(crash)
    answer = server.post(
        gzip.compress(body_bytes),
        {"Content-Type": ctype, "Content-Encoding": "gzip"},
        chunked=True,
        path="/submit?guid=aa97b819-308d-f24b-a36f-326e0bfe6d4a&ProductName=Ignored",
    )
    assert answer.status == 200, answer.text
    raw = assert_stored(server, answer.crash_id, crash)
    assert raw["guid"] == "aa97b819-308d-f24b-a36f-326e0bfe6d4a"
    assert raw["ProductName"] == "KillerApp"  # the form wins over the query string
    assert raw["metadata"]["payload_compressed"] == "1"
    assert raw["metadata"]["uncompressed_size"] == len(body_bytes)
    assert "guid taken from the query string" in raw["metadata"]["collector_notes"]


def test_json_extra_part_and_multipart_mixed(start_collector) -> None:
    server = start_collector()
    annotations = {
        "ProductName": "KillerApp",
        "Version": "2.0",
        "TelemetryEnvironment": {"a": [1, 2.5, None]},
    }
    answer = server.post(
        body(
            part("extra", json.dumps(annotations), filename="extra.json", ctype="application/json"),
            part(MAIN_DUMP, DUMP, filename="x.dmp", ctype="application/octet-stream"),
            part("memory_report", b"\x1f\x8b gz", filename="memory.json.gz", ctype="application/gzip"),
        ),
        {"Content-Type": f"multipart/mixed; boundary={BOUNDARY}"},
    )
    assert answer.status == 200, answer.text
    raw = server.raw_crash(answer.crash_id)
    assert raw["TelemetryEnvironment"] == {"a": [1, 2.5, None]}
    assert raw["metadata"]["payload"] == "json"
    assert server.store.dump_names(answer.crash_id) == ["memory_report", MAIN_DUMP]
    assert server.store.get_dump(answer.crash_id, "memory_report") == b"\x1f\x8b gz"


def test_odd_dump_names_are_sanitised(start_collector) -> None:
    server = start_collector()
    answer = server.post(
        body(
            part("ProductName", "KillerApp"),
            part(MAIN_DUMP, DUMP, filename="a.dmp", ctype="application/octet-stream"),
            part("upload_file_minidump_flash 1/../x", b"flash", filename="b.dmp"),
        ),
        FORM,
    )
    assert answer.status == 200, answer.text
    assert server.store.dump_names(answer.crash_id) == [MAIN_DUMP, "upload_file_minidump_flash1x"]
    raw = server.raw_crash(answer.crash_id)
    assert any("stored as 'upload_file_minidump_flash1x'" in n for n in raw["metadata"]["collector_notes"])


MALFORMED = [
    ({}, body(part("ProductName", "X"), part(MAIN_DUMP, DUMP, filename="d")), "no_content_type"),
    ({"Content-Type": "text/plain"}, b"ProductName=X", "wrong_content_type"),
    ({"Content-Type": "multipart/form-data"}, b"x", "no_boundary"),
    (FORM, body(part("ProductName", "X")), "no_dump"),
    (FORM, body(part("ProductName", "X"), part(MAIN_DUMP, b"", filename="d")), "no_dump"),
    (FORM, body(part(MAIN_DUMP, DUMP, filename="d")), "no_annotations"),
    (FORM, body(part("A", "1"), part(MAIN_DUMP, DUMP, filename="d"))[:-30], "bad_multipart"),
    (FORM, b"no boundary anywhere in here", "bad_multipart"),
    (FORM, body(part("A", b"\xff\xfe"), part(MAIN_DUMP, DUMP, filename="d")), "invalid_annotation_value"),
    (
        FORM,
        body(part("extra", "{not json", ctype="application/json"), part(MAIN_DUMP, DUMP, filename="d")),
        "invalid_json",
    ),
    (
        FORM,
        body(part("extra", '{"a": NaN}', ctype="application/json"), part(MAIN_DUMP, DUMP, filename="d")),
        "invalid_json",
    ),
    (
        FORM,
        body(
            part("extra", '{"a": "\\u0000"}', ctype="application/json"), part(MAIN_DUMP, DUMP, filename="d")
        ),
        "invalid_json",
    ),
    (
        FORM,
        body(
            part("extra", '{"a": "\\ud800"}', ctype="application/json"), part(MAIN_DUMP, DUMP, filename="d")
        ),
        "invalid_json",
    ),
    (
        FORM,
        body(part("extra", "[1, 2]", ctype="application/json"), part(MAIN_DUMP, DUMP, filename="d")),
        "invalid_json_value",
    ),
    (
        FORM,
        body(
            part("extra", '{"a": "1"}', ctype="application/json"),
            part("B", "2"),
            part(MAIN_DUMP, DUMP, filename="d"),
        ),
        "has_json_and_kv",
    ),
    (
        FORM,
        body(part("A", "1"), part(MAIN_DUMP, DUMP, filename="d"), part("!!!", b"x", filename="e")),
        "bad_dump_name",
    ),
    (
        FORM,
        body(part("A", "1"), part(MAIN_DUMP, DUMP, filename="d"), part("dump_names", b"x", filename="e")),
        "bad_dump_name",
    ),
    (
        FORM,
        body(part("A", "1"), part(MAIN_DUMP, DUMP, filename="d"), part(MAIN_DUMP, DUMP, filename="e")),
        "duplicate_dump",
    ),
    (FORM, body(part("A", "x" * 70_000), part(MAIN_DUMP, DUMP, filename="d")), "field_too_large"),
    (
        FORM,
        body(*[part(f"A{i}", "1") for i in range(40)], part(MAIN_DUMP, DUMP, filename="d")),
        "too_many_parts",
    ),
    ({**FORM, "Content-Encoding": "gzip"}, b"this is not gzip", "bad_gzip"),
    (
        {**FORM, "Content-Encoding": "gzip"},
        gzip.compress(body(part("A", "1"), part(MAIN_DUMP, DUMP, filename="d")))[:-12],
        "bad_gzip",
    ),
    ({**FORM, "Content-Encoding": "br"}, b"x", "bad_content_encoding"),
]


def test_malformed_reports_are_refused_and_leave_nothing(start_collector) -> None:
    server = start_collector(CRASHSTATS_COLLECTOR_MAX_ANNOTATIONS="64K", CRASHSTATS_COLLECTOR_MAX_PARTS="32")
    answers = [(reason, server.post(payload, headers)) for headers, payload, reason in MALFORMED]
    assert [(reason, a.status, a.text) for reason, a in answers] == [
        (reason, 400, f"Discarded=malformed_{reason}") for reason, _ in answers
    ]
    assert server.stored_ids() == set()
    assert server.dump_files() == []
    assert server.spool_files() == []


def test_a_missing_length_and_a_short_body_are_refused(start_collector) -> None:
    server = start_collector()
    import socket

    payload = body(part("A", "1"), part(MAIN_DUMP, DUMP, filename="d"))
    for head, data, expected in [
        (b"", payload, b"Discarded=malformed_no_content_length"),
        (
            f"Content-Length: {len(payload) + 100}\r\n".encode(),
            payload,
            b"Discarded=malformed_truncated_body",
        ),
    ]:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(
                b"POST /submit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n".encode()
                + head
                + b"\r\n"
                + data
            )
            sock.shutdown(socket.SHUT_WR)
            reply = b""
            while chunk := sock.recv(65536):
                reply += chunk
        assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
        assert reply.endswith(expected), reply[-200:]
    assert server.stored_ids() == set()
    assert server.dump_files() == [] and server.spool_files() == []


def test_limits_answer_413(start_collector, rng) -> None:
    server = start_collector(CRASHSTATS_COLLECTOR_MAX_BODY="200K", CRASHSTATS_COLLECTOR_MAX_UNCOMPRESSED="1M")
    big = make_crash(rng, dump_size=300_000)
    for chunked in (False, True):
        answer = server.send(big, chunked=chunked)
        assert (answer.status, answer.text) == (413, "Discarded=body_too_large")
    # a gzip bomb: 60 KB that inflate to 60 MB
    bomb_body, ctype = encode_multipart(Crash({"A": "1"}, {MAIN_DUMP: bytes(60 * 1024 * 1024)}))
    bomb = gzip.compress(bomb_body, 9)
    assert len(bomb) < 200 * 1024
    for chunked in (False, True):
        answer = server.post(bomb, {"Content-Type": ctype, "Content-Encoding": "gzip"}, chunked=chunked)
        assert (answer.status, answer.text) == (413, "Discarded=uncompressed_too_large")
    assert server.stored_ids() == set() and server.dump_files() == [] and server.spool_files() == []
    small = make_crash(rng, dump_size=50_000)
    assert server.send(small, gzip_body=True).status == 200  # and the server still works


def test_throttle_rules_accept_defer_reject_ignore(start_collector, tmp_path: Path, rng) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        """
[[rules]]
name = "old_builds"
when = { BuildID = { startswith = "2010" } }
result = "reject"

[[rules]]
name = "browser_hang"
when = { HangID = { present = true }, ProcessType = { equals = "browser", default = "browser" } }
result = "ignore"

[[rules]]
name = "nightly"
when = { ReleaseChannel = { equals = "nightly" } }
result = "accept"

[[rules]]
name = "release_sample"
when = { ReleaseChannel = { equals = "release" } }
result = 0

[[rules]]
name = "rest"
result = "accept"
"""
    )
    server = start_collector(CRASHSTATS_THROTTLE_RULES=str(rules))
    rejected = server.send(make_crash(rng, BuildID="20100101000000"))
    assert (rejected.status, rejected.text) == (200, "Discarded=rule_old_builds")
    ignored = server.send(make_crash(rng, HangID="abc"))
    assert (ignored.status, ignored.text) == (200, "Unsupported=1")
    assert server.stored_ids() == set() and server.dump_files() == []

    nightly = make_crash(rng, ReleaseChannel="nightly")
    accepted = server.send(nightly)
    assert throttle_from_crash_id(accepted.crash_id) == 0
    raw = assert_stored(server, accepted.crash_id, nightly, queued=True)
    assert (raw["legacy_processing"], raw["throttle_rate"], raw["metadata"]["throttle_rule"]) == (
        0,
        100,
        "nightly",
    )

    release = make_crash(rng, ReleaseChannel="release")
    deferred = server.send(release)
    assert deferred.status == 200 and throttle_from_crash_id(deferred.crash_id) == 1
    raw = assert_stored(server, deferred.crash_id, release, queued=False)
    assert (raw["legacy_processing"], raw["throttle_rate"]) == (1, 0)


def test_socorro_default_rules(start_collector, rng) -> None:
    server = start_collector(CRASHSTATS_THROTTLE_RULES="socorro")
    hang = server.send(make_crash(rng, HangID="x"))
    assert hang.text == "Unsupported=1"
    beta = server.send(make_crash(rng, ReleaseChannel="beta"))
    assert server.raw_crash(beta.crash_id)["metadata"]["throttle_rule"] == "aurora_beta_esr"
    other = server.send(make_crash(rng, ProductName="KillerApp", Version="1.0", ReleaseChannel="release"))
    assert throttle_from_crash_id(other.crash_id) == 1
    assert server.queued(other.crash_id) is None


def test_socorro_default_rules_accept_a_product_once_it_is_registered(start_collector, rng) -> None:
    server = start_collector(CRASHSTATS_THROTTLE_RULES="socorro")
    widget = {"ProductName": "WidgetPro", "Version": "2.0", "ReleaseChannel": "release"}
    first = server.send(make_crash(rng, **widget))
    asked = time.monotonic()
    assert throttle_from_crash_id(first.crash_id) == 1 and server.queued(first.crash_id) is None
    assert server.raw_crash(first.crash_id)["metadata"]["throttle_rule"] == "everything_else"
    with server.connect() as conn:
        assert [tuple(r.values())[:2] for r in conn.execute("SELECT * FROM deferred_unknown_products()")] == [
            ("WidgetPro", 1)
        ]
        # the admin's product form calls add_new_product: the deferred crash is queued with it
        conn.execute("SELECT add_new_product('WidgetPro', '2.0', NULL, 'widgetpro')")
    assert server.queued(first.crash_id) is not None
    assert server.raw_crash(first.crash_id)["legacy_processing"] == 0
    # the collector reads the products table again within seconds of meeting an unknown product
    time.sleep(max(0.0, asked + 5.5 - time.monotonic()))
    second = server.send(make_crash(rng, **widget))
    assert throttle_from_crash_id(second.crash_id) == 0 and server.queued(second.crash_id) is not None
    assert server.raw_crash(second.crash_id)["metadata"]["throttle_rule"] == "registered_product"


def test_client_crash_ids_need_a_token(start_collector, rng) -> None:
    server = start_collector(
        CRASHSTATS_COLLECTOR_TOKENS="s3cret,other", CRASHSTATS_COLLECTOR_REPLACE_TOKENS="rep"
    )
    own_id = create_crash_id()
    crash = make_crash(rng, uuid=own_id)
    assert (server.send(crash).status, server.send(crash).text) == (401, "Discarded=unauthorized_uuid")
    wrong = server.send(crash, headers={"Auth-Token": "guess"})
    assert wrong.status == 401
    assert server.stored_ids() == set()
    answer = server.send(crash, headers={"Auth-Token": "other"})
    assert answer.status == 200 and answer.crash_id == own_id
    assert_stored(server, own_id, crash)
    # again with new dumps: only a replace token replaces the row (one queue row)
    again = make_crash(rng, uuid=own_id, Version="9.9")
    refused = server.send(again, headers={"Auth-Token": "s3cret"})
    assert (refused.status, refused.text) == (409, "Discarded=duplicate_crash_id")
    assert_stored(server, own_id, crash)
    assert server.send(again, headers={"Auth-Token": "rep"}).crash_id == own_id
    assert server.raw_crash(own_id)["Version"] == "9.9"
    assert server.store.get_dump(own_id) == again.dumps[MAIN_DUMP]
    assert server.queued_ids() == {own_id}
    bad = server.send(make_crash(rng, uuid="not-a-crash-id"), headers={"Auth-Token": "s3cret"})
    assert (bad.status, bad.text) == (400, "Discarded=malformed_bad_crash_id")


def test_personal_annotations_are_stored_but_not_public(start_collector, rng) -> None:
    server = start_collector()
    crash = make_crash(rng, Email="me@example.com", URL="https://example.com/secret", Comments="help")
    crash_id = server.send(crash).crash_id
    assert server.raw_crash(crash_id)["Email"] == "me@example.com"
    with server.connect() as conn:
        public = conn.execute(
            "SELECT raw_crash FROM raw_crashes_public WHERE uuid = %s", (crash_id,)
        ).fetchone()
    assert {"Email", "URL", "Comments"}.isdisjoint(public["raw_crash"])
    assert public["raw_crash"]["ProductName"] == "KillerApp"


def test_storage_failures_answer_503_and_keep_nothing(start_collector, rng) -> None:
    server = start_collector()
    first = make_crash(rng)
    ok = server.send(first)
    assert ok.status == 200
    with db_failure(server.db_url):
        answer = server.send(make_crash(rng, extra_dumps=1))
    assert (answer.status, answer.text) == (503, "Discarded=storage_unavailable")
    assert server.stored_ids() == {ok.crash_id}
    assert server.queued_ids() == {ok.crash_id}
    assert len(server.dump_files()) == 1  # the dumps of the refused crash were removed
    with dump_store_failure(server.dump_root):
        answer = server.send(make_crash(rng))
    assert answer.status == 503
    assert server.stored_ids() == {ok.crash_id}
    assert server.spool_files() == []
    again = make_crash(rng)
    assert_stored(server, server.send(again).crash_id, again)  # recovered


def test_database_down_answers_503(start_collector, rng, pg) -> None:
    server = start_collector(db_url=pg.url("no_such_database"), CRASHSTATS_DB_CONNECT_TIMEOUT="2")
    answer = server.send(make_crash(rng))
    assert (answer.status, answer.text) == (503, "Discarded=storage_unavailable")
    assert server.dump_files() == [] and server.spool_files() == []


def test_heartbeats(start_collector, pg) -> None:
    import http.client

    server = start_collector()
    broken = start_collector(db_url=pg.url("no_such_database"), CRASHSTATS_DB_CONNECT_TIMEOUT="2")
    for srv, status in ((server, 200), (broken, 500)):
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        conn.request("GET", "/__heartbeat__")
        response = conn.getresponse()
        assert response.status == status, response.read()
        conn.close()


def test_the_answer_is_text_plain(start_collector) -> None:
    import http.client

    server = start_collector()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    payload = body(part("ProductName", "X"), part(MAIN_DUMP, DUMP, filename="d"))
    conn.request("POST", "/submit", body=payload, headers=FORM)
    response = conn.getresponse()
    assert response.getheader("Content-Type").startswith("text/plain")
    assert response.read().startswith(b"CrashID=bp-")


def test_merging_into_another_bottle_app(fresh_db: str, tmp_path: Path) -> None:
    """The main web app takes the collector's routes with merge()."""
    import io

    import bottle

    from pyapp.config import load_config
    from web.collector import make_collector_app

    config = load_config(
        {
            "DATABASE_URL": fresh_db,
            "filesystem__fs_root": str(tmp_path),
            "CRASHSTATS_THROTTLE_RULES": "accept_all",
        }
    )
    main = bottle.Bottle()
    main.route("/", callback=lambda: "home")
    collector = make_collector_app(config)
    main.merge(collector)
    payload = body(part("ProductName", "X"), part(MAIN_DUMP, DUMP, filename="d"))
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/submit",
        "CONTENT_TYPE": FORM["Content-Type"],
        "CONTENT_LENGTH": str(len(payload)),
        "wsgi.input": io.BytesIO(payload),
        "SERVER_NAME": "x",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    status: list[str] = []
    out = b"".join(main(environ, lambda s, h, *a: status.append(s)))
    collector.config["crashstats.collector"].close()
    assert status == ["200 OK"] and out.startswith(b"CrashID=bp-")


def test_random_dump_sizes_round_trip(start_collector) -> None:
    server = start_collector()
    rng = random.Random(7)
    for size in (1, 4095, 65536, 65537, 1_000_003):
        crash = make_crash(rng, dump_size=size)
        answer = server.send(crash, gzip_body=size % 2 == 1, chunked=size > 60000)
        assert_stored(server, answer.crash_id, crash)


def test_a_json_dump_is_kept_only_from_an_authorised_submitter(start_collector) -> None:
    """A raw crash with a json_dump is not stackwalked: an anonymous client cannot supply the
    stack (its json_dump is dropped, with a note); a submitter with a token can (imports)."""
    server = start_collector(CRASHSTATS_COLLECTOR_TOKENS="s3cret")
    json_dump = {"status": "OK", "crash_info": {"crashing_thread": 0}, "threads": [{"frames": []}]}
    annotations = {"ProductName": "KillerApp", "Version": "2.0", "json_dump": json_dump}
    payload = body(
        part("extra", json.dumps(annotations), filename="extra.json", ctype="application/json"),
        part(MAIN_DUMP, DUMP, filename="x.dmp", ctype="application/octet-stream"),
    )
    headers = {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
    anonymous = server.post(payload, headers)
    assert anonymous.status == 200, anonymous.text
    raw = server.raw_crash(anonymous.crash_id)
    assert "json_dump" not in raw and raw["ProductName"] == "KillerApp"
    assert any("json_dump" in note for note in raw["metadata"]["collector_notes"])
    trusted = server.post(payload, {**headers, "Auth-Token": "s3cret"})
    assert trusted.status == 200, trusted.text
    assert server.raw_crash(trusted.crash_id)["json_dump"] == json_dump
    with server.connect() as conn:  # kept apart, as text (tables/raw_crashes.sql)
        row = conn.execute(
            "SELECT raw_crash ? 'json_dump' AS inside, json_dump FROM raw_crashes WHERE uuid = %s",
            (trusted.crash_id,),
        ).fetchone()
    assert row["inside"] is False and json.loads(row["json_dump"]) == json_dump
