"""The office's configuration (pipelines/config.py): every key from the file, defaults, environment overrides,
precedence of --config / $SHOUWEN_CONFIG / the data root's shouwen.toml, wrong values refused in Chinese with the
key and the file named, `shouwen config`, and the office's name on a real 退文通知单."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from docx import Document

from pipelines import config as cfg
from pipelines.config import ConfigError, load

from ..pipelines.test_batch import ROOT, SAMPLES

FULL = """
[office]
name = "贵阳市人民政府办公厅"
contact = "秘书一科"
phone = "0851-87980000"
departments = ["办公室", "综合科", "机要室"]
timezone = "Asia/Urumqi"
profile = "guiyang-2013-33"

[ledger]
url = "postgresql://shouwen:s3cret@db.office.lan:5432/shouwen"

[index]
url = "https://es.office.lan:9200"

[ocr]
engine = "paddleocr"
runtime = "onnxruntime"
model_dir = "models/ppocr"
paddle_model_dir = "/"
max_side = 1600

[prefect]
api_url = "http://prefect.office.lan:4200/api/"
work_pool = "贵阳收文"
"""

CLEAN = {k: v for k, v in os.environ.items() if not k.startswith(("SHOUWEN_", "PREFECT_API_URL"))}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_file_every_key_has_its_default(tmp_path):
    config = load(tmp_path, environ={})
    assert config.path is None
    assert config.office.name == "市人民政府办公厅" and config.office.contact == "文秘科" and config.office.phone == ""
    assert config.office.departments == [] and config.office.timezone == "Asia/Shanghai"
    assert config.office.profile == "gb9704-2012"
    assert config.ledger_location() == str(tmp_path.resolve() / "ledger.sqlite3") and config.ledger_is_default()
    assert config.index_location() == str(tmp_path.resolve() / "search-index")
    assert (config.settings.ocr.engine, config.settings.ocr.runtime, config.settings.ocr.max_side) == ("rapidocr", "openvino", 1280)
    assert config.settings.prefect.api_url is None and config.settings.prefect.work_pool == "shouwen"
    assert {source for _, _, source in config.rows()} == {"default"}


def test_every_key_is_read_from_the_data_roots_file(tmp_path):
    (tmp_path / "models" / "ppocr").mkdir(parents=True)
    _write(tmp_path / "shouwen.toml", FULL)
    config = load(tmp_path, environ={})
    assert config.path == (tmp_path / "shouwen.toml").resolve()
    o = config.office
    assert (o.name, o.contact, o.phone) == ("贵阳市人民政府办公厅", "秘书一科", "0851-87980000")
    assert o.departments == ["办公室", "综合科", "机要室"] and o.timezone == "Asia/Urumqi" and o.profile == "guiyang-2013-33"
    assert config.ledger_location() == "postgresql://shouwen:s3cret@db.office.lan:5432/shouwen"
    assert not config.ledger_is_default()
    assert config.index_location() == "https://es.office.lan:9200"
    ocr = config.settings.ocr
    assert (ocr.engine, ocr.runtime, ocr.max_side) == ("paddleocr", "onnxruntime", 1600)
    assert ocr.model_dir == str((tmp_path / "models" / "ppocr").resolve())  # relative to the file
    assert ocr.paddle_model_dir == "/"
    assert config.settings.prefect.api_url == "http://prefect.office.lan:4200/api"
    assert config.settings.prefect.work_pool == "贵阳收文"
    rows = {key: (value, source) for key, value, source in config.rows()}
    assert rows["office.name"] == ("贵阳市人民政府办公厅", "file")
    assert rows["ledger.url"] == ("postgresql://shouwen:***@db.office.lan:5432/shouwen", "file")  # never the password


@pytest.mark.parametrize("url, location", [
    ("sqlite:///ledger.sqlite3", "{root}/ledger.sqlite3"),
    ("sqlite:///登记簿/ledger.sqlite3", "{root}/登记簿/ledger.sqlite3"),
    ("sqlite:////srv/shouwen/ledger.sqlite3", "/srv/shouwen/ledger.sqlite3"),
    ("postgresql://shouwen@/shouwen?host=/run/postgresql", "postgresql://shouwen@/shouwen?host=/run/postgresql"),
    ("postgres://shouwen@localhost/shouwen", "postgres://shouwen@localhost/shouwen"),
])
def test_ledger_urls(tmp_path, url, location):
    _write(tmp_path / "shouwen.toml", f'[ledger]\nurl = "{url}"\n')
    assert load(tmp_path, environ={}).ledger_location() == location.format(root=tmp_path.resolve())


@pytest.mark.parametrize("text, key, reason", [
    ('[office]\ntimezone = "Asia/Beijing"', "[office] timezone", "未知的时区 'Asia/Beijing'"),
    ('[office]\nname = "  "', "[office] name", "不能为空"),
    ('[office]\nnmae = "某市"', "[office] nmae", "未知的配置项"),
    ('[office]\ndepartments = ["办公室", "办公室"]', "[office] departments", "部门重复：办公室"),
    ('[office]\ndepartments = "办公室"', "[office] departments", "应为列表"),
    ('[office]\nprofile = "gb9704-2099"', "[office] profile", "gb9704-2099"),
    ('[ledger]\nurl = "mysql://db/shouwen"', "[ledger] url", "应以 sqlite:/// 或 postgresql:// 开头"),
    ('[ledger]\nurl = "postgresql://shouwen@db.office.lan"', "[ledger] url", "缺少数据库名"),
    ('[ledger]\nurl = "sqlite://ledger.sqlite3"', "[ledger] url", "sqlite:////绝对路径"),
    ('[index]\nurl = "ftp://es.office.lan"', "[index] url", "Elasticsearch"),
    ('[ocr]\nengine = "tesseract"', "[ocr] engine", "'rapidocr' 或 'paddleocr' 之一"),
    ('[ocr]\nruntime = "cuda"', "[ocr] runtime", "'openvino' 或 'onnxruntime' 之一"),
    ('[ocr]\nmax_side = "big"', "[ocr] max_side", "应为整数"),
    ('[ocr]\nmax_side = 100', "[ocr] max_side", "320 到 8192"),
    ('[ocr]\nmodel_dir = "no-such-dir"', "[ocr] model_dir", "目录不存在"),
    ('[prefect]\napi_url = "prefect.office.lan:4200"', "[prefect] api_url", "http(s)://"),
    ('[ledgr]\nurl = "sqlite:///x"', "[ledgr]", "未知的配置节"),
])
def test_a_wrong_value_names_the_key_and_the_file(tmp_path, text, key, reason):
    path = _write(tmp_path / "shouwen.toml", text + "\n")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, environ={})
    message = str(caught.value)
    assert str(path.resolve()) in message and key in message and reason in message, message


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    _write(tmp_path / "shouwen.toml", "[office\nname = 贵阳\n")
    with pytest.raises(ConfigError, match="不是有效的 TOML") as caught:
        load(tmp_path, environ={})
    # where and what in Chinese (the line ends after "[office", column 8), not the parser's English
    assert "第 1 行第 8 列" in str(caught.value) and "缺少结尾的“]”" in str(caught.value), caught.value
    assert "Expected" not in str(caught.value)


def test_environment_variables_override_the_file(tmp_path):
    _write(tmp_path / "shouwen.toml", '[office]\nname = "文件里的机关"\n[ledger]\nurl = "sqlite:///a.sqlite3"\n'
                                      '[index]\nurl = "embedded"\n[ocr]\nruntime = "openvino"\n')
    environ = {"SHOUWEN_LEDGER_URL": "postgresql://shouwen@/shouwen?host=/tmp/pg", "SHOUWEN_INDEX_URL": "http://es:9200",
               "SHOUWEN_OFFICE": "环境里的机关", "SHOUWEN_OCR_RUNTIME": "onnxruntime", "SHOUWEN_OCR_MAX_SIDE": "960",
               "PREFECT_API_URL": "http://prefect:4200/api"}
    config = load(tmp_path, environ=environ)
    assert config.ledger_location() == "postgresql://shouwen@/shouwen?host=/tmp/pg"
    assert config.index_location() == "http://es:9200"
    assert config.office.name == "环境里的机关"
    assert config.settings.ocr.runtime == "onnxruntime" and config.settings.ocr.max_side == 960
    assert config.settings.prefect.api_url == "http://prefect:4200/api"
    sources = config.sources
    assert sources[("ledger", "url")] == "env:SHOUWEN_LEDGER_URL" and sources[("index", "url")] == "env:SHOUWEN_INDEX_URL"
    assert sources[("office", "name")] == "env:SHOUWEN_OFFICE" and sources[("ocr", "runtime")] == "env:SHOUWEN_OCR_RUNTIME"
    assert ("ocr", "engine") not in sources  # neither file nor environment: the default


def test_a_wrong_environment_value_names_the_variable(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, environ={"SHOUWEN_OCR_ENGINE": "tesseract"})
    assert "环境变量 SHOUWEN_OCR_ENGINE" in str(caught.value) and "[ocr] engine" in str(caught.value)


def test_an_empty_prefect_api_url_means_none(tmp_path):
    assert load(tmp_path, environ={"PREFECT_API_URL": ""}).settings.prefect.api_url is None


def test_where_the_file_is_found(tmp_path):
    _write(tmp_path / "root" / "shouwen.toml", '[office]\nname = "数据目录里的"\n')
    _write(tmp_path / "env.toml", '[office]\nname = "SHOUWEN_CONFIG 指定的"\n')
    _write(tmp_path / "flag.toml", '[office]\nname = "--config 指定的"\n')
    root = tmp_path / "root"
    assert load(root, environ={}).office.name == "数据目录里的"
    assert load(root, environ={"SHOUWEN_CONFIG": str(tmp_path / "env.toml")}).office.name == "SHOUWEN_CONFIG 指定的"
    assert load(root, str(tmp_path / "flag.toml"), environ={"SHOUWEN_CONFIG": str(tmp_path / "env.toml")}).office.name == "--config 指定的"
    with pytest.raises(ConfigError, match="配置文件不存在：.*由 --config 指定"):
        load(root, str(tmp_path / "missing.toml"), environ={})
    with pytest.raises(ConfigError, match=r"配置文件不存在：.*由 \$SHOUWEN_CONFIG 指定"):
        load(root, environ={"SHOUWEN_CONFIG": str(tmp_path / "missing.toml")})


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "pipelines.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**CLEAN, **(env or {})}, timeout=300)


def test_shouwen_config_shows_values_and_where_they_came_from(tmp_path):
    _write(tmp_path / "shouwen.toml", '[office]\nname = "贵阳市人民政府办公厅"\n')
    done = _cli("config", "--root", str(tmp_path), "--json", env={"SHOUWEN_INDEX_URL": "http://es.office.lan:9200"})
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert shown["file"] == str((tmp_path / "shouwen.toml").resolve())
    assert shown["values"]["office.name"] == {"value": "贵阳市人民政府办公厅", "source": "file"}
    assert shown["values"]["index.url"] == {"value": "http://es.office.lan:9200", "source": "env:SHOUWEN_INDEX_URL"}
    assert shown["values"]["office.timezone"] == {"value": "Asia/Shanghai", "source": "default"}
    text = _cli("--config", str(tmp_path / "shouwen.toml"), "config", "--root", str(tmp_path / "elsewhere"))
    assert text.returncode == 0 and "贵阳市人民政府办公厅　［配置文件］" in text.stdout and "［默认］" in text.stdout
    secret = _cli("config", "--root", str(tmp_path), env={"SHOUWEN_LEDGER_URL": "postgresql://shouwen:s3cret@db/shouwen"})
    assert "s3cret" not in secret.stdout and "登记簿：postgresql://shouwen:***@db/shouwen" in secret.stdout


@pytest.mark.parametrize("command", [["config"], ["run"], ["ledger"]])
def test_a_wrong_configuration_stops_the_command_with_exit_2(tmp_path, command):
    _write(tmp_path / "shouwen.toml", '[ocr]\nengine = "tesseract"\n')
    done = _cli(*command, "--root", str(tmp_path))
    assert done.returncode == 2
    assert "[ocr] engine 的值无效" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "ledger.sqlite3").exists()


def test_a_configured_ledger_that_cannot_be_opened_stops_the_batch_before_it_starts(tmp_path):
    """The PostgreSQL URL goes to open_ledger (pipelines/office.py); no server listens on that socket directory,
    so the batch stops at once, in Chinese, naming the ledger — never a traceback, never a SQLite file instead."""
    socket_dir = tmp_path / "no-server-here"
    socket_dir.mkdir()
    url = f"postgresql://shouwen@/shouwen?host={socket_dir}"
    done = _cli("run", "--root", str(tmp_path / "office"), env={"SHOUWEN_LEDGER_URL": url})
    assert done.returncode == 2 and "登记簿数据库无法连接：postgresql://shouwen@/shouwen" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "本批收文" not in done.stdout
    assert not (tmp_path / "office" / "ledger.sqlite3").exists()
    listed = _cli("ledger", "--root", str(tmp_path / "office"), env={"SHOUWEN_LEDGER_URL": url})
    assert listed.returncode == 2 and "登记簿数据库无法连接" in listed.stderr and "Traceback" not in listed.stderr


def test_the_return_notice_carries_the_configured_office_name(tmp_path, monkeypatch):
    from pipelines.returns import write_return
    from pipelines.review import review_path

    _write(tmp_path / "shouwen.toml", '[office]\nname = "贵阳市人民政府办公厅"\ncontact = "秘书一科"\n')
    monkeypatch.setattr(cfg, "_current", None)
    for name in ("SHOUWEN_ROOT", "SHOUWEN_CONFIG", "SHOUWEN_OFFICE", "SHOUWEN_OFFICE_CONTACT"):
        monkeypatch.setenv(name, "")  # remembered, so that what activate() exports is undone after the test
        monkeypatch.delenv(name)
    cfg.activate(load(tmp_path, environ={}))
    report = review_path(SAMPLES / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx", channel="edoc")
    assert report["verdict"] == "return"
    notice = write_return(tmp_path / "outbox", "收〔2026〕5号", "2026-03-02", report)
    text = "\n".join(p.text for p in Document(str(notice)).paragraphs)
    assert text.count("贵阳市人民政府办公厅") == 2  # 版头 and the signature
    assert "联系人：秘书一科" in text and "市人民政府办公厅\n" not in text.replace("贵阳市人民政府办公厅", "")
    monkeypatch.setattr(cfg, "_current", None)
