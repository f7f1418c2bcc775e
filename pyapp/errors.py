"""Project exceptions.

Every error a user can cause or meet in normal operation is one of these; the CLI prints
their message on one line and exits non-zero, the web layer maps them to HTTP statuses.
The class docstring is the default message.
"""

from __future__ import annotations


class CrashstatsError(Exception):
    """crashstats failed."""

    #: process exit status used by the CLI
    exit_code = 1

    def __init__(self, message: str | None = None, *, hint: str | None = None) -> None:
        self.message = message or (self.__doc__ or "").strip()
        self.hint = hint
        super().__init__(self.message)

    def __str__(self) -> str:
        if self.hint:
            return f"{self.message} (hint: {self.hint})"
        return self.message


class ConfigError(CrashstatsError):
    """The configuration is invalid."""

    exit_code = 78  # EX_CONFIG


class UsageError(CrashstatsError):
    """Bad command-line usage."""

    exit_code = 2


class DatabaseError(CrashstatsError):
    """The database reported an error."""

    def __init__(self, message: str | None = None, *, hint: str | None = None, sqlstate: str | None = None):
        super().__init__(message, hint=hint)
        self.sqlstate = sqlstate


class DatabaseUnavailable(DatabaseError):
    """The database cannot be reached."""

    exit_code = 69  # EX_UNAVAILABLE


class SchemaMissing(DatabaseError):
    """The breakpad schema is missing or incomplete."""


class InvalidInput(DatabaseError):
    """The database refused a value."""


class NotFound(DatabaseError):
    """No such row."""


class Conflict(DatabaseError):
    """The change conflicts with existing data."""


class Busy(DatabaseError):
    """Another session holds the lock this operation needs."""


class QueryTimeout(DatabaseError):
    """The query was cancelled by its statement timeout."""


class MigrationError(CrashstatsError):
    """The schema migration cannot proceed."""


class ClusterError(CrashstatsError):
    """The embedded PostgreSQL cluster cannot be managed."""
