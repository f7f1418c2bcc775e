"""elasticsearch-cleanup: old weekly crash indices deleted, recent and foreign ones kept.

No Elasticsearch can run here, so the test runs against a local HTTP server answering the
endpoints the job uses (tests/fake_elasticsearch.py) through the official client; when
ELASTICSEARCH_URL is set, the same test also runs against that real server (with index names
of its own, crashstatstest<YYYYWW>, so nothing else there is touched).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest
from elasticsearch import Elasticsearch

from jobs.elasticsearch_cleanup import ElasticsearchCleanupCronApp, index_monday
from tests.fake_elasticsearch import FakeElasticsearch
from tests.jobs.conftest import utc

TARGETS = ["fake"] + (["real"] if os.environ.get("ELASTICSEARCH_URL") else [])
NOW = utc(2026, 3, 2, 6, 0)  # 26 weeks back: 2025-08-31


@pytest.fixture(params=TARGETS)
def es_url(request, http_server) -> str:
    if request.param == "real":
        return os.environ["ELASTICSEARCH_URL"]
    return http_server(FakeElasticsearch()).url


def test_old_indices_are_deleted_recent_and_foreign_ones_kept(harness, es_url: str) -> None:
    tag = uuid.uuid4().hex[:6]
    prefix = f"crashstatstest{tag}x"
    old, recent, aliased_old, foreign = (
        f"{prefix}202520",  # week 20 of 2025: May, older than 26 weeks
        f"{prefix}202608",  # week 8 of 2026: kept
        f"{prefix}202510_20250310",  # a dated index aliased to its weekly name
        f"{prefix}other202001",  # not a crash index name: never touched
    )
    es = Elasticsearch([es_url])
    try:
        for index in (old, recent, aliased_old, foreign):
            es.indices.create(index=index)
        es.indices.put_alias(index=aliased_old, name=f"{prefix}202510")
        h = harness(
            "jobs.elasticsearch_cleanup.ElasticsearchCleanupCronApp|7d",
            NOW,
            ELASTICSEARCH_URL=es_url,
            resource__elasticsearch__elasticsearch_index=prefix + "%Y%W",
            resource__elasticsearch__elasticsearch_index_regex=f"^{prefix}[0-9]{{6}}$",
        )
        [outcome] = h.tick()
        assert outcome.status == "ran", outcome.message
        remaining = set(es.indices.get_alias(index=f"{prefix}*"))
        assert remaining == {recent, foreign}
        [notice] = h.log("elasticsearch-cleanup")[0]["notices"]
        assert notice.endswith(f"deleted 2: {aliased_old}, {old}")
    finally:
        for index in (old, recent, aliased_old, foreign):
            if es.indices.exists(index=index):
                es.indices.delete(index=index)
        es.close()


def test_an_unreachable_elasticsearch_fails_the_run(harness) -> None:
    from pyapp.embedded import free_port

    h = harness(
        "jobs.elasticsearch_cleanup.ElasticsearchCleanupCronApp|7d",
        NOW,
        ELASTICSEARCH_URL=f"http://127.0.0.1:{free_port()}",
        CRASHSTATS_HTTP_TIMEOUT=3,
    )
    [outcome] = h.tick()
    assert outcome.status == "failed"
    assert outcome.message.startswith("elastic_transport.ConnectionError")


def test_index_dates_and_selection(make_config) -> None:
    assert index_monday("socorro202610", "socorro%Y%W") == utc(2026, 3, 9)
    assert index_monday("socorro202600", "socorro%Y%W") == utc(2025, 12, 29)
    assert index_monday("socorroXYZ", "socorro%Y%W") is None
    job = ElasticsearchCleanupCronApp(make_config(ELASTICSEARCH_URL="http://127.0.0.1:9"))
    aliases = {
        "socorro202501": {"aliases": {}},
        "socorro202608": {"aliases": {}},
        "socorro202502_20250106": {"aliases": {"socorro202502": {}}},
        "socorro_other": {"aliases": {}},
        "kibana": {"aliases": {}},
    }
    assert job.old_indices(aliases, NOW) == ["socorro202501", "socorro202502_20250106"]
    assert job.old_indices(aliases, NOW - dt.timedelta(weeks=70)) == []
