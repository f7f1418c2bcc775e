"""The Elasticsearch endpoints crashstats uses, for a local HTTP server (no Elasticsearch can run
here). elasticsearch-cleanup: create an index (PUT /<index>), add an alias
(PUT /<index>/_alias/<alias>), list indices with their aliases (GET /<pattern>/_alias), delete an
index (DELETE /<index>), HEAD /<index>. The processor's crash storage: HEAD /<index>, PUT /<index>
with settings and mappings (kept in ``bodies``), POST /_bulk (ndjson; documents kept in ``docs``;
``bulk_status`` set makes every bulk request fail with that status), GET /<index>/_doc/<id>,
GET /<index>/_mapping. Answers carry the X-Elastic-Product header the official client checks."""

from __future__ import annotations

import fnmatch
import json
from typing import Any

from tests.http_fixtures import Reply, Request

HEADERS = {"X-Elastic-Product": "Elasticsearch", "Content-Type": "application/json"}


class FakeElasticsearch:
    def __init__(self) -> None:
        self.indices: dict[str, set[str]] = {}
        self.bodies: dict[str, dict[str, Any]] = {}
        self.docs: dict[str, dict[str, dict[str, Any]]] = {}
        self.bulk_status: int | None = None

    def _bulk(self, request: Request) -> Reply:
        if self.bulk_status is not None:
            error = {"type": "unavailable_shards_exception", "reason": "injected failure"}
            return Reply(
                self.bulk_status, {"error": {"root_cause": [error], **error}, "status": 503}, HEADERS
            )
        lines = [json.loads(line) for line in request.body.splitlines() if line.strip()]
        items = []
        for action, doc in zip(lines[::2], lines[1::2], strict=True):
            ((op, meta),) = action.items()
            index, doc_id = meta["_index"], meta["_id"]
            if index not in self.indices:
                items.append(
                    {
                        op: {
                            "_index": index,
                            "_id": doc_id,
                            "status": 404,
                            "error": {"type": "index_not_found_exception"},
                        }
                    }
                )
                continue
            created = doc_id not in self.docs.setdefault(index, {})
            self.docs[index][doc_id] = doc
            items.append(
                {
                    op: {
                        "_index": index,
                        "_id": doc_id,
                        "status": 201 if created else 200,
                        "result": "created" if created else "updated",
                    }
                }
            )
        return Reply(
            200,
            {"took": 1, "errors": any("error" in next(iter(i.values())) for i in items), "items": items},
            HEADERS,
        )

    def _missing(self, name: str) -> Reply:
        error = {"type": "index_not_found_exception", "reason": f"no such index [{name}]", "index": name}
        return Reply(404, {"error": {"root_cause": [error], **error}, "status": 404}, HEADERS)

    def __call__(self, request: Request) -> Reply:
        parts = [p for p in request.path.split("/") if p]
        if request.method in ("GET", "HEAD") and not parts:
            return Reply(200, {"version": {"number": "9.0.0"}, "tagline": "You Know, for Search"}, HEADERS)
        if request.method == "HEAD" and len(parts) == 1:
            return Reply(200 if parts[0] in self.indices else 404, b"", HEADERS)
        if request.method in ("POST", "PUT") and parts == ["_bulk"]:
            return self._bulk(request)
        if request.method == "GET" and len(parts) == 3 and parts[1] == "_doc":
            doc = self.docs.get(parts[0], {}).get(parts[2])
            if doc is None:
                return Reply(404, {"_index": parts[0], "_id": parts[2], "found": False}, HEADERS)
            return Reply(200, {"_index": parts[0], "_id": parts[2], "found": True, "_source": doc}, HEADERS)
        if request.method == "GET" and len(parts) == 2 and parts[1] == "_mapping":
            if parts[0] not in self.indices:
                return self._missing(parts[0])
            return Reply(200, {parts[0]: {"mappings": self.bodies[parts[0]].get("mappings", {})}}, HEADERS)
        if request.method == "PUT" and len(parts) == 1:
            if parts[0] in self.indices:
                return Reply(
                    400, {"error": {"type": "resource_already_exists_exception"}, "status": 400}, HEADERS
                )
            self.indices[parts[0]] = set()
            self.bodies[parts[0]] = request.json() if request.body else {}
            return Reply(200, {"acknowledged": True, "shards_acknowledged": True, "index": parts[0]}, HEADERS)
        if request.method == "PUT" and len(parts) == 3 and parts[1] in ("_alias", "_aliases"):
            if parts[0] not in self.indices:
                return self._missing(parts[0])
            self.indices[parts[0]].add(parts[2])
            return Reply(200, {"acknowledged": True}, HEADERS)
        if request.method == "GET" and parts and parts[-1] == "_alias" and len(parts) <= 2:
            pattern = parts[0] if len(parts) == 2 else "*"
            return Reply(
                200,
                {
                    name: {"aliases": {alias: {} for alias in sorted(aliases)}}
                    for name, aliases in sorted(self.indices.items())
                    if any(fnmatch.fnmatchcase(name, p) for p in pattern.split(","))
                },
                HEADERS,
            )
        if request.method == "DELETE" and len(parts) == 1:
            if parts[0] not in self.indices:
                return self._missing(parts[0])
            del self.indices[parts[0]]
            self.bodies.pop(parts[0], None)
            self.docs.pop(parts[0], None)
            return Reply(200, {"acknowledged": True}, HEADERS)
        return Reply(
            400, {"error": f"fake elasticsearch: {request.method} {request.path} not served"}, HEADERS
        )
