"""``crashstats makesuperuser EMAIL``: the seed's "Becoming a superuser"."""

from __future__ import annotations

import argparse

from pyapp import accounts
from pyapp.cli.base import Context, out
from pyapp.db import Database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "makesuperuser",
        help="make a user a superuser (creating the account when missing)",
        description="Promote the account with this e-mail address to superuser; it may then manage "
        "other users, groups, products, releases and featured versions at /admin/. When there is no "
        "such account it is created, and its one-time password is printed once: sign in with it and "
        "change it at /account/password/.",
    )
    parser.add_argument("email", help="the e-mail address of the account")
    parser.set_defaults(func=run)


def run(ctx: Context) -> int:
    url = ctx.database_url()
    assert url is not None
    with Database(url, component="makesuperuser", min_size=1, max_size=1) as db, db.transaction() as conn:
        user_id, password = accounts.make_superuser(conn, ctx.args.email)
    if password is None:
        out(f"{ctx.args.email} (user {user_id}) is a superuser")
    else:
        out(f"created {ctx.args.email} (user {user_id}) as a superuser")
        out(f"one-time password (shown once; change it at /account/password/): {password}")
    return 0
