"""A real HTTP server on 127.0.0.1 answering with a Python function, for every test folder (a
pytest plugin: see tests/conftest.py): webhooks, Bugzilla, ADI sources, Elasticsearch's API
(tests/fake_elasticsearch.py), symbol servers.

``http_server(handler)`` starts one; ``handler(Request) -> Reply``; every request is recorded.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    #: header names in lower case
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Reply]


class LocalServer:
    """A real HTTP server on 127.0.0.1 answering with ``handler``; records every request."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[Request] = []
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    self.command,
                    parts.path,
                    parse_qs(parts.query),
                    {k.lower(): v for k, v in self.headers.items()},
                    body,
                )
                server.requests.append(request)
                reply = server.handler(request)
                payload = reply.body
                headers = dict(reply.headers)
                if not isinstance(payload, bytes | str):
                    payload = json.dumps(payload)
                    headers.setdefault("Content-Type", "application/json")
                data = payload.encode() if isinstance(payload, str) else payload
                self.send_response(reply.status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

            def log_message(self, *args: Any) -> None:
                return

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def http_server() -> Iterator[Callable[[Handler], LocalServer]]:
    servers: list[LocalServer] = []

    def start(handler: Handler) -> LocalServer:
        server = LocalServer(handler)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
