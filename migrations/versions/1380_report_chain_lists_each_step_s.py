"""report_chain() lists each step's dependencies (depends_on), so crashstats reports daily --jobs N
runs independent steps side by side

Each step names the earlier steps whose output it reads for the same day (its tables, or the
inputs its matview_begin checks). backfill_matviews and run_report_step read only step, proc_name
and kind, so they are unchanged; the downgrade restores the three-column function.

Revision ID: 1380
Revises: 1370
"""

from pyapp import schema

revision = "1380"
down_revision = "1370"
branch_labels = None
depends_on = None

FILES = [
    "functions/report_chain.sql",
]


def upgrade() -> None:
    from alembic import op

    # the result gains a column: CREATE OR REPLACE cannot change a return type
    op.get_bind().connection.dbapi_connection.execute("DROP FUNCTION report_chain()")
    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
