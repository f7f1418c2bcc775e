"""Logging set-up for every crashstats process: readable lines on stderr, or one JSON object
per event (``CRASHSTATS_LOG_FORMAT=json``: python-json-logger) for log shippers.

A JSON line carries ``time`` (UTC, ISO 8601), ``level``, ``logger``, ``message``, ``process``
and, when there is one, ``exc_info`` (the traceback).
"""

from __future__ import annotations

import logging
import sys
import time

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "crashstats: %(message)s"


class UTCJsonFormatter(JsonFormatter):
    converter = time.gmtime

    def __init__(self) -> None:
        super().__init__(
            "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            datefmt="%Y-%m-%dT%H:%M:%SZ",
        )


def formatter(fmt: str) -> logging.Formatter:
    return UTCJsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT)


def setup(level: str, fmt: str = "text") -> None:
    """Configure the root logger (replacing any handler) and quiet the chattiest libraries."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter(fmt))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # alembic logs every revision it runs at INFO; keep that, drop SQLAlchemy chatter
    logging.getLogger("sqlalchemy").setLevel(logging.WARNING)
    logging.getLogger("psycopg.pool").setLevel(logging.WARNING)
    logging.getLogger("elastic_transport").setLevel(logging.WARNING)  # a line per request at INFO
    logging.getLogger("alembic").setLevel(logging.WARNING)
    migration_log = logging.getLogger("alembic.runtime.migration")
    migration_log.setLevel(logging.getLevelName(level))
    migration_log.addFilter(lambda record: record.getMessage().startswith("Running "))
