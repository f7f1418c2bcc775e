"""processor-retry-failed: sends the optional crash stores (Elasticsearch, the filesystem, S3)
the processed crashes they failed to take, or that a worker stored in PostgreSQL but died before
delivering (``crashstats processor --retry-failed`` on a schedule). In the job list only when
the processor has optional stores (``destination__storage_classes``)."""

from __future__ import annotations

from jobs.base import CronApp, JobRun
from pyapp.config import Config


class ProcessorRetryFailedCronApp(CronApp):
    app_name = "processor-retry-failed"
    app_description = "send optional crash stores the processed crashes they still lack"
    procedures = ("processed_crash_deliveries_claim", "processed_crash_delivery_done")

    @classmethod
    def missing_settings(cls, config: Config) -> list[str]:
        from pyapp.processor.settings import resolve_stores

        return [] if resolve_stores(config) else ["destination__storage_classes"]

    def run(self, run: JobRun) -> None:
        from pyapp.processor.settings import ProcessorSettings

        storage = ProcessorSettings.from_config(self.config).crash_storage()
        try:
            storage.prepare(run.conn)
            delivered, failed = storage.retry_failed(run.conn)
        finally:
            storage.close()
        run.notice(f"delivered {delivered} to {', '.join(storage.destinations)}; {failed} still failing")
