"""The hostile crawl: every route of the site's route table (the Bottle app as web.app.make_app
builds it: web.app.ROUTES, the people and admin pages, the API, the symbol and health routes)
and every operation of ``/api/openapi.json``, each parameter sent hostile values, anonymously
and signed in as a superuser (every permission, so every gate is passed).

The values: NUL (``%00``), invalid UTF-8 escapes (``%C3%28``, ``%FF``), 10,000-character
strings (and 3,900-character ones, which fit gunicorn's request line and reach the page),
huge and negative numbers, operators alone (``>``, ``~``, ``!``, ``__null__``), unknown
fields, more parameters than a request may carry, dates out of range and dates 10 years apart.
Values are chosen per parameter by its kind (a number's edges for a number, operators and
long text for text, dates for dates) over a valid request, so each one reaches the check it
aims at instead of failing on a missing parameter first.

What must hold: no answer is a 5xx, and every 4xx says what was wrong (a JSON ``error``, the
HTML page's error paragraph, or a plain-text body), naming the parameter it refused.

The crawl runs against a site of its own (its own database clone and cache prefix): the
superuser's hostile form posts may add products, releases, groups and tokens, which the other
site tests must not see.
"""

from __future__ import annotations

import datetime as dt
import html
import http.client
import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

import psycopg
import pytest
from psycopg.rows import dict_row

from pyapp.config import load_config
from pyapp.demo import load
from tests.auth_fixtures import WebClient, create_user
from tests.clock import SuiteClock
from tests.conftest import cloned_database
from tests.site.conftest import Memcached, SiteData, SiteServer, load_extra_rows, run_site

#: routes the crawl leaves to their own hostile tests
NOT_CRAWLED = {
    ("POST", "/submit"),  # the collector: tests/web/test_collector_hostile.py, test_collector_fuzz.py
}


def enc(text: str) -> str:
    return quote(text, safe="")


LONG = "x" * 10_000  # over gunicorn's request line as a query value (414), a form field's limit
FITS = "y" * 3_900  # fits the request line: reaches the page's own checks
HUGE = "9" * 40
#: sent once per route, in one parameter: the request check every page shares
FRAMEWORK_VALUES = ["%00", "a%00b", "%C3%28", "%FF%FE", enc(LONG + "z")]
OPERATORS = [enc(o) for o in (">", "~", "!", "=", "<=", "__null__", "!__null__")]
TEXT_VALUES = [*OPERATORS, HUGE, "-1", enc(FITS), enc("'\"<b>&;--"), "", enc("../../etc/passwd")]
NUMBER_VALUES = [HUGE, "-" + HUGE, "-1", "0", "1e999", "NaN", "0x10", enc(">"), enc("!"), "", enc(FITS)]
DATE_VALUES = ["1900-01-01", "9999-12-31", "2015-13-45", "-1", HUGE, enc(">"), enc("~"), "", enc(FITS)]
PATH_VALUES = ["%00", "a%00b", "%C3%28", enc(">"), enc("~"), "-1", HUGE, "y" * 3_000, "%2E%2E"]
#: a Super Search field (there are dozens, all parsed by one function per type): operators alone
#: and the edges of its type
FIELD_VALUES = {
    "text": [enc(">"), enc("~"), "__null__", enc("!"), enc("$")],
    "number": [enc(">"), enc("<" + HUGE), enc(">=-" + HUGE), "1e999"],
    "date": [enc(">"), enc(">=1900-01-01"), enc("<9999-12-31"), enc("=2015-13-45")],
}
VALUES = {
    "text": TEXT_VALUES,
    "number": NUMBER_VALUES,
    "date": DATE_VALUES,
    **{f"field_{kind}": values for kind, values in FIELD_VALUES.items()},
}


@dataclass
class Spec:
    """How to crawl one route: sample path values, a valid base query or form, its parameters
    (name -> text | number | date) and pairs of values sent together (dates 10 years apart)."""

    path: dict[str, str] = field(default_factory=dict)
    base: list[tuple[str, str]] = field(default_factory=list)
    params: dict[str, str] = field(default_factory=dict)
    pairs: list[list[tuple[str, str]]] = field(default_factory=list)


@dataclass
class Request:
    method: str
    path: str
    body: str | None
    #: the parameter given the hostile value ("" for the path or the request as a whole)
    param: str
    value: str


@dataclass
class Answer:
    request: Request
    who: str
    status: int
    content_type: str
    body: bytes


@dataclass
class Crawl:
    server: SiteServer
    data: SiteData
    session: dict[str, str]
    csrf: str
    victim_id: int
    fields: list[dict]


@pytest.fixture(scope="module")
def crawl(
    pg, template_db: str, memcached: Memcached, tmp_path_factory: pytest.TempPathFactory, clock: SuiteClock
) -> Iterator[Crawl]:
    with cloned_database(pg, template_db, "crashstats_crawl") as url:
        last = clock.days_ago(1)
        days = [last - dt.timedelta(days=1), last]
        load.generate(url, days=len(days), per_day=60, seed=11, last_day=last)
        nasty_id, pending_id, bug_id = load_extra_rows(url, days[0])
        with psycopg.connect(url, row_factory=dict_row) as conn:
            conn.execute("SELECT backfill_matviews(%s, %s)", (days[0], days[-1]))
            conn.commit()
            top = conn.execute(
                "SELECT product, version, signature FROM reports WHERE product = 'KillerApp'"
                " GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 1"
            ).fetchone()
        data = SiteData(
            url, days, nasty_id, pending_id, bug_id, top["product"], top["version"], top["signature"]
        )
        with run_site(
            data,
            memcached,
            tmp_path_factory.mktemp("crawl"),
            CACHE_KEY_PREFIX="hostilecrawl",
            # the crawl's pending crash waits in the queue for ever: the heartbeat stays green,
            # so any 500 it gives is a failure
            CRASHSTATS_HEARTBEAT_MAX_QUEUE_AGE=str(10**9),
        ) as server:
            superuser = create_user(url, superuser=True)
            victim = create_user(url)
            web = WebClient.of(server.base)
            web.login(superuser.email)
            csrf = web.csrf_from("/admin/users/")
            fields = list(server.get("/api/SuperSearchFields/").json().values())
            yield Crawl(server, data, dict(web.cookies), csrf, victim.id, fields)


def page_specs(c: Crawl) -> dict[tuple[str, str], Spec]:
    """The crawl of every route that is not an API endpoint, by (method, rule)."""
    d = c.data
    product, version, sig = d.top_product, d.top_version, enc(d.top_signature)
    last = d.days[-1]
    ten_years = [("date_start", str(last.replace(year=last.year - 10))), ("date_end", str(last))]
    gc_years = [("start_date", str(last.replace(year=last.year - 10))), ("end_date", str(last))]
    home = {"days": "number", "date_range_type": "text"}
    top = {
        "days": "number",
        "date_range_type": "text",
        "crash_type": "text",
        "os_name": "text",
        "result_count": "number",
        "end_date": "date",
    }
    signature = {
        "signature": "text",
        "product": "text",
        "version": "text",
        "date": "date",
        "range_value": "number",
        "range_unit": "text",
        "tab": "text",
        "page": "number",
    }
    exploitability = {
        "product": "text",
        "version": "text",
        "days": "number",
        "end_date": "date",
        "page": "number",
    }
    gc = {"start_date": "date", "end_date": "date"}
    search = search_params(c, page=True)
    specs: dict[tuple[str, str], Spec] = {
        ("GET", "/home/products/<product>"): Spec({"product": product}, [], home),
        ("GET", "/home/products/<product>/versions/<versions>"): Spec(
            {"product": product, "versions": version}, [], home
        ),
        ("GET", "/topcrasher/products/<product>/versions/<version>"): Spec(
            {"product": product, "version": version}, [], top
        ),
        ("GET", "/topcrasher/products/<product>/versions/<version>/<rest:path>"): Spec(
            {"product": product, "version": version, "rest": "crash_type/browser/os_name/Windows"}, [], top
        ),
        ("GET", "/daily"): Spec(
            {},
            [("p", product), ("v", version)],
            {
                "p": "text",
                "v": "text",
                "os": "text",
                "report_type": "text",
                "date_range_type": "text",
                "date_start": "date",
                "date_end": "date",
            },
            [ten_years],
        ),
        ("GET", "/report/list"): Spec({}, [("signature", sig)], signature, [[("range_value", "3650")]]),
        ("GET", "/report/index/<crash_id>"): Spec({"crash_id": d.nasty_id}),
        ("GET", "/rawdumps/<name>"): Spec({"name": f"{d.nasty_id}.dmp"}),
        ("GET", "/exploitability"): Spec({}, [], exploitability),
        ("GET", "/exploitability/"): Spec({}, [], exploitability),
        ("GET", "/gccrashes/products/<product>"): Spec({"product": product}, [], gc, [gc_years]),
        ("GET", "/gccrashes/products/<product>/versions/<version>"): Spec(
            {"product": product, "version": version}, [], gc, [gc_years]
        ),
        ("GET", "/explosive"): Spec({}, [], {"product": "text", "date": "date"}),
        ("GET", "/explosive/"): Spec({}, [], {"product": "text", "date": "date"}),
        ("GET", "/topcrasher_ranks_bybug"): Spec({}, [("bug_id", str(d.bug_id))], {"bug_id": "number"}),
        ("GET", "/topcrasher_ranks_bybug/"): Spec({}, [("bug_id", str(d.bug_id))], {"bug_id": "number"}),
        ("GET", "/crontabber-state"): Spec(),
        ("GET", "/crontabber-state/"): Spec(),
        ("GET", "/status"): Spec({}, [], {"limit": "number"}),
        ("GET", "/status/"): Spec({}, [], {"limit": "number"}),
        ("GET", "/search"): Spec({}, [], search[0], search[1]),
        ("GET", "/search/"): Spec({}, [("product", product)], search[0], search[1]),
        ("GET", "/login/"): Spec({}, [], {"next": "text"}),
        ("POST", "/login/"): Spec(
            {},
            [("email", "nobody@example.org"), ("password", "x")],
            {"email": "text", "password": "text", "next": "text"},
        ),
        ("GET", "/login"): Spec(),
        ("GET", "/logout/"): Spec(),
        ("POST", "/logout/"): Spec(),
        ("GET", "/account/password/"): Spec(),
        ("POST", "/account/password/"): Spec(
            {},
            [],
            {"current_password": "text", "new_password": "text", "new_password_again": "text"},
        ),
        ("GET", "/api/tokens/"): Spec(),
        ("POST", "/api/tokens/"): Spec(
            {},
            [("action", "create")],
            {
                "action": "text",
                "token_id": "number",
                "days": "number",
                "permissions": "text",
                "notes": "text",
            },
        ),
        ("GET", "/admin/"): Spec(),
        ("GET", "/admin"): Spec(),
        ("GET", "/admin/users/"): Spec(),
        ("POST", "/admin/users/"): Spec({}, [], {"email": "text", "password": "text"}),
        ("GET", "/admin/users/<user_id>/"): Spec({"user_id": str(c.victim_id)}),
        ("POST", "/admin/users/<user_id>/"): Spec(
            {"user_id": str(c.victim_id)},
            [("is_active", "1")],
            {
                "action": "text",
                "token_id": "number",
                "is_superuser": "text",
                "groups": "text",
                "permissions": "text",
            },
            [[("action", "revoke"), ("token_id", HUGE)]],
        ),
        ("GET", "/admin/groups/"): Spec(),
        ("POST", "/admin/groups/"): Spec(
            {}, [("name", "crawlers")], {"name": "text", "action": "text", "permissions": "text"}
        ),
        ("GET", "/admin/audit-log/"): Spec({}, [], {"page": "number"}),
        ("GET", "/admin/products/"): Spec(),
        ("POST", "/admin/products/"): Spec(
            {},
            [("product", "Crawled"), ("version", "1.0")],
            {
                "product": "text",
                "version": "text",
                "product_id": "text",
                "release_name": "text",
                "throttle": "number",
            },
        ),
        ("GET", "/admin/releases/"): Spec(),
        ("POST", "/admin/releases/"): Spec(
            {},
            [
                ("product", product),
                ("version", "99.0"),
                ("update_channel", "release"),
                ("build_id", "20261101030000"),
                ("platform", "Linux"),
            ],
            {
                "product": "text",
                "version": "text",
                "update_channel": "text",
                "build_id": "number",
                "platform": "text",
                "beta_number": "number",
                "release_channel": "text",
                "throttle": "number",
                "repository": "text",
            },
        ),
        ("GET", "/admin/featured-versions/"): Spec(),
        ("POST", "/admin/featured-versions/"): Spec(
            {}, [("product", product), ("versions", version)], {"product": "text", "versions": "text"}
        ),
        ("GET", "/symbols/<debug_file>/<debug_id>/<filename>"): Spec(
            {"debug_file": "libxul.so", "debug_id": "0" * 33, "filename": "libxul.so.sym"}
        ),
        ("GET", "/symbols"): Spec({}, [], {"limit": "number"}),
        ("GET", "/symbols/"): Spec({}, [], {"limit": "number"}),
        ("GET", "/symbols/upload/web"): Spec(),
        ("GET", "/symbols/upload/web/"): Spec(),
        ("POST", "/symbols/upload/web"): Spec({}, [], {"file": "text"}),
        ("POST", "/symbols/upload/web/"): Spec({}, [], {"file": "text"}),
        ("POST", "/symbols/upload/api"): Spec({}, [], {"file": "text"}),
        ("POST", "/symbols/upload/api/"): Spec({}, [], {"file": "text"}),
        ("GET", "/missingsymbols"): Spec({}, [], {"days": "number", "uploaded": "text"}),
        ("GET", "/missingsymbols/"): Spec({}, [], {"days": "number", "uploaded": "text"}),
        ("GET", "/"): Spec(),
        ("GET", "/home"): Spec(),
        ("GET", "/static/<path:path>"): Spec({"path": "site.css"}),
        ("GET", "/__lbheartbeat__"): Spec(),
        ("GET", "/__heartbeat__"): Spec(),
        ("GET", "/api/openapi.json"): Spec(),
        ("GET", "/api/"): Spec(),
    }
    return specs


def search_params(c: Crawl, *, page: bool) -> tuple[dict[str, str], list[list[tuple[str, str]]]]:
    """Super Search's parameters: every field of /api/SuperSearchFields/ by its type, the
    underscore parameters, and a date range of 10 years; the search page's form rows too."""
    params: dict[str, str] = {}
    for f in c.fields:
        kind = f.get("query_type") or "string"
        params[f["name"]] = (
            "field_date"
            if kind == "date"
            else "field_number"
            if kind in ("integer", "number")
            else "field_text"
        )
    for name in ("_columns", "_sort", "_facets", "_histogram.date", "_histogram_interval.date"):
        params[name] = "text"
    params["_cardinality.signature"] = "text"
    for name in ("_facets_size", "_results_number", "_results_offset", "page"):
        params[name] = "number"
    last = c.data.days[-1]
    pairs = [
        [("date", enc(f">={last.replace(year=last.year - 10)}")), ("date", enc(f"<{last}"))],
        [("_histogram.date", "uptime"), ("_histogram_interval.date", HUGE)],
    ]
    if page:
        pairs += [
            [("form", "1"), ("field0", "signature"), ("operator0", enc("~")), ("value0", "%00")],
            [("form", "1"), ("field0", "uptime"), ("operator0", enc(">")), ("value0", HUGE)],
            [("form", "1"), ("field0", enc(FITS)), ("operator0", enc("!")), ("value0", "x")],
        ]
    return params, pairs


API_SAMPLES = {
    "crash_id": "nasty",
    "crash_ids": "nasty",
    "signature": "sig",
    "signatures": "sig",
    "bug_ids": "bug",
}


def api_specs(c: Crawl, document: dict) -> dict[tuple[str, str], Spec]:
    """The crawl of every operation of the OpenAPI document: its required parameters given
    valid values, each parameter then given the values of its schema's type."""
    d = c.data
    samples = {
        "product": d.top_product,
        "products": d.top_product,
        "version": d.top_version,
        "versions": d.top_version,
        "signature": enc(d.top_signature),
        "signatures": enc(d.top_signature),
        "crash_id": d.nasty_id,
        "crash_ids": d.nasty_id,
        "bug_ids": str(d.bug_id),
        "start_date": str(d.days[0]),
        "end_date": str(d.days[-1]),
        "update_channel": "release",
        "build_id": "20261101030000",
        "platform": "Linux",
        "category": "prefix",
        "rule": "crawl",
    }
    specs: dict[tuple[str, str], Spec] = {}
    for path, operations in document["paths"].items():
        for method, op in operations.items():
            if "parameters" in op:
                params = {p["name"]: (p["schema"], p["required"]) for p in op["parameters"]}
            else:
                body = (op.get("requestBody") or {}).get("content", {})
                schema = body.get("application/x-www-form-urlencoded", {}).get("schema", {})
                params = {
                    name: (s, name in schema.get("required", []))
                    for name, s in schema.get("properties", {}).items()
                }
            kinds: dict[str, str] = {}
            base: list[tuple[str, str]] = []
            for name, (schema, required) in params.items():
                item = schema.get("items", schema)
                kind = item.get("type", "string")
                kinds[name] = (
                    "date"
                    if item.get("format") == "date"
                    else "number"
                    if kind in ("integer", "number")
                    else "text"
                )
                if required:
                    assert name in samples, f"the crawl needs a sample value of {path} {name}"
                    base.append((name, samples[name]))
            pairs = []
            if {"start_date", "end_date"} <= set(params):
                last = d.days[-1]
                pairs.append(
                    [("start_date", str(last.replace(year=last.year - 10))), ("end_date", str(last))]
                )
            if path.startswith("/api/SuperSearch/"):
                search, search_pairs = search_params(c, page=False)
                kinds.update(search)
                pairs += search_pairs
            specs[(method.upper(), path)] = Spec({}, base, kinds, pairs)
    return specs


def fill(rule: str, path: dict[str, str]) -> str:
    return re.sub(r"<(\w+)(?::\w+)?>", lambda m: path[m.group(1)], rule)


def requests_of(method: str, rule: str, spec: Spec) -> list[Request]:
    """The hostile requests of one route."""

    def make(
        items: list[tuple[str, str]], param: str, value: str, path: dict[str, str] | None = None
    ) -> Request:
        target = fill(rule, path or spec.path)
        text = "&".join(f"{k}={v}" for k, v in items)
        if method == "GET":
            return Request(method, target + (f"?{text}" if text else ""), None, param, value)
        return Request(method, target, text, param, value)

    out: list[Request] = [make(spec.base, "", "")]  # the baseline: the valid request
    first = next(iter(spec.params), "q")
    base = [(k, v) for k, v in spec.base if k != first]
    for value in FRAMEWORK_VALUES:
        out.append(make([*base, (first, value)], first, value))
    out.append(make([*spec.base, ("zz_unknown_field", "1")], "zz_unknown_field", "1"))
    out.append(make([*spec.base, *[(f"n{i}", "1") for i in range(201)]], "", "201 parameters"))
    for name, kind in spec.params.items():
        kept = [(k, v) for k, v in spec.base if k != name]
        for value in VALUES[kind]:
            out.append(make([*kept, (name, value)], name, value))
    for pair in spec.pairs:
        names = {k for k, _ in pair}
        out.append(make([*[(k, v) for k, v in spec.base if k not in names], *pair], pair[-1][0], pair[-1][1]))
    for placeholder in spec.path:
        for value in PATH_VALUES:
            out.append(make(spec.base, "", value, {**spec.path, placeholder: value}))
    return out


def send(c: Crawl, who: str, request: Request) -> Answer:
    headers = {"Host": "localhost"}
    if request.body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if who == "superuser":
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in c.session.items())
        if request.method != "GET":
            headers["X-CSRFToken"] = c.csrf
    conn = http.client.HTTPConnection("127.0.0.1", c.server.port, timeout=120)
    try:
        conn.request(
            request.method,
            request.path,
            body=None if request.body is None else request.body.encode("latin-1"),
            headers=headers,
        )
        response = conn.getresponse()
        return Answer(
            request, who, response.status, response.getheader("Content-Type") or "", response.read()
        )
    finally:
        conn.close()


ERROR_PARAGRAPH = re.compile(r'<p class="error[^"]*"[^>]*>(.*?)</p>', re.S)
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def reason(answer: Answer) -> str:
    """What a 4xx answer says was wrong: a JSON error, the HTML page's error paragraph, the
    plain text."""
    text = answer.body.decode("utf-8", "replace")
    if "json" in answer.content_type:
        try:
            data = json.loads(text)
        except ValueError:
            return ""
        return str(data.get("error") or "") if isinstance(data, dict) else ""
    if "html" in answer.content_type:
        match = ERROR_PARAGRAPH.search(text)
        if match is None and "/static/site.css" not in text:
            # not one of the site's pages: gunicorn's own refusal (414) says it in its title
            match = TITLE.search(text)
        return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip() if match else ""
    return text.strip()


def problems(answer: Answer, baseline: Answer) -> str | None:
    """Why ``answer`` fails the crawl, or None. A 400 must name the parameter (or its value)
    when the valid request without it (``baseline``, sent twice) is answered; a route whose
    baseline is refused (a wrong current password, a product that exists) may name that."""
    if answer.status >= 500:
        return "server error"
    if not 400 <= answer.status < 500:
        return None
    said = reason(answer)
    if not said:
        return "a 4xx without a message"
    request = answer.request
    named = (
        request.param in said
        or unquote(request.value)[:30] in said
        # the value without its operator (Super Search's ``-`` of a descending sort, ``>``...)
        or unquote(request.value).lstrip("-!<>=~^$")[:30] in said
        or any(word in said for word in ("parameter", "form field", "in the path"))
    )
    if answer.status == 400 and request.param and baseline.status < 400 and not named:
        return f"a 400 naming neither {request.param} nor its value"
    return None


def crawl_routes(c: Crawl) -> tuple[dict[tuple[str, str], Spec], list[tuple[str, str]]]:
    """The specs of every route, and the routes of the app that have none."""
    from web.app import make_app

    config = load_config(
        {
            "DATABASE_URL": c.data.url,
            "SECRET_KEY": "crawl-route-listing",
            "filesystem__fs_root": "/nonexistent-crawl-listing",
        }
    )
    app = make_app(config).app.app
    routes = sorted({(r.method, r.rule) for r in app.routes} - NOT_CRAWLED)
    document = c.server.get("/api/openapi.json").json()
    specs = {**page_specs(c), **api_specs(c, document)}
    # /api/SuperSearch and /api/SuperSearchFields answer without the final slash too
    for method, rule in routes:
        if (method, rule) not in specs and (method, rule + "/") in specs and rule.startswith("/api/"):
            specs[(method, rule)] = specs[(method, rule + "/")]
    # the same page without its final slash: the request check and the path only
    for method, rule in routes:
        if (method, rule) in specs and (method, rule + "/") in specs:
            spec = specs[(method, rule)]
            specs[(method, rule)] = Spec(spec.path, spec.base)
    missing = [r for r in routes if r not in specs]
    return {r: specs[r] for r in routes if r in specs}, missing


def test_every_route_and_operation_is_crawled(crawl: Crawl) -> None:
    specs, missing = crawl_routes(crawl)
    assert not missing, f"routes the crawl does not know how to call: {missing}"
    document = crawl.server.get("/api/openapi.json").json()
    operations = {(m.upper(), p) for p, ops in document["paths"].items() for m in ops}
    assert operations <= set(specs), operations - set(specs)
    assert len(specs) > 90


@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_hostile_values_get_no_5xx_and_every_4xx_says_why(crawl: Crawl, who: str) -> None:
    specs, _ = crawl_routes(crawl)
    # each route's requests in order, its baseline first; the posts adding products, releases
    # and featured versions in one line (at once, they would refuse each other: "already
    # running in another session")
    releases = re.compile(r"(?i)product|release|featured")
    lines = [
        [requests_of(m, rule, spec)]
        for (m, rule), spec in specs.items()
        if m == "GET" or not releases.search(rule)
    ]
    lines.append(
        [
            requests_of(m, rule, spec)
            for (m, rule), spec in specs.items()
            if m != "GET" and releases.search(rule)
        ]
    )

    def run(routes: list[list[Request]]) -> list[tuple[Answer, Answer]]:
        out = []
        for requests in routes:
            first = send(crawl, who, requests[0])
            # sent again: a post adding something is refused the second time ("exists"), and
            # so is every hostile post after it, for that reason
            baseline = send(crawl, who, requests[0])
            out += [(first, first), (baseline, baseline)]
            out += [(send(crawl, who, r), baseline) for r in requests[1:]]
        return out

    with ThreadPoolExecutor(4) as pool:
        pairs = [p for chunk in pool.map(run, sorted(lines, key=len, reverse=True)) for p in chunk]
    answers = [a for a, _ in pairs]
    failures = sorted(
        (
            (
                why,
                a.status,
                a.request.method,
                a.request.path[:200],
                (a.request.body or "")[:200],
                reason(a)[:200],
            )
            for a, baseline in pairs
            if (why := problems(a, baseline))
        ),
        key=lambda f: (f[0] != "server error", f[3]),
    )
    statuses = {a.status for a in answers}
    assert not failures, (
        f"{len(failures)} of {len(answers)} answers fail:\n"
        + "\n".join(map(str, failures[:40]))
        + "\n--- server log ---\n"
        + crawl.server.log()[-3000:]
    )
    # the crawl did reach pages, refusals and the server's own limit
    assert {200, 400, 414} <= statuses, statuses
    # a normal request still works after it
    assert crawl.server.get(f"/report/index/{crawl.data.nasty_id}").status == 200
    assert crawl.server.get("/api/SuperSearch/?product=KillerApp&_results_number=1").status == 200
