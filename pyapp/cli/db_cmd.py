"""``crashstats db``: the embedded PostgreSQL and the schema revisions."""

from __future__ import annotations

import argparse
import os
import shutil

from pyapp import migrate, schema
from pyapp.cli.base import Context, mask_url, out
from pyapp.embedded import cluster_from_config
from pyapp.errors import ClusterError, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "db",
        help="start/stop the embedded PostgreSQL; upgrade/downgrade the schema",
        description="Manage the database: the embedded cluster (start, stop, status, url, psql) "
        "and the breakpad schema revisions (upgrade, downgrade, current, history, revision).",
    )
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True

    p = sub.add_parser("start", help="start the embedded PostgreSQL (initialising it on first use)")
    p.set_defaults(func=start)
    p = sub.add_parser("stop", help="stop the embedded PostgreSQL")
    p.set_defaults(func=stop)
    p = sub.add_parser("status", help="where the embedded PostgreSQL is and whether it runs")
    p.set_defaults(func=status)
    p = sub.add_parser("url", help="print the database URL every command uses (with its password)")
    p.set_defaults(func=url)
    p = sub.add_parser(
        "psql",
        help="open psql on the breakpad database",
        description="Run psql on the database every command uses; every argument after `psql` "
        'goes to psql, e.g. crashstats db psql -At -c "SELECT 1".',
    )
    p.set_defaults(func=psql, psql_args=[])

    p = sub.add_parser("upgrade", help="upgrade the schema (default: to the newest revision)")
    p.add_argument("target", nargs="?", default="head", help="revision to reach (default head)")
    p.set_defaults(func=upgrade)
    p = sub.add_parser("downgrade", help="downgrade the schema; `downgrade base` removes it")
    p.add_argument("target", help="revision to go back to, -1 for one step, or base")
    p.set_defaults(func=downgrade)
    p = sub.add_parser("current", help="print the schema revision of the database")
    p.set_defaults(func=current)
    p = sub.add_parser("history", help="list the schema revisions")
    p.set_defaults(func=history)
    p = sub.add_parser(
        "revision",
        help="(developers) freeze changed sql/ files into a new revision",
        description="Write migrations/versions/<id>_<slug>.py applying every sql/ file that differs "
        "from its latest frozen copy (or the files given), and freeze their text.",
    )
    p.add_argument("-m", "--message", required=True, help="what the revision changes")
    p.add_argument("--id", dest="rev_id", help="revision id (default: next number)")
    p.add_argument("files", nargs="*", help="sql/ files to include, e.g. functions/build_date.sql")
    p.set_defaults(func=revision)


def _cluster(ctx: Context):
    if ctx.config.database_url():
        raise ClusterError(
            "a database is configured (DATABASE_URL or resource__postgresql__*); "
            "`crashstats db start|stop` manage only the embedded cluster used when none is"
        )
    return cluster_from_config(ctx.config)


def start(ctx: Context) -> int:
    cluster = _cluster(ctx)
    db_url = cluster.start()
    out(f"embedded PostgreSQL {cluster.binaries.major} running: {mask_url(db_url)}")
    out(f"data directory {cluster.datadir}; log {cluster.logfile}")
    return 0


def stop(ctx: Context) -> int:
    cluster = _cluster(ctx)
    if cluster.stop():
        out("embedded PostgreSQL stopped")
    else:
        out("embedded PostgreSQL was not running")
    return 0


def status(ctx: Context) -> int:
    configured = ctx.config.database_url()
    if configured:
        out(f"database: {mask_url(configured)} (configured)")
        return 0
    info = cluster_from_config(ctx.config).status()
    if not info["initialised"]:
        out(f"embedded PostgreSQL: not created yet ({info['datadir']}); run `crashstats db start`")
        return 3
    state = "running" if info["running"] else "stopped"
    out(f"embedded PostgreSQL: {state}, port {info['port']}, pid {info['pid'] or '-'}")
    out(f"data directory {info['datadir']}; binaries {info['binaries']}; log {info['logfile']}")
    return 0 if info["running"] else 3


def url(ctx: Context) -> int:
    out(ctx.database_url())
    return 0


def psql(ctx: Context) -> int:
    exe = shutil.which("psql")
    if exe is None:
        cluster = cluster_from_config(ctx.config)
        candidate = cluster.binaries.bindir / "psql"
        exe = str(candidate) if candidate.exists() else None
    if exe is None:
        raise UsageError("psql is not installed (apt-get install postgresql-client)")
    db_url = ctx.database_url()
    os.execv(exe, [exe, db_url, *ctx.args.psql_args])
    return 0  # not reached


def upgrade(ctx: Context) -> int:
    before, after = migrate.upgrade(ctx.database_url(), ctx.args.target)
    if before == after:
        out(f"schema already at {', '.join(after) or 'base'}")
    else:
        out(f"schema upgraded from {', '.join(before) or 'base'} to {', '.join(after)}")
    return 0


def downgrade(ctx: Context) -> int:
    before, after = migrate.downgrade(ctx.database_url(), ctx.args.target)
    out(f"schema downgraded from {', '.join(before) or 'base'} to {', '.join(after) or 'base'}")
    return 0


def current(ctx: Context) -> int:
    revisions = migrate.current(ctx.database_url())
    head = schema.head_revision()
    if not revisions:
        out("base (no schema); run `crashstats db upgrade`")
        return 0
    for rev in revisions:
        out(f"{rev} (head)" if rev == head else f"{rev} (head is {head}; run `crashstats db upgrade`)")
    return 0


def history(ctx: Context) -> int:
    for rev, down, doc in migrate.history():
        out(f"{down or 'base'} -> {rev}: {doc.splitlines()[0] if doc else ''}")
    return 0


def revision(ctx: Context) -> int:
    path = schema.make_revision(ctx.args.message, ctx.args.rev_id, ctx.args.files or None)
    out(f"wrote {path.relative_to(schema.ROOT)}")
    return 0
