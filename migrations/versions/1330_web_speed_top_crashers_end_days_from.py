"""web speed: top crashers and report windows read calendar_days instead of generating every day
since 2000; Super Search's one-day signature facet in index order; a covering index for the
signature report's URLs tab

Revision ID: 1330
Revises: 1300
"""

from pyapp import schema

revision = "1330"
down_revision = "1300"
branch_labels = None
depends_on = None

ALTERED = ["tables/reports.sql", "tables/search_facet_days.sql"]
FILES = [
    "functions/super_search.sql",
    "tables/reports.sql",
    "tables/search_facet_days.sql",
    "tables/calendar_days.sql",
    "views/top_crashers.sql",
]

#: report_windows reads calendar_days from this revision on. Three views depend on it, so it is
#: replaced in place (same columns) both ways rather than dropped and made again as FILES would.
WINDOWS = "views/report_windows.sql"

#: the signature report's URLs tab (declared on the parent: every partition gets a copy)
URLS_INDEX = (
    "CREATE INDEX reports_signature_urls ON reports (signature, date_processed)"
    " INCLUDE (url, product, version) WHERE url IS NOT NULL AND url <> ''"
)
FACET_INDEX = (
    "CREATE INDEX search_facet_days_product_signature"
    " ON search_facet_days (report_day, product, crashes DESC, signature) WHERE level = 'product_signature'"
)


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES, altered=ALTERED)
    op.get_bind().exec_driver_sql(schema.frozen_path(revision, WINDOWS).read_text(encoding="utf-8"))
    op.get_bind().exec_driver_sql(FACET_INDEX)
    op.get_bind().exec_driver_sql(URLS_INDEX)


def downgrade() -> None:
    from alembic import op

    previous = schema.latest_frozen(WINDOWS, schema.chain_below(revision))
    assert previous is not None
    op.get_bind().exec_driver_sql(previous[1])
    op.get_bind().exec_driver_sql("DROP INDEX IF EXISTS search_facet_days_product_signature")
    op.get_bind().exec_driver_sql("DROP INDEX IF EXISTS reports_signature_urls")
    schema.downgrade_files(op, revision, FILES, altered=ALTERED)
