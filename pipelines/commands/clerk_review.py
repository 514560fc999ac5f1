"""`shouwen review`: the clerk's 待复核 (issue 24 §1) at the terminal — without a decision, the queue of documents
whose 退文 rests on a doubtful reading; with --confirm or --dismiss, the clerk's 复核 of one (pipelines/desk/
review_ops.py). Names are made safe for a terminal here, at the CLI's edge."""
from __future__ import annotations

from . import EXIT_ACCEPTED, Command
from .desk import _office


def _arguments(rv) -> None:
    rv.add_argument("doc", metavar="DOC", nargs="?",
                    help="收文编号，如 收〔2026〕12号（不给：列出待复核的收文）/ ledger number (none: list the queue)")
    decided = rv.add_mutually_exclusive_group()
    decided.add_argument("--confirm", action="store_true", help="核对原件后确认退文 / confirm the 退文")
    decided.add_argument("--dismiss", action="store_true", help="退文理由不属实，转分办 / dismiss it: route the document")
    decided.add_argument("--letter", action="store_true", help="是群众来信：登记为来信，不按公文格式审核 / a citizen's letter")
    decided.add_argument("--document", action="store_true", help="是公文：按公文初审 / a 公文")
    rv.add_argument("--reason", default=None, help="复核意见 / the clerk's finding")


def _run(args) -> int:
    from .. import desk
    from ..refusals import DeskRefusal
    from ..terminal import shown

    with _office(args) as office:
        if not args.doc:
            queue = desk.review_queue(office, actor=args.actor)
            for held in queue:
                print(shown(f"{held.number}《{held.title}》 收文 {held.received_at[:10]}"))
                print(shown(f"  {held.reason}"))
                if "letter" in held.choices and "document" in held.choices:
                    print("  请核对：是来信（--letter）还是公文（--document）")
                for finding in held.findings:
                    print(shown(f"  拟退文理由：{finding.get('message', '')}（{finding.get('named', '')}）"))
            print(f"待复核 {len(queue)} 件" + ("：核对原件后用 shouwen review 收文编号 --confirm（确认退文）或 --dismiss"
                                              "（不予退文，转分办）" if queue else ""))
            return EXIT_ACCEPTED
        decision = next((d for d in ("confirm", "dismiss", "letter", "document") if getattr(args, d)), None)
        if decision is None:
            raise DeskRefusal("bad_decision", "复核须写明 --confirm（确认退文）、--dismiss（不予退文，转分办）、"
                                              "--letter（是来信）或 --document（是公文）")
        done = desk.review(office, args.doc, decision, args.reason, actor=args.actor)
    if done.decision == "confirm":
        print(shown(f"{desk.titled(done.row)}经复核确认退文，退文通知单：{done.notice}"))
    elif done.decision == "letter":
        print(shown(f"{done.row['number']} 经复核确定为来信，已登记为来信（{ {'indexed': '已交办', 'routed': '已交办', 'transferred': '已转出'}.get(done.status, done.status)}）"))
    elif done.decision == "document":
        print(shown(f"{done.row['number']} 经复核确定为公文，已按公文初审（现为{ {'indexed': '已入检索', 'returned': '已退文', 'review_held': '待复核'}.get(done.status, done.status)}）"))
    else:
        where = {"indexed": "已入检索", "routed": "已分办", "held": "待机要员核定"}.get(done.status, done.status)
        print(shown(f"{desk.titled(done.row)}经复核不予退文，{where}，承办部门：{done.department or ''}"))
    return EXIT_ACCEPTED


REVIEW = Command(
    "review", "待复核：确认退文或转分办 / the clerk's review of a doubtful 退文",
    "待复核：退文理由所依据的识读存疑（未见某要素，或识读把握不足）的收文，不退文也不分办，等文秘核对原件。\n"
    "不给收文编号：列出待复核的收文及拟退文理由；--confirm 确认退文（发出退文通知单）；\n"
    "--dismiss 不予退文，转入分办和检索；来信还是公文待定的：--letter 是来信，--document 是公文。\n"
    "复核人记入该件的处理记录。\n"
    "The clerk's review of documents held because their return rests on a doubtful reading.",
    _arguments, _run, action="review", positional=("key",))
