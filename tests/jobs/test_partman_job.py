"""partman-maintenance against a real pg_partman (the Debian package scripts/install-system-deps
installs): run_maintenance creates the partitions pg_partman's configuration asks for."""

from __future__ import annotations

import pytest

from tests.jobs.conftest import utc

pytestmark = pytest.mark.dates  # pg_partman premakes weeks from the real clock



def test_partman_maintenance_runs_pg_partmans_maintenance(harness) -> None:
    h = harness("jobs.partman_maintenance.PartmanMaintenanceCronApp|1d|04:00", utc(2026, 3, 2, 4, 0))
    h.sql("CREATE SCHEMA partman")
    h.sql("CREATE EXTENSION pg_partman SCHEMA partman")
    [outcome] = h.tick()
    assert outcome.status == "ran"
    assert h.log("partman-maintenance")[-1]["notices"] == [
        "NOTICE: pg_partman manages no table in this database: nothing to maintain",
        "run_partman_maintenance() -> 0",
    ]

    h.sql(
        "CREATE TABLE public.pm_test (id integer, created timestamptz NOT NULL) PARTITION BY RANGE (created)"
    )
    h.sql("SELECT partman.create_parent('public.pm_test', 'created', 'native', 'weekly', p_premake := 2)")

    def partitions() -> int:
        return h.sql("SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'public.pm_test'::regclass")[0][
            "n"
        ]

    before = partitions()
    h.sql(
        "UPDATE partman.part_config SET premake = 5, infinite_time_partitions = true"
        " WHERE parent_table = 'public.pm_test'"
    )
    h.clock.set(utc(2026, 3, 3, 4, 0))
    [outcome] = h.tick()
    assert outcome.status == "ran", outcome.message
    assert partitions() > before
    # pg_partman works on the real clock: five weeks are made ahead of the current one
    ahead = h.sql(
        "SELECT max(week_begins) >= date_trunc('week', now())::date + 35 AS ok"
        " FROM weekly_partitions WHERE table_name = 'pm_test'"
    )
    assert ahead == [{"ok": True}]
    assert h.log("partman-maintenance")[-1]["notices"] == [
        "NOTICE: pg_partman maintenance ran for 1 table(s)",
        "run_partman_maintenance() -> 1",
    ]
