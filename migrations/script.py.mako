"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

Prefer `crashstats db revision -m MESSAGE`: it freezes the changed sql/ files and fills FILES.
"""

from pyapp import schema

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(branch_labels)}
depends_on = ${repr(depends_on)}

FILES: list[str] = []


def upgrade() -> None:
    from alembic import op

    schema.upgrade_files(op, revision, FILES)


def downgrade() -> None:
    from alembic import op

    schema.downgrade_files(op, revision, FILES)
