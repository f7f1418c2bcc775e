"""What the crash page shows of a stored crash, bounded whatever the crash holds.

A crash the collector accepted at its limits (hundreds of annotations, megabytes of values) or a
token-supplied ``json_dump`` (any JSON: tens of thousands of frames, an object where a list
belongs, numbers where text belongs) must still give a page of a few hundred KB rendered in a
few milliseconds. So, before the page's data is redacted and rendered:

* ``crash_page()`` (sql/functions/crash_page.sql, with json_dump_page()) reads only what the
  page shows of ``json_dump``, cut in PostgreSQL with the limits below (:data:`SQL_LIMITS`):
  the crashing thread's first :data:`CRASHING_FRAMES` frames, the first :data:`OTHER_FRAMES`
  frames of each of the first :data:`THREADS` threads, the first :data:`MODULES` modules, and
  how many threads, frames and modules the whole holds (a :class:`Cut`);
* :func:`stack` turns that :class:`Cut` into display rows, every field as text, and says how
  many of each were left out;
* :func:`prune` cuts any other value: mappings to :data:`ITEMS` keys, lists to :data:`ITEMS`
  items, text to :data:`TEXT` characters, nesting to :data:`DEPTH` levels; what was cut is
  named in the value (``"…(1234 more characters)"``, a ``"…"`` key or item).

The whole documents stay available through the API (``/api/ProcessedCrash/``,
``/api/RawCrash/``), which answer them as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

CRASHING_FRAMES = 200
OTHER_FRAMES = 20
THREADS = 40
MODULES = 300
ITEMS = 300
NESTED_ITEMS = 50
TEXT = 2000
DEPTH = 6
#: characters of pruned values one page shows
BUDGET = 150_000
#: characters of frame and module text one page shows (then the rest are left out)
STACK_BUDGET = 150_000
#: characters of one frame or module field shown
FIELD = 300

FRAME_FIELDS = ("frame", "module", "function", "file", "line", "module_offset", "offset")
MODULE_FIELDS = ("filename", "version", "debug_file", "debug_id", "base_addr", "end_addr")

#: crash_page()'s parameters: what it keeps of ``json_dump``
SQL_LIMITS = {
    "crashing_frames": CRASHING_FRAMES,
    "other_frames": OTHER_FRAMES,
    "threads": THREADS,
    "modules": MODULES,
}


@dataclass(frozen=True)
class Cut:
    """``json_dump`` as crash_page() cut it: ``dump`` holds only the shown threads (their
    indexes in the whole are ``thread_indexes``), their first frames and the first modules;
    the counts are those of the whole."""

    dump: Any = None
    crashing: int | None = None
    thread_count: int = 0
    thread_indexes: list[int] = field(default_factory=list)
    frame_counts: list[int] = field(default_factory=list)
    module_count: int = 0

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> Cut:
        return cls(
            row["json_dump"],
            row["crashing"],
            row["thread_count"] or 0,
            list(row["thread_indexes"] or []),
            list(row["frame_counts"] or []),
            row["module_count"] or 0,
        )

    def threads(self) -> list[tuple[int, Any, int]]:
        """(index in the whole, thread, frames in the whole) of each thread kept."""
        dump = self.dump if isinstance(self.dump, Mapping) else {}
        threads = dump.get("threads")
        if not isinstance(threads, list):
            return []
        return list(zip(self.thread_indexes, threads, self.frame_counts, strict=False))

    def modules(self) -> list[Any]:
        dump = self.dump if isinstance(self.dump, Mapping) else {}
        modules = dump.get("modules")
        return modules if isinstance(modules, list) else []


class Budget:
    """Characters a page may still spend (shared by the values of one page)."""

    def __init__(self, chars: int = BUDGET) -> None:
        self.left = chars

    def spend(self, chars: int) -> None:
        self.left -= chars


def _text(value: Any, limit: int = FIELD) -> str:
    if value is None or isinstance(value, Mapping | list):
        return ""
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _row(item: Any, fields: tuple[str, ...], budget: Budget) -> dict[str, str]:
    item = item if isinstance(item, Mapping) else {}
    row = {key: _text(item.get(key)) for key in fields}
    budget.spend(sum(len(v) for v in row.values()) + 20)
    return row


def stack(cut: Cut) -> dict[str, Any]:
    """The crash page's threads and modules of ``json_dump`` (any JSON, cut by crash_page()),
    bounded: every field as text, the crashing thread first in line for the budget."""
    crashing = cut.crashing
    budget = Budget(STACK_BUDGET)
    order = cut.threads()
    order.sort(key=lambda item: item[0] != crashing)  # the crashing thread first, else as kept
    rows: dict[int, dict[str, Any]] = {}
    for index, thread, frame_count in order:
        thread = thread if isinstance(thread, Mapping) else {}
        frames = thread.get("frames") if isinstance(thread.get("frames"), list) else []
        limit = CRASHING_FRAMES if index == crashing else OTHER_FRAMES
        kept = []
        for frame in frames[:limit]:
            if budget.left <= 0:
                break
            kept.append(_row(frame, FRAME_FIELDS, budget))
        rows[index] = {
            "index": index,
            "name": _text(thread.get("thread_name"), 200),
            "frame_count": frame_count,
            "frames": kept,
            "frames_left_out": frame_count - len(kept),
            "crashing": index == crashing,
        }
    modules = cut.modules()
    module_rows = []
    for module in modules[:MODULES]:
        if budget.left <= 0:
            break
        row = _row(module, MODULE_FIELDS, budget)
        module = module if isinstance(module, Mapping) else {}
        row["symbols"] = (
            "missing"
            if module.get("missing_symbols") is True
            else "loaded"
            if module.get("loaded_symbols") is True
            else ""
        )
        module_rows.append(row)
    shown = [rows[i] for i in sorted(rows)]
    return {
        "threads": shown,
        "thread_count": cut.thread_count,
        "threads_left_out": cut.thread_count - len(shown),
        "crashing": rows.get(crashing) if crashing is not None else None,
        "modules": module_rows,
        "module_count": cut.module_count,
        "modules_left_out": cut.module_count - len(module_rows),
    }


def prune(value: Any, budget: Budget, *, items: int = ITEMS, depth: int = 0, total: int | None = None) -> Any:
    """``value`` cut to the page's bounds (see the module's documentation); the characters it
    keeps are spent from ``budget``, and once that is spent containers keep no more items. A
    list cut already (by crash_page()) from ``total`` items says so when not cut further."""
    if isinstance(value, str):
        limit = max(min(TEXT, budget.left), 0)
        budget.spend(min(len(value), limit) + 1)
        return value if len(value) <= limit else f"{value[:limit]}…({len(value) - limit} more characters)"
    if isinstance(value, Mapping):
        if depth >= DEPTH:
            return "…(nested too deeply to show)"
        out: dict[str, Any] = {}
        for count, (key, item) in enumerate(value.items()):
            if count >= items or budget.left <= 0:
                out["…"] = f"{len(value) - count} more keys not shown"
                break
            budget.spend(len(str(key)) + 1)
            out[key] = prune(item, budget, items=NESTED_ITEMS, depth=depth + 1)
        return out
    if isinstance(value, list):
        if depth >= DEPTH:
            return "…(nested too deeply to show)"
        whole = max(total or 0, len(value))
        kept = []
        for count, item in enumerate(value):
            if count >= items or budget.left <= 0:
                break
            kept.append(prune(item, budget, items=NESTED_ITEMS, depth=depth + 1))
        if len(kept) < whole:
            kept.append(f"…{whole - len(kept)} more items not shown")
        return kept
    budget.spend(8)
    return value


def bounded_dump(cut: Cut, budget: Budget) -> Any:
    """``json_dump`` for the page's JSON twin: the threads, frames and modules crash_page()
    kept (as stored, pruned), everything else pruned from ``budget``."""
    json_dump = cut.dump
    if not isinstance(json_dump, Mapping):
        return prune(json_dump, budget)
    out = prune({k: v for k, v in json_dump.items() if k not in ("threads", "modules")}, budget, depth=1)
    stack_budget = Budget(STACK_BUDGET)
    threads = json_dump.get("threads")
    if isinstance(threads, list):
        kept = []
        for index, thread, _frames in cut.threads():
            if not isinstance(thread, Mapping):
                kept.append(prune(thread, stack_budget, items=NESTED_ITEMS, depth=2))
                continue
            limit = CRASHING_FRAMES if index == cut.crashing else OTHER_FRAMES
            pruned = prune(
                {k: v for k, v in thread.items() if k != "frames"}, stack_budget, items=NESTED_ITEMS, depth=2
            )
            if isinstance(thread.get("frames"), list):
                pruned["frames"] = prune(thread["frames"][:limit], stack_budget, items=limit, depth=2)
            kept.append(pruned)
        out["threads"] = kept
    elif "threads" in json_dump:
        out["threads"] = prune(threads, stack_budget, depth=1)
    modules = json_dump.get("modules")
    if isinstance(modules, list):
        out["modules"] = prune(modules, stack_budget, items=MODULES, depth=1, total=cut.module_count)
    elif "modules" in json_dump:
        out["modules"] = prune(modules, stack_budget, items=MODULES, depth=1)
    return out
