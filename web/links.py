"""Permalinks and value formatting shared by the pages, the templates and the tests.

Every filter of a page is in its URL, so a link is a permalink; these functions build them the
same way everywhere (and quote every value: signatures hold ``&``, ``<``, spaces).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

Params = Mapping[str, Any] | Iterable[tuple[str, Any]]


def _pairs(params: Params | None) -> list[tuple[str, str]]:
    items = params.items() if isinstance(params, Mapping) else (params or [])
    pairs: list[tuple[str, str]] = []
    for key, value in items:
        if value is None or value == "":
            continue
        if isinstance(value, list | tuple):
            pairs.extend((key, str(v)) for v in value if v is not None and v != "")
        else:
            pairs.append((key, str(value)))
    return pairs


def url(path: str, params: Params | None = None, **more: Any) -> str:
    """``path`` with a query string of ``params`` and ``more`` (lists repeat the key)."""
    pairs = _pairs(params) + _pairs(more)
    return path + ("?" + urlencode(pairs) if pairs else "")


def segment(value: Any) -> str:
    """One path segment, quoted (a version or product name)."""
    return quote(str(value), safe="")


def twin(path: str, query: str, fmt: str) -> str:
    """The ``.json`` / ``.csv`` twin of a page: the format suffix on its path."""
    base = path.rstrip("/") or "/home"
    return f"{base}.{fmt}" + (f"?{query}" if query else "")


def home_url(product: str, versions: Iterable[str] | None = None, **params: Any) -> str:
    path = f"/home/products/{segment(product)}"
    versions = list(versions or [])
    if versions:
        path += "/versions/" + segment(";".join(versions))
    return url(path, params)


def topcrasher_url(
    product: str,
    version: str,
    *,
    days: int | None = None,
    date_range_type: str | None = None,
    crash_type: str | None = None,
    os_name: str | None = None,
    result_count: int | None = None,
    **params: Any,
) -> str:
    path = f"/topcrasher/products/{segment(product)}/versions/{segment(version)}"
    for key, value in (
        ("date_range_type", date_range_type),
        ("crash_type", crash_type),
        ("os_name", os_name),
        ("result_count", result_count),
    ):
        if value is not None:
            path += f"/{key}/{segment(value)}"
    return url(path, params, days=days)


def signature_url(
    signature: str, product: str | None = None, version: str | None = None, **params: Any
) -> str:
    return url("/report/list", {"signature": signature, "product": product, "version": version}, **params)


def crash_url(crash_id: str) -> str:
    return f"/report/index/{segment(crash_id)}"


def search_url(**params: Any) -> str:
    return url("/search/", params)


def bug_url(bug_id: Any) -> str:
    return url("/topcrasher_ranks_bybug", bug_id=bug_id)


def number(value: Any, places: int | None = None) -> str:
    """A number for people: thousands separated, ``places`` decimals for non-integers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, decimal.Decimal | float):
        if places is None:
            places = 0 if value == int(value) and abs(value) >= 100 else 2
        return f"{value:,.{places}f}"
    return str(value)


def percent(value: Any, places: int = 2) -> str:
    """A share (0.1234) as a percentage (12.34 %)."""
    if value is None:
        return ""
    return f"{float(value) * 100:.{places}f} %"


def when(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


TEMPLATE_GLOBALS = {
    "url": url,
    "home_url": home_url,
    "topcrasher_url": topcrasher_url,
    "signature_url": signature_url,
    "crash_url": crash_url,
    "search_url": search_url,
    "bug_url": bug_url,
    "twin": twin,
}
TEMPLATE_FILTERS = {"number": number, "percent": percent, "when": when, "segment": segment}
