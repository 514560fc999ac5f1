"""The documentation: the site builds with no warning, its generated pages match the code, the README stays short.

- `mkdocs build --strict` (mkdocs.yml's validation: a broken link or anchor, a page outside the navigation, a
  missing image fails it), run for real; skipped only where MkDocs is not installed (it is, with --dev).
- scripts/gen_docs.py's pages (configuration reference, command reference, rule catalog, profiles, messages) are
  regenerated and compared with docs/: a key added to pipelines/config.py, a rule, a command or a message that
  is not regenerated fails here. Independent checks beside the comparison: every rule id of the shared spec is
  in the catalog page, every configuration key and environment variable of the schema is on the configuration
  page, every key is described.
- `shouwen docs` builds the site and says where it is.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import gen_docs  # noqa: E402

HAS_MKDOCS = importlib.util.find_spec("mkdocs") is not None and importlib.util.find_spec("material") is not None
needs_mkdocs = pytest.mark.skipif(not HAS_MKDOCS, reason="MkDocs/Material not installed (bash scripts/setup.sh --dev)")


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    return gen_docs.render_all()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built once for this module, as CI builds it: --strict."""
    if not HAS_MKDOCS:
        pytest.skip("MkDocs/Material not installed (bash scripts/setup.sh --dev)")
    out = tmp_path_factory.mktemp("site") / "site"
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-4000:]
    return out


def test_site_builds_with_no_warning(site):
    for page in ("index.html", "manual/index.html", "admin/configuration.html", "rules/catalog.html",
                 "architecture/index.html", "search/search_index.json"):
        assert (site / page).is_file(), page
    assert 'lang="zh"' in (site / "index.html").read_text(encoding="utf-8")


def test_site_loads_nothing_from_outside(site):
    """Air-gapped: no page names a script, stylesheet or font on another host (no web fonts, no CDN: the offline
    plugin's iframe-worker shim is the vendored copy)."""
    outside = re.compile(r'<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)="(?:https?:)?//', re.I)
    offenders = [str(p.relative_to(site)) for p in site.rglob("*.html") if outside.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert "assets/vendor/iframe-worker/shim.js" in (site / "index.html").read_text(encoding="utf-8")


def _search_site(page, url: str, word: str) -> None:
    """Open `url`, type `word` into Material's search box and wait until its results are counted (…个符合).

    Material binds its "s" shortcut and its search only once its scripts and its search worker have started; on a
    busy machine the keys can come before that and go nowhere. So the page is opened and the word typed again
    until the page answers (each try waits up to 20 s, at most 9 tries) — a readiness poll, never a fixed sleep.
    The word is typed at once after the shortcut, as a person does (a query in between lost the keys here).
    Locators only: the desk's policy forbids eval, which wait_for_function needs."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    found = page.locator(".md-search-result__meta", has_text="个符合")
    for _ in range(8):
        page.goto(url)
        page.keyboard.press("s")  # Material's shortcut: focus the search box
        page.keyboard.type(word)
        try:
            found.wait_for(timeout=20_000)
            return
        except PlaywrightTimeout:
            continue
    page.goto(url)
    page.keyboard.press("s")
    page.keyboard.type(word)
    found.wait_for(timeout=20_000)  # the last try: Playwright's own error, saying what was awaited


def test_search_finds_a_chinese_word_in_the_site_opened_as_files(site):
    """A real browser (Playwright on Debian's Chromium, as the web desk's browser tests) opens the built site from
    the file system, as from a shared folder, and searches for 待复核: the handbook's page is found."""
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("no Chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page()
            _search_site(page, (site / "index.html").as_uri(), "待复核")
            titles = page.inner_text(".md-search-result__list").replace("\u200b", "")  # jieba's word breaks
        finally:
            browser.close()
    assert "待复核" in titles


@needs_mkdocs
def test_a_broken_link_fails_the_build(tmp_path):
    """The strict build can fail: the same configuration over a copy of docs/ with one dead link."""
    copy = tmp_path / "repo"
    shutil.copytree(ROOT / "docs", copy / "docs")
    shutil.copy(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    index = copy / "docs" / "index.md"
    index.write_text(index.read_text(encoding="utf-8") + "\n[不存在的页面](manual/no-such-page.md)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
                          cwd=copy, capture_output=True, text=True)
    assert done.returncode != 0
    assert "no-such-page.md" in done.stderr


def test_generated_pages_match_the_code(generated):
    drift = gen_docs.drifted(generated)
    assert not drift, ("生成的文档页面已过期（运行 .venv/bin/python scripts/gen_docs.py）：\n"
                       + "\n".join(drift.values())[:6000])


def test_the_drift_check_sees_a_changed_page(generated):
    changed = dict(generated)
    changed["rules/catalog.md"] = generated["rules/catalog.md"].replace("依据", "根据", 1)
    assert set(gen_docs.drifted(changed)) == {"rules/catalog.md"}


def test_every_rule_of_the_shared_spec_is_in_the_catalog_page(generated):
    spec = (ROOT / "tests" / "data" / "rules.md").read_text(encoding="utf-8")
    ids = set(re.findall(r"^\| ([a-z]+\.[a-z0-9-]+) \|", spec, flags=re.M))
    assert len(ids) >= 40
    page = generated["rules/catalog.md"]
    assert not [i for i in ids if f"`{i}`" not in page]


def test_every_configuration_key_and_variable_is_on_the_configuration_page(generated):
    from pipelines import config

    page = generated["admin/configuration.md"]
    for section, field in config.Settings.model_fields.items():
        assert f"## [{section}]" in page
        for key in field.annotation.model_fields:
            assert f"| `{key}` |" in page, f"[{section}] {key}"
    for variable in config.ENV.values():
        assert f"`{variable}`" in page, variable


def test_every_configuration_key_is_described():
    """A key needs words for the operator: Field(description=…) in pipelines/config.py (or a comment in its
    docstring's example); and the docstring's example names no key the schema lacks."""
    assert gen_docs.undescribed_keys() == []
    assert gen_docs.example_keys_not_in_schema() == []


def test_the_docstring_reader_takes_shared_and_continued_comments():
    doc = ('x\n\n    [a]                  # 甲\n    k = 1  m = "#2"      # 说明\n'
           '                         # 续行\n    [b.c]\n    "某单位" = ["x@y.cn"]\n\nprose\n')
    sections, keys = gen_docs.documented_keys(doc)
    assert sections == {"a": "甲", "b.c": ""}
    assert keys == {("a", "k"): "说明 续行", ("a", "m"): "说明 续行"}


def test_every_ledger_status_is_explained_to_the_clerk(generated):
    from pipelines.ledger import STATUS_ZH

    assert gen_docs.statuses_without_meaning() == []
    assert all(f"| {zh} |" in generated["manual/messages.md"] for zh in STATUS_ZH.values())


def test_every_command_is_in_the_command_page(generated):
    from pipelines.commands import commands

    page = generated["admin/commands.md"]
    assert [c.name for c in commands() if f"## shouwen {c.name}\n" not in page] == []


def test_messages_page_holds_the_desk_refusals_and_quarantine_reasons(generated):
    page = generated["manual/messages.md"]
    assert "| `not_found` | 登记簿中没有“…” |" in page  # pipelines/access.py, written by hand here
    assert "疑似压缩炸弹" in page  # extractors/limits.py: a zip bomb's reason


def test_the_proposed_layout_names_every_part_of_pipelines_and_the_repository():
    """docs/architecture/design-appendix.md (the text shared/DESIGN.md's layout takes) stays true: every module and
    package of pipelines/ and every top-level folder of the product is named in its layout block."""
    text = (ROOT / "docs" / "architecture" / "design-appendix.md").read_text(encoding="utf-8")
    start = text.index("## Layout of the repository")
    block = text[text.index("```", start):text.index("```", text.index("```", start) + 3)]
    parts = [p for p in (ROOT / "pipelines").iterdir()
             if not p.name.startswith(("_", ".")) and (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))]
    parts += [ROOT / name for name in ("extractors", "validators", "index", "web", "docs", "tests", "scripts", "bench",
                                       "samples", "flows.py") if (ROOT / name).exists()]
    missing = [p.name for p in parts if not re.search(rf"(?<![\w]){re.escape(p.stem)}(?:\.py|/|\b)", block)]
    assert missing == []


def test_readme_is_short_and_keeps_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 150
    assert "bash scripts/setup.sh && .venv/bin/shouwen run --samples" in readme
    assert "bash scripts/setup.sh --dev && .venv/bin/python -m pytest -q" in readme
    for link in re.findall(r"\]\(((?:docs/)[^)#]+)", readme):
        assert (ROOT / link).exists(), link


@needs_mkdocs
def test_shouwen_docs_builds_the_site_and_says_where(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pipelines.cli", "docs", "--site", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert (site / "index.html").is_file()
    assert f"文档站点：{site / 'index.html'}" in done.stdout
    assert "http.server" in done.stdout
    again = subprocess.run([sys.executable, "-m", "pipelines.cli", "docs", "--site", str(site)],
                           cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert again.returncode == 0 and "正在生成" not in again.stderr  # current: not built twice


def _web_desk_available() -> bool:
    return importlib.util.find_spec("fastapi") is not None and (ROOT / "web" / "app.py").is_file()


@pytest.fixture(scope="module")
def desk_with_docs(site, tmp_path_factory):
    """A real `shouwen serve` (uvicorn on a free loopback port) over an empty office, serving the built site."""
    if not _web_desk_available():
        pytest.skip("no web desk")
    import socket
    import threading
    import time

    import uvicorn

    from web import docs_site
    from web.app import create_app

    root = tmp_path_factory.mktemp("office")
    original = docs_site.SITE
    docs_site.SITE = site
    try:
        app = create_app(root)
    finally:
        docs_site.SITE = original
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:  # a readiness wait, not a sleep of a fixed length
        if not thread.is_alive():
            pytest.fail("the web desk did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_the_web_desk_serves_the_site_at_docs_without_login(desk_with_docs, site):
    import urllib.request

    from web import docs_site

    with urllib.request.urlopen(f"{desk_with_docs}/docs/index.html") as answer:
        body = answer.read().decode("utf-8")
        policy = answer.headers["Content-Security-Policy"]
    assert "shouwen 收文" in body
    scripts = policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "unsafe-inline" not in scripts and "http" not in scripts
    assert all(h in scripts for h in docs_site.inline_script_hashes(site))
    request = urllib.request.Request(f"{desk_with_docs}/ledger")
    opener = urllib.request.build_opener(type("NoRedirect", (urllib.request.HTTPRedirectHandler,),
                                              {"redirect_request": lambda *a, **k: None}))
    try:
        status = opener.open(request).status
    except urllib.error.HTTPError as refused:
        status = refused.code
    assert status in (302, 303, 401)  # the desk's own pages still need a login


def test_the_site_served_by_the_desk_runs_its_search_under_the_desks_policy(desk_with_docs):
    """Chromium opens /docs/ from `shouwen serve`: Material's scripts run under the Content-Security-Policy (no
    violation reported) and its search finds 待复核."""
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("no Chromium")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page()
            violations = []
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
            _search_site(page, f"{desk_with_docs}/docs/index.html", "待复核")
        finally:
            browser.close()
    assert violations == []
