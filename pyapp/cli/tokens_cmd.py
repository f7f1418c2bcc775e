"""``crashstats tokens``: API tokens for scripts and CI (create, list, revoke)."""

from __future__ import annotations

import argparse

from pyapp import accounts
from pyapp.cli.base import Context, out
from pyapp.db import Database
from pyapp.errors import NotFound, UsageError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "tokens",
        help="create, list and revoke API tokens",
        description="API tokens are sent as the Auth-Token header (crashstats-tools: "
        "CRASHSTATS_API_TOKEN). A token holds a subset of its user's permissions; only its hash is "
        "stored, so `create` prints it once.",
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    create = verbs.add_parser("create", help="create a token and print it once")
    create.add_argument("--user", required=True, metavar="EMAIL", help="the token's user")
    create.add_argument(
        "--permission",
        action="append",
        default=[],
        metavar="NAME",
        help="a permission of the user the token holds (repeat for more)",
    )
    create.add_argument(
        "--days", type=int, default=None, metavar="N", help="days until it expires (default 90)"
    )
    create.add_argument("--notes", default="", help="what the token is for")
    listing = verbs.add_parser("list", help="a user's tokens (no secrets)")
    listing.add_argument("--user", required=True, metavar="EMAIL")
    revoke = verbs.add_parser("revoke", help="revoke a token by id")
    revoke.add_argument("token_id", type=int, metavar="ID")
    parser.set_defaults(func=run)


def run(ctx: Context) -> int:
    args = ctx.args
    url = ctx.database_url()
    assert url is not None
    with Database(url, component="tokens", min_size=1, max_size=1) as db, db.transaction() as conn:
        if args.verb == "revoke":
            owner = conn.execute(
                "SELECT user_id FROM api_token_list WHERE id = %(id)s", {"id": args.token_id}
            ).fetchone()
            if (
                owner is None
                or not conn.execute(
                    "SELECT api_token_revoke(%(u)s, %(id)s) AS done",
                    {"u": owner["user_id"], "id": args.token_id},
                ).fetchone()["done"]
            ):
                raise NotFound(
                    f"no active token {args.token_id}", hint="see `crashstats tokens list --user EMAIL`"
                )
            out(f"token {args.token_id} revoked")
            return 0
        user_id = accounts.user_id_for(conn, args.user)
        if user_id is None:
            raise NotFound(
                f"no user {args.user}", hint="create it at /admin/users/ or with crashstats makesuperuser"
            )
        if args.verb == "list":
            for row in conn.execute(
                "SELECT id, permissions, notes, expires_at, state FROM api_token_list"
                " WHERE user_id = %(u)s ORDER BY id",
                {"u": user_id},
            ).fetchall():
                out(
                    f"{row['id']}\t{row['state']}\texpires {row['expires_at']:%Y-%m-%d %H:%M}Z\t"
                    f"{','.join(row['permissions']) or '-'}\t{row['notes']}"
                )
            return 0
        days = args.days if args.days is not None else int(ctx.config["CRASHSTATS_API_TOKEN_DAYS"])
        if days < 1:
            raise UsageError("--days must be 1 or more")
        token_id, token = accounts.create_token(conn, user_id, args.permission, days, args.notes)
    out(f"token {token_id} for {args.user}, expires in {days} days (shown once):")
    out(token)
    return 0
