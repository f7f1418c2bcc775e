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
