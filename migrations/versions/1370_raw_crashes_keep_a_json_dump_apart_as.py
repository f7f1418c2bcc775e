"""raw crashes keep a json_dump apart as JSON text (raw_crashes.json_dump): claims read it without
turning jsonb into text, and the processor stores the same text

A raw crash that arrives with its json_dump (imports, demo and benchmark crashes: ~95% of a
~150 KB document) kept it inside the raw_crash jsonb: every claim turned those ~135 KB of jsonb
back into text (~1.3 ms of PostgreSQL CPU a crash) and the worker serialised the parsed
json_dump again to store it. save_raw_crash now splits it off into raw_crashes.json_dump
(lz4-compressed JSON text where the server has lz4); processing_queue_claim returns it as text,
the worker parses it as it would parse the stackwalker's output and stores the same text in
processed_crashes when the rules left it alone. crash_report(), raw_crashes_public and
processed_crash_deliveries_claim() put it back into the raw crash (processed_crash_document()),
so what they return does not change. The upgrade moves the json_dump of stored raw crashes out;
the downgrade puts it back.

Revision ID: 1370
Revises: 1360
"""

from typing import Any

from pyapp import schema

revision = "1370"
down_revision = "1360"
branch_labels = None
depends_on = None

FILES = [
    "functions/processed_crash_deliveries_claim.sql",
    "functions/processed_crash_document.sql",
    "functions/processing_queue_claim.sql",
    "functions/processing_queue_crash.sql",
    "functions/save_raw_crash.sql",
    "functions/crash_report.sql",
    "tables/raw_crashes.sql",
    "views/raw_crashes_public.sql",
]

ALTERED = ["tables/raw_crashes.sql"]

SPLIT = (
    "UPDATE raw_crashes SET json_dump = (raw_crash -> 'json_dump')::text, "
    "raw_crash = raw_crash - 'json_dump' WHERE raw_crash ? 'json_dump'"
)
MERGE = (
    "UPDATE raw_crashes SET raw_crash = raw_crash || jsonb_build_object('json_dump', json_dump::jsonb), "
    "json_dump = NULL WHERE json_dump IS NOT NULL"
)


def _execute(op: Any, *statements: str) -> None:
    conn = op.get_bind().connection.dbapi_connection
    for statement in statements:
        conn.execute(statement)


def upgrade() -> None:
    from alembic import op

    _execute(
        op,
        "ALTER TABLE raw_crashes ADD COLUMN json_dump text",
        "COMMENT ON COLUMN raw_crashes.json_dump IS 'The raw crash''s json_dump (a stackwalker output it "
        "arrived with) as JSON text, kept out of raw_crash; NULL when it had none. "
        "processed_crash_document(raw_crash, json_dump) is the whole raw crash.'",
    )
    # before the rows are split: the existing partitions' json_dump values are written lz4 too
    schema.set_compression(op, "raw_crashes", "json_dump", "lz4")
    _execute(
        op,
        SPLIT,
        # their result rows gain json_dump: CREATE OR REPLACE cannot change a return type
        "DROP FUNCTION processing_queue_claim(text, integer, interval, uuid[])",
        "DROP FUNCTION processing_queue_crash(uuid)",
    )
    schema.upgrade_files(op, revision, FILES, altered=ALTERED)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
    _execute(op, MERGE, "ALTER TABLE raw_crashes DROP COLUMN json_dump")
