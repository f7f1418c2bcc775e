"""Each job wrapper calls its procedure with Socorro's arguments (yesterday for the matviews, the
hour before last for reports-clean, ...), through the real runner.

The report procedures (and any still pending, tests/jobs/test_pending.py) are replaced, in this
throwaway database only, by stubs recording their arguments: the test checks the wrappers, not
the reports (tests/reports does). Partition maintenance runs for real.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg
from psycopg import sql as pgsql

from jobs import registry
from jobs.base import ProcedureCronApp, describe_call, describe_value
from tests.jobs.conftest import utc

#: procedures that run for real in this test (the others are stubbed)
REAL = {"weekly_report_partitions", "run_partman_maintenance", "drop_named_partitions", "truncate_partitions"}

NOW = utc(2026, 3, 4, 7, 35)  # a Wednesday, after every pinned time of the default list

YESTERDAY = ("2026-03-03",)
EXPECTED: dict[str, list[tuple[str, ...]]] = {
    "weekly_report_partitions": [("2", "2026-03-04 07:35:00+00")],
    "run_partman_maintenance": [()],
    "update_reports_duplicates": [
        ("2026-03-04 04:00:00+00", "2026-03-04 05:00:00+00"),
        ("2026-03-04 04:30:00+00", "2026-03-04 05:30:00+00"),
    ],
    "update_reports_clean": [("2026-03-04 05:00:00+00",)],
    "update_product_versions": [()],
    "drop_named_partitions": [("2025-03-03",)],  # the Monday on or before 2025-03-04
    "truncate_partitions": [("26",)],
    "update_server_status": [("2026-03-04 07:35:00+00",)],
    **{
        name: [YESTERDAY]
        for name in (
            "update_signatures",
            "update_tcbs",
            "update_tcbs_build",
            "update_exploitability",
            "update_rank_compare",
            "update_adu",
            "update_build_adu",
            "update_crashes_by_user",
            "update_crashes_by_user_build",
            "update_home_page_graph",
            "update_home_page_graph_build",
            "update_crash_adu_by_build_signature",
            "update_gccrashes",
            "update_explosiveness",
            "update_search_facets",
            "update_signature_summary_products",
            "update_signature_summary_installations",
            "update_signature_summary_uptime",
            "update_signature_summary_os",
            "update_signature_summary_process_type",
            "update_signature_summary_architecture",
            "update_signature_summary_flash_version",
            "update_signature_summary_device",
            "update_signature_summary_graphics",
        )
    },
}


def _pg_type(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return "timestamptz"
    if isinstance(value, dt.date):
        return "date"
    if isinstance(value, int):
        return "integer"
    return "text"


def install_stubs(url: str, when: dt.datetime, config) -> None:  # type: ignore[no-untyped-def]
    """Replace every procedure a default job calls, except REAL, by a stub recording its arguments."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE TABLE job_test_calls (id serial, procedure text, args text[])")
        for cls in registry.job_classes():
            if not issubclass(cls, ProcedureCronApp) or cls.procedure in REAL:
                continue
            for name, args in cls(config).calls(when)[:1]:
                for (ident,) in conn.execute(
                    "SELECT oid::regprocedure::text FROM pg_proc WHERE proname = %s", (name,)
                ).fetchall():
                    conn.execute(pgsql.SQL("DROP FUNCTION {} CASCADE").format(pgsql.SQL(ident)))
                params = ", ".join(_pg_type(a) for a in args)
                texts = ", ".join(f"${i + 1}::text" for i in range(len(args)))
                conn.execute(
                    pgsql.SQL(
                        "CREATE FUNCTION {name}({params}) RETURNS void LANGUAGE plpgsql AS $$ BEGIN "
                        "INSERT INTO job_test_calls (procedure, args)"
                        " VALUES ({label}, ARRAY[{texts}]::text[]); "
                        "RAISE NOTICE 'stub %', {label}; END $$"
                    ).format(
                        name=pgsql.Identifier(name),
                        params=pgsql.SQL(params),
                        label=pgsql.Literal(name),
                        texts=pgsql.SQL(texts),
                    )
                )


def test_every_default_job_calls_its_procedure_with_socorros_arguments(harness, make_config) -> None:
    h = harness("", NOW)  # empty crontabber__jobs: the built-in DEFAULT_JOBS
    install_stubs(h.url, NOW, h.config)
    outcomes = h.tick()
    assert {o.status for o in outcomes} == {"ran"}, [(o.app_name, o.message) for o in outcomes if not o.ok]
    assert {o.app_name for o in outcomes} == set(h.tabber.jobs.app_names)

    calls: dict[str, list[tuple[str, ...]]] = {}
    for row in h.sql("SELECT procedure, args FROM job_test_calls ORDER BY id"):
        calls.setdefault(row["procedure"], []).append(tuple(row["args"]))
    assert calls == {k: v for k, v in EXPECTED.items() if k not in REAL}
    for app, call in (
        ("drop-old-partitions", "drop_named_partitions('2025-03-03')"),
        ("truncate-partitions", "truncate_partitions(26)"),
    ):
        [run] = h.log(app)
        assert any(notice.startswith(call) for notice in run["notices"]), run["notices"]

    # the real procedures ran for real: this week's and two more weeks' partitions exist
    weeks = h.sql(
        "SELECT DISTINCT week_begins FROM weekly_partitions WHERE table_name = 'reports' ORDER BY 1"
    )
    assert [r["week_begins"] for r in weeks] == [
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 9),
        dt.date(2026, 3, 16),
    ]
    [weekly] = h.log("weekly-reports-partitions")
    assert weekly["notices"][-1].startswith("weekly_report_partitions(2, '2026-03-04 07:35:00+00') -> [")
    assert "'reports_20260302'" in weekly["notices"][-1]
    # the function's own notices come first
    assert (
        "NOTICE: created partition reports_20260302 of reports for the week of 2026-03-02"
        in weekly["notices"]
    )
    [partman] = h.log("partman-maintenance")
    assert partman["notices"] == [
        "NOTICE: pg_partman is not installed in this database: no partman-managed tables to maintain",
        "run_partman_maintenance() -> 0",
    ]
    # every stubbed call is logged with the procedure's notice and the call as typed in psql
    [tcbs] = h.log("tcbs-matview")
    assert tcbs["success"] == NOW
    assert tcbs["notices"] == ["NOTICE: stub update_tcbs", "update_tcbs('2026-03-03') -> void"]
    # the descriptions (--dry-run, logs) name procedure and day
    job = h.tabber.jobs.get("reports-clean").job_class(h.config)
    assert job.describe(NOW) == "update_reports_clean('2026-03-04 05:00:00+00')"


def test_backfilled_matview_days_are_each_interval_yesterday(harness) -> None:
    h = harness("jobs.matviews.TCBSCronApp|1d|05:00", utc(2026, 3, 2, 5, 0))
    install_stubs(h.url, NOW, h.config)
    h.tabber.run_job("tcbs-matview", force=True)  # dependencies are not in the list anyway
    h.clock.set(utc(2026, 3, 5, 5, 0))
    h.tick()
    rows = h.sql("SELECT args FROM job_test_calls WHERE procedure = 'update_tcbs' ORDER BY id")
    assert [r["args"] for r in rows] == [["2026-03-01"], ["2026-03-02"], ["2026-03-03"], ["2026-03-04"]]


def test_settings_reach_the_arguments(make_config) -> None:
    from jobs.drop_old_partitions import DropOldPartitionsCronApp
    from jobs.truncate_partitions import TruncatePartitionsCronApp

    config = make_config(CRASHSTATS_PARTITION_TRUNCATE_WEEKS=8, CRASHSTATS_PARTITION_RETENTION_MONTHS=18)
    assert TruncatePartitionsCronApp(config).describe(NOW) == "truncate_partitions(8)"
    assert DropOldPartitionsCronApp(config).describe(NOW) == (
        f"drop_named_partitions(retention_cutoff(18, {describe_value(NOW)}))"
    )


def test_describe_call_reads_like_psql() -> None:
    assert describe_call("f", (dt.date(2026, 1, 2), utc(2026, 1, 2, 3, 4), 5, "it's", None, True)) == (
        "f('2026-01-02', '2026-01-02 03:04:00+00', 5, 'it''s', NULL, true)"
    )
