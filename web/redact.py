"""The one redaction function: every page, JSON twin, CSV and search answer goes through
:func:`redact` before it is rendered (web.framework does it for every page).

The rules are data (the ``redaction_rules`` view): the processed-crash and report fields of
``protected_fields`` (``email``, ``url``, ``user_id``, ``exploitability``,
``json_dump.sensitive``, ``memory_info``: hidden; ``user_comments``: e-mail addresses and URLs
replaced) and the raw-crash annotations of ``protected_annotations`` (``Email``, ``URL``,
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

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)[^\s<>\"']+", re.IGNORECASE)

#: rows of these (key, value) are restricted data as a whole
RESTRICTED_ROWS = {("report_type", "exploitability"): "view_exploitability"}


def scrub_pii(text: str) -> str:
    """``text`` with e-mail addresses and URLs replaced (Socorro's scrub_pii)."""
    return EMAIL.sub("EMAILREMOVED", URL.sub("URLREMOVED", text))


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
    def from_rows(cls, rows: Iterable[Mapping[str, Any]]) -> RedactionRules:
        fields = []
        annotations = {}
        for row in rows:
            if row["scope"] == "raw":
                annotations[str(row["field"]).lower()] = row["permission"]
            else:
                fields.append(Rule(tuple(str(row["field"]).split(".")), row["permission"], row["treatment"]))
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
