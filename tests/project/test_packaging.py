"""The design card's top-level package names are ours alone, and nothing downloads at run time."""
from __future__ import annotations

import importlib.metadata
import socket

import pytest

OUR_PACKAGES = ("pipelines", "extractors", "validators", "index", "web")


def test_no_other_distribution_provides_our_top_level_names():
    owners = importlib.metadata.packages_distributions()
    for name in OUR_PACKAGES + ("flows",):
        assert set(owners.get(name, [])) <= {"shouwen"}, f"{name} is also provided by {owners[name]}"


def test_review_runs_with_the_network_closed(monkeypatch, corpus):
    """Air-gapped: the whole 初审 path (jieba's dictionary, spaCy's blank pipeline) opens no socket."""
    def refuse(*args, **kwargs):
        raise AssertionError("network access at run time")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    from pipelines.review import review_path

    report = review_path(corpus.path("ok-request", "named"))
    assert report["verdict"] == "accept"


@pytest.mark.parametrize("module", OUR_PACKAGES)
def test_extractors_validators_index_do_not_import_pipelines_or_prefect(module):
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2] / module
    if module in ("pipelines", "web") or not root.exists():
        pytest.skip("pipelines (and web/, which sits on it) may import the others")
    for source in root.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        assert "from pipelines" not in text and "import pipelines" not in text, source
        assert "import prefect" not in text and "from prefect" not in text, source


def test_the_wheel_carries_the_data_files_the_code_reads(tmp_path):
    """Installed from a wheel (not this checkout), shouwen still finds its profiles, routing rules and
    Prefect logging configuration."""
    import pathlib
    import shutil
    import subprocess
    import sys
    import zipfile

    root = pathlib.Path(__file__).resolve().parents[2]
    # From a copy without build/: setuptools reuses build/lib, where a deleted file would linger and hide its loss.
    source = tmp_path / "source"
    shutil.copytree(root, source, ignore=shutil.ignore_patterns(".venv", ".git", "build", "*.egg-info", "__pycache__",
                                                                  "shouwen-data", ".pytest_cache", ".ruff_cache"))
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path), str(source)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-2000:]
    names = zipfile.ZipFile(next(tmp_path.glob("shouwen-*.whl"))).namelist()
    for needed in ("validators/profiles/gb9704-2012.toml", "pipelines/routing_rules.toml", "pipelines/prefect_logging.yml",
                   "flows.py", "web/templates/document.html", "web/static/desk.css", "web/static/vendor/htmx.min.js",
                   "web/static/vendor/echarts.min.js", "web/static/dashboard.js"):
        assert needed in names, needed
