"""elasticsearch-cleanup: deletes the weekly crash indices older than the retention
(Socorro's ElasticsearchCleanupCronApp and IndexCleaner), only when Elasticsearch is configured.

Indices whose name (or first alias) matches ``resource__elasticsearch__elasticsearch_index_regex``
(default ``^socorro[0-9]{6}$``) are dated by ``resource__elasticsearch__elasticsearch_index``
(default ``socorro%Y%W``: the Monday of that week) and deleted when that Monday is more than
``CRASHSTATS_ES_RETENTION_WEEKS`` (26) weeks before the run. Other indices are never touched.
Endpoints used: ``GET /*/_alias`` and ``DELETE /<index>``.
"""

from __future__ import annotations

import datetime as dt
import re

from elasticsearch import Elasticsearch

from jobs.base import CronApp, JobRun


def index_monday(name: str, pattern: str) -> dt.datetime | None:
    """The Monday an index of ``pattern`` (strftime, e.g. socorro%Y%W) stands for, or None."""
    try:
        return dt.datetime.strptime(name + "-1", pattern + "-%w").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


class ElasticsearchCleanupCronApp(CronApp):
    app_name = "elasticsearch-cleanup"
    app_description = "delete crash indices older than the retention"
    required_settings = ("resource__elasticsearch__elasticsearch_urls",)
    socorro_class = "socorro.cron.jobs.elasticsearch_cleanup.ElasticsearchCleanupCronApp"

    def client(self) -> Elasticsearch:
        return Elasticsearch(
            list(self.config["resource__elasticsearch__elasticsearch_urls"]),
            request_timeout=float(self.config["CRASHSTATS_HTTP_TIMEOUT"]),
        )

    def old_indices(self, aliases: dict[str, dict], when: dt.datetime) -> list[str]:
        """The indices (concrete names) to delete, from a GET /*/_alias answer."""
        pattern = str(self.config["resource__elasticsearch__elasticsearch_index"])
        regex = re.compile(str(self.config["resource__elasticsearch__elasticsearch_index_regex"]))
        cutoff = when - dt.timedelta(weeks=int(self.config["CRASHSTATS_ES_RETENTION_WEEKS"]))
        doomed = []
        for index, info in sorted(aliases.items()):
            names = list((info or {}).get("aliases") or {}) or [index]
            name = names[0]
            if not regex.search(name):
                continue
            monday = index_monday(name, pattern)
            if monday is not None and monday < cutoff:
                doomed.append(index)
        return doomed

    def run(self, run: JobRun) -> None:
        with self.client() as es:
            aliases = dict(es.indices.get_alias(index="*"))
            doomed = self.old_indices(aliases, run.when)
            for index in doomed:
                es.indices.delete(index=index)
        run.notice(
            f"elasticsearch: {len(aliases)} indices, deleted {len(doomed)}"
            + (f": {', '.join(doomed)}" if doomed else "")
        )
