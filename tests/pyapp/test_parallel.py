"""pyapp.parallel.run_in_order: dependencies first, several at a time, a failure stopping it."""

from __future__ import annotations

import threading
import time

import pytest

from pyapp.parallel import run_in_order

DEPS = {"b": ["a"], "c": ["a"], "d": ["b", "c"], "e": []}


def test_one_at_a_time_runs_in_list_order_in_the_calling_thread() -> None:
    seen: list[tuple[str, str]] = []
    results = run_in_order(
        ["a", "b", "c", "d", "e"],
        DEPS,
        lambda name: seen.append((name, threading.current_thread().name)) or name.upper(),
    )
    assert [n for n, _ in seen] == ["a", "b", "c", "d", "e"]
    assert {t for _, t in seen} == {threading.current_thread().name}
    assert results == {"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"}


def test_several_at_a_time_start_after_their_dependencies_and_overlap() -> None:
    spans: dict[str, tuple[float, float]] = {}
    finished: list[str] = []
    both_running = threading.Barrier(2, timeout=10)

    def run(name: str) -> str:
        started = time.monotonic()
        if name in ("b", "c"):  # only passes if b and c run at the same time
            both_running.wait()
        time.sleep(0.05)
        spans[name] = (started, time.monotonic())
        return name

    results = run_in_order(
        ["a", "b", "c", "d", "e"], DEPS, run, at_once=3, on_done=lambda n, _: finished.append(n)
    )
    assert sorted(results) == ["a", "b", "c", "d", "e"] and list(results) == finished
    for name, deps in DEPS.items():
        for dep in deps:
            assert spans[name][0] >= spans[dep][1], (name, dep)


def test_a_dependency_outside_the_list_counts_as_met() -> None:
    assert list(run_in_order(["b", "d"], DEPS, str, at_once=2)) == ["b", "d"]


def test_a_failure_stops_new_tasks_lets_running_ones_finish_and_is_raised() -> None:
    started: list[str] = []

    def run(name: str) -> str:
        started.append(name)
        if name == "a":
            time.sleep(0.5)  # still running when b fails
        if name == "b":
            raise RuntimeError("b broke")
        return name

    done: list[str] = []
    with pytest.raises(RuntimeError, match="b broke"):
        run_in_order(
            ["a", "b", "c", "d"],
            {"d": ["a"]},
            run,
            at_once=2,
            on_done=lambda n, _: done.append(n),
        )
    assert "a" in done  # the running task finished
    assert "d" not in started and "c" not in started


def test_a_list_with_a_dependency_after_its_dependant_is_refused() -> None:
    with pytest.raises(ValueError, match="listed before their dependencies: b"):
        run_in_order(["b"], {"b": ["b"]}, str, at_once=2)
