"""Alembic environment for the breakpad schema (see pyapp/schema.py for how revisions work)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool, text

from pyapp import migrate
from pyapp.db import to_sqlalchemy_url
from pyapp.errors import MigrationError

config = context.config


def database_url() -> str:
    override = context.get_x_argument(as_dictionary=True).get("url")
    if override:
        return override
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if url:
        return url
    return migrate.configured_url()


def run_migrations_offline() -> None:
    raise MigrationError(
        "offline (--sql) migrations are not supported: revisions apply frozen SQL files through "
        "the live connection; run against a database instead"
    )


def run_migrations_online() -> None:
    engine = create_engine(to_sqlalchemy_url(database_url()), poolclass=pool.NullPool)
    with engine.connect() as connection:
        # one migrator at a time: a second `db upgrade` waits here, then finds nothing to do
        connection.execute(text("SELECT pg_advisory_lock(hashtext(:k))"), {"k": migrate.LOCK_NAME})
        connection.commit()
        try:
            migrate.refuse_unknown_revision(connection, context.script)
            # what the database was at once we held the lock (the CLI reports "from ... to ...")
            config.attributes["revisions_before"] = migrate.version_rows(connection) or []
            connection.commit()  # end the check's implicit transaction: each revision gets its own
            context.configure(connection=connection, transaction_per_migration=True)
            with context.begin_transaction():
                context.run_migrations()
        finally:
            connection.rollback()
            connection.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), {"k": migrate.LOCK_NAME})
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
