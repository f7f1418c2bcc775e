"""TCP servers that hang, standing in for a dependency that accepts connections and never answers.

* :class:`BlackHole`: accepts every connection, reads what is sent, answers nothing (a hung
  S3, symbol server, webhook, memcached).
* :class:`HangingProxy`: forwards to a real server (PostgreSQL) until ``hang()``; from then on
  new connections are accepted and never forwarded, and the bytes of open ones are swallowed
  both ways (the server looks alive at the TCP level and never answers); ``resume()`` forwards
  new connections again.

Both run in threads of the test process on 127.0.0.1 and are closed by ``close()`` (or ``with``).
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import threading
from typing import Any


class _Server:
    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port: int = self._listener.getsockname()[1]
        self._closed = threading.Event()
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        #: connections accepted so far
        self.accepted = 0
        self._thread = threading.Thread(target=self._accept_loop, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            self._keep(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        raise NotImplementedError

    def _swallow(self, sock: socket.socket) -> None:
        """Read and drop everything until the peer closes."""
        with contextlib.suppress(OSError):
            while not self._closed.is_set() and sock.recv(65536):
                pass

    def close(self) -> None:
        self._closed.set()
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class BlackHole(_Server):
    """Accepts, reads, never answers."""

    def _serve(self, client: socket.socket) -> None:
        self._swallow(client)


class HangingProxy(_Server):
    """A TCP proxy to ``(host, port)`` that can be made to hang (see the module docstring)."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self._hanging = threading.Event()
        super().__init__()

    def hang(self) -> None:
        self._hanging.set()

    def resume(self) -> None:
        self._hanging.clear()

    def _serve(self, client: socket.socket) -> None:
        if self._hanging.is_set():
            self._swallow(client)
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        self._keep(upstream)
        peers = {client: upstream, upstream: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                selector.register(sock, selectors.EVENT_READ)
            while not self._closed.is_set():
                for key, _ in selector.select(timeout=0.2):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    try:
                        data = source.recv(65536)
                    except OSError:
                        data = b""
                    if not data:
                        for sock in peers:
                            with contextlib.suppress(OSError):
                                sock.close()
                        return
                    if not self._hanging.is_set():  # hanging: swallowed, both ways
                        with contextlib.suppress(OSError):
                            peers[source].sendall(data)
