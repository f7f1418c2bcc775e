"""``crashstats serve``: run the web applications under gunicorn."""

from __future__ import annotations

import argparse
import os
from typing import Any

from pyapp.cli.base import Context, out
from pyapp.errors import ConfigError, UsageError

#: what `serve` runs: the collector alone, and the whole site (pages, API, the collector)
COLLECTOR_APP = "web.wsgi:collector"
FULL_APP = "web.wsgi:application"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="run the WSGI application under gunicorn",
        description="Run the WSGI application under gunicorn in the foreground: the whole site "
        "(web.wsgi:application: the Crash-Stats pages, their JSON/CSV twins, Super Search and its "
        "API, and the collector's POST /submit). --collector-only serves the collector alone, for "
        "collector nodes (web.wsgi:collector).",
    )
    parser.add_argument(
        "--collector-only",
        action="store_true",
        help="serve the collector alone: POST /submit, /__lbheartbeat__, /__heartbeat__",
    )
    parser.add_argument(
        "--bind", default="127.0.0.1:8000", help="HOST:PORT or unix:PATH (default %(default)s)"
    )
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default %(default)s)")
    parser.add_argument(
        "--threads", type=int, default=1, help="threads per worker; above 1 uses gthread workers (default 1)"
    )
    parser.add_argument("--timeout", type=int, default=60, help="seconds before a stuck worker is restarted")
    parser.add_argument("--access-log", action="store_true", help="log every request (to stderr)")
    parser.set_defaults(func=serve)


def gunicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    if args.workers < 1 or args.threads < 1:
        raise UsageError("--workers and --threads must be at least 1")
    options: dict[str, Any] = {
        "bind": [args.bind],
        "workers": args.workers,
        "threads": args.threads,
        "worker_class": "gthread" if args.threads > 1 else "sync",
        "timeout": args.timeout,
        "graceful_timeout": 30,
        # Breakpad/Crashpad clients send one crash per connection
        "keepalive": 2,
        "proc_name": "crashstats-collector" if args.collector_only else "crashstats-web",
        "errorlog": "-",
        # no runtime control socket: several instances may run on one machine
        "control_socket_disable": True,
    }
    if args.access_log:
        options["accesslog"] = "-"
    return options


def serve(ctx: Context) -> int:
    args = ctx.args
    config = ctx.config  # validate before forking workers
    if ctx.database_url(required=False) is None:
        raise ConfigError(
            "no database configured and the embedded PostgreSQL was never started",
            hint="run `crashstats up`, or set DATABASE_URL",
        )
    from pyapp.dumpstore import open_dump_store
    from pyapp.throttler import load_rules

    load_rules(config["CRASHSTATS_THROTTLE_RULES"])
    open_dump_store(config).check()
    if config.config_dir is not None:
        os.environ["CRASHSTATS_CONFIG_DIR"] = str(config.config_dir)

    from gunicorn.app.base import BaseApplication

    target = COLLECTOR_APP if args.collector_only else FULL_APP
    options = gunicorn_options(args)

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from gunicorn.util import import_app

            return import_app(target)

    out(f"crashstats: serving {target} on {args.bind} ({args.workers} workers)")
    Server().run()
    return 0
