"""Named tasks that depend on one another, run several at a time: the steps of the daily report
chain (``crashstats reports daily --jobs N``) and the due jobs of a crontabber tick
(``crontabber__max_parallel_jobs``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")


def run_in_order(
    names: Sequence[str],
    depends_on: Mapping[str, Iterable[str]],
    run: Callable[[str], T],
    *,
    at_once: int = 1,
    on_done: Callable[[str, T], None] | None = None,
    thread_name: str = "task",
) -> dict[str, T]:
    """Run ``run(name)`` for each of ``names``, listed with every dependency before its
    dependants; a dependency that is not in ``names`` counts as met.

    With ``at_once`` 1 the tasks run one after another in the calling thread. Above 1, up to
    that many run at once in threads, a task starting once its dependencies have finished (in
    list order among those ready). An exception stops the run as it does one task at a time:
    nothing new starts, the tasks already running finish, and the first exception is raised.
    ``on_done(name, result)`` is called in the calling thread as each task finishes. Returns the
    results in the order the tasks finished.
    """
    results: dict[str, T] = {}
    if at_once == 1:
        for name in names:
            results[name] = run(name)
            if on_done is not None:
                on_done(name, results[name])
        return results
    wanted = set(names)
    pending = list(names)
    running: dict[Future[T], str] = {}
    failure: BaseException | None = None
    with ThreadPoolExecutor(max_workers=at_once, thread_name_prefix=thread_name) as pool:
        while pending or running:
            for name in [] if failure else list(pending):
                if len(running) >= at_once:
                    break
                if all(d in results or d not in wanted for d in depends_on.get(name, ())):
                    pending.remove(name)
                    running[pool.submit(run, name)] = name
            if not running:
                if failure is None:
                    raise ValueError(f"listed before their dependencies: {', '.join(pending)}")
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: names.index(running[f])):
                name = running.pop(future)
                try:
                    results[name] = future.result()
                except BaseException as exc:  # re-raised once the running tasks have finished
                    failure = failure or exc
                    continue
                if on_done is not None:
                    on_done(name, results[name])
    if failure is not None:
        raise failure
    return results
