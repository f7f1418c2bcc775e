"""Configuration: environment variables plus a directory of the seed's ``*.conf`` files.

Sources, strongest first:

1. environment variables (so envconsul / Consul works as in the seed);
2. ``*.conf`` files (``KEY='value'`` lines, ``#`` comments) in the configuration directory:
   ``--config-dir``, else ``$CRASHSTATS_CONFIG_DIR``, else ``/etc/crashstats`` when it exists
   (only for the real process environment, so tests passing ``environ=`` are not affected);
3. the defaults declared in :data:`SETTINGS`.

Every key is declared below with its type. A ``*.conf`` line with an undeclared key, an
environment variable in one of our namespaces (``CRASHSTATS_*``, ``resource__*``, ...) that
is not declared, a value that does not parse, or a seed placeholder left in place
(``'@@@DATABASE_HOSTNAME@@@'``) fails at start with a :class:`ConfigError` naming the key.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from pyapp.errors import ConfigError


def mask_url(url: str) -> str:
    """The URL with its password replaced by ****."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":****@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    return url


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected a boolean (true/false, yes/no, 1/0)")


def _parse_int(raw: str) -> int:
    return int(raw.strip())


def _parse_float(raw: str) -> float:
    return float(raw.strip())


def _parse_list(raw: str) -> list[str]:
    """A comma- or newline-separated list, blanks dropped."""
    return [item.strip() for item in re.split(r"[,\n]", raw) if item.strip()]


def _parse_str(raw: str) -> str:
    return raw


_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)(i?b?)\s*$", re.IGNORECASE)


def _parse_size(raw: str) -> int:
    """A size in bytes: ``26214400``, ``25M``, ``25MB``, ``25MiB`` (K/M/G are powers of 1024)."""
    match = _SIZE.match(raw)
    if not match:
        raise ValueError("expected a size in bytes, optionally with K, M or G (25M)")
    number, unit = int(match[1]), match[2].lower()
    return number * {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}[unit]


def _parse_dump_store(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"fs", "s3"}:
        raise ValueError("expected fs (the filesystem) or s3")
    return value


def _parse_url(raw: str) -> str:
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"postgresql", "postgres", "postgresql+psycopg"}:
        raise ValueError("expected a postgresql:// URL")
    return raw.strip()


def _parse_log_level(raw: str) -> str:
    level = raw.strip().upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError("expected one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
    return level


def _parse_log_format(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"text", "json"}:
        raise ValueError("expected text (one readable line per event) or json (one JSON object per line)")
    return value


def _parse_django_engine(raw: str) -> str:
    if "postgres" not in raw:
        raise ValueError("crashstats only runs on PostgreSQL")
    return raw


def _parse_symbols_mode(raw: str) -> str:
    value = raw.strip().lower()
    if value not in {"redirect", "stream"}:
        raise ValueError("expected redirect (302 to a presigned URL) or stream")
    return value


def _parse_bucket_exceptions(raw: str) -> str:
    """The seed's ``EMAIL:BUCKET[|LOCATION], ...`` (checked here, used by pyapp.symbols.buckets)."""
    from pyapp.symbols.buckets import parse_exceptions

    try:
        parse_exceptions(raw, key="")
    except ConfigError as exc:
        raise ValueError(exc.message.removeprefix(": ")) from None
    return raw


PARSERS: dict[str, Callable[[str], Any]] = {
    "str": _parse_str,
    "secret": _parse_str,
    "int": _parse_int,
    "float": _parse_float,
    "bool": _parse_bool,
    "list": _parse_list,
    "secret_list": _parse_list,
    "size": _parse_size,
    "dump_store": _parse_dump_store,
    "url": _parse_url,
    "log_level": _parse_log_level,
    "log_format": _parse_log_format,
    "django_engine": _parse_django_engine,
    "symbols_mode": _parse_symbols_mode,
    "bucket_exceptions": _parse_bucket_exceptions,
}


@dataclass(frozen=True)
class Setting:
    """One declared configuration key."""

    name: str
    kind: str
    default: Any
    help: str
    aliases: tuple[str, ...] = ()
    #: accepted for compatibility with the seed's files, without effect in crashstats
    ignored: bool = False
    #: a regular expression instead of a fixed name (e.g. destination__storage0__...)
    pattern: bool = False


SETTINGS: tuple[Setting, ...] = (
    # --- where things live --------------------------------------------------------------
    Setting("CRASHSTATS_CONFIG_DIR", "str", None, "directory of *.conf files (KEY='value' lines)"),
    Setting("CRASHSTATS_VAR_DIR", "str", "var", "state directory: embedded PostgreSQL, dumps, caches"),
    Setting("CRASHSTATS_LOG_LEVEL", "log_level", "INFO", "logging level"),
    # --- PostgreSQL (the seed's common.conf names and webapp-django.conf names) ---------
    Setting("DATABASE_URL", "url", None, "postgresql:// URL of the breakpad database (wins over the parts)"),
    Setting(
        "resource__postgresql__database_hostname",
        "str",
        None,
        "PostgreSQL host name",
        aliases=("DATABASE_HOST",),
    ),
    Setting(
        "resource__postgresql__database_port",
        "int",
        None,
        "PostgreSQL port",
        aliases=("DATABASE_PORT",),
    ),
    Setting(
        "resource__postgresql__database_name",
        "str",
        None,
        "database name (default breakpad)",
        aliases=("DATABASE_NAME",),
    ),
    Setting(
        "secrets__postgresql__database_username",
        "str",
        None,
        "PostgreSQL user name (default breakpad_rw)",
        aliases=("DATABASE_USER",),
    ),
    Setting(
        "secrets__postgresql__database_password",
        "secret",
        None,
        "PostgreSQL password",
        aliases=("DATABASE_PASSWORD",),
    ),
    Setting("DATABASE_ENGINE", "django_engine", None, "Django engine name from the seed; must be PostgreSQL"),
    Setting("CRASHSTATS_DB_POOL_MIN", "int", 1, "connections kept open per process"),
    Setting("CRASHSTATS_DB_POOL_MAX", "int", 10, "largest connection pool per process"),
    Setting(
        "CRASHSTATS_DB_CONNECT_TIMEOUT",
        "int",
        5,
        "seconds to wait for a database connection (libpq counts below 2 as 2); the collector also "
        "asks this long again for the outcome of a commit whose answer was lost",
    ),
    Setting(
        "CRASHSTATS_DB_READ_TIMEOUT",
        "float",
        5.0,
        "seconds the collector and the web wait for PostgreSQL's answer to a statement before the "
        "connection is given up (pages: on top of CRASHSTATS_WEB_STATEMENT_TIMEOUT; 0: no limit)",
    ),
    # --- the embedded PostgreSQL (used when no database is configured) ------------------
    Setting("CRASHSTATS_PG_PORT", "int", 54320, "TCP port of the embedded PostgreSQL on 127.0.0.1"),
    Setting("CRASHSTATS_PG_BINDIR", "str", None, "directory holding initdb/pg_ctl (default: search)"),
    Setting("CRASHSTATS_PG_OS_USER", "str", "postgres", "OS user that runs the embedded cluster as root"),
    # --- web (webapp-django.conf) -------------------------------------------------------
    Setting("ALLOWED_HOSTS", "list", [], "host names the site answers to"),
    Setting("DEFAULT_PRODUCT", "str", "KillerApp", "product shown at /"),
    Setting("SECRET_KEY", "secret", None, "key signing sessions and CSRF tokens"),
    Setting("SESSION_COOKIE_SECURE", "bool", False, "send session cookies over HTTPS only"),
    Setting(
        "CRASHSTATS_PUBLIC_SCRUBBED_COMMENTS",
        "bool",
        False,
        "show user comments to everyone with addresses, URLs and home paths scrubbed (Socorro 2015);"
        " off: only view_pii sees them",
    ),
    # --- accounts, admin and API (issue 9) ------------------------------------------------
    Setting("SESSION_COOKIE_AGE", "int", 1209600, "seconds a sign-in lasts (default 14 days)"),
    Setting("CRASHSTATS_LOGIN_MAX_FAILURES", "int", 5, "failed sign-ins of an e-mail before it is blocked"),
    Setting("CRASHSTATS_LOGIN_BLOCK_MINUTES", "int", 15, "minutes the failed sign-ins are counted"),
    Setting("CRASHSTATS_API_RATE_ANONYMOUS", "int", 10, "API requests per minute without a token or session"),
    Setting("CRASHSTATS_API_RATE_USER", "int", 100, "API requests per minute of a signed-in user or token"),
    Setting("CRASHSTATS_API_TOKEN_DAYS", "int", 90, "days a new API token lasts unless told otherwise"),
    Setting("CACHE_LOCATION", "list", [], "memcached servers, host:port, comma-separated"),
    Setting("CACHE_KEY_PREFIX", "str", "socorro", "prefix of every memcached key"),
    Setting("CACHE_MIDDLEWARE", "bool", True, "cache rendered pages"),
    Setting(
        "CRASHSTATS_CACHE_TIMEOUT",
        "float",
        0.25,
        "seconds the web waits to connect to memcached and for its answer; past it the page is "
        "served uncached and memcached left alone for 5 s",
    ),
    Setting(
        "CACHE_BACKEND", "str", None, "Django cache backend from the seed (memcached implied)", ignored=True
    ),
    Setting(
        "GOOGLE_ANALYTICS_ID", "str", None, "analytics id (not used: no third-party scripts)", ignored=True
    ),
    Setting(
        "BROWSERID_AUDIENCES",
        "str",
        None,
        "Persona audiences (Persona is gone; local accounts)",
        ignored=True,
    ),
    Setting(
        "MWARE_BASE_URL", "str", None, "Socorro middleware URL (no separate middleware here)", ignored=True
    ),
    Setting(
        "MWARE_HTTP_HOST", "str", None, "Socorro middleware host (no separate middleware here)", ignored=True
    ),
    # --- symbols (webapp-django.conf, "Symbols S3 uploads") ----------------------------
    Setting("AWS_ACCESS_KEY", "secret", None, "AWS access key for symbol uploads"),
    Setting("AWS_SECRET_ACCESS_KEY", "secret", None, "AWS secret key for symbol uploads"),
    Setting("AWS_ENDPOINT_URL", "str", None, "S3 endpoint (MinIO, Ceph, moto); boto3's standard name"),
    Setting("SYMBOLS_BUCKET_DEFAULT_NAME", "str", None, "default symbols bucket"),
    Setting("SYMBOLS_BUCKET_DEFAULT_LOCATION", "str", None, "region of the default symbols bucket"),
    Setting(
        "SYMBOLS_BUCKET_EXCEPTIONS", "bucket_exceptions", None, "EMAIL:BUCKET[|LOCATION], comma-separated"
    ),
    Setting("SYMBOLS_BUCKET_EXCEPTIONS_USER", "str", None, "older single-user form of the exceptions"),
    Setting("SYMBOLS_BUCKET_EXCEPTIONS_BUCKET", "str", None, "older single-user form of the exceptions"),
    # --- processor (processor.conf) -----------------------------------------------------
    Setting("processor__processor_class", "str", None, "processing rule set (class path)"),
    Setting("destination__crashstorage_class", "str", None, "crash storage class (class path)"),
    Setting("destination__storage_classes", "list", [], "storage classes of a PolyCrashStorage"),
    Setting(
        r"destination__storage\d+__crashstorage_class",
        "str",
        None,
        "the class of the N-th storage of a PolyCrashStorage",
        pattern=True,
    ),
    Setting(
        "filesystem__fs_root",
        "str",
        None,
        "root of the filesystem dump store (default <CRASHSTATS_VAR_DIR>/crashes)",
    ),
    # --- collector and dump store (issue 4) --------------------------------------------
    Setting(
        "CRASHSTATS_DUMP_STORE",
        "dump_store",
        "fs",
        "where minidumps are kept: fs (filesystem__fs_root, Socorro's radix layout) or s3",
    ),
    Setting("CRASHSTATS_DUMP_S3_BUCKET", "str", None, "S3 bucket of the s3 dump store"),
    Setting(
        "CRASHSTATS_DUMP_S3_PREFIX", "str", "", "key prefix in that bucket: {prefix}/v1/{dump_name}/{id}"
    ),
    Setting("CRASHSTATS_DUMP_S3_REGION", "str", None, "region of that bucket (default: boto3's own)"),
    Setting(
        "CRASHSTATS_S3_CONNECT_TIMEOUT",
        "float",
        2.0,
        "seconds every S3 client (dump store, symbols) waits to connect, per attempt",
    ),
    Setting(
        "CRASHSTATS_S3_READ_TIMEOUT",
        "float",
        5.0,
        "seconds every S3 client waits for an answer (or to send more of a body), per attempt",
    ),
    Setting(
        "CRASHSTATS_S3_MAX_ATTEMPTS",
        "int",
        2,
        "attempts of one S3 request, the first included: a hung S3 costs a request at most "
        "attempts x (connect + read timeout) plus ~1 s of backoff",
    ),
    Setting("CRASHSTATS_COLLECTOR_MAX_BODY", "size", 25 * 1024**2, "largest request body as sent (413 over)"),
    Setting(
        "CRASHSTATS_COLLECTOR_MAX_UNCOMPRESSED",
        "size",
        100 * 1024**2,
        "largest request body after gunzip (413 over; caps gzip bombs)",
    ),
    Setting(
        "CRASHSTATS_COLLECTOR_MAX_ANNOTATIONS",
        "size",
        8 * 1024**2,
        "largest size of the annotations, one part and all together (400 field_too_large)",
    ),
    Setting("CRASHSTATS_COLLECTOR_MAX_PARTS", "int", 256, "most multipart parts in one crash report"),
    Setting(
        "CRASHSTATS_COLLECTOR_DEDUP_WINDOW",
        "int",
        86400,
        "seconds during which a crash report identical to one already stored (same dumps, same "
        "annotations) is answered with the first report's CrashID instead of being stored again "
        "(0: every report is stored)",
    ),
    Setting(
        "CRASHSTATS_THROTTLE_RULES",
        "str",
        "socorro",
        "throttle rules: socorro, accept_all, a module:attribute, or a .toml/.json rules file",
    ),
    Setting(
        "CRASHSTATS_COLLECTOR_TOKENS",
        "secret_list",
        [],
        "Auth-Token values that may submit crashes with their own crash ID (uuid) or json_dump",
    ),
    Setting(
        "CRASHSTATS_COLLECTOR_REPLACE_TOKENS",
        "secret_list",
        [],
        "Auth-Token values that may also replace a stored crash by sending its crash ID again"
        " (other tokens get 409 Discarded=duplicate_crash_id)",
    ),
    # --- partition maintenance (issue 3; read by setup admin, `partitions`, the cron jobs)
    Setting(
        "CRASHSTATS_PARTITION_WEEKS_AHEAD",
        "int",
        2,
        "weeks after the current one that get weekly partitions ahead of time (and the upcoming "
        "partitions `partitions check` expects)",
    ),
    Setting(
        "CRASHSTATS_PARTITION_RETENTION_MONTHS",
        "int",
        12,
        "drop weekly partitions of date_processed tables older than this many months "
        "(below 12 needs --force)",
    ),
    Setting(
        "CRASHSTATS_PARTITION_TRUNCATE_WEEKS",
        "int",
        26,
        "truncate_partitions keeps this many weeks of the tables marked truncate_old "
        "(raw_crashes, processed_crashes)",
    ),
    # --- crontabber (crontabber.conf) ---------------------------------------------------
    Setting(
        "crontabber__jobs", "str", None, "job list: dotted.path.Class|<n>(m|h|d)[|HH:MM], comma-separated"
    ),
    # --- job runner and jobs (issue 7) --------------------------------------------------
    Setting("crontabber__error_retry_time", "int", 300, "seconds before a failed job is retried"),
    Setting(
        "crontabber__max_ongoing_age_hours",
        "float",
        12.0,
        "hours after which a job marked as running is presumed dead and may be taken over",
    ),
    Setting(
        "crontabber__max_parallel_jobs",
        "int",
        1,
        "due jobs one tick runs at once, each once the due jobs it depends on have finished",
    ),
    Setting(
        "CRASHSTATS_HTTP_TIMEOUT",
        "int",
        30,
        "seconds jobs and the processor's Elasticsearch store wait to connect to an HTTP server and "
        "for each read of its answer (ADI, Bugzilla, release metadata, webhooks, Elasticsearch)",
    ),
    Setting(
        "CRASHSTATS_ADI_SOURCE",
        "str",
        None,
        "fetch-adi: CSV file path or http(s) URL of the day's ADI; {date} becomes the day (YYYY-MM-DD)",
    ),
    Setting(
        "CRASHSTATS_RELEASE_METADATA_SOURCE",
        "list",
        [],
        "release-metadata: JSON build-info files, directories of them, or http(s) URLs, comma-separated",
    ),
    Setting("CRASHSTATS_BUGZILLA_URL", "str", None, "bugzilla-associations: Bugzilla base URL (REST API)"),
    Setting("CRASHSTATS_BUGZILLA_API_KEY", "secret", None, "bugzilla-associations: Bugzilla API key"),
    Setting(
        "CRASHSTATS_BUGZILLA_DAYS_INTO_PAST",
        "int",
        30,
        "bugzilla-associations: days of bug changes read on the first run",
    ),
    Setting(
        "CRASHSTATS_ALERT_WEBHOOKS",
        "list",
        [],
        "signature-alerts: webhooks, [json:|slack:|matrix:]URL, comma-separated",
    ),
    Setting("CRASHSTATS_ALERT_TOP_N", "int", 20, "signature-alerts: size of the top-crashers list watched"),
    Setting(
        "CRASHSTATS_ALERT_EXPLOSIVE_THRESHOLD",
        "float",
        3.0,
        "signature-alerts: explosiveness score (oneday or threeday) that raises an alert",
    ),
    Setting(
        "resource__elasticsearch__elasticsearch_urls",
        "list",
        [],
        "Elasticsearch URLs; enables elasticsearch-cleanup",
        aliases=("ELASTICSEARCH_URL",),
    ),
    Setting(
        "resource__elasticsearch__elasticsearch_index",
        "str",
        "socorro%Y%W",
        "name pattern of the weekly crash indices (strftime)",
    ),
    Setting(
        "resource__elasticsearch__elasticsearch_index_regex",
        "str",
        "^socorro[0-9]{6}$",
        "indices elasticsearch-cleanup may delete",
    ),
    Setting("CRASHSTATS_ES_RETENTION_WEEKS", "int", 26, "elasticsearch-cleanup: weeks of indices kept"),
    # --- processor (issue 5) ------------------------------------------------------------
    Setting(
        "CRASHSTATS_PROCESSOR_WORKERS", "int", 1, "crashstats processor: worker processes (--workers wins)"
    ),
    Setting("CRASHSTATS_PROCESSOR_BATCH", "int", 8, "crashes a worker claims and stores per transaction"),
    Setting(
        "CRASHSTATS_PROCESSOR_BATCH_MAX",
        "int",
        64,
        "most crashes per claim when crashes are quick (claims grow from CRASHSTATS_PROCESSOR_BATCH "
        "to what the worker processes in CRASHSTATS_PROCESSOR_BATCH_SECONDS)",
    ),
    Setting(
        "CRASHSTATS_PROCESSOR_BATCH_SECONDS",
        "float",
        0.5,
        "a claim holds at most about this many seconds of work (beyond CRASHSTATS_PROCESSOR_BATCH)",
    ),
    Setting(
        "CRASHSTATS_PROCESSOR_POLL",
        "float",
        5.0,
        "seconds an idle worker waits for a queue NOTIFY before looking at the queue anyway",
    ),
    Setting(
        "CRASHSTATS_PROCESSOR_LEASE",
        "int",
        300,
        "seconds a claim lasts unless renewed; a worker that dies loses its crashes to others after it",
    ),
    Setting(
        "CRASHSTATS_PROCESSOR_RETRY_DELAY",
        "int",
        60,
        "seconds before a crash given back after a dump store or database failure is tried again",
    ),
    Setting(
        "CRASHSTATS_PROCESSOR_MAX_ATTEMPTS",
        "int",
        3,
        "claims of one crash after which the stackwalker is no longer run on it (workers died on it)",
    ),
    Setting(
        "CRASHSTATS_REPORTS_LIVE_INTERVAL",
        "float",
        30.0,
        "seconds between a processor worker's calls of update_reports_live, which counts the crashes "
        "processed since in the live reports (docs/live-reports.md); 0: leave it to "
        "`crashstats reports live --every S`",
    ),
    Setting(
        "CRASHSTATS_PROCESSOR_DELIVERY_DELAY",
        "int",
        600,
        "seconds after which a delivery to an optional crash store that its worker did not confirm "
        "is due for the retry job (the worker died in between)",
    ),
    Setting(
        "CRASHSTATS_STACKWALKER", "str", None, "minidump-stackwalk program (default: the venv's, or PATH)"
    ),
    Setting(
        "CRASHSTATS_STACKWALKER_TIMEOUT", "float", 120.0, "seconds before the stackwalker is killed (SIGKILL)"
    ),
    Setting(
        "CRASHSTATS_STACKWALKER_MEMORY",
        "size",
        2 * 1024**3,
        "address-space limit of the stackwalker (0: none)",
    ),
    Setting(
        "CRASHSTATS_SYMBOLS_PATH",
        "list",
        [],
        "local symbol stores, <debug_file>/<debug_id>/<file>.sym below each (comma-separated)",
        aliases=("SYMBOLS_PATH",),
    ),
    Setting(
        "CRASHSTATS_SYMBOLS_URLS",
        "list",
        [],
        "symbol servers (Tecken protocol: <url>/<debug_file>/<debug_id>/<file>.sym), comma-separated",
    ),
    Setting(
        "CRASHSTATS_SYMBOLS_DOWNLOAD_TIMEOUT",
        "int",
        30,
        "seconds the stackwalker may spend on one symbol file download from CRASHSTATS_SYMBOLS_URLS "
        "(a hung symbol server costs each module this long, never the whole stackwalker timeout)",
    ),
    Setting(
        "CRASHSTATS_PROCESSOR_DB_READ_TIMEOUT",
        "float",
        60.0,
        "seconds a processor worker waits for PostgreSQL's answer to a statement before it drops "
        "the connection, gives its crashes back and reconnects (0: no limit)",
    ),
    Setting(
        "CRASHSTATS_SYMBOLS_CACHE",
        "str",
        None,
        "directory where downloaded symbols are kept (default <CRASHSTATS_VAR_DIR>/symbols-cache)",
    ),
    # --- web pages and API (issue 8) ---------------------------------------------------
    Setting(
        "CRASHSTATS_WEB_STATEMENT_TIMEOUT",
        "int",
        5000,
        "milliseconds a web page's query may run before the page says to narrow the filters",
    ),
    Setting("CRASHSTATS_CACHE_TTL", "int", 86400, "seconds a cached report page or JSON answer is kept"),
    Setting(
        "CRASHSTATS_CACHE_LIVE_TTL",
        "int",
        60,
        "seconds a cached live page (search, crash, crontabber state, server status) is kept",
    ),
    # --- symbols: uploads, symbol server, late-symbol reprocessing (issue 10) ---------
    Setting(
        "CRASHSTATS_SYMBOLS_REPROCESS_DAYS",
        "int",
        14,
        "an upload queues for reprocessing the crashes of this many days that lacked its symbols (0: none)",
    ),
    Setting("CRASHSTATS_SYMBOLS_MAX_UPLOAD", "size", 2 * 1024**3, "largest symbol archive taken (413 above)"),
    Setting("CRASHSTATS_SYMBOLS_MAX_FILE", "size", 1024**3, "largest .sym file in an upload (uncompressed)"),
    Setting(
        "CRASHSTATS_SYMBOLS_MAX_TOTAL", "size", 4 * 1024**3, "largest total of the .sym files of one upload"
    ),
    Setting("CRASHSTATS_SYMBOLS_MAX_FILES", "int", 20000, "most .sym files in one upload"),
    Setting("CRASHSTATS_SYMBOLS_UPLOAD_THREADS", "int", 16, "parallel S3 uploads of one symbol upload"),
    Setting(
        "CRASHSTATS_SYMBOLS_SERVER_MODE",
        "symbols_mode",
        "redirect",
        "symbol server answers: redirect (302 to a presigned S3 URL) or stream (the bytes through the web)",
    ),
    Setting(
        "CRASHSTATS_SYMBOLS_URL_EXPIRY",
        "int",
        3600,
        "seconds a presigned symbol URL is valid (the 302 itself may be cached a tenth of that)",
    ),
    # --- running it for real: health, metrics, logs, read replica (issue 11) ----------
    Setting(
        "CRASHSTATS_LOG_FORMAT",
        "log_format",
        "text",
        "text (readable lines) or json (one JSON object per event, for log shippers)",
    ),
    Setting(
        "DATABASE_READ_URL",
        "url",
        None,
        "postgresql:// URL of a streaming replica the web pages and API read from (writes and jobs "
        "stay on DATABASE_URL)",
    ),
    Setting(
        "CRASHSTATS_REPLICA_LAG_NOTICE",
        "int",
        30,
        "seconds of replica lag past which pages say how stale their data is",
    ),
    Setting(
        "CRASHSTATS_DB_PGBOUNCER",
        "bool",
        False,
        "connections go through PgBouncer in transaction pooling mode: no prepared statements, "
        "no LISTEN (processors poll), no statement_timeout startup option (set it in PgBouncer)",
    ),
    Setting("CRASHSTATS_STATSD_HOST", "str", None, "statsd server for metrics (unset: no metrics sent)"),
    Setting("CRASHSTATS_STATSD_PORT", "int", 8125, "UDP port of the statsd server"),
    Setting("CRASHSTATS_STATSD_PREFIX", "str", "crashstats", "prefix of every metric name"),
    Setting(
        "CRASHSTATS_HEARTBEAT_MAX_QUEUE",
        "int",
        10000,
        "/__heartbeat__ fails when more crashes than this wait in processing_queue",
    ),
    Setting(
        "CRASHSTATS_HEARTBEAT_MAX_QUEUE_AGE",
        "int",
        3600,
        "/__heartbeat__ fails when the oldest queued crash waits longer than this (seconds)",
    ),
    Setting(
        "CRASHSTATS_HEARTBEAT_MAX_JOB_AGE",
        "int",
        7200,
        "/__heartbeat__ fails when no crontabber job succeeded for this long (seconds; once any ran)",
    ),
    # --- Socorro middleware keys from the seed: crashstats has no separate middleware --
    Setting("implementations__implementation_list", "str", None, "Socorro middleware setting", ignored=True),
    Setting("implementations__service_overrides", "str", None, "Socorro middleware setting", ignored=True),
    Setting("elasticsearch__elasticsearch_class", "str", None, "Socorro middleware setting", ignored=True),
    Setting("web_server__wsgi_server_class", "str", None, "Socorro middleware setting", ignored=True),
)

#: environment variables in these namespaces must be declared settings
OUR_ENV_PREFIXES = (
    "CRASHSTATS_",
    "resource__",
    "secrets__",
    "processor__",
    "destination__",
    "crontabber__",
    "filesystem__",
    "implementations__",
    "elasticsearch__",
    "web_server__",
    "SYMBOLS_BUCKET_",
)

PLACEHOLDER = re.compile(r"@@@[A-Z0-9_]+@@@")
CONF_LINE = re.compile(r"^(?:export\s+)?(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s*=(?P<value>.*)$")


def _index() -> tuple[dict[str, Setting], list[Setting]]:
    exact: dict[str, Setting] = {}
    patterns: list[Setting] = []
    for setting in SETTINGS:
        if setting.pattern:
            patterns.append(setting)
            continue
        for name in (setting.name, *setting.aliases):
            exact[name] = setting
    return exact, patterns


_EXACT, _PATTERNS = _index()


def find_setting(key: str) -> Setting | None:
    """The declared setting for ``key`` (a name, an alias, or a pattern match)."""
    if key in _EXACT:
        return _EXACT[key]
    for setting in _PATTERNS:
        if re.fullmatch(setting.name, key):
            return setting
    return None


@dataclass(frozen=True)
class RawValue:
    key: str
    value: str
    source: str


def parse_conf_text(text: str, source: str) -> list[RawValue]:
    """Parse one ``*.conf`` file in the seed's format: ``KEY='value'`` lines, ``#`` comments."""
    values: list[RawValue] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = f"{source}:{number}"
        match = CONF_LINE.match(stripped)
        if not match:
            raise ConfigError(f"{where}: cannot read this line; expected KEY='value'")
        key = match["key"]
        try:
            tokens = shlex.split(match["value"], comments=True, posix=True)
        except ValueError as exc:
            raise ConfigError(f"{where}: {key}: bad quoting ({exc})") from None
        if len(tokens) > 1:
            raise ConfigError(f"{where}: {key}: the value has unquoted spaces; quote it: {key}='...'")
        values.append(RawValue(key, tokens[0] if tokens else "", where))
    return values


def read_conf_dir(directory: Path) -> list[RawValue]:
    """Every ``*.conf`` file of ``directory``, in name order."""
    if not directory.is_dir():
        raise ConfigError(f"configuration directory {directory} does not exist")
    values: list[RawValue] = []
    for path in sorted(directory.glob("*.conf")):
        values.extend(parse_conf_text(path.read_text(encoding="utf-8"), str(path)))
    return values


@dataclass
class Config:
    """The effective configuration: declared settings with their values and sources."""

    values: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    #: pattern settings, by the concrete key that matched
    extra: dict[str, Any] = field(default_factory=dict)
    config_dir: Path | None = None

    def __getitem__(self, name: str) -> Any:
        setting = find_setting(name)
        if setting is None:
            raise KeyError(name)
        if setting.pattern:
            return self.extra.get(name)
        return self.values.get(setting.name, setting.default)

    def get(self, name: str, default: Any = None) -> Any:
        value = self[name]
        return default if value is None else value

    @property
    def var_dir(self) -> Path:
        return Path(self["CRASHSTATS_VAR_DIR"]).absolute()

    def describe(self) -> list[tuple[str, str, str]]:
        """(key, shown value, source) for every setting that is not at its default; secrets masked."""
        rows = []
        for setting in SETTINGS:
            if setting.pattern:
                continue
            if setting.name in self.sources:
                value = self.values[setting.name]
                if setting.kind in ("secret", "secret_list") and value:
                    shown = "********"
                elif setting.kind == "url" and value:
                    shown = repr(mask_url(value))
                else:
                    shown = repr(value)
                rows.append((setting.name, shown, self.sources[setting.name]))
        for key, value in sorted(self.extra.items()):
            rows.append((key, repr(value), self.sources.get(key, "")))
        return rows

    def database_url(self) -> str | None:
        """The configured database URL, or None when no database is configured.

        ``DATABASE_URL`` wins; otherwise the seed's discrete settings build one (with the
        seed's defaults for the parts not given); otherwise None, and callers fall back on
        the embedded cluster (:mod:`pyapp.embedded`).
        """
        if self["DATABASE_URL"]:
            return str(self["DATABASE_URL"])
        parts = [
            "resource__postgresql__database_hostname",
            "resource__postgresql__database_port",
            "resource__postgresql__database_name",
            "secrets__postgresql__database_username",
            "secrets__postgresql__database_password",
        ]
        if not any(self[p] is not None for p in parts):
            return None
        host = self["resource__postgresql__database_hostname"] or "localhost"
        port = self["resource__postgresql__database_port"] or 5432
        name = self["resource__postgresql__database_name"] or "breakpad"
        user = self["secrets__postgresql__database_username"] or "breakpad_rw"
        password = self["secrets__postgresql__database_password"]
        auth = quote(user, safe="")
        if password:
            auth += ":" + quote(password, safe="")
        return f"postgresql://{auth}@{host}:{port}/{quote(name, safe='')}"


def _convert(setting: Setting, key: str, raw: RawValue) -> Any:
    if PLACEHOLDER.search(raw.value):
        raise ConfigError(f"{key}: still holds the seed's placeholder {raw.value!r} ({raw.source})")
    try:
        return PARSERS[setting.kind](raw.value)
    except ValueError as exc:
        raise ConfigError(f"{key}: bad value {raw.value!r} ({raw.source}): {exc}") from None


def _is_ours(key: str) -> bool:
    return key.startswith(OUR_ENV_PREFIXES)


def load_config(
    environ: Mapping[str, str] | None = None,
    config_dir: str | os.PathLike[str] | None = None,
) -> Config:
    """Read and validate the configuration; raises :class:`ConfigError` naming the bad key."""
    env = dict(os.environ if environ is None else environ)
    directory: Path | None = None
    if config_dir is not None:
        directory = Path(config_dir)
    elif env.get("CRASHSTATS_CONFIG_DIR"):
        directory = Path(env["CRASHSTATS_CONFIG_DIR"])
    elif environ is None and Path("/etc/crashstats").is_dir():
        directory = Path("/etc/crashstats")

    layers: list[Iterable[RawValue]] = []
    if directory is not None:
        file_values = read_conf_dir(directory)
        seen: dict[str, RawValue] = {}
        for item in file_values:
            if find_setting(item.key) is None:
                raise ConfigError(f"{item.key}: unknown setting ({item.source})")
            previous = seen.get(item.key)
            if previous is not None and previous.value != item.value:
                raise ConfigError(
                    f"{item.key}: set to different values in {previous.source} and {item.source}"
                )
            seen[item.key] = item
        layers.append(file_values)
    env_values = []
    for key, value in env.items():
        setting = find_setting(key)
        if setting is None:
            if _is_ours(key):
                raise ConfigError(f"{key}: unknown setting (environment)")
            continue
        env_values.append(RawValue(key, value, "environment"))
    layers.append(env_values)

    config = Config(config_dir=directory)
    canonical_seen: dict[str, RawValue] = {}
    for layer in layers:  # later layers win
        for item in layer:
            setting = find_setting(item.key)
            assert setting is not None
            value = _convert(setting, item.key, item)
            if setting.pattern:
                config.extra[item.key] = value
                config.sources[item.key] = item.source
                continue
            # an alias and its canonical name given in the same layer must agree
            earlier = canonical_seen.get(setting.name)
            same_layer = earlier is not None and earlier.source == item.source == "environment"
            if same_layer and earlier.value != item.value:
                raise ConfigError(f"{item.key}: conflicts with {earlier.key} in the environment; set one")
            canonical_seen[setting.name] = item
            config.values[setting.name] = value
            config.sources[setting.name] = (
                item.source if item.key == setting.name else (f"{item.source} as {item.key}")
            )
    return config
