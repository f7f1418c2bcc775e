"""job runner: crontabber state functions and view, ADI loader, bug associations, release metadata,
signature alerts, server_status, partman maintenance

Revision ID: 0400
Revises: 0002
"""

from pyapp import schema

revision = "0400"
down_revision = "0002"
branch_labels = None
depends_on = None

FILES = [
    "functions/crontabber_backfill_times.sql",
    "functions/crontabber_blocked_by.sql",
    "functions/crontabber_claim.sql",
    "functions/crontabber_due.sql",
    "functions/crontabber_finish_run.sql",
    "functions/crontabber_log_run.sql",
    "functions/crontabber_nagios.sql",
    "functions/crontabber_next_run.sql",
    "functions/crontabber_reset.sql",
    "functions/parse_crash_signatures.sql",
    "functions/raw_adi_load.sql",
    "functions/release_metadata_parse.sql",
    "functions/run_partman_maintenance.sql",
    "functions/signature_alerts_collect.sql",
    "functions/signature_alerts_delivered.sql",
    "functions/signature_alerts_pending.sql",
    "functions/update_bug_associations.sql",
    "tables/crontabber_log.sql",
    "tables/server_status.sql",
    "tables/signature_alerts.sql",
    "tables/signature_alert_deliveries.sql",
    "views/crontabber_state.sql",
]


ALTERED = ["tables/crontabber_log.sql"]

LOG_COMMENT_BEFORE = (
    "Every job run: success holds the logical date computed with the duration, "
    "or exc_type/exc_value/exc_traceback on failure."
)
LOG_COMMENT_AFTER = (
    "Every job run: success holds the logical date computed with the duration, "
    "or exc_type/exc_value/exc_traceback on failure; notices holds what the job''s procedures "
    "reported (RAISE NOTICE/INFO/WARNING) and the results of its calls."
)


def upgrade() -> None:
    from alembic import op

    # crontabber_log gains the notices the job's procedures raised (before the view reads it)
    op.get_bind().exec_driver_sql("ALTER TABLE crontabber_log ADD COLUMN notices text[]")
    op.get_bind().exec_driver_sql(f"COMMENT ON TABLE crontabber_log IS '{LOG_COMMENT_AFTER}'")
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
    op.get_bind().exec_driver_sql("ALTER TABLE crontabber_log DROP COLUMN notices")
    op.get_bind().exec_driver_sql(f"COMMENT ON TABLE crontabber_log IS '{LOG_COMMENT_BEFORE}'")
