"""web pages: Super Search fields and function, cache generation, redaction rules, priority processing,
crash lookup, pg_trgm and search indexes

Revision ID: 0800
Revises: 0500
"""

from pyapp import schema

revision = "0800"
down_revision = "0500"
branch_labels = None
depends_on = None

FILES = [
    "extensions/pg_trgm.sql",
    "functions/request_priority_processing.sql",
    "functions/bump_cache_generation.sql",
    "functions/crash_report.sql",
    "functions/current_cache_generation.sql",
    "functions/signature_comments.sql",
    "functions/signature_urls.sql",
    "functions/super_search.sql",
    "functions/supersearch_field_sql.sql",
    "tables/reports.sql",
    "tables/processed_crashes.sql",
    "tables/supersearch_fields.sql",
    "tables/cache_generation.sql",
    "tables/protected_fields.sql",
    "views/redaction_rules.sql",
    "data/supersearch_fields.sql",
    "data/cache_generation.sql",
    "data/protected_fields.sql",
]


ALTERED = ["tables/reports.sql", "tables/processed_crashes.sql"]

#: the search indexes added to tables of earlier revisions (declared on the parents: every
#: weekly partition, existing or future, gets them)
INDEXES = [
    "CREATE INDEX reports_signature_trgm ON reports USING gin (signature gin_trgm_ops)",
    "CREATE INDEX processed_crashes_document ON processed_crashes USING gin (processed_crash jsonb_path_ops)",
]
DROP_INDEXES = [
    "DROP INDEX IF EXISTS processed_crashes_document",
    "DROP INDEX IF EXISTS reports_signature_trgm",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES, altered=ALTERED)
    for statement in INDEXES:
        op.get_bind().exec_driver_sql(statement)


def downgrade() -> None:
    from alembic import op

    for statement in DROP_INDEXES:
        op.get_bind().exec_driver_sql(statement)
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
