"""Alembic, driven from Python: upgrade, downgrade, current, history, with the project's checks.

* A database at a revision this code does not know (migrated by a newer crashstats, or by
  another project) is refused before anything runs.
* A database that has tables but no ``alembic_version`` (an old Socorro database, somebody
  else's) is refused by ``upgrade``: the schema is never built on top of foreign tables.
* Migrations hold an advisory lock, so two ``db upgrade`` runs at once apply each revision once.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from pyapp import db, schema
from pyapp.errors import ConfigError, MigrationError
from pyapp.queries import QUERIES

log = logging.getLogger(__name__)

LOCK_NAME = schema.MIGRATION_LOCK


def configured_url() -> str:
    """The database URL every command uses (configuration, else the embedded cluster)."""
    from pyapp.config import load_config
    from pyapp.embedded import resolve_database_url

    url = resolve_database_url(load_config())
    if not url:
        raise ConfigError(
            "no database configured",
            hint="set DATABASE_URL (or the seed's resource__postgresql__* settings), "
            "or run: crashstats db start",
        )
    return url


def alembic_config(url: str, *, stdout: io.TextIOBase | None = None) -> Any:
    from alembic.config import Config

    cfg = Config(str(schema.ALEMBIC_INI), stdout=stdout or io.StringIO())
    cfg.set_main_option("script_location", str(schema.MIGRATIONS_DIR))
    cfg.attributes["database_url"] = url
    return cfg


def version_rows(connection: Any) -> list[str] | None:
    """Revisions recorded in alembic_version (SQLAlchemy or psycopg connection); None if no table."""
    from sqlalchemy import text

    exists_sql = "SELECT to_regclass('public.alembic_version') IS NOT NULL"
    version_sql = QUERIES["alembic_revision"]
    if hasattr(connection, "exec_driver_sql"):
        if not connection.execute(text(exists_sql)).scalar():
            return None
        return [r[0] for r in connection.exec_driver_sql(version_sql)]
    if not _first(connection.execute(exists_sql).fetchone()):
        return None
    return [_first(r) for r in connection.execute(version_sql)]


def _first(row: Any) -> Any:
    """The first column of a psycopg row, whatever its row factory."""
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


def refuse_unknown_revision(connection: Any, script: Any) -> None:
    """Raise MigrationError when alembic_version names a revision missing from ``script``."""
    from alembic.util import CommandError

    for version in version_rows(connection) or []:
        try:
            known = script.get_revision(version)
        except CommandError:
            known = None
        if known is None:
            raise MigrationError(
                f"the database is at schema revision {version!r}, which this version of crashstats does "
                "not know (it was migrated by newer code or another project); refusing to touch it",
                hint="run the crashstats release that wrote it, or point DATABASE_URL elsewhere",
            )


def _run(command_name: str, url: str, *args: Any) -> list[str]:
    """Run an Alembic command; returns the revisions the database was at when it started."""
    from alembic import command
    from alembic.util import CommandError

    out = io.StringIO()
    cfg = alembic_config(url, stdout=out)
    try:
        getattr(command, command_name)(cfg, *args)
    except CommandError as exc:
        raise MigrationError(str(exc)) from None
    return list(cfg.attributes.get("revisions_before", []))


def current(url: str) -> list[str]:
    """The revision(s) the database is at (empty before the first upgrade)."""
    with db.connect(url) as conn:
        refuse_unknown_revision(conn, schema.script_directory())
        return version_rows(conn) or []


def refuse_foreign_database(url: str) -> None:
    with db.connect(url) as conn:
        if version_rows(conn) is not None:
            return
        tables = [r["table_name"] for r in conn.execute(QUERIES["user_tables"])]
    if tables:
        shown = ", ".join(tables[:5]) + (" ..." if len(tables) > 5 else "")
        raise MigrationError(
            f"the database already has {len(tables)} tables ({shown}) but no alembic_version: it was not "
            "built by crashstats; refusing to build the schema over it",
            hint="use an empty database",
        )


def upgrade(url: str, target: str = "head") -> tuple[list[str], list[str]]:
    """Upgrade to ``target``; returns (revisions before, revisions after)."""
    refuse_foreign_database(url)
    before = _run("upgrade", url, target)
    return before, current(url)


def downgrade(url: str, target: str) -> tuple[list[str], list[str]]:
    """Downgrade to ``target`` (``base`` removes the schema); returns (before, after)."""
    before = _run("downgrade", url, target)
    return before, current(url)


def history() -> list[tuple[str, str | None, str]]:
    """(revision, down_revision, message) from the first revision to the head."""
    script = schema.script_directory()
    rows = [(r.revision, r.down_revision, (r.doc or "").strip()) for r in script.walk_revisions()]
    return list(reversed(rows))
