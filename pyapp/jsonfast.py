"""JSON for the hot paths (the processor reads and writes ~100 KB documents per crash): orjson,
falling back on the standard library for what orjson refuses (integers beyond 64 bits)."""

from __future__ import annotations

import json
from typing import Any

import orjson


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """Parse JSON text."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        if isinstance(data, memoryview):
            data = bytes(data)
        return json.loads(data)


def dumps(obj: Any) -> bytes:
    """Serialise to compact UTF-8 JSON (non-string keys become strings, as json.dumps does)."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_NON_STR_KEYS)
    except TypeError:
        return json.dumps(obj, separators=(",", ":"), default=str).encode()
