"""weekly partitions: create_weekly_partition, weekly_report_partitions,
find_weekly_partition, weekly_partitions view

Revision ID: 0002
Revises: 0001
"""

from pyapp import schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FILES = [
    "functions/create_weekly_partition.sql",
    "functions/find_weekly_partition.sql",
    "functions/weekly_report_partitions.sql",
    "views/weekly_partitions.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
