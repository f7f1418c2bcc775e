"""The processor's configuration: the seed's processor.conf keys, resolved.

``processor__processor_class`` names the algorithm; Socorro's
``socorro.processor.mozilla_processor_2015.MozillaProcessorAlgorithm2015`` is an alias of
:class:`pyapp.processor.algorithm.MozillaProcessorAlgorithm2015` (the default), and any
importable subclass of :class:`pyapp.processor.algorithm.ProcessorAlgorithm` may be named.

``destination__crashstorage_class`` is a single store or ``PolyCrashStorage``, whose stores are
``destination__storage_classes`` (a comma-separated list) with
``destination__storageN__crashstorage_class`` setting (or overriding) the N-th. Socorro's class
paths are aliases of ours; PostgreSQL is always the first store, whether listed or not.
Anything else (HBase, RabbitMQ, an unknown class) stops the processor with one line naming
the key.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from dataclasses import dataclass, field

from pyapp.config import Config
from pyapp.errors import ConfigError
from pyapp.processor.algorithm import MozillaProcessorAlgorithm2015, ProcessorAlgorithm
from pyapp.processor.elasticsearch import ElasticsearchCrashStorage
from pyapp.processor.storage import (
    CrashStorage,
    FSPermanentStorage,
    PolyCrashStorage,
    PostgreSQLCrashStorage,
    S3CrashStorage,
)

ALGORITHM_KEY = "processor__processor_class"
TOP_KEY = "destination__crashstorage_class"
LIST_KEY = "destination__storage_classes"
NTH_KEY = re.compile(r"^destination__storage(\d+)__crashstorage_class$")

ALGORITHM_ALIASES = {
    "socorro.processor.mozilla_processor_2015.MozillaProcessorAlgorithm2015": MozillaProcessorAlgorithm2015,
    "pyapp.processor.algorithm.MozillaProcessorAlgorithm2015": MozillaProcessorAlgorithm2015,
}

OPTIONAL_STORES: tuple[type[CrashStorage], ...] = (
    FSPermanentStorage,
    S3CrashStorage,
    ElasticsearchCrashStorage,
)
POSTGRES = "postgresql"
POLY = "poly"

_FS_LAYOUT = "only the FSPermanentStorage layout is written"
NOT_SUPPORTED = {
    "socorro.external.hb.crashstorage.HBaseCrashStorage": "HBase is not supported; use S3 or the filesystem",
    "socorro.external.rabbitmq.crashstorage.RabbitMQCrashStorage": (
        "the processing queue is the processing_queue table; no RabbitMQ"
    ),
    "socorro.external.fs.crashstorage.FSRadixTreeStorage": _FS_LAYOUT,
    "socorro.external.fs.crashstorage.FSDatedRadixTreeStorage": _FS_LAYOUT,
    "socorro.external.fs.crashstorage.FSTemporaryStorage": _FS_LAYOUT,
}


def _path(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _store_names() -> dict[str, str | type[CrashStorage]]:
    names: dict[str, str | type[CrashStorage]] = {}
    for cls in (PostgreSQLCrashStorage, PolyCrashStorage):
        kind = POSTGRES if cls is PostgreSQLCrashStorage else POLY
        for name in (_path(cls), *cls.socorro_names):
            names[name] = kind
    for store in OPTIONAL_STORES:
        for name in (_path(store), *store.socorro_names):
            names[name] = store
    return names


def _import(path: str, key: str) -> object:
    module_name, _, attribute = path.rpartition(".")
    if not module_name:
        raise ConfigError(f"{key}: {path!r} is not a dotted.path.ClassName")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise ConfigError(f"{key}: cannot import {module_name} for {path} ({exc})") from None
    if not hasattr(module, attribute):
        raise ConfigError(f"{key}: {module_name} has no {attribute}")
    return getattr(module, attribute)


def resolve_algorithm(config: Config) -> type[ProcessorAlgorithm]:
    path = (config[ALGORITHM_KEY] or "").strip()
    if not path:
        return MozillaProcessorAlgorithm2015
    if path in ALGORITHM_ALIASES:
        return ALGORITHM_ALIASES[path]
    cls = _import(path, ALGORITHM_KEY)
    if not (isinstance(cls, type) and issubclass(cls, ProcessorAlgorithm)):
        raise ConfigError(
            f"{ALGORITHM_KEY}: {path} is not a processor algorithm",
            hint="use socorro.processor.mozilla_processor_2015.MozillaProcessorAlgorithm2015",
        )
    return cls


def _resolve_store(path: str, key: str) -> str | type[CrashStorage]:
    path = path.strip()
    known = _store_names()
    if path in known:
        return known[path]
    if path in NOT_SUPPORTED:
        raise ConfigError(f"{key}: {path}: {NOT_SUPPORTED[path]}")
    cls = _import(path, key)
    if isinstance(cls, type) and issubclass(cls, CrashStorage) and cls.destination:
        return cls
    raise ConfigError(f"{key}: {path} is not a crash storage class")


def resolve_stores(config: Config) -> list[type[CrashStorage]]:
    """The optional stores, in the configured order (PostgreSQL is implied)."""
    chosen: dict[int, tuple[str, str]] = {}
    for index, path in enumerate(config[LIST_KEY] or []):
        chosen[index] = (path, LIST_KEY)
    for key, path in config.extra.items():
        match = NTH_KEY.match(key)
        if match and path:
            chosen[int(match[1])] = (path, key)
    top = config[TOP_KEY]
    if top:
        kind = _resolve_store(top, TOP_KEY)
        if kind != POLY:
            chosen = {0: (top, TOP_KEY)}
    stores: list[type[CrashStorage]] = []
    for index in sorted(chosen):
        path, key = chosen[index]
        kind = _resolve_store(path, key)
        if kind == POSTGRES:
            continue
        if kind == POLY:
            raise ConfigError(f"{key}: PolyCrashStorage cannot be one of its own stores")
        assert isinstance(kind, type)
        if kind not in stores:
            stores.append(kind)
    return stores


@dataclass
class ProcessorSettings:
    """Everything a worker needs, resolved once (no connections: safe to fork)."""

    config: Config
    algorithm: type[ProcessorAlgorithm]
    stores: list[type[CrashStorage]] = field(default_factory=list)
    batch: int = 8
    #: claims grow up to this many crashes, holding about batch_seconds of work
    batch_max: int = 64
    batch_seconds: float = 0.5
    poll: float = 5.0
    lease: dt.timedelta = dt.timedelta(seconds=300)
    retry_delay: dt.timedelta = dt.timedelta(seconds=60)
    max_attempts: int = 3
    delivery_delay: dt.timedelta = dt.timedelta(seconds=600)
    #: seconds between a worker's calls of update_reports_live (0: never)
    live_interval: float = 30.0

    @classmethod
    def from_config(cls, config: Config) -> ProcessorSettings:
        def positive(key: str) -> float:
            value = config[key]
            if value <= 0:
                raise ConfigError(f"{key}: must be more than 0, not {value}")
            return value

        return cls(
            config=config,
            algorithm=resolve_algorithm(config),
            stores=resolve_stores(config),
            batch=int(positive("CRASHSTATS_PROCESSOR_BATCH")),
            batch_max=int(positive("CRASHSTATS_PROCESSOR_BATCH_MAX")),
            batch_seconds=float(positive("CRASHSTATS_PROCESSOR_BATCH_SECONDS")),
            poll=float(positive("CRASHSTATS_PROCESSOR_POLL")),
            lease=dt.timedelta(seconds=positive("CRASHSTATS_PROCESSOR_LEASE")),
            retry_delay=dt.timedelta(seconds=config["CRASHSTATS_PROCESSOR_RETRY_DELAY"]),
            max_attempts=int(positive("CRASHSTATS_PROCESSOR_MAX_ATTEMPTS")),
            delivery_delay=dt.timedelta(seconds=config["CRASHSTATS_PROCESSOR_DELIVERY_DELAY"]),
            live_interval=max(0.0, float(config["CRASHSTATS_REPORTS_LIVE_INTERVAL"])),
        )

    def crash_storage(self) -> PolyCrashStorage:
        """New store objects (each worker makes its own, after forking)."""
        return PolyCrashStorage(
            PostgreSQLCrashStorage(self.delivery_delay), [store(self.config) for store in self.stores]
        )
