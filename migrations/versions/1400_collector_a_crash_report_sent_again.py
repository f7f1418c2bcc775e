"""collector: a crash report sent again within the collector's dedup window gets the first crash ID
instead of a second copy (collector_submissions, save_collected_crash)

A client that retries after a timeout (the collector answered too late, or the answer was lost)
sends the same report again; the collector gave it a new crash ID and stored it twice. The
collector now passes the sha256 of the report (dump names and checksums, annotations as sent)
to save_collected_crash(), which records it in collector_submissions with the crash ID in the
transaction that stores the raw crash, and answers a second report with that digest within the
window with the first crash ID, writing nothing. The downgrade drops both (the collector then
stores every report again).

Revision ID: 1400
Revises: 1390
"""

from pyapp import schema

revision = "1400"
down_revision = "1390"
branch_labels = None
depends_on = None

FILES = [
    "functions/save_collected_crash.sql",
    "tables/collector_submissions.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
