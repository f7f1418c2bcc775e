"""Elasticsearch crash storage (Socorro's ESCrashStorage / ESCrashStorageRedactedSave).

Each processed crash becomes the document ``{crash_id, processed_crash, raw_crash}`` with
``_id`` = crash ID, in the weekly index ``date_processed.strftime(pattern)``
(``resource__elasticsearch__elasticsearch_index``, default ``socorro%Y%W``), sent with the
bulk API, a batch per request. An index is created on demand with the mapping generated from
the Super Search field definitions (``supersearch_fields.json``: Socorro's
``scripts/data/supersearch_fields.json``, MPL-2.0): each field's ``storage_mapping`` under its
namespace, translated to today's Elasticsearch types (``string`` not analyzed -> ``keyword``,
analyzed -> ``text``, ``multi_field`` -> a field with sub-fields). Fields not defined there are
kept in ``_source`` but not indexed (``dynamic: false``), so arbitrary annotations cannot
explode the mapping; malformed values (a build id that is not a number) are ignored rather
than refusing the document.

The document leaves out the stackwalker output (``json_dump``, also of the extra dumps, and the
memory report) and personal data: the processed crash's email, url, user comments and user id,
and the raw crash's protected annotations (the protected_annotations table).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import psycopg

from pyapp.config import Config
from pyapp.db import wrap_exceptions
from pyapp.errors import ConfigError
from pyapp.processor.storage import CrashStorage, StoredCrash
from pyapp.queries import QUERIES

log = logging.getLogger(__name__)

FIELDS_FILE = Path(__file__).with_name("supersearch_fields.json")
NAMESPACES = ("processed_crash", "raw_crash")
#: processed crash fields holding personal data (from the protected annotations)
PROCESSED_PII = ("email", "url", "user_comments", "user_id")
#: processed crash fields too large to index
PROCESSED_LARGE = ("json_dump", "memory_report")
KEYWORD_IGNORE_ABOVE = 10000


def _modern(mapping: Mapping[str, Any], name: str) -> dict[str, Any]:
    """One 2015 (Elasticsearch 1.x) storage_mapping in today's terms."""
    kind = mapping.get("type")
    if kind == "multi_field":
        subfields = dict(mapping.get("fields") or {})
        main = subfields.pop(name, None) or {"type": "string"}
        result = _modern(main, name)
        result["fields"] = {sub: _modern(spec, sub) for sub, spec in subfields.items()}
        return result
    if kind == "string" or (kind is None and "properties" not in mapping):
        exact = mapping.get("analyzer") == "keyword" or mapping.get("index") == "not_analyzed"
        result = {"type": "keyword", "ignore_above": KEYWORD_IGNORE_ABOVE} if exact else {"type": "text"}
        if mapping.get("fields"):
            result["fields"] = {sub: _modern(spec, sub) for sub, spec in mapping["fields"].items()}
        return result
    if kind == "object" or "properties" in mapping:
        result = {"type": "object"}
        if "dynamic" in mapping:
            result["dynamic"] = str(mapping["dynamic"]).lower() == "true"
        result["properties"] = {sub: _modern(spec, sub) for sub, spec in mapping["properties"].items()}
        return result
    if kind == "date":
        return {"type": "date"}  # ISO 8601 with offset: the default format
    result = {"type": kind}
    if "null_value" in mapping:
        result["null_value"] = mapping["null_value"]
    return result


@cache
def index_body() -> dict[str, Any]:
    """settings and mappings of a crash index, from the Super Search field definitions."""
    fields = json.loads(FIELDS_FILE.read_text(encoding="utf-8"))
    namespaces: dict[str, dict[str, Any]] = {ns: {} for ns in NAMESPACES}
    for field in fields.values():
        namespace, name = field.get("namespace"), field.get("in_database_name")
        mapping = field.get("storage_mapping")
        if namespace in namespaces and name and mapping and name not in namespaces[namespace]:
            namespaces[namespace][name] = _modern(mapping, name)
    properties: dict[str, Any] = {"crash_id": {"type": "keyword"}}
    for namespace, props in namespaces.items():
        properties[namespace] = {"type": "object", "dynamic": False, "properties": props}
    return {
        "settings": {"index": {"mapping": {"ignore_malformed": True}}},
        "mappings": {"dynamic": False, "properties": properties},
    }


def redact_processed(processed: Mapping[str, Any]) -> dict[str, Any]:
    """The processed crash without personal data and stackwalker output."""
    doc = {k: v for k, v in processed.items() if k not in PROCESSED_PII and k not in PROCESSED_LARGE}
    for name in processed.get("additional_minidumps") or ():
        extra = doc.get(name)
        if isinstance(extra, dict):
            doc[name] = {k: v for k, v in extra.items() if k != "json_dump"}
    return doc


def redact_raw(raw: Mapping[str, Any] | None, protected: Iterable[str]) -> dict[str, Any]:
    """The raw crash without its protected annotations (case-insensitive) and json_dump."""
    hidden = {name.lower() for name in protected} | {"json_dump"}
    return {k: v for k, v in (raw or {}).items() if k.lower() not in hidden}


class ElasticsearchCrashStorage(CrashStorage):
    destination = "elasticsearch"
    socorro_names = (
        "socorro.external.es.crashstorage.ESCrashStorage",
        "socorro.external.es.crashstorage.ESCrashStorageRedactedSave",
        "socorro.external.es.crashstorage.ESCrashStorageRedactedJsonDump",
        "socorro.external.es.crashstorage.ESBulkCrashStorage",
    )

    def __init__(self, config: Config, client: Any = None) -> None:
        super().__init__(config)
        urls = list(config["resource__elasticsearch__elasticsearch_urls"])
        if not urls and client is None:
            raise ConfigError(
                "ELASTICSEARCH_URL: the Elasticsearch crash storage needs a server",
                hint="set ELASTICSEARCH_URL (resource__elasticsearch__elasticsearch_urls)",
            )
        self.pattern = str(config["resource__elasticsearch__elasticsearch_index"])
        self.timeout = float(config["CRASHSTATS_HTTP_TIMEOUT"])
        self._urls = urls
        self._client = client
        self._indices: set[str] = set()
        self.protected: list[str] = []

    @property
    def client(self) -> Any:
        if self._client is None:
            from elasticsearch import Elasticsearch

            self._client = Elasticsearch(self._urls, request_timeout=self.timeout)
        return self._client

    def prepare(self, conn: psycopg.Connection) -> None:
        with wrap_exceptions():
            rows = conn.execute(QUERIES["protected_annotation_names"]).fetchall()
        self.protected = [row["annotation"] for row in rows]

    def index_name(self, date_processed: dt.datetime) -> str:
        return date_processed.astimezone(dt.UTC).strftime(self.pattern)

    def document(self, crash: StoredCrash) -> dict[str, Any]:
        return {
            "crash_id": crash.crash_id,
            "processed_crash": redact_processed(crash.processed),
            "raw_crash": redact_raw(crash.raw_crash, self.protected),
        }

    def ensure_index(self, index: str) -> None:
        """Create the index with the crash mapping unless it exists."""
        from elasticsearch import BadRequestError

        if index in self._indices:
            return
        if not self.client.indices.exists(index=index):
            body = index_body()
            try:
                self.client.indices.create(index=index, settings=body["settings"], mappings=body["mappings"])
                log.info("created Elasticsearch index %s", index)
            except BadRequestError as exc:
                if "resource_already_exists_exception" not in str(exc):
                    raise
        self._indices.add(index)

    def save_batch(self, crashes: Sequence[StoredCrash]) -> dict[str, str]:
        from elastic_transport import TransportError
        from elasticsearch import ApiError

        errors: dict[str, str] = {}
        operations: list[dict[str, Any]] = []
        for crash in crashes:
            index = self.index_name(crash.date_processed)
            try:
                self.ensure_index(index)
            except (ApiError, TransportError) as exc:
                errors[crash.crash_id] = f"index {index}: {exc}"
                continue
            operations += [{"index": {"_index": index, "_id": crash.crash_id}}, self.document(crash)]
        if not operations:
            return errors
        try:
            answer = self.client.bulk(operations=operations)
        except (ApiError, TransportError) as exc:
            for op in operations[::2]:
                errors[op["index"]["_id"]] = f"bulk: {exc}"
            return errors
        for item in answer.get("items", []):
            result = next(iter(item.values()))
            if result.get("error") or result.get("status", 500) >= 300:
                errors[str(result.get("_id"))] = f"{result.get('status')}: {result.get('error')}"
        return errors

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
