"""Synthetic crashes for processor tests and the benchmark: raw crashes carrying a json_dump in
rust-minidump's ``--json`` shape (threads of frames with symbols, files and lines; a module
list, some without symbols). Function names come from a fixed pool with a skewed
distribution, as in a real product where a few thousand functions make most frames."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

from pyapp.crashid import create_crash_id

#: distinct functions of the pretend product; frames draw from them with Zipf's law (the
#: k-th most common function appears about 1/k as often as the first)
FUNCTION_POOL = 5000
_ZIPF = list(itertools.accumulate(1 / (k + 1) for k in range(FUNCTION_POOL)))
_RANKS = range(FUNCTION_POOL)


def function_name(rng: random.Random) -> str:
    (index,) = rng.choices(_RANKS, cum_weights=_ZIPF)
    namespace = ("mozilla", "js", "nsCOMPtr", "base", "std")[index % 5]
    return (
        f"{namespace}::detail::Class{index % 397}::Method{index}(int, char const*, nsTArray<unsigned int>&)"
    )


def module_list(rng: random.Random, count: int, missing_every: int = 7) -> list[dict[str, Any]]:
    modules = []
    for i in range(count):
        missing = i % missing_every == 3
        base = 0x7F0000000000 + i * 0x1000000
        modules.append(
            {
                "base_addr": f"0x{base:016x}",
                "cert_subject": None,
                "code_id": f"{rng.getrandbits(160):040x}",
                "corrupt_symbols": False,
                "debug_file": f"lib{i}.so",
                "debug_id": f"{rng.getrandbits(128):032X}0",
                "end_addr": f"0x{base + 0x800000:016x}",
                "filename": f"lib{i}.so",
                "loaded_symbols": not missing,
                "missing_symbols": missing,
                "symbol_url": None,
                "version": f"{i}.0.0.0",
            }
        )
    return modules


def frames(rng: random.Random, count: int, modules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for n in range(count):
        module = modules[min(int(rng.paretovariate(0.8)) - 1, len(modules) - 1)]
        symbolized = not module["missing_symbols"]
        offset = rng.randrange(0x1000, 0x7FFFFF)
        out.append(
            {
                "file": f"src/{module['filename']}/file{rng.randrange(300)}.cpp" if symbolized else None,
                "frame": n,
                "function": function_name(rng) if symbolized else None,
                "function_offset": f"0x{rng.randrange(4096):016x}" if symbolized else None,
                "inlines": None,
                "line": rng.randrange(1, 5000) if symbolized else None,
                "missing_symbols": not symbolized,
                "module": module["filename"],
                "module_offset": f"0x{offset:016x}",
                "offset": f"0x{int(module['base_addr'], 16) + offset:016x}",
                "trust": "context" if n == 0 else "cfi",
                "unloaded_modules": None,
            }
        )
    return out


def json_dump(
    rng: random.Random, *, threads: int = 4, frames_per_thread: int = 60, modules: int = 150
) -> dict[str, Any]:
    """A stackwalker output: ``threads`` threads of ``frames_per_thread`` frames, ``modules``
    modules (one in seven without symbols), thread 0 crashed."""
    module_rows = module_list(rng, modules)
    thread_rows = [
        {
            "frame_count": frames_per_thread,
            "frames": frames(rng, frames_per_thread, module_rows),
            "last_error_value": None,
            "thread_id": 1000 + t,
            "thread_name": f"Thread{t}",
        }
        for t in range(threads)
    ]
    return {
        "crash_info": {
            "address": "0x0000000000000010",
            "crashing_thread": 0,
            "type": "SIGSEGV / SEGV_MAPERR",
        },
        "crashing_thread": {
            **thread_rows[0],
            "frames": thread_rows[0]["frames"][:10],
            "threads_index": 0,
            "total_frames": frames_per_thread,
        },
        "lsb_release": {"id": "Debian", "release": "12", "codename": "bookworm", "description": "Debian 12"},
        "main_module": 0,
        "modules": module_rows,
        "pid": rng.randrange(1, 99999),
        "status": "OK",
        "system_info": {
            "cpu_arch": "amd64",
            "cpu_count": 8,
            "cpu_info": "GenuineIntel family 6 model 158 stepping 10",
            "os": "Linux",
            "os_ver": "6.1.0 #1 SMP Debian 6.1.0 x86_64",
        },
        "thread_count": threads,
        "threads": thread_rows,
        "unloaded_modules": [],
    }


def raw_crash(
    rng: random.Random,
    submitted: dt.datetime,
    *,
    crash_id: str | None = None,
    with_dump: bool = True,
    **extra: Any,
) -> dict[str, Any]:
    """A collector-style raw crash (annotations plus the collector's fields)."""
    crash_id = crash_id or create_crash_id(submitted)
    crash_time = int(submitted.timestamp()) - rng.randrange(1, 60)
    raw: dict[str, Any] = {
        "ProductName": "KillerApp",
        "Version": "3.0",
        "ReleaseChannel": "release",
        "BuildID": "20261101123456",
        "ProductID": "{killer-app-guid}",
        "CrashTime": str(crash_time),
        "StartupTime": str(crash_time - rng.randrange(1, 10000)),
        "InstallTime": str(crash_time - rng.randrange(10000, 10**7)),
        "SecondsSinceLastCrash": str(rng.randrange(1, 10**6)),
        "EMCheckCompatibility": "true",
        "Add-ons": "%7B972ce4c6-7e08-4474-a285-3208198ce6fd%7D:3.0,helper%40example.org:0.4",
        "Notes": "OpenGL: Mesa -- 23.0",
        "URL": "https://example.org/page",
        "Email": "someone@example.org",
        "Comments": "it crashed",
        "submitted_timestamp": submitted.isoformat(),
        "timestamp": submitted.timestamp(),
        "uuid": crash_id,
        "legacy_processing": 0,
        "throttle_rate": 100,
        "type_tag": "bp",
    }
    if with_dump:
        raw["json_dump"] = json_dump(rng)
    raw.update(extra)
    return raw
