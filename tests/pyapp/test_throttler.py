"""Throttle rules: Socorro's default set, sampling, declarative files, Python modules."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from pyapp.errors import ConfigError
from pyapp.throttler import (
    SOCORRO_RULES,
    RegisteredProducts,
    Result,
    Rule,
    Throttler,
    load_rules,
    rules_from_data,
)


@pytest.mark.parametrize(
    ("annotations", "result", "rule", "rate"),
    [
        ({"HangID": "x", "ProductName": "Firefox"}, Result.IGNORE, "browser_hang", None),
        ({"HangID": "x", "ProcessType": "browser"}, Result.IGNORE, "browser_hang", None),
        (
            {"HangID": "x", "ProcessType": "plugin", "ReleaseChannel": "beta"},
            Result.ACCEPT,
            "aurora_beta_esr",
            100,
        ),
        ({"Comments": "it broke", "ProductName": "Firefox"}, Result.ACCEPT, "has_comments", 100),
        ({"Comments": "", "ProductName": "Fennec"}, Result.ACCEPT, "fennec", 100),
        ({"ReleaseChannel": "esr", "ProductName": "Firefox"}, Result.ACCEPT, "aurora_beta_esr", 100),
        ({"ReleaseChannel": "nightly-cck", "ProductName": "Firefox"}, Result.ACCEPT, "nightly", 100),
        ({"ProductName": "KillerApp", "Version": "3.0b1"}, Result.ACCEPT, "alpha_beta_version", 100),
        ({"ProductName": "Thunderbird", "Version": "3.0"}, Result.ACCEPT, "product_t_s_c", 100),
        ({"ProductName": "KillerApp", "Version": "3.0"}, Result.DEFER, "everything_else", 0),
        ({}, Result.DEFER, "everything_else", 0),
    ],
)
def test_socorro_rules(annotations, result, rule, rate) -> None:
    decision = Throttler(SOCORRO_RULES, rng=lambda: 0.5).throttle(annotations)
    assert (decision.result, decision.rule, decision.rate) == (result, rule, rate)


def test_socorro_rules_accept_a_registered_product_and_defer_an_unknown_one() -> None:
    throttler = Throttler(SOCORRO_RULES, rng=lambda: 0.5)
    registered = {"killerapp", "widgetpro"}.__contains__
    crash = {"ProductName": "WidgetPro", "Version": "2.0", "ReleaseChannel": "release"}
    decision = throttler.throttle(crash, lambda name: registered(name.lower()))
    assert (decision.result, decision.rule, decision.rate) == (Result.ACCEPT, "registered_product", 100)
    # unknown to the database (or no database asked): kept, not processed
    assert throttler.throttle({**crash, "ProductName": "Gadget"}, registered).rule == "everything_else"
    assert throttler.throttle(crash).result is Result.DEFER
    # earlier rules still decide first: Firefox stays sampled, hangs ignored
    firefox = throttler.throttle({"ProductName": "Firefox"}, lambda name: True)
    assert (firefox.rule, firefox.result) == ("firefox", Result.DEFER)
    assert throttler.throttle({"ProductName": "WidgetPro", "HangID": "h"}, registered).result is Result.IGNORE


def test_registered_test_in_declarative_rules() -> None:
    rules = rules_from_data(
        [
            {"name": "unknown", "when": {"ProductName": {"registered": False}}, "result": "reject"},
            {"name": "rest", "result": "accept"},
        ]
    )
    throttler = Throttler(rules)
    assert throttler.throttle({"ProductName": "Nope"}, lambda name: False).rule == "unknown"
    assert throttler.throttle({}, lambda name: True).rule == "unknown"  # no product: not registered
    assert throttler.throttle({"ProductName": "Yes"}, lambda name: name == "Yes").rule == "rest"


def test_registered_products_are_cached_and_a_new_one_is_seen_within_seconds() -> None:
    now = [100.0]
    names = ["KillerApp"]
    reads: list[float] = []

    def load() -> list[str]:
        reads.append(now[0])
        return list(names)

    products = RegisteredProducts(load, ttl=60, retry=5, clock=lambda: now[0])
    assert products("killerapp") and products("KILLERAPP")  # citext: case does not matter
    assert reads == [100.0]
    names.append("WidgetPro")
    assert not products("WidgetPro")  # read a moment ago: not asked again
    now[0] += 5
    assert products("WidgetPro")  # a miss after `retry` seconds reads the table again
    assert reads == [100.0, 105.0]
    now[0] += 30
    assert products("KillerApp") and reads == [100.0, 105.0]  # hits do not read
    now[0] += 30
    products("KillerApp")
    assert reads == [100.0, 105.0, 165.0]  # every `ttl` seconds


def test_registered_products_survive_a_failing_read() -> None:
    now = [0.0]
    answers: list[list[str] | Exception] = [["KillerApp"], RuntimeError("database down")]

    def load() -> list[str]:
        answer = answers.pop(0) if answers else ["KillerApp"]
        if isinstance(answer, Exception):
            raise answer
        return answer

    products = RegisteredProducts(load, ttl=10, retry=1, clock=lambda: now[0])
    assert products("KillerApp")
    now[0] += 10
    assert products("KillerApp")  # the failed re-read keeps what was read before
    failing = RegisteredProducts(lambda: (_ for _ in ()).throw(RuntimeError("down")), clock=lambda: now[0])
    assert not failing("KillerApp")  # nothing read: unknown, deferred (stored), not lost


def test_firefox_release_is_sampled_at_ten_percent() -> None:
    draws = itertools.cycle([i / 100 for i in range(100)])
    throttler = Throttler(SOCORRO_RULES, rng=lambda: next(draws))
    decisions = [throttler.throttle({"ProductName": "Firefox", "Version": "41.0"}) for _ in range(1000)]
    assert sum(d.result is Result.ACCEPT for d in decisions) == 100
    assert {d.result for d in decisions} == {Result.ACCEPT, Result.DEFER}  # never_discard
    assert {d.rate for d in decisions} == {10}
    assert {d.rule for d in decisions} == {"firefox"}


def test_sampling_can_reject_the_rest() -> None:
    rules = rules_from_data([{"name": "half", "result": 50, "otherwise": "reject"}])
    throttler = Throttler(rules, rng=iter([0.2, 0.7]).__next__)
    first, second = throttler.throttle({}), throttler.throttle({})
    assert (first.result, first.rate) == (Result.ACCEPT, 50)
    assert (second.result, second.rate) == (Result.REJECT, None)


def test_no_match_defers() -> None:
    rules = rules_from_data([{"name": "only_x", "when": {"X": "1"}, "result": "reject"}])
    assert Throttler(rules).throttle({"X": "2"}).result is Result.DEFER
    assert Throttler(rules).throttle({"X": "1"}).result is Result.REJECT


def test_toml_and_json_files(tmp_path: Path) -> None:
    toml = tmp_path / "rules.toml"
    toml.write_text(
        '[[rules]]\nname = "old"\nwhen = { BuildID = { matches = "^20(0|10)" } }\nresult = "discard"\n'
        '[[rules]]\nname = "all"\nresult = "accept"\n'
    )
    rules = load_rules(str(toml))
    assert Throttler(rules).throttle({"BuildID": "20091231"}).rule == "old"
    assert Throttler(rules).throttle({"BuildID": "20261231"}).result is Result.ACCEPT
    data = tmp_path / "rules.json"
    data.write_text(
        json.dumps([{"name": "ch", "when": {"ReleaseChannel": {"in": ["a", "b"]}}, "result": "ignore"}])
    )
    assert Throttler(load_rules(str(data))).throttle({"ReleaseChannel": "b"}).result is Result.IGNORE


def test_python_module_rules() -> None:
    rules = load_rules("tests.pyapp.test_throttler:CUSTOM")
    assert Throttler(rules).throttle({"Throttleable": "0"}).rule == "throttleable_0"
    assert load_rules("pyapp.throttler:SOCORRO_RULES")[0].name == "browser_hang"
    assert [r.name for r in load_rules("accept_all")] == ["accept_all"]


CUSTOM = [Rule("throttleable_0", lambda a: a.get("Throttleable") == "0", Result.ACCEPT)]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nonsense", "is not socorro"),
        ("/no/such/rules.toml", "No such file"),
        ("no_such_module:RULES", "No module named"),
        ("pyapp.throttler:NO_SUCH", "NO_SUCH"),
    ],
)
def test_bad_rule_sources(spec: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_rules(spec)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"name": "x", "result": "maybe"}, "unknown result"),
        ({"name": "x", "result": 150}, "between 0 and 100"),
        ({"name": "x"}, "result must be"),
        ({"name": "bad name", "result": "accept"}, "rule name"),
        ({"name": "x", "when": {"A": {"like": "b"}}, "result": "accept"}, "unknown test like"),
        ({"name": "x", "when": {"A": {"matches": "("}}, "result": "accept"}, "bad regular expression"),
        ({"name": "x", "result": "accept", "extra": 1}, "unknown key extra"),
    ],
)
def test_bad_rules(tmp_path: Path, rule: dict, message: str) -> None:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"rules": [rule]}))
    with pytest.raises(ConfigError, match=message):
        load_rules(str(path))
