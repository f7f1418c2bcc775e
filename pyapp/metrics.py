"""Metrics in the statsd format, through Mozilla's markus (as in Socorro, Antenna and Tecken).

``configure(config)`` sends them to ``CRASHSTATS_STATSD_HOST:CRASHSTATS_STATSD_PORT`` (UDP,
prefix ``CRASHSTATS_STATSD_PREFIX``); without a host nothing is sent. Every process calls it
once at start (the CLI, each gunicorn worker); forked processor workers inherit it.

What is measured (plain statsd has no tags, so variants are in the names):

* ``collector.crash_received`` (counter): every ``POST /submit``; then one of
  ``collector.crash_stored`` (``CrashID=``), ``collector.crash_discarded`` (a 4xx or a throttle
  rule), ``collector.crash_unavailable`` (503);
* ``processor.crash_processed`` (counter): crashes stored by a worker;
  ``processor.crash_failed`` (counter): crashes given back after a failure (retried later);
* ``processor.queue_depth``, ``processor.oldest_queued_sec`` (gauges): sent by the
  server-status job (every 5 minutes) and by every ``/__heartbeat__``;
* ``crontabber.<job>.duration`` (timing, ms): every run of a job;
  ``crontabber.<job>.failed`` (counter): every failed run.
"""

from __future__ import annotations

import logging
from typing import Any

import markus

log = logging.getLogger(__name__)

#: the one metrics interface of crashstats (names are relative to the configured prefix)
metrics = markus.get_metrics()


def configure(config: Any) -> bool:
    """Send metrics to the configured statsd server; returns whether one is configured."""
    host = config["CRASHSTATS_STATSD_HOST"]
    if not host:
        markus.configure(backends=[])
        return False
    markus.configure(
        backends=[
            {
                "class": "markus.backends.statsd.StatsdMetrics",
                "options": {
                    "statsd_host": host,
                    "statsd_port": int(config["CRASHSTATS_STATSD_PORT"]),
                    "statsd_prefix": config["CRASHSTATS_STATSD_PREFIX"] or None,
                },
            }
        ]
    )
    log.debug("metrics go to statsd at %s:%s", host, config["CRASHSTATS_STATSD_PORT"])
    return True


def incr(name: str, value: int = 1) -> None:
    metrics.incr(name, value)


def gauge(name: str, value: float) -> None:
    metrics.gauge(name, value)


def timing(name: str, milliseconds: float) -> None:
    metrics.timing(name, milliseconds)
