"""pipelines/loading.py: the cyclic garbage collector is off while a library loads, and back as it was after —
also when the load fails, and inside an outer pause; freeze=True moves what was loaded out of its reach. Runs in a
fresh interpreter, so that neither this test process's collector nor its frozen objects are touched."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import gc
from pipelines.loading import paused

assert gc.isenabled()
with paused():
    inside = gc.isenabled()
    import decimal, json.decoder  # a load
print("inside", inside, "after", gc.isenabled())

try:
    with paused():
        raise ImportError("a library that cannot load")
except ImportError:
    pass
print("after a failed load", gc.isenabled())

with paused():
    with paused():
        pass
    print("after an inner pause", gc.isenabled())
print("after the outer pause", gc.isenabled())

gc.disable()
with paused():
    pass
print("disabled before stays disabled", not gc.isenabled())
gc.enable()

before = gc.get_freeze_count()
with paused(freeze=True):
    kept = [{"n": n} for n in range(1000)]
print("frozen", gc.get_freeze_count() >= before + 1000, "after freeze", gc.isenabled())
"""


def test_the_collector_is_paused_while_loading_and_restored_after():
    done = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "inside False after True",
        "after a failed load True",
        "after an inner pause False",
        "after the outer pause True",
        "disabled before stays disabled True",
        "frozen True after freeze True",
    ]
