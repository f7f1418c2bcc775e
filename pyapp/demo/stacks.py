"""Demo stacks: the stackwalker output (``json_dump`` threads, frames, modules) of a demo crash,
consistent with its signature, so the crash page shows what a real crash shows.

The crashing thread's top frames are the signature's frames, in order (``a | b | c``: ``a`` on
top), below them a few callers down to the thread's entry point; markers Socorro puts in front of
a signature (``hang``, ``shutdownhang``, ``OOM | small``...) are not frames, and ``module@0x...``
frames have a module and an offset but no function. Other threads wait in the system's wait call.
Modules are the product's and the system's, per OS. Everything is a pure function of the crash
ID, so a crash's stack is the same every time.
"""

from __future__ import annotations

import hashlib
import random
import re
from typing import Any

#: signature prefixes that say what kind of crash it is, not where
_MARKERS = {"hang", "shutdownhang", "OOM", "small", "large", "NS_ABORT_OOM"}
_ADDRESS_FRAME = re.compile(r"^(?:(?P<module>[\w.+-]+))?@(?P<offset>0x[0-9a-fA-F]+)$")

#: per OS: (main library, its debug file), system modules, the thread entry frames (bottom up),
#: the call other threads wait in
_OS = {
    "Windows": {
        "main": ("xul.dll", "xul.pdb"),
        "system": [
            ("ntdll.dll", "ntdll.pdb"),
            ("kernel32.dll", "kernel32.pdb"),
            ("KERNELBASE.dll", "kernelbase.pdb"),
        ],
        "entry": [("ntdll.dll", "RtlUserThreadStart"), ("kernel32.dll", "BaseThreadInitThunk")],
        "wait": ("ntdll.dll", "NtWaitForAlertByThreadId"),
    },
    "Mac OS X": {
        "main": ("XUL", "XUL"),
        "system": [("libsystem_kernel.dylib", "libsystem_kernel.dylib"), ("libdyld.dylib", "libdyld.dylib")],
        "entry": [("libdyld.dylib", "start")],
        "wait": ("libsystem_kernel.dylib", "__psynch_cvwait"),
    },
    "Linux": {
        "main": ("libxul.so", "libxul.so"),
        "system": [("libc.so.6", "libc.so.6"), ("libpthread.so.0", "libpthread.so.0")],
        "entry": [("libc.so.6", "__libc_start_main")],
        "wait": ("libc.so.6", "futex_wait"),
    },
}

#: callers between the signature's frames and the entry point
_CALLERS = (
    "mozilla::RunScriptRunners()",
    "nsThread::ProcessNextEvent(bool, bool*)",
    "NS_ProcessNextEvent(nsIThread*, bool)",
    "mozilla::ipc::MessagePump::Run(base::MessagePump::Delegate*)",
    "MessageLoop::Run()",
    "nsBaseAppShell::Run()",
    "XRE_RunAppShell()",
    "XREMain::XRE_mainRun()",
    "XRE_main(int, char**, mozilla::BootstrapConfig const&)",
    "main",
)
_THREAD_NAMES = ("Socket Thread", "StreamTrans #1", "DOM Worker", "ImageIO", "Timer", "IPC I/O Parent")


def signature_frames(signature: str) -> list[str]:
    """The frames a signature names, top first (markers left out)."""
    parts = [p.strip() for p in signature.split(" | ")]
    while parts and (parts[0] in _MARKERS or parts[0].startswith("EMPTY:")):
        parts.pop(0)
    return [p for p in parts if p]


def _debug_id(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:32].upper() + "0"


def json_dump(
    crash_id: str, signature: str, os_name: str, cpu_name: str, reason: str, address: str
) -> dict[str, Any]:
    """The stackwalker output of a demo crash (``crash_info``, ``system_info``, ``threads``,
    ``modules``); no crashing thread for an ``EMPTY:`` signature."""
    rng = random.Random(crash_id)
    spec = _OS.get(os_name, _OS["Linux"])
    main_name, main_debug = spec["main"]
    modules: list[dict[str, Any]] = []
    bases: dict[str, int] = {}
    base = 0x7FF600000000 if os_name == "Windows" else 0x7F0000000000

    def module(name: str, debug_file: str | None = None) -> int:
        nonlocal base
        if name not in bases:
            size = 0x4000000 if name == main_name else 0x200000
            bases[name] = base
            modules.append(
                {
                    "filename": name,
                    "debug_file": debug_file or name,
                    "debug_id": _debug_id(name),
                    "code_id": _debug_id(name)[:16],
                    "version": "115.0.0.8612" if name == main_name else "10.0.19041.3636",
                    "base_addr": f"0x{base:016x}",
                    "end_addr": f"0x{base + size:016x}",
                    "loaded_symbols": True,
                    "missing_symbols": False,
                }
            )
            base += size + 0x1000000
        return bases[name]

    module(main_name, main_debug)
    for name, debug_file in spec["system"]:
        module(name, debug_file)

    def frame(
        index: int, module_name: str | None, function: str | None, trust: str, at: int | None = None
    ) -> dict[str, Any]:
        offset_in_module = rng.randrange(0x1000, 0x1FFFFF) if at is None else at
        result: dict[str, Any] = {"frame": index, "trust": trust}
        if module_name is None:
            result["offset"] = "0x0000000000000000"
            return result
        start = module(module_name)
        result.update(
            module=module_name,
            module_offset=f"0x{offset_in_module:x}",
            offset=f"0x{start + offset_in_module:016x}",
        )
        if function is not None:
            result["function"] = function
            result["function_offset"] = f"0x{rng.randrange(4, 400):x}"
            if module_name == main_name:
                result["file"] = f"hg:hg.example.org/src:{_source_file(function)}:{rng.randrange(1000, 9000)}"
                result["line"] = rng.randrange(20, 3000)
        return result

    crashing: list[dict[str, Any]] = []
    for name in signature_frames(signature):
        match = _ADDRESS_FRAME.match(name)
        if match:
            crashing.append(
                frame(
                    len(crashing),
                    match["module"],
                    None,
                    "context" if not crashing else "scan",
                    int(match["offset"], 16),
                )
            )
            continue
        owner = spec["wait"][0] if name.startswith(("WaitFor", "Nt", "__psynch", "futex")) else main_name
        crashing.append(frame(len(crashing), owner, name, "context" if not crashing else "cfi"))
    for caller in _CALLERS[rng.randrange(0, 5) :]:
        crashing.append(frame(len(crashing), main_name, caller, "cfi"))
    for module_name, function in reversed(spec["entry"]):
        crashing.append(frame(len(crashing), module_name, function, "cfi"))

    threads = [{"thread_name": "Main Thread", "frame_count": len(crashing), "frames": crashing}]
    for thread_name in rng.sample(_THREAD_NAMES, rng.randrange(2, 5)):
        frames = [frame(0, spec["wait"][0], spec["wait"][1], "context")]
        frames.append(
            frame(
                1,
                main_name,
                "mozilla::detail::ConditionVariableImpl::wait(mozilla::detail::MutexImpl&)",
                "cfi",
            )
        )
        for module_name, function in reversed(spec["entry"]):
            frames.append(frame(len(frames), module_name, function, "cfi"))
        threads.append({"thread_name": thread_name, "frame_count": len(frames), "frames": frames})

    empty = signature.startswith("EMPTY:")
    return {
        "status": "OK",
        "crash_info": {"type": reason, "address": address, "crashing_thread": None if empty else 0},
        "system_info": {"os": os_name, "cpu_arch": cpu_name},
        "main_module": 0,
        "thread_count": len(threads),
        "threads": threads,
        "modules": modules,
    }


def _source_file(function: str) -> str:
    """``mozilla::dom::Foo::Bar(int)`` -> ``dom/Foo.cpp``: a plausible source path."""
    name = function.split("(", 1)[0]
    pieces = [p for p in re.split(r"::", name) if p and p != "mozilla"]
    clean = [re.sub(r"[^A-Za-z0-9_]", "", p) or "code" for p in pieces]
    if len(clean) >= 2:
        return f"{clean[0].lower()}/{clean[-2]}.cpp"
    return f"base/{clean[0] if clean else 'code'}.cpp"
