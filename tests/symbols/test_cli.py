"""`crashstats symbols upload` and `symbols missing` as a user runs them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

import psycopg

from tests.clock import SuiteClock
from tests.processor.conftest import cli_env, crashstats
from tests.support import scalar
from tests.symbols.conftest import bucket_keys, debug_id, make_zip, store_crash_lacking, sym_text, tree_name


def test_upload_several_files_one_refused(
    tmp_path: Path, settings: dict[str, str], s3_client: Any, conn: psycopg.Connection
) -> None:
    good = make_zip(
        tmp_path / "good.zip", {tree_name("libcli.so", debug_id(1)): sym_text("libcli.so", debug_id(1))}
    )
    bad = make_zip(tmp_path / "bad.zip", {"../evil.sym": sym_text()})
    flat = tmp_path / "single.sym"
    flat.write_bytes(sym_text("libflat.so", debug_id(2)))
    done = crashstats(
        "symbols", "upload", str(good), str(bad), str(flat), "--user", "me@example.org", env=cli_env(settings)
    )
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"{good}: upload ") and "1 files into bucket" in lines[0]
    assert lines[1] == f"{bad}: refused, nothing stored: ../evil.sym: '..' is not allowed in names (zip slip)"
    assert lines[2].startswith(f"{flat}: upload ")
    assert bucket_keys(s3_client, settings["SYMBOLS_BUCKET_DEFAULT_NAME"]) == [
        f"v1/libcli.so/{debug_id(1)}/libcli.so.sym",
        f"v1/libflat.so/{debug_id(2)}/libflat.so.sym",
    ]
    assert scalar(conn, "SELECT count(*) FROM symbols_uploads WHERE user_email = 'me@example.org'") == 2


def test_settings_errors_are_one_line(
    tmp_path: Path, settings: dict[str, str], conn: psycopg.Connection
) -> None:
    good = make_zip(
        tmp_path / "good.zip", {tree_name("libcli.so", debug_id(1)): sym_text("libcli.so", debug_id(1))}
    )
    env = cli_env({k: v for k, v in settings.items() if k != "AWS_SECRET_ACCESS_KEY"})
    done = crashstats("symbols", "upload", str(good), "--user", "me@example.org", env=env)
    assert done.returncode == 78 and "Traceback" not in done.stderr
    assert "AWS_SECRET_ACCESS_KEY is empty" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    env = cli_env({k: v for k, v in settings.items() if k != "SYMBOLS_BUCKET_DEFAULT_NAME"})
    done = crashstats("symbols", "upload", str(good), "--user", "me@example.org", env=env)
    assert done.returncode == 78 and "SYMBOLS_BUCKET_DEFAULT_NAME is not set" in done.stderr
    done = crashstats("symbols", "upload", str(good), "--user", "not-an-email", env=cli_env(settings))
    assert done.returncode == 2 and "is not an e-mail address" in done.stderr
    done = crashstats(
        "symbols", "upload", str(tmp_path / "nope.zip"), "--user", "a@b.c", env=cli_env(settings)
    )
    assert done.returncode == 2 and "no such file" in done.stderr
    assert scalar(conn, "SELECT count(*) FROM symbols_uploads") == 0


def test_missing_as_csv(settings: dict[str, str], conn: psycopg.Connection, clock: SuiteClock) -> None:
    store_crash_lacking(conn, clock.now() - dt.timedelta(days=1), [("libgone.so", debug_id(4))])
    done = crashstats("symbols", "missing", "--days", "3", env=cli_env(settings))
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["debug_file"], r["debug_id"], r["days_seen"]) for r in rows] == [
        ("libgone.so", debug_id(4), "1")
    ]


def test_missing_csv_cells_are_never_formulas(
    settings: dict[str, str], conn: psycopg.Connection, clock: SuiteClock
) -> None:
    """Module names come from crash reports: one that a spreadsheet would run as a formula is
    written with a leading ' (as the site's CSVs are)."""
    formula = '=HYPERLINK("http://evil.example","x")'
    store_crash_lacking(
        conn, clock.now() - dt.timedelta(days=1), [(formula, debug_id(5)), ("@SUM(A1)", debug_id(6))]
    )
    done = crashstats("symbols", "missing", "--days", "3", env=cli_env(settings))
    assert done.returncode == 0, done.stderr
    rows = {r["debug_id"]: r for r in csv.DictReader(io.StringIO(done.stdout))}
    assert rows[debug_id(5)]["debug_file"] == "'" + formula
    assert rows[debug_id(5)]["code_file"] == "'" + formula
    assert rows[debug_id(6)]["debug_file"] == "'@SUM(A1)"
    assert rows[debug_id(5)]["days_seen"] == "1"  # numbers stay numbers
    for row in rows.values():
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values()), row
