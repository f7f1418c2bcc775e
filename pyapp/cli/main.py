"""``crashstats``: the entry point (console script)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from pyapp import __version__, db, metrics
from pyapp.cli import (
    adi_cmd,
    config_cmd,
    crontabber_cmd,
    db_cmd,
    demo_cmd,
    partitions_cmd,
    processor_cmd,
    reports_cmd,
    reprocess_cmd,
    serve_cmd,
    setup_cmd,
    submit_cmd,
    symbols_cmd,
    tokens_cmd,
    up_cmd,
    users_cmd,
)
from pyapp.cli.base import ArgumentParser, Context, setup_logging
from pyapp.errors import CrashstatsError

log = logging.getLogger("pyapp.cli")

#: subcommand modules, in the order --help lists them (the seed's order of steps)
COMMANDS = (
    up_cmd,
    db_cmd,
    setup_cmd,
    partitions_cmd,
    serve_cmd,
    submit_cmd,
    processor_cmd,
    reprocess_cmd,
    symbols_cmd,
    crontabber_cmd,
    adi_cmd,
    reports_cmd,
    demo_cmd,
    users_cmd,
    tokens_cmd,
    config_cmd,
)


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="crashstats",
        description="crashstats: crash reporting on PostgreSQL (collector, processor, reports, web).",
        epilog="Configuration comes from the environment and from *.conf files in --config-dir "
        "(KEY='value' lines, as in the seed's socorro-config folder).",
    )
    parser.add_argument("--version", action="version", version=f"crashstats {__version__}")
    parser.add_argument(
        "--config-dir", metavar="DIR", help="directory of *.conf files (default $CRASHSTATS_CONFIG_DIR)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debugging detail")
    parser.add_argument("-q", "--quiet", action="store_true", help="log warnings and errors only")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    subparsers.required = True
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def _split_psql_arguments(argv: list[str]) -> tuple[list[str], list[str]]:
    """``crashstats [opts] db psql ARGS...``: everything after ``psql`` goes to psql untouched."""
    for i in range(len(argv) - 1):
        if argv[i] == "db" and argv[i + 1] == "psql":
            rest = argv[i + 2 :]
            if rest in (["-h"], ["--help"]):
                return argv, []
            return argv[: i + 2], rest
    return argv, []


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    argv, passthrough = _split_psql_arguments(list(sys.argv[1:] if argv is None else argv))
    args = parser.parse_args(argv)
    if passthrough:
        args.psql_args = passthrough
    ctx = Context(args)
    level = "DEBUG" if args.verbose else "WARNING" if args.quiet else None
    try:
        setup_logging(level or ctx.config["CRASHSTATS_LOG_LEVEL"], ctx.config["CRASHSTATS_LOG_FORMAT"])
        metrics.configure(ctx.config)
        db.configure(ctx.config)
        return int(args.func(ctx) or 0)
    except CrashstatsError as exc:
        sys.stderr.write(f"crashstats: error: {exc}\n")
        log.debug("details", exc_info=True)
        return exc.exit_code
    except KeyboardInterrupt:
        sys.stderr.write("crashstats: interrupted\n")
        return 130


if __name__ == "__main__":
    sys.exit(main())
