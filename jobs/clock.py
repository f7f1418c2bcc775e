"""Time for the job runner: the system clock, or a clock tests (and simulations) control.

Every decision of the runner (what is due, which days to replay, when to retry) is taken at a
time read from one of these, and passed to SQL as a parameter; nothing reads ``now()``
behind its back.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware UTC."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class FakeClock:
    """A clock that only moves when told to (thread-safe, for concurrent runners in tests)."""

    def __init__(self, start: dt.datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start.astimezone(dt.UTC)
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def set(self, when: dt.datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("FakeClock needs timezone-aware times")
        with self._lock:
            self._now = when.astimezone(dt.UTC)

    def advance(self, delta: dt.timedelta) -> dt.datetime:
        with self._lock:
            self._now += delta
            return self._now
