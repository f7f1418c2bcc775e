"""server-status: a snapshot of the processing pipeline every five minutes into server_status
(queue depth, oldest queued crash, processors seen): update_server_status(now)
(Socorro's ServerStatusCronApp)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jobs.base import ProcedureCronApp


class ServerStatusCronApp(ProcedureCronApp):
    app_name = "server-status"
    procedure = "update_server_status"
    socorro_class = "socorro.cron.jobs.serverstatus.ServerStatusCronApp"

    def arguments(self, when: dt.datetime) -> tuple[Any, ...]:
        return (when,)
