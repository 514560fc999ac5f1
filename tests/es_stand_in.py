"""A STAND-IN for an Elasticsearch server (no Elasticsearch or OpenSearch server can be installed from the
package registries these machines reach; nor is any API-compatible one published there).

It speaks, over real HTTP to the real `elasticsearch` client, the subset of the REST API that
index/elastic.py uses: index templates, indices and aliases (atomic _aliases), _doc, _bulk, _mget, _count,
_refresh and _search with bool / match_phrase / term / range / match_all queries, sort + search_after,
terms and date_range aggregations and track_total_hits. Text is analysed as the whitespace analyzer does (the only one
the backend queries); scores are term counts times boosts — the contract suite asserts no ES scores.
Tests that use it carry `stand_in` in their names; with SHOUWEN_TEST_ES_URL set they run on a real server.
"""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


class StandInState:
    def __init__(self):
        self.lock = threading.RLock()
        self.indices: dict[str, dict[str, dict]] = {}  # index → id → source
        self.aliases: dict[str, set[str]] = {}  # alias → indices
        self.templates: dict[str, dict] = {}
        self.down = False  # True: every request gets a 503 (an outage)

    def resolve(self, name: str) -> list[str]:
        if name in self.aliases:
            return sorted(self.aliases[name])
        return [name] if name in self.indices else []


def _tokens(value) -> list[str]:
    return str(value).split() if value is not None else []


def _phrase_count(tokens: list[str], phrase: list[str]) -> int:
    n = len(phrase)
    return sum(1 for i in range(len(tokens) - n + 1) if tokens[i:i + n] == phrase) if n else 0


def _score(query: dict, src: dict) -> float | None:
    """The query's score on one document, None when it does not match."""
    (kind, spec), = query.items()
    if kind == "match_all":
        return 1.0
    if kind == "bool":
        total = 0.0
        for clause in spec.get("must", []):
            s = _score(clause, src)
            if s is None:
                return None
            total += s
        for clause in spec.get("filter", []):
            if _score(clause, src) is None:
                return None
        for clause in spec.get("must_not", []):
            if _score(clause, src) is not None:
                return None
        shoulds = [s for s in (_score(c, src) for c in spec.get("should", [])) if s is not None]
        if spec.get("should") and not spec.get("must") and not spec.get("filter") and not shoulds:
            return None
        return total + sum(shoulds)
    if kind == "term":
        (field, value), = spec.items()
        value = value["value"] if isinstance(value, dict) else value
        have = src.get(field)
        if field in ("units", "words", "title_bi", "body_bi"):
            n = _tokens(have).count(str(value))
            return float(n) if n else None
        return 0.0 if have is not None and str(have) == str(value) else None
    if kind == "terms":
        (field, values), = spec.items()
        have = src.get(field)
        return 0.0 if have is not None and str(have) in {str(v) for v in values} else None
    if kind == "match_phrase":
        (field, value), = spec.items()
        text, boost = (value["query"], value.get("boost", 1.0)) if isinstance(value, dict) else (value, 1.0)
        n = _phrase_count(_tokens(src.get(field)), _tokens(text))
        return n * boost if n else None
    if kind == "range":
        (field, bounds), = spec.items()
        have = src.get(field)
        if have is None:
            return None
        for op, test in (("gte", lambda a, b: a >= b), ("lte", lambda a, b: a <= b), ("gt", lambda a, b: a > b),
                         ("lt", lambda a, b: a < b)):
            if op in bounds and not test(str(have), str(bounds[op])):
                return None
        return 0.0
    raise ValueError(f"stand-in: query {kind} not spoken")


class Handler(BaseHTTPRequestHandler):
    server_version = "es-stand-in"
    state: StandInState

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body=None):
        data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Type", "application/vnd.elasticsearch+json;compatible-with=9")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _error(self, status: int, kind: str, reason: str):
        self._send(status, {"error": {"type": kind, "reason": reason}, "status": status})

    def do_HEAD(self):
        self._dispatch()

    def do_GET(self):
        self._dispatch()

    def do_PUT(self):
        self._dispatch()

    def do_POST(self):
        self._dispatch()

    def do_DELETE(self):
        self._dispatch()

    def _dispatch(self):
        st = self.state
        url = urlsplit(self.path)
        parts = [p for p in url.path.split("/") if p]
        params = parse_qs(url.query)
        raw = self._body()
        if st.down:
            return self._error(503, "unavailable", "stand-in is down")
        with st.lock:
            try:
                return self._route(st, self.command, parts, params, raw)
            except (KeyError, ValueError) as exc:
                return self._error(400, "stand_in_error", str(exc))

    def _route(self, st, method, parts, params, raw):
        if not parts:
            return self._send(200, {"name": "stand-in", "version": {"number": "9.0.0"}, "tagline": "You Know, for Search"})
        if parts[0] == "_index_template" and method == "PUT":
            st.templates[parts[1]] = json.loads(raw)
            return self._send(200, {"acknowledged": True})
        if parts[0] == "_alias" and len(parts) == 2:
            indices = sorted(st.aliases.get(parts[1], ()))
            if not indices:
                return self._send(404, {"error": "alias missing", "status": 404}) if method != "HEAD" else self._send(404)
            return self._send(200, {i: {"aliases": {parts[1]: {}}} for i in indices})
        if parts[0] == "_aliases" and method == "POST":
            new = {k: set(v) for k, v in st.aliases.items()}
            for action in json.loads(raw)["actions"]:
                (op, spec), = action.items()
                if op == "add":
                    new.setdefault(spec["alias"], set()).add(spec["index"])
                elif op == "remove":
                    new.get(spec["alias"], set()).discard(spec["index"])
            st.aliases = {k: v for k, v in new.items() if v}  # all actions at once
            return self._send(200, {"acknowledged": True})
        if parts[0] == "_bulk" or (len(parts) == 2 and parts[1] == "_bulk"):
            default = parts[0] if parts[0] != "_bulk" else None
            lines = [json.loads(line) for line in raw.decode().splitlines() if line.strip()]
            items, k = [], 0
            while k < len(lines):
                (op, meta), = lines[k].items()
                target = st.resolve(meta.get("_index") or default)
                if op in ("index", "create"):
                    st.indices[target[0]][str(meta["_id"])] = lines[k + 1]
                    k += 2
                    items.append({op: {"_index": target[0], "_id": meta["_id"], "status": 201, "result": "created"}})
                elif op == "delete":
                    st.indices[target[0]].pop(str(meta["_id"]), None)
                    k += 1
                    items.append({op: {"_index": target[0], "_id": meta["_id"], "status": 200}})
                else:
                    raise ValueError(f"bulk {op}")
            return self._send(200, {"took": 1, "errors": False, "items": items})
        if parts[0] == "_mget" or (len(parts) == 2 and parts[1] == "_mget"):
            body = json.loads(raw)
            target = st.resolve(parts[0])
            docs = []
            for i in body.get("ids", []):
                src = next((st.indices[t][str(i)] for t in target if str(i) in st.indices[t]), None)
                docs.append({"_id": str(i), "found": src is not None} | ({"_source": src} if src is not None else {}))
            return self._send(200, {"docs": docs})
        name = parts[0]
        if len(parts) == 1:
            if method == "PUT":
                if name in st.indices:
                    return self._error(400, "resource_already_exists_exception", name)
                st.indices[name] = {}
                body = json.loads(raw) if raw else {}
                for alias in body.get("aliases", {}):
                    st.aliases.setdefault(alias, set()).add(name)
                return self._send(200, {"acknowledged": True, "index": name})
            if method == "DELETE":
                if name not in st.indices:
                    return self._error(404, "index_not_found_exception", name)
                del st.indices[name]
                for members in st.aliases.values():
                    members.discard(name)
                return self._send(200, {"acknowledged": True})
            if method == "HEAD":
                return self._send(200 if st.resolve(name) else 404)
        target = st.resolve(name)
        if not target:
            return self._error(404, "index_not_found_exception", name)
        op = parts[1]
        if op == "_refresh":
            return self._send(200, {"_shards": {"total": 1, "successful": 1, "failed": 0}})
        if op == "_count":
            return self._send(200, {"count": sum(len(st.indices[t]) for t in target)})
        if op == "_doc" and len(parts) == 3:
            doc_id = parts[2]
            if method in ("PUT", "POST"):
                st.indices[target[0]][doc_id] = json.loads(raw)
                return self._send(201, {"_index": target[0], "_id": doc_id, "result": "created"})
            where = next((t for t in target if doc_id in st.indices[t]), None)
            if method == "DELETE":
                if where is None:
                    return self._send(404, {"_id": doc_id, "result": "not_found"})
                del st.indices[where][doc_id]
                return self._send(200, {"_id": doc_id, "result": "deleted"})
            if where is None:
                return self._send(404, {"_index": target[0], "_id": doc_id, "found": False})
            return self._send(200, {"_index": where, "_id": doc_id, "found": True, "_source": st.indices[where][doc_id]})
        if op == "_search":
            return self._send(200, self._search(st, target, json.loads(raw) if raw else {}))
        return self._error(400, "stand_in_error", f"{method} /{'/'.join(parts)} not spoken")

    def _search(self, st, target, body):
        query = body.get("query", {"match_all": {}})
        scored = []
        for t in target:
            for doc_id, src in st.indices[t].items():
                s = _score(query, src)
                if s is not None:
                    scored.append((s, doc_id, src))
        if body.get("sort"):
            (field, order), = body["sort"][0].items()
            order = order.get("order", "asc") if isinstance(order, dict) else order  # {"order": "desc", "missing": …}
            present = [x for x in scored if x[2].get(field) is not None]
            missing = [x for x in scored if x[2].get(field) is None]  # "_last", as the cluster's default
            present.sort(key=lambda x: x[2][field], reverse=order == "desc")
            scored = present + missing
            if body.get("search_after"):
                scored = [x for x in scored if x[2].get(field, 0) > body["search_after"][0]]
        else:
            scored.sort(key=lambda x: (-x[0], int(x[1]) if x[1].isdigit() else x[1]))
        size = body.get("size", 10)
        wanted = body.get("_source", True)
        hits = []
        for s, doc_id, src in scored[:size]:
            hit = {"_id": doc_id, "_score": s}
            if wanted is not False:
                hit["_source"] = {k: v for k, v in src.items() if wanted is True or k in wanted}
            if body.get("sort"):
                hit["sort"] = [src.get(next(iter(body["sort"][0])))]
            hits.append(hit)
        out = {"took": 1, "timed_out": False, "hits": {"total": {"value": len(scored), "relation": "eq"},
                                                        "max_score": None, "hits": hits}}
        if body.get("aggs"):
            out["aggregations"] = {}
            for name, agg in body["aggs"].items():
                if "date_range" in agg:  # ranges of yyyy-MM-dd days: from inclusive, to exclusive (ES's own rule)
                    spec = agg["date_range"]
                    out["aggregations"][name] = {"buckets": [
                        {"key": r["key"], "doc_count": sum(
                            1 for _, _, src in scored if src.get(spec["field"]) is not None
                            and ("from" not in r or str(src[spec["field"]]) >= r["from"])
                            and ("to" not in r or str(src[spec["field"]]) < r["to"]))}
                        for r in spec["ranges"]]}
                    continue
                field = agg["terms"]["field"]
                counts: dict = {}
                for _, _, src in scored:
                    if src.get(field) is not None:
                        counts[src[field]] = counts.get(src[field], 0) + 1
                buckets = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[: agg["terms"].get("size", 10)]
                out["aggregations"][name] = {"buckets": [{"key": k, "doc_count": v} for k, v in buckets]}
        return out


def start() -> tuple[ThreadingHTTPServer, StandInState, str]:
    """A stand-in on 127.0.0.1 and a free port, serving in a daemon thread: (server, state, url)."""
    state = StandInState()
    handler = type("BoundHandler", (Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, state, f"http://127.0.0.1:{server.server_address[1]}"


