"""retention of the pre-ranked top crashers windows: eight weeks, older end days computed when read

Revision ID: 1350
Revises: 1340
"""

from pyapp import schema

revision = "1350"
down_revision = "1340"
branch_labels = None
depends_on = None

FILES = [
    "functions/update_tcbs.sql",
    "functions/prune_tcbs_ranks.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
