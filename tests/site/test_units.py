"""The pieces without a server: the redaction function for viewers with and without
permissions, the viewer, ALLOWED_HOSTS, Super Search's query string, the memcached client with
nothing listening, and the SQL functions of the crash page."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import urllib.parse

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pyapp.config import load_config
from pyapp.crashid import ACCEPT, create_crash_id
from tests.clock import SuiteClock
from tests.support import scalar
from web.cache import PageCache, parse_servers
from web.framework import BadRequest
from web.redact import RedactionRules, redact, scrub_pii
from web.search import build_query, parse_value
from web.site import Site, with_statement_timeout
from web.viewer import ANONYMOUS, Viewer

RULE_ROWS = (
    [
        {"scope": "processed", "field": "email", "permission": "view_pii", "treatment": "hide"},
        {"scope": "processed", "field": "user_comments", "permission": "view_pii", "treatment": "scrub"},
        {
            "scope": "processed",
            "field": "exploitability",
            "permission": "view_exploitability",
            "treatment": "hide",
        },
        {"scope": "processed", "field": "json_dump.sensitive", "permission": "view_pii", "treatment": "hide"},
        {"scope": "raw", "field": "Email", "permission": "view_pii", "treatment": "hide"},
    ]
)
#: Socorro 2015's rules: user comments shown to everyone, scrubbed
RULES = RedactionRules.from_rows(RULE_ROWS, public_scrubbed=True)
DOC = {
    "crash": {
        "email": "a@b.example",
        "user_comments": "see http://x.example/y or write a.b@c.example",
        "exploitability": "high",
        "json_dump": {"sensitive": {"exploitability": "high"}, "threads": []},
        "raw_crash": {"EMAIL": "a@b.example", "Notes": "kept"},
    },
    "rows": [
        {"report_type": "os", "category": "Linux"},
        {"report_type": "exploitability", "category": "high"},
    ],
}


def test_anonymous_sees_no_private_data() -> None:
    out = redact(DOC, ANONYMOUS, RULES)
    crash = out["crash"]
    assert "email" not in crash and "exploitability" not in crash and "sensitive" not in crash["json_dump"]
    assert crash["user_comments"] == "see URLREMOVED or write EMAILREMOVED"
    assert crash["raw_crash"] == {"Notes": "kept"}
    assert out["rows"] == [{"report_type": "os", "category": "Linux"}]
    assert DOC["crash"]["email"] == "a@b.example"  # the input is not changed


def test_permissions_lift_their_rules_only() -> None:
    pii = redact(DOC, Viewer("someone", frozenset({"view_pii"})), RULES)
    assert pii["crash"]["email"] == "a@b.example" and pii["crash"]["raw_crash"]["EMAIL"] == "a@b.example"
    assert pii["crash"]["user_comments"] == DOC["crash"]["user_comments"]
    assert "exploitability" not in pii["crash"] and len(pii["rows"]) == 1
    both = redact(DOC, Viewer("admin", is_superuser=True), RULES)
    assert both == DOC


def test_user_comments_are_hidden_unless_the_site_shows_them_scrubbed() -> None:
    default = RedactionRules.from_rows(RULE_ROWS)
    assert "user_comments" not in redact(DOC, ANONYMOUS, default)["crash"]
    pii = redact(DOC, Viewer("someone", frozenset({"view_pii"})), default)
    assert pii["crash"]["user_comments"] == DOC["crash"]["user_comments"]


def test_scrub_pii() -> None:
    assert scrub_pii("mail x.y+z@mail.example.org, site https://e.example/p?q=1 & www.example.com") == (
        "mail EMAILREMOVED, site URLREMOVED & URLREMOVED"
    )


@pytest.mark.parametrize(
    ("text", "scrubbed"),
    [
        ("see pii-marker.example/secret now", "see URLREMOVED now"),
        ("host 10.0.0.7:8080 or intranet.example.com:443/x", "host URLREMOVED or URLREMOVED"),
        ('write "John Smith"@example.com', "write EMAILREMOVED"),
        ("root@localhost said so", "EMAILREMOVED said so"),
        ("a mailto:x@y.example link, or mailto: alone", "a EMAILREMOVED link, or EMAILREMOVED alone"),
        (r"C:\Users\jdoe\AppData\Local\x.dll", r"PATHREMOVED\AppData\Local\x.dll"),
        ("C:/Documents and Settings/Jane Doe/x", "PATHREMOVED/x"),
        ("/home/alice/.mozilla and /Users/bob/Library", "PATHREMOVED/.mozilla and PATHREMOVED/Library"),
        # not personal data: left alone
        ("firefox.exe crashed at 3.5 s in xul.dll!Foo, version 52.0.1.4", None),
    ],
)
def test_scrub_pii_catches_every_form(text: str, scrubbed: str | None) -> None:
    assert scrub_pii(text) == (text if scrubbed is None else scrubbed)


def test_viewers_share_cache_entries_by_what_they_may_see() -> None:
    assert ANONYMOUS.cache_class == "anon" and not ANONYMOUS.has_perm("view_pii")
    a = Viewer("a", frozenset({"view_pii", "view_rawdump"}))
    b = Viewer("b", frozenset({"view_rawdump", "view_pii"}))
    assert a.cache_class == b.cache_class != "anon"
    assert a.has_perm("crashstats.view_pii") and not a.has_perm("view_exploitability")


def test_allowed_hosts() -> None:
    site = Site(load_config(environ={"ALLOWED_HOSTS": "crash-stats.example.com,.example.org"}))
    assert site.host_allowed("crash-stats.example.com:8000")
    assert site.host_allowed("a.example.org") and site.host_allowed("example.org")
    assert not site.host_allowed("evil.example.net")
    assert Site(load_config(environ={})).host_allowed("anything")


def test_statement_timeout_url() -> None:
    url = with_statement_timeout("postgresql://u:p@h:5/db?sslmode=disable", 1500)
    assert url == "postgresql://u:p@h:5/db?sslmode=disable&options=-c%20statement_timeout%3D1500"


def test_super_search_query_string() -> None:
    assert parse_value("!~foo") == ("~", True, "foo")
    assert parse_value(">=2024-01-01") == (">=", False, "2024-01-01")
    assert parse_value("__null__") == ("__null__", False, None)
    assert parse_value("plain") == ("=", False, "plain")
    query = build_query(
        [
            ("product", "A"),
            ("product", "B"),
            ("date", ">=2024-01-01"),
            ("_columns", "uuid,signature"),
            ("_facets", "_cardinality.signature"),
            ("_histogram.date", "product"),
            ("_histogram_interval.date", "1h"),
            ("_results_number", "5"),
        ]
    )
    assert query["filters"][0] == {"field": "product", "operator": "=", "not": False, "values": ["A", "B"]}
    assert query["columns"] == ["uuid", "signature"]
    assert query["cardinality"] == ["signature"] and query["facets"] == []
    assert query["histograms"] == [{"field": "date", "facets": ["product"], "interval": "hour"}]
    with pytest.raises(BadRequest, match="unknown parameter: _nope"):
        build_query([("_nope", "1")])


def test_memcached_down_is_a_warning_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once closed
    cache = PageCache(parse_servers([f"127.0.0.1:{port}"]), "t", retry_after=60)
    with caplog.at_level(logging.WARNING, logger="web.cache"):
        assert cache.get("k") is None
        assert cache.set("k", b"v", 10) is False
        assert cache.get("k") is None
    warnings = [r for r in caplog.records if "memcached unavailable" in r.message]
    assert len(warnings) == 1  # once, then left alone for retry_after seconds
    assert parse_servers(["memcached://h:1", "h2", " "]) == [("h", 1), ("h2", 11211)]


def test_request_priority_processing(sql: psycopg.Connection, clock: SuiteClock) -> None:
    when = clock.now() - dt.timedelta(days=2)
    deferred, queued = create_crash_id(when, ACCEPT), create_crash_id(when, ACCEPT)
    sql.execute("SELECT save_raw_crash(%s, %s, %s, false)", (deferred, Jsonb({"a": 1}), when))
    sql.execute("SELECT save_raw_crash(%s, %s, %s, true)", (queued, Jsonb({"a": 2}), when))
    assert scalar(sql, "SELECT request_priority_processing(%s)", (deferred,)) == "queued"
    assert scalar(sql, "SELECT priority FROM processing_queue WHERE crash_id = %s", (deferred,)) == 0
    assert scalar(sql, "SELECT request_priority_processing(%s)", (deferred,)) == "already"
    assert scalar(sql, "SELECT request_priority_processing(%s)", (queued,)) == "raised"
    assert scalar(sql, "SELECT priority FROM processing_queue WHERE crash_id = %s", (queued,)) == 0
    assert scalar(sql, "SELECT request_priority_processing(%s)", (create_crash_id(when),)) == "unknown"
    assert scalar(sql, "SELECT state FROM crash_report(%s)", (deferred,)) == "pending"
    assert scalar(sql, "SELECT state FROM crash_report(%s)", (create_crash_id(when),)) == "unknown"
    old = create_crash_id(dt.datetime(2021, 3, 1, tzinfo=dt.UTC))
    assert scalar(sql, "SELECT state FROM crash_report(%s)", (old,)) == "expired"


def test_bump_cache_generation(sql: psycopg.Connection) -> None:
    before = scalar(sql, "SELECT current_cache_generation()")
    assert scalar(sql, "SELECT bump_cache_generation('test')") == before + 1
    assert scalar(sql, "SELECT current_cache_generation()") == before + 1
    assert scalar(sql, "SELECT reason FROM cache_generation") == "test"


def test_permitted_viewers_get_the_restricted_pages(site_data) -> None:
    """The exploitability page and tab, the dump links and the private fields for a viewer holding
    the permissions (accounts come with the next issue: the handlers are called directly)."""
    import bottle

    from web import crash, pages, signature
    from web.framework import Ctx

    config = load_config(environ={"DATABASE_URL": site_data.url, "CRASHSTATS_VAR_DIR": "/nonexistent"})
    site = Site(config)
    viewer = Viewer("analyst", frozenset({"view_exploitability", "view_pii", "view_rawdump"}))
    try:

        def ctx(query: str) -> Ctx:
            return Ctx(site, viewer, "json", "/", bottle.FormsDict(urllib.parse.parse_qsl(query)))

        report = pages.exploitability(ctx(f"product=KillerApp&end_date={site_data.days[-1]}&days=3"))
        assert report.data["rows"] and report.data["rows"][0]["high_medium_count"] > 4
        tab = signature.report(
            ctx(urllib.parse.urlencode({"signature": site_data.top_signature, "tab": "exploitability"}))
        )
        assert {row["report_type"] for row in tab.data["rows"]} == {"exploitability"}
        page = crash.crash(ctx(""), site_data.nasty_id)
        assert page.data["can_see_dumps"]
        rules = site.redaction_rules(site.generation())
        shown = redact(page.data, viewer, rules)
        assert shown["processed_crash"]["email"].startswith("piimarker") and shown["raw_crash"]["Email"]
        assert redact(page.data, ANONYMOUS, rules)["processed_crash"].get("email") is None
    finally:
        site.close()
