"""fetch-adi: yesterday's Active Daily Installs from a configured source into raw_adi
(in place of Socorro's FetchADIFromHiveCronApp).

``CRASHSTATS_ADI_SOURCE`` is a CSV file path or an http(s) URL answering CSV in the raw_adi
column order (see :mod:`pyapp.adi`); ``{date}`` in it becomes the day (YYYY-MM-DD), e.g.
``https://stats.example.com/adi/{date}.csv``. A source that cannot be read fails the run (it is
retried, and the ADU jobs wait); malformed rows are rejected and listed in the run's notices,
the good rows kept; a source with no row for the day fails the run (the day's ADI is not there
yet). Loading a day again replaces it.
"""

from __future__ import annotations

import datetime as dt
import logging

from jobs.base import CronApp, JobRun, describe_call, yesterday
from jobs.http import is_url, open_source, safe_url
from pyapp.adi import load_adi, text_lines

log = logging.getLogger(__name__)

#: rejected rows listed one by one in the notices (the count is always there)
MAX_LISTED_REJECTS = 100


class NoADIForDay(Exception):
    """The source had no row for the day the job computes."""


class FetchADICronApp(CronApp):
    app_name = "fetch-adi"
    backfill = True
    procedures = ("raw_adi_load",)
    required_settings = ("CRASHSTATS_ADI_SOURCE",)
    socorro_class = "socorro.cron.jobs.fetch_adi_from_hive.FetchADIFromHiveCronApp"

    def source(self, day: dt.date) -> str:
        return str(self.config["CRASHSTATS_ADI_SOURCE"]).replace("{date}", day.isoformat())

    def describe(self, when: dt.datetime) -> str:
        day = yesterday(when)
        source = self.source(day)
        shown = safe_url(source) if is_url(source) else source
        return f"ADI of {day.isoformat()} from {shown} -> {describe_call('raw_adi_load', (True,))}"

    def run(self, run: JobRun) -> None:
        day = yesterday(run.when)
        source = self.source(day)
        shown = safe_url(source) if is_url(source) else source
        with open_source(source, timeout=float(self.config["CRASHSTATS_HTTP_TIMEOUT"])) as stream:
            result = load_adi(run.conn, text_lines(stream))
        run.notice(
            f"ADI from {shown}: {result.loaded} rows loaded for {result.days_text}, "
            f"{result.replaced} replaced, {len(result.rejected)} rejected"
        )
        for reject in result.rejected[:MAX_LISTED_REJECTS]:
            run.notice(f"rejected line {reject.line}: {reject.reason}: {reject.text}")
        if len(result.rejected) > MAX_LISTED_REJECTS:
            run.notice(f"... and {len(result.rejected) - MAX_LISTED_REJECTS} more rejected rows")
        if result.rejected:
            log.warning("fetch-adi: %d rows of %s rejected (see crontabber_log)", len(result.rejected), shown)
        if day not in result.days:
            raise NoADIForDay(f"no ADI rows for {day.isoformat()} in {shown}")
