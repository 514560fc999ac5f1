"""The letters' register a page at a time (来信登记簿, issue 22 / 17 §5): the 登记簿's pager, the filters kept in
every page's links, the count of what the role may see (the staff of another department: none; the 管理员: no
register at all), and `shouwen letters --size/--page` with the same filters. The real app over a real data root
made by a real batch (tests/web_letters_office.py: four letters — 信〔2026〕1号 the 市长信箱 mail, 2号 … 4号 the
12345 folder's 路灯 建议, 油烟 投诉, 居住证 咨询, in the order the batch numbered them)."""
from __future__ import annotations

import re

import pytest

from .. import web_letters_office as wl
from ..web_letters_office import MAIL
from .test_web_letters import logged_in, made  # noqa: F401  (the module's office, built once)

pytestmark = pytest.mark.usefixtures("letters_configuration")  # tests/web/conftest.py


@pytest.fixture(scope="module")
def app(made):  # noqa: F811
    from web.app import create_app

    app = create_app(made[0])
    yield app, made[1]
    app.app.state.office.close()


def numbers(html: str) -> list[str]:
    return re.findall(r'<a href="/letters/\d+">(信〔2026〕\d+号)</a>', html)


def pager_links(html: str) -> list[str]:
    pager = html.split('<nav class="pager">', 1)[1].split("</nav>", 1)[0] if '<nav class="pager">' in html else ""
    return [link.replace("&amp;", "&") for link in re.findall(r'href="\?([^"]*)"', pager)]


def test_the_register_is_paged_with_the_ledger_s_pager(app):
    app_, rows = app
    clerk = logged_in(app_, "wenmi")
    first = clerk.get("/letters", params={"size": 3}).text
    assert numbers(first) == ["信〔2026〕1号", "信〔2026〕2号", "信〔2026〕3号"]
    assert "第 1 / 2 页（共 4 条）" in first and "共 4 件" in first
    assert pager_links(first) == ["size=3&page=2"]
    second = clerk.get("/letters?" + pager_links(first)[0]).text
    assert numbers(second) == ["信〔2026〕4号"] and "第 2 / 2 页（共 4 条）" in second
    assert pager_links(second) == ["size=3&page=1"]
    everything = clerk.get("/letters").text  # 50 a page: one page, no pager
    assert numbers(everything) == [f"信〔2026〕{n}号" for n in (1, 2, 3, 4)] and '<nav class="pager">' not in everything


def test_the_filters_are_kept_across_pages(app):
    app_, rows = app
    clerk = logged_in(app_, "wenmi")
    first = clerk.get("/letters", params={"channel": "12345", "size": 2}).text
    assert numbers(first) == ["信〔2026〕2号", "信〔2026〕3号"] and "共 3 件" in first  # the mail is not a 12345 letter
    assert pager_links(first) == ["channel=12345&size=2&page=2"]
    second = clerk.get("/letters?" + pager_links(first)[0]).text
    assert numbers(second) == ["信〔2026〕4号"] and 'value="12345"' in second  # the filter still in its box
    complaint = clerk.get("/letters", params={"category": "投诉"}).text
    assert "共 1 件" in complaint and "油烟" in complaint and "路灯" not in complaint
    assert "共 4 件" in clerk.get("/letters", params={"stage": "已交办"}).text  # all four 交办'd by the batch
    assert "共 0 件" in clerk.get("/letters", params={"stage": "已答复"}).text
    assert clerk.get("/letters", params={"date_from": "2026-13-01"}).status_code == 400
    assert clerk.get("/letters", params={"category": "牢骚"}).status_code == 400


def test_the_count_is_what_the_role_may_see(app):
    app_, rows = app
    mail = rows[MAIL]
    theirs = sorted(r["number"] for r in rows.values() if r.get("kind") == "letter"
                    and r["department"] == mail["department"])
    staff = logged_in(app_, "chengban").get("/letters", params={"size": 1}).text
    assert f"共 {len(theirs)} 件" in staff and len(numbers(staff)) == 1
    assert mail["number"] in staff or len(theirs) > 1
    other = logged_in(app_, "biede").get("/letters").text
    assert "共 0 件" in other and numbers(other) == [] and "暂无来信" in other
    for name in ("lingdao", "jiyao"):
        page = logged_in(app_, name).get("/letters", params={"size": 2}).text
        assert "共 4 件" in page and "第 1 / 2 页" in page and wl.PHONE not in page, name


def test_the_cli_pages_and_filters_the_register(made, capsys):  # noqa: F811
    from pipelines.cli import main

    root = str(made[0])
    assert main(["letters", "--root", root, "--size", "3", "--page", "2"]) == 0
    out = capsys.readouterr().out
    assert out.count("信〔2026〕") == 1 and "信〔2026〕4号" in out
    assert "来信 4 件；第 2 / 2 页" in out and "下一页" not in out
    assert main(["letters", "--root", root, "--size", "1", "--channel", "12345", "--category", "建议"]) == 0
    out = capsys.readouterr().out
    assert "来信 1 件；第 1 / 1 页" in out and "【建议】" in out
    assert main(["letters", "--root", root, "--size", "2"]) == 0
    assert "下一页：--size 2 --page 2" in capsys.readouterr().out
    assert main(["letters", "--root", root]) == 0  # no --size: every letter, as before
    assert "来信 4 件" in capsys.readouterr().out
    assert main(["letters", "--root", root, "--stage", "已收到"]) != 0
    assert "不是来信状态" in capsys.readouterr().err
