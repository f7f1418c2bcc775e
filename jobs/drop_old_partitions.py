"""drop-old-partitions: drops the weekly partitions older than the retention, by default one
year (Socorro's DropOldPartitionsCronApp): drop_named_partitions(retention_cutoff(months, now)),
months = CRASHSTATS_PARTITION_RETENTION_MONTHS."""

from __future__ import annotations

import datetime as dt

from jobs.base import CronApp, JobRun, describe_call


class DropOldPartitionsCronApp(CronApp):
    app_name = "drop-old-partitions"
    procedures = ("retention_cutoff", "drop_named_partitions")
    socorro_class = "socorro.cron.jobs.drop_old_partitions.DropOldPartitionsCronApp"

    @property
    def months(self) -> int:
        return int(self.config["CRASHSTATS_PARTITION_RETENTION_MONTHS"])

    def describe(self, when: dt.datetime) -> str:
        return f"drop_named_partitions({describe_call('retention_cutoff', (self.months, when))})"

    def run(self, run: JobRun) -> None:
        (row,) = run.call("retention_cutoff", self.months, run.when)
        run.call("drop_named_partitions", row["retention_cutoff"])
