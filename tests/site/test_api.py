"""The public API under gunicorn: declared parameters (400 naming the parameter), pagination,
the OpenAPI document generated from the declarations, the endpoint page, rate limits (a second
server with low limits), write endpoints behind permissions, CSRF for browser sessions."""

from __future__ import annotations

import time
from urllib.parse import quote

import psycopg
import pytest

from tests.auth_fixtures import WebClient, create_token, create_user
from tests.site.conftest import Memcached, SiteServer, run_site
from web.api import ENDPOINTS


def test_the_openapi_document_is_generated_from_the_declarations(site: SiteServer) -> None:
    doc = site.get("/api/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    for ep in ENDPOINTS:
        operation = doc["paths"][ep.path][ep.method.lower()]
        names = [p["name"] for p in operation.get("parameters", [])] or list(
            operation.get("requestBody", {})
            .get("content", {})
            .get("application/x-www-form-urlencoded", {})
            .get("schema", {})
            .get("properties", {})
        )
        assert names == [p.name for p in ep.all_params], ep.name
    tcbs = {p["name"]: p for p in doc["paths"]["/api/TCBS/"]["get"]["parameters"]}
    assert tcbs["product"]["required"] and tcbs["days"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 28,
        "default": 7,
    }
    page = site.get("/api/")
    assert page.status == 200
    for ep in ENDPOINTS:
        assert ep.path in page.text


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/api/Products/?colour=red", "unknown parameter: colour"),
        ("/api/TCBS/?product=KillerApp", "version is required"),
        ("/api/TCBS/?product=KillerApp&version=40.0&days=99", "days=99 is out of range"),
        ("/api/TCBS/?product=KillerApp&version=40.0&days=seven", "days=seven is not a whole number"),
        (
            "/api/ADI/?product=KillerApp&versions=40.0&start_date=2026-13-01&end_date=2026-01-01",
            "start_date=2026-13-01 is not a date",
        ),
        ("/api/ProcessedCrash/?crash_id=nope", "crash_id=nope is not a crash ID"),
        ("/api/ProductVersions/?_results_number=5000", "_results_number=5000 is out of range"),
        ("/api/ProductVersions/?is_featured=maybe", "is_featured=maybe is not true or false"),
        ("/api/CrashesPerAdi/?product=KillerApp&date_range_type=week", "date_range_type=week is not allowed"),
        ("/api/SuperSearch/?_results_number=x", "_results_number=x is not a whole number"),
    ],
)
def test_bad_parameters_get_400_naming_them(site: SiteServer, path: str, says: str) -> None:
    reply = site.get(path)
    assert reply.status == 400, reply.text
    assert says in reply.json()["error"]


def test_endpoints_answer_and_paginate(site: SiteServer) -> None:
    data = site.data
    everything = site.get("/api/ProductVersions/?_results_number=1000").json()
    assert everything["total"] == len(everything["hits"]) > 5
    page = site.get("/api/ProductVersions/?_results_number=2&_results_offset=3").json()
    assert page["total"] == everything["total"] and page["hits"] == everything["hits"][3:5]
    products = site.get("/api/Products/").json()
    assert "KillerApp" in products["products"] and products["hits"]["KillerApp"]
    tcbs = site.get(
        f"/api/TCBS/?product={data.top_product}&version={data.top_version}&end_date={data.days[-1]}"
    )
    assert tcbs.status == 200 and tcbs.json()["rows"][0]["signature"] == data.top_signature
    daily = site.get(f"/api/CrashesPerAdi/?product={data.top_product}&versions={data.top_version}")
    assert daily.status == 200
    summary = site.get(f"/api/SignatureSummary/?signature={quote(data.top_signature)}")
    assert summary.status == 200
    bugs = site.get("/api/SignaturesByBugs/?bug_ids=" + str(data.bug_id)).json()
    assert {h["id"] for h in bugs["hits"]} == {data.bug_id} and bugs["total"] == 2
    assert site.get("/api/Platforms/").json()["total"] > 0
    assert "state" in site.get("/api/CrontabberState/").json()
    assert site.get("/api/ServerStatus/?duration=1").json()["total"] == 1
    featured = site.get("/api/ReleasesFeatured/?products=KillerApp").json()
    assert featured["hits"].get("KillerApp")
    raw = site.get(f"/api/RawCrash/?crash_id={data.nasty_id}&format=meta").json()
    assert raw["ProductName"] == "KillerApp" and "Email" not in raw and "URL" not in raw
    assert site.get(f"/api/RawCrash/?crash_id={data.nasty_id}&format=raw").status == 403


def test_write_endpoints_need_their_permission(site: SiteServer) -> None:
    url = site.data.url
    nobody = create_user(url)
    manager = create_user(url, permissions=["manage_releases", "manage_skiplist", "reprocess_crashes"])
    weak = create_token(url, nobody)
    strong = create_token(url, manager, ["manage_releases", "manage_skiplist", "reprocess_crashes"])
    web = WebClient.of(site.base)
    product = {"product": "ApiApp", "version": "1.0"}
    assert web.post("/api/Products/", product).status == 403
    denied = web.post("/api/Products/", product, headers={"Auth-Token": weak})
    assert denied.status == 403 and "manage_releases" in denied.json()["error"]
    added = web.post("/api/Products/", product, headers={"Auth-Token": strong})
    assert added.status == 200, added.text
    assert "ApiApp" in site.get("/api/Products/").json()["products"]
    twice = web.post("/api/Products/", product, headers={"Auth-Token": strong})
    assert twice.status == 400 and "ApiApp" in twice.json()["error"]
    release = {
        "product": "ApiApp",
        "version": "1.5",
        "update_channel": "release",
        "build_id": "20261101000000",
        "platform": "Linux",
    }
    assert web.post("/api/Releases/", release, headers={"Auth-Token": weak}).status == 403
    assert web.post("/api/Releases/", release, headers={"Auth-Token": strong}).status == 200
    put = web.request(
        "PUT",
        "/api/ReleasesFeatured/",
        b"product=ApiApp&versions=1.5",
        {"Content-Type": "application/x-www-form-urlencoded", "Auth-Token": strong},
    )
    assert put.status == 200, put.text
    assert site.get("/api/ReleasesFeatured/?products=ApiApp").json()["hits"] == {"ApiApp": ["1.5"]}
    rule = {"category": "prefix", "rule": "api_test_frame"}
    assert web.post("/api/SkipList/", rule, headers={"Auth-Token": weak}).status == 403
    assert web.post("/api/SkipList/", rule, headers={"Auth-Token": strong}).status == 200
    assert rule in site.get("/api/SkipList/?category=prefix").json()["hits"]
    gone = web.request(
        "DELETE", "/api/SkipList/?category=prefix&rule=api_test_frame", None, {"Auth-Token": strong}
    )
    assert gone.status == 200 and rule not in site.get("/api/SkipList/?category=prefix").json()["hits"]
    ids = {"crash_ids": site.data.nasty_id}
    assert web.post("/api/Reprocessing/", ids).status == 403
    queued = web.post("/api/Reprocessing/", ids, headers={"Auth-Token": strong})
    assert queued.status == 200 and queued.json()["queued"] == 1
    assert web.post("/api/Priorityjob/", ids, headers={"Auth-Token": strong}).status == 200
    # a browser session needs the CSRF header for API writes
    browser = WebClient.of(site.base)
    browser.login(manager.email)
    assert browser.post("/api/SkipList/", rule).status == 403
    token = browser.csrf_from("/api/tokens/")
    assert browser.post("/api/SkipList/", rule, headers={"X-CSRFToken": token}).status == 200


def test_rate_limits(site_data, memcached: Memcached, tmp_path) -> None:
    with run_site(
        site_data,
        memcached,
        tmp_path,
        CRASHSTATS_API_RATE_ANONYMOUS="3",
        CRASHSTATS_API_RATE_USER="6",
        SESSION_COOKIE_SECURE="True",
    ) as server:
        # counters are per minute and shared with the other site server (same address): start
        # early in a fresh minute with none
        with psycopg.connect(site_data.url, autocommit=True) as conn:
            second = conn.execute("SELECT extract(second FROM clock_timestamp())").fetchone()[0]
            if second > 45:
                time.sleep(61 - float(second))
            conn.execute("TRUNCATE api_rate_counters")
        anonymous = [server.get("/api/Platforms/") for _ in range(4)]
        assert [r.status for r in anonymous] == [200, 200, 200, 429]
        assert anonymous[0].headers["x-ratelimit-limit"] == "3"
        limited = anonymous[-1]
        assert 1 <= int(limited.headers["retry-after"]) <= 60 and "3 API requests" in limited.json()["error"]
        user = create_user(site_data.url)
        token = create_token(site_data.url, user)
        with_token = [server.get("/api/Platforms/", headers={"Auth-Token": token}).status for _ in range(7)]
        assert with_token == [200] * 6 + [429]
        # the pages are not limited
        assert server.get("/status/").status == 200
        # SESSION_COOKIE_SECURE=True: both cookies are Secure
        browser = WebClient.of(server.base)
        reply = browser.login(user.email)
        cookies = reply.headers["set-cookie"]
        assert len(cookies) == 2 and all("; Secure" in c for c in cookies), cookies
