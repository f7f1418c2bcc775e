"""``crashstats crontabber``: the job runner, as the seed's crontabber.sh runs it from cron."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from typing import TYPE_CHECKING

from pyapp.cli.base import Context, out, whole_number
from pyapp.db import Database
from pyapp.errors import CrashstatsError, UsageError

if TYPE_CHECKING:
    from jobs.runner import Crontabber

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "crontabber",
        help="run the cron jobs that are due (system cron calls this every 5 minutes)",
        description="Run the jobs of crontabber__jobs (default: the built-in list) that are due, "
        "dependencies first, replaying missed intervals of backfill jobs; record every run in "
        "crontabber_log. Prints nothing when nothing is due. scripts/crontabber.sh is the seed's "
        "`*/5 * * * * socorro .../crontabber.sh` target.",
    )
    parser.add_argument(
        "-j", "--job", metavar="NAME", help="run only this job (app name or class path), if due"
    )
    parser.add_argument(
        "-f", "--force", action="store_true", help="with --job: run it even when not due or blocked"
    )
    parser.add_argument("--dry-run", action="store_true", help="print what would run now; run nothing")
    parser.add_argument(
        "--parallel",
        type=whole_number(1),
        metavar="N",
        help="run up to N due jobs at once, each once the due jobs it depends on have finished "
        "(default crontabber__max_parallel_jobs, 1)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--list-jobs", action="store_true", help="table of jobs: frequency, last success, next run, errors"
    )
    mode.add_argument("--reset-job", metavar="NAME", help="forget a job's state; it runs at the next tick")
    mode.add_argument(
        "--configtest", action="store_true", help="check the job list (classes, frequencies, dependencies)"
    )
    mode.add_argument(
        "--nagios", action="store_true", help="one Nagios line; exit 0 OK, 1 WARNING, 2 CRITICAL"
    )
    parser.set_defaults(func=run)


def _check_usage(args: argparse.Namespace) -> None:
    other = args.list_jobs or args.reset_job or args.configtest or args.nagios
    if args.force and not args.job:
        raise UsageError("--force needs --job NAME")
    if other and (args.job or args.dry_run):
        raise UsageError(
            "--job and --dry-run do not combine with --list-jobs/--reset-job/--configtest/--nagios"
        )


def run(ctx: Context) -> int:
    args = ctx.args
    _check_usage(args)
    if args.configtest:
        return configtest(ctx)
    if args.nagios:
        return nagios(ctx)
    from jobs.runner import Crontabber
    from jobs.spec import load_job_list

    jobs = load_job_list(ctx.config)
    parallel = args.parallel or int(ctx.config["crontabber__max_parallel_jobs"])
    with _database(ctx, parallel) as db:
        tabber = Crontabber(db, jobs, ctx.config, parallel=parallel)
        if args.list_jobs:
            return list_jobs(tabber)
        if args.reset_job:
            spec = jobs.get(args.reset_job)
            name = spec.app_name if spec else args.reset_job
            if tabber.reset(name):
                out(f"{name}: state forgotten; it runs at the next tick")
            else:
                out(f"{name}: had no state")
            return 0
        if args.dry_run:
            return dry_run(tabber, args.job)
        if args.job:
            return run_one(tabber, args.job, force=args.force)
        outcomes = tabber.run_all()
        return 1 if any(not o.ok for o in outcomes) else 0


def _database(ctx: Context, jobs_at_once: int = 1) -> Database:
    url = ctx.database_url()
    assert url is not None
    # each job running holds its transaction's connection and takes another for its bookkeeping
    return Database(
        url,
        component="crontabber",
        min_size=1,
        max_size=max(2 * jobs_at_once, int(ctx.config["CRASHSTATS_DB_POOL_MAX"])),
        connect_timeout=int(ctx.config["CRASHSTATS_DB_CONNECT_TIMEOUT"]),
    )


def run_one(tabber: Crontabber, name: str, *, force: bool) -> int:
    if tabber.jobs.get(name) is None:
        raise UsageError(f"--job {name}: no such job in the job list (see crashstats crontabber --list-jobs)")
    outcome = tabber.run_job(name, force=force)
    if outcome.status in ("not-due", "blocked", "busy", "up-to-date"):
        out(f"{outcome.app_name}: {outcome.status}: {outcome.message}")
    return 0 if outcome.ok else 1


def _time(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if value else "-"


def list_jobs(tabber: Crontabber) -> int:
    states = tabber.states()
    header = ("JOB", "FREQUENCY", "LAST SUCCESS", "NEXT RUN", "ERRORS", "STATUS")
    rows = []
    for spec in tabber.jobs.specs:
        state = states.get(spec.app_name) or {}
        rows.append(
            (
                spec.app_name,
                spec.schedule,
                _time(state.get("last_success")),
                _time(state.get("next_run")) if state.get("next_run") else "due",
                str(state.get("error_count") or 0),
                state.get("status") or "never run",
            )
        )
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        out("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    for spec, missing in tabber.jobs.not_configured:
        out(f"not configured (left out): {spec.app_name} (set {', '.join(missing)})")
    return 0


def dry_run(tabber: Crontabber, name: str | None) -> int:
    specs = None
    if name:
        spec = tabber.jobs.get(name)
        if spec is None:
            raise UsageError(
                f"--job {name}: no such job in the job list (see crashstats crontabber --list-jobs)"
            )
        specs = [spec]
    plan = tabber.plan(specs)
    if not plan:
        out("nothing is due")
    for item in plan:
        if item.action == "run":
            for description in item.descriptions:
                out(f"would run {item.app_name}: {description}")
        else:
            out(f"would skip {item.app_name} ({item.action}): {item.reason}")
    return 0


def configtest(ctx: Context) -> int:
    from jobs.spec import check_job_list

    jobs, problems = check_job_list(ctx.config)
    for problem in problems:
        out(f"error: {problem}")
    if jobs is None:
        return 1
    for warning in jobs.warnings:
        out(f"warning: {warning}")
    source = "the built-in DEFAULT_JOBS" if jobs.is_default else "crontabber__jobs"
    out(f"OK: {len(jobs.specs)} jobs from {source}")
    for spec, missing in jobs.not_configured:
        out(f"not configured (left out): {spec.app_name} (set {', '.join(missing)})")
    return 0


def nagios(ctx: Context) -> int:
    """Nagios: every failure, even reaching the database, is one CRITICAL line."""
    from jobs.runner import Crontabber
    from jobs.spec import load_job_list

    try:
        jobs = load_job_list(ctx.config)
        with _database(ctx) as db:
            status, message = Crontabber(db, jobs, ctx.config).nagios()
    except CrashstatsError as exc:
        status, message = 2, f"CRITICAL - crontabber: {exc}"
    out(message)
    return status
