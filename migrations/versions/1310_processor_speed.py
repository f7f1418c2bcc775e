"""processor speed (issue 5): processing_queue_crash and write_processed_crash look crashes up
through cached plans pruned at start instead of planning each call, crash_id_date in PL/pgSQL,
raw crashes lz4-compressed where the server has lz4

Revision ID: 1310
Revises: 1320
"""

from pyapp import schema

revision = "1310"
down_revision = "1320"
branch_labels = None
depends_on = None

FILES = [
    "functions/crash_id_date.sql",
    "functions/processing_queue_crash.sql",
    "functions/write_processed_crash.sql",
    "tables/raw_crashes.sql",
]

ALTERED = ["tables/raw_crashes.sql"]


def _compression(method: str) -> str:
    """raw_crashes.raw_crash's compression on the parent and on every existing partition (a
    parent's SET COMPRESSION reaches only partitions created later); lz4 only where the server
    has it, as tables/raw_crashes.sql."""
    guard = (
        "IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
        "AND 'lz4' = ANY (enumvals)) THEN "
        if method == "lz4"
        else "IF true THEN "
    )
    return (
        "DO $$ DECLARE v_part record; BEGIN "
        + guard
        + f"ALTER TABLE raw_crashes ALTER COLUMN raw_crash SET COMPRESSION {method}; "
        "FOR v_part IN SELECT n.nspname, c.relname FROM pg_inherits i "
        "JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE i.inhparent = 'raw_crashes'::regclass LOOP "
        f"EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN raw_crash SET COMPRESSION {method}', "
        "v_part.nspname, v_part.relname); "
        "END LOOP; END IF; END; $$"
    )


def upgrade() -> None:
    from alembic import op

    op.get_bind().connection.dbapi_connection.execute(_compression("lz4"))
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)


def downgrade() -> None:
    from alembic import op

    op.get_bind().connection.dbapi_connection.execute(_compression("default"))
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
