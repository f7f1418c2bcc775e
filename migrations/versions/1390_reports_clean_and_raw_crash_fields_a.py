"""reports_clean and raw_crash_fields: a BRIN index on date_processed instead of a btree

The registry's indexes elements may now name the BRIN method (``brin:columns``). The day's (or
hour's) range of reports_clean and raw_crash_fields is read through a BRIN index: the rows of a
period are written together by update_reports_clean, so each range of pages spans a short time,
and inserting a row costs ~0.4 us against ~5.6 us for the btree (tests/bench/README.md, "The
write floor": ~9 s of update_reports_clean for a million crashes). The upgrade swaps the index on
every existing partition of the two tables; the downgrade swaps it back.

Revision ID: 1390
Revises: 1380
"""

from typing import Any

from pyapp import schema

revision = "1390"
down_revision = "1380"
branch_labels = None
depends_on = None

FILES = [
    "functions/apply_weekly_partition_registry.sql",
    "data/report_partition_info.sql",
]

TABLES = ("reports_clean", "raw_crash_fields")


def _swap(op: Any, old: str, new: str) -> None:
    """Registry element ``old`` -> ``new`` for the two tables, and the partitions' indexes with it."""
    conn = op.get_bind().connection.dbapi_connection
    for table in TABLES:
        conn.execute(
            "UPDATE report_partition_info SET indexes = array_replace(indexes, %s, %s) WHERE table_name = %s",
            (old, new, table),
        )
        drops = conn.execute(
            "SELECT format('DROP INDEX IF EXISTS public.%%I',"
            " partition_object_name(partition_name, %s, 'idx'))"
            " FROM weekly_partitions WHERE table_name = %s AND NOT is_default",
            (old, table),
        ).fetchall()
        for (statement,) in drops:
            conn.execute(statement)
        conn.execute("SELECT apply_weekly_partition_registry(%s)", (table,))


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)
    _swap(op, "date_processed", "brin:date_processed")


def downgrade() -> None:
    from alembic import op

    _swap(op, "brin:date_processed", "date_processed")
    schema.downgrade_files(op, revision, FILES)
