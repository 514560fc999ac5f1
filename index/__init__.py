"""Search backends behind one interface (检索): the embedded SQLite FTS5 default (sqlite_fts.py); Elasticsearch
for offices that outgrow one machine comes with the batch.

A backend has add(doc_id, title=, body=, secrecy=, **fields), remove(doc_id), count() and
search(query, limit=, date_from=, date_to=, **filters) -> [Hit]. Classified documents are refused by add().
"""
from .sqlite_fts import Hit, SqliteIndex, match_expression, tokens

__all__ = ["Hit", "SqliteIndex", "match_expression", "tokens"]
