"""Named SQL statements: every statement Python runs that is not a plain function or view call.

``pyapp/queries.sql`` holds blocks of the form::

    -- name: database_exists
    -- Is there a database of this name?
    SELECT 1 FROM pg_database WHERE datname = %(name)s;

They are parsed once at import into :data:`QUERIES`. Each statement carries a
``/* crashstats:<name> */`` tag so logs and pg_stat_statements show where it came from.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import LiteralString, cast

QUERIES_FILE = Path(__file__).with_name("queries.sql")
_HEADER = re.compile(r"^-- name: (?P<name>[a-z][a-z0-9_]*)\s*$", re.MULTILINE)


def parse_queries(text: str) -> dict[str, LiteralString]:
    """Split a queries file into {name: tagged statement}; duplicate names are an error."""
    queries: dict[str, LiteralString] = {}
    matches = list(_HEADER.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        body_lines = [
            line for line in text[match.end() : end].strip().splitlines() if not line.startswith("--")
        ]
        body = "\n".join(body_lines).strip().rstrip(";")
        name = match["name"]
        if name in queries:
            raise ValueError(f"queries.sql: query {name!r} is defined twice")
        if not body:
            raise ValueError(f"queries.sql: query {name!r} has no statement")
        queries[name] = cast(LiteralString, f"/* crashstats:{name} */ {body}")
    return queries


QUERIES: dict[str, LiteralString] = parse_queries(QUERIES_FILE.read_text(encoding="utf-8"))
