"""A 来信's files on disk carry no personal information in their names (issue 22 §5, 个人信息保护法): a 12345 work
order may be named by the caller's telephone number (13812345678.txt), a mail by its writer. The original name
stays in the ledger row (`file`), shown only where access.shows_original allows (the register's file names,
pipelines/desk/ledger_views.py); on disk the letter's copy is named by its number.

    stored_name(prefix, sha256, name) -> str       at intake, for a declared letter folder: <year>-<seq>-<sha256[:16]><ext>
    name_received(office, row, letter_number) -> [Path]   received/<channel>/<year>-<seq>-<anything> →
                                                   <year>-<seq>-信〔2026〕N号<ext> (a copy received again keeps its
                                                   -重复<ns> tail); idempotent
    rename_stored(office) -> int                   once per data root (marker cache/letters-named-v1): every
                                                   letter already in the register renamed so; the count renamed

Readers find a registration's copies by its <year>-<seq>- prefix only (pipelines/disposition, ledger_rebuild), so
both the old names and the new ones are read.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from ..dataroot import DataRoot, numbered, safe_name, suffix_of
from ..steps import step

MARKER = "letters-named-v1"  # in the data root's cache/: cleared, the renaming is only done again (idempotent)
DUPLICATE_TAIL = re.compile(r"-重复\d+(?=(\.[^.]*)?$)")


def stored_name(prefix: str, sha256: str, name: str) -> str:
    """The name a letter folder's file is kept under in received/ before it is numbered as a letter: the
    registration's prefix and the first 16 hex digits of its digest (never the name it came with)."""
    return f"{prefix}{sha256[:16]}{suffix_of(name)}"


def name_received(office, row: dict, letter_number: str) -> list[Path]:
    """Rename registration `row`'s copies in received/ to its letter number; returns the new paths (none where
    they are so named already). A name taken by another file is left alone (never overwritten)."""
    paths = DataRoot(office.root)
    folder = paths.received()
    if not folder.is_dir():
        return []
    prefix = numbered(row["year"], row["seq"])
    moved = []
    for path in sorted(folder.glob(f"*/{prefix}*")):
        if not path.is_file() or path.is_symlink():
            continue
        duplicate = DUPLICATE_TAIL.search(path.name)
        target = path.parent / safe_name(prefix, f"{letter_number}{suffix_of(path.name)}",
                                         duplicate[0] if duplicate else "")
        if target == path or target.exists():
            continue
        os.replace(path, target)
        moved.append(target)
    return moved


@step("来信文件改名 letter file names")  # once per data root; renames are idempotent, no retry needed
def rename_stored(office) -> int:
    """The data roots kept before letters were named by number: every registered letter's received copies renamed
    (name_received), once — a marker file in cache/ says it was done. Returns how many files were renamed."""
    from .store import present, tables

    paths = DataRoot(office.root)
    marker = paths.cache / MARKER
    if marker.exists() or not paths.received().is_dir():
        return 0
    renamed = 0
    if present(office):
        for letter in tables(office).query("SELECT document_id, letter_number FROM letters"):
            row = office.ledger.get(letter["document_id"])
            if row is not None:
                renamed += len(name_received(office, row, letter["letter_number"]))
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text("来信在 received/ 中按来信编号命名（不含来信人个人信息）\n", encoding="utf-8")
    return renamed
