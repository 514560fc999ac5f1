"""The house's structure, measured (issue 16's figures): run before and after a restructuring, quote the JSON.

    python scripts/structure_measures.py [--json]

  * import_cycles      the import graph of pipelines/ (every import a module can execute: top level and inside
                       functions, TYPE_CHECKING blocks left out; importing a.b.c also runs a and a.b, unless
                       the importer lies inside them): its
                       strongly connected components of more than one module, and the modules in them
  * secrecy_spread     modules (product code: pipelines/, extractors/, validators/, index/, web/, flows.py) that
                       enumerate the three 密级 (绝密, 机密, 秘密 each a value of its own, or a regular expression's
                       alternatives: 绝密|机密|秘密, 绝|机|秘; a message naming them does not count), and modules
                       that test the literal "机要室" (a comparison with it) or hold it as a value of their own
  * batch_hub          how many pipelines/ modules pipelines/batch.py imports, and which modules import it
  * data_root_spelled  product files that spell a data-root folder by hand (root / "outbox", ("archive",
                       "outbox", …)) outside pipelines/dataroot.py

The same graph and the same spelling check are what tests/project/test_structure.py holds the code to.
"""
from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("pipelines", "extractors", "validators", "index", "web")
LEVELS = ("绝密", "机密", "秘密")
# a regular expression that enumerates the levels: 绝密|机密|秘密 (any order), (?:绝|机|秘), [绝机秘]
LEVEL_PATTERN = re.compile(r"(?:绝密|机密|秘密)\|(?:绝密|机密|秘密)\|(?:绝密|机密|秘密)|绝\|机\|秘|\[绝机秘\]")
FOLDERS = ("inbox", "outbox", "archive", "quarantine", "received", "registrations", "withdrawn", ".secure", "cache")
# root / "outbox", office.root / "quarantine" … and the loops over folder names: for folder in ("archive", "outbox")
SPELLED = re.compile(r"/\s*[\"'](?:%s)[\"']" % "|".join(re.escape(f) for f in FOLDERS))
SPELLED_TUPLE = re.compile(r"\(\s*[\"'](?:%s)[\"']\s*,\s*[\"'](?:%s)[\"']" % (("|".join(map(re.escape, FOLDERS)),) * 2))


def module_name(path: Path, base: Path = ROOT) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking_lines(tree: ast.AST) -> set[int]:
    """Line numbers inside `if TYPE_CHECKING:` blocks (imports there never run)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of `known` that module `name` (file `path`) can import when it runs, parents included
    (importing a.b.c runs a and a.b), except the module's own packages (they are being imported already)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_lines(tree)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            targets = [stem] + [f"{stem}.{alias.name}" for alias in node.names]
        for target in targets:
            parts = target.split(".")
            for i in range(1, len(parts) + 1):  # importing a.b.c runs a and a.b first
                candidate = ".".join(parts[:i])
                if candidate in known and candidate != name and not name.startswith(candidate + "."):
                    found.add(candidate)
    return found


def import_graph(package: str = "pipelines", base: Path = ROOT) -> dict[str, set[str]]:
    """module → the modules of `package` it can import (see imports_of)."""
    files = {module_name(p, base): p for p in sorted((base / package).rglob("*.py"))}
    known = set(files)
    return {name: imports_of(path, name, known) for name, path in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(out)


def _strings(tree: ast.AST) -> list[str]:
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
            and id(n) not in docstrings]


def product_files(base: Path = ROOT) -> list[Path]:
    files = [p for package in PRODUCT if (base / package).is_dir() for p in sorted((base / package).rglob("*.py"))]
    return files + ([base / "flows.py"] if (base / "flows.py").is_file() else [])


def lists_levels(path: Path) -> bool:
    """Whether the module enumerates the three levels itself: each as a value of its own ("绝密", "机密", "秘密"
    in a tuple, a set, a comparison) or as a regular expression's alternatives. A message that names them for a
    person ("密级应为“绝密”“机密”或“秘密”") is not a matcher and does not count."""
    strings = _strings(ast.parse(path.read_text(encoding="utf-8")))
    return all(level in strings for level in LEVELS) or any(LEVEL_PATTERN.search(s) for s in strings)


def compares_confidential_office(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            for side in [node.left, *node.comparators]:
                if isinstance(side, ast.Constant) and side.value == "机要室":
                    return True
                if isinstance(side, (ast.Tuple, ast.List, ast.Set)) and any(
                        isinstance(e, ast.Constant) and e.value == "机要室" for e in side.elts):
                    return True
    return False


def spells_confidential_office(path: Path) -> bool:
    """Whether the module holds the literal "机要室" as a value of its own (not inside a message)."""
    return "机要室" in _strings(ast.parse(path.read_text(encoding="utf-8")))


def spelled_paths(path: Path) -> list[str]:
    """The lines of `path` that spell a data-root folder by hand (comments and docstrings aside)."""
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        code = line.split("#", 1)[0]
        if SPELLED.search(code) or SPELLED_TUPLE.search(code):
            out.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    return out


def measure() -> dict:
    graph = import_graph()
    found = cycles(graph)
    files = product_files()
    rel = lambda p: str(p.relative_to(ROOT))  # noqa: E731
    batch_imports = sorted(graph.get("pipelines.batch", ()))
    imported_by = sorted(n for n, targets in graph.items() if "pipelines.batch" in targets)
    if "pipelines.batch" in imports_of(ROOT / "flows.py", "flows", set(graph)):
        imported_by.append("flows")
    spelled = {rel(p): spelled_paths(p) for p in files if p.name != "dataroot.py" or p.parent.name != "pipelines"}
    spelled = {k: v for k, v in spelled.items() if v}
    return {
        "import_cycles": {"count": len(found), "modules": sum(len(c) for c in found), "components": found},
        "secrecy_spread": {"list_levels": sorted(rel(p) for p in files if lists_levels(p)),
                           "test_confidential_office_literally": sorted(rel(p) for p in files
                                                                       if compares_confidential_office(p)),
                           "spell_confidential_office": sorted(rel(p) for p in files if spells_confidential_office(p))},
        "batch_hub": {"imports": len(batch_imports), "imports_modules": batch_imports,
                      "imported_by": len(imported_by), "imported_by_modules": imported_by},
        "data_root_spelled": {"files": len(spelled), "lines": spelled},
    }


def main() -> int:
    result = measure()
    if "--json" in sys.argv:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    c, s, b, d = (result[k] for k in ("import_cycles", "secrecy_spread", "batch_hub", "data_root_spelled"))
    print(f"import cycles in pipelines/: {c['count']} ({c['modules']} modules): {c['components']}")
    print(f"modules listing the three 密级: {len(s['list_levels'])} {s['list_levels']}")
    print(f"modules testing \"机要室\" literally: {len(s['test_confidential_office_literally'])} "
          f"{s['test_confidential_office_literally']}")
    print(f"modules spelling \"机要室\" as a value: {len(s['spell_confidential_office'])} {s['spell_confidential_office']}")
    print(f"batch.py imports {b['imports']} pipelines modules; imported by {b['imported_by']}: {b['imported_by_modules']}")
    print(f"files spelling data-root paths by hand: {d['files']} {sorted(d['lines'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
