"""How far the read replica (``DATABASE_READ_URL``) is behind the primary, for the notice pages
show once it lags more than ``CRASHSTATS_REPLICA_LAG_NOTICE`` seconds.

The lag is ``health_status().replica_lag_sec`` read on the replica (0 when it has replayed all
it received), asked at most every ``interval`` seconds per process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from pyapp import errors
from pyapp.db import Database

log = logging.getLogger(__name__)


def describe(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} seconds"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"


class ReplicaLag:
    def __init__(self, db: Callable[[], Database], threshold: int, interval: float = 5.0) -> None:
        self._db = db
        self.threshold = threshold
        self.interval = interval
        self._lock = threading.Lock()
        self._checked = 0.0
        self._lag: float | None = None

    def seconds(self) -> float | None:
        """The replica's lag in seconds (None: not a replica, or it cannot be read)."""
        with self._lock:
            if time.monotonic() - self._checked < self.interval:
                return self._lag
            self._checked = time.monotonic()
        try:
            row = self._db().fetch_one("SELECT replica_lag_sec FROM health_status()")
            lag = None if row is None else row["replica_lag_sec"]
        except errors.CrashstatsError as exc:
            log.warning("cannot read the replica's lag: %s", exc)
            lag = None
        log.debug("replica lag: %s s", lag)
        with self._lock:
            self._lag = lag
        return lag

    def notice(self) -> str | None:
        lag = self.seconds()
        if lag is None or lag <= self.threshold:
            return None
        return (
            f"These pages read from a replica that is {describe(lag)} behind: "
            "crashes received since then are not shown yet."
        )
