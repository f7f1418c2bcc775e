"""Every page under gunicorn: valid HTML with no user data turned into markup, links that
resolve, JSON and CSV twins, 400 pages for bad filters, crash states, the timeout page."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from urllib.parse import quote

import psycopg
import pytest

from pyapp.crashid import create_crash_id
from pyapp.demo.model import PII_MARKER
from tests.site.conftest import (
    NASTY_NOTE,
    NASTY_SIGNATURE,
    SECRET_EMAIL,
    SECRET_URL,
    SiteServer,
    page_urls,
)
from tests.site.htmlcheck import check_page, texts

PAGES = [
    "home",
    "home_build",
    "home_no_adi",
    "topcrasher",
    "topcrasher_filtered",
    "daily",
    "daily_os",
    "daily_type",
    "daily_build",
    "signature",
    "signature_graph",
    "signature_reports",
    "signature_comments",
    "signature_urls",
    "signature_bugs",
    "signature_nasty",
    "crash",
    "gccrashes",
    "explosive",
    "crontabber",
    "status",
    "ranks_by_bug",
    "search",
    "search_form",
]
#: links already followed, shared by the page tests (each link is fetched once)
CHECKED: dict[str, int] = {}
LINKS_PER_PAGE = 25


@pytest.mark.parametrize("name", PAGES)
def test_page_is_valid_html_and_its_links_resolve(site: SiteServer, name: str) -> None:
    path = page_urls(site.data)[name]
    response = site.get(path)
    # user comments are view_pii's: anonymous gets the permission page
    expected = 403 if name == "signature_comments" else 200
    assert response.status == expected, f"{path}: {response.status}\n{response.text[:2000]}"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    _tree, found = check_page(response.text)
    new = [link for link in dict.fromkeys(found) if link not in CHECKED][:LINKS_PER_PAGE]
    for link in new:
        CHECKED[link] = site.get(link).status
    broken = {
        link: CHECKED[link] for link in found if CHECKED.get(link, 200) not in (200, 202, 301, 302, 403)
    }
    assert not broken, f"{path} links to pages that do not answer: {broken}"
    assert "/static/site.css" in found


def test_the_empty_states_name_the_missing_setup_step(site: SiteServer) -> None:
    tree, _ = check_page(site.get("/home/products/Thunderbolt").text)
    assert "no ADI loaded yet for Thunderbolt" in texts(tree)
    assert "Active Daily Install" in texts(tree)
    with site.connect() as conn:
        conn.execute(
            "INSERT INTO products (product_name, sort, rapid_release_version, release_name) "
            "VALUES ('Lonely', 9, '1.0', 'lonely')"
        )
        try:
            tree, _ = check_page(site.get("/home/products/Lonely").text)
        finally:
            conn.execute("DELETE FROM products WHERE product_name = 'Lonely'")
    assert "Lonely has no releases yet" in texts(tree)
    assert "Adding products and releases" in texts(tree)


def test_signatures_and_annotations_are_text_not_markup(site: SiteServer) -> None:
    signature_page = site.get(page_urls(site.data)["signature_nasty"]).text
    tree, _ = check_page(signature_page)
    assert NASTY_SIGNATURE in texts(tree)
    assert "&lt;script&gt;" in signature_page
    crash = site.get(f"/report/index/{site.data.nasty_id}").text
    tree, _ = check_page(crash)
    text = texts(tree)
    assert NASTY_SIGNATURE in text and NASTY_NOTE in text
    assert "mozilla::Foo<int>::Bar&lt;1> & <script>alert(1)</script>" in text  # a frame, as stored
    assert "<main>" in text  # the thread name
    top = site.get(page_urls(site.data)["topcrasher"]).text
    tree, _ = check_page(top)
    assert "std::vector<int>::at" in texts(tree) or site.data.top_signature in texts(tree)


def test_the_crash_page_shows_the_crash_without_private_data(site: SiteServer) -> None:
    data = site.data
    response = site.get(f"/report/index/{data.nasty_id}")
    assert response.status == 200
    for secret in (SECRET_EMAIL, SECRET_URL, PII_MARKER, "high"):
        assert secret not in response.text
    tree, _ = check_page(response.text)
    text = texts(tree)
    assert (
        "SIGSEGV /SEGV_MAPERR" in text and "libxul.so" in text and "0123456789ABCDEF0123456789ABCDEF0" in text
    )
    assert "/rawdumps/" not in response.text
    answer = site.get(f"/report/index/{data.nasty_id}.json").json()
    processed = answer["processed_crash"]
    for key in ("email", "url", "user_id", "exploitability", "memory_info"):
        assert key not in processed and key not in answer["report"]
    assert "sensitive" not in processed["json_dump"]
    assert "user_comments" not in processed and "user_comments" not in answer["report"]
    assert {"Email", "URL", "Comments", "guid"}.isdisjoint(answer["raw_crash"])
    assert answer["raw_crash"]["Notes"] == NASTY_NOTE
    assert processed["json_dump"]["threads"][0]["frames"][1]["function"].endswith("<script>alert(1)</script>")
    assert site.get(f"/rawdumps/{data.nasty_id}.dmp").status == 403


def test_crash_ids_pending_unknown_expired(site: SiteServer) -> None:
    data = site.data
    moved = site.get(f"/report/index/bp-{data.nasty_id}")
    assert moved.status == 301 and moved.headers["location"].endswith(f"/report/index/{data.nasty_id}")
    pending = site.get(f"/report/index/{data.pending_id}")
    assert pending.status == 202
    tree, _ = check_page(pending.text)
    assert "not processed yet" in texts(tree)
    assert any(m.get("http-equiv") == "refresh" for m in tree.iter("meta"))
    with site.connect() as conn:
        row = conn.execute(
            "SELECT priority FROM processing_queue WHERE crash_id = %s", (data.pending_id,)
        ).fetchone()
    assert row == {"priority": 0}
    assert site.get(f"/report/index/{data.pending_id}.json").json()["priority_request"] == "already"
    import datetime as dt

    unknown = create_crash_id(dt.datetime.combine(data.days[-1], dt.time(3), tzinfo=dt.UTC))
    assert site.get(f"/report/index/{unknown}").status == 404
    old = create_crash_id(dt.datetime(2020, 1, 6, tzinfo=dt.UTC))
    gone = site.get(f"/report/index/{old}")
    assert gone.status == 410
    assert "older than the data kept" in gone.text
    assert site.get("/report/index/not-a-crash-id").status == 400


def test_private_tabs_hide_comments_and_show_url_counts_only(site: SiteServer) -> None:
    pages = page_urls(site.data)
    comments = site.get(pages["signature_comments"].replace("/report/list", "/report/list.json"))
    assert comments.status == 403 and "view_pii" in comments.json()["error"]
    assert "tab=comments" not in site.get(pages["signature_nasty"]).text
    urls = site.get(pages["signature_urls"].replace("/report/list", "/report/list.json")).json()
    assert urls["rows"] == [{"crash_count": 1}]
    urls_csv = site.get(pages["signature_urls"].replace("/report/list", "/report/list.csv")).text
    assert list(csv.reader(io.StringIO(urls_csv))) == [["url", "crash_count"], ["", "1"]]
    assert site.get("/exploitability/").status == 403
    assert site.get(pages["signature_nasty"] + "&tab=exploitability").status == 403
    summary = site.get(pages["signature"].replace("/report/list", "/report/list.json")).json()
    assert summary["rows"] and all(r["report_type"] != "exploitability" for r in summary["rows"])


@pytest.mark.parametrize(
    ("name", "rows_key"),
    [
        ("home", "rows"),
        ("topcrasher", "rows"),
        ("daily", "rows"),
        ("daily_os", "rows"),
        ("signature", "rows"),
        ("signature_reports", "rows"),
        ("gccrashes", "rows"),
        ("explosive", "rows"),
        ("crontabber", "rows"),
        ("status", "rows"),
    ],
)
def test_json_and_csv_twins(site: SiteServer, name: str, rows_key: str) -> None:
    path = page_urls(site.data)[name]
    base, _, query = path.partition("?")
    suffix = "?" + query if query else ""
    as_json = site.get(base.rstrip("/") + ".json" + suffix)
    assert as_json.status == 200 and as_json.headers["content-type"] == "application/json"
    data = as_json.json()
    assert PII_MARKER not in as_json.text
    rows = data[rows_key]
    as_csv = site.get(base.rstrip("/") + ".csv" + suffix)
    assert as_csv.status == 200 and as_csv.headers["content-type"] == "text/csv; charset=utf-8"
    table = list(csv.reader(io.StringIO(as_csv.text)))
    assert len(table) == len(rows) + 1
    header = table[0]
    if rows:  # a window with a day not over says so in every row (the JSON says it once)
        partial = {"partial", "as_of"} if data.get("partial") else set()
        assert set(header) <= set(rows[0]) | {"url"} | partial
    if name in ("home", "topcrasher", "daily", "signature", "status"):
        assert rows, f"{name} has no rows in the test data"


def test_every_filter_is_in_the_permalink(site: SiteServer) -> None:
    data = site.data
    top = f"/topcrasher/products/{data.top_product}/versions/{data.top_version}"
    path = f"{top}/crash_type/browser/os_name/Windows"
    answer = site.get(path + ".json?days=3").json()
    assert (answer["crash_type"], answer["os_name"], answer["days"]) == ("browser", "Windows", 3)
    _tree, links = check_page(site.get(path + "?days=3").text)
    assert (
        f"/topcrasher/products/{data.top_product}/versions/{data.top_version}/date_range_type/report"
        f"/crash_type/content/os_name/Windows?days=3" in links
    )


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/home/products/NoSuchProduct", "unknown product: NoSuchProduct"),
        ("/home/products/KillerApp?days=abc", "days=abc is not allowed"),
        ("/home/products/KillerApp?days=5", "days=5 is not allowed"),
        ("/home/products/KillerApp?end_date=2026-02-30", "end_date=2026-02-30 is not a date"),
        ("/home/products/KillerApp/versions/99.9", "unknown version of KillerApp: 99.9"),
        ("/topcrasher/products/KillerApp/versions/40.0/os_name/BeOS", "os_name=BeOS is not allowed"),
        ("/topcrasher/products/KillerApp/versions/40.0/colour/red", "unknown filter in the path: colour"),
        (
            "/topcrasher/products/KillerApp/versions/40.0?result_count=x",
            "result_count=x is not a whole number",
        ),
        ("/daily?p=KillerApp&date_start=2020-01-01&date_end=2022-01-01", "longer than 365 days"),
        ("/daily?p=KillerApp&os=Plan9", "os=Plan9 is not allowed"),
        ("/report/list", "signature is required"),
        ("/report/list?signature=x&tab=nope", "tab=nope is not allowed"),
        ("/search/?uptime=>abc", "not a number for uptime: abc"),
        ("/search/?platform=>Linux", "the operator > does not apply to platform"),
        ("/search/?nosuchfield=1", "unknown field: nosuchfield"),
        ("/search/?date=>=2020-01-01&date=<2022-01-01", "longer than 365 days"),
        ("/api/SuperSearch/?_results_number=abc", "_results_number=abc is not a whole number"),
        ("/home/products/KillerApp?format=xml", "format=xml is not one of"),
    ],
)
def test_bad_filters_get_a_400_page_saying_what_was_wrong(site: SiteServer, path: str, says: str) -> None:
    response = site.get(path)
    assert response.status == 400, response.text[:500]
    if path.startswith("/api/"):
        assert says in response.json()["error"]
    else:
        tree, _ = check_page(response.text)
        assert says in texts(tree)


def test_protected_search_fields_need_their_permission(site: SiteServer) -> None:
    for query in ("email=x", "_columns=url", "_facets=exploitability", "user_comments=~x"):
        response = site.get(f"/api/SuperSearch/?{query}")
        assert response.status == 403, query
        assert "needs the permission" in response.json()["error"]


def test_a_query_over_the_statement_timeout_gets_the_narrowing_page(site: SiteServer) -> None:
    data = site.data
    path = (
        f"/topcrasher/products/{data.top_product}/versions/{data.top_version}?days=28&end_date={data.days[0]}"
    )
    locked = threading.Event()
    release = threading.Event()

    def hold_lock() -> None:
        with site.connect() as conn, conn.transaction():
            conn.execute("LOCK TABLE tcbs IN ACCESS EXCLUSIVE MODE")
            locked.set()
            release.wait(30)

    holder = threading.Thread(target=hold_lock)
    holder.start()
    try:
        assert locked.wait(10)
        response = site.get(path)
    finally:
        release.set()
        holder.join()
    assert response.status == 503
    tree, links = check_page(response.text)
    text = texts(tree)
    assert "This query took too long" in text and "Narrow the filters" in text
    assert "days" in text and "28" in text
    assert any("days=7" in link for link in links)
    assert site.get(path).status == 200


def test_the_collector_is_served_by_the_same_app(site: SiteServer) -> None:
    import random

    from pyapp.submitter import encode_multipart
    from tests.web.conftest import make_crash

    body, ctype = encode_multipart(make_crash(random.Random(3), dump_size=2000))
    response = site.get("/submit", method="POST", body=body, headers={"Content-Type": ctype})
    assert response.status == 200 and response.text.startswith("CrashID=bp-")
    crash_id = response.text.strip()[len("CrashID=bp-") :]
    page = site.get(f"/report/index/{crash_id}")
    assert page.status == 202  # received, not processed: the pending page


def test_unknown_pages_and_methods(site: SiteServer) -> None:
    missing = site.get("/no/such/page")
    assert missing.status == 404
    check_page(missing.text)
    assert site.get("/").status == 302
    assert json.loads(site.get("/api/SuperSearchFields/").body)["signature"]["query_type"] == "string"
    assert quote  # the helper is used by page_urls


def test_one_day_of_data_draws_a_point(site: SiteServer) -> None:
    """A graph with one day of data shows it (a dot: a line needs two days), on the home page
    and on /daily by OS."""
    first = site.data.days[0]
    p, v = site.data.top_product, site.data.top_version
    one_day = {
        "home": f"/home/products/{p}?days=3&end_date={first}",
        "daily_os": f"/daily?p={p}&v={quote(v)}&os=Windows&date_start={first}&date_end={first}",
    }
    for name, path in one_day.items():
        page = site.get(path)
        assert page.status == 200, (name, page.text[-2000:])
        rows = site.get(path.replace("?", ".json?", 1)).json()
        assert len({row["day"] for row in rows["rows"]}) == 1, (name, rows["rows"])
        svg = page.text[page.text.index("<svg") : page.text.index("</svg>")]
        assert 'class="dot' in svg, name


def test_counts_are_whole_numbers_and_rates_have_fixed_decimals(site: SiteServer) -> None:
    p, v = site.data.top_product, site.data.top_version
    os_json = site.get(f"/daily.json?p={p}&v={quote(v)}&os=Windows&os=Linux").json()["rows"]
    assert os_json
    for row in os_json:
        for count in ("report_count", "adjusted_report_count", "adu"):
            assert type(row[count]) is int, (count, row)
    home = site.get("/home/products/WaterWolf")  # a 10 % throttle on its releases
    assert home.status == 200
    table = home.text[home.text.index('id="graph-data"') :]
    counts = re.findall(r'<td class="count">([^<]*)</td>', table)
    rates = re.findall(r'<td class="rate">([^<]*)</td>', table)
    assert counts and rates
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", c) for c in counts), counts
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*\.\d{3}", r) for r in rates), rates
    daily = site.get(f"/daily?p={p}&v={quote(v)}&os=Windows")
    assert not re.findall(r'<td class="count">[^<]*\.[^<]*</td>', daily.text)


def test_top_crashers_by_build_date_only_where_builds_are_counted(site: SiteServer) -> None:
    with psycopg.connect(site.data.url) as conn:
        release, nightly = (
            conn.execute(
                "SELECT version_string::text FROM product_versions WHERE product_name = 'KillerApp'"
                " AND build_type = %s ORDER BY version_sort DESC LIMIT 1",
                (channel,),
            ).fetchone()[0]
            for channel in ("release", "nightly")
        )
    page = site.get(f"/topcrasher/products/KillerApp/versions/{release}")
    assert page.status == 200
    assert "date_range_type/build" not in page.text and "nightly, aurora and rapid-beta" in page.text
    linked = site.get(f"/topcrasher/products/KillerApp/versions/{release}/date_range_type/build")
    assert linked.status == 200
    assert 'id="no-build-dates"' in linked.text and "crashes in all" not in linked.text
    builds = site.get(f"/topcrasher/products/KillerApp/versions/{nightly}")
    assert "date_range_type/build" in builds.text and 'id="no-build-dates"' not in builds.text
