"""Crash IDs ("ooids"): a uuid4 whose last 7 characters are a throttle digit and the UTC date.

``de1bb258-cbbf-4589-a673-34f802160918`` was accepted (``0``) on 2016-09-18. The digit is
Antenna's throttle result (0 accept, 1 defer); Socorro's older IDs used it for a storage depth,
so readers only trust the date part. Every store and partition is chosen from the date.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import uuid

ACCEPT = 0
DEFER = 1

CRASH_ID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{5}[0-9]{7}$")
PREFIX = "bp-"


def create_crash_id(
    timestamp: dt.datetime | None = None, throttle_result: int = ACCEPT, rng: random.Random | None = None
) -> str:
    """A new crash ID for a crash received at ``timestamp`` (UTC; default now).

    ``rng`` makes the random part reproducible (demo data generated with a seed); by default
    it comes from ``uuid.uuid4()``.
    """
    if throttle_result not in (ACCEPT, DEFER):
        raise ValueError(f"throttle_result must be {ACCEPT} or {DEFER}, not {throttle_result!r}")
    when = (timestamp or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    base = uuid.uuid4() if rng is None else uuid.UUID(int=rng.getrandbits(128), version=4)
    return f"{str(base)[:-7]}{throttle_result}{when:%y%m%d}"


def strip_prefix(value: str) -> str:
    """``bp-<id>`` as the collector answers it, or a bare ID, to the bare ID (lower case, trimmed)."""
    value = value.strip().lower()
    return value[len(PREFIX) :] if value.startswith(PREFIX) else value


def is_crash_id(value: str) -> bool:
    """True for a well-formed crash ID (with or without the ``bp-`` prefix) carrying a real date."""
    bare = strip_prefix(value)
    if not CRASH_ID_RE.match(bare):
        return False
    try:
        date_from_crash_id(bare)
    except ValueError:
        return False
    return True


def date_from_crash_id(crash_id: str) -> dt.date:
    """The UTC date encoded in the last 6 characters (YYMMDD, 20YY)."""
    bare = strip_prefix(crash_id)
    suffix = bare[-6:]
    if not suffix.isdigit():
        raise ValueError(f"{crash_id!r} does not end in a YYMMDD date")
    return dt.date(2000 + int(suffix[:2]), int(suffix[2:4]), int(suffix[4:6]))


def throttle_from_crash_id(crash_id: str) -> int:
    """The throttle digit (7th character from the end)."""
    return int(strip_prefix(crash_id)[-7])
