"""What every boto3 S3 client of crashstats is built with: connect and read timeouts and a
bounded number of attempts (``CRASHSTATS_S3_CONNECT_TIMEOUT``, ``CRASHSTATS_S3_READ_TIMEOUT``,
``CRASHSTATS_S3_MAX_ATTEMPTS``).

botocore's own defaults (60 s to connect, 60 s per read, retries) let a hung S3 hold a request
past gunicorn's worker timeout; with these, the worst a request can spend on one S3 call is
:func:`worst_case_seconds`, well under it, so a collector answers 503 while its client still
listens instead of storing a crash after the client gave up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: botocore's standard retry mode sleeps up to 2**attempt seconds (random) between attempts
_BACKOFF_CAP = 20.0


@dataclass(frozen=True)
class S3Timeouts:
    connect: float = 2.0
    read: float = 5.0
    attempts: int = 2

    @classmethod
    def from_config(cls, config: Any) -> S3Timeouts:
        from pyapp.errors import ConfigError

        timeouts = cls(
            float(config["CRASHSTATS_S3_CONNECT_TIMEOUT"]),
            float(config["CRASHSTATS_S3_READ_TIMEOUT"]),
            int(config["CRASHSTATS_S3_MAX_ATTEMPTS"]),
        )
        for key, value in (
            ("CRASHSTATS_S3_CONNECT_TIMEOUT", timeouts.connect),
            ("CRASHSTATS_S3_READ_TIMEOUT", timeouts.read),
            ("CRASHSTATS_S3_MAX_ATTEMPTS", timeouts.attempts),
        ):
            if value <= 0:
                raise ConfigError(f"{key}: must be more than 0, not {value}")
        return timeouts

    def worst_case_seconds(self) -> float:
        """The longest one S3 call can take: every attempt timing out, and the backoffs."""
        backoff = sum(min(2.0**n, _BACKOFF_CAP) for n in range(self.attempts - 1))
        return self.attempts * (self.connect + self.read) + backoff

    def boto_config(self, **extra: Any) -> Any:
        """A botocore ``Config`` with these timeouts (``extra``: other Config arguments)."""
        from botocore.config import Config as BotoConfig

        return BotoConfig(
            connect_timeout=self.connect,
            read_timeout=self.read,
            retries={"total_max_attempts": self.attempts, "mode": "standard"},
            **extra,
        )
