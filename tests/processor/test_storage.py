"""The crash stores of the seed's processor.conf: PostgreSQL always, then the filesystem
(FSPermanentStorage layout), S3 (moto's server) and Elasticsearch (a local server speaking its
API, and a real one when ELASTICSEARCH_URL is set); a failing optional store loses nothing and
``crashstats processor --retry-failed`` sends again what it refused."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import random
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pyapp.dumpstore import FSDumpStore
from tests.clock import CLOCK
from tests.fake_elasticsearch import FakeElasticsearch
from tests.processor import synthetic
from tests.processor.conftest import cli_env, crashstats, save_raw
from tests.support import scalar

UTC = dt.UTC
POSTGRES = "socorro.external.postgresql.crashstorage.PostgreSQLCrashStorage"
ES = "socorro.external.es.crashstorage.ESCrashStorage"
FS = "socorro.external.fs.crashstorage.FSPermanentStorage"
S3 = "socorro.external.boto.crashstorage.BotoS3CrashStorage"

#: the seed's processor.conf, verbatim
SEED = {
    "processor__processor_class": "socorro.processor.mozilla_processor_2015.MozillaProcessorAlgorithm2015",
    "destination__crashstorage_class": "socorro.external.crashstorage_base.PolyCrashStorage",
    "destination__storage_classes": f"{POSTGRES}, {ES}, {FS}",
    "destination__storage0__crashstorage_class": POSTGRES,
    "destination__storage1__crashstorage_class": ES,
    "destination__storage2__crashstorage_class": FS,
}
TARGETS = ["fake"] + (["real"] if os.environ.get("ELASTICSEARCH_URL") else [])


@pytest.fixture
def fake_es() -> FakeElasticsearch:
    return FakeElasticsearch()


@pytest.fixture(params=TARGETS)
def elasticsearch(request, http_server, fake_es: FakeElasticsearch) -> Iterator[tuple[str, str]]:
    """(URL, index pattern): the local server, or the real ELASTICSEARCH_URL with index names of
    this test's own (deleted afterwards)."""
    if request.param == "fake":
        yield http_server(fake_es).url, "socorro%Y%W"
        return
    from elasticsearch import Elasticsearch

    url = os.environ["ELASTICSEARCH_URL"]
    prefix = f"crashstatstest{uuid.uuid4().hex[:8]}x"
    yield url, prefix + "%Y%W"
    with Elasticsearch([url]) as es:
        for index in es.indices.get_alias(index=f"{prefix}*"):
            es.indices.delete(index=index)


def es_document(url: str, index: str, crash_id: str) -> dict[str, Any]:
    from elasticsearch import Elasticsearch

    with Elasticsearch([url]) as es:
        return dict(es.get(index=index, id=crash_id)["_source"])


def es_mapping(url: str, index: str) -> dict[str, Any]:
    from elasticsearch import Elasticsearch

    with Elasticsearch([url]) as es:
        return dict(es.indices.get_mapping(index=index)[index]["mappings"])


def one_crash(db: psycopg.Connection, rng: random.Random) -> tuple[str, dict[str, Any]]:
    raw = synthetic.raw_crash(rng, CLOCK.now(), Comments="my comment", URL="https://secret.example/")
    return save_raw(db, raw), raw


def test_the_seeds_stores(
    db: psycopg.Connection, processor_settings, elasticsearch, rng: random.Random, dump_root: Path
) -> None:
    url, pattern = elasticsearch
    crash_id, raw = one_crash(db, rng)
    env = cli_env(
        processor_settings,
        **SEED,
        ELASTICSEARCH_URL=url,
        resource__elasticsearch__elasticsearch_index=pattern,
    )
    done = crashstats("processor", "--once", env=env)
    assert done.returncode == 0, done.stderr
    assert "stores: postgresql, elasticsearch, filesystem" in done.stderr
    report = db.execute("SELECT * FROM reports WHERE uuid = %s", (crash_id,)).fetchone()
    assert report is not None
    assert scalar(db, "SELECT count(*) FROM processed_crash_deliveries") == 0  # everyone has it

    # the filesystem: Socorro's radix layout, gzipped processed crash beside the raw crash
    directory = FSDumpStore(dump_root).directory(crash_id)
    processed = json.loads(gzip.decompress((directory / f"{crash_id}.jsonz").read_bytes()))
    assert processed["signature"] == report["signature"] and processed["json_dump"] == raw["json_dump"]
    assert json.loads((directory / f"{crash_id}.json").read_text()) == raw

    # Elasticsearch: the week's index, created with the Super Search mapping; PII and json_dump left out
    index = report["date_processed"].strftime(pattern)
    doc = es_document(url, index, crash_id)
    assert doc["crash_id"] == crash_id
    assert doc["processed_crash"]["signature"] == report["signature"]
    assert doc["processed_crash"]["product"] == "KillerApp"
    for hidden in ("json_dump", "email", "url", "user_comments", "user_id"):
        assert hidden not in doc["processed_crash"], hidden
    assert doc["raw_crash"]["ProductName"] == "KillerApp"
    for hidden in ("Email", "URL", "Comments", "json_dump"):
        assert hidden not in doc["raw_crash"], hidden
    mapping = es_mapping(url, index)["properties"]
    assert mapping["crash_id"]["type"] == "keyword"
    processed_fields = mapping["processed_crash"]["properties"]
    assert processed_fields["signature"]["type"] == "text"
    assert processed_fields["signature"]["fields"]["full"]["type"] == "keyword"
    assert processed_fields["date_processed"]["type"] == "date"
    assert processed_fields["uptime"]["type"] == "long"
    assert mapping["raw_crash"]["properties"]["BuildID"]["type"] == "long"


def test_s3_store(db: psycopg.Connection, processor_settings, s3_env, s3_client, bucket, rng) -> None:
    crash_id, _ = one_crash(db, rng)
    env = cli_env(
        processor_settings,
        **s3_env,
        destination__storage_classes=f"{POSTGRES},{S3}",
        CRASHSTATS_DUMP_S3_BUCKET=bucket,
        CRASHSTATS_DUMP_S3_PREFIX="crashes",
    )
    done = crashstats("processor", "--once", env=env)
    assert done.returncode == 0, done.stderr
    body = s3_client.get_object(Bucket=bucket, Key=f"crashes/v1/processed_crash/{crash_id}")["Body"].read()
    stored = json.loads(body)
    assert stored["uuid"] == crash_id
    assert stored["signature"] == scalar(db, "SELECT signature FROM reports WHERE uuid = %s", (crash_id,))


def test_a_failing_store_loses_nothing_and_is_retried(
    db: psycopg.Connection, processor_settings, http_server, fake_es: FakeElasticsearch, rng, dump_root: Path
) -> None:
    env = cli_env(processor_settings, **SEED, ELASTICSEARCH_URL=http_server(fake_es).url)
    crash_id, _ = one_crash(db, rng)
    fake_es.bulk_status = 503
    done = crashstats("processor", "--once", env=env)
    assert done.returncode == 0, done.stderr
    assert "1 optional-store deliveries failed (kept for --retry-failed)" in done.stdout
    assert scalar(db, "SELECT count(*) FROM reports WHERE uuid = %s", (crash_id,)) == 1  # PostgreSQL has it
    assert scalar(db, "SELECT count(*) FROM processing_queue") == 0
    (pending,) = db.execute("SELECT * FROM processed_crash_deliveries").fetchall()
    assert (str(pending["crash_id"]), pending["destination"]) == (crash_id, "elasticsearch")
    assert "503" in pending["last_error"]
    assert (FSDumpStore(dump_root).directory(crash_id) / f"{crash_id}.jsonz").exists()  # the others got it

    fake_es.bulk_status = None
    not_due = crashstats("processor", "--retry-failed", env=env)
    assert (not_due.returncode, not_due.stdout.strip()) == (
        0,
        "delivered 0 crashes to elasticsearch, filesystem; 0 still failing",
    )
    retried = crashstats("processor", "--retry-failed", "--all", env=env)
    assert retried.returncode == 0, retried.stderr
    assert retried.stdout.strip() == "delivered 1 crashes to elasticsearch, filesystem; 0 still failing"
    assert scalar(db, "SELECT count(*) FROM processed_crash_deliveries") == 0
    (docs,) = fake_es.docs.values()
    assert docs[crash_id]["crash_id"] == crash_id

    fake_es.bulk_status = 500
    db.execute("UPDATE processed_crash_deliveries SET next_attempt_at = now()")  # none left: no-op
    still = crashstats("processor", "--retry-failed", "--all", env=env)
    assert still.returncode == 0 and still.stdout.startswith("delivered 0 crashes")


def test_a_worker_that_died_before_delivering_is_made_up_for(
    db: psycopg.Connection, processor_settings, dump_root: Path, rng
) -> None:
    crash_id, raw = one_crash(db, rng)
    processed = {"uuid": crash_id, "date_processed": raw["submitted_timestamp"], "signature": "s"}
    # what a worker commits before it delivers: the rows and one pending delivery, due at once
    db.execute(
        "SELECT save_processed_crash(%s, %s, '[]', NULL, NULL, ARRAY['filesystem'], '0')",
        (crash_id, Jsonb(processed)),
    )
    env = cli_env(processor_settings, destination__storage_classes=FS)
    done = crashstats("processor", "--retry-failed", env=env)
    assert done.stdout.strip() == "delivered 1 crashes to filesystem; 0 still failing", done.stderr
    stored = FSDumpStore(dump_root).directory(crash_id) / f"{crash_id}.jsonz"
    assert json.loads(gzip.decompress(stored.read_bytes())) == processed


def test_no_optional_store_nothing_to_retry(processor_settings) -> None:
    done = crashstats("processor", "--retry-failed", env=cli_env(processor_settings))
    assert done.returncode == 0
    assert done.stdout.startswith("no optional crash stores configured")


def test_a_crash_postgresql_refuses_does_not_stop_its_batch(
    db: psycopg.Connection, rng, dump_root: Path
) -> None:
    from pyapp.processor import queue
    from pyapp.processor.algorithm import MozillaProcessorAlgorithm2015
    from pyapp.processor.rules import Services
    from pyapp.processor.signature import SignatureMaker
    from pyapp.processor.storage import PostgreSQLCrashStorage
    from pyapp.processor.worker import DbLookups

    ids = {one_crash(db, rng)[0] for _ in range(3)}
    claimed_at, items = queue.claim(db, "w", limit=3, lease=dt.timedelta(minutes=5))
    services = Services(DbLookups(db), SignatureMaker(), dumps=FSDumpStore(dump_root))
    processed = [MozillaProcessorAlgorithm2015("p").process(item, services) for item in items]
    bad = processed[1]
    bad.processed["install_age"] = "not a number"
    outcome = PostgreSQLCrashStorage().save_batch(
        db, processed, worker="w", claimed_at=claimed_at, deliveries=[]
    )
    assert {c.crash_id for c in outcome.stored} == ids - {bad.crash_id}
    assert list(outcome.failed) == [bad.crash_id]
    assert "invalid input syntax for type integer" in outcome.failed[bad.crash_id]
    stored = {r["uuid"] for r in db.execute("SELECT uuid FROM reports")}
    assert stored == ids - {bad.crash_id}
    assert [str(r["crash_id"]) for r in db.execute("SELECT crash_id FROM processing_queue")] == [bad.crash_id]
