"""weekly-reports-partitions: this week's and the next CRASHSTATS_PARTITION_WEEKS_AHEAD (2) weeks'
partitions of every table in report_partition_info (Socorro's WeeklyReportsPartitionsCronApp);
under the pg_partman engine the same call runs pg_partman's maintenance of those tables."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jobs.base import ProcedureCronApp


class WeeklyReportsPartitionsCronApp(ProcedureCronApp):
    app_name = "weekly-reports-partitions"
    procedure = "weekly_report_partitions"
    socorro_class = "socorro.cron.jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp"

    def arguments(self, when: dt.datetime) -> tuple[Any, ...]:
        return (int(self.config["CRASHSTATS_PARTITION_WEEKS_AHEAD"]), when)
