"""Hostile data against the site: parameters no page can use (NUL, invalid UTF-8 escapes, huge
pages) get a 400 saying what was wrong; CSV cells cannot be formulas; user comments are
protected by default and scrubbed of every listed form when the site shows them publicly; a
crash page stays bounded whatever the stored crash holds. After each, a normal request works."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from pyapp.crashid import ACCEPT, create_crash_id
from pyapp.demo import load, model
from tests.auth_fixtures import WebClient, create_user
from tests.site.conftest import Memcached, SiteData, SiteServer, run_site

MARK = "hostilemarker"
COMMENT = (
    f'see {MARK}.example/secret or write "{MARK} x"@example.com, {MARK}@localhost, '
    f"mailto:{MARK}@x.example; my files: C:\\Users\\{MARK}\\AppData\\x.dll and /home/{MARK}/.cache"
)
FORMULA = '=HYPERLINK("http://evil.example","x")'
HOSTILE_SIGNATURE = "hostile | formula and comment"
BIG_FRAMES = 50_000
BIG_THREADS = 300
BIG_ANNOTATIONS = 300


@dataclass
class Hostile:
    day: dt.date
    formula_id: str
    object_threads_id: str
    big_id: str


def frame(n: int) -> dict:
    return {"frame": n, "module": "libxul.so", "function": f"mozilla::Function{n}(int)", "offset": hex(n)}


def add_crash(
    conn: psycopg.Connection, crash_id: str, when: dt.datetime, processed: dict, raw: dict, **fields
) -> None:
    values = {
        "uuid": crash_id,
        "date_processed": when,
        "client_crash_date": when,
        "product": "KillerApp",
        "version": "40.0",
        "build": "20261101030000",
        "release_channel": "release",
        "productid": "{killerapp@example.com}",
        "signature": HOSTILE_SIGNATURE,
        "reason": "SIGSEGV",
        "address": "0x0",
        "os_name": "Linux",
        "os_version": "6.1",
        "cpu_name": "amd64",
        "cpu_info": "x",
        "uptime": 1,
        "install_age": 1,
        "last_crash": None,
        "process_type": None,
        "hangid": None,
        "flash_version": None,
        "exploitability": None,
        "email": None,
        "url": None,
        "user_comments": None,
        "app_notes": None,
        "topmost_filenames": None,
        "raw_crash": raw,
    }
    values.update(fields)
    load.load_crashes(conn, [model.Crash(**values)])
    # as write_processed_crash does: Super Search counts the day from reports again
    conn.execute("SELECT search_facets_touch(%s)", (when,))
    document = {
        "uuid": crash_id,
        "signature": HOSTILE_SIGNATURE,
        "date_processed": when.isoformat(),
        **processed,
    }
    # json_dump kept apart, as write_processed_crash stores it (none: no stack at all)
    dump = document.pop("json_dump", None)
    conn.execute(
        "UPDATE processed_crashes SET processed_crash = %s, json_dump = %s WHERE uuid = %s",
        (Jsonb(document), None if dump is None else json.dumps(dump), crash_id),
    )


@pytest.fixture(scope="module")
def hostile(site_data: SiteData) -> Hostile:
    day = site_data.days[0]
    when = dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)
    ids = [create_crash_id(when + dt.timedelta(minutes=n), ACCEPT) for n in range(3)]
    big_dump = {
        "crash_info": {"crashing_thread": 0},
        "threads": [{"thread_name": "main", "frames": [frame(n) for n in range(BIG_FRAMES)]}]
        + [{"thread_name": f"t{t}", "frames": [frame(n) for n in range(50)]} for t in range(BIG_THREADS)],
        "modules": [{"filename": f"m{n}.so", "debug_id": "0" * 33} for n in range(2000)],
    }
    with psycopg.connect(site_data.url, row_factory=dict_row) as conn:
        add_crash(
            conn,
            ids[0],
            when,
            {"user_comments": COMMENT},
            {"ProductName": "KillerApp", "Comments": COMMENT},
            user_comments=COMMENT,
        )
        add_crash(
            conn,
            ids[1],
            when,
            {
                "json_dump": {"threads": {"0": {"frames": [1, "x", None]}}, "modules": "none"},
                "crashedThread": 0,
            },
            {"ProductName": "KillerApp", "json_dump": {"threads": {"a": 1}}},
        )
        add_crash(
            conn,
            ids[2],
            when,
            {"json_dump": big_dump, "crashedThread": 0},
            {f"Annotation{n}": "x" * 10_000 for n in range(BIG_ANNOTATIONS)},
            user_comments=FORMULA,
        )
        conn.commit()
    return Hostile(day, *ids)


def assert_says(response, status: int, *words: str) -> None:
    text = response.body.decode("utf-8", "replace")
    assert response.status == status, (response.status, text[:300])
    for word in words:
        assert word in text, (word, text[:500])


NUL_URLS = [
    "/api/SuperSearch/?uptime=>%00",
    "/api/SuperSearch/?address=%00",
    "/api/SuperSearch/?android_model=~%00",
    "/api/SuperSearch/?_histogram.date=%00",
    "/api/SuperSearch/?_histogram_interval.date=%00",
    "/search/?signature=~%00",
    "/report/list?signature=%00",
    "/report/list?signature=%00&tab=reports",
    "/report/list.json?signature=x&product=%00",
    "/api/ProductVersions/?version=a%00b",
]


@pytest.mark.parametrize("path", NUL_URLS)
def test_a_nul_in_a_parameter_is_a_400_naming_it(site: SiteServer, path: str) -> None:
    assert_says(site.get(path), 400, "NUL character")
    assert site.get("/api/SuperSearch/?product=KillerApp&_results_number=1").status == 200
    assert site.get("/report/list?signature=x").status == 200


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/search/?signature=~%ff%fe", ("not valid UTF-8",)),
        ("/report/list?signature=%C3", ("signature", "not valid UTF-8")),
        ("/api/SuperSearch/?product=" + "x" * 3000, ("longer than 1000",)),
        ("/report/index/" + "a%00b", ("NUL",)),
    ],
)
def test_bad_escapes_and_huge_values_are_400s(site: SiteServer, path: str, words: tuple[str, ...]) -> None:
    assert_says(site.get(path), 400, *words)


def test_a_request_line_over_the_server_limit_is_a_414_saying_so(site: SiteServer) -> None:
    assert_says(site.get("/api/SuperSearch/?product=" + "x" * 10_001), 414, "Request Line is too large")
    assert site.get("/api/SuperSearch/?product=KillerApp&_results_number=1").status == 200


def test_a_search_page_past_the_end_says_so(site: SiteServer) -> None:
    assert_says(site.get("/search/?product=KillerApp&page=99999999999999999999"), 400, "page", "out of range")
    sig = quote(site.data.top_signature, safe="")
    base = f"/search/?signature=%3D{sig}&date=%3E%3D{site.data.days[0]}&_results_number=3"
    first = site.get(base.replace("/search/", "/search.json") + "&page=1").json()
    total = first["result"]["total"]
    last = -(-total // 3)
    assert total > 3 and len(first["result"]["hits"]) == 3
    end = site.get(base.replace("/search/", "/search.json") + f"&page={last}").json()
    assert 1 <= len(end["result"]["hits"]) <= 3 and end["query"]["results_offset"] == (last - 1) * 3
    assert_says(
        site.get(base + f"&page={last + 1}"),
        400,
        "past the end",
        f"{total} crashes make {last} pages",
        f"page={last}",
    )
    assert_says(site.get(base + "&page=0"), 400, "page=0")
    assert_says(site.get(base + "&page=2&_results_offset=3"), 400, "not both")
    assert site.get(base + "&page=2").status == 200


def test_csv_cells_are_never_formulas(site: SiteServer, hostile: Hostile) -> None:
    reader = WebClient.of(site.base)
    reader.login(create_user(site.data.url, permissions=["view_pii"]).email)
    sig = quote(HOSTILE_SIGNATURE, safe="")
    path = f"/report/list.csv?signature={sig}&tab=comments&date={hostile.day}&range_value=1"
    response = reader.get(path)
    assert response.status == 200, response.text[:300]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    comments = {r["uuid"]: r["user_comments"] for r in rows}
    assert comments[hostile.big_id] == "'" + FORMULA
    for cells in rows:
        assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in cells.values()), cells
    # the JSON twin keeps the value as stored
    data = reader.get(path.replace(".csv", ".json")).json()
    assert FORMULA in {r["user_comments"] for r in data["rows"]}


def pages_of_a_crash(crash_id: str, day: dt.date) -> list[str]:
    sig = quote(HOSTILE_SIGNATURE, safe="")
    return [
        f"/report/index/{crash_id}",
        f"/report/index/{crash_id}.json",
        f"/api/ProcessedCrash/?crash_id={crash_id}",
        f"/api/RawCrash/?crash_id={crash_id}&format=meta",
        f"/report/list?signature={sig}&tab=comments&date={day}&range_value=1",
        f"/report/list.json?signature={sig}&tab=comments&date={day}&range_value=1",
        f"/report/list.csv?signature={sig}&tab=comments&date={day}&range_value=1",
    ]


def test_user_comments_are_protected_by_default(site: SiteServer, hostile: Hostile) -> None:
    anonymous = [site.get(p) for p in pages_of_a_crash(hostile.formula_id, hostile.day)]
    assert [r.status for r in anonymous] == [200, 200, 200, 200, 403, 403, 403]
    assert not [r for r in anonymous if MARK in r.body.decode()]
    assert "view_pii" in anonymous[-1].text
    reader = WebClient.of(site.base)
    reader.login(create_user(site.data.url, permissions=["view_pii"]).email)
    seen = [reader.get(p) for p in pages_of_a_crash(hostile.formula_id, hostile.day)]
    assert all(r.status == 200 for r in seen), [(r.status, r.text[:100]) for r in seen]
    assert all(MARK in r.body.decode() for r in seen)
    assert site.get(f"/report/index/{site.data.nasty_id}").status == 200


@pytest.fixture(scope="module")
def public_comments_site(
    site_data: SiteData, memcached: Memcached, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SiteServer]:
    with run_site(
        site_data,
        memcached,
        tmp_path_factory.mktemp("public-comments"),
        CRASHSTATS_PUBLIC_SCRUBBED_COMMENTS="true",
        CACHE_KEY_PREFIX="publiccomments",
    ) as server:
        yield server


def test_public_comments_are_scrubbed_of_every_form(
    public_comments_site: SiteServer, hostile: Hostile
) -> None:
    answers = [public_comments_site.get(p) for p in pages_of_a_crash(hostile.formula_id, hostile.day)]
    assert all(r.status == 200 for r in answers), [(r.status, r.text[:200]) for r in answers]
    leaks = [
        p
        for p, r in zip(pages_of_a_crash(hostile.formula_id, hostile.day), answers, strict=True)
        if MARK in r.text
    ]
    assert not leaks
    comments = answers[5].json()["rows"]
    shown = next(r["user_comments"] for r in comments if r["uuid"] == hostile.formula_id)
    assert shown.count("URLREMOVED") == 1 and shown.count("EMAILREMOVED") == 3, shown
    assert r"PATHREMOVED\AppData\x.dll" in shown and "PATHREMOVED/.cache" in shown
    assert answers[2].json()["user_comments"] == shown
    assert "Comments" not in answers[3].json()  # the raw annotation stays view_pii's


def test_crash_pages_are_bounded_whatever_the_crash_holds(site: SiteServer, hostile: Hostile) -> None:
    odd = site.get(f"/report/index/{hostile.object_threads_id}")
    assert odd.status == 200, odd.text[-2000:]
    assert "No stack" in odd.text
    assert site.get(f"/report/index/{hostile.object_threads_id}.json").status == 200
    big = site.get(f"/report/index/{hostile.big_id}")
    assert big.status == 200
    assert len(big.body) < 400_000, len(big.body)
    assert "mozilla::Function199(int)" in big.text and "mozilla::Function200(int)" not in big.text
    assert f"{BIG_FRAMES - 200:,} more frames not shown" in big.text
    assert "more threads not shown" in big.text and "more modules not shown" in big.text
    twin = site.get(f"/report/index/{hostile.big_id}.json")
    assert twin.status == 200 and len(twin.body) < 1_000_000, len(twin.body)
    assert len(twin.json()["processed_crash"]["json_dump"]["threads"][0]["frames"]) == 200
    # the whole documents are the API's
    whole = site.get(f"/api/ProcessedCrash/?crash_id={hostile.big_id}").json()
    assert len(whole["json_dump"]["threads"][0]["frames"]) == BIG_FRAMES
    assert site.get(f"/report/index/{site.data.nasty_id}").status == 200


def test_a_crash_stored_far_from_the_date_in_its_id_is_served(site: SiteServer, hostile: Hostile) -> None:
    """A crash stored in the week it was received, weeks after the date in its ID (sent again
    with its original ID, imported): its page and /api/ProcessedCrash/ show it, as Super
    Search finds it; never "stored but unviewable"."""
    when = dt.datetime.combine(hostile.day, dt.time(10, 0), tzinfo=dt.UTC)
    crash_id = create_crash_id(when - dt.timedelta(weeks=5), ACCEPT)
    with psycopg.connect(site.data.url, row_factory=dict_row) as conn:
        add_crash(conn, crash_id, when, {"app_notes": "sent again"}, {"ProductName": "KillerApp"})
        conn.commit()
    page = site.get(f"/report/index/{crash_id}")
    assert page.status == 200, page.text[:300]
    assert crash_id in page.text and "hostile | formula and comment" in page.text
    api = site.get(f"/api/ProcessedCrash/?crash_id={crash_id}")
    assert api.status == 200, api.text[:300]
    assert api.json()["uuid"] == crash_id
    raw = site.get(f"/api/RawCrash/?crash_id={crash_id}&format=meta")
    assert raw.status == 200 and raw.json()["ProductName"] == "KillerApp"
    found = site.get(f"/api/SuperSearch/?uuid={crash_id}&date=%3E%3D{hostile.day}").json()
    assert [h["uuid"] for h in found["hits"]] == [crash_id]
    # an ID of that date stored nowhere is still not found (410: before the first week kept here)
    nowhere = site.get(f"/report/index/{create_crash_id(when - dt.timedelta(weeks=5), ACCEPT)}")
    assert nowhere.status in (404, 410), nowhere.status
