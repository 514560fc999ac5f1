"""The office the web desk's tests use (测试用机关): a real data root made by one real batch, and accounts.

build(root) runs the batch over:
    the sample e-documents (samples/inbox/edoc): a 请示 (rule → 文秘科), a 函 (→ 办公室), a 通知, a 汇报 that
        breaks GB/T 9704 (退文), a PDF cut off in transfer (隔离)
    a 机密★1年 通知 on 鸬鹚 (classified: 机要室, never indexed)
    a 通知 whose 密级 line cannot be read (密级：▇▇): held for the 机要员
    a 通知 whose title holds <script>alert(1)</script> (must show as text everywhere)
and then gives the returned 汇报 a finding with a box in mm (branch `parser` adds boxes to reports; until it
lands the tests draw this hand-made one: the 版心 of GB/T 9704 5.2.1, 156 mm × 225 mm at 28 mm / 37 mm).

ACCOUNTS: one per role (staff: 文秘科 and 办公室), passwords known to the tests.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

from . import builder

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples" / "inbox" / "edoc"
REQUEST = "筑教呈2026-5号-校舍维修资金请示.pdf"
LETTER = "筑交函2026-21号-农村公路养护资金.ofd"
REPORT = "筑教呈2026-7号-上半年工作汇报.docx"
NOTICE = "筑教发2026-12号-冬季学校安全工作通知.docx"
CUT = "传输中断-半截文件.pdf"
SECRET_TITLE = "贵阳市教育局关于鸬鹚保护工作的通知"
HELD_TITLE = "贵阳市教育局关于白鹭观测工作的通知"
SCRIPT_TITLE = "贵阳市教育局关于<script>alert(1)</script>演练工作的通知"
BOX = [28.0, 37.0, 184.0, 262.0]  # [x0, y0, x1, y1] in mm on its page (validators/boxes.py): the 版心, 156 × 225 mm

ACCOUNTS = {  # username: (role, department, password)
    "wenmi": ("clerk", None, "文秘科的密码-2026"),
    "keyan": ("staff", "文秘科", "承办人员的密码-2026"),
    "bangong": ("staff", "办公室", "办公室的密码-2026"),
    "jiyao": ("confidential", None, "机要员的密码-2026"),
    "lingdao": ("leader", None, "领导的密码-2026"),
    "guanli": ("admin", None, "管理员的密码-2026"),
}


def build(root: Path) -> dict:
    """Make the office at `root` (see the module docstring); returns {file name: ledger row}."""
    from pipelines.accounts import Accounts
    from pipelines.batch import run_batch
    from pipelines.config import load
    from pipelines.office import Office

    inbox = root / "inbox" / "edoc"
    inbox.mkdir(parents=True)
    for name in (REQUEST, LETTER, REPORT, NOTICE, CUT):
        shutil.copy(SAMPLES / name, inbox / name)
    yesterday = time.time() - 86400  # the cut PDF is a transfer that broke off long ago: quarantined, not awaited
    os.utime(inbox / CUT, (yesterday, yesterday))
    builder.write_text(builder.conformant_notice(secrecy="机密★1年", title=SECRET_TITLE), inbox / "机密-鸬鹚保护.txt")
    builder.write_text(builder.conformant_notice(secrecy="密级：▇▇", title=HELD_TITLE), inbox / "白鹭观测.txt")
    builder.write_text(builder.conformant_notice(title=SCRIPT_TITLE), inbox / "演练通知.txt")
    config = load(root, environ={})
    run_batch(root, config=config)
    with Office.open(root, config, create=False) as office:
        rows = {r["file"]: r for r in office.ledger.rows()}
        report = rows[REPORT]
        findings = json.loads(report["findings"] or "[]")
        findings.insert(0, {"rule": "layout.text-block", "severity": "error", "clause": "GB/T 9704-2012 5.2.1",
                            "message": "版心尺寸不符（手工构造的带框意见，供页面标注测试）", "page": 1, "evidence": None,
                            "expected": "156 mm × 225 mm", "box": BOX})
        office.ledger.conn.execute("UPDATE documents SET findings = ? WHERE id = ?",
                                   (json.dumps(findings, ensure_ascii=False), report["id"]))
        accounts = Accounts.open(office)
        for name, (role, department, password) in ACCOUNTS.items():
            accounts.add(name, role, password, department, display={"keyan": "张科员", "jiyao": "李机要"}.get(name, ""))
        return {r["file"]: r for r in office.ledger.rows()}


def copy(made: Path, target: Path) -> Path:
    shutil.copytree(made, target, ignore=shutil.ignore_patterns(".batch.lock"))
    return target
