"""The 承办/督办 commands of `shouwen` (命令行), registered in one place:

    shouwen due [--days N] [--department 部门] [--leader 姓名] [--json]    督办: overdue and due within N working days
    shouwen handling 收文编号 [--json]                                      one record and its history
    shouwen propose 收文编号 --words "…" [--category 省部级批示件|议题] [--due YYYY-MM-DD]   拟办意见
    shouwen instruct 收文编号 --by 姓名 --words "…" [--title 职务] [--category …] [--due …]  批办 (代录)
    shouwen classify 收文编号 办件|阅件 [--reason "…"]                        改定办件/阅件
    shouwen sign 收文编号                                                   签收
    shouwen return 收文编号 --reason "…"                                    退回 (mis-routed)
    shouwen progress 收文编号 --words "…" [--file F]…                        办理情况
    shouwen extend 收文编号 --to YYYY-MM-DD --approved-by 姓名 [--reason "…"]  延期
    shouwen answer 收文编号 --words "…"                                     答复 (来信)
    shouwen done 收文编号 [--result "…"]                                    办结
    shouwen circulate 收文编号 --readers 甲,乙,丙                            传阅 (阅件)
    shouwen read 收文编号 [--reader 姓名]                                   已阅
    shouwen archive 收文编号                                                归档
    shouwen remind                                                          催办 now (the batch's reminder step)
    shouwen form 收文编号 [--out F.docx]                                     收文处理单
    shouwen report YYYY-MM [--department 部门 | --each] [--out DIR] [--pdf]   督查专报 (docx + xlsx)
Every command takes --root (and --config) and acts as the CLI's actor (--user 用户名 --password-stdin, else the
operator, a clerk); --confidential asks for the 机要员's view (classified documents included) and needs a 机要员
account: who may take which step is pipelines/access.py's.

The CLI's table hooks these with one line: `add_parsers(sub, root_help)` registers every parser with
`set_defaults(run=<handler>)`; main() calls `args.run(args)`. This module imports only argparse at load: a
handler imports what it needs when it runs (`due` loads no spaCy, Prefect or OCR engine).
"""
from __future__ import annotations

import argparse
import json
import sys

EXIT_OK, EXIT_UNUSABLE = 0, 2
RAW = argparse.RawDescriptionHelpFormatter


def cli_actor(args=None):
    """The CLI's actor (seam S2): the account the command logged in as (--user; pipelines/accounts_cmd.login), else
    the server's operator cli:<os user>, a clerk. --confidential asks for the 机要员's view: refused (access.py:
    view_confidential) unless the actor is a 机要员 account."""
    from ..access import require
    from ..actors import cli_actor as terminal_actor

    actor = getattr(args, "actor", None) or terminal_actor()
    if getattr(args, "confidential", False):
        require(actor, "view_confidential")
    return actor


def _command(name: str, help_: str, description: str, run, arguments=None, key: bool = True):
    """One 承办/督办 command for the CLI's table (pipelines/commands): the document's 收文编号 first (key), the
    机要员's --confidential view, then its own arguments; --root and --config come from the table."""
    from pipelines.commands import Command

    def add(p: argparse.ArgumentParser) -> None:
        if key:
            p.add_argument("document", metavar="DOC", help="收文编号，如 收〔2026〕12号 或 2026-12 / ledger number")
        p.add_argument("--confidential", action="store_true",
                       help="机要员查看：包括涉密公文，须以机要员账户办理（--user）/ the confidential clerk's view (an account)")
        if arguments is not None:
            arguments(p)

    return Command(name, help_, description, add, run, action=name, positional=("key",) if key else ())


def _due_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--days", type=_natural, default=None, help="到期前的工作日数（默认 [handling] remind_working_days）/ window")
    p.add_argument("--department", help="只看该承办部门 / one department")
    p.add_argument("--leader", help="只看该领导批示的 / one leader's")
    p.add_argument("--json", action="store_true", help="以 JSON 输出 / as JSON")


def _handling_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="以 JSON 输出 / as JSON")


def _propose_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--words", required=True, help="拟办意见 / the proposal")
    p.add_argument("--category", choices=("省部级批示件", "议题"), help="类别（决定办理期限）/ category")
    p.add_argument("--due", metavar="YYYY-MM-DD", help="写明的办理期限 / an explicit deadline")


def _instruct_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--by", required=True, metavar="姓名", help="批示领导 / the leader")
    p.add_argument("--words", required=True, help="批示内容 / the instruction")
    p.add_argument("--title", metavar="职务", help="领导职务（如 市长、副省长；默认按 [handling] leaders）/ the leader's title")
    p.add_argument("--category", choices=("省部级批示件", "议题"), help="类别 / category")
    p.add_argument("--due", metavar="YYYY-MM-DD", help="批示写明的期限 / an explicit deadline")


def _classify_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", choices=("办件", "阅件"), help="办件（需办理结果）或 阅件 / the kind")
    p.add_argument("--reason", help="理由 / why")


def _return_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reason", required=True, help="退回理由 / why")


def _progress_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--words", required=True, help="办理情况 / the note")
    p.add_argument("--file", action="append", default=[], metavar="FILE", help="附件，可重复 / attach a file (repeatable)")


def _extend_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", required=True, metavar="YYYY-MM-DD", help="新的期限 / the new deadline")
    p.add_argument("--approved-by", required=True, metavar="姓名", help="批准人 / who approved it")
    p.add_argument("--reason", help="延期理由 / why")


def _answer_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--words", required=True, help="答复内容 / the answer")


def _done_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--result", help="办理结果 / the result")


def _circulate_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--readers", required=True, help="传阅人，按顺序，以逗号或顿号分隔 / readers in order, comma-separated")


def _read_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--reader", metavar="姓名", help="传阅人（默认当前用户）/ the reader")


def _form_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", metavar="FILE", help="输出文件（默认 收文处理单-编号.docx）/ output file")
    p.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 转成 PDF / also convert to PDF")


def _report_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("month", metavar="YYYY-MM", help="月份 / the month")
    p.add_argument("--department", help="只统计该承办部门 / one department")
    p.add_argument("--each", action="store_true", help="全机关一份，另为每个承办部门各出一份 / also one per department")
    p.add_argument("--out", metavar="DIR", default=".", help="输出目录（默认当前目录）/ output folder")
    p.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 把专报转成 PDF / also convert the report to PDF")


def _natural(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为 0 或正整数，而不是“{text}”") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"应为 0 或正整数，而不是 {value}")
    return value


# -- running ------------------------------------------------------------------------------------------------

def _office(args):
    from ..dataroot import data_root
    from ..office import Office

    return Office.open(data_root(args.root), create=False)


def _refused(exc, args) -> int:
    """A HandlingRefusal's Chinese line, and its Action as a command line (seam S3)."""
    from ..terminal import shown

    print(shown(f"shouwen: {exc.message}"), file=sys.stderr)
    action = getattr(exc, "action", None)
    if action is not None:
        print(shown(f"可运行：{action_line(action, args)}"), file=sys.stderr)
    return EXIT_UNUSABLE


def action_line(action, args=None) -> str:
    """An Action as the command that does it: shouwen sign 收〔2026〕3号 --root R."""
    parts = ["shouwen", {"route": "route"}.get(action.name, action.name)]
    extra = dict(action.args)
    if "key" in extra:
        parts.append(str(extra.pop("key")))
    if action.name == "classify" and "kind" in extra:
        parts.append(str(extra.pop("kind")))
    for name, value in extra.items():
        parts += [f"--{name.replace('_', '-')}", str(value)]
    if action.name == "route":
        parts.append("部门")
    if args is not None and getattr(args, "root", None):
        parts += ["--root", args.root]
    return " ".join("<部门>" if p == "部门" else _quote(p) for p in parts)


def _quote(part: str) -> str:
    """As the shell needs it: 收〔2026〕3号 stays as it is, a path with spaces or $ is quoted."""
    import shlex

    return shlex.quote(part) if not part or any(c.isspace() or c in "'\"\\$`;&|<>()*?[]{}!#~" for c in part) else part


def _call(args, operation):
    """Run operation(office) with the CLI's actor; a HandlingRefusal becomes its line and exit 2."""
    from .calendar import CalendarFileError
    from .refusals import HandlingRefusal
    from .words import WordsError

    try:
        with _office(args) as office:
            return operation(office), None
    except HandlingRefusal as exc:
        return None, _refused(exc, args)
    except (CalendarFileError, WordsError) as exc:
        print(f"shouwen: {exc}", file=sys.stderr)
        return None, EXIT_UNUSABLE


def _step(args, name: str, operation, say) -> int:
    step, code = _call(args, operation)
    if code is not None:
        return code
    from ..terminal import shown

    print(shown(say(step)))
    return EXIT_OK


def _head(rec) -> str:
    return f"{rec.number}《{rec.title}》"


def _due_words(rec) -> str:
    if rec.due_unknown:
        return "期限无法计算"
    if not rec.due:
        return "无办理期限"
    if rec.due_state == "overdue":
        return f"期限 {rec.due}，已超期 {-rec.days_left} 个工作日" if rec.days_left is not None else f"期限 {rec.due}，已超期"
    if rec.due_state in ("due_soon", "on_time") and rec.days_left is not None:
        return f"期限 {rec.due}，还有 {rec.days_left} 个工作日"
    return f"期限 {rec.due}"


def _propose(args) -> int:
    from . import ops

    return _step(args, "propose", lambda o: ops.propose(o, args.document, args.words, actor=cli_actor(args), category=args.category,
                                                         due=args.due, include_confidential=args.confidential),
                 lambda s: f"{_head(s.record)}已记录拟办意见；{_due_words(s.record)}")


def _instruct(args) -> int:
    from . import ops

    def say(s) -> str:
        e = s.event
        typed = f"（由 {e.actor} 代录）" if e.on_behalf_of else ""
        return (f"{_head(s.record)}已记录{e.data.get('leader')}的批示{typed}；按{s.record.kind}办理（{s.record.kind_reason}）；"
                f"{_due_words(s.record)}")
    return _step(args, "instruct", lambda o: ops.instruct(o, args.document, args.words, actor=cli_actor(args), by=args.by,
                                                           title=args.title, category=args.category, due=args.due,
                                                           include_confidential=args.confidential), say)


def _classify(args) -> int:
    from . import ops

    return _step(args, "classify", lambda o: ops.classify(o, args.document, args.kind, actor=cli_actor(args), reason=args.reason,
                                                           include_confidential=args.confidential),
                 lambda s: f"{_head(s.record)}已改定为{s.record.kind}；{_due_words(s.record)}")


def _sign(args) -> int:
    from . import ops

    return _step(args, "sign", lambda o: ops.sign(o, args.document, actor=cli_actor(args), include_confidential=args.confidential),
                 lambda s: f"{_head(s.record)}已由{s.record.department}签收；{_due_words(s.record)}")


def _give_back(args) -> int:
    from . import ops

    return _step(args, "return", lambda o: ops.give_back(o, args.document, args.reason, actor=cli_actor(args),
                                                          include_confidential=args.confidential),
                 lambda s: f"{_head(s.record)}已由{s.record.department}退回文秘人员（{s.event.words}）；"
                           f"请改办：shouwen route {s.record.number} <部门>")


def _progress(args) -> int:
    from pathlib import Path

    from . import ops

    def say(s) -> str:
        files = s.event.data.get("files") or []
        return f"{_head(s.record)}已记录办理情况" + (f"，附件 {len(files)} 个已保存" if files else "")
    return _step(args, "progress", lambda o: ops.progress(o, args.document, args.words, actor=cli_actor(args),
                                                           files=[Path(f) for f in args.file],
                                                           include_confidential=args.confidential), say)


def _extend(args) -> int:
    from . import ops

    return _step(args, "extend", lambda o: ops.extend(o, args.document, args.to, actor=cli_actor(args), approved_by=args.approved_by,
                                                       reason=args.reason, include_confidential=args.confidential),
                 lambda s: f"{_head(s.record)}期限由 {s.event.data.get('was') or '—'} 延至 {s.record.due}（{args.approved_by}批准）")


def _answer(args) -> int:
    from . import ops

    return _step(args, "answer", lambda o: ops.answer(o, args.document, args.words, actor=cli_actor(args),
                                                       include_confidential=args.confidential),
                 lambda s: f"{_head(s.record)}已记录答复")


def _done(args) -> int:
    from . import ops

    def say(s) -> str:
        on_time = s.record.on_time
        when = "" if on_time is None else ("，按期办结" if on_time else f"，超期办结（期限 {s.record.due}）")
        return f"{_head(s.record)}已办结{when}"
    return _step(args, "done", lambda o: ops.done(o, args.document, actor=cli_actor(args), result=args.result,
                                                   include_confidential=args.confidential), say)


def _circulate(args) -> int:
    import re

    from . import ops

    readers = [r for r in re.split(r"[,，、;；\s]+", args.readers) if r]
    return _step(args, "circulate", lambda o: ops.circulate(o, args.document, readers, actor=cli_actor(args),
                                                             include_confidential=args.confidential),
                 lambda s: f"{_head(s.record)}已送传阅：{' → '.join(s.record.readers)}")


def _read(args) -> int:
    from . import ops

    def say(s) -> str:
        rest = s.record.readers[len(s.record.read_by):]
        return (f"{_head(s.record)}{s.event.data['reader']}已阅；"
                + (f"下一位：{rest[0]}" if rest else "传阅完毕，已办结（阅件）"))
    return _step(args, "read", lambda o: ops.read(o, args.document, actor=cli_actor(args), reader=args.reader,
                                                   include_confidential=args.confidential), say)


def _archive(args) -> int:
    from . import ops

    return _step(args, "archive", lambda o: ops.archive(o, args.document, actor=cli_actor(args),
                                                         include_confidential=args.confidential),
                 lambda s: f"{_head(s.record)}已归档")


def _show(args) -> int:
    from ..terminal import shown
    from . import ops

    rec, code = _call(args, lambda o: ops.record(o, args.document, actor=cli_actor(args), include_confidential=args.confidential))
    if code is not None:
        return code
    if args.json:
        print(json.dumps(rec.to_dict(), ensure_ascii=False))
        return EXIT_OK
    print(shown(f"{_head(rec)}　{rec.state_zh}　{rec.kind}　承办部门：{rec.department or '—'}　{_due_words(rec)}"))
    print(shown(f"  期限依据：{rec.due_rule}；类别依据：{rec.kind_reason}"))
    if rec.due_unknown:
        print(shown(f"  注意：{rec.due_unknown}"))
    for event in rec.events:
        print(shown("  " + ops.event_line(event)))
    return EXIT_OK


def _due(args) -> int:
    from ..terminal import shown
    from .queries import due

    found, code = _call(args, lambda o: due(o, actor=cli_actor(args), days=args.days, department=args.department,
                                            leader=args.leader, include_confidential=args.confidential))
    if code is not None:
        return code
    if args.json:
        def item(r) -> dict:
            return {"number": r.number, "title": r.title, "department": r.department, "leader": r.leader, "due": r.due,
                    "days_left": r.days_left, "due_state": r.due_state, "state": r.state, "kind": r.kind}
        print(json.dumps({"today": found.today, "days": found.days, "overdue": [item(r) for r in found.overdue],
                          "due_soon": [item(r) for r in found.due_soon], "unknown": [item(r) for r in found.unknown],
                          "by_department": found.by_department, "by_leader": found.by_leader,
                          "calendar_notice": found.calendar_notice}, ensure_ascii=False))
        return EXIT_OK
    print(f"今天 {found.today}：超期 {len(found.overdue)} 件，{found.days} 个工作日内到期 {len(found.due_soon)} 件")
    for title, recs in (("超期未办结", found.overdue), (f"{found.days} 个工作日内到期", found.due_soon)):
        if recs:
            print(f"【{title}】")
            for r in recs:
                leader = f"　批示：{r.leader}" if r.leader else ""
                print(shown(f"  {_head(r)}　{r.department}　{r.state_zh}　{_due_words(r)}{leader}"))
    if found.unknown:
        print(f"【期限无法计算】{len(found.unknown)} 件：" + "、".join(r.number for r in found.unknown))
        print(shown(f"  {found.calendar_notice}"), file=sys.stderr)
    if found.by_department:
        print("【按承办部门】" + "；".join(shown(f"{k} 超期{v['overdue']} 将到期{v['due_soon']}") for k, v in found.by_department.items()))
    if found.by_leader:
        print("【按批示领导】" + "；".join(shown(f"{k} 超期{v['overdue']} 将到期{v['due_soon']}") for k, v in found.by_leader.items()))
    return EXIT_OK


def _remind(args) -> int:
    from ..terminal import shown
    from .remind import remind

    done, code = _call(args, lambda o: remind(o, actor=cli_actor(args)))
    if code is not None:
        return code
    if done.opened:
        print(f"补建承办记录 {len(done.opened)} 件")
    print(f"{done.day} 催办 {len(done.chased)} 件（今天已催办过的 {done.already} 件不再重复）")
    for c in done.chased:
        late = f"已超期 {c.overdue_days} 个工作日" if c.overdue_days else "即将到期"
        print(shown(f"  {c.number}　{c.department}　期限 {c.due}　{late}"))
    for notice in done.notices:
        print(shown(f"催办通知：{notice}"))
    if done.calendar_notice:
        print(shown(f"注意：{len(done.unknown)} 件期限无法计算：{done.calendar_notice}"), file=sys.stderr)
    return EXIT_OK


def _to_pdf(paths, out_dir) -> list:
    from extractors.convert import convert_files

    return convert_files(list(paths), "pdf", out_dir, timeout=300)


def _form(args) -> int:
    from pathlib import Path

    from ..outputs import writable_file
    from ..terminal import shown
    from . import forms

    if args.out:  # before the work: an unwritable path is one line naming it (pipelines/outputs.py)
        writable_file(args.out)

    def make(office):
        rec_number = office.ledger.find(args.document)
        name = f"收文处理单-{rec_number['year']}-{rec_number['seq']}.docx" if rec_number else "收文处理单.docx"
        return forms.processing_form(office, args.document, Path(args.out or name), actor=cli_actor(args),
                                     include_confidential=args.confidential)
    out, code = _call(args, make)
    if code is not None:
        return code
    print(shown(f"收文处理单：{out}"))
    if args.pdf:
        for pdf in _to_pdf([out], out.parent):
            print(shown(f"PDF：{pdf}"))
    return EXIT_OK


def _report(args) -> int:
    from pathlib import Path

    from ..outputs import writable_folder
    from ..terminal import shown
    from . import forms

    writable_folder(args.out)  # before the work: an unwritable folder is one line naming it (pipelines/outputs.py)

    def make(office) -> list:
        if args.each and not args.department:
            return forms.monthly_reports(office, args.month, Path(args.out), actor=cli_actor(args),
                                         include_confidential=args.confidential)
        return [forms.monthly_report(office, args.month, Path(args.out), actor=cli_actor(args), department=args.department,
                                     include_confidential=args.confidential)]
    made, code = _call(args, make)
    if code is not None:
        return code
    t = made[0].report.total
    print(f"{args.month}：收件 {t.received}，办结 {t.done}（按期 {t.on_time}，超期 {t.late}），超期未办结 {t.overdue}，"
          f"平均办理 {t.avg_days if t.avg_days is not None else '—'} 个工作日")
    for done in made:
        print(shown(f"督查专报（{done.report.scope}）：{done.docx}"))
        print(shown(f"          {done.xlsx}"))
    if args.pdf:  # the reports; the workbooks are for Excel and WPS
        for pdf in _to_pdf([done.docx for done in made], made[0].docx.parent):
            print(shown(f"PDF：{pdf}"))
    return EXIT_OK


# -- the commands, for the CLI's table (pipelines/commands: one line each in COMMANDS) ---------------------

DUE = _command("due", "督办：超期和即将到期的承办件 / overdue and due soon",
                "督办：列出超期未办结和 N 个工作日内到期的办件，按承办部门和批示领导汇总。\n"
                "List overdue documents and those due within N working days, per department and leader.", _due, _due_arguments, key=False)
HANDLING = _command("handling", "查看一件收文的承办记录 / show a document's handling record",
                "查看一件收文的承办记录：状态、期限和每一步（办理人、时间、意见）。\nShow one handling record and its history.", _show, _handling_arguments)
PROPOSE = _command("propose", "拟办意见 / the clerk's proposal", "记录文秘人员的拟办意见。Record the clerk's proposal.", _propose, _propose_arguments)
INSTRUCT = _command("instruct", "批办：记录领导批示 / record a leader's instruction",
                "批办：记录领导批示（领导本人录入，或文秘人员代领导录入：录入人和领导都记下）。\n"
                "批示用语决定办件或阅件（阅研、阅处、酌处… 为办件；阅、参考、阅知 为阅件）。\n"
                "Record a leader's instruction (typed by the leader or by the clerk on their behalf).", _instruct, _instruct_arguments)
CLASSIFY = _command("classify", "改定办件或阅件 / overrule 办件 or 阅件", "文秘人员改定办件或阅件。Overrule the kind.", _classify, _classify_arguments)
SIGN = _command("sign", "签收 / sign for a document", "承办部门签收。The department signs for the document.", _sign)
RETURN = _command("return", "退回：误分的收文退回文秘人员 / return a mis-routed document",
                "退回：承办部门认为不属本部门办理的，写明理由退回文秘人员改办（改办后承办记录随文移交）。\n"
                "Return a mis-routed document to the clerk, with the reason.", _give_back, _return_arguments)
PROGRESS = _command("progress", "办理情况 / a progress note", "记录办理情况，可附文件（按内容保存于数据目录）。Record progress.", _progress, _progress_arguments)
EXTEND = _command("extend", "延期 / extend the deadline", "延期：写明新的期限和批准人。Extend the deadline.", _extend, _extend_arguments)
ANSWER = _command("answer", "答复来信 / answer a citizen's letter", "记录对来信人的答复。Record the answer to a letter.", _answer, _answer_arguments)
DONE = _command("done", "办结 / finish", "办结：办件须写明办理结果；阅件无需结果。Close the record.", _done, _done_arguments)
CIRCULATE = _command("circulate", "传阅（阅件）/ circulate a read-only document",
                "传阅：阅件按顺序送传阅人阅，每人已阅后记下，最后一人阅毕即办结。Circulate to readers in order.", _circulate, _circulate_arguments)
READ = _command("read", "已阅 / mark read", "记录传阅人已阅。Record a reader's 已阅.", _read, _read_arguments)
ARCHIVE = _command("archive", "归档 / archive", "办结后归档。Archive after 办结.", _archive)
REMIND = _command("remind", "催办：立即运行催办步骤 / run the reminder step now",
            "催办：为超期和即将到期的办件按承办部门写催办通知（reminders/日期/），并在承办记录中记下。\n"
            "Run the reminder step now (the scheduled batch runs it too).", _remind, key=False)
FORM = _command("form", "打印收文处理单 / print the processing form", "生成一件收文的收文处理单（docx）。Make the 收文处理单.", _form, _form_arguments)
REPORT = _command("report", "督查专报（月报）/ the monthly supervision report",
                "生成某月的督查专报（docx 和 xlsx，含当月图表）：全机关，或一个承办部门。\n"
                "Make the monthly report (docx and xlsx, with the month's chart).", _report, _report_arguments, key=False)
