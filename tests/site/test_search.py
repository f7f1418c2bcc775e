"""Super Search over PostgreSQL through /api/SuperSearch/: operators, facets, histograms,
cardinality, paging and the date range, each checked against a plain count over reports."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from tests.site.conftest import NASTY_SIGNATURE, SiteServer


def search(site: SiteServer, *pairs: tuple[str, str]) -> dict:
    first = site.data.days[0]
    query = [("date", f">={first}"), *pairs]
    response = site.get("/api/SuperSearch/?" + urlencode(query))
    assert response.status == 200, response.text
    return response.json()


def count(site: SiteServer, where: str, params: tuple = ()) -> int:
    first = site.data.days[0]
    with site.connect() as conn:
        return conn.execute(
            "SELECT count(*) AS n FROM reports"
            f" WHERE date_processed >= %s AND date_processed < least(now(), %s) AND {where}",
            (first, dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=7), *params),
        ).fetchone()["n"]


def test_operators_match_a_plain_count(site: SiteServer) -> None:
    cases = [
        (("product", "KillerApp"), "product = 'KillerApp'"),
        (("product", "!KillerApp"), "product IS DISTINCT FROM 'KillerApp'"),
        (("signature", "~vector<int>"), "signature ILIKE '%%vector<int>%%'"),
        (("signature", "^mozilla::dom"), "signature LIKE 'mozilla::dom%%'"),
        (("signature", "$::Send"), "signature LIKE '%%::Send'"),
        (("process_type", "__null__"), "process_type IS NULL"),
        (("process_type", "!__null__"), "process_type IS NOT NULL"),
        (("uptime", ">=600"), "uptime >= 600"),
        (("uptime", "<60"), "uptime < 60"),
        (("platform", "Linux"), "os_name = 'Linux'"),
    ]
    for (field, value), where in cases:
        answer = search(site, (field, value), ("_results_number", "0"))
        assert answer["total"] == count(site, where), (field, value)
        assert answer["total"] > 0, (field, value)
    both = search(site, ("product", "KillerApp"), ("product", "WaterWolf"), ("_results_number", "0"))
    assert both["total"] == count(site, "product IN ('KillerApp', 'WaterWolf')")


def test_facets_histograms_cardinality_and_paging(site: SiteServer) -> None:
    answer = search(
        site,
        ("product", "KillerApp"),
        ("_facets", "platform"),
        ("_facets", "signature"),
        ("_facets_size", "5"),
        ("_histogram.date", "version"),
        ("_cardinality.signature", ""),
        ("_columns", "uuid"),
        ("_columns", "signature"),
        ("_columns", "uptime"),
        ("_sort", "-uptime"),
        ("_results_number", "7"),
    )
    total = count(site, "product = 'KillerApp'")
    assert answer["total"] == total
    assert answer["errors"] == []
    platforms = answer["facets"]["platform"]
    assert sum(f["count"] for f in platforms) == total
    assert {f["term"] for f in platforms} <= {"Windows NT", "Mac OS X", "Linux"}
    assert len(answer["facets"]["signature"]) == 5
    counts = [f["count"] for f in answer["facets"]["signature"]]
    assert counts == sorted(counts, reverse=True)
    histogram = answer["facets"]["histogram_date"]
    assert [b["term"][:10] for b in histogram] == [d.isoformat() for d in site.data.days]
    assert sum(b["count"] for b in histogram) == total
    for bucket in histogram:
        assert sum(v["count"] for v in bucket["facets"]["version"]) <= bucket["count"]
    with site.connect() as conn:
        distinct = conn.execute(
            "SELECT count(DISTINCT signature) AS n FROM reports"
            " WHERE product = 'KillerApp' AND date_processed >= %s",
            (site.data.days[0],),
        ).fetchone()["n"]
    assert answer["facets"]["cardinality_signature"] == {"value": distinct}
    hits = answer["hits"]
    assert len(hits) == 7 and set(hits[0]) == {"uuid", "signature", "uptime"}
    assert [h["uptime"] for h in hits] == sorted((h["uptime"] for h in hits), reverse=True)
    page2 = search(
        site,
        ("product", "KillerApp"),
        ("_sort", "-uptime"),
        ("_columns", "uuid"),
        ("_results_number", "7"),
        ("_results_offset", "7"),
    )
    assert not {h["uuid"] for h in hits} & {h["uuid"] for h in page2["hits"]}


def test_document_fields_and_protected_values(site: SiteServer) -> None:
    answer = search(
        site,
        ("signature", "=" + NASTY_SIGNATURE),
        ("_columns", "uuid"),
        ("_columns", "app_notes"),
        ("_columns", "cpu_info"),
    )
    assert [h["uuid"] for h in answer["hits"]] == [site.data.nasty_id]
    raw_field = search(site, ("adapter_vendor_id", "0x8086"), ("_results_number", "0"))
    with site.connect() as conn:
        expected = conn.execute(
            "SELECT count(*) AS n FROM raw_crashes r JOIN reports p ON p.uuid = r.uuid::text"
            " WHERE r.raw_crash ->> 'AdapterVendorID' = '0x8086' AND p.date_processed >= %s",
            (site.data.days[0],),
        ).fetchone()["n"]
    assert raw_field["total"] == expected > 0


def test_the_date_range_defaults_to_7_days(site: SiteServer) -> None:
    response = site.get("/api/SuperSearch/?_results_number=0")
    with site.connect() as conn:
        expected = conn.execute(
            "SELECT count(*) AS n FROM reports WHERE date_processed >= now() - interval '7 days'"
        ).fetchone()["n"]
    assert response.json()["total"] == expected
    old = site.get("/api/SuperSearch/?date=>=2021-01-01&date=<2021-01-05&_results_number=0")
    assert old.json()["total"] == 0


def test_the_search_page_builds_permalinks_from_its_form(site: SiteServer) -> None:
    response = site.get(
        "/search/?form=1&field0=product&operator0=%3D&value0=KillerApp&field1=signature&operator1=~"
        "&value1=vector&_facets=platform"
    )
    assert response.status == 302
    location = response.headers["location"]
    assert (
        "product=%3DKillerApp" in location
        and "signature=~vector" in location
        and "_facets=platform" in location
    )
    page = site.get(location[location.index("/search/") :])
    assert page.status == 200 and "crashes" in page.text
