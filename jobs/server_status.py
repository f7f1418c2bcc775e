"""server-status: a snapshot of the processing pipeline every five minutes into server_status
(queue depth, oldest queued crash, processors seen): update_server_status(now)
(Socorro's ServerStatusCronApp). It also queues the crashes deferred while their product was
unknown whose product is registered now (queue_deferred_crashes(): adding a product queues them
at once; this catches those a collector deferred in the seconds before it saw the new product)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jobs.base import JobRun, ProcedureCronApp
from pyapp import metrics


class ServerStatusCronApp(ProcedureCronApp):
    app_name = "server-status"
    procedure = "update_server_status"
    socorro_class = "socorro.cron.jobs.serverstatus.ServerStatusCronApp"

    def arguments(self, when: dt.datetime) -> tuple[Any, ...]:
        return (when,)

    def run(self, run: JobRun) -> None:
        super().run(run)
        run.call("queue_deferred_crashes")
        status = run.conn.execute("SELECT queue_depth, oldest_queued_sec FROM health_status()").fetchone()
        metrics.gauge("processor.queue_depth", status["queue_depth"])
        metrics.gauge("processor.oldest_queued_sec", status["oldest_queued_sec"] or 0)
