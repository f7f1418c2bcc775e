"""The built-in job list (Socorro's DEFAULT_JOBS with our class paths) and class look-up.

``crontabber__jobs`` names classes by dotted path. Ours live in ``jobs.*``; Socorro's paths
from the seed (``socorro.cron.jobs.matviews.ProductVersionsCronApp``) are aliases of ours, so
the seed's example line works verbatim. Any other importable :class:`jobs.base.CronApp`
subclass may be listed too (a site's own job).
"""

from __future__ import annotations

import importlib

from jobs.base import CronApp
from pyapp.errors import ConfigError

#: Socorro's job list at the end of its PostgreSQL era, with our class paths and app names.
#: Daily report jobs run at 05:00 UTC (crash-only aggregates) and 07:30 (ADI-based ones, after
#: fetch-adi at 07:00); within one tick the runner orders jobs by their dependencies.
DEFAULT_JOBS = """
jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp|7d
jobs.partman_maintenance.PartmanMaintenanceCronApp|1d|04:00
jobs.matviews.DuplicatesCronApp|1h
jobs.matviews.ReportsCleanCronApp|1h
jobs.release_metadata.ReleaseMetadataCronApp|1h
jobs.bugzilla.BugzillaCronApp|1h
jobs.matviews.ProductVersionsCronApp|1d|05:00
jobs.matviews.SignaturesCronApp|1d|05:00
jobs.matviews.TCBSCronApp|1d|05:00
jobs.matviews.TCBSBuildCronApp|1d|05:00
jobs.matviews.ExploitabilityCronApp|1d|05:00
jobs.matviews.RankCompareCronApp|1d|05:00
jobs.matviews.SignatureSummaryProductsCronApp|1d|05:00
jobs.matviews.SignatureSummaryInstallationsCronApp|1d|05:00
jobs.matviews.SignatureSummaryUptimeCronApp|1d|05:00
jobs.matviews.SignatureSummaryOsCronApp|1d|05:00
jobs.matviews.SignatureSummaryProcessTypeCronApp|1d|05:00
jobs.matviews.SignatureSummaryArchitectureCronApp|1d|05:00
jobs.matviews.SignatureSummaryFlashVersionCronApp|1d|05:00
jobs.matviews.SignatureSummaryDeviceCronApp|1d|05:00
jobs.matviews.SignatureSummaryGraphicsCronApp|1d|05:00
jobs.matviews.SearchFacetsCronApp|1d|05:00
jobs.fetch_adi.FetchADICronApp|1d|07:00
jobs.matviews.ADUCronApp|1d|07:30
jobs.matviews.BuildADUCronApp|1d|07:30
jobs.matviews.CrashesByUserCronApp|1d|07:30
jobs.matviews.CrashesByUserBuildCronApp|1d|07:30
jobs.matviews.HomePageGraphCronApp|1d|07:30
jobs.matviews.HomePageGraphBuildCronApp|1d|07:30
jobs.matviews.CrashAduByBuildSignatureCronApp|1d|07:30
jobs.matviews.GCCrashes|1d|07:30
jobs.matviews.ExplosivenessCronApp|1d|07:30
jobs.signature_alerts.SignatureAlertsCronApp|1d|07:30
jobs.server_status.ServerStatusCronApp|5m
jobs.processor.ProcessorRetryFailedCronApp|10m
jobs.elasticsearch_cleanup.ElasticsearchCleanupCronApp|7d
jobs.drop_old_partitions.DropOldPartitionsCronApp|7d
jobs.truncate_partitions.TruncatePartitionsCronApp|7d
"""

#: modules holding our jobs (their Socorro class paths become aliases)
JOB_MODULES = (
    "jobs.weekly_reports_partitions",
    "jobs.partman_maintenance",
    "jobs.matviews",
    "jobs.release_metadata",
    "jobs.bugzilla",
    "jobs.fetch_adi",
    "jobs.signature_alerts",
    "jobs.server_status",
    "jobs.processor",
    "jobs.elasticsearch_cleanup",
    "jobs.drop_old_partitions",
    "jobs.truncate_partitions",
)

#: Socorro jobs crashstats does not need, and why (a clearer error than "unknown class")
SOCORRO_JOBS_NOT_NEEDED = {
    "socorro.cron.jobs.reprocessingjobs.ReprocessingJobsApp": (
        "reprocessing goes through the processing_queue table, no separate job"
    ),
    "socorro.cron.jobs.matviews.RawUpdateChannelCronApp": "B2G update channels are not tracked",
    "socorro.cron.jobs.matviews.AndroidDevicesCronApp": "Android device lookups are not a separate matview",
    "socorro.cron.jobs.matviews.GraphicsDeviceCronApp": "graphics device lookups are not a separate matview",
    "socorro.cron.jobs.matviews.CorrelationsAddonCronApp": "correlations are not computed by cron jobs",
    "socorro.cron.jobs.matviews.CorrelationsCoreCronApp": "correlations are not computed by cron jobs",
    "socorro.cron.jobs.matviews.CorrelationsModuleCronApp": "correlations are not computed by cron jobs",
    "socorro.cron.jobs.symbolsunpack.SymbolsUnpackCronApp": "symbols are uploaded through the web",
    "socorro.cron.jobs.laglog.LagLog": "there is no replication lag log",
}


def job_classes() -> list[type[CronApp]]:
    """Every job class of our modules, in module order."""
    classes: list[type[CronApp]] = []
    for name in JOB_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, CronApp)
                and value.app_name
                and value.__module__ == module.__name__
            ):
                classes.append(value)
    return classes


def class_path(cls: type[CronApp]) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def socorro_aliases() -> dict[str, str]:
    """Socorro class path -> our class path."""
    return {cls.socorro_class: class_path(cls) for cls in job_classes() if cls.socorro_class}


def resolve_class(path: str) -> type[CronApp]:
    """The job class named by ``path`` (ours, a Socorro alias, or any importable CronApp)."""
    path = path.strip()
    if path in SOCORRO_JOBS_NOT_NEEDED:
        raise ConfigError(
            f"crontabber__jobs: {path}: not needed in crashstats ({SOCORRO_JOBS_NOT_NEEDED[path]})"
        )
    path = socorro_aliases().get(path, path)
    module_name, _, class_name = path.rpartition(".")
    if not module_name or not class_name:
        raise ConfigError(f"crontabber__jobs: {path!r} is not a dotted.path.ClassName")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"crontabber__jobs: cannot import {module_name} for {path} ({exc})") from None
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, CronApp)) or not cls.app_name:
        raise ConfigError(f"crontabber__jobs: {path} is not a crashstats job class (jobs.base.CronApp)")
    return cls
