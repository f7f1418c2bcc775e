"""bugzilla-associations against a local HTTP server speaking Bugzilla's REST API with recorded
answers (tests/jobs/data/bugzilla)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import psycopg
import pytest

from jobs.bugzilla import BugzillaCronApp
from tests.jobs.conftest import Reply, utc

DATA = Path(__file__).parent / "data" / "bugzilla"


def answer(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def test_parse_crash_signatures(sql: psycopg.Connection) -> None:
    def parse(text: str | None) -> list[str]:
        return sql.execute("SELECT parse_crash_signatures(%s) AS s", (text,)).fetchone()["s"]

    assert parse("[@ a ]\r\n[@ b]") == ["a", "b"]
    assert parse("[@ mozilla::Foo::operator[] ] [@ OOM | small ]") == [
        "OOM | small",
        "mozilla::Foo::operator[]",
    ]
    assert parse("[@ same] [@ same ]") == ["same"]
    assert parse("no signature here [@ unterminated") == []
    assert parse("") == [] and parse(None) == []


@pytest.fixture
def bugzilla(http_server):
    """A Bugzilla REST server answering from the recorded pages of the current ``run``."""
    state = {"run": "run1", "fail": False}

    def serve(request):
        if request.headers.get("x-bugzilla-api-key") != "key123":
            return Reply(401, answer("error.json"))
        if state["fail"]:
            return Reply(500, "Internal Server Error")
        if request.path != "/rest/bug":
            return Reply(404, answer("error.json"))
        assert request.query["include_fields"] == ["id,status,resolution,summary,cf_crash_signature"]
        name = f"{state['run']}-offset{request.query['offset'][0]}.json"
        if not (DATA / name).exists():
            return Reply(200, {"bugs": []})
        return Reply(200, answer(name))

    server = http_server(serve)
    server.state = state
    return server


def test_bugs_and_associations_are_upserted(harness, bugzilla, monkeypatch) -> None:
    monkeypatch.setattr(BugzillaCronApp, "page_size", 2)
    h = harness(
        "jobs.bugzilla.BugzillaCronApp|1h",
        utc(2026, 3, 2, 10, 0),
        CRASHSTATS_BUGZILLA_URL=bugzilla.url + "/",
        CRASHSTATS_BUGZILLA_API_KEY="key123",
    )
    h.sql(
        "INSERT INTO signatures (signature) VALUES ('js::GCMarker::processMarkStackTop'),"
        " ('mozilla::dom::ArrayBufferView::operator[]'), ('OOM | small'), ('Old signature')"
    )
    h.sql("INSERT INTO bugs VALUES (1000001, 'NEW', '', 'old')")
    h.sql("INSERT INTO bug_associations VALUES ('Old signature', 1000001)")

    [outcome] = h.tick()
    assert outcome.status == "ran", outcome.message
    # first run: 30 days back, two pages
    assert [
        (r.query["last_change_time"], r.query["offset"], r.query["limit"]) for r in bugzilla.requests
    ] == [
        (["2026-01-31T10:00:00Z"], ["0"], ["2"]),
        (["2026-01-31T10:00:00Z"], ["2"], ["2"]),
    ]
    assert h.sql("SELECT id, status, resolution, short_desc FROM bugs ORDER BY id") == [
        {
            "id": 1234567,
            "status": "NEW",
            "resolution": "",
            "short_desc": "Crash in [@ js::GCMarker::processMarkStackTop]",
        },
        {
            "id": 1234568,
            "status": "ASSIGNED",
            "resolution": "",
            "short_desc": "Crash in operator[] on typed arrays",
        },
    ]
    assert h.sql("SELECT bug_id, signature FROM bug_associations ORDER BY bug_id, signature") == [
        {"bug_id": 1234567, "signature": "js::GCMarker::processMarkStackTop"},
        {"bug_id": 1234568, "signature": "OOM | small"},
        {"bug_id": 1234568, "signature": "mozilla::dom::ArrayBufferView::operator[]"},
    ]
    assert h.log("bugzilla-associations")[0]["notices"] == [
        "bugzilla since 2026-01-31 10:00Z: 3 bugs read, 2 kept, 1 deleted, 3 associations added, 0 removed,"
        " 1 signatures without crashes"
    ]

    # an hour later: changes since the last success (minus an hour of overlap)
    bugzilla.state["run"] = "run2"
    bugzilla.requests.clear()
    h.clock.advance(dt.timedelta(hours=1))
    [outcome] = h.tick()
    assert outcome.status == "ran", outcome.message
    # a full page (2 bugs) asks for the next one, which is empty
    assert [(r.query["last_change_time"], r.query["offset"]) for r in bugzilla.requests] == [
        (["2026-03-02T09:00:00Z"], ["0"]),
        (["2026-03-02T09:00:00Z"], ["2"]),
    ]
    assert h.sql("SELECT status, resolution FROM bugs WHERE id = 1234567") == [
        {"status": "RESOLVED", "resolution": "FIXED"}
    ]
    # 1234999 names only a signature without crashes: not kept
    assert h.sql("SELECT id FROM bugs ORDER BY id") == [{"id": 1234567}, {"id": 1234568}]


def test_bugzilla_errors_fail_the_run(harness, bugzilla) -> None:
    h = harness(
        "jobs.bugzilla.BugzillaCronApp|1h",
        utc(2026, 3, 2, 10, 0),
        CRASHSTATS_BUGZILLA_URL=bugzilla.url,
        CRASHSTATS_BUGZILLA_API_KEY="key123",
    )
    bugzilla.state["fail"] = True
    [outcome] = h.tick()
    assert outcome.status == "failed"
    assert outcome.message == f"jobs.http.FetchError: {bugzilla.url}/rest/bug: HTTP 500 Internal Server Error"
    assert h.state("bugzilla-associations")["next_run"] == utc(2026, 3, 2, 10, 5)
    # a wrong key: Bugzilla's 401 fails the run too, nothing half-written
    bugzilla.state["fail"] = False
    h2 = harness(
        "jobs.bugzilla.BugzillaCronApp|1h",
        utc(2026, 3, 2, 10, 10),
        CRASHSTATS_BUGZILLA_URL=bugzilla.url,
        CRASHSTATS_BUGZILLA_API_KEY="wrong",
    )
    [outcome] = h2.tick()
    assert outcome.status == "failed" and "HTTP 401" in outcome.message
    assert h.sql("SELECT count(*) AS n FROM bugs") == [{"n": 0}]


def test_update_bug_associations_refuses_bugs_without_ids(sql: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="a bug without a numeric id"):
        sql.execute("SELECT * FROM update_bug_associations(%s::jsonb)", ('[{"status": "NEW"}]',))
