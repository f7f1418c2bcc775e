"""The one redaction function: every page, JSON twin, CSV and search answer goes through
:func:`redact` before it is rendered (web.framework does it for every page).

The rules are data (the ``redaction_rules`` view): the processed-crash and report fields of
``protected_fields`` (``email``, ``url``, ``user_id``, ``exploitability``,
``json_dump.sensitive``, ``memory_info``: hidden; ``user_comments``: hidden too, or, with
``CRASHSTATS_PUBLIC_SCRUBBED_COMMENTS`` on, shown to everyone with e-mail addresses, URLs and
home directories replaced) and the raw-crash annotations of ``protected_annotations`` (``Email``, ``URL``,
``Comments``, ids: hidden, case-insensitively, in any value held under a ``raw_crash`` key).
A field's rule is applied in every mapping of the answer at any depth (a dotted path is
followed from each mapping), so a new page cannot leak a protected field by nesting it. Rows of
the signature summary whose ``report_type`` is ``exploitability`` are dropped without
``view_exploitability``. A viewer holding the rule's permission sees the field as stored.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from web.viewer import Viewer

#: ``mailto:`` links (with or without an address after them)
MAILTO = re.compile(r"\bmailto:[^\s<>\"']*", re.IGNORECASE)
#: an address: a plain or quoted local part, then a domain (``localhost`` and IP literals too)
EMAIL = re.compile(
    r"(?:\"[^\"\r\n]{1,200}\"|[\w.+\-!#$%&'*/=?^`{|}~]+)@(?:[\w-]+(?:\.[\w-]+)*|\[[0-9A-Fa-f:.]+\])",
    re.UNICODE,
)
#: a URL with a scheme, or starting www.
URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"']+", re.IGNORECASE)
#: a host name (with a top-level domain of letters) or IPv4 address followed by a port or a
#: path: ``pii-marker.example/secret``, ``10.0.0.7:8080``
BARE_URL = re.compile(
    r"\b(?:(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}|\d{1,3}(?:\.\d{1,3}){3})"
    r"(?::\d{1,5}(?:[/?#][^\s<>\"']*)?|[/?#][^\s<>\"']*)",
    re.IGNORECASE,
)
#: a home directory: ``C:\Users\name``, ``C:/Documents and Settings/name``, ``/home/name``,
#: ``/Users/name`` (the name, with spaces when a separator follows it, is what identifies
#: someone; the rest of the path is kept)
HOME_PATH = re.compile(
    r"(?:\b[A-Za-z]:)?[\\/]+(?:Users|Documents and Settings|home)[\\/]+"
    r"(?:[^\\/\s\"'<>:]+(?: [^\\/\s\"'<>:]+)*(?=[\\/])|[^\\/\s\"'<>:]+)",
    re.IGNORECASE,
)

#: rows of these (key, value) are restricted data as a whole
RESTRICTED_ROWS = {("report_type", "exploitability"): "view_exploitability"}


def scrub_pii(text: str) -> str:
    """``text`` with e-mail addresses (``mailto:``, quoted local parts, ``name@localhost``),
    URLs (with or without a scheme) and home directories (Windows and Unix) replaced by
    EMAILREMOVED, URLREMOVED and PATHREMOVED: Socorro's scrub_pii, catching more forms."""
    text = MAILTO.sub("EMAILREMOVED", text)
    text = URL.sub("URLREMOVED", text)
    text = EMAIL.sub("EMAILREMOVED", text)
    text = HOME_PATH.sub("PATHREMOVED", text)
    return BARE_URL.sub("URLREMOVED", text)


@dataclass(frozen=True)
class Rule:
    path: tuple[str, ...]
    permission: str
    treatment: str  # hide | scrub


@dataclass(frozen=True)
class RedactionRules:
    """The rules of ``redaction_rules``: processed/report fields and raw-crash annotations."""

    fields: tuple[Rule, ...] = ()
    #: raw annotation name (lower case) -> permission
    annotations: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_rows(
        cls, rows: Iterable[Mapping[str, Any]], *, public_scrubbed: bool = False
    ) -> RedactionRules:
        """The rules of these rows. A ``scrub`` field (``user_comments``) is hidden like a
        ``hide`` one unless ``public_scrubbed`` (``CRASHSTATS_PUBLIC_SCRUBBED_COMMENTS``:
        Socorro 2015 showed everyone the comments with addresses and URLs scrubbed)."""
        fields = []
        annotations = {}
        for row in rows:
            if row["scope"] == "raw":
                annotations[str(row["field"]).lower()] = row["permission"]
            else:
                treatment = row["treatment"]
                if treatment == "scrub" and not public_scrubbed:
                    treatment = "hide"
                fields.append(Rule(tuple(str(row["field"]).split(".")), row["permission"], treatment))
        return cls(tuple(fields), annotations)


def redact(data: Any, viewer: Viewer, rules: RedactionRules) -> Any:
    """A copy of ``data`` (dicts, lists, scalars) with everything ``viewer`` may not see removed."""
    active = tuple(rule for rule in rules.fields if not viewer.has_perm(rule.permission))
    hidden_annotations = {name for name, perm in rules.annotations.items() if not viewer.has_perm(perm)}
    restricted = {key: perm for key, perm in RESTRICTED_ROWS.items() if not viewer.has_perm(perm)}
    return _walk(data, active, hidden_annotations, restricted)


#: values copied as they are, without a call per value (a page's rows are mostly these)
SCALARS = frozenset({str, int, float, bool, type(None), decimal.Decimal, dt.date, dt.datetime})


def _walk(data: Any, rules: tuple[Rule, ...], annotations: set[str], restricted: dict) -> Any:
    if isinstance(data, Mapping):
        out: dict[str, Any] = {}
        for key, value in data.items():
            if type(value) in SCALARS:
                out[key] = value
                continue
            if key == "raw_crash" and isinstance(value, Mapping):
                value = {k: v for k, v in value.items() if str(k).lower() not in annotations}
            out[key] = _walk(value, rules, annotations, restricted)
        for rule in rules:
            if rule.path[0] in out:
                _apply(out, rule)
        return out
    if isinstance(data, list | tuple):
        items = []
        for item in data:
            if type(item) in SCALARS:
                items.append(item)
                continue
            if isinstance(item, Mapping) and any(item.get(k) == v for (k, v) in restricted):
                continue
            items.append(_walk(item, rules, annotations, restricted))
        return items
    return data


def _apply(mapping: dict[str, Any], rule: Rule) -> None:
    *parents, last = rule.path
    node: Any = mapping
    for part in parents:
        node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            return
    if not isinstance(node, dict) or last not in node:
        return
    if rule.treatment == "scrub" and isinstance(node[last], str):
        node[last] = scrub_pii(node[last])
    elif rule.treatment == "scrub" and node[last] is None:
        return
    else:
        del node[last]
