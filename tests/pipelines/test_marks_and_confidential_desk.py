"""What a fresh user found on the merged batch (a 请示's phone number in its everyday forms, a 密级 in brackets or
after a 份号, a title broken by a manual line break, the clerk's commands around 机要 and the ledger), each
written as the clerk met it; the right values come from the inputs and GB/T 9704-2012, not from our output."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from extractors import UnusableInput, extract
from extractors.elements import parse_elements
from pipelines.returns import sender_folder
from pipelines.review import review_document
from pipelines.secrecy import CLASSIFIED, index_decision
from tests import builder

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args, root: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--root", str(root)], capture_output=True,
                          text=True, cwd=ROOT, timeout=600, env=env)


def _as_confidential(*args, root: Path) -> subprocess.CompletedProcess:
    """The CLI acting as the 机要员 account ($SHOUWEN_USER / $SHOUWEN_PASSWORD): 转机要室 and release are theirs."""
    from ..cli_accounts import confidential_env

    return _cli(*args, root=root, env=confidential_env(root))


@pytest.mark.parametrize("phone", ["86881234", "（0851）86881234", "0851 86881234", "0851-8688 1234", "86881234转8012",
                                   "8688-1234", "13812345678", "138 0851 1234", "0851-85551234"])
def test_a_request_whose_annotation_gives_a_phone_in_any_everyday_form_is_not_returned(tmp_path, phone):
    """GB/T 9704-2012 7.3.6 and the local rule ask a 请示's 附注 for a contact person and a telephone number; none
    of these ways of writing a number is a reason for 退文."""
    spec = builder.conformant_request(annotation=f"（联系人：刘芳，电话：{phone}）")
    report = review_document(builder.write_text(spec, tmp_path / "请示.txt").read_bytes(), "请示.txt").report
    assert [f for f in report["findings"] if f["rule"] == "element.annotation"] == []
    assert report["verdict"] == "accept"


def test_a_request_whose_annotation_has_no_phone_is_still_returned(tmp_path):
    spec = builder.conformant_request(annotation="（联系人：刘芳）")
    report = review_document(builder.write_text(spec, tmp_path / "请示.txt").read_bytes(), "请示.txt").report
    assert any(f["rule"] == "element.annotation" and f["severity"] == "error" for f in report["findings"])


@pytest.mark.parametrize("mark, level", [("【机密】", "机密"), ("[秘密]", "秘密"), ("000123 机密★1年", "机密"),
                                         ("000123　秘密★1年", "秘密"), ("（绝密★10年）", "绝密"),
                                         ("份号：000123　密级：机密", "机密"), ("份号 000123 密级 机密", "机密"),
                                         ("★机密", "机密"), ("机密▲1年", "机密"), ("机密级", "机密"), ("机密，1年", "机密")])
def test_a_secrecy_mark_in_brackets_or_after_a_copy_number_is_classified(tmp_path, mark, level):
    text = builder.to_text(builder.conformant_notice(doc_number="筑公发〔2026〕41号"))
    review = review_document((mark + "\n" + text).encode("utf-8"), "通知.txt", channel="edoc")
    assert level in (review.report["document"]["secrecy"] or "")
    decision = index_decision(review)
    assert decision.kind == CLASSIFIED and not decision.indexable


@pytest.mark.parametrize("field", ["密级：无", "密级：非密", "密级：公开", "密级：一般", "份号：000123　密级：无", "密级：无密级",
                                   "密级：内部公开"])
def test_a_secrecy_field_that_says_unclassified_is_neither_classified_nor_held(field):
    text = builder.to_text(builder.conformant_notice())
    review = review_document((field + "\n" + text).encode("utf-8"), "通知.txt", channel="edoc")
    assert index_decision(review).indexable
    assert review.report["document"]["title"] == builder.conformant_notice().title


def test_a_classified_document_forwarded_in_a_mail_body_is_classified():
    """The 公文 pasted below a forwarded mail's own header lines (转发的邮件, 发件人, 日期, 主题)."""
    text = builder.to_text(builder.conformant_notice(secrecy="机密★1年"))
    body = ("张科长：转来市水务局文件，请阅。\n-------- 转发的邮件 --------\n发件人：办公室 <bgs@example.gov.cn>\n"
            "日期：2026年5月24日 10:00\n主题：" + builder.conformant_notice().title + "\n\n" + text)
    review = review_document(body.encode("utf-8"), "转发.txt", channel="mail")
    assert index_decision(review).kind == CLASSIFIED
    assert review.report["document"]["title"] == builder.conformant_notice().title


def test_a_bracketed_word_of_a_web_page_is_not_a_secrecy_mark(tmp_path):
    text = builder.to_text(builder.conformant_notice())
    review = review_document(("【打印】【关闭】\n" + text).encode("utf-8"), "通知.txt", channel="edoc")
    assert review.report["document"]["secrecy"] is None and index_decision(review).indexable


def test_a_title_broken_by_a_manual_line_break_is_one_title(tmp_path):
    import docx

    path = builder.write_docx(builder.conformant_notice(), tmp_path / "通知.docx")
    document = docx.Document(str(path))
    title = builder.conformant_notice().title
    paragraph = next(p for p in document.paragraphs if p.text == title)
    run = paragraph.runs[0]
    cut = title.index("安全")
    run.text = title[:cut]
    run.add_break()  # <w:br/>: what a clerk types with Shift+Enter
    tail = paragraph.add_run(title[cut:])
    tail.font.name, tail.font.size = run.font.name, run.font.size
    document.save(str(path))
    el = parse_elements(extract(path.read_bytes()))
    assert el.title.text == title


def test_a_sender_folder_is_never_hidden():
    assert sender_folder("../../../../tmp/逃逸目录") == "tmp逃逸目录"
    assert sender_folder("...") == "来文单位不明"


def test_a_reader_fault_prints_no_traceback_outside_the_cli(tmp_path):
    """The batch's worker processes have no logging set up: a reader's logged fault must not reach the terminal
    through Python's last-resort handler."""
    source = builder.write_docx(builder.conformant_notice(), tmp_path / "a.docx")
    broken = tmp_path / "crc.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(broken, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "word/styles.xml":
                data = data.replace(b"w:style", b"w:stylf", 1)  # a member whose bytes no longer match its CRC
                info.CRC = 0
            zout.writestr(info, data)
    code = ("import sys; from extractors import extract, UnusableInput\n"
            "try:\n    extract(open(sys.argv[1], 'rb').read())\nexcept UnusableInput as e:\n    print(e.reason)\n")
    done = subprocess.run([sys.executable, "-c", code, str(broken)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "Traceback" not in done.stderr and done.stderr.strip() == ""
    assert done.stdout.strip()  # the Chinese reason
    with pytest.raises(UnusableInput):
        extract(broken.read_bytes())


def test_route_refuses_an_empty_department_and_a_move_to_the_confidential_office_leaves_search(tmp_path):
    from pipelines.batch import run_batch
    from pipelines.ledger import SQLiteLedger

    root = tmp_path / "root"
    (root / "inbox" / "edoc").mkdir(parents=True)
    builder.write_docx(builder.conformant_notice(title="贵阳市教育局关于做好2026年鸬鹚保护工作的通知"),
                       root / "inbox" / "edoc" / "通知.docx")
    run_batch(root)
    row = SQLiteLedger(root / "ledger.sqlite3").rows()[0]
    assert row["status"] == "indexed"
    assert "鸬鹚" in _cli("search", "鸬鹚", root=root).stdout

    empty = _cli("route", row["number"], "", root=root)
    assert empty.returncode == 2 and "承办部门" in empty.stderr

    refused = _cli("route", row["number"], "机要室", root=root)  # the operator (a clerk) may not decide it
    assert refused.returncode == 2 and "无权转机要室" in refused.stderr
    moved = _as_confidential("route", row["number"], "机要室", root=root)
    assert moved.returncode == 0, moved.stderr
    after = SQLiteLedger(root / "ledger.sqlite3").get(row["id"])
    assert (after["department"], after["route_source"]) == ("机要室", "classified")
    assert "鸬鹚" not in _cli("search", "鸬鹚", root=root).stdout

    healthy = _cli("rebuild-ledger", root=root)
    assert healthy.returncode == 2 and "--force" in healthy.stderr
    assert SQLiteLedger(root / "ledger.sqlite3").get(row["id"])["route_source"] == "classified"  # nothing was rebuilt


def _one_marked_document(tmp_path: Path, secrecy: str) -> tuple[Path, dict]:
    """A data root after one batch over one 通知 (on 鸬鹚, a word no other document has) with this 密级 line;
    its ledger row."""
    from pipelines.batch import run_batch
    from pipelines.ledger import SQLiteLedger

    root = tmp_path / "root"
    (root / "inbox" / "edoc").mkdir(parents=True)
    builder.write_text(builder.conformant_notice(secrecy=secrecy, title="贵阳市教育局关于鸬鹚保护工作的通知"),
                       root / "inbox" / "edoc" / "通知.txt")
    run_batch(root)
    return root, SQLiteLedger(root / "ledger.sqlite3").rows()[0]


def test_the_confidential_clerk_sends_a_held_document_to_the_confidential_office(tmp_path):
    """A 密级 mark nobody could read holds the document (待机要员核定); the 机要员 reads it and sends it on."""
    from pipelines.batch import run_batch
    from pipelines.ledger import SQLiteLedger

    root, row = _one_marked_document(tmp_path, "密级：▇▇")
    assert row["status"] == "held"
    unseen = _cli("route", row["number"], "综合科", root=root)  # a held document does not exist for the clerk
    assert unseen.returncode == 2 and "登记簿中没有" in unseen.stderr and "鸬鹚" not in unseen.stderr
    elsewhere = _as_confidential("route", row["number"], "综合科", root=root)
    assert elsewhere.returncode == 2 and "机要室" in elsewhere.stderr
    done = _as_confidential("route", row["number"], "机要室", root=root)
    assert done.returncode == 0, done.stderr
    after = SQLiteLedger(root / "ledger.sqlite3").get(row["id"])
    assert (after["status"], after["department"], after["route_source"]) == ("routed", "机要室", "classified")
    run_batch(root)  # the next batch leaves it with the 机要室, out of search
    assert SQLiteLedger(root / "ledger.sqlite3").get(row["id"])["status"] == "routed"
    assert "鸬鹚" not in _cli("search", "鸬鹚", root=root).stdout


def test_the_confidential_clerk_releases_a_held_document_found_not_classified(tmp_path):
    """The 机要员 reads the mark nobody could read, finds it is not classified: the document is reviewed again,
    routed and indexed like any other (shouwen release); a second release is refused."""
    from pipelines.ledger import SQLiteLedger

    root, row = _one_marked_document(tmp_path, "密级：▇▇")
    assert row["status"] == "held"
    assert "鸬鹚" not in _cli("search", "鸬鹚", root=root).stdout
    told = _as_confidential("route", row["number"], "综合科", root=root)
    assert told.returncode == 2 and f"shouwen release {row['number']}" in told.stderr
    assert _cli("release", row["number"], root=root).returncode == 2  # not the operator's (a clerk's) to decide
    done = _as_confidential("release", row["number"], "--reason", "机要员查看原件：密级栏为空，非涉密", root=root)
    assert done.returncode == 0, done.stderr
    assert "非涉密" in done.stdout and "已入检索" in done.stdout
    after = SQLiteLedger(root / "ledger.sqlite3").get(row["id"])
    assert after["status"] == "indexed" and after["department"] and after["route_source"] != "classified"
    notes = [h["note"] for h in SQLiteLedger(root / "ledger.sqlite3").history(row["id"])]
    assert "机要员查看原件：密级栏为空，非涉密" in notes
    assert row["number"] in _cli("search", "鸬鹚", root=root).stdout
    again = _as_confidential("release", row["number"], root=root)
    assert again.returncode == 2 and "无需核定" in again.stderr


def test_a_document_with_a_readable_level_is_never_released_into_search(tmp_path):

    root, row = _one_marked_document(tmp_path, "机密★1年")
    assert row["department"] == "机要室"
    refused = _as_confidential("release", row["number"], root=root)
    assert refused.returncode == 2 and "标有密级，是涉密公文，不能转出机要室" in refused.stderr
    assert "鸬鹚" not in _cli("search", "鸬鹚", root=root).stdout


def test_the_shared_ledger_withholds_classified_titles_and_the_confidential_clerk_sees_them(tmp_path):
    """A 机密 document is the 机要室's: the shared 登记簿 does not list it at all — not its title, file name or
    number (issue 17 item 2: its numbering has a gap there, said nowhere); the 机要员's account sees it."""
    from pipelines.batch import run_batch

    root = tmp_path / "root"
    (root / "inbox" / "edoc").mkdir(parents=True)
    builder.write_text(builder.conformant_notice(secrecy="机密★1年", title="贵阳市教育局关于鸬鹚保护工作的通知"),
                       root / "inbox" / "edoc" / "机密-鸬鹚保护.txt")
    builder.write_text(builder.conformant_notice(title="贵阳市教育局关于冬季学校安全工作的通知"),
                       root / "inbox" / "edoc" / "冬季安全.txt")
    run_batch(root)
    from pipelines.ledger import SQLiteLedger

    secret_number = next(r["number"] for r in SQLiteLedger(root / "ledger.sqlite3").rows() if "鸬鹚" in r["file"])
    shared = _cli("ledger", root=root).stdout
    assert "鸬鹚" not in shared and secret_number not in shared and "涉密" not in shared
    assert "冬季学校安全工作" in shared  # an ordinary document is listed as before
    assert len(shared.splitlines()) == 2  # the headings and the one open document
    records = [json.loads(line) for line in _cli("ledger", "--json", root=root).stdout.splitlines()]
    assert [r["number"] for r in records] != [] and secret_number not in json.dumps(records, ensure_ascii=False)
    # the 机要员's view is a role (issue 17): a confidential account logs in; the flag alone, or a clerk, is refused
    refused = _cli("ledger", "--confidential", root=root)
    assert refused.returncode == 2 and "鸬鹚" not in refused.stdout and "无权查看涉密和待核定收文" in refused.stderr
    assert "--user 用户名 --password-stdin" in refused.stderr

    def as_user(*args, password: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pipelines.cli", *args, "--root", str(root)], capture_output=True,
                              text=True, cwd=ROOT, timeout=600, input=password + "\n")

    assert as_user("user", "add", "jiyao", "--role", "confidential", "--password-stdin", password="机要员的密码 2026").returncode == 0
    assert as_user("user", "add", "wenmi", "--role", "clerk", "--password-stdin", password="文秘的密码 2026-1").returncode == 0
    clerk = as_user("ledger", "--confidential", "--user", "wenmi", "--password-stdin", password="文秘的密码 2026-1")
    assert clerk.returncode == 2 and "鸬鹚" not in clerk.stdout and "无权查看涉密和待核定收文" in clerk.stderr
    wrong = as_user("ledger", "--confidential", "--user", "jiyao", "--password-stdin", password="猜的密码 123456")
    assert wrong.returncode == 2 and "鸬鹚" not in wrong.stdout and "用户名或密码不正确" in wrong.stderr
    assert "鸬鹚保护工作" in as_user("ledger", "--confidential", "--user", "jiyao", "--password-stdin",
                                   password="机要员的密码 2026").stdout


def test_a_document_sent_to_the_confidential_office_by_mistake_is_released_back_into_search(tmp_path):
    """改办 to the 机要室 by mistake (the clerk misread it): the 机要员 releases it, it is routed and searchable again."""
    root, row = _one_marked_document(tmp_path, "密级：公开")
    assert row["status"] == "indexed"
    sent = _as_confidential("route", row["number"], "机要室", root=root)
    assert sent.returncode == 0 and "鸬鹚" not in _cli("search", "鸬鹚", root=root).stdout
    assert row["number"] not in _cli("ledger", root=root).stdout  # with the 机要室: out of the shared 登记簿
    back = _as_confidential("release", row["number"], "--reason", "机要员核定：误转机要室，非涉密", root=root)
    assert back.returncode == 0, back.stderr
    assert row["number"] in _cli("search", "鸬鹚", root=root).stdout
    assert row["number"] in _cli("ledger", root=root).stdout
