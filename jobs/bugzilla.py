"""bugzilla-associations: which bugs mention which crash signatures (Socorro's BugzillaCronApp).

Asks the Bugzilla REST API configured in ``CRASHSTATS_BUGZILLA_URL`` for the bugs changed since
the last successful run (an hour of overlap; ``CRASHSTATS_BUGZILLA_DAYS_INTO_PAST`` days on the
first run)::

    GET /rest/bug?include_fields=id,status,resolution,summary,cf_crash_signature
                 &last_change_time=2024-01-01T00:00:00Z&limit=500&offset=0&order=bug_id

page by page, and folds each page into bugs and bug_associations with the SQL function
``update_bug_associations`` (which parses the ``[@ signature]`` entries). An API key, when
configured, goes in the X-BUGZILLA-API-KEY header. Bugzilla unreachable or answering an error
fails the run (retried in five minutes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from psycopg.types.json import Jsonb

from jobs.base import CronApp, JobRun
from jobs.http import FetchError, get_json, safe_url

FIELDS = "id,status,resolution,summary,cf_crash_signature"


class BugzillaCronApp(CronApp):
    app_name = "bugzilla-associations"
    app_description = "bugs changed since the last run -> update_bug_associations(bugs)"
    procedures = ("update_bug_associations",)
    required_settings = ("CRASHSTATS_BUGZILLA_URL",)
    socorro_class = "socorro.cron.jobs.bugzilla.BugzillaCronApp"
    refreshes_web_cache = True

    page_size = 500
    overlap = dt.timedelta(hours=1)

    def since(self, run: JobRun) -> dt.datetime:
        last = run.state.get("last_success")
        if last:
            return last - self.overlap
        return run.now - dt.timedelta(days=int(self.config["CRASHSTATS_BUGZILLA_DAYS_INTO_PAST"]))

    def query_url(self, since: dt.datetime, offset: int) -> str:
        base = str(self.config["CRASHSTATS_BUGZILLA_URL"]).rstrip("/")
        params = {
            "include_fields": FIELDS,
            "last_change_time": since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "limit": self.page_size,
            "offset": offset,
            "order": "bug_id",
        }
        return f"{base}/rest/bug?{urlencode(params)}"

    def run(self, run: JobRun) -> None:
        since = self.since(run)
        headers = {}
        if self.config["CRASHSTATS_BUGZILLA_API_KEY"]:
            headers["X-BUGZILLA-API-KEY"] = str(self.config["CRASHSTATS_BUGZILLA_API_KEY"])
        timeout = float(self.config["CRASHSTATS_HTTP_TIMEOUT"])
        totals = {
            "bugs": 0,
            "bugs_saved": 0,
            "bugs_deleted": 0,
            "associations_added": 0,
            "associations_removed": 0,
            "signatures_unknown": 0,
        }
        offset = 0
        while True:
            url = self.query_url(since, offset)
            answer: Any = get_json(url, timeout=timeout, headers=headers)
            if (
                not isinstance(answer, dict)
                or answer.get("error")
                or not isinstance(answer.get("bugs"), list)
            ):
                message = answer.get("message") if isinstance(answer, dict) else None
                raise FetchError(f"{safe_url(url)}: not a Bugzilla bug list ({message or 'no bugs array'})")
            bugs = answer["bugs"]
            if bugs:
                row = run.conn.execute(
                    "SELECT * FROM update_bug_associations(%(bugs)s)", {"bugs": Jsonb(bugs)}
                ).fetchone()
                for key, value in (row or {}).items():
                    totals[key] += int(value)
            totals["bugs"] += len(bugs)
            if len(bugs) < self.page_size:
                break
            offset += len(bugs)
        t = totals
        run.notice(
            f"bugzilla since {since:%Y-%m-%d %H:%M}Z: {t['bugs']} bugs read, {t['bugs_saved']} kept, "
            f"{t['bugs_deleted']} deleted, {t['associations_added']} associations added, "
            f"{t['associations_removed']} removed, {t['signatures_unknown']} signatures without crashes"
        )
