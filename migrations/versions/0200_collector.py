"""collector: processing_queue, save_raw_crash, protected annotations

Revision ID: 0200
Revises: 0002
"""

from pyapp import schema

revision = "0200"
down_revision = "0400"
branch_labels = None
depends_on = None

FILES = [
    "functions/processing_queue_notify.sql",
    "functions/redact_raw_crash.sql",
    "functions/save_raw_crash.sql",
    "tables/processing_queue.sql",
    "tables/protected_annotations.sql",
    "views/raw_crashes_public.sql",
    "data/protected_annotations.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
