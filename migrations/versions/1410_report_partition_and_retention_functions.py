"""report, partition and retention functions read "now" from utc_now()

utc_now() is now(), unless the setting crashstats.now names another instant; utc_today() is its
UTC day. The functions and views that decide what "today", "this week" or "older than N" mean
(product version windows, featured versions, the reports_clean and backfill cut-offs, partition
creation, checks, truncation and retention) read them, so a test
run (and a DBA replaying a past day) can pin one instant for all of them. current_date, which
followed the session's time zone, is replaced by the UTC day. Event times (sessions, leases,
queue rows) and the windows that end at the newest crash (Super Search's default range, the
crashes late symbols reprocess) keep now().

backfill_matviews and matview_begin name the real reason a day cannot be built: "2026-12-07 is
not over", "no ADI loaded yet for 2026-12-06"; a range given backwards is refused as such.

Revision ID: 1410
Revises: 1400
"""

from pyapp import schema

revision = "1410"
down_revision = "1400"
branch_labels = None
depends_on = None

FILES = [
    "functions/utc_now.sql",
    "functions/utc_today.sql",
    "functions/add_new_release.sql",
    "functions/backfill_matviews.sql",
    "functions/backfill_reports_clean.sql",
    "functions/check_partitions.sql",
    "functions/drop_old_partitions.sql",
    "functions/edit_featured_versions.sql",
    "functions/matview_begin.sql",
    "functions/prepare_partitioned_table.sql",
    "functions/raw_adi_load.sql",
    "functions/retention_cutoff.sql",
    "functions/truncate_partitions.sql",
    "functions/update_product_versions.sql",
    "functions/update_rank_compare.sql",
    "functions/update_reports_clean.sql",
    "functions/weekly_report_partitions.sql",
    "functions/weekly_report_partitions_plan.sql",
    "functions/crash_report.sql",
    "functions/missing_symbols_report.sql",
    "views/report_partition_status.sql",
    "views/default_versions.sql",
    "views/product_selector.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
