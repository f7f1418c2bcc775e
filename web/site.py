"""The web site's state in one process: configuration, the database pool (every connection
with the statement timeout), memcached, the templates and the redaction rules.

Everything is opened on first use, after gunicorn's fork, so no pool crosses a fork.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any, LiteralString
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import jinja2

from pyapp import errors
from pyapp.config import Config
from pyapp.db import Database
from web import cells, charts, links
from web.cache import PageCache, parse_servers
from web.generation import READ as READ_GENERATION
from web.generation import GenerationWatch
from web.redact import RedactionRules
from web.replica import ReplicaLag

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def with_statement_timeout(url: str, milliseconds: int) -> str:
    """``url`` whose connections run every statement under ``statement_timeout``."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "options"]
    query.append(("options", f"-c statement_timeout={int(milliseconds)}"))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def make_templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(links.TEMPLATE_GLOBALS)
    env.globals.update(charts.TEMPLATE_GLOBALS)
    env.globals.update(cells.TEMPLATE_GLOBALS)
    env.filters.update(links.TEMPLATE_FILTERS)
    return env


class Site:
    """Configuration, database, cache and templates of the web app."""

    def __init__(self, config: Config, *, db: Database | None = None) -> None:
        self.config = config
        servers = parse_servers(config["CACHE_LOCATION"]) if config["CACHE_MIDDLEWARE"] else []
        self.cache = PageCache(
            servers, config["CACHE_KEY_PREFIX"], timeout=config["CRASHSTATS_CACHE_TIMEOUT"]
        )
        self.templates = make_templates()
        self.report_ttl = int(config["CRASHSTATS_CACHE_TTL"])
        self.live_ttl = int(config["CRASHSTATS_CACHE_LIVE_TTL"])
        self.default_product = str(config["DEFAULT_PRODUCT"])
        self.allowed_hosts = [h.lower() for h in config["ALLOWED_HOSTS"]]
        #: user comments shown to everyone, scrubbed (Socorro 2015), instead of to view_pii only
        self.public_scrubbed_comments = bool(config["CRASHSTATS_PUBLIC_SCRUBBED_COMMENTS"])
        self._db = db
        self._read_db: Database | None = None
        self._db_lock = threading.Lock()
        self.replica = ReplicaLag(lambda: self.db, config["CRASHSTATS_REPLICA_LAG_NOTICE"])
        self._rules: tuple[int, RedactionRules] | None = None
        self._generation_watch: GenerationWatch | None = None

    def _pool(self, url: str, component: str) -> Database:
        if not self.config["CRASHSTATS_DB_PGBOUNCER"]:  # PgBouncer refuses the option
            url = with_statement_timeout(url, self.config["CRASHSTATS_WEB_STATEMENT_TIMEOUT"])
        return Database(
            url,
            component=component,
            min_size=self.config["CRASHSTATS_DB_POOL_MIN"],
            max_size=self.config["CRASHSTATS_DB_POOL_MAX"],
            connect_timeout=self.config["CRASHSTATS_DB_CONNECT_TIMEOUT"],
            read_timeout=self.read_timeout,
            autocommit=True,
        )

    @property
    def read_timeout(self) -> float | None:
        """Seconds a page's statement may wait for PostgreSQL's answer: the statement timeout
        (which PostgreSQL enforces, answering "narrow the filters") plus CRASHSTATS_DB_READ_TIMEOUT
        (a server or network that hangs); None when the latter is 0."""
        extra = float(self.config["CRASHSTATS_DB_READ_TIMEOUT"])
        if extra <= 0:
            return None
        return self.config["CRASHSTATS_WEB_STATEMENT_TIMEOUT"] / 1000 + extra

    @property
    def write_db(self) -> Database:
        """The primary: the few writes of the web (priority processing requests)."""
        if self._db is None:
            with self._db_lock:
                if self._db is None:
                    from pyapp.embedded import resolve_database_url

                    url = resolve_database_url(self.config)
                    if url is None:
                        raise errors.ConfigError(
                            "no database configured and the embedded PostgreSQL was never started",
                            hint="set DATABASE_URL, or run `crashstats db start`",
                        )
                    self._db = self._pool(url, "web")
        return self._db

    @property
    def db(self) -> Database:
        """Where pages read: the streaming replica of ``DATABASE_READ_URL`` when set, else the
        primary."""
        read_url = self.config["DATABASE_READ_URL"]
        if not read_url:
            return self.write_db
        if self._read_db is None:
            with self._db_lock:
                if self._read_db is None:
                    self._read_db = self._pool(read_url, "web-read")
        return self._read_db

    def replica_notice(self) -> str | None:
        """What pages say when they read from a replica lagging past the threshold."""
        if not self.config["DATABASE_READ_URL"]:
            return None
        return self.replica.notice()

    def close(self) -> None:
        if self._generation_watch is not None:
            self._generation_watch.close()
        for pool in (self._db, self._read_db):
            if pool is not None:
                pool.close()

    # --- queries: each one statement naming a view or function (autocommit, timeout) ----

    def rows(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        with self.db.connection() as conn:
            return conn.execute(query, params).fetchall()

    def one(self, query: LiteralString, **params: Any) -> dict[str, Any] | None:
        with self.db.connection() as conn:
            return conn.execute(query, params).fetchone()

    def value(self, query: LiteralString, **params: Any) -> Any:
        row = self.one(query, **params)
        return None if row is None else next(iter(row.values()))

    def write_rows(self, query: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """One statement on the primary: writes, and reads that must see the latest writes
        (sessions, tokens, accounts, the admin), never the read replica."""
        with self.write_db.connection() as conn:
            return conn.execute(query, params).fetchall()

    def write_one(self, query: LiteralString, **params: Any) -> dict[str, Any] | None:
        """One row of a statement on the primary (see write_rows)."""
        with self.write_db.connection() as conn:
            return conn.execute(query, params).fetchone()

    def write_value(self, query: LiteralString, **params: Any) -> Any:
        """One statement that writes, on the primary (never the read replica)."""
        with self.write_db.connection() as conn:
            row = conn.execute(query, params).fetchone()
        return None if row is None else next(iter(row.values()))

    def generation(self) -> int:
        """The cache generation: kept by a LISTEN connection (web.generation) when pages read
        the primary directly, else read per request."""
        watch = self._generation_watch
        if watch is None:
            listen = not self.config["DATABASE_READ_URL"] and not self.config["CRASHSTATS_DB_PGBOUNCER"]
            url = self.write_db.url if listen else None
            with self._db_lock:
                if self._generation_watch is None:
                    self._generation_watch = GenerationWatch(
                        url,
                        self._read_generation,
                        read_timeout=float(self.config["CRASHSTATS_DB_READ_TIMEOUT"]) or None,
                    )
                watch = self._generation_watch
        return watch.current()

    def saw_generation(self, generation: int) -> None:
        """A bump this process committed: its own next page uses it without waiting for the
        NOTIFY."""
        if self._generation_watch is not None:
            self._generation_watch.saw(generation)

    def _read_generation(self) -> int:
        return int(self.value(READ_GENERATION))

    def redaction_rules(self, generation: int) -> RedactionRules:
        """The rules of redaction_rules, read again when the generation changes (fail closed:
        a page that cannot read them fails)."""
        cached = self._rules
        if cached is not None and cached[0] == generation:
            return cached[1]
        rules = RedactionRules.from_rows(
            self.rows("SELECT scope, field, permission, treatment FROM redaction_rules"),
            public_scrubbed=self.public_scrubbed_comments,
        )
        self._rules = (generation, rules)
        return rules

    def host_allowed(self, host: str) -> bool:
        """Django's ALLOWED_HOSTS rule: empty allows all, ``*`` all, ``.example.com`` a domain."""
        if not self.allowed_hosts:
            return True
        name = host.rsplit(":", 1)[0].lower() if not host.endswith("]") else host.lower()
        for allowed in self.allowed_hosts:
            if allowed == "*" or allowed == name:
                return True
            if allowed.startswith(".") and (name == allowed[1:] or name.endswith(allowed)):
                return True
        return False
