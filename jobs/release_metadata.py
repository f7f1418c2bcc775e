"""release-metadata: new builds from release engineering metadata, into releases_raw and
product_versions (in place of Socorro's FTPScraperCronApp, which scraped archive.mozilla.org).

``CRASHSTATS_RELEASE_METADATA_SOURCE`` lists JSON files, directories of ``*.json`` files
(recursively) or http(s) URLs answering JSON. Each holds build documents shaped like
archive.mozilla.org's build info, Buildhub records or flat records (see the SQL function
``release_metadata_parse``). Each new build goes to ``add_new_release``; when any was added,
``update_product_versions`` derives the versions. A document that cannot be read, or that
add_new_release refuses (unknown product, bad channel, ...), is listed in the run's notices and
the others are kept; a source that cannot be reached fails the run (retried).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from jobs.base import CronApp, JobRun
from jobs.http import FetchError, get_json, is_url, safe_url

log = logging.getLogger(__name__)

MAX_LISTED = 100


class ReleaseMetadataCronApp(CronApp):
    app_name = "release-metadata"
    app_description = "new builds from release metadata -> add_new_release(...); update_product_versions()"
    procedures = ("release_metadata_parse", "add_new_release", "update_product_versions")
    required_settings = ("CRASHSTATS_RELEASE_METADATA_SOURCE",)
    socorro_class = "socorro.cron.jobs.ftpscraper.FTPScraperCronApp"
    refreshes_web_cache = True

    def documents(self, problems: list[str]) -> Iterator[tuple[str, Any]]:
        """(origin, parsed JSON) per file or URL; unreadable files go to ``problems``."""
        timeout = float(self.config["CRASHSTATS_HTTP_TIMEOUT"])
        for source in self.config["CRASHSTATS_RELEASE_METADATA_SOURCE"]:
            if is_url(source):
                yield safe_url(source), get_json(source, timeout=timeout)
                continue
            path = Path(source)
            if path.is_dir():
                files = sorted(p for p in path.rglob("*.json") if p.is_file())
            elif path.is_file():
                files = [path]
            else:
                raise FetchError(f"{source}: no such file or directory")
            for file in files:
                try:
                    yield str(file), json.loads(file.read_text(encoding="utf-8"))
                except (OSError, UnicodeDecodeError, ValueError) as exc:
                    problems.append(f"{file}: not readable JSON ({exc})")

    def run(self, run: JobRun) -> None:
        problems: list[str] = []
        added = known = 0
        for origin, document in self.documents(problems):
            rows = run.conn.execute(
                "SELECT * FROM release_metadata_parse(%(doc)s)", {"doc": Jsonb(document)}
            ).fetchall()
            for row in rows:
                where = f"{origin} #{row['doc_index']}"
                if row["error"]:
                    problems.append(f"{where}: {row['error']}")
                elif not row["is_new"]:
                    known += 1
                elif self._add(run, row, where, problems):
                    added += 1
        run.notice(f"release metadata: {added} new builds, {known} already known, {len(problems)} rejected")
        for problem in problems[:MAX_LISTED]:
            run.notice(f"rejected {problem}")
        if len(problems) > MAX_LISTED:
            run.notice(f"... and {len(problems) - MAX_LISTED} more rejected")
        if problems:
            log.warning("release-metadata: %d documents rejected (see crontabber_log)", len(problems))
        if added:
            run.call("update_product_versions")

    def _add(self, run: JobRun, row: dict[str, Any], where: str, problems: list[str]) -> bool:
        """add_new_release for one build, in a savepoint so a refusal keeps the others."""
        try:
            with run.conn.transaction():
                result = run.conn.execute(
                    "SELECT add_new_release(%(product)s, %(version)s, %(channel)s, %(build_id)s,"
                    " %(platform)s, %(beta_number)s, %(repository)s, %(version_build)s,"
                    " false, true) AS added",
                    {
                        "product": row["product_name"],
                        "version": row["version"],
                        "channel": row["update_channel"],
                        "build_id": row["build_id"],
                        "platform": row["platform"],
                        "beta_number": row["beta_number"],
                        "repository": row["repository"] or "release",
                        "version_build": row["version_build"] or "build1",
                    },
                ).fetchone()
        except psycopg.errors.UndefinedFunction:
            raise
        except psycopg.Error as exc:
            problems.append(f"{where}: add_new_release refused it: {exc.diag.message_primary or exc}")
            return False
        return bool(result and result["added"])
