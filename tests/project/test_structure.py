"""The house's structure held in place (issue 16): no import circle in pipelines/, no data-root folder spelled by
hand outside pipelines/dataroot.py, the 机要室 named in one module, and a quick command that loads no model.

The import graph is every import a module can execute (top level and inside functions; TYPE_CHECKING blocks
aside; importing a.b.c runs a and a.b too), read from the source with ast (scripts/structure_measures.py, the
same code that gives the closing note's figures)."""
from __future__ import annotations

import subprocess
import sys
import textwrap

from scripts.structure_measures import (
    ROOT,
    compares_confidential_office,
    cycles,
    import_graph,
    product_files,
    spelled_paths,
    spells_confidential_office,
)


def test_no_import_circle_in_pipelines():
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_circle_written_on_purpose(tmp_path):
    """The check can fail: two modules importing each other, one of them only inside a function."""
    package = tmp_path / "pipelines"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from . import b\n")
    (package / "b.py").write_text("def later():\n    from .a import x\n")
    (package / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from . import a\n")
    (package / "d").mkdir()
    (package / "d" / "__init__.py").write_text("from .e import f\n")
    (package / "d" / "e.py").write_text("from .g import h\n")  # a sibling, through its own package: no circle
    (package / "d" / "g.py").write_text("")
    assert cycles(import_graph("pipelines", tmp_path)) == [["pipelines.a", "pipelines.b"]]


def test_no_module_spells_a_data_root_folder_by_hand():
    """root / "outbox", ("archive", "outbox") …: only pipelines/dataroot.py names the data root's folders."""
    spelled = [line for path in product_files() if path != ROOT / "pipelines" / "dataroot.py"
               for line in spelled_paths(path)]
    assert spelled == []


def test_the_spelling_check_sees_a_folder_spelled_by_hand():
    """The check can fail: dataroot.py itself spells the folders (root / "outbox"), and the check sees them."""
    lines = spelled_paths(ROOT / "pipelines" / "dataroot.py")
    assert any('/ "outbox"' in line for line in lines) and any('/ "quarantine"' in line for line in lines)


def test_only_the_secrecy_module_names_the_confidential_office():
    """机要室 as a value (a department compared, assigned, routed to) lives in pipelines/secrecy.py alone."""
    named = sorted(str(p.relative_to(ROOT)) for p in product_files() if spells_confidential_office(p))
    compared = sorted(str(p.relative_to(ROOT)) for p in product_files() if compares_confidential_office(p))
    assert named == ["pipelines/secrecy.py"] and compared == []


def test_a_quick_command_loads_no_model_and_no_prefect():
    """Building the CLI's parser, the desk and `shouwen ledger`'s path import neither spaCy, Prefect nor the OCR
    engine (pipelines/commands: each command imports what it needs when it runs)."""
    code = textwrap.dedent("""
        import sys
        from pipelines import cli, desk
        cli._parser()
        heavy = [m for m in ("spacy", "prefect", "rapidocr", "rapidocr_onnxruntime", "openvino", "onnxruntime",
                             "paddleocr", "torch") if m in sys.modules]
        print(heavy)
    """)
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
