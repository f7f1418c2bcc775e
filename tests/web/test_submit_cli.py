"""``crashstats submit`` and ``crashstats serve`` as a user runs them, against a real collector."""

from __future__ import annotations

import json
import os
import random
import shutil
from pathlib import Path

import pytest

from pyapp.crashid import create_crash_id
from pyapp.dumpstore import MAIN_DUMP
from tests.pyapp.test_cli import assert_one_line_error, run
from tests.web.conftest import fake_dump


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRASHSTATS_", "DATABASE_"))}
    env["CRASHSTATS_VAR_DIR"] = str(tmp_path / "var")
    return env


def test_submit_a_dump_with_annotations(start_collector, cli_env, tmp_path: Path) -> None:
    server = start_collector()
    dump = tmp_path / "crash.dmp"
    dump.write_bytes(fake_dump(random.Random(1), 50_000))
    extra = tmp_path / "browser.dmp"
    extra.write_bytes(b"MDMP browser")
    ids = []
    for flags in ([], ["--gzip"], ["--gzip", "--chunked"]):
        proc = run(
            "submit",
            "--url",
            server.url,
            "--dump",
            str(dump),
            "--extra-dump",
            f"upload_file_minidump_browser={extra}",
            "-a",
            "ProductName=KillerApp",
            "--annotation",
            "Version=1.0",
            "-a",
            "Notes=a=b",
            "-a",
            f"Transport={' '.join(flags) or 'plain'}",  # the same report again would be one crash
            *flags,
            env=cli_env,
        )
        assert proc.returncode == 0, proc.stderr
        line = proc.stdout.strip()
        assert line.startswith("CrashID=bp-")
        crash_id = line[len("CrashID=bp-") :]
        ids.append(crash_id)
        raw = server.raw_crash(crash_id)
        assert (raw["ProductName"], raw["Version"], raw["Notes"]) == ("KillerApp", "1.0", "a=b")
        assert raw["metadata"]["payload_compressed"] == ("1" if flags else "0")
        assert server.store.get_dump(crash_id) == dump.read_bytes()
        assert server.store.get_dump(crash_id, "upload_file_minidump_browser") == b"MDMP browser"
    assert len(set(ids)) == 3


def test_resubmit_stored_raw_crashes_from_a_directory(start_collector, cli_env, tmp_path: Path) -> None:
    server = start_collector(CRASHSTATS_COLLECTOR_TOKENS="t0ken")
    source = tmp_path / "export" / "20261128" / "name" / "ab"
    source.mkdir(parents=True)
    ids = [create_crash_id() for _ in range(3)]
    for n, crash_id in enumerate(ids):
        raw = {
            "ProductName": "KillerApp",
            "Version": f"1.{n}",
            "TelemetryEnvironment": {"nested": [n]},
            "uuid": crash_id,
            "submitted_timestamp": "2012-04-08T10:52:42+00:00",
            "legacy_processing": 1,
            "throttle_rate": 10,
            "metadata": {"collector_notes": ["old"]},
        }
        (source / f"{crash_id}.json").write_text(json.dumps(raw))
        (source / f"{crash_id}.dump").write_bytes(f"MDMP {n}".encode())
        (source / f"{crash_id}.upload_file_minidump_content.dump").write_bytes(b"content")
    (source / "notes.json").write_text("{}")  # not a crash: skipped
    shutil.copy(source / f"{ids[0]}.json", source / f"{create_crash_id()}.json")  # no dump: refused

    proc = run("submit", "--url", server.url, "--from-dir", str(tmp_path / "export"), env=cli_env)
    assert proc.returncode == 1, proc.stderr  # one crash had no dump
    assert "3 crashes acknowledged, 1 not" in proc.stdout
    assert "Discarded=malformed_no_dump" in proc.stdout
    stored = server.stored_ids()
    assert len(stored) == 3 and not stored & set(ids)  # new crash IDs
    versions = {server.raw_crash(i)["Version"] for i in stored}
    assert versions == {"1.0", "1.1", "1.2"}
    one = server.raw_crash(next(iter(stored)))
    assert one["TelemetryEnvironment"]["nested"] in ([0], [1], [2])  # types survive (JSON extra part)
    assert one["metadata"]["collector_notes"] == []  # the collector's own fields were set anew
    assert (
        one["submitted_timestamp"].startswith("20")
        and one["submitted_timestamp"] != "2012-04-08T10:52:42+00:00"
    )

    proc = run(
        "submit",
        "--url",
        server.url,
        "--from-dir",
        str(tmp_path / "export"),
        "--keep-ids",
        "--token",
        "t0ken",
        env=cli_env,
    )
    assert "3 crashes acknowledged" in proc.stdout
    assert set(ids) <= server.stored_ids()
    assert server.store.get_dump(ids[2]) == b"MDMP 2"
    assert server.store.dump_names(ids[2]) == [MAIN_DUMP, "upload_file_minidump_content"]


def test_submit_errors_are_one_line(start_collector, cli_env, tmp_path: Path) -> None:
    server = start_collector()
    dump = tmp_path / "d.dmp"
    dump.write_bytes(b"MDMP")
    assert_one_line_error(run("submit", "--url", server.url, env=cli_env), 2, "--dump")
    assert_one_line_error(
        run("submit", "--url", server.url, "--dump", str(tmp_path / "missing"), env=cli_env), 2, "missing"
    )
    assert_one_line_error(
        run("submit", "--url", server.url, "--dump", str(dump), "-a", "novalue", env=cli_env), 2, "KEY=VALUE"
    )
    assert_one_line_error(
        run("submit", "--url", "ftp://x/submit", "--dump", str(dump), env=cli_env), 2, "http://"
    )
    proc = run("submit", "--url", server.url, "--dump", str(dump), env=cli_env)  # no annotations
    assert_one_line_error(proc, 1, "HTTP 400", "malformed_no_annotations")
    assert proc.stdout.strip() == "Discarded=malformed_no_annotations"
    closed = f"http://127.0.0.1:{server.port + 1 if server.port < 65535 else 1}/submit"
    assert_one_line_error(
        run("submit", "--url", closed, "--dump", str(dump), "-a", "A=1", env=cli_env), 1, "cannot send"
    )


def test_serve_refuses_bad_configuration(cli_env, tmp_path: Path) -> None:
    proc = run("serve", "--collector-only", env={**cli_env, "DATABASE_URL": "postgresql://x@127.0.0.1:1/x",
                                                  "CRASHSTATS_THROTTLE_RULES": "nonsense"})  # fmt: skip
    assert_one_line_error(proc, 78, "CRASHSTATS_THROTTLE_RULES")
    assert_one_line_error(run("serve", "--collector-only", env=cli_env), 78, "no database configured")
    blocked = tmp_path / "file"
    blocked.write_text("x")
    proc = run(
        "serve",
        "--collector-only",
        env={**cli_env, "DATABASE_URL": "postgresql://x@127.0.0.1:1/x", "filesystem__fs_root": str(blocked)},
    )
    assert_one_line_error(proc, 1, "dump store")
    proc = run("serve", "--workers", "0", env={**cli_env, "DATABASE_URL": "postgresql://x@127.0.0.1:1/x"})
    assert_one_line_error(proc, 2, "--workers")
