"""Reading and OCR are bounded by the CPU time a file costs, not by the wall clock (issue 19, trust item 5).

On a loaded server an honest scan waits for a CPU: under a wall-clock bound it timed out and was quarantined.
A hostile file that loops burns CPU: it is still stopped. A reader blocked without using CPU meets the far
larger wall-clock backstop. The load is real: busy-loop processes pinned to the CPU the test runs on; the page
is the sample scan, OCR'd by the real engine.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from extractors import limits
from extractors.errors import UnusableInput
from extractors.scan import read_image

from ..pipelines.test_batch import SAMPLES

SCAN = SAMPLES / "scan" / "扫描件-上半年校舍维修工作汇报.jpg"


def test_a_hostile_loop_is_still_stopped_by_the_cpu_it_burns():
    with pytest.raises(UnusableInput) as stopped:
        with limits.time_limit(0.5, "读取 PDF"):
            while True:  # cyclic /Contents, a parser that never ends
                pass
    assert stopped.value.code == "timeout" and "读取 PDF超时（计算时间超过 0.5 秒）" in str(stopped.value)


def test_a_reader_blocked_without_computing_meets_the_wall_clock_backstop(monkeypatch):
    monkeypatch.setattr(limits, "WALL_BACKSTOP_FACTOR", 2)
    monkeypatch.setattr(limits, "WALL_BACKSTOP_MIN", 0)
    started = time.process_time()
    with pytest.raises(UnusableInput) as stopped:
        with limits.time_limit(0.5, "读取 OFD"):
            time.sleep(120)  # a read that never returns, using no CPU
    assert stopped.value.code == "timeout" and "等待超过 1 秒" in str(stopped.value)
    assert time.process_time() - started < 0.5  # it was the backstop, not the CPU bound


def test_an_inner_limit_pauses_the_outer_one_and_gives_it_back():
    with pytest.raises(UnusableInput) as stopped:
        with limits.time_limit(0.6, "读取 PDF"):
            with limits.time_limit(30, "第 1 页文字识别"):
                end = time.process_time() + 1.0
                while time.process_time() < end:  # a page's honest OCR: more than the outer has, less than its own
                    pass
            end = time.process_time() + 3.0
            while time.process_time() < end:  # then the reading loops: the outer bound, resumed, stops it
                pass
    assert "读取 PDF超时" in str(stopped.value)
    import signal
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0) and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def _busy_loops(cpu: int, n: int) -> list[subprocess.Popen]:
    code = f"import os\nos.sched_setaffinity(0, {{{cpu}}})\nwhile True: pass\n"
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(n)]


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity (Linux)")
def test_an_honest_page_under_load_is_not_timed_out(monkeypatch):
    data = SCAN.read_bytes()
    read_image(data, "jpeg")  # the engine loaded once, as a worker does
    started = time.process_time()
    read_image(data, "jpeg")
    cost = time.process_time() - started  # CPU seconds this page costs here, unloaded (both OCR threads)
    bound = 3 * cost
    monkeypatch.setattr(limits, "OCR_SECONDS_PER_PAGE", bound)  # read_image's bound, 3× what the page costs
    cpu = sorted(os.sched_getaffinity(0))[0]
    before = os.sched_getaffinity(0)
    loops = _busy_loops(cpu, 4)
    try:
        os.sched_setaffinity(0, {cpu})  # this process and four busy loops share one CPU: a fifth of it each
        wall = time.monotonic()
        doc = read_image(data, "jpeg")  # under the old wall-clock bound: 第 1 页文字识别超时
        wall = time.monotonic() - wall
    finally:
        os.sched_setaffinity(0, before)
        for p in loops:
            p.kill()
            p.wait()
    assert "上半年" in "".join(line.text for line in doc.pages[0].lines)
    print(f"page: {cost:.2f} s CPU unloaded, bound {bound:.2f} s CPU, {wall:.2f} s on the wall under load")


def test_a_timeout_wrapped_by_the_ocr_library_is_still_said_as_a_timeout():
    class EngineError(RuntimeError):  # rapidocr re-raises what happens inside inference as its own error
        pass

    with pytest.raises(UnusableInput) as stopped:
        with limits.time_limit(0.3, "第 1 页文字识别"):
            try:
                while True:
                    pass
            except Exception as exc:
                raise EngineError("Traceback (most recent call last): …") from exc
    assert stopped.value.code == "timeout" and "第 1 页文字识别超时" in str(stopped.value)
