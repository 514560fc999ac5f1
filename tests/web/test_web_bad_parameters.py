"""A malformed address (a page number that is not a number, a document id typed as 收〔2026〕5号) gets the desk's
Chinese error page (or the API's {"error": …}), never FastAPI's English validation JSON. Found by the tryout of
2026-12-06: /documents/abc, /ledger?page=abc and /search?q=…&page=abc answered
{"detail":[{"type":"int_parsing",…"msg":"Input should be a valid integer…"}]} to a clerk."""
from __future__ import annotations

import pytest

from ..environment import office_only
from ..web_office import ACCOUNTS


@pytest.fixture(autouse=True)
def own_configuration(monkeypatch):
    office_only(monkeypatch, "SHOUWEN_WEB_SECURE_COOKIES")


@pytest.fixture
def clerk(tmp_path):
    """A logged-in clerk on an office with an empty ledger (a real batch over an empty inbox)."""
    from fastapi.testclient import TestClient

    from pipelines.accounts import Accounts
    from pipelines.batch import run_batch
    from pipelines.config import load
    from pipelines.office import Office
    from web.app import create_app

    root = tmp_path / "office"
    (root / "inbox" / "edoc").mkdir(parents=True)
    run_batch(root, config=load(root, environ={}))
    role, department, password = ACCOUNTS["wenmi"]
    with Office.open(root, load(root, environ={}), create=False) as office:
        Accounts.open(office).add("wenmi", role, password, department)
    app = create_app(root)
    c = TestClient(app, base_url="https://testserver")
    c.get("/login")
    r = c.post("/login", data={"csrftoken": c.cookies["csrftoken"], "username": "wenmi", "password": password,
                               "next": "/ledger"}, follow_redirects=False)
    assert r.status_code == 303
    yield c
    app.app.state.office.close()


@pytest.mark.parametrize("url", ["/documents/abc", "/documents/收〔2026〕5号", "/ledger?page=abc",
                                 "/search?q=校舍&page=abc"])
def test_a_malformed_address_gets_the_chinese_error_page(clerk, url):
    r = clerk.get(url)
    assert r.status_code in (400, 404)
    assert r.headers["content-type"].startswith("text/html")
    assert "Input should be" not in r.text and "int_parsing" not in r.text
    assert "返回上一页" in r.text  # the desk's error page
    assert "无效" in r.text or "没有这个页面或这件收文" in r.text or "登记簿中没有“收〔2026〕5号”" in r.text
