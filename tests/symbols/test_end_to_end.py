"""End to end, every part real: gcc -g builds crashme, dump_syms (the stackwalker's wheel) makes
its .sym, the real Crashpad client crashes it and uploads the dump to our collector, the
processor stackwalks it with our symbol server as its only symbol source; before the upload the
frames are crashme@0x... and the module is in missing symbols; `crashstats symbols upload` puts
the .sym into moto's S3 and queues the crash again (late symbols); the processor's second pass
gives crash_here / middle_function / main with file and line on the crash page."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pyapp.processor.stackwalker import find_dump_syms
from tests.crashpad_fixtures import crash_and_upload
from tests.processor.conftest import cli_env, crashstats
from tests.support import scalar
from tests.symbols.conftest import SiteServer, fetch, make_zip

pytestmark = pytest.mark.slow


def frames_of(page: bytes) -> list[tuple[str, str, str]]:
    """(module, function or offset, file:line) of the crashing thread's frame rows."""
    html = page.decode()
    rows = re.findall(
        r'<tr><td class="number">\d+</td><td>([^<]*)</td><td>([^<]*)</td>\s*<td>([^<]*)</td>', html
    )
    return [(m, f, loc) for m, f, loc in rows]


def test_symbols_end_to_end(
    crashme: Path,
    tmp_path: Path,
    start_site: Callable[..., SiteServer],
    settings: dict[str, str],
    conn: psycopg.Connection,
) -> None:
    site = start_site()
    # 1. crash under the real Crashpad client, uploaded to our collector
    crash_and_upload(
        crashme, tmp_path / "crashpad", site.url + "/submit", {"ProductName": "CrashMe", "Version": "1.0"}
    )
    crash_id = str(scalar(conn, "SELECT crash_id FROM processing_queue"))

    # 2. the processor, whose only symbol source is our symbol server
    env = cli_env(
        settings,
        filesystem__fs_root=str(tmp_path / "crashes"),
        CRASHSTATS_SYMBOLS_URLS=site.url + "/symbols/",
        CRASHSTATS_SYMBOLS_CACHE=str(tmp_path / "symbols-cache"),
    )
    first = crashstats("processor", "--once", env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    before = fetch(site.url + f"/report/index/{crash_id}")
    assert before.status == 200
    frames = frames_of(before.body)
    # unsymbolicated: module and offset only (crashme@0x...), no file or line
    assert frames and all(f.startswith("0x") and loc == "" for m, f, loc in frames if m == "crashme")
    assert f"{frames[0][0]}@{frames[0][1]}".startswith("crashme@0x"), frames
    assert scalar(conn, "SELECT signature FROM reports WHERE uuid = %s", (crash_id,)) == "crashme"

    # the module is listed as missing, with the debug id dump_syms gives it
    text = subprocess.run([find_dump_syms(), str(crashme)], capture_output=True, text=True, check=True).stdout
    _, _, _, debug_id, debug_file = text.splitlines()[0].split()
    missing = fetch(site.url + "/missingsymbols.csv")
    rows = list(csv.DictReader(io.StringIO(missing.body.decode())))
    assert {"debug_file": "crashme", "debug_id": debug_id} in [
        {"debug_file": r["debug_file"], "debug_id": r["debug_id"]} for r in rows
    ]
    assert fetch(site.url + f"/symbols/{debug_file}/{debug_id}/{debug_file}.sym").status == 404

    # 3. upload the .sym: stored in S3, the crash queued again at reprocessing priority
    archive = make_zip(
        tmp_path / "crashme-symbols.zip", {f"{debug_file}/{debug_id}/{debug_file}.sym": text.encode()}
    )
    upload = crashstats(
        "symbols", "upload", str(archive), "--user", "dev@example.org", "--no-progress", env=env
    )
    assert upload.returncode == 0, upload.stdout + upload.stderr
    assert upload.stdout.strip().endswith("1 crashes queued for reprocessing"), upload.stdout
    queued = conn.execute("SELECT crash_id::text AS id, priority FROM processing_queue").fetchall()
    assert queued == [{"id": crash_id, "priority": 1}]
    assert fetch(site.url + f"/symbols/{debug_file}/{debug_id}/{debug_file}.sym").status == 302

    # 4. the processor again: a symbolicated stack
    second = crashstats("processor", "--once", env=env)
    assert second.returncode == 0, second.stdout + second.stderr
    after = fetch(site.url + f"/report/index/{crash_id}")
    assert after.status == 200
    frames = frames_of(after.body)
    named = [(f, loc) for m, f, loc in frames if m == "crashme"]
    assert [f for f, _ in named[:3]] == ["crash_here", "middle_function", "main"], frames
    for _, location in named[:3]:
        assert re.fullmatch(r".*crashme_exe\.c:\d+", location), location
    assert scalar(conn, "SELECT signature FROM reports WHERE uuid = %s", (crash_id,)) == "crash_here"
    assert b"crash_here" in after.body
    # crashme is no longer missing
    rows = list(csv.DictReader(io.StringIO(fetch(site.url + "/missingsymbols.csv").body.decode())))
    assert "crashme" not in [r["debug_file"] for r in rows]
