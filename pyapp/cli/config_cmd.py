"""``crashstats config``: show and check the effective configuration."""

from __future__ import annotations

import argparse

from pyapp.cli.base import Context, mask_url, out
from pyapp.config import SETTINGS


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "config",
        help="show or check the configuration",
        description="`config show` prints every setting that is not at its default and where it "
        "came from (secrets masked); `config check` only validates; `config list` lists every key.",
    )
    sub = parser.add_subparsers(dest="config_command", metavar="ACTION", parser_class=type(parser))
    sub.required = True
    sub.add_parser("show", help="effective settings and their sources").set_defaults(func=show)
    sub.add_parser("check", help="validate the configuration; exit non-zero on error").set_defaults(
        func=check
    )
    sub.add_parser("list", help="every setting crashstats knows, with its meaning").set_defaults(
        func=list_keys
    )


def show(ctx: Context) -> int:
    config = ctx.config
    out(f"configuration directory: {config.config_dir or '(none)'}")
    for key, value, source in config.describe():
        out(f"{key} = {value}    # {source}")
    url = ctx.database_url(required=False)
    out(f"database: {mask_url(url) if url else '(none: run `crashstats db start`)'}")
    return 0


def check(ctx: Context) -> int:
    ctx.config  # noqa: B018 (loading validates)
    out("configuration OK")
    return 0


def list_keys(ctx: Context) -> int:
    for setting in SETTINGS:
        names = " / ".join((setting.name, *setting.aliases))
        note = " (accepted, no effect)" if setting.ignored else ""
        out(f"{names} [{setting.kind}]: {setting.help}{note}")
    return 0
