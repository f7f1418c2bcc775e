"""Every SQL procedure a job calls exists in the schema.

When a job is declared before the procedure it calls (work on another branch), list the
procedure in PENDING_PROCEDURES; this test fails as soon as the list is wrong in either direction:
a procedure a job calls that is neither in the schema nor listed here, or a listed one that now
exists (prune it when merging, so the list cannot rot).
"""

from __future__ import annotations

import psycopg

from jobs import registry
from jobs.spec import split_items

PENDING_PROCEDURES: set[str] = set()


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
