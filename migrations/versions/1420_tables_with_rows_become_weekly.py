"""tables with rows become weekly-partitioned; crashes of unregistered products are processed once added

A table registered in report_partition_info while it holds rows (an INSERT INTO
report_partition_info for reports_duplicates after it was filled) is converted with its rows:
make_partitioned_table creates the weekly partitions of the weeks its rows fall in and moves
them, in the same transaction. weekly_report_partitions does each table apart: one that cannot
be done is skipped with a WARNING naming it, the others get their partitions.

The default throttle rules accept the crashes of a product registered in the database; those
deferred because their product was unknown (rule everything_else) are counted on the status
page (deferred_unknown_products, through the new partial index raw_crashes_deferred_product) and
queued when the product is added (the products_queue_deferred trigger, queue_deferred_crashes).
The upgrade builds the partial index on every existing raw_crashes partition (it holds only
such crashes, so it stays small) and queues the crashes already deferred whose product is
registered.

Revision ID: 1420
Revises: 1410
"""

from pyapp import schema

revision = "1420"
down_revision = "1410"
branch_labels = None
depends_on = None

FILES = [
    "functions/create_weekly_partition.sql",
    "functions/deferred_unknown_products.sql",
    "functions/make_partitioned_table.sql",
    "functions/prepare_partitioned_table.sql",
    "functions/products_queue_deferred.sql",
    "functions/queue_deferred_crashes.sql",
    "functions/weekly_report_partitions.sql",
    "tables/products.sql",
    "tables/raw_crashes.sql",
]

ALTERED = ["tables/products.sql", "tables/raw_crashes.sql"]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES, altered=ALTERED)
    conn = op.get_bind().connection.dbapi_connection
    conn.execute(
        "CREATE INDEX raw_crashes_deferred_product ON raw_crashes (((raw_crash->>'ProductName')::citext)) "
        "WHERE raw_crash->>'legacy_processing' = '1' "
        "AND raw_crash->'metadata'->>'throttle_rule' = 'everything_else'"
    )
    conn.execute(
        "CREATE TRIGGER products_queue_deferred AFTER INSERT OR UPDATE OF product_name ON products "
        "FOR EACH ROW EXECUTE FUNCTION products_queue_deferred()"
    )
    conn.execute("SELECT queue_deferred_crashes()")


def downgrade() -> None:
    from alembic import op

    conn = op.get_bind().connection.dbapi_connection
    conn.execute("DROP TRIGGER products_queue_deferred ON products")
    conn.execute("DROP INDEX raw_crashes_deferred_product")
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
