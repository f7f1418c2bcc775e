"""report views read pre-aggregated windows: exploitability_windows, filled by update_exploitability

Revision ID: 1200
Revises: 1100
"""

from pyapp import schema

revision = "1200"
down_revision = "1100"
branch_labels = None
depends_on = None

FILES = [
    "functions/backfill_matviews.sql",
    "functions/update_exploitability.sql",
    "functions/update_exploitability_windows.sql",
    "tables/exploitability_windows.sql",
    "tables/exploitability_window_days.sql",
    "views/exploitability_report.sql",
]

#: the windows ending on the last 28 days already reported: the pages' recent windows read the new
#: table at once; older windows are computed from exploitability_reports as before (same result)
FILL_EXPLOITABILITY_WINDOWS = """
SELECT update_exploitability_windows(greatest(last_day - 27, first_day), last_day)
  FROM (SELECT min(report_date) AS first_day, max(report_date) AS last_day FROM exploitability_reports) AS r
 WHERE last_day IS NOT NULL
"""


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)
    op.get_bind().exec_driver_sql(FILL_EXPLOITABILITY_WINDOWS)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
