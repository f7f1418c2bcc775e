"""drop-old-partitions: drops the weekly partitions older than the retention, by default one
year (Socorro's DropOldPartitionsCronApp): drop_named_partitions(the Monday on or before
now - CRASHSTATS_PARTITION_RETENTION_MONTHS)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jobs.base import ProcedureCronApp


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last_day = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


def retention_cutoff(when: dt.datetime, months: int) -> dt.date:
    """The Monday on or before ``when`` minus ``months`` months (UTC)."""
    back = months_before(when.astimezone(dt.UTC).date(), months)
    return back - dt.timedelta(days=back.weekday())


class DropOldPartitionsCronApp(ProcedureCronApp):
    app_name = "drop-old-partitions"
    procedure = "drop_named_partitions"
    socorro_class = "socorro.cron.jobs.drop_old_partitions.DropOldPartitionsCronApp"

    def arguments(self, when: dt.datetime) -> tuple[Any, ...]:
        return (retention_cutoff(when, int(self.config["CRASHSTATS_PARTITION_RETENTION_MONTHS"])),)
