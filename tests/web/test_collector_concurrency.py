"""Many clients at once onto an empty dump root and a week without partitions (the first
crashes of a new UTC day): every acknowledged crash is stored whole, nothing else is."""

from __future__ import annotations

import random
import threading

from tests.web.conftest import Answer, assert_stored, make_crash

CLIENTS = 12
CRASHES_EACH = 6


def test_concurrent_clients_first_crashes_of_the_day(start_collector) -> None:
    server = start_collector(workers=2, threads=4)
    assert not any(server.dump_root.glob("2*"))  # no day directory yet
    with server.connect() as conn:
        assert conn.execute("SELECT count(*) AS n FROM weekly_partitions").fetchone()["n"] == 0

    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[object, Answer]] = []
    failures: list[BaseException] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(number)
        crashes = [
            make_crash(rng, dump_size=rng.randrange(1, 300_000), extra_dumps=rng.randrange(3))
            for _ in range(CRASHES_EACH)
        ]
        barrier.wait()
        for index, crash in enumerate(crashes):
            try:
                answer = server.send(crash, gzip_body=index % 2 == 0, chunked=index % 3 == 0)
            except BaseException as exc:  # reported below
                with lock:
                    failures.append(exc)
                continue
            with lock:
                results.append((crash, answer))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert failures == []
    assert [a.status for _, a in results] == [200] * CLIENTS * CRASHES_EACH, server.log()[-3000:]
    acknowledged = {a.crash_id for _, a in results}
    assert len(acknowledged) == CLIENTS * CRASHES_EACH
    for crash, answer in results:
        assert_stored(server, answer.crash_id, crash)
    assert server.stored_ids() == acknowledged
    assert server.queued_ids() == acknowledged
    assert len(server.dump_files()) == sum(len(c.dumps) for c, _ in results)
    assert server.spool_files() == []
    with server.connect() as conn:
        weeks = conn.execute("SELECT count(*) AS n FROM weekly_partitions WHERE table_name = 'raw_crashes'")
        assert weeks.fetchone()["n"] == 1
