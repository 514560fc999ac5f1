"""The Elasticsearch backend (检索服务), for offices that outgrow one machine; official `elasticsearch` client.

open_index(root, "http://host:9200/shouwen") → the alias `shouwen` over an index `shouwen-<time>`, made from
the index template `shouwen` (cjk analyzer on title and text; keyword fields 发文字号, 来文单位, 文种, 部门,
status; dates). Queries run on pre-analysed fields (title_bi, body_bi, units, words: whitespace analyzer)
carrying exactly the embedded index's analysis (analysis.py), so both backends find the same documents for
the same query; the cjk-analysed title/body are there for the office's own tools.

Bulk writes go through the client's helpers with retries and exponential back-off on 429; `shouwen
reindex` builds a new index and swaps the alias atomically. Every transport failure becomes
IndexUnavailable (Chinese): the batch leaves the document "to index" and the next batch sends it.
"""
from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import Iterable, Optional
from urllib.parse import urlsplit

from .analysis import analyse, parse_query, snippet
from .base import (
    FACET_SIZE,
    FACETS,
    FIELDS,
    FILTERS,
    TERM_FACETS,
    Doc,
    Hit,
    IndexUnavailable,
    Results,
    is_classified,
    iter_batches,
    received_bounds,
    refuse_classified,
)

KEYWORDS = ("number", *FILTERS)
RECEIVED = ("received_from", "received_to")  # the 收文日期 filter's two ends (YYYY-MM-DD, inclusive)


def _is_day(value: str) -> bool:
    try:
        datetime.strptime(value[:10], "%Y-%m-%d")
    except ValueError:
        return False
    return len(value) == 10


def _next_day(day: str) -> str:
    """date_range's "to" is exclusive: the day after an inclusive last day."""
    return (datetime.strptime(day, "%Y-%m-%d") + timedelta(days=1)).strftime("%Y-%m-%d")


def template(alias: str) -> dict:
    """The index template: settings and mappings of every `<alias>-*` index."""
    whitespace = {"type": "text", "analyzer": "whitespace"}
    return {
        "index_patterns": [f"{alias}-*"],
        "template": {
            "settings": {"number_of_shards": 1, "number_of_replicas": 0, "refresh_interval": "1s"},
            "mappings": {"dynamic": "strict", "properties": {
                "id": {"type": "long"},
                "title": {"type": "text", "analyzer": "cjk"},
                "body": {"type": "text", "analyzer": "cjk"},
                "title_bi": whitespace, "body_bi": whitespace,
                "units": {"type": "text", "analyzer": "whitespace", "index_options": "freqs"},
                "words": {"type": "text", "analyzer": "whitespace", "index_options": "freqs"},
                **{name: {"type": "keyword"} for name in KEYWORDS},
                "date": {"type": "date", "format": "yyyy-MM-dd"},
                "received_at": {"type": "keyword"},
                "received": {"type": "date", "format": "yyyy-MM-dd"},  # 收文日期: its filter and facet
            }},
        },
    }


def source(doc: Doc) -> dict:
    title_bi, body_bi, units, words = analyse(doc.title, doc.body)
    out = {"id": int(doc.id), "title": doc.title or "", "body": doc.body or "", "title_bi": title_bi,
           "body_bi": body_bi, "units": units, "words": words}
    for name in (*KEYWORDS, "received_at"):
        if doc.fields.get(name) not in (None, ""):
            out[name] = str(doc.fields[name])
    out.setdefault("status", "indexed")
    for name, value in (("date", doc.fields.get("date")), ("received", doc.fields.get("received_at"))):
        day = str(value or "")[:10]
        if len(day) == 10 and day[4] == "-" and day[7] == "-":
            out[name] = day
    return out


class ElasticIndex:
    """SearchIndex on an Elasticsearch cluster (url: http(s)://host:port[/alias])."""

    name = "elasticsearch"

    def __init__(self, url: str, request_timeout: float = 10.0):
        from elasticsearch import Elasticsearch

        parts = urlsplit(url)
        self.url = f"{parts.scheme}://{parts.netloc}"
        # as messages show it: without user:password@ (the clerk's terminal, logs)
        self.shown_url = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        self.alias = parts.path.strip("/") or "shouwen"
        self.es = Elasticsearch(self.url, request_timeout=request_timeout, retry_on_timeout=True, max_retries=2)
        self._ready = False

    # --- plumbing -------------------------------------------------------------------------------------
    def _call(self, fn, *args, **kwargs):
        from elasticsearch import ApiError, TransportError
        from elasticsearch.helpers import BulkIndexError

        try:
            return fn(*args, **kwargs)
        except (TransportError, BulkIndexError) as exc:
            raise IndexUnavailable(f"检索服务 {self.shown_url} 无法访问（{type(exc).__name__}）") from exc
        except ApiError as exc:
            if getattr(exc, "status_code", 500) >= 500 or exc.status_code == 429:
                raise IndexUnavailable(f"检索服务 {self.shown_url} 出错（{exc.status_code}）") from exc
            raise

    def _ensure(self) -> None:
        """Template and alias, made on first use (an index behind the alias is made when there is none)."""
        if self._ready:
            return
        self._call(self.es.indices.put_index_template, name=self.alias, **template(self.alias))
        if not self._call(self.es.indices.exists_alias, name=self.alias):
            self._call(self.es.indices.create, index=self._new_name(), aliases={self.alias: {}})
        self._ready = True

    def _new_name(self) -> str:
        return f"{self.alias}-{time.strftime('%Y%m%d%H%M%S')}-{time.time_ns() % 1_000_000:06d}"

    def _bulk(self, actions, index: str) -> int:
        from elasticsearch import helpers

        ok, _ = self._call(helpers.bulk, self.es, actions, index=index, chunk_size=500, max_retries=5,
                           initial_backoff=1, max_backoff=30, refresh="wait_for")
        return ok

    # --- writing --------------------------------------------------------------------------------------
    def add(self, doc_id: int, *, title: str, body: str, secrecy: Optional[str] = None, **fields) -> None:
        refuse_classified(secrecy)
        self._ensure()
        self._call(self.es.index, index=self.alias, id=str(int(doc_id)),
                   document=source(Doc(doc_id, title or "", body or "", fields)), refresh="wait_for")

    def add_many(self, docs: Iterable[Doc], progress=None, index: Optional[str] = None) -> int:
        self._ensure()
        n = 0
        for chunk in iter_batches(docs, 500):
            chunk = [d for d in chunk if not is_classified(d.secrecy)]
            n += self._bulk(({"_id": str(int(d.id)), "_source": source(d)} for d in chunk), index or self.alias)
            if progress:
                progress(n)
        return n

    def update(self, doc_id: int, **fields) -> None:
        unknown = set(fields) - set(FILTERS)
        if unknown:
            raise ValueError(f"unknown field {sorted(unknown)}")
        self._ensure()
        found = self._call(self.es.options(ignore_status=404).get, index=self.alias, id=str(int(doc_id)))
        if not found.get("found"):
            return
        doc = dict(found["_source"]) | {k: v for k, v in fields.items() if v is not None}
        self._call(self.es.index, index=self.alias, id=str(int(doc_id)), document=doc, refresh="wait_for")

    def remove(self, doc_id: int) -> None:
        self._ensure()
        self._call(self.es.options(ignore_status=404).delete, index=self.alias, id=str(int(doc_id)), refresh="wait_for")

    def rebuild(self, docs: Iterable[Doc], progress=None) -> int:
        """A new index from the template, filled, then the alias swapped to it in one request; the old
        index is deleted afterwards. Searches see the old index until the swap."""
        self._ensure()
        new = self._new_name()
        self._call(self.es.indices.create, index=new)
        n = self.add_many(docs, progress, index=new)
        self._call(self.es.indices.refresh, index=new)
        old = list(self._call(self.es.indices.get_alias, name=self.alias).body)
        actions = [{"remove": {"index": i, "alias": self.alias}} for i in old] + [{"add": {"index": new, "alias": self.alias}}]
        self._call(self.es.indices.update_aliases, actions=actions)
        for i in old:
            self._call(self.es.options(ignore_status=404).indices.delete, index=i)
        return n

    # --- reading --------------------------------------------------------------------------------------
    def count(self) -> int:
        self._ensure()
        return int(self._call(self.es.count, index=self.alias)["count"])

    def ids(self) -> set[int]:
        self._ensure()
        out: set[int] = set()
        after = None
        while True:
            kwargs = {"search_after": after} if after else {}
            page = self._call(self.es.search, index=self.alias, size=5000, sort=[{"id": "asc"}], source=False,
                              query={"match_all": {}}, **kwargs)["hits"]["hits"]
            if not page:
                return out
            out.update(int(h["_id"]) for h in page)
            after = page[-1]["sort"]

    def stored_texts(self, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        ids = [str(int(i)) for i in ids]
        if not ids:
            return {}
        self._ensure()
        out = {}
        for chunk in iter_batches(ids, 1000):
            found = self._call(self.es.mget, index=self.alias, ids=chunk, source=["title", "body"])
            for d in found["docs"]:
                if d.get("found"):
                    out[int(d["_id"])] = (d["_source"].get("title", ""), d["_source"].get("body", ""))
        return out

    def _query(self, parsed, date_from, date_to, filters) -> dict:
        must, should, filter_ = [], [], []
        for part in parsed.parts:
            if len(part.units) == 1:
                must.append({"term": {"units": part.units[0]}})
            else:
                phrase = " ".join(part.grams)
                must.append({"bool": {"should": [
                    {"match_phrase": {"title_bi": {"query": phrase, "boost": 3.0}}},
                    {"match_phrase": {"body_bi": {"query": phrase}}}]}})
        for word in parsed.words:
            should.append({"term": {"words": word}})
        for name, value in filters.items():
            if value is None or name in RECEIVED:
                continue
            if name not in FILTERS:
                raise ValueError(f"unknown filter {name}")
            filter_.append({"term": {name: str(value)}})
        for field, first, last in (("date", date_from, date_to),
                                   ("received", filters.get("received_from"), filters.get("received_to"))):
            for value in (first, last):
                if value and not _is_day(str(value)):
                    raise ValueError("日期格式应为 YYYY-MM-DD")
            if first or last:
                filter_.append({"range": {field: {k: v for k, v in (("gte", first), ("lte", last)) if v}}})
        return {"bool": {"must": must, "should": should, "filter": filter_}}

    def results(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
                facets: bool = True, total: bool = True, today: Optional[date] = None, order: str = "relevance",
                **filters) -> Results:
        """One request: the best `limit`, the exact total (track_total_hits) and FACETS as terms and date-range
        aggregations, computed by the cluster over every match (Results.approximate stays False). order "date":
        newest 成文日期 first."""
        parsed = parse_query(query)
        query_body = self._query(parsed, date_from, date_to, filters)
        self._ensure()
        body = {"query": query_body, "size": max(1, limit), "track_total_hits": bool(total or facets),
                "_source": ["id", "title", "body", *KEYWORDS, "date", "received_at"]}
        if order == "date":  # newest 成文日期 first, as the embedded index orders them
            body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, "_score"]
        if facets:
            body["aggs"] = {name: {"terms": {"field": name, "size": FACET_SIZE}} for name in TERM_FACETS}
            body["aggs"]["received"] = {"date_range": {"field": "received", "format": "yyyy-MM-dd", "ranges": [
                {"key": label, **({"from": first} if first else {}), **({"to": _next_day(last)} if last else {})}
                for label, (first, last) in received_bounds(today or date.today()).items()]}}
        found = self._call(self.es.search, index=self.alias, **body)
        hits = []
        for h in found["hits"]["hits"][:limit]:
            s = h["_source"]
            hits.append(Hit(id=int(h["_id"]), number=s.get("number"), title=s.get("title"), score=round(h["_score"] or 0, 4),
                            snippet=snippet(s.get("title", ""), s.get("body", ""), parsed.parts),
                            fields={k: s.get(k) for k in FIELDS if k != "number"}))
        aggs = found.get("aggregations", {})
        counted = {name: {b["key"]: b["doc_count"] for b in aggs.get(name, {}).get("buckets", []) if b["doc_count"]}
                   for name in FACETS} if facets else {}
        count = int(found["hits"]["total"]["value"]) if (total or facets) else len(hits)
        return Results(hits, count, counted, parsed.notices)

    def search(self, query: str, limit: int = 20, date_from: Optional[str] = None, date_to: Optional[str] = None,
               **filters) -> list[Hit]:
        return self.results(query, limit, date_from, date_to, facets=False, total=False, **filters).hits

    def close(self) -> None:
        self.es.close()

