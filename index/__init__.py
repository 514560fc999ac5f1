"""Search backends behind one interface (检索): the embedded SQLite FTS5 default and Elasticsearch.

The batch that fills the index (收文 → 登记 → 初审 → 分办 → 检索) is the next piece of work; this package
name is reserved for it now so that no installed distribution can take it.
"""
