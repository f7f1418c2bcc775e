"""Hostile crash reports the collector refuses without storing anything: a JSON ``extra``
part with more annotations than text parts may carry, a transfer coding other than chunked,
a supplied crash ID dated before the data kept or in the future. A supplied crash ID dated
weeks before it is sent (inside the data kept) is stored and can be read back as the crash page
reads it. Each time, a normal report sent afterwards is stored."""

from __future__ import annotations

import datetime as dt
import gzip
import http.client
import json

import psycopg
from psycopg.rows import dict_row

from pyapp.crashid import create_crash_id
from pyapp.dumpstore import MAIN_DUMP
from pyapp.submitter import encode_multipart
from tests.web.conftest import CollectorServer, assert_stored, make_crash
from tests.web.test_collector import DUMP, FORM, body, part


def still_works(server: CollectorServer, rng) -> None:
    crash = make_crash(rng)
    answer = server.send(crash)
    assert answer.status == 200, answer.text
    assert_stored(server, answer.crash_id, crash)


def json_report(annotations: dict) -> bytes:
    return body(
        part("extra", json.dumps(annotations), filename="extra.json", ctype="application/json"),
        part(MAIN_DUMP, DUMP, filename="x.dmp", ctype="application/octet-stream"),
    )


def test_a_json_part_holds_no_more_annotations_than_text_parts(start_collector, rng) -> None:
    server = start_collector(CRASHSTATS_COLLECTOR_MAX_PARTS="64")
    many = {"ProductName": "KillerApp", "Version": "1.0", **{f"k{n}": "v" for n in range(300_000)}}
    answer = server.post(json_report(many), FORM)
    assert (answer.status, answer.text) == (400, "Discarded=malformed_too_many_annotations")
    over = {"ProductName": "KillerApp", **{f"k{n}": "v" for n in range(64)}}  # 65 annotations
    assert server.post(json_report(over), FORM).text == "Discarded=malformed_too_many_annotations"
    assert server.stored_ids() == set() and server.dump_files() == [] and server.spool_files() == []
    # the same number as text parts is refused as well (the multipart parser's part limit)
    as_text = encode_multipart(make_crash(rng, **{f"k{n}": "v" for n in range(70)}))
    texts = server.post(as_text[0], {"Content-Type": as_text[1]})
    assert texts.text == "Discarded=malformed_too_many_parts"
    fits = {"ProductName": "KillerApp", "Version": "1.0", **{f"k{n}": "v" for n in range(60)}}
    answer = server.post(json_report(fits), FORM)
    assert answer.status == 200, answer.text
    assert server.raw_crash(answer.crash_id)["k59"] == "v"
    still_works(server, rng)


def send_raw(server: CollectorServer, head: bytes, wire: bytes) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.connect()
        assert conn.sock is not None
        conn.sock.sendall(head + wire)
        response = http.client.HTTPResponse(conn.sock, method="POST")
        response.begin()
        return response.status, response.read().decode()
    finally:
        conn.close()


def chunked(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n0\r\n\r\n"


def test_transfer_codings_other_than_chunked_are_refused(start_collector, rng) -> None:
    server = start_collector()
    payload, ctype = encode_multipart(make_crash(rng))
    for coding, wire in (
        ("gzip, chunked", chunked(gzip.compress(payload))),
        ("deflate, chunked", chunked(payload)),
    ):
        head = (
            f"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\n"
            f"Transfer-Encoding: {coding}\r\n\r\n"
        ).encode()
        status, text = send_raw(server, head, wire)
        assert (status, text) == (501, "Discarded=unsupported_transfer_encoding"), coding
    assert server.stored_ids() == set() and server.dump_files() == []
    # plain chunked is still read
    head = f"POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: {ctype}\r\nTransfer-Encoding: chunked\r\n\r\n"
    status, text = send_raw(server, head.encode(), chunked(payload))
    assert status == 200 and text.startswith("CrashID=bp-"), text
    still_works(server, rng)


def test_supplied_crash_ids_the_site_could_not_show_are_refused(start_collector, rng) -> None:
    server = start_collector(CRASHSTATS_COLLECTOR_TOKENS="s3cret", CRASHSTATS_PARTITION_TRUNCATE_WEEKS="4")
    token = {"Auth-Token": "s3cret"}
    old = create_crash_id(dt.datetime(2015, 6, 1, tzinfo=dt.UTC))
    answer = server.send(make_crash(rng, uuid=old), headers=token)
    assert (answer.status, answer.text) == (400, "Discarded=malformed_crash_id_too_old")
    future = create_crash_id(dt.datetime(2099, 6, 1, tzinfo=dt.UTC))
    answer = server.send(make_crash(rng, uuid=future), headers=token)
    assert (answer.status, answer.text) == (400, "Discarded=malformed_crash_id_in_future")
    assert server.stored_ids() == set() and server.dump_files() == []
    recent = create_crash_id()
    crash = make_crash(rng, uuid=recent)
    answer = server.send(crash, headers=token)
    assert answer.crash_id == recent
    assert_stored(server, recent, crash)
    still_works(server, rng)


def test_a_crash_stored_far_from_the_date_in_its_id_can_be_shown(start_collector, rng, clock) -> None:
    """A supplied crash ID dated weeks before its submission (inside the data kept) is stored
    in the week it is received; crash_report(), which the crash page and /api/ProcessedCrash/
    read, finds it there: nothing is stored that cannot be shown."""
    server = start_collector(CRASHSTATS_COLLECTOR_TOKENS="s3cret")
    five_weeks_ago = create_crash_id(clock.now() - dt.timedelta(weeks=5))
    crash = make_crash(rng, uuid=five_weeks_ago)
    answer = server.send(crash, headers={"Auth-Token": "s3cret"})
    assert (answer.status, answer.crash_id) == (200, five_weeks_ago), answer.text
    assert_stored(server, five_weeks_ago, crash)
    with psycopg.connect(server.db_url, row_factory=dict_row) as conn:
        row = conn.execute(
            "SELECT state, raw_crash, raw_crash_date(%(id)s::uuid) AS stored_at"
            " FROM crash_report(%(id)s::uuid, 26)",
            {"id": five_weeks_ago},
        ).fetchone()
    assert row["state"] == "pending", row["state"]  # stored, not processed yet: not "unknown"
    assert row["raw_crash"]["uuid"] == five_weeks_ago
    assert abs(row["stored_at"] - clock.now()) < dt.timedelta(days=1)  # stored now, not in its ID's week
    still_works(server, rng)
