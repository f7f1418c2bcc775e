"""symbols: uploads, symbol store index, late-symbol reprocessing, missing symbols report

Revision ID: 1000
Revises: 0870
"""

from pyapp import schema

revision = "1000"
down_revision = "0870"
branch_labels = None
depends_on = None

FILES = [
    "functions/queue_reprocessing_for_symbols.sql",
    "functions/save_symbols_upload.sql",
    "functions/symbols_files_known.sql",
    "functions/symbols_file_lookup.sql",
    "functions/missing_symbols_report.sql",
    "tables/symbols_uploads.sql",
    "tables/symbols_files.sql",
    "views/symbols_uploads_list.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
