"""Health pages for load balancers and monitoring (Mozilla's Dockerflow convention).

* ``GET /__lbheartbeat__``: ``200 OK`` whenever the process answers (the load balancer's check;
  it touches nothing else, so a database outage does not take every node out of rotation).
* ``GET /__heartbeat__``: every dependency checked, ``200`` when all are fine, ``500`` when one
  is not, with a JSON body saying which and why::

      {"status": "ok" | "fail",
       "checks": {"database":   {"ok": true, "ms": 1.3},
                  "memcached":  {"ok": true, "servers": {"127.0.0.1:11211": "ok"}},
                  "dump_store": {"ok": true, "kind": "FSDumpStore"},
                  "queue":      {"ok": true, "depth": 12, "oldest_queued_sec": 3.1, ...},
                  "crontabber": {"ok": true, "last_success": "...", "jobs_failing": 0, ...}}}

  The queue fails past ``CRASHSTATS_HEARTBEAT_MAX_QUEUE`` crashes or when its oldest crash
  waited ``CRASHSTATS_HEARTBEAT_MAX_QUEUE_AGE`` seconds; crontabber fails when no job succeeded
  for ``CRASHSTATS_HEARTBEAT_MAX_JOB_AGE`` seconds (once any job ran). memcached is checked
  only when the site uses it (``CACHE_LOCATION``); the collector nodes check no memcached.
  Each call also sends the queue gauges to statsd (pyapp.metrics).

The numbers come from ``health_status()`` (one round trip).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import bottle
from pymemcache.client.base import Client as MemcacheClient

from pyapp import errors, metrics
from pyapp.config import Config
from pyapp.db import Database
from pyapp.dumpstore import DumpStore, open_dump_store
from web.cache import parse_servers

log = logging.getLogger(__name__)

CheckResult = dict[str, Any]


class Health:
    """The checks of one process (web node or collector node)."""

    def __init__(
        self,
        config: Config,
        db: Callable[[], Database],
        *,
        dump_store: Callable[[], DumpStore] | None = None,
        memcached: bool = True,
    ) -> None:
        self.config = config
        self._db = db
        self._store = dump_store
        self._own_store: DumpStore | None = None
        self.memcached_servers = (
            parse_servers(config["CACHE_LOCATION"]) if memcached and config["CACHE_MIDDLEWARE"] else []
        )

    def store(self) -> DumpStore:
        if self._store is not None:
            return self._store()
        if self._own_store is None:
            self._own_store = open_dump_store(self.config)
        return self._own_store

    # --- the checks ---------------------------------------------------------------------

    def database(self) -> tuple[CheckResult, dict[str, Any] | None]:
        began = time.perf_counter()
        try:
            status = self._db().fetch_one("SELECT * FROM health_status()")
        except errors.CrashstatsError as exc:
            return {"ok": False, "error": str(exc)}, None
        return {"ok": True, "ms": round((time.perf_counter() - began) * 1000, 1)}, status

    def memcached(self) -> CheckResult:
        if not self.memcached_servers:
            return {"ok": True, "configured": False}
        servers: dict[str, str] = {}
        for host, port in self.memcached_servers:
            client = MemcacheClient((host, port), connect_timeout=0.5, timeout=0.5)
            try:
                key = f"{self.config['CACHE_KEY_PREFIX']}:heartbeat"
                client.set(key, b"1", expire=60, noreply=False)
                servers[f"{host}:{port}"] = "ok" if client.get(key) == b"1" else "lost what it was given"
            except Exception as exc:  # refused, timeout, closed
                servers[f"{host}:{port}"] = f"{type(exc).__name__}: {exc}"
            finally:
                client.close()
        return {"ok": all(v == "ok" for v in servers.values()), "servers": servers}

    def dump_store(self) -> CheckResult:
        try:
            store = self.store()
            store.check()
        except errors.CrashstatsError as exc:
            return {"ok": False, "error": str(exc)}
        return {"ok": True, "kind": type(store).__name__}

    def queue(self, status: dict[str, Any] | None) -> CheckResult:
        if status is None:
            return {"ok": False, "error": "database unavailable"}
        depth, oldest = status["queue_depth"], status["oldest_queued_sec"]
        max_depth = self.config["CRASHSTATS_HEARTBEAT_MAX_QUEUE"]
        max_age = self.config["CRASHSTATS_HEARTBEAT_MAX_QUEUE_AGE"]
        metrics.gauge("processor.queue_depth", depth)
        metrics.gauge("processor.oldest_queued_sec", oldest or 0)
        result: CheckResult = {
            "ok": depth <= max_depth and (oldest or 0) <= max_age,
            "depth": depth,
            "oldest_queued_sec": None if oldest is None else round(oldest, 1),
            "max_depth": max_depth,
            "max_age_sec": max_age,
        }
        return result

    def crontabber(self, status: dict[str, Any] | None) -> CheckResult:
        if status is None:
            return {"ok": False, "error": "database unavailable"}
        last: dt.datetime | None = status["last_job_success"]
        max_age = self.config["CRASHSTATS_HEARTBEAT_MAX_JOB_AGE"]
        age = None if last is None else (dt.datetime.now(dt.UTC) - last).total_seconds()
        ok = status["jobs_known"] == 0 or (age is not None and age <= max_age)
        return {
            "ok": ok,
            "last_success": None if last is None else last.isoformat(),
            "last_success_age_sec": None if age is None else round(age),
            "jobs_known": status["jobs_known"],
            "jobs_failing": status["jobs_failing"],
            "max_age_sec": max_age,
        }

    def report(self) -> tuple[int, dict[str, Any]]:
        """(HTTP status, JSON body) of /__heartbeat__."""
        database, status = self.database()
        checks = {
            "database": database,
            "memcached": self.memcached(),
            "dump_store": self.dump_store(),
            "queue": self.queue(status),
            "crontabber": self.crontabber(status),
        }
        failed = [name for name, check in checks.items() if not check["ok"]]
        if failed:
            log.warning("heartbeat failing: %s", ", ".join(failed))
        return (500 if failed else 200), {"status": "fail" if failed else "ok", "checks": checks}


def register(app: bottle.Bottle, health: Health) -> None:
    """Add /__heartbeat__ and /__lbheartbeat__ to ``app`` (replacing routes of the same path)."""

    @app.get("/__lbheartbeat__")
    def lbheartbeat() -> str:
        bottle.response.content_type = "text/plain; charset=utf-8"
        bottle.response.set_header("Cache-Control", "no-store")
        return "OK\n"

    @app.get("/__heartbeat__")
    def heartbeat() -> str:
        status, body = health.report()
        bottle.response.status = status
        bottle.response.content_type = "application/json"
        bottle.response.set_header("Cache-Control", "no-store")
        return json.dumps(body, indent=2) + "\n"
