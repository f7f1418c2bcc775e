"""The private-data crawl: every page (HTML, JSON and CSV twins, the links they hold) and every
API endpoint, as an anonymous visitor and as a signed-in user without permissions, over the
site's data set whose e-mail addresses, URLs, comments, ids and sensitive sections carry unique
markers. Any marker in any answer fails the test. A user holding view_pii does see them (so
the crawl would notice a marker that never reaches any page)."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import pytest

from pyapp.demo.model import PII_DOMAIN, PII_MARKER
from tests.auth_fixtures import WebClient, create_token, create_user
from tests.site.conftest import SECRET_EMAIL, SECRET_URL, SiteServer, page_urls
from web.api import ENDPOINTS

MARKERS = (PII_MARKER, PII_DOMAIN, SECRET_EMAIL, SECRET_URL, "piimarker")
LINK = re.compile(r'href="(/[^"#]*)"')
SKIP_LINKS = ("/static/", "/logout/", "/rawdumps/")


def api_urls(site: SiteServer) -> list[str]:
    data = site.data
    sig = quote(data.top_signature, safe="")
    nasty = data.nasty_id
    day0, last = data.days[0], data.days[-1]
    samples = {
        "Products": "",
        "ProductVersions": "?_results_number=1000",
        "ReleasesFeatured": "",
        "CrashesPerAdi": f"?product={data.top_product}&versions={data.top_version}",
        "TCBS": f"?product={data.top_product}&version={data.top_version}&end_date={last}",
        "SignatureSummary": f"?signature={sig}",
        "ReportList": f"?signature={sig}",
        "ProcessedCrash": f"?crash_id={nasty}",
        "UnredactedCrash": f"?crash_id={nasty}",
        "RawCrash": f"?crash_id={nasty}&format=meta",
        "SuperSearch": f"?product=KillerApp&date=%3E%3D{day0}&_columns=uuid&_columns=email&_columns=url"
        f"&_columns=user_comments&_facets=url&_facets=email&_facets=signature&_results_number=1000",
        "SuperSearchFields": "",
        "Bugs": "?signatures=" + quote(data.top_signature, safe=""),
        "SignaturesByBugs": f"?bug_ids={data.bug_id}",
        "ADI": f"?product={data.top_product}&versions={data.top_version}&start_date={day0}&end_date={last}",
        "Platforms": "",
        "CrontabberState": "",
        "ServerStatus": "",
        "SkipList": "",
    }
    urls = []
    for ep in ENDPOINTS:
        if ep.method != "GET":
            continue
        assert ep.name in samples, f"the crawl needs a sample request of {ep.name}"
        urls.append(ep.path + samples[ep.name])
    urls.append("/api/SuperSearch/?signature=~nasty&_columns=user_comments&_columns=url&_results_number=50")
    return urls


def crawl(web: WebClient, start: list[str]) -> dict[str, str]:
    """Every answer's text, by path: the start pages, their .json and .csv twins, and the
    links of the HTML pages (one level)."""
    seen: dict[str, str] = {}
    queue = list(start)
    for path in start:
        if not path.startswith("/api/"):
            base, _, query = path.partition("?")
            queue += [
                f"{base}.json" + (f"?{query}" if query else ""),
                f"{base}.csv" + (f"?{query}" if query else ""),
            ]
    depth = {p: 0 for p in queue}
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        reply = web.get(path)
        assert reply.status < 500, (path, reply.status, reply.text[:300])
        text = reply.body.decode("utf-8", "replace")
        seen[path] = text
        if depth[path] == 0 and "text/html" in (reply.header("content-type") or ""):
            for link in LINK.findall(text):
                link = link.replace("&amp;", "&")
                if link.startswith(SKIP_LINKS) or urlsplit(link).path.startswith("/admin/"):
                    continue
                if link not in depth:
                    depth[link] = 1
                    queue.append(link)
    return seen


@pytest.mark.parametrize("who", ["anonymous", "no_permissions", "token_no_permissions"])
def test_no_marker_reaches_anyone_without_view_pii(site: SiteServer, who: str) -> None:
    web = WebClient.of(site.base)
    if who == "no_permissions":
        web.login(create_user(site.data.url).email)
    elif who == "token_no_permissions":
        web.headers["Auth-Token"] = create_token(site.data.url, create_user(site.data.url))
    start = (
        list(page_urls(site.data).values())
        + api_urls(site)
        + [
            "/api/",
            "/api/openapi.json",
            "/login/",
            "/api/tokens/",
            "/account/password/",
            "/admin/users/",
            f"/report/index/{site.data.nasty_id}",
            f"/rawdumps/{site.data.nasty_id}.dmp",
        ]
    )
    pages = crawl(web, start)
    assert len(pages) > 100
    leaks = [(path, marker) for path, text in pages.items() for marker in MARKERS if marker in text]
    assert not leaks, leaks[:20]


def test_a_view_pii_user_does_see_the_markers(site: SiteServer) -> None:
    """The markers are in the data the crawl reads: a permitted user sees them."""
    web = WebClient.of(site.base)
    web.login(create_user(site.data.url, permissions=["view_pii"]).email)
    crash = web.get(f"/api/ProcessedCrash/?crash_id={site.data.nasty_id}").text
    assert SECRET_EMAIL in crash and PII_MARKER in crash
    raw = web.get(f"/api/RawCrash/?crash_id={site.data.nasty_id}&format=meta").json()
    assert raw["Email"] == SECRET_EMAIL
    search = web.get(
        f"/api/SuperSearch/?product=KillerApp&_columns=email&_results_number=1000"
        f"&date=%3E%3D{site.data.days[0]}"
    ).text
    assert PII_MARKER in search
