"""top crashers read pre-ranked windows: tcbs_ranks, filled by update_tcbs and update_tcbs_build

Revision ID: 1300
Revises: 1310
"""

from pyapp import schema

revision = "1300"
down_revision = "1310"
branch_labels = None
depends_on = None

FILES = [
    "functions/update_tcbs.sql",
    "functions/update_tcbs_build.sql",
    "functions/update_tcbs_ranks.sql",
    "tables/tcbs_ranks.sql",
    "tables/tcbs_rank_days.sql",
    "views/top_crashers.sql",
]

#: the windows ending on the last 7 days already reported, by report and by build date: the
#: pages' recent windows read the new table at once; older end days are computed from tcbs /
#: tcbs_build by top_crashers_for as before (same result)
FILL_TCBS_RANKS = """
SELECT update_tcbs_ranks(greatest(r.last_day - 6, r.first_day), r.last_day, r.date_range_type)
  FROM (SELECT 'report' AS date_range_type, min(report_date) AS first_day, max(report_date) AS last_day
          FROM tcbs
        UNION ALL
        SELECT 'build', min(report_date), max(report_date) FROM tcbs_build) AS r
 WHERE r.last_day IS NOT NULL
"""


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)
    op.get_bind().exec_driver_sql(FILL_TCBS_RANKS)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
