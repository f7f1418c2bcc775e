"""Which SQL the jobs call that is not on this branch yet.

The report procedures (issue 6) are written on another branch. The jobs calling
them are declared already; this test fails as soon as the list is wrong in either direction:
a procedure a job calls that is neither in the schema nor listed here, or a listed one that now
exists (prune it when merging, so the list cannot rot).
"""

from __future__ import annotations

import psycopg

from jobs import registry
from jobs.spec import split_items

PENDING_PROCEDURES = {
    # issue 6: the report pipeline
    "update_reports_duplicates",
    "update_reports_clean",
    "update_product_versions",
    "update_signatures",
    "update_tcbs",
    "update_tcbs_build",
    "update_exploitability",
    "update_rank_compare",
    "update_signature_summary_products",
    "update_signature_summary_installations",
    "update_signature_summary_uptime",
    "update_signature_summary_os",
    "update_signature_summary_process_type",
    "update_signature_summary_architecture",
    "update_signature_summary_flash_version",
    "update_signature_summary_device",
    "update_signature_summary_graphics",
    "update_adu",
    "update_build_adu",
    "update_crashes_by_user",
    "update_crashes_by_user_build",
    "update_home_page_graph",
    "update_home_page_graph_build",
    "update_crash_adu_by_build_signature",
    "update_gccrashes",
    "update_explosiveness",
    "add_new_release",
}

#: tables our SQL reads that other branches create, and the function reading them
PENDING_TABLES = {
    "tcbs": "signature_alerts_collect",
    "explosiveness": "signature_alerts_collect",
}


def _existing_functions(sql: psycopg.Connection, names: set[str]) -> set[str]:
    rows = sql.execute(
        "SELECT DISTINCT proname FROM pg_proc"
        " WHERE pronamespace = 'public'::regnamespace AND proname = ANY(%s)",
        (sorted(names),),
    ).fetchall()
    return {row["proname"] for row in rows}


def test_every_jobs_procedure_exists_except_the_pending_ones(sql: psycopg.Connection) -> None:
    called = {name for cls in registry.job_classes() for name in cls.procedures}
    assert called >= PENDING_PROCEDURES, f"listed but called by no job: {PENDING_PROCEDURES - called}"
    existing = _existing_functions(sql, called)
    missing = called - existing - PENDING_PROCEDURES
    assert missing == set(), f"jobs call functions that neither exist nor are pending: {missing}"
    arrived = PENDING_PROCEDURES & existing
    assert arrived == set(), f"now in the schema, remove from PENDING_PROCEDURES: {arrived}"


def test_every_default_job_is_a_job_class_we_ship() -> None:
    default_classes = {item.split("|")[0] for item in split_items(registry.DEFAULT_JOBS)}
    ours = {registry.class_path(cls) for cls in registry.job_classes()}
    assert default_classes == ours


def test_pending_tables(sql: psycopg.Connection) -> None:
    for table, reader in PENDING_TABLES.items():
        assert sql.execute("SELECT to_regclass(%s) AS t", (table,)).fetchone()["t"] is None, (
            f"{table} exists now: remove it from PENDING_TABLES"
        )
        body = sql.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", (reader,)).fetchone()["prosrc"]
        assert f" {table} " in body
