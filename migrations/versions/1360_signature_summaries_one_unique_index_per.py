"""signature summaries: one unique index per partition carrying the counts (declared on the parent)
instead of the registry's key plus a covering index

Revision 1340 gave each signature_summary_<kind> a covering index (signature_id, report_date)
INCLUDE (...) beside the registry's unique key (signature_id, report_date, product_version_id
[, <kind>]): two indexes leading with the same columns, written for every row of the daily
chain (~265,000 rows a summary on a day of a million crashes). The unique key now carries the
counts itself (INCLUDE), declared on each parent so every partition gets it, and the registry
no longer makes the key: one index fewer per row, ~1.5-2 s less per summary on that day, and
the signature summary page still reads one signature's rows from an index alone.

Revision ID: 1360
Revises: 1350
"""

from typing import Any

from pyapp import schema

revision = "1360"
down_revision = "1350"
branch_labels = None
depends_on = None

ALTERED = [
    "tables/signature_summary_products.sql",
    "tables/signature_summary_installations.sql",
    "tables/signature_summary_uptime.sql",
    "tables/signature_summary_os.sql",
    "tables/signature_summary_process_type.sql",
    "tables/signature_summary_architecture.sql",
    "tables/signature_summary_flash_version.sql",
    "tables/signature_summary_device.sql",
    "tables/signature_summary_graphics.sql",
]
FILES = [*ALTERED, "data/report_partition_info.sql"]

#: kind: (the unique key's columns, what it carries besides; the covering index of 1340 carried
#: product_version_id and the kind's column too, both keys here)
KEYS = {
    "products": (
        "signature_id, report_date, product_version_id",
        "product_name, version_string, report_count",
    ),
    "installations": (
        "signature_id, report_date, product_version_id",
        "product_name, version_string, crash_count, install_count",
    ),
    "uptime": ("signature_id, report_date, product_version_id, uptime_string", "report_count"),
    "os": ("signature_id, report_date, product_version_id, os_version_string", "report_count"),
    "process_type": ("signature_id, report_date, product_version_id, process_type", "report_count"),
    "architecture": ("signature_id, report_date, product_version_id, architecture", "report_count"),
    "flash_version": ("signature_id, report_date, product_version_id, flash_version", "report_count"),
    "device": ("signature_id, report_date, product_version_id, android_device_id", "report_count"),
    "graphics": ("signature_id, report_date, product_version_id, graphics_device_id", "report_count"),
}

#: the registry's own unique indexes on the partitions of a table (not copies of a parent's)
REGISTRY_KEYS = """
SELECT x.indexrelid::regclass::text
  FROM pg_inherits p
  JOIN pg_index x ON x.indrelid = p.inhrelid
 WHERE p.inhparent = format('public.%%I', %s::text)::regclass
   AND x.indisunique
   AND NOT EXISTS (SELECT 1 FROM pg_inherits ii WHERE ii.inhrelid = x.indexrelid)
"""
SET_KEYS = "UPDATE report_partition_info SET keys = %s::text[] WHERE table_name = %s"


def _covering(kind: str) -> str:
    """Revision 1340's covering index of ``kind`` (for the downgrade)."""
    key, carried = KEYS[kind]
    extra = key.split(", ")[2:]  # product_version_id and the kind's column
    table = f"signature_summary_{kind}"
    return (
        f"CREATE INDEX {table}_covering ON {table} (signature_id, report_date)"
        f" INCLUDE ({', '.join([*extra, carried])})"
    )


def upgrade() -> None:
    from alembic import op

    conn: Any = op.get_bind()
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)
    for kind, (key, carried) in KEYS.items():
        table = f"signature_summary_{kind}"
        # the new key first: the rows stay unique throughout
        conn.exec_driver_sql(f"CREATE UNIQUE INDEX {table}_key ON {table} ({key}) INCLUDE ({carried})")
        for (name,) in conn.exec_driver_sql(REGISTRY_KEYS, (table,)).fetchall():
            conn.exec_driver_sql(f"DROP INDEX {name}")
        conn.exec_driver_sql(f"DROP INDEX {table}_covering")
        conn.exec_driver_sql(SET_KEYS, ("{}", table))


def downgrade() -> None:
    from alembic import op

    conn: Any = op.get_bind()
    for kind, (key, _carried) in KEYS.items():
        table = f"signature_summary_{kind}"
        conn.exec_driver_sql(SET_KEYS, ('{"' + key.replace(" ", "") + '"}', table))
        conn.exec_driver_sql("SELECT apply_weekly_partition_registry(%s)", (table,))
        conn.exec_driver_sql(_covering(kind))
        conn.exec_driver_sql(f"DROP INDEX {table}_key")
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
