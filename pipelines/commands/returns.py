"""`shouwen returns`: the 退文通知's deliveries (送达) — what is 待送达 for the clerk, 已发送, 发送失败 (with the
server's answer) — and the clerk's acts on them: recorded as delivered by hand, tried again now, an address
put into the address book. Who may: whoever may 重发 a return (pipelines/access.py, action "resend")."""
from __future__ import annotations

import json

from . import EXIT_ACCEPTED, Command

SHOWN = {"待送达": ("manual",), "已发送": ("sent",), "发送失败": ("failed",), "待发送": ("pending", "sending"),
         "已送达": ("delivered",), "已取消": ("cancelled",)}


def _arguments(r) -> None:
    r.add_argument("--state", choices=[*SHOWN, "全部"],
                   help="只列此状态（默认：待送达、发送失败、待发送、已发送）/ only this state")
    r.add_argument("--json", action="store_true", help="每份一行 JSON / one JSON object per delivery")
    r.add_argument("--delivered", metavar="NUMBER", help="登记已人工送达的通知编号，如 退〔2026〕3号 / record as delivered")
    r.add_argument("--how", default="", help="人工送达方式，如 公文交换系统、传真 / how (with --delivered)")
    r.add_argument("--retry", metavar="NUMBER", help="立即重试发送失败的通知 / try a failed notice again now")
    r.add_argument("--address", nargs=2, metavar=("来文单位", "EMAIL"),
                   help="把来文单位的邮箱记入通讯录，其待送达的通知改为发邮件 / add an address to the book")


def _run(args) -> int:
    from .. import desk
    from ..access import require
    from ..returns import addresses, delivery
    from ..terminal import shown
    from .desk import _office

    require(args.actor, "resend")
    who = args.actor.history_name if hasattr(args.actor, "history_name") else args.actor.name
    with _office(args) as office:
        if args.delivered:  # the desk's function, as the web desk's 退文送达 buttons call it
            done = desk.mark_delivered(office, args.delivered, args.how, actor=args.actor)
            print(f"{shown(args.delivered)}已登记为已送达（{shown(done.note)}）")
            return EXIT_ACCEPTED
        if args.retry:
            done = desk.retry_delivery(office, args.retry, actor=args.actor)
            for sent, answer in done.attempts:
                print(f"{shown(args.retry)}{'已发送' if sent else '发送失败'}：{shown(answer)}")
            return EXIT_ACCEPTED
        if args.address:
            issuer, address = args.address
            new = _clerk(lambda: addresses.add(office, issuer, address, who))
            moved = delivery.readdress(office, issuer, who)
            sent = delivery.deliver(office, actor=who) if moved else None
            print(f"{shown(issuer)}：{shown(address)}{'已记入通讯录' if new else '已在通讯录中'}"
                  + (f"；{len(moved)} 份待送达的通知改为发邮件，已发送 {len(sent.sent)} 份" if moved else ""))
            return EXIT_ACCEPTED
        states = (SHOWN[args.state] if args.state and args.state != "全部"
                  else None if args.state else ("manual", "failed", "pending", "sending", "sent"))
        listed = delivery.deliveries(office, states)
        rows = [_row(office, d) for d in listed]
    if args.json:
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return EXIT_ACCEPTED
    if not rows:
        print("没有需要列出的退文通知送达记录")
        return EXIT_ACCEPTED
    for row in rows:
        print("　".join(shown(str(x)) for x in (row["state_zh"], row["notice"], row["received_number"], row["subject"],
                                                 row["recipient"] or "（无邮箱）")))
        if row["state"] in ("failed", "manual", "sent") and row["detail"]:
            print(f"　　{shown(row['detail'])}")
    manual = sum(1 for r in rows if r["state"] == "manual")
    if manual:
        print(f"待送达 {manual} 份：请经公文交换系统或传真送达后登记（shouwen returns --delivered 编号 --how 传真），"
              "或记入来文单位邮箱（shouwen returns --address 来文单位 邮箱）")
    return EXIT_ACCEPTED


def _clerk(act):
    """The clerk's act; its Chinese refusal (not found, wrong state, a bad address) as a DeskRefusal."""
    from ..refusals import DeskRefusal
    from ..returns.delivery import NotFound

    try:
        return act()
    except NotFound as exc:
        raise DeskRefusal("not_found", str(exc)) from exc
    except ValueError as exc:
        raise DeskRefusal("invalid", str(exc)) from exc


def _row(office, d) -> dict:
    from ..returns.issue import notice

    n = notice(office, d.notice_id) if d.notice_id else None
    doc = office.ledger.get(d.document_id) if d.document_id else None
    detail = {"failed": d.last_answer, "manual": d.note, "sent": d.last_answer}.get(d.state) or ""
    if d.state == "failed" and d.next_attempt_at:
        detail += f"（将于 {d.next_attempt_at} 后自动重试）"
    return {"state": d.state, "state_zh": d.state_zh, "channel": d.channel, "notice": n.number if n else "答复邮件",
            "title": n.title if n else "", "received_number": doc["number"] if doc else "", "subject": d.subject,
            "recipient": d.recipient, "attempts": d.attempts, "detail": detail, "sent_at": d.sent_at,
            "message_id": d.message_id}


RETURNS = Command(
    "returns", "退文通知送达情况：待送达、已发送、发送失败 / return notices' delivery",
    "列出退文通知的送达情况（待送达、已发送、发送失败及服务器答复），登记人工送达、立即重试、\n"
    "把来文单位的邮箱记入通讯录。List the return notices' deliveries and act on them.",
    _arguments, _run, action="returns")
