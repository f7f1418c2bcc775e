"""memcached in front of the pages: hits, the generation bump by a report job, memcached
killed while the site runs."""

from __future__ import annotations

import os
import subprocess
import sys

from pyapp.schema import ROOT
from tests.site.conftest import SiteServer


def crontabber(site: SiteServer, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_"))}
    env["DATABASE_URL"] = site.data.url
    env["CRASHSTATS_VAR_DIR"] = str(site.log_path.parent / "var")
    return subprocess.run(
        [sys.executable, "-m", "pyapp.cli.main", "crontabber", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_pages_and_answers_are_cached(site: SiteServer) -> None:
    path = f"/topcrasher/products/{site.data.top_product}/versions/{site.data.top_version}?days=14"
    first = site.get(path)
    second = site.get(path)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert first.body == second.body
    assert second.headers["content-type"] == "text/html; charset=utf-8"
    as_json = [site.get(path.replace("?", ".json?")) for _ in range(2)]
    assert [r.headers["x-cache"] for r in as_json] == ["MISS", "HIT"]
    assert as_json[1].headers["content-type"] == "application/json"
    same = site.get(path + "&format=json")  # ?format=json is the same answer as .json
    assert (same.headers["x-cache"], same.body) == ("HIT", as_json[0].body)
    assert site.get("/report/index/" + site.data.pending_id).headers["x-cache"] == "MISS"  # never cached


def test_a_report_job_shows_new_data_at_once(site: SiteServer) -> None:
    day = site.data.days[-1]
    path = f"/home/products/KillerApp.json?end_date={day}&days=3"
    before = site.get(path)
    assert site.get(path).headers["x-cache"] == "HIT"
    with site.connect() as conn:
        conn.execute(
            "UPDATE home_page_graph SET report_count = 987654 WHERE report_date = %s AND product_version_id ="
            " (SELECT product_version_id FROM product_versions WHERE product_name = 'KillerApp'"
            " AND version_string = %s)",
            (day, before.json()["versions"][-1]),
        )
        generation = conn.execute("SELECT current_cache_generation() AS g").fetchone()["g"]
    stale = site.get(path)
    assert stale.headers["x-cache"] == "HIT" and b"987654" not in stale.body
    done = crontabber(site, "--job", "product-versions-matview", "--force")
    assert done.returncode == 0, done.stdout + done.stderr
    with site.connect() as conn:
        assert conn.execute("SELECT current_cache_generation() AS g").fetchone()["g"] == generation + 1
    fresh = site.get(path)
    assert fresh.headers["x-cache"] == "MISS"
    assert 987654 in [row["report_count"] for row in fresh.json()["rows"]]


def test_memcached_killed_pages_still_served(site: SiteServer) -> None:
    path = f"/daily?p={site.data.top_product}"
    assert site.get(path).status == 200
    site.memcached.kill()
    try:
        for _ in range(3):
            response = site.get(path)
            assert response.status == 200
            assert response.headers["x-cache"] == "MISS"
        assert site.get("/home/products/KillerApp.json").status == 200
        assert "memcached unavailable" in site.log()
    finally:
        site.memcached.start()
