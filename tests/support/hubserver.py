"""A local, Hub-shaped HTTP server on a real socket: for tests and the benchmark.

It serves the three endpoints the crawler calls, shaped as huggingface.co answers them:

- ``GET /api/models`` with ``search``, ``author``, ``filter`` (repeated; tags, and
  ``base_model:<id>`` / ``base_model:<relation>:<id>``), ``expand`` (repeated), ``sort``,
  ``direction``, ``limit``; pages of 1,000 items linked by ``Link: <...>; rel="next"``.
- ``GET /api/models/{id}`` and ``/api/models/{id}/revision/{rev}``: one model; a renamed
  id redirects (307) to its new name, a deleted one answers 404 ``RepoNotFound``.
- ``GET /api/models/{id}/commits/{rev}``: commits, newest first, 50 per page.

It counts every request and injects faults on demand (`LocalHub.fault`, `LocalHub.vanish`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

from hflineage.loader.normalize.vocab import RELATIONS

Endpoint = Literal["list", "detail", "commits"]
FaultKind = Literal["status", "slow", "truncate", "repeat"]

#: What ``/api/models`` returns without ``expand`` (a subset of the Hub's default fields).
DEFAULT_LIST_FIELDS = ("author", "createdAt", "downloads", "library_name", "likes",
                       "pipeline_tag", "tags")
#: Record keys for ``expand`` values; ``childrenModelCount`` is computed.
EXPAND_KEYS = {"author", "cardData", "config", "createdAt", "downloads", "gated",
               "lastModified", "library_name", "likes", "pipeline_tag", "safetensors", "siblings",
               "tags"}


@dataclass
class Fault:
    """A scheduled misbehaviour of one endpoint."""

    endpoint: Endpoint
    kind: FaultKind
    status: int = 500
    retry_after: int | None = None
    seconds: float = 0.0
    times: int = 1
    skip: int = 0


@dataclass
class _Index:
    """Derived lookups, rebuilt after a change: children per parent, filter terms per model,
    models per filter term (in listing order)."""

    children: Counter[str]
    terms: dict[str, frozenset[str]]
    models: dict[str, list[str]]


@dataclass(frozen=True)
class Request:
    """One request the server answered (faulty or not)."""

    endpoint: str
    path: str
    query: str
    status: int
    token: str | None = None


def parents_in_tags(tags: Iterable[str]) -> set[tuple[str, str]]:
    """``(relation, lower parent id)`` pairs of a record's ``base_model:`` tags ('' if untyped)."""
    out = set()
    for tag in tags:
        if not isinstance(tag, str) or not tag.startswith("base_model:"):
            continue
        rest = tag.removeprefix("base_model:")
        relation, _, parent = rest.partition(":")
        if relation in RELATIONS and parent:
            out.add((relation, parent.lower()))
        else:
            out.add(("", rest.lower()))
    return out


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"offset": offset}).encode()).decode()


def _offset(cursor: str | None) -> int:
    if not cursor:
        return 0
    return int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["offset"])


class LocalHub:
    """A Hub-shaped server over a list of model records (snapshot format) and their commits.

    Use as a context manager; ``url`` is the endpoint to give ``HfApi(endpoint=...)``.
    """

    def __init__(self, models: Iterable[dict[str, Any]], commits: Iterable[dict[str, Any]] = (),
                 *, page_size: int = 1000, commit_page_size: int = 50) -> None:
        self.page_size = page_size
        self.commit_page_size = commit_page_size
        self._lock = threading.Lock()
        self._models: dict[str, dict[str, Any]] = {}
        self._redirects: dict[str, str] = {}
        self._vanished: set[str] = set()
        self._commits: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._faults: list[Fault] = []
        self._index: _Index | None = None
        self.requests: list[Request] = []
        for record in models:
            self._models[record["id"].lower()] = dict(record)
        for commit in commits:
            self._commits[commit["model"].lower()].append(commit)
        for items in self._commits.values():
            items.sort(key=lambda c: c["created_at"], reverse=True)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle
    def start(self) -> LocalHub:
        hub = self

        class Handler(_Handler):
            owner = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True,
                                        name="local-hub")
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LocalHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("LocalHub is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # what tests change
    def fault(self, endpoint: Endpoint, kind: FaultKind = "status", *, status: int = 500,
              retry_after: int | None = None, seconds: float = 0.0, times: int = 1,
              skip: int = 0) -> None:
        """Misbehave on the next ``times`` requests to ``endpoint``, after letting ``skip`` pass.

        ``status``: answer that code (a 429 with ``Retry-After`` and ``RateLimit`` headers when
        ``retry_after`` is given); ``slow``: wait ``seconds`` before answering; ``truncate``: a
        200 whose JSON body is cut in half; ``repeat``: a listing page whose ``next`` link points
        at itself, so it is served twice.
        """
        with self._lock:
            self._faults.append(Fault(endpoint, kind, status, retry_after, seconds, times, skip))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def rename(self, old: str, new: str) -> None:
        """The model ``old`` now lives at ``new``; the old id redirects, as on the Hub."""
        with self._lock:
            record = self._models.pop(old.lower())
            record["id"] = new
            record["author"] = new.split("/")[0]
            self._models[new.lower()] = record
            self._redirects[old.lower()] = new
            self._commits[new.lower()] = self._commits.pop(old.lower(), [])
            self._index = None

    def delete(self, model_id: str) -> None:
        """The model is gone: out of listings, 404 on detail and commits."""
        with self._lock:
            self._models.pop(model_id.lower(), None)
            self._index = None

    def vanish(self, model_id: str) -> None:
        """The model still shows in listings (a stale index) but 404s on detail and commits."""
        with self._lock:
            self._vanished.add(model_id.lower())

    def upsert(self, record: dict[str, Any]) -> None:
        with self._lock:
            self._models[record["id"].lower()] = dict(record)
            self._index = None

    def count(self, endpoint: str | None = None) -> int:
        """Requests served so far, to one endpoint or to all."""
        with self._lock:
            return sum(1 for r in self.requests if endpoint in (None, r.endpoint))

    # serving
    def _take_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            for f in self._faults:
                if f.endpoint != endpoint or f.times <= 0:
                    continue
                if f.skip > 0:
                    f.skip -= 1
                    continue
                f.times -= 1
                return f
        return None

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _indexed(self) -> _Index:
        with self._lock:
            if self._index is None:
                index = _Index(Counter(), {}, defaultdict(list))
                for key, record in self._models.items():
                    tags = [t for t in record.get("tags") or [] if isinstance(t, str)]
                    pairs = parents_in_tags(tags)
                    terms = {t.lower() for t in tags}
                    for relation, parent in pairs:
                        terms.add(f"base_model:{parent}")
                        if relation:
                            terms.add(f"base_model:{relation}:{parent}")
                    index.terms[key] = frozenset(terms)
                    for term in terms:
                        index.models[term].append(key)
                    index.children.update({p for _, p in pairs})
                self._index = index
            return self._index

    def _shape(self, record: dict[str, Any], expand: list[str], default: Iterable[str]
               ) -> dict[str, Any]:
        keys = [k for k in expand if k in EXPAND_KEYS] if expand else list(default)
        item: dict[str, Any] = {"_id": hashlib.sha1(record["id"].encode()).hexdigest()[:24],
                                "id": record["id"]}
        for key in keys:
            if key in record:
                item[key] = record[key]
        if "childrenModelCount" in expand:
            item["childrenModelCount"] = self._indexed().children[record["id"].lower()]
        return item

    def _matches(self, record: dict[str, Any], q: dict[str, list[str]]) -> bool:
        rid = record["id"].lower()
        if (s := q.get("search")) and s[0].lower() not in rid:
            return False
        if (a := q.get("author")) and rid.split("/")[0] != a[0].lower():
            return False
        terms = self._indexed().terms.get(rid, frozenset())
        return all(wanted.lower() in terms for wanted in q.get("filter", []))

    def listing(self, query: str) -> tuple[list[dict[str, Any]], str | None]:
        """One page of ``/api/models`` and the query string of the next page, if any."""
        q = parse_qs(query)
        index = self._indexed()
        filters = q.get("filter")
        with self._lock:
            records = ([self._models[k] for k in index.models.get(filters[0].lower(), [])
                        if k in self._models] if filters else list(self._models.values()))
        rows = [r for r in records if self._matches(r, q)]
        if sort := q.get("sort"):
            key = sort[0]
            descending = q.get("direction", ["1"])[0] == "-1"
            rows.sort(key=lambda r: (r.get(key) is not None, r.get(key) or 0),
                      reverse=descending)
        size = min(int(q.get("limit", [self.page_size])[0]), self.page_size)
        start = _offset(q.get("cursor", [None])[0])
        page = rows[start:start + size]
        expand = q.get("expand", [])
        items = [self._shape(r, expand, DEFAULT_LIST_FIELDS) for r in page]
        nxt = None
        if start + size < len(rows):
            params = [(k, v) for k, vs in q.items() if k != "cursor" for v in vs]
            nxt = urlencode([*params, ("cursor", _cursor(start + size))])
        return items, nxt

    def detail(self, model_id: str, query: str) -> tuple[int, Any, str | None]:
        """Status, body and redirect location of ``/api/models/{id}``."""
        key = model_id.lower()
        with self._lock:
            record = self._models.get(key)
            moved = self._redirects.get(key)
        if record is None and moved is not None:
            return 307, {"error": "moved"}, f"/api/models/{moved}" + (f"?{query}" if query else "")
        if record is None or key in self._vanished:
            return 404, {"error": "Repository not found"}, None
        expand = parse_qs(query).get("expand", [])
        return 200, self._shape(record, expand, record.keys()), None

    def commits(self, model_id: str, query: str) -> tuple[int, Any, str | None, str | None]:
        """Status, body, redirect and next-page query of ``/api/models/{id}/commits/{rev}``."""
        key = model_id.lower()
        with self._lock:
            known = key in self._models and key not in self._vanished
            moved = self._redirects.get(key)
            items = list(self._commits.get(key, []))
        if not known and moved is not None:
            return 307, {"error": "moved"}, f"/api/models/{moved}/commits/main", None
        if not known:
            return 404, {"error": "Repository not found"}, None, None
        page = int(parse_qs(query).get("p", ["0"])[0])
        size = self.commit_page_size
        chunk = items[page * size:(page + 1) * size]
        body = [{"id": c["commit_id"], "title": c.get("title", ""), "message": "",
                 "date": c["created_at"], "authors": [{"user": a} for a in c.get("authors", [])]}
                for c in chunk]
        nxt = urlencode({"p": page + 1}) if (page + 1) * size < len(items) else None
        return 200, body, None, nxt


class _Handler(BaseHTTPRequestHandler):
    owner: LocalHub
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes: no 40 ms ACK stalls
    late = False

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, query = unquote(parts.path), parts.query
        hub = self.owner
        if path == "/api/models":
            endpoint = "list"
        elif path.startswith("/api/models/"):
            endpoint = "commits" if "/commits/" in path else "detail"
        else:
            self._send(path, "other", query, 404, {"error": "not found"})
            return
        fault = hub._take_fault(endpoint)
        self.late = False
        if fault is not None and fault.kind == "slow":
            # Counted on arrival with status 0: the client has usually given up before the answer.
            hub._record(Request(endpoint, path, query, 0, self._token()))
            self.late = True
            time.sleep(fault.seconds)
        if fault is not None and fault.kind == "status":
            wait = fault.retry_after
            headers = {"Retry-After": str(wait)} if wait is not None else {}
            if fault.status == 429 and wait is not None:  # the Hub's IETF-draft headers too
                headers |= {"RateLimit": f'"api";r=0;t={wait}',
                            "RateLimit-Policy": '"fixed window";"api";q=500;w=300'}
            self._send(path, endpoint, query, fault.status, {"error": "injected fault"}, headers)
            return
        truncate = fault is not None and fault.kind == "truncate"
        if endpoint == "list":
            items, nxt = hub.listing(query)
            if fault is not None and fault.kind == "repeat":
                nxt = query
            headers = {"Link": f'<{hub.url}/api/models?{nxt}>; rel="next"'} if nxt else {}
            self._send(path, endpoint, query, 200, items, headers, truncate)
        elif endpoint == "detail":
            model_id = path.removeprefix("/api/models/").split("/revision/")[0]
            status, body, location = hub.detail(model_id, query)
            self._send(path, endpoint, query, status, body, self._error_headers(status, location),
                       truncate)
        else:
            model_id = path.removeprefix("/api/models/").split("/commits/")[0]
            status, body, location, nxt = hub.commits(model_id, query)
            headers = self._error_headers(status, location)
            if nxt:
                headers["Link"] = f'<{hub.url}/api/models/{quote(model_id)}/commits/main?{nxt}>; ' \
                                  'rel="next"'
            self._send(path, endpoint, query, status, body, headers, truncate)

    @staticmethod
    def _error_headers(status: int, location: str | None) -> dict[str, str]:
        if status == 404:
            return {"X-Error-Code": "RepoNotFound"}
        return {"Location": location} if location else {}

    def _token(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        return auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None

    def _send(self, path: str, endpoint: str, query: str, status: int, body: Any,
              headers: dict[str, str] | None = None, truncate: bool = False) -> None:
        if not self.late:
            self.owner._record(Request(endpoint, path, query, status, self._token()))
        data = json.dumps(body).encode()
        if truncate:
            data = data[: len(data) // 2]
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout fault)
