"""The few Elasticsearch endpoints elasticsearch-cleanup uses, for a local HTTP server (no
Elasticsearch can run here): create an index (PUT /<index>), add an alias
(PUT /<index>/_alias/<alias>), list indices with their aliases (GET /<pattern>/_alias), delete an
index (DELETE /<index>), and, for the test's clean-up, HEAD /<index>. Answers carry the
X-Elastic-Product header the official client checks."""

from __future__ import annotations

import fnmatch

from tests.jobs.conftest import Reply, Request

HEADERS = {"X-Elastic-Product": "Elasticsearch", "Content-Type": "application/json"}


class FakeElasticsearch:
    def __init__(self) -> None:
        self.indices: dict[str, set[str]] = {}

    def _missing(self, name: str) -> Reply:
        error = {"type": "index_not_found_exception", "reason": f"no such index [{name}]", "index": name}
        return Reply(404, {"error": {"root_cause": [error], **error}, "status": 404}, HEADERS)

    def __call__(self, request: Request) -> Reply:
        parts = [p for p in request.path.split("/") if p]
        if request.method in ("GET", "HEAD") and not parts:
            return Reply(200, {"version": {"number": "9.0.0"}, "tagline": "You Know, for Search"}, HEADERS)
        if request.method == "HEAD" and len(parts) == 1:
            return Reply(200 if parts[0] in self.indices else 404, b"", HEADERS)
        if request.method == "PUT" and len(parts) == 1:
            if parts[0] in self.indices:
                return Reply(
                    400, {"error": {"type": "resource_already_exists_exception"}, "status": 400}, HEADERS
                )
            self.indices[parts[0]] = set()
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
            return Reply(200, {"acknowledged": True}, HEADERS)
        return Reply(
            400, {"error": f"fake elasticsearch: {request.method} {request.path} not served"}, HEADERS
        )
