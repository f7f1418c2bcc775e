"""partition registry: a partition counts as finished only when it has every registry key and index
(parent-declared indexes no longer hide missing keys under pg_partman)

Revision ID: 0810
Revises: 0800
"""

from pyapp import schema

revision = "0810"
down_revision = "0800"
branch_labels = None
depends_on = None

FILES = [
    "functions/apply_weekly_partition_registry.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
