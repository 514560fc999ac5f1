"""A lost ledger found and rebuilt (登记簿的检查与重建), numbers kept.

check_ledger(root): before a batch works, the ledger must be there and whole whenever the archive or received/
holds documents. A ledger that is missing, empty (0 bytes, or no rows) or corrupt would otherwise make the
batch start numbering again at 收〔YYYY〕1号 while the old numbers are on paper: LedgerDamaged, in Chinese,
naming the command that repairs it.

rebuild_ledger(root): `shouwen rebuild-ledger`. The registrations come back from the sidecars intake writes
(registrations/<year>/<seq>.json: id, 收文编号, sha256, name, channel, time) and from each registration's
journal (registrations/<year>/<seq>.journal.jsonl, pipelines/ledger/journal.py: every change the ledger
committed — status, the columns it set, note, who, version — and the same-document claim), or else from
received/'s numbered names (<year>-<seq>-<name>, the sha256 of the file) — each with its own number; an
archived original found in none gets a new number after the last.

Where a journal exists it is the record: the status, every column (初审 fields, 密级, the classified document's
title, issuer and 发文字号, route reasons, return paths), the version, the links to other versions and copies
(by 收文编号), and the whole history come back as they were; only where the files show a later step than the
journal's last line (a kill between a commit and its line) is that step taken from the files. Without a
journal (registered before journals existed), the state is inferred from what the batch left: quarantine/ (隔离,
with its reason), the 机要 decision beside the registration (registrations/<year>/<seq>.decision.json: to the
机要室 as classified, held for the 机要员; a release needs nothing here, the next batch honours it), the outbox's
审核意见.json (退文, with its findings), withdrawn/ (退文已撤回), the search index (入检索, with its department),
the clerk's 复核 record (registrations/<year>/<seq>.review.json: a document held 待复核 comes back 待复核 with its
proposed findings); anything else is left 已登记, for the next batch to review again. Rebuilt.unrestored says in Chinese, one line
each, what could not be restored (no journal, a torn journal line, a link to a registration not rebuilt, the
features' own tables). A 来信 (its record registrations/<year>/<seq>.letter.json, pipelines/letters/register.py)
comes back 已登记 with or without a journal: the letters' register is a feature table, so the next batch takes it
in again, with its number, the clerk's category, its 转出, its 交办, its 答复 and its 承办记录 (签收 … 办结, who and
when) as the record kept them (pipelines/letters/register.py: keep_handling, restore_handling). The damaged file is kept beside as ledger.sqlite3.damaged-<time>; the new ledger
replaces it atomically.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from .dataroot import DataRoot, numbered, sha256_of
from .ledger import FINAL, STATUS_ZH, LedgerDamaged, SQLiteLedger, format_number, now
from .ledger.journal import SUFFIX as JOURNAL_SUFFIX
from .ledger.journal import read as read_journal
from .ledger.journal import replay
from .ledger.sqlite import connect_readable
from .letters.records import SUFFIX as LETTER_SUFFIX
from .review_records import SUFFIX as REVIEW_SUFFIX
from .review_records import WAITING as REVIEW_WAITING
from .review_records import read_review
from .secrecy import CONFIDENTIAL_OFFICE
from .secrecy_records import CLASSIFIED, HELD, read_decision
from .secrecy_records import SUFFIX as DECISION_SUFFIX

LEDGER_FILE = "ledger.sqlite3"
RECEIVED_NAME = re.compile(r"^(\d{4})-(\d{6})-(.*)$")
DUPLICATE = re.compile(r"-重复\d+(\.[^.]*)?$")


def _originals(root: Path):
    """The archived originals (archive/ab/cd/<sha256>.ext), lazily."""
    return DataRoot(root).originals()


def _has_documents(root: Path) -> bool:
    received = DataRoot(root).received()
    return next(_originals(root), None) is not None or (received.is_dir() and any(p.is_file() for p in received.glob("*/*")))


def check_ledger(root: Path, path: Path | None = None) -> None:
    """LedgerDamaged where the ledger is missing, empty or corrupt while the archive or received/ holds documents.
    path: the SQLite ledger file (the configured one, pipelines/office.ledger_file), default <root>/ledger.sqlite3."""
    root = Path(root)
    path = Path(path) if path is not None else root / LEDGER_FILE
    if not _has_documents(root):
        return
    how = None
    if not path.exists():
        how = "不存在"
    elif path.stat().st_size == 0:
        how = "是空文件（0 字节）"
    else:
        try:
            conn = connect_readable(path)  # also on a data root mounted read-only
            try:
                if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                    how = "已损坏（完整性检查未通过）"
                elif conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0:
                    how = "没有任何登记"
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            text = str(exc).lower()
            if "readonly" in text or "unable to open" in text or "locked" in text:
                raise
            how = "已损坏（无法读取）"
    if how:
        raise LedgerDamaged(f"登记簿损坏：{path} {how}，而档案中已有收文；为免收文编号重号，本次不处理。"
                            f"请运行 shouwen rebuild-ledger --root {root} 从档案重建登记簿（收文编号保持不变），再运行本批")


@dataclass
class Rebuilt:
    documents: int = 0
    from_sidecars: int = 0
    from_received: int = 0
    renumbered: int = 0
    from_journal: int = 0  # registrations whose state, fields and history came from their journal
    states: dict = field(default_factory=dict)
    kept: str = ""  # where the damaged ledger was put
    unrestored: list = field(default_factory=list)  # what could not be restored, one Chinese line each


def _received_files(root: Path) -> dict[str, tuple[int, int, str, str]]:
    """sha256 → (year, seq, channel, name) from received/'s numbered names (duplicates' copies skipped)."""
    found = {}
    folder = DataRoot(root).received()
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*/*")):
        m = RECEIVED_NAME.match(path.name)
        if not m or not path.is_file() or DUPLICATE.search(path.name):
            continue
        found.setdefault(sha256_of(path), (int(m[1]), int(m[2]), path.parent.name, m[3]))
    return found


def _index_rows(root: Path) -> dict[str, dict]:
    """收文编号 → what the embedded search index holds of it (id, title, issuer, 文种, department, channel,
    verdict): a document in the index had been routed and indexed. {} when there is no readable index (an
    Elasticsearch index is not read here: those documents come back 已登记 and the next batch finishes them)."""
    from index import IndexUnavailable
    from index.tantivy_index import INDEX_DIR, TantivyIndex

    if not (root / INDEX_DIR).exists():
        return {}
    try:
        index = TantivyIndex(root)
        try:
            stored = index.stored_documents(index.ids())
        finally:
            index.close()
    except (IndexUnavailable, OSError, ValueError):
        return {}
    # a 退文 is searchable too (status returned) but was never routed: its state comes from its notice, as before
    return {fields["number"]: {"id": doc_id, "title": title, "text": text, **fields}
            for doc_id, (title, text, fields) in stored.items() if fields.get("number") and fields.get("status") != "returned"}


def rebuild_ledger(root: Path) -> Rebuilt:
    """Rebuild <root>/ledger.sqlite3 from the registrations' journals and sidecars, received/, the archive,
    outbox/, withdrawn/, quarantine/ and the index (see the module's docstring); Rebuilt.unrestored says, in
    Chinese, what could not be restored. Run with the batch lock held."""
    root = Path(root)
    out = Rebuilt()
    records: dict[str, dict] = {}  # sha256 → registration
    for path in sorted(DataRoot(root).registrations.glob("*/*.json")):
        if path.name.endswith((DECISION_SUFFIX, REVIEW_SUFFIX, LETTER_SUFFIX)):  # 机要 decision, 复核, 来信: read by _state
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if record.get("sha256") and record["sha256"] not in records:
            records[record["sha256"]] = record
            out.from_sidecars += 1
    journals = _journals(root)  # (year, seq) → what the journal tells
    for replayed in journals.values():  # a registration whose sidecar is missing: its journal names it
        sha = replayed.row.get("sha256")
        if sha and sha not in records:
            records[sha] = dict(replayed.row)
            out.from_sidecars += 1
    by_sha = {p.name[:64]: p for p in _originals(root)}
    for sha, (year, seq, channel, name) in _received_files(root).items():
        if sha not in records and sha in by_sha:
            records[sha] = {"year": year, "seq": seq, "number": format_number(year, seq), "channel": channel,
                            "file": name, "sha256": sha, "received_at": None}
            out.from_received += 1
            out.unrestored.append(f"{format_number(year, seq)}：没有登记记录，收文编号和来文渠道由 received/ 中的文件名恢复，"
                                  "收文时间记为重建时间")
    taken = {(r["year"], r["seq"]) for r in records.values()}
    year_now = int(time.strftime("%Y"))
    attachments = _mail_attachments(root, [by_sha[sha] for sha in records if sha in by_sha])
    for sha, path in sorted(by_sha.items(), key=lambda kv: kv[1].stat().st_mtime):
        if sha in attachments:  # archived beside its message for the clerk to open: part of that 收文, not one
            continue
        if sha not in records:  # archived, but its registration left no trace: a new number after the last
            seq = max([s for (y, s) in taken if y == year_now] + [0]) + 1
            taken.add((year_now, seq))
            records[sha] = {"year": year_now, "seq": seq, "number": format_number(year_now, seq), "channel": "unknown",
                            "file": path.name, "sha256": sha, "received_at": None}
            out.renumbered += 1
            out.unrestored.append(f"{format_number(year_now, seq)}：档案中的原件 {path.name} 没有任何登记记录，"
                                  "已给新收文编号；原编号、来文渠道和原文件名无法恢复")
    indexed = _index_rows(root)
    used_ids = {r.get("id") for r in records.values() if r.get("id")} | {r["id"] for r in indexed.values()}
    next_id = max(used_ids | {0}) + 1
    restored: list[tuple[int, str, dict, Restored]] = []
    for sha, r in sorted(records.items(), key=lambda kv: (kv[1]["year"], kv[1]["seq"])):
        doc_id = r.get("id") or (indexed.get(r["number"]) or {}).get("id")
        if not doc_id:
            doc_id, next_id = next_id, next_id + 1
        archive_path = str(by_sha[sha].relative_to(root)) if sha in by_sha else r.get("archive_path") or ""
        state = _restore(root, r, indexed.get(r["number"]), journals.get((r["year"], r["seq"])), out.unrestored)
        state.fields.update({k: v for k, v in _original_fields(root, archive_path).items()
                             if state.fields.get(k) is None})
        restored.append((doc_id, sha, {**r, "archive_path": archive_path}, state))
    ids_by_number = {r["number"]: doc_id for doc_id, _, r, _ in restored}
    rebuilt_ids = set(ids_by_number.values())
    temp = root / f"{LEDGER_FILE}.rebuilding"
    for leftover in (temp, temp.with_name(temp.name + "-wal"), temp.with_name(temp.name + "-shm")):
        leftover.unlink(missing_ok=True)
    ledger = SQLiteLedger(temp)
    try:
        conn = ledger.conn
        columns = set(ledger._columns)
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("PRAGMA defer_foreign_keys = ON")  # a version may point at a later registration
        for doc_id, sha, r, state in restored:
            fields = {k: v for k, v in state.fields.items() if k in columns and k not in REGISTRATION_COLUMNS}
            for column, number in state.refs.items():  # versions and copies, by 收文编号: ids may have changed
                fields[column] = ids_by_number.get(number)
                if number and fields[column] is None:
                    out.unrestored.append(f"{r['number']}：所关联的 {number} 未能恢复，{REF_ZH[column]}的关联已去掉")
            for column in REF_ZH:
                if fields.get(column) is not None and column not in state.refs and fields[column] not in rebuilt_ids:
                    fields[column] = None  # an id from before, of a registration not rebuilt
            out.states[state.status] = out.states.get(state.status, 0) + 1
            out.from_journal += state.from_journal
            received_at = r.get("received_at") or now()
            conn.execute(
                "INSERT INTO documents(id, year, seq, number, received_at, channel, file, file_raw, sha256, archive_path,"
                " status, version" + "".join(f", {name}" for name in fields) + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                " ?, ?" + ", ?" * len(fields) + ")",
                (doc_id, r["year"], r["seq"], r["number"], received_at, r["channel"], r["file"], r.get("file_raw"), sha,
                 r["archive_path"], state.status, state.version, *fields.values()))
            for line in state.history:
                conn.execute("INSERT INTO history(document_id, status, at, note, actor) VALUES (?, ?, ?, ?, ?)",
                             (doc_id, line["status"], line["at"] or received_at, line["note"], line["actor"]))
            conn.execute("INSERT INTO sequences(year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET"
                         " last = max(last, excluded.last)", (r["year"], r["seq"]))
            out.documents += 1
            claim = state.claim or _same_document_claim(state.status, fields, indexed.get(r["number"]))
            if claim:  # so that a copy of it arriving later is still found (同一来文, 退文后重报)
                conn.execute("INSERT INTO same_document(document_id, key, body, claimed) VALUES (?, ?, ?, ?)",
                             (doc_id, *claim, out.documents))
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        ledger.close()
    target = root / LEDGER_FILE
    out.unrestored += _features_note(target)
    if target.exists():
        kept = target.with_name(f"{LEDGER_FILE}.damaged-{time.strftime('%Y%m%d%H%M%S')}")
        os.replace(target, kept)
        out.kept = str(kept)
    for side in ("-wal", "-shm"):
        Path(str(target) + side).unlink(missing_ok=True)
        Path(str(temp) + side).unlink(missing_ok=True)
    os.replace(temp, target)
    return out


REGISTRATION_COLUMNS = ("id", "year", "seq", "number", "received_at", "channel", "file", "file_raw", "sha256",
                        "archive_path", "status", "version")
REF_ZH = {"linked_to": "同一来文", "revision_of": "新版"}
REBUILT_ACTOR = "rebuild"


@dataclass
class Restored:
    status: str
    fields: dict
    history: list[dict]
    version: int = 0
    refs: dict = field(default_factory=dict)  # linked_to / revision_of → 收文编号
    claim: tuple | None = None
    from_journal: int = 0


def _journals(root: Path) -> dict[tuple[int, int], object]:
    """(year, seq) → journal.Replayed for every registration journal under registrations/ (damaged lines are
    skipped there and named again by _restore)."""
    found = {}
    for path in sorted(DataRoot(root).registrations.glob(f"*/*{JOURNAL_SUFFIX}")):
        read = read_journal(path)
        replayed = replay(read.entries) if read else None
        if replayed is None or "year" not in replayed.row or "seq" not in replayed.row:
            continue
        replayed.damaged = list(read.damaged)
        found[(replayed.row["year"], replayed.row["seq"])] = replayed
    return found


def _restore(root: Path, r: dict, indexed: dict | None, journal, unrestored: list[str]) -> Restored:
    """Where registration `r` stood: as its journal tells (the ledger's own record of every change), else as the
    files the batch left imply (_state); what could not be restored is added to `unrestored`, in Chinese."""
    number = r["number"]
    inferred = _state(root, r, indexed)
    status = inferred.pop("status")
    if journal is None:
        lost = "初审意见、改办理由、版本和同一来文的关联、状态历史" if status != "quarantined" else "状态历史"
        unrestored.append(f"{number}：没有登记日志，状态由档案推断为“{STATUS_ZH[status]}”；{lost}无法恢复")
        return Restored(status, inferred, [{"status": status, "at": now(), "note": "登记簿重建：由档案恢复",
                                            "actor": REBUILT_ACTOR}])
    for line in journal.damaged:
        unrestored.append(f"{number}：登记日志第 {line} 行不完整（写入时中断），已跳过，该行记录的改动无法恢复")
    state = Restored(journal.status, dict(journal.fields), list(journal.history), journal.version, dict(journal.refs),
                     journal.claim, from_journal=1)
    behind = journal.status not in FINAL and status != "registered" and status != journal.status
    if behind:  # the files show a step the journal does not have (a kill between the commit and its line)
        unrestored.append(f"{number}：登记日志止于“{STATUS_ZH[journal.status]}”，之后的状态由档案推断为“{STATUS_ZH[status]}”，"
                          "其间的状态历史无法恢复")
        state.status = status
        state.fields.update({k: v for k, v in inferred.items() if v is not None and state.fields.get(k) is None})
    if status == "registered" and DataRoot(root).registration(r["year"], r["seq"], LETTER_SUFFIX).is_file():
        state.status = "registered"  # a 来信: the next batch takes it into the letters' register again (_state)
        unrestored.append(f"{number}：来信由下批重新登记：编号、类别、转出、交办、答复和承办记录（签收、办结及办理人）按登记旁的记录恢复，"
                          "来信人信息由原件重新识读")
    note = "登记簿重建：由登记日志恢复" + ("，之后的状态由档案推断" if behind else "")
    state.history.append({"status": state.status, "at": now(), "note": note, "actor": REBUILT_ACTOR})
    return state


def _features_note(old: Path) -> list[str]:
    """What is said of the features' own tables (accounts, 承办/督办 …): they live only in the ledger."""
    if not old.exists():
        return ["原登记簿已不存在：若曾使用账户、承办督办等功能，这些功能表只存在于登记簿中，无法由档案恢复"]
    try:
        conn = sqlite3.connect(f"file:{old}?mode=ro", uri=True, timeout=5)
        try:
            names = [row[0] for row in conn.execute("SELECT name FROM feature_versions ORDER BY name")]
        finally:
            conn.close()
    except sqlite3.Error:
        return ["原登记簿不可读：若曾使用账户、承办督办等功能，这些功能表只存在于登记簿中，无法由档案恢复"]
    if names:
        return [f"功能表（{'、'.join(names)}）只存在于登记簿中，没有由档案恢复；原登记簿已另存，可从中取回"]
    return []


def _mail_attachments(root: Path, originals: list[Path]) -> set[str]:
    """sha256 of every attachment of the registered mail messages among `originals` (mail_intake archives each
    attachment content-addressed beside the message: those files are no 收文 of their own)."""
    found: set[str] = set()
    for path in originals:
        listed = _original_fields(root, str(path.relative_to(root))).get("mail_attachments")
        try:
            found |= {Path(a["archive_path"]).name[:64] for a in json.loads(listed or "[]") if a.get("archive_path")}
        except (ValueError, TypeError, KeyError):
            continue
    return found


def _read_indexed_text(text: str) -> tuple[str | None, str]:
    """(发文字号, 正文) the element parser finds in an indexed document's text (what the index keeps: all that
    was read, in reading order; no layout); (None, "") for no text."""
    from extractors import UnusableInput, extract
    from extractors.elements import parse_elements

    if not text.strip():
        return None, ""
    try:
        el = parse_elements(extract(text.encode("utf-8")))
    except UnusableInput:
        return None, ""
    return (el.doc_number.text if el.doc_number else None), el.body_text


def _original_fields(root: Path, archive_path: str) -> dict:
    """What the archived original itself says that the ledger had kept: a mail message's sender, date, subject and
    attachments (mail_intake.message_fields), an OFD's electronic seals (how many, whether their signed files
    are unchanged). {} for other files or an unreadable one."""
    from extractors import UnusableInput, detect_format

    path = root / archive_path if archive_path else None
    if path is None or not path.is_file():
        return {}
    data = path.read_bytes()
    try:
        kind = detect_format(data)
        if kind == "eml":
            from .mail_intake import message_fields

            return message_fields(root, data)
        if kind == "ofd":
            from extractors.ofd.reader import open_ofd
            from extractors.ofd.seals import read_seals

            seals = read_seals(open_ofd(data))
            return {"seals": len(seals), "seals_unchanged": int(all(s.get("unchanged") for s in seals))} if seals else {}
    except (UnusableInput, OSError, ValueError, KeyError):
        return {}
    return {}


def _same_document_claim(status: str, fields: dict, indexed: dict | None) -> tuple[str, str] | None:
    """(key, body) of a rebuilt registration for the same-document table, as the batch claimed it: indexed
    and returned documents with a 发文字号 and a title (the body from the index; a returned one's is not kept,
    and a copy after a return is a new version whatever its text)."""
    from .same_document import number_key, plain

    key = number_key(fields.get("doc_number"))
    if status not in ("indexed", "returned") or key is None or not plain(fields.get("title")):
        return None
    return key, plain(_read_indexed_text((indexed or {}).get("text") or "")[1])  # the 正文, as the batch claimed it


def _state(root: Path, r: dict, indexed: dict | None) -> dict:
    """Where the document stood, from the files the batch left (status and ledger fields)."""
    paths = DataRoot(root)
    prefix = numbered(r["year"], r["seq"])
    for reason in sorted(paths.quarantine.glob(f"{prefix}*.原因.txt")):
        text = reason.read_text(encoding="utf-8").strip()
        return {"status": "quarantined", "reason": text}
    number = r["number"]
    if paths.registration(r["year"], r["seq"], LETTER_SUFFIX).is_file():  # a 来信: taken into its register again by the
        return {"status": "registered"}  # next batch, its number, category and 转出 kept (pipelines/letters/register.py)
    decided = read_decision(root, r["year"], r["seq"]) or {}
    if decided.get("kind") == CLASSIFIED:  # the 机要室's: routed there, never back into search (secrecy_records.py)
        return {"status": "routed", "department": CONFIDENTIAL_OFFICE, "route_source": "classified",
                "route_reason": decided.get("reason") or "涉密公文，转机要室办理"}
    if decided.get("kind") == HELD and not indexed:  # still waiting for the 机要员
        return {"status": "held", "reason": decided.get("reason")}
    fields: dict = {}
    reports = sorted(paths.outbox.glob(f"*/{number}-审核意见.json")) + sorted(paths.withdrawn.glob(f"*/{number}-审核意见.json"))
    if reports:
        report = json.loads(reports[0].read_text(encoding="utf-8"))
        doc = report.get("document", {})
        fields.update(issuer=doc.get("issuer"), doc_number=doc.get("doc_number"), doc_type=doc.get("doc_type"),
                      title=doc.get("title"), urgency=doc.get("urgency"), secrecy=doc.get("secrecy"),
                      verdict=report.get("verdict"), findings=json.dumps(report.get("findings", []), ensure_ascii=False),
                      format=report.get("format"), pages=report.get("pages"))
    withdrawn = bool(list(paths.withdrawn.glob(f"*/{number}-*")))
    if indexed:
        if not fields.get("doc_number"):  # the index keeps the text, not the 发文字号: read it from the text again
            fields["doc_number"] = _read_indexed_text(indexed.get("text") or "")[0]
        fields.update(title=indexed["title"], issuer=indexed["issuer"], doc_type=indexed["doc_type"],
                      department=indexed["department"], verdict=indexed["verdict"], route_source="rebuilt")
        return {"status": "indexed", **fields, **({"return_state": "withdrawn"} if withdrawn else {})}
    if reports and not withdrawn:
        notices = sorted(paths.outbox.glob(f"*/{number}-退文通知单*.docx"))
        resent = any("重发" in p.name for p in notices)
        last = notices[-1] if notices else None
        return {"status": "returned", **fields, "return_state": "resent" if resent else "sent",
                "return_path": str(last.relative_to(root)) if last else None}
    clerk = read_review(root, r["year"], r["seq"]) or {}
    if clerk.get("kind") in REVIEW_WAITING:  # 待复核: waits for the clerk again, never re-decided by a batch
        return {"status": "review_held", "reason": clerk.get("reason"),
                "verdict": "return", "findings": json.dumps(clerk.get("findings") or [], ensure_ascii=False)}
    return {"status": "registered", **({"return_state": "withdrawn"} if withdrawn else {})}
