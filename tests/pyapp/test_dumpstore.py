"""The dump store: filesystem radix layout (atomic, durable) and S3 (moto's server)."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest

from pyapp.config import load_config
from pyapp.crashid import create_crash_id
from pyapp.dumpstore import (
    MAIN_DUMP,
    DumpNotFound,
    DumpStoreError,
    FSDumpStore,
    S3DumpStore,
    open_dump_store,
    sanitize_dump_name,
)

CRASH_ID = "de1bb258-cbbf-4589-a673-34f802160918"


def test_radix_layout_and_round_trip(tmp_path: Path) -> None:
    store = FSDumpStore(tmp_path)
    spool = store.spool()
    spool.write(b"MDMP main")
    store.save_dumps(
        "bp-" + CRASH_ID,
        {MAIN_DUMP: spool, "upload_file_minidump_browser": b"browser", "memory_report": io.BytesIO(b"mem")},
    )
    directory = tmp_path / "20160918" / "name" / "de" / "1b"
    assert sorted(p.name for p in directory.iterdir()) == [
        f"{CRASH_ID}.dump",
        f"{CRASH_ID}.memory_report.dump",
        f"{CRASH_ID}.upload_file_minidump_browser.dump",
    ]
    assert store.get_dump(CRASH_ID) == b"MDMP main"
    assert store.get_dump(CRASH_ID, "memory_report") == b"mem"
    assert store.dump_names(CRASH_ID) == ["memory_report", MAIN_DUMP, "upload_file_minidump_browser"]
    assert list((tmp_path / FSDumpStore.SPOOL_DIR).iterdir()) == []  # the spool file was renamed
    store.delete_dumps(CRASH_ID, ["memory_report"])
    assert store.dump_names(CRASH_ID) == [MAIN_DUMP, "upload_file_minidump_browser"]
    store.delete_dumps(CRASH_ID)
    assert store.dump_names(CRASH_ID) == []
    with pytest.raises(DumpNotFound):
        store.get_dump(CRASH_ID)


def test_no_half_written_dumps_on_failure(tmp_path: Path) -> None:
    store = FSDumpStore(tmp_path)
    crash_id = create_crash_id()

    class Exploding(io.BytesIO):
        def read(self, *args):
            raise OSError(28, "No space left on device")

    spool = store.spool()
    spool.write(b"main")
    with pytest.raises(DumpStoreError, match="No space left"):
        store.save_dumps(crash_id, {MAIN_DUMP: spool, "upload_file_minidump_x": Exploding(b"x")})
    assert store.dump_names(crash_id) == []
    leftovers = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert leftovers == []  # no temp file, no renamed dump, no spool file


def test_a_file_in_the_way_is_a_store_error(tmp_path: Path) -> None:
    store = FSDumpStore(tmp_path)
    crash_id = create_crash_id()
    (tmp_path / f"20{crash_id[-6:]}").write_text("in the way")
    with pytest.raises(DumpStoreError):
        store.save_dumps(crash_id, {MAIN_DUMP: b"x"})


def test_concurrent_first_writes_of_a_day(tmp_path: Path) -> None:
    store = FSDumpStore(tmp_path / "new-root")
    ids = [create_crash_id() for _ in range(64)]
    barrier = threading.Barrier(16)
    errors: list[Exception] = []

    def work(chunk: list[str]) -> None:
        barrier.wait()
        for crash_id in chunk:
            try:
                store.save_dumps(crash_id, {MAIN_DUMP: crash_id.encode()})
            except Exception as exc:
                errors.append(exc)

    threads = [threading.Thread(target=work, args=(ids[i::16],)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(store.get_dump(i) == i.encode() for i in ids)


@pytest.mark.parametrize("name", ["", "../", "dump_names", "raw_crash", "processed_crash", "a" * 101, "***"])
def test_bad_dump_names(name: str) -> None:
    with pytest.raises(ValueError):
        sanitize_dump_name(name)


def test_names_are_sanitised() -> None:
    assert sanitize_dump_name("upload_file_minidump_flash 1") == "upload_file_minidump_flash1"
    assert sanitize_dump_name("memory-report.json.gz") == "memory-reportjsongz"


def test_ids_and_names_are_checked(tmp_path: Path) -> None:
    store = FSDumpStore(tmp_path)
    with pytest.raises(ValueError):
        store.save_dumps("../../etc/passwd", {MAIN_DUMP: b"x"})
    with pytest.raises(ValueError):
        store.save_dumps(CRASH_ID, {"../x": b"x"})
    with pytest.raises(ValueError):
        store.get_dump(CRASH_ID, "a/b")


def test_configuration(tmp_path: Path) -> None:
    store = open_dump_store(load_config({"CRASHSTATS_VAR_DIR": str(tmp_path)}))
    assert isinstance(store, FSDumpStore) and store.root == tmp_path / "crashes"
    store = open_dump_store(load_config({"filesystem__fs_root": str(tmp_path / "x")}))
    assert store.root == tmp_path / "x"
    from pyapp.errors import ConfigError

    with pytest.raises(ConfigError, match="CRASHSTATS_DUMP_S3_BUCKET"):
        open_dump_store(load_config({"CRASHSTATS_DUMP_STORE": "s3"}))
    with pytest.raises(ConfigError, match="CRASHSTATS_DUMP_STORE"):
        load_config({"CRASHSTATS_DUMP_STORE": "ftp"})


def test_s3_store_against_moto(s3_env, s3_client, bucket) -> None:
    config = load_config(
        {
            **os.environ,
            "CRASHSTATS_DUMP_STORE": "s3",
            "CRASHSTATS_DUMP_S3_BUCKET": bucket,
            "CRASHSTATS_DUMP_S3_PREFIX": "/dev/",
        }
    )
    store = open_dump_store(config)
    assert isinstance(store, S3DumpStore)
    store.check()
    spool = store.spool()
    spool.write(b"MDMP" * 1000)
    store.save_dumps(CRASH_ID, {MAIN_DUMP: spool, "upload_file_minidump_content": b"content"})
    keys = sorted(o["Key"] for o in s3_client.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == [
        f"dev/v1/dump_names/{CRASH_ID}",
        f"dev/v1/upload_file_minidump/{CRASH_ID}",
        f"dev/v1/upload_file_minidump_content/{CRASH_ID}",
    ]
    assert store.get_dump(CRASH_ID) == b"MDMP" * 1000
    assert store.dump_names(CRASH_ID) == [MAIN_DUMP, "upload_file_minidump_content"]
    store.save_dumps(CRASH_ID, {"memory_report": b"m"})  # a later dump joins the list
    assert store.dump_names(CRASH_ID) == ["memory_report", MAIN_DUMP, "upload_file_minidump_content"]
    store.delete_dumps(CRASH_ID, ["memory_report"])
    assert store.dump_names(CRASH_ID) == [MAIN_DUMP, "upload_file_minidump_content"]
    store.delete_dumps(CRASH_ID)
    assert store.dump_names(CRASH_ID) == []
    assert s3_client.list_objects_v2(Bucket=bucket).get("Contents", []) == []
    with pytest.raises(DumpNotFound):
        store.get_dump(CRASH_ID)


def test_s3_store_failure(s3_env, s3_client) -> None:
    store = S3DumpStore("no-such-bucket-here", client=s3_client)
    with pytest.raises(DumpStoreError):
        store.check()
    with pytest.raises(DumpStoreError):
        store.save_dumps(CRASH_ID, {MAIN_DUMP: b"x"})
