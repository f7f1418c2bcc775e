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


def upgrade() -> None:
    from alembic import op

    # raw_crash's compression, on the existing partitions too
    schema.set_compression(op, "raw_crashes", "raw_crash", "lz4")
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)


def downgrade() -> None:
    from alembic import op

    schema.set_compression(op, "raw_crashes", "raw_crash", "default")
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
