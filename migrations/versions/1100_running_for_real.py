"""health_status for the heartbeat and replica staleness

Revision ID: 1100
Revises: 0900
"""

from pyapp import schema

revision = "1100"
down_revision = "0900"
branch_labels = None
depends_on = None

FILES = [
    "functions/health_status.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
