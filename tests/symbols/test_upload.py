"""Uploads into moto's S3 server and the database: buckets picked by the rules (and created in
their location), gzip-encoded objects, upload records, skipped identical files, refused
archives storing nothing, and late symbols queueing the crashes that lacked them."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pyapp.config import Config
from pyapp.db import Database
from pyapp.symbols.archive import ArchiveError
from pyapp.symbols.upload import SymbolStoreError, upload_symbols
from tests.clock import SuiteClock
from tests.support import scalar
from tests.symbols.conftest import (
    bucket_keys,
    debug_id,
    make_tar,
    make_zip,
    store_crash_lacking,
    sym_text,
    tree_name,
)

UTC = dt.UTC


def archive(tmp_path: Path, *modules: tuple[str, str], name: str = "syms.zip") -> Path:
    return make_zip(tmp_path / name, {tree_name(f, i): sym_text(f, i) for f, i in modules})


def test_an_upload_into_the_default_bucket(
    tmp_path: Path,
    make_config: Callable[..., Config],
    database: Database,
    s3_client: Any,
    conn: psycopg.Connection,
) -> None:
    config = make_config()
    bucket = config["SYMBOLS_BUCKET_DEFAULT_NAME"]
    assert bucket_keys(s3_client, bucket) == []
    path = archive(tmp_path, ("libfoo.so", debug_id(1)), ("bar.pdb", debug_id(2)))
    sent: list[int] = []
    totals: list[int] = []
    result = upload_symbols(
        config,
        database,
        user_email="someone@example.org",
        path=path,
        archive_name="my symbols.zip",
        on_total=totals.append,
        progress=sent.append,
    )
    # the bucket was created, in its configured location
    assert result.created_bucket and result.bucket == bucket and result.location == "us-west-2"
    assert s3_client.get_bucket_location(Bucket=bucket)["LocationConstraint"] == "us-west-2"
    keys = [f"v1/bar.pdb/{debug_id(2)}/bar.sym", f"v1/libfoo.so/{debug_id(1)}/libfoo.so.sym"]
    assert bucket_keys(s3_client, bucket) == keys
    # gzip-encoded objects holding the .sym text
    obj = s3_client.get_object(Bucket=bucket, Key=keys[1])
    assert obj["ContentEncoding"] == "gzip"
    body = obj["Body"].read()
    assert gzip.decompress(body) == sym_text("libfoo.so", debug_id(1))
    assert totals == [sum(f["stored_size"] for f in result.files)] and sum(sent) == totals[0]
    # the record
    row = conn.execute("SELECT * FROM symbols_uploads_list WHERE id = %s", (result.upload_id,)).fetchone()
    assert row["user_email"] == "someone@example.org" and row["archive_name"] == "my symbols.zip"
    assert row["archive_size"] == path.stat().st_size and row["bucket"] == bucket
    assert (row["file_count"], row["skipped_count"], row["stored_count"]) == (2, 0, 2)
    assert sorted(f["key"] for f in row["files"]) == keys
    stored = conn.execute(
        "SELECT debug_file, debug_id, filename, key, sha256, size, stored_size, upload_id FROM symbols_files"
        " ORDER BY key"
    ).fetchall()
    assert [s["key"] for s in stored] == keys
    assert stored[1]["stored_size"] == len(body) and stored[1]["upload_id"] == result.upload_id
    lookup = conn.execute(
        "SELECT * FROM symbols_file_lookup('libfoo.so', %s, 'libfoo.so.sym')", (debug_id(1).lower(),)
    ).fetchone()
    assert lookup["bucket"] == bucket and lookup["key"] == keys[1] and lookup["location"] == "us-west-2"


def test_identical_files_are_skipped_changed_ones_replaced(
    tmp_path: Path,
    make_config: Callable[..., Config],
    database: Database,
    s3_client: Any,
    conn: psycopg.Connection,
) -> None:
    config = make_config()
    first = upload_symbols(
        config, database, user_email="a@example.org", path=archive(tmp_path, ("libfoo.so", debug_id(1)))
    )
    assert first.stored == 1
    changed = sym_text("libbar.so", debug_id(2), body_lines=50)
    second_path = make_tar(
        tmp_path / "again.tar.gz",
        {
            tree_name("libfoo.so", debug_id(1)): sym_text("libfoo.so", debug_id(1)),
            tree_name("libbar.so", debug_id(2)): changed,
        },
    )
    second = upload_symbols(config, database, user_email="a@example.org", path=second_path)
    assert (second.stored, second.skipped) == (1, 1)
    assert [f["skipped"] for f in sorted(second.files, key=lambda f: f["key"])] == [False, True]
    row = conn.execute(
        "SELECT file_count, skipped_count FROM symbols_uploads WHERE id = %s", (second.upload_id,)
    )
    assert row.fetchone() == {"file_count": 2, "skipped_count": 1}
    # the skipped file still belongs to the first upload
    owner = scalar(conn, "SELECT upload_id FROM symbols_files WHERE debug_file = 'libfoo.so'")
    assert owner == first.upload_id
    # new content for the same module replaces the object and the row
    newer = sym_text("libfoo.so", debug_id(1), body_lines=99)
    third = upload_symbols(
        config,
        database,
        user_email="a@example.org",
        path=make_zip(tmp_path / "newer.zip", {tree_name("libfoo.so", debug_id(1)): newer}),
    )
    assert third.stored == 1
    bucket = config["SYMBOLS_BUCKET_DEFAULT_NAME"]
    obj = s3_client.get_object(Bucket=bucket, Key=f"v1/libfoo.so/{debug_id(1)}/libfoo.so.sym")
    assert gzip.decompress(obj["Body"].read()) == newer
    assert (
        scalar(conn, "SELECT upload_id FROM symbols_files WHERE debug_file = 'libfoo.so'") == third.upload_id
    )
    assert scalar(conn, "SELECT count(*) FROM symbols_files") == 2


def test_files_the_bucket_lost_are_stored_again(
    tmp_path: Path, make_config: Callable[..., Config], database: Database, s3_client: Any
) -> None:
    """The database says a file was stored, but the bucket lost it (emptied, or an object
    overwritten by other content): the upload asks the bucket (HEAD) and stores it again."""
    config = make_config()
    bucket = config["SYMBOLS_BUCKET_DEFAULT_NAME"]
    path = archive(tmp_path, ("libfoo.so", debug_id(1)), ("libbar.so", debug_id(2)))
    first = upload_symbols(config, database, user_email="a@example.org", path=path)
    assert first.stored == 2
    lost = f"v1/libfoo.so/{debug_id(1)}/libfoo.so.sym"
    s3_client.delete_object(Bucket=bucket, Key=lost)
    other = f"v1/libbar.so/{debug_id(2)}/libbar.so.sym"
    s3_client.put_object(Bucket=bucket, Key=other, Body=b"not the file", Metadata={"sha256": "0" * 64})
    again = upload_symbols(config, database, user_email="a@example.org", path=path)
    assert (again.stored, again.skipped) == (2, 0)
    obj = s3_client.get_object(Bucket=bucket, Key=lost)
    assert gzip.decompress(obj["Body"].read()) == sym_text("libfoo.so", debug_id(1))
    obj = s3_client.get_object(Bucket=bucket, Key=other)
    assert gzip.decompress(obj["Body"].read()) == sym_text("libbar.so", debug_id(2))
    # and with everything in place, a third upload skips both
    third = upload_symbols(config, database, user_email="a@example.org", path=path)
    assert (third.stored, third.skipped) == (0, 2)


def test_two_users_two_buckets(
    tmp_path: Path,
    make_config: Callable[..., Config],
    database: Database,
    s3_client: Any,
    conn: psycopg.Connection,
) -> None:
    config = make_config()
    exceptions = config["SYMBOLS_BUCKET_EXCEPTIONS"]
    biz_bucket = exceptions.split(",")[0].split(":")[1]
    dom_bucket = exceptions.split(",")[1].split(":")[1].split("|")[0]
    biz = upload_symbols(
        config, database, user_email="carol@example.biz", path=archive(tmp_path, ("libbiz.so", debug_id(3)))
    )
    dom = upload_symbols(
        config,
        database,
        user_email="dave@domain.net",
        path=archive(tmp_path, ("libdom.so", debug_id(4)), name="dom.zip"),
    )
    assert (biz.bucket, biz.location) == (biz_bucket, None)
    assert (dom.bucket, dom.location) == (dom_bucket, "eu-west-1")
    assert s3_client.get_bucket_location(Bucket=dom_bucket)["LocationConstraint"] == "eu-west-1"
    assert bucket_keys(s3_client, biz_bucket) == [f"v1/libbiz.so/{debug_id(3)}/libbiz.so.sym"]
    assert bucket_keys(s3_client, dom_bucket) == [f"v1/libdom.so/{debug_id(4)}/libdom.so.sym"]
    assert bucket_keys(s3_client, config["SYMBOLS_BUCKET_DEFAULT_NAME"]) == []
    rows = conn.execute("SELECT user_email, bucket FROM symbols_uploads ORDER BY id").fetchall()
    assert rows == [
        {"user_email": "carol@example.biz", "bucket": biz_bucket},
        {"user_email": "dave@domain.net", "bucket": dom_bucket},
    ]


def test_a_refused_archive_stores_nothing(
    tmp_path: Path,
    make_config: Callable[..., Config],
    database: Database,
    s3_client: Any,
    conn: psycopg.Connection,
) -> None:
    config = make_config()
    path = make_zip(
        tmp_path / "forged.zip",
        {
            tree_name("libok.so", debug_id(1)): sym_text("libok.so", debug_id(1)),
            tree_name("libfoo.so", debug_id(2)): sym_text("libc.so.6", debug_id(2)),
        },
    )
    with pytest.raises(ArchiveError) as info:
        upload_symbols(config, database, user_email="a@example.org", path=path)
    assert info.value.member == tree_name("libfoo.so", debug_id(2))
    assert bucket_keys(s3_client, config["SYMBOLS_BUCKET_DEFAULT_NAME"]) == []
    assert scalar(conn, "SELECT count(*) FROM symbols_uploads") == 0
    assert scalar(conn, "SELECT count(*) FROM symbols_files") == 0


def test_the_store_down_records_nothing(
    tmp_path: Path, make_config: Callable[..., Config], database: Database, conn: psycopg.Connection
) -> None:
    config = make_config(AWS_ENDPOINT_URL="http://127.0.0.1:9")
    with pytest.raises(SymbolStoreError, match="cannot be used or created"):
        upload_symbols(
            config, database, user_email="a@example.org", path=archive(tmp_path, ("x.so", debug_id(1)))
        )
    assert scalar(conn, "SELECT count(*) FROM symbols_uploads") == 0


def test_late_symbols_queue_the_crashes_that_lacked_them(
    tmp_path: Path, make_config: Callable[..., Config], database: Database, conn: psycopg.Connection
, clock: SuiteClock) -> None:
    now = clock.now()
    module = ("liblate.so", debug_id(7))
    recent = store_crash_lacking(conn, now - dt.timedelta(days=3), [module, ("libother.so", debug_id(8))])
    today = store_crash_lacking(conn, now - dt.timedelta(minutes=5), [module])
    old = store_crash_lacking(conn, now - dt.timedelta(days=20), [module])
    store_crash_lacking(conn, now - dt.timedelta(days=2), [("libother.so", debug_id(8))])
    store_crash_lacking(conn, now - dt.timedelta(days=2), [module], missing=False)
    report = conn.execute("SELECT debug_file, days_seen, uploaded FROM missing_symbols_report(30)").fetchall()
    assert {r["debug_file"]: r["days_seen"] for r in report} == {"liblate.so": 3, "libother.so": 2}

    result = upload_symbols(
        make_config(), database, user_email="a@example.org", path=archive(tmp_path, module)
    )
    assert result.reprocessed_crashes == 2
    queued = conn.execute("SELECT crash_id::text AS id, priority FROM processing_queue ORDER BY 1").fetchall()
    assert queued == sorted(
        [{"id": recent, "priority": 1}, {"id": today, "priority": 1}], key=lambda r: r["id"]
    )
    assert (
        scalar(conn, "SELECT reprocessed_crashes FROM symbols_uploads WHERE id = %s", (result.upload_id,))
        == 2
    )
    # the module is no longer listed as missing (unless asked)
    assert [r["debug_file"] for r in conn.execute("SELECT * FROM missing_symbols_report(30)")] == [
        "libother.so"
    ]
    uploaded = conn.execute("SELECT debug_file, uploaded FROM missing_symbols_report(30, true) ORDER BY 1")
    assert uploaded.fetchall() == [
        {"debug_file": "liblate.so", "uploaded": True},
        {"debug_file": "libother.so", "uploaded": False},
    ]

    # a longer window reaches the old crash; 0 days queues nothing
    conn.execute("DELETE FROM processing_queue")
    longer = upload_symbols(
        make_config(CRASHSTATS_SYMBOLS_REPROCESS_DAYS=30),
        database,
        user_email="a@example.org",
        path=archive(tmp_path, module, name="again.zip"),
    )
    assert longer.skipped == 1 and longer.reprocessed_crashes == 3
    assert old in [r["crash_id"] for r in conn.execute("SELECT crash_id::text FROM processing_queue")]
    conn.execute("DELETE FROM processing_queue")
    none = upload_symbols(
        make_config(CRASHSTATS_SYMBOLS_REPROCESS_DAYS=0),
        database,
        user_email="a@example.org",
        path=archive(tmp_path, module, name="zero.zip"),
    )
    assert none.reprocessed_crashes == 0 and scalar(conn, "SELECT count(*) FROM processing_queue") == 0


def test_reprocessing_function_arguments(conn: psycopg.Connection) -> None:
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="p_days must be 0 or more"):
        conn.execute("SELECT queue_reprocessing_for_symbols('[]', -1)")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="JSON array"):
        conn.execute("""SELECT queue_reprocessing_for_symbols('{"a": 1}', 14)""")
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="between 1 and 366"):
        conn.execute("SELECT * FROM missing_symbols_report(0)")
    with pytest.raises(psycopg.errors.NullValueNotAllowed, match="e-mail is required"):
        conn.execute("SELECT * FROM save_symbols_upload('', 'a.zip', 1, 'b', NULL, '[]')")
