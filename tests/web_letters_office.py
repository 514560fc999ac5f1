"""The office the web desk's 来信 and 待复核 tests use: a real data root made by one real batch over citizens'
letters (tests/data/letters: the 市长信箱 mail of issue 22 with 王先生's telephone 13812345678, three 12345
letters) and two documents the clerk must decide (待复核, issue 24 §1): a real 通知 flattened onto one line whose
退文 would rest on a doubtful reading (h15, tests/data/real), and a text too short to tell 来信 from 公文.

build(root) -> {file name: ledger row}; ACCOUNTS: the clerk, the leader, the 机要员, the staff of the department
the batch 交办'd the mail letter to (found after the batch: `handling_department(rows)`) and of another one.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from .real_corpus import DOCS

HERE = Path(__file__).resolve().parent
LETTERS = HERE / "data" / "letters"
MAIL = "1772410500.M1P1.mailhost"  # the 市长信箱 letter (王先生, 13812345678, wang2026@example.com)
PHONE = "13812345678"
WRITER = "王先生"
HELD = "兰州转发通报.txt"  # h15: a doubtful 退文, held
UNSURE = "物业.txt"  # 来信 or 公文: the clerk says
IN_12345 = ("建议-增设路灯.txt", "投诉-油烟扰民.txt", "咨询-居住证.txt")
CONFIG = """[office]
name = "某市人民政府办公厅"
[letters]
folders = ["12345"]
mailboxes = ["mayor@city.gov.cn"]
[handling]
letter_working_days = 10
"""
OTHER_DEPARTMENT = "另一个科"
PASSWORDS = {"wenmi": "文秘科的密码-2026", "chengban": "承办人员的密码-2026", "biede": "别的科的密码-2026",
             "lingdao": "领导的密码-2026", "jiyao": "机要员的密码-2026"}


def build(root: Path) -> dict:
    from pipelines.accounts import Accounts
    from pipelines.batch import run_batch
    from pipelines.config import load
    from pipelines.office import Office

    for folder in ("mail", "12345", "edoc"):
        (root / "inbox" / folder).mkdir(parents=True)
    (root / "shouwen.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copy(LETTERS / "市长信箱-道路积水.eml", root / "inbox" / "mail" / MAIL)
    for name in IN_12345:
        shutil.copy(LETTERS / name, root / "inbox" / "12345" / name)
    shutil.copy(DOCS / "h15-兰州市政府办2005-转发通报-通知-网页一行.txt", root / "inbox" / "edoc" / HELD)
    shutil.copy(LETTERS / "存疑-我们单位.txt", root / "inbox" / "edoc" / UNSURE)
    config = load(root, environ={})
    run_batch(root, config=config)
    with Office.open(root, config, create=False) as office:
        rows = {r["file"]: r for r in office.ledger.rows()}
        accounts = Accounts.open(office)
        roles = {"wenmi": ("clerk", None), "chengban": ("staff", rows[MAIL]["department"]),
                 "biede": ("staff", OTHER_DEPARTMENT), "lingdao": ("leader", None), "jiyao": ("confidential", None)}
        for name, (role, department) in roles.items():
            accounts.add(name, role, PASSWORDS[name], department, display={"chengban": "赵承办"}.get(name, ""))
        return rows


def copy(made: Path, target: Path) -> Path:
    shutil.copytree(made, target, ignore=shutil.ignore_patterns(".batch.lock"))
    return target
