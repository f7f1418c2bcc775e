"""The test suite's one clock.

No test reads the wall clock. "Now" is :data:`RUN_NOW`, the instant this test run started (read
once, in UTC, to the second), handed out by the ``clock`` fixture; a test that needs another
instant chooses it explicitly (``dt.datetime(2026, 12, 31, 23, 0, tzinfo=dt.UTC)``) or starts a
:class:`jobs.clock.FakeClock` of its own from ``clock.now()``.

The SQL functions that decide what "today" means read ``utc_now()``; the database fixtures pin
it to the same instant (the setting ``crashstats.now``), so a run that crosses midnight keeps one
"today" in SQL.

``make test-dates`` runs the date-sensitive tests with the clock of the whole process tree
(pytest, PostgreSQL, every server the tests start) moved by libfaketime to the edges of the
calendar: a year's last minute, the first day of ISO week 1, 29 February, a Sunday at 23:59:30,
a day in mid-year. ``RUN_NOW`` is then that instant. See docs/testing.md.
"""

from __future__ import annotations

import datetime as dt

RUN_NOW: dt.datetime = dt.datetime.now(dt.UTC).replace(microsecond=0)


class SuiteClock:
    """The run's instant, read-only (every test and module fixture sees the same one)."""

    def __init__(self, now: dt.datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("SuiteClock needs a timezone-aware instant")
        self._now = now.astimezone(dt.UTC)

    def now(self) -> dt.datetime:
        return self._now

    def today(self) -> dt.date:
        """The UTC day of :meth:`now`."""
        return self._now.date()

    def days_ago(self, days: int) -> dt.date:
        return self.today() - dt.timedelta(days=days)

    def setting(self) -> str:
        """The value of ``crashstats.now`` that pins SQL's utc_now() to this instant."""
        return self._now.isoformat()


CLOCK = SuiteClock(RUN_NOW)
