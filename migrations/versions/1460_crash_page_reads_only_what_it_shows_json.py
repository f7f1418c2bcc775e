"""crash page reads only what it shows: json_dump cut in SQL

The crash page read crash_report(): the processed and the raw crash whole, each with its
json_dump turned into jsonb (megabytes for a crash at the collector's limits), which the web
parsed before cutting it down. crash_page() answers what the page shows: the documents without
json_dump and the processed json_dump cut by json_dump_page() (the first threads and the
crashing one, their first frames, the first modules, and how many there were), lexed as json
without converting what is left out. crash_report() (the API's whole documents) is unchanged.

Revision ID: 1460
Revises: 1450
"""

from pyapp import schema

revision = "1460"
down_revision = "1450"
branch_labels = None
depends_on = None

FILES = [
    "functions/json_dump_page.sql",
    "functions/crash_page.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
