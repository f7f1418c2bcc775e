"""memcached in front of the pages: rendered pages and JSON answers, keyed with the cache
generation (``current_cache_generation()``), so a report job or an admin edit that bumps it
makes every page read the new data, without restarting anything.

memcached down (or slow) never breaks a page: the error is logged as a warning, the page is
served uncached, and memcached is left alone for ``retry_after`` seconds before the next try.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from pymemcache.client.base import PooledClient
from pymemcache.client.hash import HashClient
from pymemcache.exceptions import MemcacheClientError, MemcacheServerError

log = logging.getLogger(__name__)


def parse_servers(locations: list[str]) -> list[tuple[str, int]]:
    """``CACHE_LOCATION`` entries (``host:port``, ``memcached://host:port``, ``host``) as pairs."""
    servers = []
    for location in locations:
        text = location.strip().removeprefix("memcached://").rstrip("/")
        if not text:
            continue
        host, _, port = text.rpartition(":") if ":" in text else (text, "", "11211")
        servers.append((host or "127.0.0.1", int(port)))
    return servers


class PageCache:
    """Get and set rendered answers; a no-op without servers."""

    def __init__(
        self,
        servers: list[tuple[str, int]],
        prefix: str,
        *,
        timeout: float = 0.25,
        retry_after: float = 5.0,
    ) -> None:
        self.prefix = prefix
        self.retry_after = retry_after
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._client: HashClient | PooledClient | None = None
        if len(servers) == 1:  # no key hashing to pick the server (a pure-Python murmur3 a get)
            self._client = PooledClient(servers[0], connect_timeout=timeout, timeout=timeout)
        elif servers:
            self._client = HashClient(
                servers,
                connect_timeout=timeout,
                timeout=timeout,
                use_pooling=True,
                retry_attempts=1,
                retry_timeout=0,
                dead_timeout=retry_after,
                ignore_exc=False,
            )

    @property
    def enabled(self) -> bool:
        return self._client is not None

    def key(self, generation: int, viewer_class: str, request_key: str) -> str:
        digest = hashlib.sha1(request_key.encode("utf-8", "surrogateescape")).hexdigest()
        return f"{self.prefix}:{generation}:{viewer_class}:{digest}"

    def _usable(self) -> bool:
        return self._client is not None and time.monotonic() >= self._down_until

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            first = time.monotonic() >= self._down_until
            self._down_until = time.monotonic() + self.retry_after
        if first:
            log.warning("memcached unavailable (%s: %s): serving pages uncached", type(exc).__name__, exc)

    def get(self, key: str) -> bytes | None:
        if not self._usable():
            return None
        assert self._client is not None
        try:
            return self._client.get(key)
        except (MemcacheClientError, MemcacheServerError) as exc:
            log.info("memcached refused get %s: %s", key, exc)
            return None
        except Exception as exc:  # connection refused, timeout, all servers dead
            self._failed(exc)
            return None

    def set(self, key: str, value: bytes, ttl: int) -> bool:
        if not self._usable():
            return False
        assert self._client is not None
        try:
            return bool(self._client.set(key, value, expire=ttl, noreply=False))
        except (MemcacheClientError, MemcacheServerError) as exc:  # e.g. larger than the item size
            log.info("memcached refused set %s (%d bytes): %s", key, len(value), exc)
            return False
        except Exception as exc:
            self._failed(exc)
            return False
