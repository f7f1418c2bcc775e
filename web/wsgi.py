"""WSGI entry points for gunicorn (or any WSGI server).

``web.wsgi:collector``: the collector alone (collector nodes): ``POST /submit`` and the
heartbeats. The application is built on first use in each worker process, after the server's
fork, so no connection pool crosses a fork; configuration comes from the environment and
``$CRASHSTATS_CONFIG_DIR`` as for every crashstats command.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import Any

_lock = threading.Lock()
_apps: dict[str, Callable[..., Iterable[bytes]]] = {}


def _collector_app() -> Callable[..., Iterable[bytes]]:
    with _lock:
        if "collector" not in _apps:
            from pyapp.cli.base import setup_logging
            from pyapp.config import load_config
            from web.collector import make_collector_app

            config = load_config()
            setup_logging(config["CRASHSTATS_LOG_LEVEL"])
            _apps["collector"] = make_collector_app(config)
        return _apps["collector"]


def collector(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The collector-only WSGI application."""
    return _collector_app()(environ, start_response)
