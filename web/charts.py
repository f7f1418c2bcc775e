"""Graphs drawn on the server as SVG with pygal: no JavaScript, nothing fetched from elsewhere.

Each function takes the rows a page shows in its table (the data twin of the graph) and
returns the SVG markup, with pygal's inline configuration script removed (the pages carry no
script) and every label escaped by pygal's XML writer.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from markupsafe import Markup

# pygal is imported when the first graph is drawn: importing it installs an import hook (for its
# optional maps plugin), which processes that never draw a graph are better without.
STYLE_OPTIONS = dict(
    background="white",
    plot_background="white",
    foreground="#333",
    foreground_strong="#111",
    foreground_subtle="#999",
    colors=("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"),
    font_family="sans-serif",
)


def _no_script(root: Any) -> Any:
    for parent in root.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.endswith("script"):
                parent.remove(child)
    return root


def _config(title: str, **extra: Any) -> dict[str, Any]:
    from pygal.style import Style

    return dict(
        title=title,
        style=Style(**STYLE_OPTIONS),
        js=[],
        disable_xml_declaration=True,
        width=900,
        height=320,
        explicit_size=False,
        show_dots=False,
        x_label_rotation=30,
        legend_at_bottom=True,
        truncate_legend=40,
        print_values=False,
        no_data_text="no data",
        **extra,
    )


def _num(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, decimal.Decimal):
        return float(value)
    return float(value)


def _label(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def line_chart(
    rows: Iterable[Mapping[str, Any]], *, x: str, y: str, series: str | None = None, title: str = ""
) -> Markup:
    """One line per value of ``series`` (or one line), ``y`` against ``x``, x sorted."""
    import pygal

    rows = list(rows)
    xs = sorted({row[x] for row in rows if row.get(x) is not None})
    chart = pygal.Line(**_config(title))
    chart.add_xml_filter(_no_script)
    chart.x_labels = [_label(v) for v in xs]
    groups: dict[str, dict[Any, Any]] = {}
    for row in rows:
        key = str(row[series]) if series else y
        groups.setdefault(key, {})[row[x]] = _num(row.get(y))
    for name, values in groups.items():
        points = [values.get(v) for v in xs]
        # a line needs two neighbouring points: a point alone (one day of data, or between gaps)
        # is drawn as a dot, or the graph shows axes only
        chart.add(name, points, allow_interruptions=True, show_dots=_has_lone_point(points), dots_size=4)
    return Markup(chart.render(is_unicode=True))


def _has_lone_point(points: list[float | None]) -> bool:
    """Whether a value in ``points`` has no value next to it (no line segment would show it)."""
    for i, value in enumerate(points):
        if value is None:
            continue
        before = points[i - 1] if i > 0 else None
        after = points[i + 1] if i + 1 < len(points) else None
        if before is None and after is None:
            return True
    return False


def bar_chart(rows: Iterable[Mapping[str, Any]], *, x: str, y: str, title: str = "") -> Markup:
    """One bar per row, ``y`` against ``x`` (in the rows' order)."""
    import pygal

    rows = list(rows)
    chart = pygal.Bar(**_config(title))
    chart.add_xml_filter(_no_script)
    chart.x_labels = [_label(row[x]) for row in rows]
    chart.add(y, [_num(row.get(y)) for row in rows])
    return Markup(chart.render(is_unicode=True))


TEMPLATE_GLOBALS = {"line_chart": line_chart, "bar_chart": bar_chart}
