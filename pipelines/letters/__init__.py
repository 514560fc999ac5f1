"""Citizens' letters (来信: 市长信箱, 12345 网上来件; issue 22) — never checked against GB/T 9704, never returned.

    tell.py       来信 or 公文? by channel ([letters] in shouwen.toml) and by content; "unsure" goes to the clerk
    fields.py     the writer, contact, address, subject read from a letter; redact() for search
    categories.py the 12345 受理范围 category proposed (keywords, then the clerk's corrections), 转出 matters
    store.py      the feature's tables (seam S1): documents.kind, letters, letter_sequences, letter_corrections
    records.py    the letter's record beside its registration (kept for rebuild-ledger)
    register.py   受理 in the batch: the letter's own number (信〔2026〕N号), its register row, 交办 or 转出
    ops.py        the desk: the register as each role may see it, category, 转出, 答复 (reply file), statistics
    cli.py        `shouwen letters`, `letter`, `letter-category`, `transfer`, `reply`, `letter-stats`

Personal information (个人信息保护法): who may see a writer's name, telephone and address is
pipelines/access.shows_personal — the one place; the search index only ever holds the redacted text.
Importing this package imports nothing else.
"""
