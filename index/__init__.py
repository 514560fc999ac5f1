"""Search backends behind one interface (检索): SearchIndex (base.py), the embedded Tantivy default
(tantivy_index.py) and Elasticsearch for offices that outgrow one machine (elastic.py).

open_index(root, url) gives the office's index: url None or "" for the embedded one under the data root,
http(s)://… for Elasticsearch. Classified documents are refused by every backend.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

from .analysis import QueryError, parse_query
from .base import (
    FACET_ZH,
    FACETS,
    FILTERS,
    ClassifiedRefused,
    Doc,
    Hit,
    IndexDamaged,
    IndexUnavailable,
    Results,
    SearchIndex,
    received_bounds,
    refuse_classified,
)

__all__ = ["ClassifiedRefused", "Doc", "FACETS", "FACET_ZH", "FILTERS", "Hit", "IndexDamaged", "IndexUnavailable",
           "QueryError", "Results", "SearchIndex", "open_index", "parse_query", "received_bounds", "refuse_classified"]


def open_index(root: Path, url: Optional[str] = None) -> SearchIndex:
    """The office's search index. root: the data root; url: None/"" for the embedded Tantivy index in
    <root>/search-index/, or http(s)://host:port[/name] for Elasticsearch (name: the alias, default
    "shouwen"). Raises IndexUnavailable (Chinese) when it cannot be opened, ValueError for another scheme."""
    if not url:
        from .tantivy_index import TantivyIndex

        return TantivyIndex(Path(root))
    if url.startswith(("http://", "https://")):
        from .elastic import ElasticIndex

        return ElasticIndex(url)
    raise ValueError(f"检索服务地址应为 http(s)://…，而不是 {url}")
