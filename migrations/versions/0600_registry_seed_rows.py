"""merge: the partition registry's seed rows after issues 3 and 6

Revision ID: 0600
Revises: 0300
"""

from pyapp import schema

revision = "0600"
down_revision = "0300"
branch_labels = None
depends_on = None

FILES = [
    "data/report_partition_info.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
