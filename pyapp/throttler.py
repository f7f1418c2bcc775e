"""Throttling: which incoming crashes are stored, processed, sampled or turned away.

An ordered list of rules; the first whose condition holds decides. Each rule gives a result:

* ``accept``: store and queue for processing (crash ID digit 0);
* ``defer``: store, do not process (digit 1; Socorro's ``legacy_processing = 1``);
* ``reject``: do not store; the client gets ``200 Discarded=rule_<name>``;
* ``ignore``: do not store; the client gets ``200 Unsupported=1`` (Socorro's IGNORE);
* a percentage: accept that share of the matching crashes at random and give the others the
  rule's ``otherwise`` result (``defer`` by default: Socorro's ``never_discard``).

The decision's ``rate`` is what the collector records as ``throttle_rate``: the percentage of
crashes like this one that get processed (100, the sampling percentage, or 0), which the report
aggregates use to scale counts back up.

Rules come from ``CRASHSTATS_THROTTLE_RULES``: ``socorro`` (the default: Socorro's
``LegacyThrottler`` rules), ``accept_all``, ``package.module:ATTRIBUTE`` (a sequence of
:class:`Rule`, or of rule mappings as below), or a ``.toml`` / ``.json`` file::

    [[rules]]
    name = "has_comments"
    when = { Comments = { present = true } }
    result = "accept"

    [[rules]]
    name = "firefox_release"
    when = { ProductName = { equals = "Firefox" } }
    result = 10                 # percent
    otherwise = "defer"

Conditions name annotations; every listed one must hold. Tests per annotation: ``present``
(true/false), ``equals``, ``in`` (a list), ``startswith`` (a string or a list), ``matches``
(a regular expression searched in the value), ``registered`` (true/false: the value is a
product in the database's ``products`` table, as :class:`RegisteredProducts` reads it) and
``default`` (the value used when the annotation is missing). A rule without ``when`` always
matches.

Socorro's rules accept every crash of a registered product that no earlier rule decided
(``registered_product``); their last rule, ``everything_else``, defers the crashes of products
the database does not know. Those are counted on the status page, and queued for processing
when their product is added (the ``products`` trigger, ``queue_deferred_crashes``).
"""

from __future__ import annotations

import enum
import importlib
import json
import logging
import random
import re
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyapp.errors import ConfigError

Annotations = Mapping[str, Any]
Condition = Callable[[Annotations], bool]

log = logging.getLogger(__name__)


class Facts(Mapping[str, Any]):
    """The annotations a condition reads, plus ``registered``: whether a product name is in the
    database (always False without a registry)."""

    def __init__(self, annotations: Annotations, registered: Callable[[str], bool] | None = None) -> None:
        self._annotations = annotations
        self.registered = registered or (lambda name: False)

    def __getitem__(self, key: str) -> Any:
        return self._annotations[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._annotations)

    def __len__(self) -> int:
        return len(self._annotations)


class RegisteredProducts:
    """Is a product name in the ``products`` table? ``load`` reads the names (product names
    compare without case, as the citext column does). They are read again after ``ttl``
    seconds, and a name not found is looked up again once ``retry`` seconds have passed since
    the last reading, so a product just added is accepted within seconds. When reading fails
    the names read before stay (none: every product counts as unknown, its crashes are
    deferred and kept). Thread-safe."""

    def __init__(
        self,
        load: Callable[[], Iterable[str]],
        *,
        ttl: float = 60.0,
        retry: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self.ttl = ttl
        self.retry = retry
        self._clock = clock
        self._names: frozenset[str] | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def __call__(self, name: str) -> bool:
        key = name.casefold()
        now = self._clock()
        names = self._names
        age = now - self._read_at
        if names is None or age >= self.ttl or (key not in names and age >= self.retry):
            names = self._refresh(now)
        return key in names

    def _refresh(self, now: float) -> frozenset[str]:
        with self._lock:
            if self._names is not None and self._read_at >= now:
                return self._names  # another thread just read them
            try:
                self._names = frozenset(str(n).casefold() for n in self._load())
            except Exception as exc:  # a database outage must not fail a crash report
                log.warning("cannot read the registered products: %s", exc)
                self._names = self._names or frozenset()
            self._read_at = self._clock()
            return self._names


class Result(enum.Enum):
    ACCEPT = "accept"
    DEFER = "defer"
    REJECT = "reject"
    IGNORE = "ignore"

    @property
    def stored(self) -> bool:
        return self in (Result.ACCEPT, Result.DEFER)


_RESULT_NAMES = {r.value: r for r in Result} | {"discard": Result.REJECT}


@dataclass(frozen=True)
class Rule:
    """``name``: shown in ``Discarded=rule_<name>`` and recorded in the raw crash."""

    name: str
    condition: Condition
    result: Result | float
    otherwise: Result = Result.DEFER

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", self.name):
            raise ValueError(f"throttle rule name {self.name!r}: use letters, digits, _ . -")
        if isinstance(self.result, int | float) and not 0 <= self.result <= 100:
            raise ValueError(f"throttle rule {self.name}: a percentage is between 0 and 100")


@dataclass(frozen=True)
class Decision:
    result: Result
    rule: str
    #: percentage of such crashes that get processed (None when the crash is not stored)
    rate: float | None


class Throttler:
    """Applies an ordered rule list; ``random`` is injectable for tests."""

    def __init__(self, rules: Sequence[Rule], rng: Callable[[], float] = random.random) -> None:
        self.rules = tuple(rules)
        self._rng = rng

    def throttle(self, annotations: Annotations, registered: Callable[[str], bool] | None = None) -> Decision:
        """The first matching rule's decision; ``registered`` answers the ``registered`` tests
        (is this product in the database?), e.g. a :class:`RegisteredProducts`."""
        facts = Facts(annotations, registered)
        for rule in self.rules:
            if not rule.condition(facts):
                continue
            result = rule.result
            if isinstance(result, Result):
                rate = {Result.ACCEPT: 100, Result.DEFER: 0}.get(result)
                return Decision(result, rule.name, rate)
            chosen = Result.ACCEPT if self._rng() * 100 < result else rule.otherwise
            return Decision(chosen, rule.name, result if chosen.stored else None)
        # nothing matched: keep the crash, do not process it (Socorro's never_discard)
        return Decision(Result.DEFER, "no_match", 0)


# --- declarative rules ----------------------------------------------------------------

_TESTS = {"present", "equals", "in", "startswith", "matches", "registered", "default"}


def _field_test(field: str, spec: Any) -> Condition:
    if not isinstance(spec, Mapping):
        spec = {"equals": spec}
    unknown = set(spec) - _TESTS
    if unknown:
        known = ", ".join(sorted(_TESTS))
        raise ValueError(f"{field}: unknown test {', '.join(sorted(unknown))} (tests: {known})")
    default = spec.get("default")
    checks: list[Callable[[Any], bool]] = []
    if "present" in spec:
        want = bool(spec["present"])
        checks.append(lambda v: (v is not None and v != "") == want)
    if "equals" in spec:
        expected = str(spec["equals"])
        checks.append(lambda v: v is not None and str(v) == expected)
    if "in" in spec:
        choices = {str(c) for c in spec["in"]}
        checks.append(lambda v: v is not None and str(v) in choices)
    if "startswith" in spec:
        prefixes = spec["startswith"]
        prefixes = (prefixes,) if isinstance(prefixes, str) else tuple(str(p) for p in prefixes)
        checks.append(lambda v: v is not None and str(v).startswith(prefixes))
    if "matches" in spec:
        try:
            pattern = re.compile(str(spec["matches"]))
        except re.error as exc:
            raise ValueError(f"{field}: bad regular expression: {exc}") from None
        checks.append(lambda v: v is not None and pattern.search(str(v)) is not None)

    want_registered = bool(spec["registered"]) if "registered" in spec else None

    def test(annotations: Annotations) -> bool:
        value = annotations.get(field, default)
        if want_registered is not None:
            lookup = getattr(annotations, "registered", None)
            known = value is not None and value != "" and lookup is not None and lookup(str(value))
            if known != want_registered:
                return False
        return all(check(value) for check in checks)

    return test


def rule_from_data(data: Mapping[str, Any]) -> Rule:
    """One rule from its mapping form (see the module docstring)."""
    unknown = set(data) - {"name", "when", "result", "otherwise"}
    if unknown:
        raise ValueError(f"unknown key {', '.join(sorted(unknown))}")
    name = str(data.get("name") or "")
    when = data.get("when") or {}
    if not isinstance(when, Mapping):
        raise ValueError(f"rule {name}: when must map annotation names to tests")
    tests = [_field_test(field, spec) for field, spec in when.items()]
    raw_result = data.get("result")
    result: Result | float
    if isinstance(raw_result, bool) or raw_result is None:
        raise ValueError(f"rule {name}: result must be accept, defer, reject, ignore or a percentage")
    if isinstance(raw_result, int | float):
        result = float(raw_result)
    elif str(raw_result).lower() in _RESULT_NAMES:
        result = _RESULT_NAMES[str(raw_result).lower()]
    else:
        raise ValueError(f"rule {name}: unknown result {raw_result!r}")
    otherwise = _RESULT_NAMES.get(str(data.get("otherwise", "defer")).lower())
    if otherwise is None:
        raise ValueError(f"rule {name}: unknown otherwise result {data.get('otherwise')!r}")
    return Rule(name, lambda a: all(t(a) for t in tests), result, otherwise)


def rules_from_data(items: Iterable[Any]) -> list[Rule]:
    rules = []
    for number, item in enumerate(items, start=1):
        if isinstance(item, Rule):
            rules.append(item)
            continue
        if not isinstance(item, Mapping):
            raise ValueError(f"rule {number}: expected a table/object")
        try:
            rules.append(rule_from_data(item))
        except ValueError as exc:
            raise ValueError(f"rule {number}: {exc}") from None
    return rules


#: Socorro's default rule set (LegacyThrottler, C15), in order, with registered_product.
SOCORRO_RULES: list[Rule] = rules_from_data(
    [
        {
            "name": "browser_hang",
            "when": {"HangID": {"present": True}, "ProcessType": {"equals": "browser", "default": "browser"}},
            "result": "ignore",
        },
        {"name": "has_comments", "when": {"Comments": {"present": True}}, "result": "accept"},
        {
            "name": "aurora_beta_esr",
            "when": {"ReleaseChannel": {"in": ["aurora", "beta", "esr"]}},
            "result": "accept",
        },
        {"name": "nightly", "when": {"ReleaseChannel": {"startswith": "nightly"}}, "result": "accept"},
        {
            "name": "firefox",
            "when": {"ProductName": {"equals": "Firefox"}},
            "result": 10,
            "otherwise": "defer",
        },
        {"name": "fennec", "when": {"ProductName": {"equals": "Fennec"}}, "result": "accept"},
        {
            "name": "alpha_beta_version",
            "when": {"Version": {"matches": r"\..*?[a-zA-Z]+"}},
            "result": "accept",
        },
        {
            "name": "product_t_s_c",
            "when": {"ProductName": {"startswith": ["T", "S", "C"]}},
            "result": "accept",
        },
        # not in Socorro's list: its products were registered by hand in its rules; here a product
        # added to the database (the admin's product form, add_new_product) is accepted
        {"name": "registered_product", "when": {"ProductName": {"registered": True}}, "result": "accept"},
        {"name": "everything_else", "result": "defer"},
    ]
)

ACCEPT_ALL: list[Rule] = [Rule("accept_all", lambda a: True, Result.ACCEPT)]

BUILTIN = {"socorro": SOCORRO_RULES, "accept_all": ACCEPT_ALL}


def load_rules(spec: str) -> list[Rule]:
    """The rules named by ``CRASHSTATS_THROTTLE_RULES``; ConfigError when they cannot be read."""
    key = "CRASHSTATS_THROTTLE_RULES"
    spec = spec.strip()
    try:
        if spec in BUILTIN:
            return list(BUILTIN[spec])
        if spec.endswith((".toml", ".json")):
            path = Path(spec)
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text) if spec.endswith(".toml") else json.loads(text)
            items = data.get("rules") if isinstance(data, Mapping) else data
            if not isinstance(items, list):
                raise ValueError("expected a list of rules (a [[rules]] array)")
            return rules_from_data(items)
        if ":" in spec:
            module_name, _, attribute = spec.partition(":")
            value = getattr(importlib.import_module(module_name), attribute)
            return rules_from_data(value() if callable(value) else value)
    except (OSError, ValueError, ImportError, AttributeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{key}: cannot load throttle rules from {spec!r}: {exc}") from None
    raise ConfigError(f"{key}: {spec!r} is not socorro, accept_all, a module:attribute or a .toml/.json file")
