"""What every subcommand shares: the argument parser, the context, output helpers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

from pyapp.config import Config, load_config, mask_url
from pyapp.errors import ConfigError, UsageError

__all__ = ["ArgumentParser", "Context", "mask_url", "out", "setup_logging", "whole_number"]


class ArgumentParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line: ``crashstats db: error: ... (see --help)``."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(UsageError.exit_code)


@dataclass
class Context:
    """Parsed arguments plus the configuration, loaded on first use."""

    args: argparse.Namespace
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(config_dir=getattr(self.args, "config_dir", None))
        return self._config

    def database_url(self, *, required: bool = True) -> str | None:
        from pyapp.embedded import resolve_database_url

        url = resolve_database_url(self.config)
        if url is None and required:
            raise ConfigError(
                "no database configured and the embedded PostgreSQL was never started",
                hint="run `crashstats db start`, or set DATABASE_URL",
            )
        return url


def whole_number(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least ``minimum``, or a one-line usage error."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be {minimum} or more, got {value}")
        return value

    return parse


def out(message: str = "") -> None:
    """Command output (stdout), as opposed to log lines (stderr)."""
    print(message, flush=True)


def setup_logging(level: str, fmt: str = "text") -> None:
    """Readable lines on stderr, or JSON lines (``CRASHSTATS_LOG_FORMAT=json``): pyapp.logs."""
    from pyapp import logs

    logs.setup(level, fmt)
