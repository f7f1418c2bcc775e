"""Super Search: ``/search/`` (a form, the results and their facets) and ``/api/SuperSearch/``
(the JSON answer crash-stats.mozilla.org gives, for crashstats-tools), both over the SQL
function ``super_search()``. This module only turns the query string into its JSON argument:
``field=[!][operator]value`` (operators ``=``, ``~`` contains, ``^`` starts with, ``$`` ends
with, ``>``, ``>=``, ``<``, ``<=``, ``__null__``), ``_columns``, ``_sort``, ``_facets``,
``_facets_size``, ``_histogram.<field>``, ``_histogram_interval.<field>``,
``_cardinality.<field>``, ``_results_number``, ``_results_offset``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import bottle

from pyapp.queries import QUERIES
from web import links
from web.framework import BadRequest, Ctx, Page

OPERATORS = (">=", "<=", ">", "<", "=", "~", "^", "$")
LIST_PARAMS = ("_columns", "_sort", "_facets")
INT_PARAMS = {"_facets_size": (0, 1000), "_results_number": (0, 1000), "_results_offset": (0, 100000)}
IGNORED = {"format", "_return_query", "page"}  # page: the search page's own paging
INTERVALS = {
    "1m": "minute",
    "1h": "hour",
    "1d": "day",
    "1w": "week",
    "1M": "month",
    "1q": "quarter",
    "1y": "year",
}
DEFAULT_COLUMNS = ["uuid", "date", "signature", "product", "version", "platform"]
FORM_ROWS = 3


def parse_value(raw: str) -> tuple[str, bool, str | None]:
    """``!~foo`` -> ('~', True, 'foo'); ``__null__`` -> ('__null__', False, None)."""
    negated = raw.startswith("!")
    if negated:
        raw = raw[1:]
    if raw == "__null__":
        return "__null__", negated, None
    for operator in OPERATORS:
        if raw.startswith(operator):
            return operator, negated, raw[len(operator) :]
    return "=", negated, raw


def _split(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


def build_query(items: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The argument of super_search() for a query string's (key, value) pairs."""
    filters: dict[tuple[str, str, bool], list[str]] = {}
    lists: dict[str, list[str]] = {name: [] for name in LIST_PARAMS}
    ints: dict[str, int] = {}
    histograms: dict[str, dict[str, Any]] = {}
    cardinality: list[str] = []
    for key, value in items:
        if key in IGNORED or (value == "" and not key.startswith(("_histogram.", "_cardinality."))):
            continue
        if key in LIST_PARAMS:
            lists[key].extend(_split([value]))
        elif key in INT_PARAMS:
            low, high = INT_PARAMS[key]
            try:
                number = int(value)
            except ValueError:
                raise BadRequest(f"{key}={value} is not a whole number") from None
            if not low <= number <= high:
                raise BadRequest(f"{key}={number} is out of range: between {low} and {high}")
            ints[key] = number
        elif key.startswith("_histogram."):
            entry = histograms.setdefault(key.split(".", 1)[1], {"facets": []})
            entry["facets"].extend(_split([value]))
        elif key.startswith("_histogram_interval."):
            entry = histograms.setdefault(key.split(".", 1)[1], {"facets": []})
            entry["interval"] = INTERVALS.get(value, value)
        elif key.startswith("_cardinality."):
            cardinality.append(key.split(".", 1)[1])
        elif key.startswith("_"):
            raise BadRequest(f"unknown parameter: {key}")
        else:
            operator, negated, text = parse_value(value)
            group = filters.setdefault((key, operator, negated), [])
            if text is not None:
                group.append(text)
    facets = []
    # _facets_size=0 (crashstats-tools' supersearch sends it): no facets at all
    no_facets = ints.get("_facets_size") == 0
    for name in [] if no_facets else lists["_facets"]:
        if name.startswith("_cardinality."):
            cardinality.append(name.split(".", 1)[1])
        else:
            facets.append(name)
    return {
        "filters": [
            {"field": field, "operator": operator, "not": negated, "values": values}
            for (field, operator, negated), values in filters.items()
        ],
        "columns": lists["_columns"],
        "sort": lists["_sort"],
        "facets": facets,
        "facets_size": ints.get("_facets_size") or 50,
        "histograms": [{"field": name, **spec} for name, spec in histograms.items()],
        "cardinality": cardinality,
        "results_number": ints.get("_results_number", 100),
        "results_offset": ints.get("_results_offset", 0),
    }


def run(ctx: Ctx, query: dict[str, Any]) -> dict[str, Any]:
    row = ctx.one(
        "SELECT super_search(%(search)s::jsonb, %(permissions)s::text[]) AS result",
        search=json.dumps(query),
        permissions=ctx.viewer.permission_list(),
    )
    assert row is not None
    return row["result"]


def fields(ctx: Ctx) -> list[dict[str, Any]]:
    return ctx.rows(QUERIES["web_supersearch_fields"])


def api(ctx: Ctx) -> Page:
    """``/api/SuperSearch/``: Socorro's JSON answer."""
    query = build_query(ctx.query.allitems())
    ctx.filters.update({k: v for k, v in ctx.query.allitems() if k != "format"})
    return Page("search.html", "Super Search", run(ctx, query), kind="live")


def api_fields(ctx: Ctx) -> Page:
    """``/api/SuperSearchFields/``: the field list, Socorro's shape (name -> definition)."""
    out = {}
    for field in fields(ctx):
        out[field["name"]] = {
            "name": field["name"],
            "namespace": field["namespace"],
            "in_database_name": field["in_database_name"],
            "query_type": field["data_type"],
            "permissions_needed": [f"crashstats.{p}" for p in field["permissions_needed"]],
            "is_exposed": field["is_exposed"],
            "is_returned": field["is_returned"],
            "description": field["description"],
        }
    return Page("search.html", "Super Search fields", out)


def form_redirect(ctx: Ctx) -> None:
    """The search form (no JavaScript) sends rows of field/operator/value; answer with the
    permalink in Super Search's own query string form."""
    pairs: list[tuple[str, str]] = []
    for key, value in ctx.query.allitems():
        if key.startswith(("field", "operator", "value")) or key == "form" or value == "":
            continue
        pairs.append((key, value))
    for n in range(FORM_ROWS):
        field, operator, value = (ctx.arg(f"field{n}"), ctx.arg(f"operator{n}", "="), ctx.arg(f"value{n}"))
        if field and (value or operator in ("__null__", "!__null__")):
            if operator == "__null__":
                pairs.append((field, "__null__"))
            elif operator == "!__null__":
                pairs.append((field, "!__null__"))
            else:
                pairs.append((field, f"{operator}{value}"))
    raise bottle.HTTPResponse(status=302, headers={"Location": links.url("/search/", pairs)})


def page(ctx: Ctx) -> Page:
    """``/search/``: the form; with criteria, the results, facets and a permalink."""
    if ctx.arg("form"):
        form_redirect(ctx)
    all_fields = fields(ctx)
    items = [(k, v) for k, v in ctx.query.allitems() if k != "format"]
    ctx.filters.update(dict(items))
    query = build_query(items)
    if not query["columns"]:
        query["columns"] = DEFAULT_COLUMNS
    if not query["facets"] and not any(k == "_facets" for k, _ in items):
        query["facets"] = ["signature"]
    query["results_number"] = (
        min(query["results_number"], 100) if "_results_number" not in dict(items) else query["results_number"]
    )
    number = query["results_number"]
    page_number = page_of(ctx, items, number)
    if page_number is not None:
        query["results_offset"] = (page_number - 1) * number
        items = [(k, v) for k, v in items if k != "page"]
    searched = bool(items)
    result = run(ctx, query) if searched else {"hits": [], "total": 0, "facets": {}, "errors": []}
    offset = query["results_offset"]
    total = result.get("total") or 0
    if searched and offset > 0 and number and offset >= total:
        last = max(1, -(-total // number))
        raise BadRequest(
            f"{'page ' + str(page_number) if page_number else '_results_offset=' + str(offset)} is past the"
            f" end of the results: {total} crashes make {last} page{'s' if last != 1 else ''} of {number}",
            hint=f"the last page is {links.url('/search/', [*items, ('page', str(last))])}"
            if page_number
            else None,
        )
    base = [(k, v) for k, v in items if k != "_results_offset"]
    pages = {
        "previous": links.url("/search/", [*base, ("_results_offset", str(max(offset - number, 0)))])
        if offset > 0
        else None,
        "next": links.url("/search/", [*base, ("_results_offset", str(offset + number))])
        if number and offset + number < (result.get("total") or 0)
        else None,
    }
    ctx.narrow("the last day only", links.url("/search/", [*base, ("date", ">=" + _day_ago())]))
    exposed = [
        f
        for f in all_fields
        if f["is_exposed"] and all(ctx.viewer.has_perm(p) for p in f["permissions_needed"])
    ]
    return Page(
        "search.html",
        "Super Search",
        {
            "searched": searched,
            "query": query,
            "criteria": [(k, v) for k, v in items if not k.startswith("_")],
            "form_criteria": [form_row(k, v) for k, v in items if not k.startswith("_")],
            "result": result,
            "pages": pages,
            "fields": [
                {
                    "name": f["name"],
                    "data_type": f["data_type"],
                    "permissions_needed": f["permissions_needed"],
                }
                for f in exposed
            ],
            "returned": [
                f["name"]
                for f in all_fields
                if f["is_returned"] and all(ctx.viewer.has_perm(p) for p in f["permissions_needed"])
            ],
            "form_rows": FORM_ROWS,
            "operators": FORM_OPERATORS,
            "api_link": links.url("/api/SuperSearch/", items),
        },
        kind="live",
    )


def page_of(ctx: Ctx, items: list[tuple[str, str]], number: int) -> int | None:
    """``page=`` of the search page (pages of ``number`` hits), or None without one; 400 for a
    page that is not a whole number of at least 1, beyond the deepest offset searched, or given
    together with ``_results_offset``."""
    if ctx.arg("page") is None:
        return None
    if any(k == "_results_offset" for k, _ in items):
        raise BadRequest("give page or _results_offset, not both")
    if number == 0:
        raise BadRequest("page needs _results_number above 0")
    deepest = INT_PARAMS["_results_offset"][1] // number + 1
    return ctx.integer("page", 1, low=1, high=deepest)


FORM_OPERATORS = ["=", "~", "^", "$", ">", ">=", "<", "<=", "__null__", "!__null__", "!=", "!~", "!^", "!$"]


def form_row(field: str, raw: str) -> tuple[str, str, str]:
    """A criterion as the form shows it: (field, operator, value)."""
    operator, negated, value = parse_value(raw)
    shown = ("!" if negated else "") + operator
    if shown not in FORM_OPERATORS:  # e.g. a negated comparison: keep it whole in the value box
        return field, "=", raw
    return field, shown, value or ""


def _day_ago() -> str:
    import datetime as dt

    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:00:00")
