"""The little HTTP the jobs need (ADI and release metadata sources, Bugzilla, webhooks), on the
standard library's urllib: timeouts, JSON in and out, and error messages that never show a
URL's credentials or tokens."""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import urlsplit

USER_AGENT = "crashstats-crontabber"


class FetchError(Exception):
    """A source or a server could not be read or refused a message (the job fails, and retries)."""


def is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def safe_url(url: str) -> str:
    """scheme://host[:port]/path without user, password or query (which may carry tokens)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return f"{parts.scheme}://{host}{parts.path}"


@contextlib.contextmanager
def open_url(
    url: str,
    *,
    timeout: float,
    headers: dict[str, str] | None = None,
    data: bytes | None = None,
    method: str | None = None,
) -> Iterator[BinaryIO]:
    """The response to one HTTP request, or FetchError (HTTP errors, refused, timed out)."""
    request = urllib.request.Request(
        url, data=data, headers={"User-Agent": USER_AGENT, **(headers or {})}, method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            yield response
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{safe_url(url)}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
        reason = getattr(exc, "reason", None) or exc
        raise FetchError(f"{safe_url(url)}: {reason}") from None


@contextlib.contextmanager
def open_source(source: str, *, timeout: float) -> Iterator[BinaryIO]:
    """A file path or an http(s) URL, opened for reading bytes."""
    if is_url(source):
        with open_url(source, timeout=timeout) as response:
            yield response
        return
    try:
        handle = Path(source).open("rb")  # noqa: SIM115 (closed below; open errors become FetchError)
    except OSError as exc:
        raise FetchError(f"{source}: {exc.strerror or exc}") from None
    with handle:
        yield handle


def get_json(url: str, *, timeout: float, headers: dict[str, str] | None = None) -> Any:
    all_headers = {"Accept": "application/json", **(headers or {})}
    with open_url(url, timeout=timeout, headers=all_headers) as response:
        body = response.read()
    try:
        return json.loads(body)
    except ValueError as exc:
        raise FetchError(f"{safe_url(url)}: the answer is not JSON ({exc})") from None


def post_json(url: str, body: Any, *, timeout: float, headers: dict[str, str] | None = None) -> int:
    """POST ``body`` as JSON; returns the HTTP status (2xx), FetchError otherwise."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    all_headers = {"Content-Type": "application/json; charset=utf-8", **(headers or {})}
    with open_url(url, timeout=timeout, headers=all_headers, data=data, method="POST") as response:
        response.read()
        return int(response.status)
