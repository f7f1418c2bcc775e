"""WSGI entry points for gunicorn (or any WSGI server).

``web.wsgi:application``: the whole site (pages, JSON/CSV twins, Super Search API, static
files) with the collector's ``POST /submit`` merged in. ``web.wsgi:collector``: the collector
alone (collector nodes): ``POST /submit`` and the heartbeats. Each application is built on
first use in each worker process, after the server's fork, so no connection pool crosses a
fork; configuration comes from the environment and ``$CRASHSTATS_CONFIG_DIR`` as for every
crashstats command.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable
from typing import Any

_lock = threading.Lock()
_apps: dict[str, Callable[..., Iterable[bytes]]] = {}


def _build(name: str) -> Callable[..., Iterable[bytes]]:
    with _lock:
        if name not in _apps:
            from pyapp.cli.base import setup_logging
            from pyapp.config import load_config

            config = load_config()
            setup_logging(config["CRASHSTATS_LOG_LEVEL"], config["CRASHSTATS_LOG_FORMAT"])
            from pyapp import metrics

            metrics.configure(config)
            from pyapp import db

            db.configure(config)
            if name == "collector":
                from web.collector import make_collector_app

                _apps[name] = make_collector_app(config)
            else:
                from web.app import make_app

                _apps[name] = make_app(config)
            # what was made so far (modules, the app) lives as long as the worker: keep it out
            # of the garbage collector's passes, which otherwise walk it again and again
            gc.freeze()
        return _apps[name]


def collector(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The collector-only WSGI application."""
    return _build("collector")(environ, start_response)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The whole site, the collector included."""
    return _build("application")(environ, start_response)
