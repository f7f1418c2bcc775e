"""crontabber__jobs: the seed's format, aliases, validation, dependency order, DEFAULT_JOBS."""

from __future__ import annotations

import datetime as dt

import pytest

from jobs import registry
from jobs.base import CronApp, ProcedureCronApp
from jobs.spec import check_job_list, load_job_list, parse_frequency, parse_time, split_items
from pyapp.errors import ConfigError

#: the seed's crontabber.conf line, verbatim
SEED_JOBS = (
    "socorro.cron.jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp|7d, "
    "socorro.cron.jobs.matviews.ProductVersionsCronApp|1d|05:00, "
    "socorro.cron.jobs.truncate_partitions.TruncatePartitionsCronApp|7d"
)
S = "tests.jobs.sample_jobs."


def test_the_seeds_line_parses_into_our_jobs(make_config) -> None:
    jobs = load_job_list(make_config(crontabber__jobs=SEED_JOBS))
    assert [(s.app_name, s.class_path, s.frequency, s.time) for s in jobs.specs] == [
        (
            "weekly-reports-partitions",
            "jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp",
            dt.timedelta(days=7),
            None,
        ),
        (
            "product-versions-matview",
            "jobs.matviews.ProductVersionsCronApp",
            dt.timedelta(days=1),
            dt.time(5, 0),
        ),
        (
            "truncate-partitions",
            "jobs.truncate_partitions.TruncatePartitionsCronApp",
            dt.timedelta(days=7),
            None,
        ),
    ]
    assert [s.schedule for s in jobs.specs] == ["7d", "1d|05:00", "7d"]
    assert not jobs.is_default
    # product-versions-matview depends on reports-clean, which the seed's line leaves out
    assert jobs.depends_on["product-versions-matview"] == ()
    assert jobs.warnings == [
        "product-versions-matview depends on reports-clean, not in crontabber__jobs: "
        "that dependency is not checked"
    ]


def test_the_seeds_crontabber_conf_file_loads(tmp_path) -> None:
    from pyapp.config import load_config

    conf = tmp_path / "socorro-config"
    conf.mkdir()
    (conf / "crontabber.conf").write_text(f"crontabber__jobs='{SEED_JOBS}'\n")
    jobs = load_job_list(load_config(environ={}, config_dir=conf))
    assert jobs.app_names == ["weekly-reports-partitions", "product-versions-matview", "truncate-partitions"]


def test_newlines_commas_and_comments() -> None:
    text = """
        # the partition jobs
        jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp|7d   # weekly
        jobs.matviews.DuplicatesCronApp|1h, jobs.matviews.ReportsCleanCronApp|1h
        #jobs.matviews.TCBSCronApp|1d|05:00, jobs.matviews.ADUCronApp|1d
    """
    assert split_items(text) == [
        "jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp|7d",
        "jobs.matviews.DuplicatesCronApp|1h",
        "jobs.matviews.ReportsCleanCronApp|1h",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5m", dt.timedelta(minutes=5)),
        ("1h", dt.timedelta(hours=1)),
        ("7d", dt.timedelta(days=7)),
        (" 30m ", dt.timedelta(minutes=30)),
    ],
)
def test_frequencies(text: str, expected: dt.timedelta) -> None:
    assert parse_frequency(text) == expected


@pytest.mark.parametrize("text", ["0d", "5", "1w", "h", "-1h", "1.5h"])
def test_bad_frequencies(text: str) -> None:
    with pytest.raises(ValueError, match="is not <n>m, <n>h or <n>d"):
        parse_frequency(text)


def test_times() -> None:
    assert parse_time("05:00") == dt.time(5, 0)
    assert parse_time("23:59") == dt.time(23, 59)
    for bad in ("24:00", "5", "05:60", "5pm"):
        with pytest.raises(ValueError, match="is not HH:MM"):
            parse_time(bad)


@pytest.mark.parametrize(
    ("jobs", "message"),
    [
        (
            "jobs.matviews.DuplicatesCronApp|1h|05:00",
            "a time of day (|HH:MM) needs a frequency of a day or more",
        ),
        ("jobs.matviews.DuplicatesCronApp|90m|05:00", "needs a frequency of a day or more"),
        ("jobs.matviews.DuplicatesCronApp", "expected dotted.path.ClassName|<n>(m|h|d)[|HH:MM]"),
        ("jobs.matviews.DuplicatesCronApp|1x", "frequency '1x' is not"),
        ("jobs.matviews.DuplicatesCronApp|1d|25:00", "time '25:00' is not HH:MM"),
        ("jobs.matviews.NoSuchCronApp|1d", "jobs.matviews.NoSuchCronApp is not a crashstats job class"),
        ("nosuchmodule.Job|1d", "cannot import nosuchmodule"),
        (f"{S}NotAJob|1d", "is not a crashstats job class"),
        ("socorro.cron.jobs.reprocessingjobs.ReprocessingJobsApp|5m", "not needed in crashstats"),
        ("jobs.matviews.DuplicatesCronApp|1h, socorro.cron.jobs.matviews.DuplicatesCronApp|1h", "same job"),
        (f"{S}A|1h\n{S}B|1h\n{S}C|1h", "circular dependency: "),
        ("jobs.fetch_adi.FetchADICronApp|1d|07:00", "fetch-adi needs CRASHSTATS_ADI_SOURCE to be set"),
    ],
)
def test_configuration_errors_name_the_item(make_config, jobs: str, message: str) -> None:
    config = make_config(crontabber__jobs=jobs)
    listed, problems = check_job_list(config)
    assert listed is None
    assert any(message in p for p in problems), problems
    assert all(p.startswith("crontabber__jobs: ") for p in problems)
    with pytest.raises(ConfigError, match="crontabber__jobs"):
        load_job_list(config)


def test_a_cycle_is_reported_with_its_path(make_config) -> None:
    _, problems = check_job_list(make_config(crontabber__jobs=f"{S}A|1h, {S}B|1h, {S}C|1h"))
    [problem] = problems
    cycle = problem.split("circular dependency: ")[1].split(" -> ")
    assert cycle[0] == cycle[-1] and sorted(set(cycle)) == ["a", "b", "c"]


def test_dependencies_run_first_otherwise_list_order(make_config) -> None:
    jobs = load_job_list(
        make_config(
            crontabber__jobs=(
                "jobs.matviews.TCBSCronApp|1d|05:00,"
                " jobs.weekly_reports_partitions.WeeklyReportsPartitionsCronApp|7d,"
                " jobs.matviews.ReportsCleanCronApp|1h, jobs.matviews.DuplicatesCronApp|1h,"
                " jobs.matviews.SignaturesCronApp|1d|05:00, jobs.matviews.ProductVersionsCronApp|1d|05:00"
            )
        )
    )
    assert jobs.app_names == [
        "duplicates",
        "reports-clean",
        "product-versions-matview",
        "signatures-matview",
        "tcbs-matview",
        "weekly-reports-partitions",
    ]


def test_jobs_are_found_by_app_name_or_class_path(make_config) -> None:
    jobs = load_job_list(make_config(crontabber__jobs=SEED_JOBS))
    for name in (
        "truncate-partitions",
        "jobs.truncate_partitions.TruncatePartitionsCronApp",
        "socorro.cron.jobs.truncate_partitions.TruncatePartitionsCronApp",
    ):
        spec = jobs.get(name)
        assert spec is not None and spec.app_name == "truncate-partitions"
    assert jobs.get("tcbs-matview") is None


def test_default_jobs(make_config) -> None:
    jobs = load_job_list(make_config())
    assert jobs.is_default
    names = jobs.app_names
    for name in (
        "weekly-reports-partitions",
        "duplicates",
        "reports-clean",
        "product-versions-matview",
        "signatures-matview",
        "tcbs-matview",
        "adu-matview",
        "build-adu-matview",
        "crashes-by-user-matview",
        "home-page-graph-matview",
        "drop-old-partitions",
        "truncate-partitions",
        "server-status",
    ):
        assert name in names
    # jobs that need settings are left out until configured, and say which
    assert {spec.app_name: missing for spec, missing in jobs.not_configured} == {
        "fetch-adi": ["CRASHSTATS_ADI_SOURCE"],
        "release-metadata": ["CRASHSTATS_RELEASE_METADATA_SOURCE"],
        "bugzilla-associations": ["CRASHSTATS_BUGZILLA_URL"],
        "signature-alerts": ["CRASHSTATS_ALERT_WEBHOOKS"],
        "elasticsearch-cleanup": ["resource__elasticsearch__elasticsearch_urls"],
        "processor-retry-failed": ["destination__storage_classes"],
    }
    configured = load_job_list(
        make_config(
            CRASHSTATS_ADI_SOURCE="/tmp/adi-{date}.csv",
            CRASHSTATS_RELEASE_METADATA_SOURCE="/tmp/releases",
            CRASHSTATS_BUGZILLA_URL="https://bugzilla.example.com",
            CRASHSTATS_ALERT_WEBHOOKS="slack:https://hooks.example.com/x",
            ELASTICSEARCH_URL="http://127.0.0.1:9200",
            destination__storage_classes="socorro.external.es.crashstorage.ESCrashStorage",
        )
    )
    assert configured.not_configured == []
    assert {
        "fetch-adi",
        "release-metadata",
        "bugzilla-associations",
        "signature-alerts",
        "elasticsearch-cleanup",
        "processor-retry-failed",
    } <= set(configured.app_names)
    # the ADI jobs wait for fetch-adi, the alerts for the reports
    order = configured.app_names
    assert order.index("fetch-adi") < order.index("adu-matview") < order.index("crashes-by-user-matview")
    assert order.index("explosiveness-matview") < order.index("signature-alerts")
    assert configured.depends_on["adu-matview"] == ("fetch-adi", "reports-clean")


def test_every_default_job_declares_what_it_calls() -> None:
    for cls in registry.job_classes():
        assert issubclass(cls, CronApp)
        assert cls.procedures or cls.app_name == "elasticsearch-cleanup", cls
        if issubclass(cls, ProcedureCronApp):
            assert cls.procedures == (cls.procedure,)


def test_socorro_class_paths_are_aliases_of_ours() -> None:
    aliases = registry.socorro_aliases()
    assert aliases["socorro.cron.jobs.matviews.TCBSCronApp"] == "jobs.matviews.TCBSCronApp"
    assert (
        aliases["socorro.cron.jobs.fetch_adi_from_hive.FetchADIFromHiveCronApp"]
        == "jobs.fetch_adi.FetchADICronApp"
    )
    assert (
        aliases["socorro.cron.jobs.ftpscraper.FTPScraperCronApp"]
        == "jobs.release_metadata.ReleaseMetadataCronApp"
    )
    assert registry.resolve_class("socorro.cron.jobs.matviews.GCCrashes").app_name == "update-gccrashes"


def test_our_jobs_depend_only_on_our_jobs() -> None:
    classes = registry.job_classes()
    names = [cls.app_name for cls in classes]
    assert len(names) == len(set(names))
    for cls in classes:
        assert set(cls.depends_on) <= set(names), cls
