"""truncate-partitions: empties the raw and processed crash JSON partitions older than
CRASHSTATS_PARTITION_TRUNCATE_WEEKS weeks (default 26, the seed's six months), keeping the
tables (Socorro's TruncatePartitionsCronApp): truncate_partitions(weeks_to_keep)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jobs.base import ProcedureCronApp


class TruncatePartitionsCronApp(ProcedureCronApp):
    app_name = "truncate-partitions"
    procedure = "truncate_partitions"
    socorro_class = "socorro.cron.jobs.truncate_partitions.TruncatePartitionsCronApp"

    def arguments(self, when: dt.datetime) -> tuple[Any, ...]:
        return (int(self.config["CRASHSTATS_PARTITION_TRUNCATE_WEEKS"]),)
