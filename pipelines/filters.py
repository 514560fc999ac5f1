"""What a list's filter value means, in one place (登记簿, 检索, 来信登记簿, 督办; the web desk, its API and the CLI):

    chosen(value) -> str | None                        None (no filter) for an empty value or one meaning "all"
    one_of(value, allowed, what) -> str | None         chosen(value), which must be one of a closed list: its
                                                       code, or its Chinese name when `allowed` maps codes to
                                                       names (the code is returned); ValueError (Chinese) else

A clerk who picks 全部 in a menu, or follows a link carrying it, asks for no filter, never for rows whose value is
the word 全部; a value that is not on a closed list (状态, 渠道, 紧急程度 …) is said back in Chinese with what the
list holds, never silently answered with nothing.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Optional, Union

ALL = frozenset({"全部", "所有", "不限", "all", "any", "*"})  # what a menu's or a link's "all" is written as


def chosen(value: Optional[str]) -> Optional[str]:
    """`value` stripped; None when it is empty or means all (ALL, any case)."""
    value = (value or "").strip()
    return None if not value or value.lower() in ALL else value


def one_of(value: Optional[str], allowed: Union[Mapping[str, str], Iterable[str]], what: str) -> Optional[str]:
    """chosen(value), which must be in `allowed`: a code, or (a mapping code → Chinese name) a code's Chinese
    name, for which the code is returned. ValueError in Chinese naming `what` and the allowed values otherwise."""
    value = chosen(value)
    if value is None:
        return None
    names = dict(allowed) if isinstance(allowed, Mapping) else {code: code for code in allowed}
    if value in names:
        return value
    by_name = {name: code for code, name in names.items()}
    if value in by_name:
        return by_name[value]
    listed = "、".join(name if name == code else f"{code}（{name}）" for code, name in names.items())
    raise ValueError(f"没有这种{what}：{value}（可用：{listed}；不限则选“全部”）")
