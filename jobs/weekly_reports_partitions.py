"""weekly-reports-partitions: this week's and the next two weeks' partitions of every table in
report_partition_info (Socorro's WeeklyReportsPartitionsCronApp)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jobs.base import ProcedureCronApp


class WeeklyReportsPartitionsCronApp(ProcedureCronApp):
    app_name = "weekly-reports-partitions"
    procedure = "weekly_report_partitions"
    socorro_class = "socorro.cron.jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp"

    def arguments(self, when: dt.datetime) -> tuple[Any, ...]:
        return (2, when)
