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
    if kind == "number":
        return str(escape(links.number(value)))
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


TEMPLATE_GLOBALS = {"table_rows": table_rows}
