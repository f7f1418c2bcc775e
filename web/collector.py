"""The collector: ``POST /submit`` takes Breakpad/Crashpad crash reports (Antenna's protocol).

Answers, as Antenna gives them (``text/plain``):

* ``200 CrashID=bp-<crash id>\\n`` once the dumps are durable and the raw crash (and, when
  accepted, its queue row) committed;
* ``200 Discarded=rule_<name>`` for a crash a throttle rule rejects, ``200 Unsupported=1`` for
  one it ignores;
* ``400 Discarded=malformed_<reason>``: no_content_type, wrong_content_type, no_boundary,
  bad_content_encoding, bad_content_length, no_content_length, truncated_body, bad_gzip,
  bad_multipart, too_many_parts, field_too_large, invalid_annotation_value, invalid_json,
  invalid_json_value, has_json_and_kv, bad_dump_name, duplicate_dump, no_dump,
  no_annotations, bad_crash_id;
* ``401 Discarded=unauthorized_uuid``: a crash ID (``uuid``) sent without a valid
  ``Auth-Token`` header (``CRASHSTATS_COLLECTOR_TOKENS``). A ``json_dump`` annotation (a
  stackwalker output, which the processor then uses instead of walking the dump) is kept
  only with a valid token too; without one it is dropped, with a collector note;
* ``400 Discarded=malformed_crash_id_too_old``: a supplied crash ID dated before the data
  kept (``CRASHSTATS_PARTITION_TRUNCATE_WEEKS``: its page would be "gone"), or
  ``malformed_crash_id_in_future``: dated after tomorrow; nothing is stored;
* ``409 Discarded=duplicate_crash_id``: a supplied crash ID that is already stored, from a
  token not listed in ``CRASHSTATS_COLLECTOR_REPLACE_TOKENS`` (the tokens that may replace a
  stored crash); nothing is changed;
* ``413 Discarded=body_too_large`` / ``Discarded=uncompressed_too_large``;
* ``501 Discarded=unsupported_transfer_encoding``: a ``Transfer-Encoding`` other than
  ``chunked`` (``gzip, chunked``: gzip goes in ``Content-Encoding``);
* ``503 Discarded=storage_unavailable``: nothing was kept; the client should retry (with a
  ``Retry-After``). A dump store or database that hangs gets this answer within seconds: every
  S3 and PostgreSQL call has connect and read timeouts (``CRASHSTATS_S3_*_TIMEOUT``,
  ``CRASHSTATS_DB_CONNECT_TIMEOUT``, ``CRASHSTATS_DB_READ_TIMEOUT``), well under gunicorn's
  worker timeout.

A report is stored at most once: the collector's write is idempotent on what the client sent.
The same report (same dumps, same annotations: :func:`submission_digest`) sent again within
``CRASHSTATS_COLLECTOR_DEDUP_WINDOW`` seconds of the first one being stored (a client retrying
after a timeout whose first upload did get stored) is answered ``200 CrashID=bp-<the first
crash ID>`` and nothing more is stored. Reports carrying their own crash ID (``uuid``) are not
concerned: saving one again replaces it, and only a replace token may (409 above).

:func:`make_collector_app` builds the Bottle app. It runs alone on collector nodes
(``crashstats serve --collector-only``, gunicorn ``web.wsgi:collector``) and the main web app
takes its routes with ``app.merge(make_collector_app(...))``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import bottle

from pyapp import crashid, errors, jsonfast, metrics
from pyapp.config import Config, load_config
from pyapp.db import Database
from pyapp.dumpstore import DumpStore, open_dump_store
from pyapp.rawcrash import RAW_CRASH_STORED, StorageUnavailable, build_raw_crash, save_crash
from pyapp.throttler import RegisteredProducts, Result, Throttler, load_rules
from web import health
from web.payload import Limits, Malformed, TooLarge, UnsupportedCoding, drain, read_payload

log = logging.getLogger(__name__)

QUERY_FIELDS_MAX = 50


def submission_digest(annotations: dict[str, Any], checksums: dict[str, str]) -> bytes:
    """sha256 of a crash report as the client sent it: its dumps (names and sha256) and its
    annotations (query-string fields included), independent of part and key order."""
    hasher = hashlib.sha256(b"crashstats-submission-v1\n")
    for name in sorted(checksums):
        hasher.update(f"{name}\0{checksums[name]}\n".encode())
    for key in sorted(annotations):
        hasher.update(jsonfast.dumps([key, annotations[key]]))
        hasher.update(b"\n")
    return hasher.digest()


class Collector:
    """The collector's state in one process: configuration, throttler, dump store, database."""

    def __init__(
        self,
        config: Config,
        *,
        db: Database | None = None,
        dump_store: DumpStore | None = None,
        throttler: Throttler | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.config = config
        self.limits = Limits(
            max_body=config["CRASHSTATS_COLLECTOR_MAX_BODY"],
            max_uncompressed=config["CRASHSTATS_COLLECTOR_MAX_UNCOMPRESSED"],
            max_annotations=config["CRASHSTATS_COLLECTOR_MAX_ANNOTATIONS"],
            max_parts=config["CRASHSTATS_COLLECTOR_MAX_PARTS"],
        )
        self.throttler = throttler or Throttler(load_rules(config["CRASHSTATS_THROTTLE_RULES"]))
        #: the throttle rules' ``registered`` test: the products table, re-read every minute
        self.registered_products = RegisteredProducts(
            lambda: [r["product_name"] for r in self.db.fetch_all("SELECT product_name FROM products")]
        )
        #: tokens that may also replace a stored crash (a submission carrying its crash ID)
        self.replace_tokens = [t.encode() for t in config["CRASHSTATS_COLLECTOR_REPLACE_TOKENS"]]
        self.tokens = [t.encode() for t in config["CRASHSTATS_COLLECTOR_TOKENS"]] + self.replace_tokens
        self.store = dump_store or open_dump_store(config)
        window = int(config["CRASHSTATS_COLLECTOR_DEDUP_WINDOW"])
        if window < 0:
            raise errors.ConfigError(f"CRASHSTATS_COLLECTOR_DEDUP_WINDOW: must be 0 or more, not {window}")
        self.dedup_window = dt.timedelta(seconds=window) if window else None
        self._db = db
        self._db_lock = threading.Lock()
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))

    @property
    def db(self) -> Database:
        """The connection pool, opened on first use in this process (after gunicorn's fork)."""
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
                    self._db = Database(
                        url,
                        component="collector",
                        min_size=self.config["CRASHSTATS_DB_POOL_MIN"],
                        max_size=self.config["CRASHSTATS_DB_POOL_MAX"],
                        connect_timeout=self.config["CRASHSTATS_DB_CONNECT_TIMEOUT"],
                        read_timeout=self.config["CRASHSTATS_DB_READ_TIMEOUT"],
                        autocommit=True,
                    )
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def authorised(self, environ: dict[str, Any], tokens: list[bytes] | None = None) -> bool:
        token = environ.get("HTTP_AUTH_TOKEN", "").strip().encode()
        return bool(token) and any(hmac.compare_digest(token, t) for t in (tokens or self.tokens))

    def may_replace(self, environ: dict[str, Any]) -> bool:
        """Whether the request's token may replace a stored crash."""
        return bool(self.replace_tokens) and self.authorised(environ, self.replace_tokens)

    def id_date_problem(self, crash_id: str, submitted: dt.datetime) -> str | None:
        """Why a supplied crash ID's date cannot be kept (its page could not show it), or None:
        before the first day of the data kept (the crash page's "older than the data kept"),
        or after tomorrow."""
        day = crashid.date_from_crash_id(crash_id)
        today = submitted.astimezone(dt.UTC).date()
        weeks = int(self.config["CRASHSTATS_PARTITION_TRUNCATE_WEEKS"])
        if day < today - dt.timedelta(days=today.weekday() + 7 * weeks):
            return "crash_id_too_old"
        if day > today + dt.timedelta(days=1):
            return "crash_id_in_future"
        return None

    def submit(self, environ: dict[str, Any]) -> tuple[int, str]:
        """Handle one crash report; returns (HTTP status, text body)."""
        metrics.incr("collector.crash_received")
        status, text = self._submit(environ)
        if text.startswith("CrashID="):
            metrics.incr("collector.crash_stored")
        elif status == 503:
            metrics.incr("collector.crash_unavailable")
        else:
            metrics.incr("collector.crash_discarded")
        return status, text

    def _submit(self, environ: dict[str, Any]) -> tuple[int, str]:
        submitted = self.clock()
        try:
            payload = read_payload(environ, self.store, self.limits)
        except Malformed as exc:
            drain(environ, self.limits.max_body)
            log.info("discarded a malformed crash report: %s %s", exc.reason, exc.detail)
            return 400, f"Discarded=malformed_{exc.reason}"
        except TooLarge as exc:
            drain(environ, self.limits.max_body)
            log.info("discarded a crash report: %s", exc.reason)
            return 413, f"Discarded={exc.reason}"
        except UnsupportedCoding as exc:
            log.info("refused a crash report sent with Transfer-Encoding: %s", exc.coding)
            return 501, "Discarded=unsupported_transfer_encoding"
        except OSError as exc:  # spooling a dump failed: the dump store's disk
            drain(environ, self.limits.max_body)
            log.error("cannot spool a dump: %s", exc)
            return 503, "Discarded=storage_unavailable"
        try:
            return self._store(environ, payload, submitted)
        finally:
            payload.discard()  # what was not saved

    def _store(self, environ: dict[str, Any], payload: Any, submitted: dt.datetime) -> tuple[int, str]:
        annotations = payload.annotations
        query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        for key, value in query[:QUERY_FIELDS_MAX]:
            key, value = key.replace("\x00", ""), value.replace("\x00", "")
            if key and key not in annotations:
                annotations[key] = value
                payload.notes.append(f"{key} taken from the query string")
        if not annotations:
            return 400, "Discarded=malformed_no_annotations"

        supplied = annotations.get("uuid")
        if supplied is not None:
            if not self.authorised(environ):
                log.info("refused a crash report carrying its own crash ID without a valid Auth-Token")
                return 401, "Discarded=unauthorized_uuid"
            if not isinstance(supplied, str) or not crashid.is_crash_id(supplied):
                return 400, "Discarded=malformed_bad_crash_id"
            problem = self.id_date_problem(crashid.strip_prefix(supplied), submitted)
            if problem is not None:
                log.info("refused a crash report carrying crash ID %s: %s", supplied[:50], problem)
                return 400, f"Discarded=malformed_{problem}"
        if "json_dump" in annotations and not self.authorised(environ):
            # a raw crash carrying a json_dump is not stackwalked (imports): only an authorised
            # submitter may supply the stack; anyone else's crash is walked from its dump
            del annotations["json_dump"]
            payload.notes.append("dropped the client's json_dump: supplying one needs an Auth-Token")

        decision = self.throttler.throttle(annotations, self.registered_products)
        if decision.result is Result.IGNORE:
            log.info("ignored a crash report (rule %s)", decision.rule)
            return 200, "Unsupported=1"
        if decision.result is Result.REJECT:
            log.info("rejected a crash report (rule %s)", decision.rule)
            return 200, f"Discarded=rule_{decision.rule}"

        if supplied is not None:
            crash_id = crashid.strip_prefix(supplied)
        else:
            digit = crashid.ACCEPT if decision.result is Result.ACCEPT else crashid.DEFER
            crash_id = crashid.create_crash_id(submitted, digit)
        metadata = {
            "payload": payload.payload,
            "payload_compressed": "1" if payload.compressed else "0",
            "collector_notes": payload.notes,
            "dump_checksums": payload.checksums,
            "user_agent": environ.get("HTTP_USER_AGENT", "")[:500],
            "body_size": payload.body_size,
            "uncompressed_size": payload.uncompressed_size,
        }
        raw_crash = build_raw_crash(
            annotations, crash_id=crash_id, submitted=submitted, decision=decision, metadata=metadata
        )
        if supplied is not None and not self.may_replace(environ):
            try:
                stored = self.db.fetch_value(RAW_CRASH_STORED, crash_id=crash_id)
            except errors.DatabaseError as exc:
                log.error("crash %s not stored: %s", crash_id, exc)
                return 503, "Discarded=storage_unavailable"
            if stored:
                log.info("refused crash %s: already stored, and the token may not replace it", crash_id)
                return 409, "Discarded=duplicate_crash_id"
        digest = None
        if supplied is None and self.dedup_window is not None:
            digest = submission_digest(annotations, payload.checksums)
        try:
            stored_as = save_crash(
                self.db,
                self.store,
                crash_id=crash_id,
                raw_crash=raw_crash,
                submitted=submitted,
                dumps=payload.dumps,
                queue=decision.result is Result.ACCEPT,
                new_id=supplied is None,
                digest=digest,
                window=self.dedup_window,
                # a restarting database refuses connections for seconds: wait for it, so a crash
                # refused with its dumps written leaves no dumps behind; a hung one: answer at once
                hung_after=0.8 * float(self.config["CRASHSTATS_DB_CONNECT_TIMEOUT"]),
            )
        except (StorageUnavailable, errors.DatabaseError) as exc:
            log.error("crash %s not stored: %s", crash_id, exc)
            return 503, "Discarded=storage_unavailable"
        if stored_as != crash_id:
            metrics.incr("collector.crash_sent_again")
            log.info("crash report sent again: answered with the first crash ID %s", stored_as)
            return 200, f"CrashID=bp-{stored_as}\n"
        log.info(
            "crash %s stored (%s by rule %s, %d dumps, %d bytes)",
            crash_id,
            decision.result.value,
            decision.rule,
            len(payload.dumps),
            payload.body_size,
        )
        return 200, f"CrashID=bp-{crash_id}\n"


def make_collector_app(
    config: Config | None = None, *, path: str = "/submit", **collector_args: Any
) -> bottle.Bottle:
    """The collector as a Bottle app: ``POST <path>``, ``GET /__lbheartbeat__``, ``GET /__heartbeat__``."""
    collector = Collector(config or load_config(), **collector_args)
    app = bottle.Bottle(catchall=True)
    app.config["crashstats.collector"] = collector

    def answer(status: int, text: str) -> str:
        bottle.response.status = status
        bottle.response.content_type = "text/plain; charset=utf-8"
        if status == 503:
            bottle.response.set_header("Retry-After", "60")
        return text

    @app.post(path)
    def submit() -> str:
        return answer(*collector.submit(bottle.request.environ))

    checks = health.Health(
        collector.config, lambda: collector.db, dump_store=lambda: collector.store, memcached=False
    )
    health.register(app, checks)
    return app
