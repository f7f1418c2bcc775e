"""Processor workers: claim crashes from processing_queue, process them, store them.

One worker is one process with one PostgreSQL connection. It loops:

1. ``processing_queue_claim()``: up to ``CRASHSTATS_PROCESSOR_BATCH`` crashes, priority first
   (FOR UPDATE SKIP LOCKED), with a lease (``CRASHSTATS_PROCESSOR_LEASE``) it renews while a
   long stackwalk runs. When crashes are quick (no stackwalking: imports, a backlog of
   crashes that carry their json_dump) claims grow to what the worker processes in
   ``CRASHSTATS_PROCESSOR_BATCH_SECONDS``, at most ``CRASHSTATS_PROCESSOR_BATCH_MAX``: fewer
   claims, transactions and commits per crash (:meth:`Worker.claim_size`). A grown claim that
   meets slow crashes gives back, beyond its first ``CRASHSTATS_PROCESSOR_BATCH``, the crashes
   it has not started once it has taken twice that time;
2. runs the algorithm on each (stackwalker, rules, signature);
3. stores the batch: one transaction writes every crash's rows and deletes its queue row
   (``save_processed_crash()``), then the optional stores get the batch;
4. when nothing is claimable, waits for a NOTIFY on ``crashstats_processing_queue`` (the
   collector's inserts send one), or ``CRASHSTATS_PROCESSOR_POLL`` seconds at most.

A worker killed at any instant loses nothing: its claims lapse and another worker processes
those crashes again; what it had committed is complete (rows and queue deletion together),
and a replayed crash replaces its rows. SIGTERM or SIGINT stops it gracefully: the crash in
hand is finished and stored, the rest of the batch given back at once.

:func:`run_processor` runs one worker in this process, or N in child processes that are
restarted when they die (``crashstats processor --workers N``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import multiprocessing
import multiprocessing.connection
import os
import queue as queue_module
import random
import signal
import socket
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import set_json_loads

from pyapp import db, jsonfast, metrics, reports
from pyapp.db import connect, wrap_exceptions
from pyapp.dumpstore import open_dump_store
from pyapp.errors import CrashstatsError, DatabaseUnavailable
from pyapp.processor import queue
from pyapp.processor.algorithm import ProcessedCrash, RawCrash
from pyapp.processor.rules import Services, TransientError
from pyapp.processor.settings import ProcessorSettings
from pyapp.processor.signature import SignatureMaker
from pyapp.processor.stackwalker import Stackwalker
from pyapp.queries import QUERIES

log = logging.getLogger(__name__)

BETA_LOOKUP = "SELECT processor_beta_version(%(product)s, %(version)s, %(build)s) AS version"


@dataclass
class WorkerStats:
    """What a worker did (printed by --once and --crash-id, read by the benchmark)."""

    stored: int = 0
    lost_claims: int = 0
    given_back: int = 0
    discarded: int = 0
    delivery_failures: int = 0
    seconds: float = 0.0
    #: seconds per stage: rules, siggen, stackwalk, storage
    stages: dict[str, float] = field(default_factory=dict)
    peak_rss_kib: int = 0

    def add(self, other: WorkerStats) -> None:
        for name in ("stored", "lost_claims", "given_back", "discarded", "delivery_failures"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.seconds = max(self.seconds, other.seconds)
        for stage, seconds in other.stages.items():
            self.stages[stage] = self.stages.get(stage, 0.0) + seconds
        self.peak_rss_kib = max(self.peak_rss_kib, other.peak_rss_kib)

    def summary(self) -> str:
        line = f"stored {self.stored} crashes in {self.seconds:.1f}s"
        if self.stored:
            per_crash = ", ".join(
                f"{stage} {seconds / self.stored * 1000:.2f} ms"
                for stage, seconds in sorted(self.stages.items())
            )
            line += f" ({per_crash} per crash)"
        extras = [
            f"{value} {label}"
            for value, label in (
                (self.given_back, "given back for a later attempt"),
                (self.lost_claims, "taken over by another worker"),
                (self.discarded, "discarded (no raw crash)"),
                (self.delivery_failures, "optional-store deliveries failed (kept for --retry-failed)"),
            )
            if value
        ]
        if self.peak_rss_kib:
            line += f"; peak worker RSS {self.peak_rss_kib / 1024:.0f} MB"
        return line + ("; " + "; ".join(extras) if extras else "")


def peak_rss_kib() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


class DbLookups:
    """The rules' look-ups, cached: product rewrites (reloaded every 5 minutes) and beta
    versions (found ones for an hour, unknown ones for 5 minutes: they may arrive)."""

    REWRITES_TTL = 300.0
    BETA_FOUND_TTL = 3600.0
    BETA_MISSING_TTL = 300.0
    BETA_CACHE_SIZE = 10000

    def __init__(self, conn: psycopg.Connection) -> None:
        self.conn = conn
        self._rewrites: tuple[float, dict[str, str]] | None = None
        self._beta: dict[tuple[str, str, str], tuple[float, str | None]] = {}

    def product_rewrites(self) -> Mapping[str, str]:
        now = time.monotonic()
        if self._rewrites is None or now - self._rewrites[0] > self.REWRITES_TTL:
            with wrap_exceptions():
                rows = self.conn.execute(QUERIES["processor_product_rewrites"]).fetchall()
            self._rewrites = (now, {row["productid"]: row["product_name"] for row in rows})
        return self._rewrites[1]

    def beta_version(self, product: str, version: str, build: str) -> str | None:
        key = (product, version, build)
        now = time.monotonic()
        cached = self._beta.get(key)
        if cached is not None:
            ttl = self.BETA_FOUND_TTL if cached[1] else self.BETA_MISSING_TTL
            if now - cached[0] < ttl:
                return cached[1]
        with wrap_exceptions():
            row = self.conn.execute(
                BETA_LOOKUP, {"product": product, "version": version, "build": build}
            ).fetchone()
        if len(self._beta) >= self.BETA_CACHE_SIZE:
            self._beta.clear()
        self._beta[key] = (now, row["version"])
        return row["version"]


def worker_name(index: int = 0) -> str:
    """host:pid:index, the claim name and the processors row."""
    return f"{socket.gethostname()}:{os.getpid()}:{index}"


class Worker:
    """One processor worker (see the module docstring)."""

    RECONNECT_MAX = 30.0

    def __init__(
        self,
        settings: ProcessorSettings,
        database_url: str,
        *,
        index: int = 0,
        once: bool = False,
        only: Sequence[str] | None = None,
    ) -> None:
        self.settings = settings
        self.database_url = database_url
        self.index = index
        self.once = once
        self.only = list(only) if only is not None else None
        self.name = worker_name(index)
        self.stopping = False
        self.stats = WorkerStats()
        self.conn: psycopg.Connection | None = None
        self.lookups: DbLookups | None = None
        self.algorithm = settings.algorithm(
            f"processor_{socket.gethostname()}_{os.getpid()}", max_attempts=settings.max_attempts
        )
        self.storage = settings.crash_storage()
        self.stackwalker = Stackwalker.from_config(settings.config)
        self.dumps = open_dump_store(settings.config)
        self.signatures = SignatureMaker()
        #: the claim token and the crashes of the batch still in hand (renewed while they are)
        self._held: tuple[dt.datetime, set[str]] | None = None
        self._renewed = 0.0
        #: seconds a crash took to process and store, averaged over the recent batches
        self.seconds_per_crash: float | None = None
        #: when this worker next counts the processed crashes in the live reports
        self._live_due = time.monotonic() + settings.live_interval * random.random()

    # --- lifecycle ------------------------------------------------------------------------

    def stop(self, *_: Any) -> None:
        """Finish the crash in hand, give the rest back, exit (SIGTERM, SIGINT)."""
        if not self.stopping:
            log.info("processor %s: stopping after the current crash", self.name)
        self.stopping = True

    def _install_signals(self) -> None:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
            # a worker process is forked with these signals blocked (run_processor): one sent
            # before this point is delivered now, to this handler
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)

    def _open(self) -> psycopg.Connection:
        conn = connect(
            self.database_url,
            component="processor",
            autocommit=True,
            timeout=self.settings.config["CRASHSTATS_DB_CONNECT_TIMEOUT"],
            read_timeout=self.settings.config["CRASHSTATS_PROCESSOR_DB_READ_TIMEOUT"],
        )
        set_json_loads(jsonfast.loads, conn)
        with wrap_exceptions():
            conn.execute(
                queue.REGISTER, {"name": self.name, "hostname": socket.gethostname(), "pid": os.getpid()}
            )
            if self.only is None and not db.PGBOUNCER:  # through PgBouncer: poll
                conn.execute(f"LISTEN {queue.CHANNEL}")
        self.storage.prepare(conn)
        self.lookups = DbLookups(conn)
        self.conn = conn
        return conn

    def _close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.execute(queue.STOPPED, {"name": self.name})
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None

    def run(self) -> WorkerStats:
        """Process until stopped (or, with once / only, until nothing is left to claim)."""
        self._install_signals()
        started = time.monotonic()
        backoff = 1.0
        try:
            while not self.stopping:
                try:
                    if self.conn is None:
                        self._open()
                    claimed = self.batch()
                    self.count_live()
                    backoff = 1.0
                except DatabaseUnavailable as exc:
                    log.error(
                        "processor %s: database unavailable (%s); retrying in %.0fs", self.name, exc, backoff
                    )
                    self._drop_connection()
                    self._sleep(backoff)
                    backoff = min(backoff * 2, self.RECONNECT_MAX)
                    continue
                if claimed == 0:
                    if self.once or self.only is not None:
                        break
                    self.wait()
        finally:
            self._close()
            self.storage.close()
            self.stats.seconds = time.monotonic() - started
            self.stats.peak_rss_kib = peak_rss_kib()
        return self.stats

    def count_live(self) -> None:
        """Every ``live_interval`` seconds, count the crashes processed since (by any worker) in
        the live reports: reports.count_live, in the worker's connection. A failure is logged and
        tried again next time; it never stops processing."""
        interval = self.settings.live_interval
        if interval <= 0 or self.conn is None or time.monotonic() < self._live_due:
            return
        self._live_due = time.monotonic() + interval
        begin = time.perf_counter()
        try:
            # one worker's call per interval does the work for all (a call has a fixed cost)
            taken = reports.count_live(self.conn, min_gap=interval * 0.9)
        except DatabaseUnavailable:
            raise
        except CrashstatsError as exc:
            log.warning("processor %s: the live reports were not updated: %s", self.name, exc)
            return
        spent = time.perf_counter() - begin
        self.stats.stages["live reports"] = self.stats.stages.get("live reports", 0.0) + spent
        if taken:
            metrics.incr("processor.crash_counted_live", taken)

    def _drop_connection(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):
                self.conn.close()
            self.conn = None

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.stopping and time.monotonic() < deadline:
            time.sleep(min(0.2, deadline - time.monotonic()))

    def wait(self) -> None:
        """Until a NOTIFY arrives, the poll interval passes, or a stop is asked for."""
        assert self.conn is not None
        deadline = time.monotonic() + self.settings.poll
        with wrap_exceptions():
            while not self.stopping:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                with contextlib.closing(self.conn.notifies(timeout=min(0.5, remaining), stop_after=1)) as got:
                    woken = next(got, None) is not None
                if woken:
                    with contextlib.closing(self.conn.notifies(timeout=0)) as backlog:
                        for _ in backlog:  # one claim serves every NOTIFY received so far
                            pass
                    return

    # --- one batch --------------------------------------------------------------------------

    def heartbeat(self) -> None:
        """Renew the lease of the crashes in hand when a third of it has passed."""
        if self._held is None or self.conn is None:
            return
        if time.monotonic() - self._renewed < self.settings.lease.total_seconds() / 3:
            return
        claimed_at, ids = self._held
        held = queue.renew(self.conn, self.name, claimed_at, sorted(ids), self.settings.lease)
        self._renewed = time.monotonic()
        if held < len(ids):
            log.warning(
                "processor %s: %d of %d claims lapsed before renewal", self.name, len(ids) - held, len(ids)
            )

    def services(self) -> Services:
        assert self.lookups is not None
        return Services(
            lookups=self.lookups,
            signatures=self.signatures,
            stackwalker=self.stackwalker,
            dumps=self.dumps,
            heartbeat=self.heartbeat,
        )

    #: weight of the last batch in seconds_per_crash
    SMOOTHING = 0.5

    def claim_size(self) -> int:
        """Crashes to claim next: ``batch``, or, when crashes are quick, as many as take about
        ``batch_seconds`` at the recent pace (at most ``batch_max``). Slow crashes (seconds of
        stackwalking each) keep claims small, so that none waits long in another's batch."""
        settings = self.settings
        if self.seconds_per_crash is None or self.seconds_per_crash <= 0:
            return settings.batch
        paced = int(settings.batch_seconds / self.seconds_per_crash)
        return max(settings.batch, min(paced, settings.batch_max))

    def _paced(self, crashes: int, seconds: float) -> None:
        per_crash = seconds / crashes
        if self.seconds_per_crash is None:
            self.seconds_per_crash = per_crash
        else:
            self.seconds_per_crash += self.SMOOTHING * (per_crash - self.seconds_per_crash)

    def batch(self) -> int:
        """Claim, process and store one batch; returns how many crashes were claimed."""
        assert self.conn is not None
        began = time.perf_counter()
        claimed_at, items = queue.claim(
            self.conn, self.name, limit=self.claim_size(), lease=self.settings.lease, only=self.only
        )
        if not items:
            return 0
        assert claimed_at is not None
        self._held = (claimed_at, {item.crash_id for item in items})
        self._renewed = time.monotonic()
        services = self.services()
        done: list[ProcessedCrash] = []
        handled = len(items)
        # a claim grown for quick crashes that meets slow ones (crashes to stackwalk behind
        # imported ones) keeps its first `batch` and gives the rest back once it has taken
        # twice the time it was sized for, for other workers or the next, smaller, claim
        overdue_after = 2 * self.settings.batch_seconds if len(items) > self.settings.batch else None
        try:
            for position, item in enumerate(items):
                overdue = (
                    overdue_after is not None
                    and position >= self.settings.batch
                    and time.perf_counter() - began > overdue_after
                )
                if self.stopping or overdue:
                    rest = [i.crash_id for i in items[position:]]
                    queue.release(self.conn, self.name, claimed_at, rest)
                    self.stats.given_back += len(rest)
                    handled = position
                    break
                processed = self._process(item, claimed_at, services)
                if processed is not None:
                    done.append(processed)
            self._store(done, claimed_at)
        finally:
            self._held = None
        if handled:
            self._paced(handled, time.perf_counter() - began)
        return len(items)

    def _give_back(
        self, claimed_at: dt.datetime, crash_id: str, error: str | None, discard: bool = False
    ) -> None:
        """Release one crash of the batch (see processing_queue_release); it is no longer renewed."""
        assert self.conn is not None
        retry = self.settings.retry_delay if error else dt.timedelta(0)
        queue.release(
            self.conn, self.name, claimed_at, [crash_id], error=error, retry_after=retry, discard=discard
        )
        if self._held is not None:
            self._held[1].discard(crash_id)
        if discard:
            self.stats.discarded += 1
        else:
            self.stats.given_back += 1

    def _process(self, item: RawCrash, claimed_at: dt.datetime, services: Services) -> ProcessedCrash | None:
        if item.raw_crash is None:
            log.warning("crash %s: no raw crash stored; dropping its queue row", item.crash_id)
            self._give_back(claimed_at, item.crash_id, None, discard=True)
            return None
        try:
            processed = self.algorithm.process(item, services)
        except DatabaseUnavailable:
            raise
        except Exception as exc:
            transient = isinstance(exc, TransientError)
            log.log(
                logging.WARNING if transient else logging.ERROR,
                "crash %s: processing failed, retrying in %ss: %s",
                item.crash_id,
                self.settings.retry_delay.total_seconds(),
                exc,
                exc_info=not transient,
            )
            self._give_back(claimed_at, item.crash_id, f"{type(exc).__name__}: {exc}")
            metrics.incr("processor.crash_failed")
            return None
        for stage, seconds in processed.timings.items():
            self.stats.stages[stage] = self.stats.stages.get(stage, 0.0) + seconds
        return processed

    def _store(self, done: list[ProcessedCrash], claimed_at: dt.datetime) -> None:
        assert self.conn is not None
        if not done:
            return
        begin = time.perf_counter()
        outcome = self.storage.save(self.conn, done, worker=self.name, claimed_at=claimed_at)
        self.stats.stages["storage"] = self.stats.stages.get("storage", 0.0) + time.perf_counter() - begin
        self.stats.stored += len(outcome.stored)
        if outcome.stored:
            metrics.incr("processor.crash_processed", len(outcome.stored))
        self.stats.lost_claims += len(outcome.lost_claims)
        for crash_id in outcome.lost_claims:
            log.warning("crash %s: claim lapsed and was taken over; not stored by %s", crash_id, self.name)
        for crash_id, error in outcome.failed.items():
            self._give_back(claimed_at, crash_id, f"PostgreSQL: {error}")
            metrics.incr("processor.crash_failed")
        self.stats.delivery_failures += sum(len(e) for e in outcome.delivery_errors.values())


# --- several workers ----------------------------------------------------------------------

#: the signals that stop workers gracefully
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}


def _child(settings: ProcessorSettings, url: str, index: int, once: bool, results: Any) -> None:
    stats = Worker(settings, url, index=index, once=once).run()
    results.put(dataclasses.asdict(stats))


def run_processor(
    settings: ProcessorSettings,
    database_url: str,
    *,
    workers: int = 1,
    once: bool = False,
    only: Sequence[str] | None = None,
) -> WorkerStats:
    """Run ``workers`` workers until stopped (or drained with once / only): one in this
    process, several as child processes restarted when they die."""
    if workers <= 1 or only is not None:
        return Worker(settings, database_url, once=once, only=only).run()
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    children: dict[int, multiprocessing.process.BaseProcess] = {}
    stopping = False

    def start(index: int) -> None:
        # SIGTERM / SIGINT wait until the worker is in `children` (so stop() reaches it) and, in
        # the worker, until it has its own handler; a stop asked for meanwhile starts none
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        try:
            if stopping:
                return
            process = context.Process(
                target=_child, args=(settings, database_url, index, once, results), name=f"processor-{index}"
            )
            process.start()
            children[index] = process
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    def stop(*_: Any) -> None:
        nonlocal stopping
        stopping = True
        for process in children.values():
            if process.is_alive() and process.pid:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(process.pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    total = WorkerStats()
    try:
        for index in range(workers):
            start(index)
        while children:
            multiprocessing.connection.wait([p.sentinel for p in children.values()], timeout=1.0)
            for index, process in list(children.items()):
                if process.is_alive():
                    continue
                process.join()
                del children[index]
                if not (stopping or once) and process.exitcode != 0:
                    log.error("processor worker %d died (exit %s); starting another", index, process.exitcode)
                    time.sleep(1.0)
                    start(index)
                elif not (stopping or once):
                    start(index)
            _collect(results, total)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    _collect(results, total)
    return total


def _collect(results: Any, total: WorkerStats) -> None:
    """Add the statistics finished workers sent (a worker killed while sending sends none)."""
    while True:
        try:
            total.add(WorkerStats(**results.get(timeout=0.2)))
        except (EOFError, OSError, ValueError, TypeError, queue_module.Empty):
            return
