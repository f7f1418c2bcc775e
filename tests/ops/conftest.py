"""Fixtures of the operations tests: a statsd listener (a real UDP socket) and helpers that run
crashstats commands with a given environment."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyapp.schema import ROOT

OUR_PREFIXES = ("CRASHSTATS_", "DATABASE_", "AWS_", "filesystem__", "resource__", "secrets__", "CACHE_")


class StatsdListener:
    """A UDP socket on 127.0.0.1 that keeps every statsd line it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.lines: list[str] = []

    def drain(self) -> list[str]:
        while True:
            try:
                data = self.sock.recv(65536)
            except TimeoutError:
                return self.lines
            self.lines.extend(line for line in data.decode().split("\n") if line)

    def wait_for(self, predicate, timeout: float = 20) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.drain()
            if predicate(self.lines):
                return self.lines
        raise AssertionError(f"statsd lines never matched; got {self.lines}")

    def counter(self, name: str) -> int:
        """Sum of the counter ``name`` (``name:N|c`` lines) received so far."""
        total = 0
        for line in self.lines:
            metric, _, rest = line.partition(":")
            value, _, kind = rest.partition("|")
            if metric == name and kind.startswith("c"):
                total += int(value)
        return total


@pytest.fixture
def statsd() -> Iterator[StatsdListener]:
    listener = StatsdListener()
    try:
        yield listener
    finally:
        listener.sock.close()


def clean_env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(OUR_PREFIXES)}
    env.update({k: str(v) for k, v in settings.items()})
    return env


def crashstats(
    *args: str, env: dict[str, str], timeout: float = 300, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pyapp.cli.main", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
