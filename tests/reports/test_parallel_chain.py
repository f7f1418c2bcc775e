"""The daily chain run several steps at a time (`crashstats reports daily --jobs N`): the order
report_chain().depends_on allows, the same results as one step at a time, a failure stopping it."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql as pgsql

from pyapp import reports
from pyapp.errors import CrashstatsError, UsageError
from tests.reports.conftest import LoadedDb

FUNCTIONS = Path(__file__).resolve().parents[2] / "sql" / "functions"

#: bookkeeping written by every step or recording when a run happened, not what it computed
BOOKKEEPING = {
    "matview_runs",
    "reports_clean_runs",
    "tcbs_rank_days",
    "exploitability_window_days",
    "search_facet_days_done",
    "report_partition_info",
}

#: reads a step makes of another step's table that are not a dependency, and why
NOT_DEPENDENCIES = {
    # update_tcbs_ranks has a branch per range type: 'report' reads tcbs, 'build' tcbs_build
    ("update_tcbs", "tcbs_build"),
    ("update_tcbs_build", "tcbs"),
    # matview_begin reads reports_clean only for a step naming it as an input; these name raw_adi
    ("update_adu", "reports_clean"),
    ("update_build_adu", "reports_clean"),
    # requeue_rejected_crashes reads reports_bad only to queue crashes for the live reports
    # (reports_live_queue), which no step of the chain reads
    ("update_product_versions", "reports_bad"),
}


def _code(text: str) -> str:
    """A function file without its comments, string literals and COMMENT ON statement."""
    text = text.split("\nCOMMENT ON ", 1)[0]
    text = re.sub(r"--[^\n]*", "", text)
    return re.sub(r"'(?:[^']|'')*'", "''", text)


def _functions() -> dict[str, str]:
    return {path.stem: _code(path.read_text(encoding="utf-8")) for path in FUNCTIONS.glob("*.sql")}


def _body(step: str, functions: dict[str, str], steps: set[str]) -> str:
    """The step's function and every function it calls (other steps excluded), as one text."""
    seen: set[str] = set()
    todo = [step]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        for other in functions:
            if other not in seen and other not in steps and re.search(rf"\b{other}\s*\(", functions[name]):
                todo.append(other)
    return "\n".join(functions[name] for name in sorted(seen))


@pytest.fixture(scope="module")
def chain(loaded: LoadedDb) -> list[dict]:
    return reports.chain(loaded.url)


def _ancestors(chain: list[dict]) -> dict[str, set[str]]:
    deps = {s["proc_name"]: set(s["depends_on"]) for s in chain}
    result: dict[str, set[str]] = {}
    for step in chain:  # chain order: a step's dependencies come before it
        name = step["proc_name"]
        result[name] = set().union(deps[name], *(result[d] for d in deps[name]))
    return result


def test_each_dependency_is_an_earlier_step(chain: list[dict]) -> None:
    order = {s["proc_name"]: s["step"] for s in chain}
    assert order, "report_chain() is empty"
    for step in chain:
        for dep in step["depends_on"]:
            assert dep in order, f"{step['proc_name']} depends on {dep}, not a step"
            assert order[dep] < step["step"], f"{step['proc_name']} depends on the later {dep}"
    names = [s["proc_name"] for s in chain]
    assert len(set(names)) == len(names)


def test_every_table_a_step_reads_from_another_step_is_a_dependency(chain: list[dict]) -> None:
    """Read from the function files: a step that reads (directly or through the functions it
    calls) a table another step writes must depend on that step, directly or not; otherwise
    `--jobs` could compute it from the day's old rows."""
    functions = _functions()
    steps = {s["proc_name"] for s in chain}
    write_re = re.compile(
        r"\b(?:INSERT\s+INTO|DELETE\s+FROM|UPDATE|TRUNCATE(?:\s+TABLE)?)\s+(?!SET\b)(\w+)", re.I
    )
    bodies = {name: _body(name, functions, steps) for name in steps}
    writes = {
        name: {w.lower() for w in write_re.findall(body)} - BOOKKEEPING for name, body in bodies.items()
    }
    writers: dict[str, set[str]] = {}
    for name, tables in writes.items():
        for table in tables:
            writers.setdefault(table, set()).add(name)
    assert {"update_reports_clean"} <= writers["reports_clean"] and writers["tcbs"] == {"update_tcbs"}
    ancestors = _ancestors(chain)
    missing = []
    for name, body in bodies.items():
        for table, by in writers.items():
            if table in writes[name] or not re.search(rf"\b{table}\b", body, re.I):
                continue
            for writer in sorted(by - {name}):
                if writer not in ancestors[name] and (name, table) not in NOT_DEPENDENCIES:
                    missing.append(f"{name} reads {table} ({writer})")
    assert not missing, missing


def _digests(url: str) -> dict[str, str]:
    """md5 of every table's rows in a fixed order (partitions under their parent), without the
    surrogate keys a rerun draws again from a sequence."""
    with psycopg.connect(url) as conn:
        columns = conn.execute(
            "SELECT c.table_name, array_agg(c.column_name::text ORDER BY c.ordinal_position)"
            "  FROM information_schema.columns c"
            "  JOIN pg_class r ON r.relname = c.table_name"
            "   AND r.relnamespace = current_schema()::regnamespace"
            " WHERE c.table_schema = current_schema() AND r.relkind IN ('r', 'p') AND NOT r.relispartition"
            "   AND c.is_identity = 'NO' AND coalesce(c.column_default, '') NOT LIKE 'nextval(%'"
            " GROUP BY c.table_name"
        ).fetchall()
        digests = {}
        for table, names in columns:
            if table in BOOKKEEPING:
                continue
            row = pgsql.SQL(", ").join(pgsql.Identifier(n) for n in names)
            query = pgsql.SQL(
                "SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), ''))"
                "  FROM (SELECT ROW({})::text AS x FROM {}) t"
            ).format(row, pgsql.Identifier(table))
            digests[table] = conn.execute(query).fetchone()[0]
        return digests


@pytest.fixture(scope="module")
def parallel_run(
    loaded: LoadedDb,
) -> Iterator[tuple[dict[str, str], list[reports.StepTiming], dict[str, str]]]:
    before = _digests(loaded.url)
    timings = reports.run_day(loaded.url, loaded.days[-1], replace=True, jobs=4)
    yield before, timings, _digests(loaded.url)


def test_jobs_give_the_same_tables_as_one_step_at_a_time(parallel_run, chain: list[dict]) -> None:
    before, timings, after = parallel_run
    assert {t.proc_name for t in timings} == {s["proc_name"] for s in chain}
    assert all(t.result for t in timings if t.proc_name != "update_product_versions")
    assert {"reports_clean", "tcbs", "tcbs_ranks", "signature_summary_os", "rank_compare"} <= set(before)
    changed = sorted(t for t in before if before[t] != after.get(t))
    assert not changed, f"tables that differ after the --jobs rerun: {changed}"


def test_each_step_starts_after_its_dependencies_and_steps_overlap(parallel_run, chain: list[dict]) -> None:
    _, timings, _ = parallel_run
    by_name = {t.proc_name: t for t in timings}
    for step in chain:
        timing = by_name[step["proc_name"]]
        for dep in step["depends_on"]:
            assert timing.started >= by_name[dep].started + by_name[dep].seconds, (step["proc_name"], dep)
    spans = sorted((t.started, t.started + t.seconds) for t in timings)
    overlapping = sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
    assert overlapping >= 3, spans


def test_a_failed_step_stops_the_run_and_its_dependents_never_start(loaded: LoadedDb) -> None:
    """A day without ADI: update_adu and update_build_adu refuse it; steps that need them are not
    run, and the error is the step's own."""
    day = loaded.days[-1]
    seen: list[str] = []
    with psycopg.connect(loaded.url) as conn:
        conn.execute("CREATE TEMP TABLE kept_adi AS SELECT * FROM raw_adi WHERE date = %s", (day,))
        assert conn.execute("SELECT count(*) FROM kept_adi").fetchone()[0] > 0
        conn.execute("DELETE FROM raw_adi WHERE date = %s", (day,))
        conn.commit()
        try:
            with pytest.raises(CrashstatsError, match="raw_adi has no rows") as info:
                reports.run_day(
                    loaded.url,
                    day,
                    replace=True,
                    jobs=3,
                    only=[
                        "update_product_versions",
                        "update_adu",
                        "update_crashes_by_user",
                        "update_signatures",
                    ],
                    on_step=lambda t: seen.append(t.proc_name),
                )
        finally:
            conn.execute("INSERT INTO raw_adi SELECT * FROM kept_adi")
            conn.commit()
    assert "update_adu" in str(info.value)
    assert "update_product_versions" in seen and "update_adu" not in seen
    assert "update_crashes_by_user" not in seen


def test_jobs_must_be_positive(loaded: LoadedDb) -> None:
    with pytest.raises(UsageError, match="1 or more"):
        reports.run_day(loaded.url, loaded.days[-1], jobs=0)
