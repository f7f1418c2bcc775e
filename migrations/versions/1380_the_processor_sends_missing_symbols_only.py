"""the processor sends missing_symbols only the modules it has not recorded for the day, and lists them
all in the document itself

A processed crash's missing modules went, for every crash, through write_processed_crash twice:
jsonb_agg(DISTINCT ...) built the document's "modules_missing_symbols" and an INSERT ... ON
CONFLICT DO NOTHING probed missing_symbols' unique key for each of them, though the crashes of a
build lack the same modules, recorded for the day by the first of them (~0.5-0.7 ms of
PostgreSQL CPU a crash with 21 such modules, tests/bench/processor). The processor now puts the
whole list in the document itself (the same pairs in the same order) and remembers the modules
its committed crashes recorded for each day, sending in p_missing_symbols only the others;
write_processed_crash keeps a "modules_missing_symbols" the document already has. Callers that
send a document without it (imports, tests, psql) get it built as before.

Revision ID: 1380
Revises: 1370
"""

from pyapp import schema

revision = "1380"
down_revision = "1370"
branch_labels = None
depends_on = None

FILES = [
    "functions/write_processed_crash.sql",
]


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
