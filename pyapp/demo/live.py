"""Live demo crashes: crash reports sent to a running collector (``POST /submit``), so the demo
shows the whole pipeline working: collector, queue, processor, signatures, pages.

Each report is a KillerApp crash of the current release with a small placeholder dump and a
ready stackwalker output (``json_dump`` in the JSON ``extra`` part, rust-minidump's shape), so
no stackwalking is needed: the processor takes the supplied ``json_dump`` and runs every other
rule and siggen on it. Crashing frames come from a small pool of functions with Zipf's law, so
a few signatures dominate as in real data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Iterator
from typing import Any

from pyapp.dumpstore import MAIN_DUMP
from pyapp.submitter import Crash

PLACEHOLDER_DUMP = b"MDMP\x93\xa7\x00\x00" + bytes(56)

FUNCTIONS = [
    "mozilla::dom::Element::SetAttr",
    "js::gc::GCRuntime::collect",
    "nsCycleCollector::ScanRoots",
    "mozilla::layers::CompositorBridgeParent::RecvFlush",
    "mozilla::net::HttpChannelChild::OnStartRequest",
    "nsDocShell::InternalLoad",
    "js::jit::BaselineCompiler::emitBody",
    "mozilla::gfx::DrawTargetSkia::Fill",
    "nsGlobalWindowInner::RunTimeoutHandler",
    "mozilla::ipc::MessageChannel::Send",
    "nsThread::ProcessNextEvent",
    "mozilla::SpinEventLoopUntil",
]
#: frames below the crashing function, the same in every crash (siggen skips none of them)
CALLERS = [
    "nsThread::ProcessNextEvent",
    "mozilla::ipc::MessagePumpForChildProcess::Run",
    "XRE_InitChildProcess",
]
_WEIGHTS = list(itertools.accumulate(1 / (k + 1) for k in range(len(FUNCTIONS))))


def json_dump(rng: random.Random) -> dict[str, Any]:
    """A small stackwalker output: one crashing thread of 4 symbolicated frames."""
    (top,) = rng.choices(FUNCTIONS, cum_weights=_WEIGHTS)
    names = [top, *CALLERS]
    module = {
        "base_addr": "0x00007f0000000000",
        "end_addr": "0x00007f0001000000",
        "debug_file": "libxul.so",
        "debug_id": "0123456789ABCDEF0123456789ABCDEF0",
        "filename": "libxul.so",
        "code_id": "0123456789abcdef",
        "version": "40.0",
        "loaded_symbols": True,
        "missing_symbols": False,
        "corrupt_symbols": False,
    }
    frames = [
        {
            "frame": n,
            "module": "libxul.so",
            "function": name,
            "function_offset": f"0x{rng.randrange(16, 4096):x}",
            "file": f"hg:hg.mozilla.org/releases/mozilla-release:{name.split('::')[0]}.cpp:abcdef",
            "line": rng.randrange(10, 5000),
            "module_offset": f"0x{rng.randrange(0x1000, 0xFFFFFF):x}",
            "offset": f"0x{0x7F0000000000 + rng.randrange(0x1000, 0xFFFFFF):x}",
            "trust": "context" if n == 0 else "cfi",
            "missing_symbols": False,
        }
        for n, name in enumerate(names)
    ]
    thread = {"frame_count": len(frames), "frames": frames, "thread_name": "Main Thread"}
    return {
        "status": "OK",
        "crash_info": {"type": "SIGSEGV / SEGV_MAPERR", "address": "0x0", "crashing_thread": 0},
        "crashing_thread": {**thread, "threads_index": 0, "total_frames": len(frames)},
        "system_info": {
            "os": "Linux",
            "os_ver": "6.1.0 #1 SMP Debian 6.1.0 x86_64",
            "cpu_arch": "amd64",
            "cpu_info": "GenuineIntel family 6 model 158 stepping 10",
            "cpu_count": 8,
        },
        "main_module": 0,
        "modules": [module],
        "thread_count": 1,
        "threads": [thread],
    }


def crashes(count: int, *, seed: int = 1, now: dt.datetime | None = None) -> Iterator[Crash]:
    """``count`` crash reports of KillerApp 40.0 (release), sent as JSON annotations."""
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.UTC)
    for _ in range(count):
        crash_time = int(now.timestamp()) - rng.randrange(1, 600)
        annotations: dict[str, Any] = {
            "ProductName": "KillerApp",
            "Version": "40.0",
            "ReleaseChannel": "release",
            "BuildID": "20261101030000",
            "CrashTime": str(crash_time),
            "StartupTime": str(crash_time - rng.randrange(5, 20000)),
            "InstallTime": str(crash_time - rng.randrange(3600, 90 * 86400)),
            "json_dump": json_dump(rng),
        }
        yield Crash(annotations, {MAIN_DUMP: PLACEHOLDER_DUMP}, as_json=True)
