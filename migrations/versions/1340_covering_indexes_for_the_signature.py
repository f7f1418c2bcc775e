"""covering indexes for the signature summary: one signature's rows of a date range read from the index
alone

Revision ID: 1340
Revises: 1330
"""

from pyapp import schema

revision = "1340"
down_revision = "1330"
branch_labels = None
depends_on = None

ALTERED = [
    "tables/exploitability_reports.sql",
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
FILES = ALTERED

#: signature_summary_<kind>: the columns its index carries besides (signature_id, report_date);
#: declared on each partitioned parent, PostgreSQL makes the copy on every partition
INCLUDED = {
    "products": "product_version_id, product_name, version_string, report_count",
    "installations": "product_version_id, product_name, version_string, crash_count, install_count",
    "uptime": "product_version_id, uptime_string, report_count",
    "os": "product_version_id, os_version_string, report_count",
    "process_type": "product_version_id, process_type, report_count",
    "architecture": "product_version_id, architecture, report_count",
    "flash_version": "product_version_id, flash_version, report_count",
    "device": "product_version_id, android_device_id, report_count",
    "graphics": "product_version_id, graphics_device_id, report_count",
}


def covering(kind: str) -> str:
    table = f"signature_summary_{kind}"
    return f"CREATE INDEX {table}_covering ON {table} (signature_id, report_date) INCLUDE ({INCLUDED[kind]})"


EXPLOITABILITY_COVERING = (
    "CREATE INDEX exploitability_reports_signature ON exploitability_reports (signature_id, report_date)"
    " INCLUDE (product_version_id, high_count, medium_count, low_count, none_count, null_count)"
)
EXPLOITABILITY_PLAIN = (
    "CREATE INDEX exploitability_reports_signature ON exploitability_reports (signature_id, report_date)"
)


def upgrade() -> None:
    from alembic import op

    conn = op.get_bind()
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)
    for kind in INCLUDED:
        conn.exec_driver_sql(covering(kind))
    conn.exec_driver_sql("DROP INDEX exploitability_reports_signature")
    conn.exec_driver_sql(EXPLOITABILITY_COVERING)


def downgrade() -> None:
    from alembic import op

    conn = op.get_bind()
    conn.exec_driver_sql("DROP INDEX exploitability_reports_signature")
    conn.exec_driver_sql(EXPLOITABILITY_PLAIN)
    for kind in INCLUDED:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS signature_summary_{kind}_covering")
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
