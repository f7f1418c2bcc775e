"""Dependencies that accept connections and never answer (tests/hang_servers.py), on real servers:

* S3 (a proxy in front of moto's server made to hang) under the collector: 503 within seconds,
  nothing stored; once S3 answers, the next report is stored and the hung one, sent again, too;
* PostgreSQL (a proxy in front of the real server made to hang) under the collector: 503
  within seconds and no raw crash; afterwards the workers serve again;
* the same report sent twice, one after the other or at once: one crash, one crash ID;
* the symbol server under the stackwalker, a webhook / HTTP source under the jobs, memcached
  under the pages: each call gives up within its timeout.

Times are bounded generously (answers within 15 s where botocore's and gunicorn's defaults
took 60 s): the bound proves a timeout fired, not how fast.
"""

from __future__ import annotations

import dataclasses
import http.client
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from pyapp.config import load_config
from pyapp.dumpstore import MAIN_DUMP, DumpStoreError, S3DumpStore
from pyapp.embedded import free_port
from pyapp.processor.stackwalker import Stackwalker, find_stackwalker
from pyapp.s3 import S3Timeouts
from pyapp.submitter import Crash
from tests.crashpad_fixtures import crash_to_disk
from tests.e2e.conftest import env_for, start_service
from tests.hang_servers import BlackHole, HangingProxy
from tests.web.conftest import Answer, CollectorServer, make_crash
from web.cache import PageCache

#: how long a hung dependency may cost one answer here (the defaults give ~10 s)
BOUND = 15.0
STORAGE_UNAVAILABLE = (503, "Discarded=storage_unavailable")


def timed_send(server: CollectorServer, crash: Crash) -> tuple[Answer, float]:
    began = time.monotonic()
    answer = server.send(crash, timeout=90)
    return answer, time.monotonic() - began


def raw_ids(db_url: str) -> list[str]:
    with psycopg.connect(db_url) as conn:
        return sorted(str(r[0]) for r in conn.execute("SELECT uuid FROM raw_crashes"))


def send_until_stored(server: CollectorServer, crash: Crash, within: float = 40.0) -> str:
    """Send ``crash`` until it gets a CrashID (a pool may still be reconnecting); every answer
    must come within BOUND."""
    deadline = time.monotonic() + within
    while True:
        answer, took = timed_send(server, crash)
        assert took < BOUND, f"answered after {took:.1f} s: {answer}"
        if answer.crash_id:
            return answer.crash_id
        assert (answer.status, answer.text) == STORAGE_UNAVAILABLE, answer
        assert time.monotonic() < deadline, f"never stored again:\n{server.log()}"
        time.sleep(0.5)


@pytest.fixture
def hung_s3_collector(
    start_collector: Callable[..., CollectorServer], s3_env: dict[str, str], s3_client: Any, bucket: str
) -> Any:
    moto = urlsplit(s3_env["AWS_ENDPOINT_URL"])
    with HangingProxy(moto.hostname or "127.0.0.1", moto.port or 80) as proxy:
        server = start_collector(
            CRASHSTATS_DUMP_STORE="s3",
            CRASHSTATS_DUMP_S3_BUCKET=bucket,
            **{**s3_env, "AWS_ENDPOINT_URL": proxy.url},
        )
        yield server, proxy, S3DumpStore(bucket, client=s3_client)


def test_hung_s3_answers_503_in_seconds_and_the_retry_is_stored_once(
    hung_s3_collector: Any, fresh_db: str
) -> None:
    server, proxy, store = hung_s3_collector
    rng = random.Random(29)
    first = make_crash(rng, dump_size=5000)
    ok, _ = timed_send(server, first)
    assert ok.crash_id, ok

    proxy.hang()
    hung = make_crash(rng, dump_size=5000, extra_dumps=1)
    for _ in range(3):  # more reports than workers: none is stuck behind a hung one
        answer, took = timed_send(server, hung)
        assert (answer.status, answer.text) == STORAGE_UNAVAILABLE, answer
        assert took < BOUND, f"503 after {took:.1f} s"
    assert raw_ids(fresh_db) == [ok.crash_id]

    proxy.resume()
    other = make_crash(rng, dump_size=5000)
    other_id = send_until_stored(server, other)  # the workers serve the next request
    assert store.get_dump(other_id) == other.dumps[MAIN_DUMP]
    retried = send_until_stored(server, hung)  # the client's retry of the hung report
    again = send_until_stored(server, hung)  # and once more: the first crash ID, nothing new
    assert again == retried
    assert raw_ids(fresh_db) == sorted([ok.crash_id, other_id, retried])
    for name, data in hung.dumps.items():
        assert store.get_dump(retried, name) == data


def test_hung_postgres_answers_503_in_seconds_and_workers_recover(
    start_collector: Callable[..., CollectorServer], fresh_db: str
) -> None:
    parts = urlsplit(fresh_db)
    with HangingProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy:
        auth = parts.netloc.rsplit("@", 1)[0]
        proxied = urlunsplit(parts._replace(netloc=f"{auth}@127.0.0.1:{proxy.port}"))
        server = start_collector(db_url=proxied)
        direct = dataclasses.replace(server, db_url=fresh_db)
        rng = random.Random(30)
        ok, _ = timed_send(server, make_crash(rng))
        assert ok.crash_id, ok

        proxy.hang()
        hung = make_crash(rng)
        for _ in range(3):
            answer, took = timed_send(server, hung)
            assert (answer.status, answer.text) == STORAGE_UNAVAILABLE, answer
            assert took < BOUND, f"503 after {took:.1f} s"
        assert direct.stored_ids() == {ok.crash_id}
        assert direct.queued_ids() == {ok.crash_id}

        proxy.resume()
        other = make_crash(rng)
        other_id = send_until_stored(server, other)
        retried = send_until_stored(server, hung)
        assert send_until_stored(server, hung) == retried
        assert direct.stored_ids() == {ok.crash_id, other_id, retried}
        assert direct.store.get_dump(retried) == hung.dumps[MAIN_DUMP]


def test_a_report_sent_again_is_stored_once(start_collector: Callable[..., CollectorServer]) -> None:
    server = start_collector(workers=2)
    rng = random.Random(31)
    crash = make_crash(rng, extra_dumps=1)
    first = server.send(crash)
    assert first.crash_id, first
    assert server.send(crash).crash_id == first.crash_id
    assert server.send(crash, gzip_body=True, chunked=True).crash_id == first.crash_id  # same content
    assert server.stored_ids() == {first.crash_id}
    assert len(server.dump_files()) == 2  # the copies' dumps were removed again
    # another annotation value or another dump: another report
    changed = dataclasses.replace(crash, annotations={**crash.annotations, "Comments": "again"})
    other = server.send(changed)
    assert other.crash_id not in (None, first.crash_id)

    # the same new report sent twice at once (two workers): one crash
    twin = make_crash(rng)
    answers: list[Answer] = []
    threads = [threading.Thread(target=lambda: answers.append(server.send(twin))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ids = {a.crash_id for a in answers}
    assert len(ids) == 1 and None not in ids, answers
    assert server.stored_ids() == {first.crash_id, other.crash_id, *ids}
    with server.connect() as conn:
        count = conn.execute("SELECT count(*) AS n FROM collector_submissions").fetchone()["n"]
    assert count == 3


def test_the_window_can_be_turned_off(start_collector: Callable[..., CollectorServer]) -> None:
    server = start_collector(CRASHSTATS_COLLECTOR_DEDUP_WINDOW="0")
    crash = make_crash(random.Random(32))
    ids = {server.send(crash).crash_id, server.send(crash).crash_id}
    assert len(ids) == 2 and None not in ids
    assert server.stored_ids() == ids


def test_s3_default_timeouts_stay_under_the_worker_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "test")
    timeouts = S3Timeouts.from_config(load_config({}))
    assert timeouts.worst_case_seconds() < 60 / 3  # gunicorn's --timeout default: 60 s
    with BlackHole() as hole:
        store = S3DumpStore(
            "crashes", endpoint_url=hole.url, region="us-east-1", timeouts=S3Timeouts(1.0, 1.0, 2)
        )
        began = time.monotonic()
        with pytest.raises(DumpStoreError, match="S3 bucket crashes: cannot store"):
            store.save_dumps("de1bb258-cbbf-4589-a673-34f802161129", {MAIN_DUMP: b"MDMP"})
        assert time.monotonic() - began < BOUND
        assert hole.accepted >= 2  # the retry happened, and gave up too


def test_hung_symbol_server_costs_the_stackwalker_its_download_timeout(crashme: Path, tmp_path: Path) -> None:
    crashme_dump = tmp_path / "crashme.dmp"
    crashme_dump.write_bytes(crash_to_disk(crashme, tmp_path / "database"))
    with BlackHole() as hole:
        walker = Stackwalker(
            find_stackwalker(),
            symbols_urls=[hole.url + "/"],
            cache_dir=tmp_path / "cache",
            timeout=120,
            download_timeout=1,
        )
        for _ in range(2):  # and the next crash too
            began = time.monotonic()
            result = walker.walk(crashme_dump)
            took = time.monotonic() - began
            assert took < 30, f"{took:.1f} s"
            assert result.json_dump["modules"], result
            assert any(m.get("missing_symbols") for m in result.json_dump["modules"])
        assert hole.accepted >= 1


def test_hung_http_servers_fail_jobs_within_their_timeout() -> None:
    from jobs.http import FetchError, get_json, post_json

    timeout = float(load_config({"CRASHSTATS_HTTP_TIMEOUT": "1"})["CRASHSTATS_HTTP_TIMEOUT"])
    with BlackHole() as hole:
        for call in (
            lambda: post_json(hole.url + "/hook?token=secret", {"text": "alert"}, timeout=timeout),
            lambda: get_json(hole.url + "/bugzilla/rest/bug", timeout=timeout),
        ):
            began = time.monotonic()
            with pytest.raises(FetchError) as caught:
                call()
            assert time.monotonic() - began < BOUND
            assert "secret" not in str(caught.value) and "timed out" in str(caught.value)


def test_hung_memcached_serves_uncached_without_waiting() -> None:
    config = load_config({})
    with BlackHole() as hole:
        cache = PageCache([("127.0.0.1", hole.port)], "test", timeout=config["CRASHSTATS_CACHE_TIMEOUT"])
        began = time.monotonic()
        assert cache.get("a") is None
        assert cache.set("a", b"page", 60) is False  # left alone for retry_after
        assert cache.get("b") is None
        assert time.monotonic() - began < 2


def get(port: int, path: str) -> tuple[int, str, str, float]:
    """(status, X-Cache, body, seconds) of one GET."""
    began = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, response.getheader("X-Cache") or "", body, time.monotonic() - began
    finally:
        conn.close()


def test_pages_with_hung_postgres_and_memcached(fresh_db: str, tmp_path: Path) -> None:
    """memcached hung: pages served uncached, at once; PostgreSQL hung: a 503 error page within
    seconds; both back: pages again, from the same workers."""
    parts = urlsplit(fresh_db)
    with HangingProxy(parts.hostname or "127.0.0.1", parts.port or 5432) as proxy, BlackHole() as memcached:
        auth = parts.netloc.rsplit("@", 1)[0]
        proxied = urlunsplit(parts._replace(netloc=f"{auth}@127.0.0.1:{proxy.port}"))
        env = env_for(
            proxied,
            CACHE_LOCATION=f"127.0.0.1:{memcached.port}",
            CRASHSTATS_VAR_DIR=str(tmp_path / "var"),
            SECRET_KEY="hang-test-secret-key-not-for-production",
            CRASHSTATS_DB_POOL_MIN="1",
            CRASHSTATS_DB_POOL_MAX="2",
            # a page waits for the database its statement timeout + 5 s: keep that well inside BOUND
            CRASHSTATS_WEB_STATEMENT_TIMEOUT="3000",
        )
        port = free_port()
        site = start_service(
            ["serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"], env, tmp_path / "site.log", port
        )
        try:
            status, cache, body, took = get(port, "/crontabber-state")
            assert (status, cache) == (200, "MISS"), body[:500]
            assert took < BOUND

            proxy.hang()
            for _ in range(3):
                status, _, body, took = get(port, "/crontabber-state")
                assert status == 503 and "Database unavailable" in body, body[:500]
                assert took < BOUND, f"503 after {took:.1f} s"

            proxy.resume()
            deadline = time.monotonic() + 40
            while True:
                status, _, body, took = get(port, "/crontabber-state")
                assert took < BOUND
                if status == 200:
                    break
                assert status == 503 and time.monotonic() < deadline, body[:500]
                time.sleep(0.5)
        finally:
            site.stop()
