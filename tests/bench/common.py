"""What the benchmarks share: CPU time of process trees from /proc."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support import child_pids


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of the processes (and their waited-for children), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15]) / tick
    return total


def process_tree(pid: int) -> list[int]:
    pids = [pid]
    for child in child_pids(pid):
        pids.extend(process_tree(child))
    return pids


def cpu_by_title(pids: list[int]) -> dict[str, float]:
    """cpu_seconds of each process, keyed by its title ("postgres: checkpointer", ...); the same
    title's processes summed."""
    titles: dict[str, float] = {}
    for pid in pids:
        try:
            title = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0].decode(errors="replace")
        except OSError:
            continue
        titles[title] = titles.get(title, 0.0) + cpu_seconds([pid])
    return titles


#: PostgreSQL's long-lived processes that work for every session: what they spend during a run
#: is partly the run's writes being flushed, partly what happened before it. (Autovacuum's
#: workers exit when done: their CPU is counted with the backends', in the postmaster's
#: children's times.)
POSTGRES_BACKGROUND = ("checkpointer", "background writer", "walwriter", "autovacuum")


def postgres_background_seconds(before: dict[str, float], after: dict[str, float]) -> float:
    """CPU seconds PostgreSQL's background processes (POSTGRES_BACKGROUND) spent between two
    cpu_by_title() readings of the cluster's processes."""
    return sum(
        seconds - before.get(title, 0.0)
        for title, seconds in after.items()
        if any(name in title for name in POSTGRES_BACKGROUND)
    )
