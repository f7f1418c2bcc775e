"""Mozilla's own client, crashstats-tools (PyPI), against our running site, unchanged: its
``supersearch``, ``supersearchfacet``, ``fetch-data`` and ``reprocess`` commands with ``--host``
and ``CRASHSTATS_API_TOKEN``; their output is checked against our own API and database."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import psycopg

from pyapp.demo.model import PII_MARKER
from pyapp.submitter import encode_multipart
from tests.auth_fixtures import create_token, create_user
from tests.site.conftest import SECRET_EMAIL, SiteServer
from tests.web.conftest import make_crash

BIN = Path(sys.executable).parent


def tool(
    name: str, *args: str, token: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRASHSTATS_")}
    env["NO_COLOR"] = "1"
    if token:
        env["CRASHSTATS_API_TOKEN"] = token
    result = subprocess.run(
        [str(BIN / name), *args, "--no-dotenv"], env=env, capture_output=True, text=True, cwd=cwd, timeout=300
    )
    return result


def test_supersearch_and_supersearchfacet(site: SiteServer) -> None:
    day0 = site.data.days[0].isoformat()
    found = tool(
        "supersearch",
        "--host",
        site.base,
        "--product=KillerApp",
        f"--date=>={day0}",
        "--_columns=uuid",
        "--_columns=version",
        "--num=7",
        "--format=tab",
        "--no-headers",
    )
    assert found.returncode == 0, found.stderr
    lines = [line.split("\t") for line in found.stdout.strip().splitlines()]
    assert len(lines) == 7
    ours = site.get(
        f"/api/SuperSearch/?product=KillerApp&date=%3E%3D{day0}&_columns=uuid&_results_number=7&_sort=-date"
    ).json()
    assert {row[0] for row in lines} <= {
        h["uuid"]
        for h in site.get(
            f"/api/SuperSearch/?product=KillerApp&date=%3E%3D{day0}&_columns=uuid&_results_number=1000"
        ).json()["hits"]
    }
    assert ours["total"] > 7
    # "all" pages through every hit, 1000 at a time
    everything = tool(
        "supersearch",
        "--host",
        site.base,
        "--product=Thunderbolt",
        f"--date=>={day0}",
        "--num=all",
        "--format=tab",
        "--no-headers",
    )
    assert everything.returncode == 0, everything.stderr
    total = site.get(f"/api/SuperSearch/?product=Thunderbolt&date=%3E%3D{day0}&_results_number=0").json()[
        "total"
    ]
    assert len(everything.stdout.strip().splitlines()) == total > 0
    facets = tool(
        "supersearchfacet",
        "--host",
        site.base,
        "--product=KillerApp",
        "--_facets=platform",
        f"--start-date={day0}",
        f"--end-date={site.data.days[-1].isoformat()}",
        "--relative-range=3d",
        "--format=json",
    )
    assert facets.returncode == 0, facets.stderr
    data = json.loads(facets.stdout)
    assert "platform" in data
    counts = {
        row["platform"]: row["count"] for row in data["platform"] if row["platform"] not in ("total", "--")
    }
    assert counts and all(isinstance(c, int) and c > 0 for c in counts.values())


def test_fetch_data_and_reprocess(site: SiteServer, tmp_path: Path) -> None:
    crash = make_crash(random.Random(9), dump_size=3000)
    body, ctype = encode_multipart(crash)
    submitted = site.get("/submit", method="POST", body=body, headers={"Content-Type": ctype})
    crash_id = submitted.text.strip()[len("CrashID=bp-") :]
    reader = create_user(site.data.url, permissions=["view_rawdump", "view_pii", "reprocess_crashes"])
    token = create_token(site.data.url, reader, ["view_rawdump", "view_pii", "reprocess_crashes"])
    out = tmp_path / "out"
    fetched = tool(
        "fetch-data",
        "--host",
        site.base,
        "--raw",
        "--dumps",
        "--no-processed",
        str(out),
        crash_id,
        token=token,
    )
    assert fetched.returncode == 0, fetched.stdout + fetched.stderr
    raw = json.loads((out / "raw_crash" / ("20" + crash_id[-6:]) / crash_id).read_text())
    assert raw["ProductName"] == "KillerApp" and raw["uuid"] == crash_id
    assert json.loads((out / "dump_names" / crash_id).read_text()) == ["upload_file_minidump"]
    assert (out / "upload_file_minidump" / crash_id).read_bytes() == crash.dumps["upload_file_minidump"]
    # anonymous: no dumps (403), processed crash without private data
    anonymous = tool(
        "fetch-data",
        "--host",
        site.base,
        "--no-raw",
        "--processed",
        str(tmp_path / "anon"),
        site.data.nasty_id,
    )
    assert anonymous.returncode == 0, anonymous.stderr
    processed = (tmp_path / "anon" / "processed_crash" / site.data.nasty_id).read_text()
    assert SECRET_EMAIL not in processed and PII_MARKER not in processed and '"signature"' in processed
    private = tool(
        "fetch-data",
        "--host",
        site.base,
        "--no-raw",
        "--processed",
        str(tmp_path / "pii"),
        site.data.nasty_id,
        token=token,
    )
    assert private.returncode == 0
    assert SECRET_EMAIL in (tmp_path / "pii" / "processed_crash" / site.data.nasty_id).read_text()
    pii_only = create_token(site.data.url, reader, ["view_pii"])
    nodump = tool(
        "fetch-data",
        "--host",
        site.base,
        "--raw",
        "--dumps",
        str(tmp_path / "nodump"),
        crash_id,
        token=pii_only,
    )
    assert not (tmp_path / "nodump" / "upload_file_minidump" / crash_id).exists()
    assert "403" in nodump.stdout + nodump.stderr
    # reprocess: queued at reprocessing priority
    with psycopg.connect(site.data.url, autocommit=True) as conn:
        conn.execute("DELETE FROM processing_queue WHERE crash_id = %s", (site.data.nasty_id,))
    again = tool(
        "reprocess", "--host", site.base, "--allow-many", "--sleep", "0", site.data.nasty_id, token=token
    )
    assert again.returncode == 0, again.stdout + again.stderr
    with psycopg.connect(site.data.url) as conn:
        queued = conn.execute(
            "SELECT priority FROM processing_queue WHERE crash_id = %s", (site.data.nasty_id,)
        ).fetchone()
    assert queued is not None and queued[0] == 1
    refused = tool(
        "reprocess",
        "--host",
        site.base,
        "--allow-many",
        "--sleep",
        "0",
        site.data.nasty_id,
        token=create_token(site.data.url, create_user(site.data.url)),
    )
    assert refused.returncode != 0 or "403" in refused.stdout + refused.stderr
