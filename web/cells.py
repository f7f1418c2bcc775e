"""The rows of the pages' data tables, rendered in Python.

Every report page shows its data as a table (a graph's data table too); a page such as top
crashers or explosive signatures has hundreds of rows of ten or more cells. Rendering each cell
through a Jinja macro cost more than the page's queries (~4,600 macro calls, 40 ms of CPU for the
explosive signatures page), so the template's ``table`` macro calls :func:`table_rows` instead.
Every value is escaped here (``markupsafe.escape``), as the autoescaping template would.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from markupsafe import Markup, escape

from web import links

Column = Sequence[str]  # (key, label, kind)

#: the top crashers table's count columns, in the page's (and its CSV's) order
TOPCRASHER_COUNTS = (
    "report_count",
    "win_count",
    "mac_count",
    "lin_count",
    "plugin_count",
    "content_count",
    "hang_count",
)


#: decimals of a rate (crashes per 100 ADI are stored to 3)
RATE_PLACES = 3


def cell(row: Mapping[str, Any], key: str, kind: str) -> str:
    """One cell's content (escaped HTML) for ``row[key]`` shown as ``kind``."""
    value = row.get(key)
    if value is None:
        return ""
    if kind == "signature":
        href = links.signature_url(
            value,
            row.get("product_name") or row.get("product"),
            row.get("version_string") or row.get("version"),
        )
        return f'<a href="{escape(href)}">{escape(value)}</a>'
    if kind == "crash":
        return f'<a href="{escape(links.crash_url(value))}">{escape(value)}</a>'
    if kind == "percent":
        return str(escape(links.percent(value)))
    if kind == "count":  # a whole number of things (crashes, installs): never decimals
        return f"{round(value):,}"
    if kind == "rate":  # a ratio (crashes per 100 ADI): always the same decimals
        return f"{float(value):,.{RATE_PLACES}f}"
    if kind == "number":  # an int's digits and commas need no escaping
        return f"{value:,}" if type(value) is int else str(escape(links.number(value)))
    if kind == "when":
        return str(escape(links.when(value)))
    if kind == "list":
        return ", ".join(str(escape(item)) for item in value)
    if kind == "bugs":
        return ", ".join(f'<a href="{escape(links.bug_url(bug))}">{escape(bug)}</a>' for bug in value)
    return str(escape(value))


def table_rows(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> Markup:
    """The ``<tr>`` elements of a data table's body; an empty-state row when there are none."""
    kinds = [(key, kind, f'<td class="{escape(kind)}">') for key, _label, kind in columns]
    out = []
    for row in rows:
        out.append("<tr>" + "".join(f"{td}{cell(row, key, kind)}</td>" for key, kind, td in kinds) + "</tr>")
    if not out:
        out.append(f'<tr><td colspan="{len(columns)}" class="empty">no data for these filters</td></tr>')
    return Markup("\n".join(out))


def topcrasher_rows(rows: Iterable[Mapping[str, Any]], product: str, version: str) -> Markup:
    """The ``<tr>`` elements of the top crashers table: :func:`cell` for each value, with the
    rank change ("new" for a signature absent before) and the signature linked to its summary
    for this product and version."""
    out = []
    for r in rows:
        linked = {**r, "product": product, "version": version}
        cells = [
            cell(r, "rank", "text"),
            "new" if r["is_new"] else cell(r, "rank_change", "text"),
            cell(r, "percent_of_total", "percent"),
            cell(r, "percent_change", "percent"),
            cell(linked, "signature", "signature"),
            *(cell(r, key, "number") for key in TOPCRASHER_COUNTS),
            cell(r, "startup_percent", "percent"),
            cell(r, "is_gc_count", "number"),
        ]
        tds = "".join(
            f'<td class="{"signature" if i == 4 else "number"}">{c}</td>' for i, c in enumerate(cells)
        )
        tds += "".join(
            f"<td>{cell(r, key, kind)}</td>"
            for key, kind in (("first_report", "when"), ("versions", "list"), ("bug_ids", "bugs"))
        )
        out.append(f"<tr>{tds}</tr>")
    if not out:
        out.append('<tr><td colspan="17" class="empty">no crashes for these filters</td></tr>')
    return Markup("\n".join(out))


def options(names: Iterable[Any], selected: Any) -> Markup:
    """``<option>`` elements of a select: ``selected`` is one value or a collection of them."""
    chosen = selected if isinstance(selected, list | tuple | set | frozenset) else (selected,)
    return Markup("".join(f"<option{' selected' if n in chosen else ''}>{escape(n)}</option>" for n in names))


def search_hit_rows(hits: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> Markup:
    """The ``<tr>`` elements of Super Search's results: a crash id links to its report, a
    signature to its summary, other values as text."""
    out = []
    for hit in hits:
        cells = []
        for column in columns:
            value = hit.get(column)
            if value is None:
                cells.append("<td></td>")
            elif column == "uuid":
                cells.append(f'<td><a href="{escape(links.crash_url(value))}">{escape(value)}</a></td>')
            elif column == "signature":
                cells.append(f'<td><a href="{escape(links.signature_url(value))}">{escape(value)}</a></td>')
            else:
                cells.append(f"<td>{escape(value)}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    if not out:
        out.append(f'<tr><td colspan="{len(columns)}" class="empty">no crash matches</td></tr>')
    return Markup("\n".join(out))


def facet_rows(
    name: str, terms: Iterable[Mapping[str, Any]], total: int, criteria: Sequence[tuple[str, str]]
) -> Markup:
    """The ``<tr>`` elements of one Super Search facet: a term links to its signature summary
    (signature) or to the search narrowed to it; its count; its share of ``total``."""
    out = []
    for t in terms:
        term = t["term"]
        href = (
            links.signature_url(term)
            if name == "signature"
            else links.url("/search/", [*criteria, (name, f"={term}")])
        )
        share = escape(links.percent(t["count"] / total)) if total else ""
        out.append(
            f'<tr><td><a href="{escape(href)}">{escape(term)}</a></td>'
            f'<td class="number">{cell(t, "count", "number")}</td><td class="number">{share}</td></tr>'
        )
    if not out:
        out.append('<tr><td colspan="3" class="empty">none</td></tr>')
    return Markup("\n".join(out))


TEMPLATE_GLOBALS = {
    "table_rows": table_rows,
    "topcrasher_rows": topcrasher_rows,
    "options": options,
    "search_hit_rows": search_hit_rows,
    "facet_rows": facet_rows,
}
