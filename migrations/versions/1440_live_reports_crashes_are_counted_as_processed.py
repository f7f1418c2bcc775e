"""live reports: crashes are counted as they are processed

write_processed_crash queues each stored crash in reports_live_queue; update_reports_live takes
queued crashes and normalises exactly those (reports_clean_load, the body update_reports_clean
now shares), then adds the difference each crash makes (-1 as counted before, +1 as now) to
tcbs, home_page_graph and crashes_by_user (live_delta_*), with the daily procedures' rules.
update_reports_clean drops from the queue the crashes it has read. update_product_versions
queues again the crashes rejected for want of a version it adds (requeue_rejected_crashes).
home_page_graph_view (and crashes_per_adi_by_version) give a day whose ADI has not arrived a
provisional rate against the latest day with ADI. reports_freshness says how current each
report is. See docs/live-reports.md.

Revision ID: 1440
Revises: 1430
"""

from pyapp import schema

revision = "1440"
down_revision = "1430"
branch_labels = None
depends_on = None

FILES = [
    "functions/update_product_versions.sql",
    "functions/live_delta_crashes_by_user.sql",
    "functions/live_delta_gc.sql",
    "functions/live_delta_home_page_graph.sql",
    "functions/live_delta_tcbs.sql",
    "functions/reports_clean_load.sql",
    "functions/requeue_rejected_crashes.sql",
    "functions/update_reports_clean.sql",
    "functions/update_reports_live.sql",
    "functions/write_processed_crash.sql",
    "tables/reports_live_queue.sql",
    "tables/reports_live_runs.sql",
    "views/reports_freshness.sql",
    "views/home_page_graph_view.sql",
    "views/crashes_per_adi_by_version.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
