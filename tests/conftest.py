"""Shared fixtures: one corpus per test session, built from the specs in cases.py.

Every document is written as docx (python-docx), as plain text, as a PDF typeset by reportlab with the
standard font names, and as a PDF rendered from the docx by LibreOffice (one process for all files).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from extractors import extract
from extractors.convert import convert_files
from extractors.elements import parse_elements
from validators import validate

from . import builder
from .cases import CASES, CONFORMANT

# The samples' PDF cut off in transfer (and the tests' other cut files) stand for transfers that broke off long
# ago: they are quarantined at once, as before issue 19 point 7. A file cut off that is still young waits for
# [intake] incomplete_grace_seconds (default 600 s): tests/pipelines/test_arriving.py sets its own grace and clock.
os.environ.setdefault("SHOUWEN_INCOMPLETE_GRACE_SECONDS", "0")

pytest_plugins = ["tests.postgres"]  # the `postgres` and `postgres_url` fixtures: a real PostgreSQL on a Unix socket


@pytest.fixture(autouse=True)
def _process_state_restored():
    """Each test leaves the process as it found it: `pipelines.config.activate` (the CLI's `main`, called in-process
    by many tests) exports $SHOUWEN_CONFIG, $SHOUWEN_ROOT and settings to os.environ and keeps the configuration
    in a module global; a later test's `load(root)` would then read the earlier test's file. Seen on CI, where the
    whole suite runs in one process."""
    import pipelines.config as config

    saved_env, saved_config = dict(os.environ), config._current
    yield
    os.environ.clear()
    os.environ.update(saved_env)
    config._current = saved_config

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_COPY = ROOT / "tests" / "data" / "validation-report.schema.json"
SHARED_SPEC = ROOT.parent / "shared" / "spec"


class Corpus:
    def __init__(self, root: Path):
        self.root = root
        self.paths: dict[tuple[str, str], Path] = {}

    def path(self, name: str, fmt: str) -> Path:
        return self.paths[(name, fmt)]


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> Corpus:
    root = tmp_path_factory.mktemp("corpus")
    corpus = Corpus(root)
    specs = {f"ok-{k}": v for k, v in CONFORMANT.items()}
    specs.update({f"case-{c.id}": c.spec for c in CASES})
    docx_paths = []
    # one font subset covering every document: fontTools opens the 20 MB face once, not per document
    builder.prepare_fonts("".join(b.text for spec in specs.values() for b in builder.blocks(spec)), root / "fonts")
    for name, spec in specs.items():
        corpus.paths[(name, "docx")] = builder.write_docx(spec, root / f"{name}.docx")
        corpus.paths[(name, "txt")] = builder.write_text(spec, root / f"{name}.txt")
        corpus.paths[(name, "named")] = builder.write_named_font_pdf(spec, root / f"{name}.named.pdf", root / "fonts")
        docx_paths.append(corpus.paths[(name, "docx")])
    for pdf in convert_files(docx_paths, "pdf", root / "lo", timeout=600):
        corpus.paths[(pdf.stem, "pdf")] = pdf
    return corpus


def findings_for(path: Path, profile: str = "gb9704-2012", channel: str = "edoc"):
    document = extract(path.read_bytes())
    elements = parse_elements(document)
    findings, _ = validate(document, elements, profile, channel)
    return findings


@pytest.fixture(scope="session")
def report_schema() -> dict:
    return json.loads(SCHEMA_COPY.read_text(encoding="utf-8"))
