"""窗口收文 (counter registration): a paper document handed in at the counter, uploaded as a scan or a file with
its 来文单位 typed in, registered at once in the same 收文编号 sequence as everything the batch takes in.

    register_counter(office, file_name, data, issuer, channel="scan", actor=) -> Registered
    already_registered(office, row, issuer) -> str   what a file registered before is said as
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from ..access import can_see, require
from ..actors import Actor, acting, history_kwargs
from ..refusals import DeskRefusal
from .common import office_time

COUNTER_CHANNELS = {"scan": "纸质公文扫描件", "edoc": "电子文件（U盘、光盘等）"}
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_ISSUER = 100  # characters of a typed 来文单位


@dataclass
class Registered:
    row: dict
    created: bool  # False: the same file was registered before (its number is given)
    note: str = ""  # for a file registered before: already_registered(…), what the clerk must be told


def register_counter(office, file_name: str, data: bytes, issuer: str, channel: str = "scan", *,
                     actor: Optional[Actor] = None) -> Registered:
    """The upload is archived and registered now (intake.take_one, as the batch's 签收: the same numbering, the
    same archive, received/<channel>/), and the next batch reviews, returns or routes it like any other. The typed
    来文单位 is kept on the row (the batch keeps it where the document itself names none) and in its history, with
    the actor. DeskRefusal "bad_input" (Chinese) for a missing 来文单位, an unknown channel, an empty or too large
    file; "duplicate" for a file registered before that the actor may not see."""
    from ..inbox import Arrival, display_name
    from ..intake import take_one

    actor = acting(actor)
    require(actor, "register")
    issuer = " ".join((issuer or "").split())
    if not issuer:
        raise DeskRefusal("bad_input", "请填写来文单位")
    if len(issuer) > MAX_ISSUER or any(ord(c) < 32 for c in issuer):
        raise DeskRefusal("bad_input", f"来文单位过长或含有控制字符（至多 {MAX_ISSUER} 字）")
    if channel not in COUNTER_CHANNELS:
        raise DeskRefusal("bad_input", f"类别应为 {'、'.join(COUNTER_CHANNELS.values())} 之一")
    if not data:
        raise DeskRefusal("bad_input", "上传的文件是空的")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DeskRefusal("bad_input", f"文件过大（上限 {MAX_UPLOAD_BYTES // 1048576} MB）")
    name = Path((file_name or "").replace("\\", "/")).name.strip() or "窗口收文"
    folder = office.paths.counter
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix="upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        raw = os.fsencode(tmp)
        shown, raw_hex = display_name(os.fsencode(name))
        created, _duplicate, number, _confidential = take_one(office, Arrival(channel, raw, shown, raw_hex, os.lstat(raw)),
                                                              actor.history_name)
    finally:
        Path(tmp).unlink(missing_ok=True)  # moved to received/<channel>/ by take_one; removed if it failed
    row = office.ledger.find(number)
    if not created:
        if not can_see(actor, row):  # registered before, and not this person's to know
            raise DeskRefusal("duplicate", "此文件此前已登记，不重复登记")
        return Registered(row, False, already_registered(office, row, issuer))
    office.ledger.set_status(row["id"], "registered", f"窗口收文，来文单位（登记人填写）：{issuer}",
                             expect_version=row["version"], issuer=issuer, **history_kwargs(office.ledger, actor))
    return Registered(office.ledger.get(row["id"]), True)


def already_registered(office, row: dict, issuer: str = "") -> str:
    """What the clerk is told of a file registered before (as the batch says it: not registered again):
    该文件已于 2026-12-07 09:39 登记为 收〔2026〕9号，不重复登记; and, where the 来文单位 typed differs from the
    registration's, that it was not applied (the registration is left as it is)."""
    said = f"该文件已于 {office_time(office, row['received_at'])} 登记为 {row['number']}，不重复登记"
    if issuer and issuer != (row.get("issuer") or ""):
        said += f"；填写的来文单位“{issuer}”未采用（该件登记的来文单位：{row.get('issuer') or '未填'}）"
    return said
