"""crash_report reads a crash stored far from the date in its ID

A crash sent again with its original crash ID long after (or imported) is stored in the week it
was received, not in the week of its ID's date. crash_report() looked only near the latter, so
the crash page and /api/ProcessedCrash/ answered 404 for a crash that was stored, processed and
found by Super Search. When nothing is found near the ID's date it now reads the week of the
stored submission time (raw_crash_date(), else the processed crash's date_processed).

Revision ID: 1430
Revises: 1420
"""

from pyapp import schema

revision = "1430"
down_revision = "1420"
branch_labels = None
depends_on = None

FILES = [
    "functions/crash_report.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
