"""The 来信 commands of `shouwen` (issue 22), each one line in pipelines/commands' table:

    shouwen letters [--size N --page N] [--from/--to/--category/--stage/--channel/--department] [--json]
                                                           the letters' register (来信登记簿), paged and filtered
    shouwen letter 信〔2026〕1号 [--json]                   one letter, with its history (who did what)
    shouwen letter-category 信〔2026〕1号 投诉              更正类别 (the next letters learn from it)
    shouwen transfer 信〔2026〕1号 --to 市信访局 --reason …  转出
    shouwen reply 信〔2026〕1号 --words "…"                 答复: recorded, and written back to the writer by mail
    shouwen letter-stats [--from YYYY-MM-DD] [--to …] [--json]   per category, per department, on time, days

交办 is the batch's (and `shouwen route` for a 改办), 签收 and 办结 the handling commands' (`shouwen sign`, `done`),
催办 the batch's reminder step. The CLI's actor is the clerk at the terminal (pipelines/actors.py). Names made
safe for a terminal here.
"""
from __future__ import annotations

import json

from pipelines.commands import EXIT_ACCEPTED, Command, positive
from pipelines.commands.desk import _office

KEY_HELP = "来信编号（信〔2026〕1号）或收文编号 / letter or ledger number"


def _print_entry(entry) -> None:
    from pipelines.terminal import shown

    who = f"{entry.writer or '（未署名）'}，{entry.contact or '（未留联系方式）'}" if not entry.personal_hidden else "（个人信息，不予显示）"
    print(shown(f"{entry.letter_number}（{entry.number}）【{entry.category or '未分类'}】{entry.subject}"))
    print(shown(f"  来信人：{who}；渠道：{entry.channel}；{entry.status_zh}"
                + (f"，承办：{entry.department}" if entry.department and entry.status != "transferred" else "")
                + (f"，转往：{entry.transferred_to}（{entry.transfer_reason}）" if entry.transferred_to else "")))
    if entry.answer:
        print(shown(f"  答复：{entry.answer}"))


def _letters(args) -> int:
    from pipelines.terminal import shown

    from . import ops

    filters = ops.LetterFilters(args.date_from, args.date_to, args.category, args.channel, args.department, args.stage)
    with _office(args) as office:
        if args.size is None:  # every letter, as before (a page as large as the register)
            page = ops.letters_page(office, filters, 1, 1000, actor=args.actor)
            found = list(page.entries)
            while page.page < page.pages:
                page = ops.letters_page(office, filters, page.page + 1, 1000, actor=args.actor)
                found += page.entries
            total = page.total
        else:
            page = ops.letters_page(office, filters, args.page, args.size, actor=args.actor)
            found, total = page.entries, page.total
    if args.json:
        for entry in found:
            print(json.dumps({**entry.to_dict(), "kind": "letter"}, ensure_ascii=False))
        return EXIT_ACCEPTED
    for entry in found:
        _print_entry(entry)
    line = f"来信 {total} 件"
    if args.size is not None:
        line += f"；第 {page.page} / {page.pages} 页"
        if page.page < page.pages:
            line += f"；下一页：--size {page.size} --page {page.page + 1}"
    print(shown(line))
    return EXIT_ACCEPTED


def _letter(args) -> int:
    from pipelines.desk.common import office_time
    from pipelines.desk.documents import actor_labels
    from pipelines.ledger import STATUS_ZH
    from pipelines.terminal import shown

    from . import ops

    with _office(args) as office:
        entry = ops.letter(office, args.key, actor=args.actor)
        if args.json:
            print(json.dumps({**entry.to_dict(), "kind": "letter"}, ensure_ascii=False))
            return EXIT_ACCEPTED
        # as the document's page shows it: the office's time, the states in Chinese, who acted by name
        labels = actor_labels(office, {line["actor"] or "batch" for line in entry.history})
        lines = [(office_time(office, line["at"]), STATUS_ZH.get(line["status"], line["status"]), line["note"] or "",
                  labels.get(line["actor"] or "batch", line["actor"])) for line in entry.history]
    _print_entry(entry)
    for at, status, note, who in lines:
        print(shown(f"  {at} {status} {note}（{who}）"))
    return EXIT_ACCEPTED


def _category(args) -> int:
    from pipelines.terminal import shown

    from . import ops

    with _office(args) as office:
        entry = ops.set_category(office, args.key, args.category, actor=args.actor)
    print(shown(f"{entry.letter_number} 类别已更正为“{entry.category}”"))
    return EXIT_ACCEPTED


def _transfer(args) -> int:
    from pipelines.terminal import shown

    from . import ops

    with _office(args) as office:
        entry = ops.transfer(office, args.key, args.to, args.reason, actor=args.actor)
    print(shown(f"{entry.letter_number} 已转出：{entry.transferred_to}（{entry.transfer_reason}）"))
    return EXIT_ACCEPTED


def _reply(args) -> int:
    from pipelines.terminal import shown

    from . import ops

    with _office(args) as office:
        done = ops.reply(office, args.key, args.words, actor=args.actor)
    where = f"答复邮件已写入 {done.reply_path}（待发送）" if done.reply_path else "来信渠道无回复地址，请按来信人留的联系方式答复"
    print(shown(f"{done.letter_number} 已答复；{where}"))
    return EXIT_ACCEPTED


def _stats(args) -> int:
    from . import ops

    with _office(args) as office:
        s = ops.stats(office, actor=args.actor, since=args.since, until=args.until)
    if args.json:
        print(json.dumps(s.__dict__, ensure_ascii=False))
        return EXIT_ACCEPTED
    print(f"来信 {s.total} 件；已答复 {s.answered} 件，其中按期 {s.answered_on_time} 件；平均答复用时 "
          + (f"{s.average_working_days} 个工作日" if s.average_working_days is not None else "—"))
    print("按类别：" + "，".join(f"{k} {v}" for k, v in sorted(s.by_category.items(), key=lambda kv: -kv[1])))
    print("按承办部门：" + "，".join(f"{k} {v}" for k, v in sorted(s.by_department.items(), key=lambda kv: -kv[1])))
    return EXIT_ACCEPTED


def _key(p):
    p.add_argument("key", metavar="LETTER", help=KEY_HELP)


def _letters_arguments(p) -> None:
    p.add_argument("--size", type=positive, help="每页件数（不给：全部）/ letters per page (default: all)")
    p.add_argument("--page", type=positive, default=1, help="第几页（与 --size 同用）/ page number")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD", help="受理日期起 / received from")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD", help="受理日期止 / received to")
    p.add_argument("--category", help="类别（批评、意见、建议、咨询、求助、投诉、表扬）/ category")
    p.add_argument("--stage", help="状态（已受理、已交办、已答复、已办结、已转出）/ stage")
    p.add_argument("--channel", help="渠道（市长信箱、12345 …）/ channel")
    p.add_argument("--department", help="承办部门 / department")
    p.add_argument("--json", action="store_true", help="每件一行 JSON")


LETTERS = Command("letters", "来信登记簿 / the citizens' letters register",
                  "列出群众来信（市长信箱、12345 等），可分页和筛选，个人信息按权限显示。\nList the citizens' letters.",
                  _letters_arguments, _letters)
LETTER = Command("letter", "查看一件来信及其办理记录 / one letter and its history",
                 "查看一件来信：来信人、渠道、类别、交办、答复、办结及每步办理人。\nOne letter and its history.",
                 lambda p: (_key(p), p.add_argument("--json", action="store_true", help="JSON")), _letter)
LETTER_CATEGORY = Command(
    "letter-category", "更正来信类别 / correct a letter's category",
    "更正来信类别（批评、意见、建议、咨询、求助、投诉、表扬）；此后相似来信按更正建议。\nCorrect a letter's category.",
    lambda p: (_key(p), p.add_argument("category", help="类别 / category")), _category,
    action="letter_category", positional=("key", "category"))
TRANSFER = Command(
    "transfer", "转出来信 / transfer a letter elsewhere",
    "转出：党委、部队、法院、检察院工作的意见，信访事项，来访等不属本渠道受理的，写明转往何处和理由。\n"
    "Transfer a letter the procedures send elsewhere.",
    lambda p: (_key(p), p.add_argument("--to", required=True, help="转往 / where"),
               p.add_argument("--reason", required=True, help="理由 / why")), _transfer,
    action="transfer", positional=("key",))
REPLY = Command(
    "reply", "答复来信 / answer a letter",
    "答复来信：记入承办记录（签收后），能回复的渠道（邮件）写出答复邮件待发送；答复后方可办结。\nAnswer a letter.",
    lambda p: (_key(p), p.add_argument("--words", required=True, help="答复内容 / the answer")), _reply,
    action="reply", positional=("key",))


def _stats_arguments(p) -> None:
    p.add_argument("--from", dest="since", metavar="YYYY-MM-DD", help="收文日期起")
    p.add_argument("--to", dest="until", metavar="YYYY-MM-DD", help="收文日期止")
    p.add_argument("--json", action="store_true", help="JSON")


LETTER_STATS = Command("letter-stats", "来信统计 / letter statistics",
                       "来信统计：按类别、按承办部门，按期答复件数，平均答复工作日。\nLetter statistics.",
                       _stats_arguments, _stats)
