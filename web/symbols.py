"""Symbols on the web: the symbol server the processor's stackwalker uses, the uploads
(form and API) and their list, and the missing-symbols page.

* ``GET /symbols/<debug_file>/<debug_id>/<file>.sym`` (Tecken's protocol; HEAD too): the file
  from the symbol store (``symbols_file_lookup()``): a 302 to a presigned S3 URL
  (``CRASHSTATS_SYMBOLS_SERVER_MODE=redirect``, the default) or the gzip-encoded bytes streamed
  through (``stream``: ``Content-Encoding: gzip`` when the client accepts it, inflated
  otherwise; ``ETag`` and ``If-None-Match`` -> 304); 404 when absent. Found files are looked up
  once per ``LOOKUP_TTL`` seconds per process; absent ones every time, so a late upload is seen
  at once. Point the processor at it with ``CRASHSTATS_SYMBOLS_URLS=http://<site>/symbols/``.
* ``/symbols/``: the viewer's uploads (everyone's with ``view_all_symbol_uploads``);
  ``/symbols/upload/web/`` (form) and ``/symbols/upload/api/`` (``curl -F file=@x.zip -H
  'Auth-Token: ...'``): need ``upload_symbols``; both hand the file to
  :func:`pyapp.symbols.upload.upload_symbols`, which the CLI calls too. A refused archive
  answers 400 naming the file and why; nothing of it is stored.
* ``/missingsymbols/`` (``.csv``, ``.json``): ``missing_symbols_report()``.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any

import bottle

from pyapp import errors
from pyapp.symbols.archive import ArchiveError, safe_component
from pyapp.symbols.buckets import s3_client
from pyapp.symbols.upload import SymbolStoreError, upload_symbols
from web.auth import CsrfFailure, check_csrf, csrf_token
from web.framework import CONTENT_TYPES, Ctx, Forbidden, Page, error_page, render_html, to_json
from web.site import Site
from web.viewer import Viewer, viewer_for

log = logging.getLogger(__name__)

DEBUG_ID = re.compile(r"^[0-9A-Fa-f]{33,40}$")
#: seconds a found file's location is kept in the process
LOOKUP_TTL = 60.0
LOOKUP_CACHE_SIZE = 50_000
#: Cache-Control of a streamed file (a debug id's symbols do not change)
STREAM_MAX_AGE = 86400
MODES = ("redirect", "stream")


def uploader_email(viewer: Viewer) -> str:
    """Who an upload is recorded for: the account's e-mail (issue 9's viewers), else its name."""
    return str(getattr(viewer, "email", None) or viewer.name)


class SymbolServer:
    """Answers symbol requests from the store; one per web process."""

    def __init__(self, site: Site) -> None:
        self.site = site
        mode = str(site.config["CRASHSTATS_SYMBOLS_SERVER_MODE"]).strip().lower()
        if mode not in MODES:
            raise errors.ConfigError(f"CRASHSTATS_SYMBOLS_SERVER_MODE: {mode!r} is not redirect or stream")
        self.mode = mode
        self.expiry = int(site.config["CRASHSTATS_SYMBOLS_URL_EXPIRY"])
        self._lookups: dict[tuple[str, str, str], tuple[float, dict[str, Any]]] = {}
        self._clients: dict[str | None, Any] = {}
        self._lock = threading.Lock()

    def client(self, location: str | None) -> Any:
        with self._lock:
            if location not in self._clients:
                self._clients[location] = s3_client(self.site.config, location=location, pool=20)
            return self._clients[location]

    def lookup(self, debug_file: str, debug_id: str, filename: str) -> dict[str, Any] | None:
        key = (debug_file, debug_id.upper(), filename)
        now = time.monotonic()
        hit = self._lookups.get(key)
        if hit is not None and hit[0] > now:
            return hit[1]
        row = self.site.one(
            "SELECT bucket, location, key, sha256, size, stored_size FROM symbols_file_lookup("
            "%(debug_file)s, %(debug_id)s, %(filename)s)",
            debug_file=debug_file,
            debug_id=debug_id,
            filename=filename,
        )
        if row is not None:
            with self._lock:
                if len(self._lookups) >= LOOKUP_CACHE_SIZE:
                    self._lookups.clear()
                self._lookups[key] = (now + LOOKUP_TTL, row)
        return row

    def answer(self, debug_file: str, debug_id: str, filename: str) -> Any:
        response = bottle.response
        if not (safe_component(debug_file) and safe_component(filename) and DEBUG_ID.match(debug_id)):
            return self.not_found("not a symbol file path: /symbols/<debug_file>/<debug_id>/<file>.sym")
        row = self.lookup(debug_file, debug_id, filename)
        if row is None:
            return self.not_found(f"no symbols for {debug_file}/{debug_id.upper()}/{filename}")
        etag = f'"{row["sha256"]}"'
        client = self.client(row["location"])
        if self.mode == "redirect":
            url = client.generate_presigned_url(
                "get_object", Params={"Bucket": row["bucket"], "Key": row["key"]}, ExpiresIn=self.expiry
            )
            response.status = 302
            response.set_header("Location", url)
            response.set_header("Cache-Control", f"public, max-age={max(0, self.expiry // 10)}")
            response.content_type = "text/plain; charset=utf-8"
            return b""
        response.set_header("ETag", etag)
        response.set_header("Cache-Control", f"public, max-age={STREAM_MAX_AGE}")
        response.set_header("Vary", "Accept-Encoding")
        if etag in [t.strip() for t in bottle.request.get_header("If-None-Match", "").split(",")]:
            response.status = 304
            return b""
        head = bottle.request.method == "HEAD"
        try:
            fetch = client.head_object if head else client.get_object
            obj = fetch(Bucket=row["bucket"], Key=row["key"])
        except Exception as exc:  # the store lost it or is down: say so, do not hide it as 404
            log.error("symbol store: %s/%s: %s", row["bucket"], row["key"], exc)
            response.status = 503
            response.content_type = "text/plain; charset=utf-8"
            return b"the symbol store cannot be read right now\n"
        response.content_type = "text/plain; charset=utf-8"
        gzipped = obj.get("ContentEncoding") == "gzip"
        accepts_gzip = "gzip" in bottle.request.get_header("Accept-Encoding", "").lower()
        if gzipped and accepts_gzip:
            response.set_header("Content-Encoding", "gzip")
            response.set_header("Content-Length", str(obj["ContentLength"]))
            return b"" if head else chunks(obj["Body"], None)
        response.set_header("Content-Length", str(row["size"]))
        return b"" if head else chunks(obj["Body"], zlib.decompressobj(31) if gzipped else None)

    def not_found(self, message: str) -> bytes:
        response = bottle.response
        response.status = 404
        response.content_type = "text/plain; charset=utf-8"
        response.set_header("Cache-Control", "no-cache")
        return (message + "\n").encode()


def chunks(body: Any, inflater: Any) -> Iterator[bytes]:
    try:
        for chunk in body.iter_chunks(256 * 1024):
            yield inflater.decompress(chunk) if inflater else chunk
        if inflater:
            yield inflater.flush()
    finally:
        body.close()


# --- pages -----------------------------------------------------------------------------


def uploads(ctx: Ctx) -> Page:
    """``/symbols/``: the viewer's uploads, or everyone's with view_all_symbol_uploads."""
    viewer = ctx.viewer
    see_all = viewer.has_perm("view_all_symbol_uploads")
    if not (see_all or viewer.has_perm("upload_symbols")):
        raise Forbidden("symbol uploads need the upload_symbols permission (sign in first)")
    limit = ctx.integer("limit", 100, low=1, high=1000)
    if see_all:
        rows = ctx.rows(
            "SELECT id, created_at, user_email, archive_name, archive_size, bucket, bucket_location,"
            " file_count, skipped_count, stored_count, reprocess_days, reprocessed_crashes, files"
            " FROM symbols_uploads_list ORDER BY created_at DESC, id DESC LIMIT %(limit)s",
            limit=limit,
        )
    else:
        rows = ctx.rows(
            "SELECT id, created_at, user_email, archive_name, archive_size, bucket, bucket_location,"
            " file_count, skipped_count, stored_count, reprocess_days, reprocessed_crashes, files"
            " FROM symbols_uploads_list WHERE user_email = %(email)s"
            " ORDER BY created_at DESC, id DESC LIMIT %(limit)s",
            email=uploader_email(viewer),
            limit=limit,
        )
    return Page(
        "symbols_uploads.html",
        "Symbol uploads",
        {"uploads": rows, "all_users": see_all},
        csv=(
            "uploads",
            [
                "id",
                "created_at",
                "user_email",
                "archive_name",
                "archive_size",
                "bucket",
                "file_count",
                "skipped_count",
                "reprocessed_crashes",
            ],
        ),
        cache=False,
        kind="live",
    )


def upload_form(ctx: Ctx) -> Page:
    """``GET /symbols/upload/web/``: the upload form (upload_symbols)."""
    if not ctx.viewer.has_perm("upload_symbols"):
        raise Forbidden("uploading symbols needs the upload_symbols permission (sign in first)")
    return Page(
        "symbols_upload.html",
        "Upload symbols",
        {"result": None, "csrf_token": csrf_token(ctx.site)},
        cache=False,
        kind="live",
    )


def missing_symbols(ctx: Ctx) -> Page:
    """``/missingsymbols/``: modules seen without symbols, so people know what to upload."""
    days = ctx.integer("days", 7, low=1, high=366)
    include = ctx.choice("uploaded", ("no", "yes"), "no")
    rows = ctx.rows(
        "SELECT debug_file, debug_id, code_file, code_id, first_seen, last_seen, days_seen, uploaded"
        " FROM missing_symbols_report(%(days)s, %(include)s)",
        days=days,
        include=include == "yes",
    )
    return Page(
        "missing_symbols.html",
        "Missing symbols",
        {"rows": rows, "days": days},
        csv=(
            "rows",
            ["debug_file", "debug_id", "code_file", "code_id", "first_seen", "last_seen", "days_seen"],
        ),
        kind="live",
    )


# --- uploads: one callback for the form and the API -----------------------------------


def make_upload_callback(site: Site, *, api: bool) -> Any:
    """POST /symbols/upload/api/ (JSON answers) or /symbols/upload/web/ (HTML)."""

    def reply(status: int, title: str, message: str, payload: dict[str, Any] | None = None) -> bytes:
        bottle.response.status = status
        if api:
            bottle.response.content_type = CONTENT_TYPES["json"]
            return to_json(payload if payload is not None else {"error": message, "status": status})
        if payload is not None:
            bottle.response.content_type = CONTENT_TYPES["html"]
            return render_html(
                site,
                "symbols_upload.html",
                title=title,
                data={"result": payload, "csrf_token": csrf_token(site)},
                json_link=None,
            )
        return error_page(site, None, status, title, message)

    def callback() -> bytes:
        request = bottle.request
        viewer = viewer_for(request.environ)
        if not viewer.has_perm("upload_symbols"):
            return reply(403, "Permission needed", "uploading symbols needs the upload_symbols permission")
        limit = int(site.config["CRASHSTATS_SYMBOLS_MAX_UPLOAD"])
        if request.content_length > limit:
            return reply(413, "Too large", f"the upload is over the {limit:,}-byte limit")
        try:
            if not api:  # the form: a signed-in browser must send its CSRF token (tokens are exempt)
                check_csrf(site)
            files = request.files
        except CsrfFailure as exc:
            return reply(403, "Form expired", str(exc))
        except bottle.HTTPError as exc:  # Bottle's multipart parser refused the body
            return reply(400, "Bad request", f"the body is not a readable multipart form ({exc.body})")
        upload = next(iter(files.values()), None) if files else None
        if upload is None:
            return reply(400, "Bad request", "no file in the request: send it as a multipart file part")
        with tempfile.TemporaryDirectory(prefix="crashstats-upload-") as tmp:
            path = os.path.join(tmp, "upload")
            upload.save(path)
            try:
                result = upload_symbols(
                    site.config,
                    site.db,
                    user_email=uploader_email(viewer),
                    path=path,
                    archive_name=upload.raw_filename or upload.filename,
                )
            except ArchiveError as exc:
                return reply(400, "Upload refused", f"upload refused: {exc.message}")
            except errors.ConfigError as exc:
                log.error("symbol upload: %s", exc)
                return reply(503, "Symbol uploads not configured", str(exc))
            except SymbolStoreError as exc:
                log.error("symbol upload: %s", exc)
                return reply(503, "Symbol store unavailable", exc.message)
        return reply(201, "Symbols uploaded", "", result.summary())

    return callback


def register(app: bottle.Bottle, site: Site, serve: Any) -> None:
    """Add the symbol routes to the site's Bottle app."""
    server: list[SymbolServer] = []

    def symbol_file(debug_file: str, debug_id: str, filename: str) -> Any:
        try:
            if not server:
                server.append(SymbolServer(site))
            return server[0].answer(debug_file, debug_id, filename)
        except errors.ConfigError as exc:
            log.error("symbol server: %s", exc)
            bottle.response.status = 503
            bottle.response.content_type = "text/plain; charset=utf-8"
            return f"the symbol server is not configured: {exc}\n".encode()

    app.route("/symbols/<debug_file>/<debug_id>/<filename>", "GET", symbol_file)
    for path in ("/symbols", "/symbols/"):
        app.route(path, "GET", serve(site, uploads))
    for path in ("/symbols/upload/web", "/symbols/upload/web/"):
        app.route(path, "GET", serve(site, upload_form))
        app.route(path, "POST", make_upload_callback(site, api=False))
    for path in ("/symbols/upload/api", "/symbols/upload/api/"):
        app.route(path, "POST", make_upload_callback(site, api=True))
    for path in ("/missingsymbols", "/missingsymbols/"):
        app.route(path, "GET", serve(site, missing_symbols))
