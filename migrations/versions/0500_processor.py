"""processor: queue claims and leases, processed crash storage (reports, processed_crashes,
plugins_reports, missing_symbols), optional-store deliveries, processors, server status,
priority and reprocessing requests

Revision ID: 0500
Revises: 0600
"""

from pyapp import schema

revision = "0500"
down_revision = "0600"
branch_labels = None
depends_on = None

FILES = [
    "functions/crash_id_date.sql",
    "functions/processed_crash_deliveries_claim.sql",
    "functions/processed_crash_delivery_done.sql",
    "functions/processing_queue_claim.sql",
    "functions/processing_queue_crash.sql",
    "functions/processing_queue_release.sql",
    "functions/processing_queue_renew.sql",
    "functions/processor_beta_version.sql",
    "functions/processor_record_batch.sql",
    "functions/processor_register.sql",
    "functions/processor_stopped.sql",
    "functions/queue_crash_processing.sql",
    "functions/queue_reprocessing.sql",
    "functions/queue_reprocessing_by_signature.sql",
    "functions/raw_crash_date.sql",
    "functions/request_priority_processing.sql",
    "functions/save_processed_crash.sql",
    "functions/save_raw_crash.sql",
    "functions/update_server_status.sql",
    "functions/write_processed_crash.sql",
    "tables/processing_queue.sql",
    "tables/processors.sql",
    "tables/processed_crash_deliveries.sql",
    "tables/missing_symbols.sql",
]


ALTERED = ["tables/processing_queue.sql", "tables/missing_symbols.sql"]

# processing_queue gains the lease and the last error; missing_symbols one row per module and day
# (same text as the table files)
ALTER_TABLES = """
ALTER TABLE processing_queue
    ADD COLUMN lease_expires timestamptz,
    ADD COLUMN last_error text;
UPDATE processing_queue SET lease_expires = claimed_at + interval '5 minutes' WHERE claimed_at IS NOT NULL;
ALTER TABLE processing_queue
    ADD CONSTRAINT processing_queue_lease_check CHECK ((claimed_at IS NULL) = (lease_expires IS NULL));
COMMENT ON TABLE processing_queue IS
    'Crashes waiting to be processed: priority 0 = priority (webapp request), 1 = reprocessing, '
    '2 = normal (collector); lower is served first, then oldest queued_at. '
    'claimed_by/claimed_at/lease_expires/attempts/last_error belong to the processor; a row queued '
    'again while claimed gets a queued_at after its claimed_at and stays for another round. '
    'Inserts NOTIFY crashstats_processing_queue (payload: the crash ID).';
COMMENT ON COLUMN processing_queue.lease_expires IS
    'When the claim lapses: a processor renews it while it works; after it, any processor may claim '
    'the crash again (stalled-claim recovery).';
COMMENT ON COLUMN processing_queue.last_error IS
    'Why the last attempt gave the crash back (dump store or database failure), for operators.';
DELETE FROM missing_symbols m
 USING (SELECT ctid, tableoid, row_number() OVER (PARTITION BY date_processed, debug_file, debug_id) AS n
          FROM missing_symbols) d
 WHERE m.ctid = d.ctid AND m.tableoid = d.tableoid AND d.n > 1;
CREATE UNIQUE INDEX missing_symbols_day_module_key ON missing_symbols (date_processed, debug_file, debug_id);
COMMENT ON TABLE missing_symbols IS
    'Modules seen without symbols, by processing day (one row per debug_file/debug_id and day); '
    'the list of symbols worth uploading.';
"""

UNDO_ALTER_TABLES = """
DROP INDEX missing_symbols_day_module_key;
COMMENT ON TABLE missing_symbols IS
    'Modules seen without symbols, by processing day; the list of symbols worth uploading.';
ALTER TABLE processing_queue
    DROP CONSTRAINT processing_queue_lease_check,
    DROP COLUMN last_error,
    DROP COLUMN lease_expires;
COMMENT ON TABLE processing_queue IS
    'Crashes waiting to be processed: priority 0 = priority (webapp request), 1 = reprocessing, '
    '2 = normal (collector); lower is served first, then oldest queued_at. '
    'claimed_by/claimed_at/attempts belong to the processor. '
    'Inserts NOTIFY crashstats_processing_queue (payload: the crash ID).';
"""


def upgrade() -> None:
    from alembic import op

    conn = op.get_bind().connection.dbapi_connection  # psycopg: runs multi-statement text as is
    conn.execute(ALTER_TABLES)
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
    conn = op.get_bind().connection.dbapi_connection
    conn.execute(UNDO_ALTER_TABLES)
