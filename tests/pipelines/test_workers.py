"""The batch's two worker processes: who takes what, and a document that kills its reader harms nobody else."""
from __future__ import annotations

import os
import signal
from concurrent.futures import ThreadPoolExecutor

from pipelines.workers import WorkerCrashed, Workers, assign, kind_of

from .. import builder


def pid_or_die(name: str) -> tuple[str, int]:
    """Runs in a worker: 'bad' kills the worker outright, as a crashing native library would."""
    if name == "bad":
        os.kill(os.getpid(), signal.SIGKILL)
    return name, os.getpid()


def test_a_document_that_kills_its_worker_is_given_up_alone_and_the_others_finish():
    with Workers() as workers, ThreadPoolExecutor(4) as threads:
        first = workers.run("text", pid_or_die, "first")
        futures = {name: threads.submit(workers.run, "text", pid_or_die, name) for name in ("a", "bad", "b", "c")}
        results = {}
        for name, future in futures.items():
            try:
                results[name] = future.result()
            except WorkerCrashed as exc:
                results[name] = exc
        after = workers.run("text", pid_or_die, "after")
    assert isinstance(results["bad"], WorkerCrashed) and "隔离" in results["bad"].reason
    assert [results[n][0] for n in ("a", "b", "c")] == ["a", "b", "c"]
    assert after[0] == "after" and after[1] != first[1], "a fresh worker replaced the dead one"


def test_scans_go_to_the_ocr_worker_and_e_documents_to_either(tmp_path):
    docx = builder.write_docx(builder.conformant_notice(), tmp_path / "a.docx").read_bytes()
    fonts_pdf = builder.write_named_font_pdf(builder.conformant_notice(), tmp_path / "a.pdf", tmp_path / "fonts").read_bytes()
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 64
    assert [kind_of(x) for x in (docx, fonts_pdf, jpeg, b"%PDF-1.4\n/XObject /Image\n%%EOF")] == ["text", "text", "ocr", "ocr"]
    assert kind_of(b"") == "text"  # unusable: whichever worker says why
    # A batch of e-documents keeps both cores busy; next to enough OCR work they stay off the OCR worker.
    assert set(assign(["text"] * 10)) == {"ocr", "text"}
    mixed = assign(["ocr"] * 3 + ["text"] * 50)
    assert mixed[:3] == ["ocr"] * 3 and set(mixed[3:]) == {"text"}


def test_a_worker_that_cannot_open_the_ledger_says_so_per_document_without_a_traceback(tmp_path, capfd, monkeypatch):
    """The ledger's server gone while the batch runs: a worker starting then must not print concurrent.futures'
    'Exception in initializer' traceback (once per restart, 19 times in the tryout) but give each document the
    ledger's Chinese error, which stops the batch in one line (faults.describe)."""
    import pytest

    from pipelines.faults import describe, is_root_fault
    from pipelines.ledger import LedgerUnavailable

    (tmp_path / "office").mkdir()
    no_server = f"postgresql://shouwen@/shouwen?host={tmp_path / 'no-server'}"
    monkeypatch.setenv("SHOUWEN_LEDGER_URL", no_server)  # the spawned workers read it as the batch's config
    with Workers(tmp_path / "office") as workers:
        with pytest.raises(LedgerUnavailable) as raised:
            workers.process("text", 1, [])
        with pytest.raises(LedgerUnavailable):
            workers.process("text", 2, [])  # the same worker, not restarted
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Exception in initializer" not in err
    assert is_root_fault(raised.value)
    line = describe(raised.value, tmp_path / "office")
    assert "登记簿" in line and "无法" in line and "请检查登记簿数据库服务" in line and no_server in line


def test_the_worker_a_batch_will_need_is_started_before_its_flow_and_handed_over(tmp_path):
    """issue 21: the worker of the first documents is started while the batch's server starts (lanes_waiting),
    then the flow takes those very workers (workers.started), for the same data root only."""
    import shutil

    from pipelines.desk.batch_ops import lanes_waiting
    from pipelines.office import Office
    from pipelines.workers import handing_over, started

    from .test_batch import SAMPLES

    root = tmp_path / "office"
    edoc, fax = root / "inbox" / "edoc", root / "inbox" / "fax"
    edoc.mkdir(parents=True)
    fax.mkdir()
    with Office.open(root) as office:
        assert lanes_waiting(office) == (), "nothing waits: no worker started (one that comes by mail starts its own)"
        shutil.copy(next((SAMPLES / "fax").iterdir()), fax / "传真.tif")
        assert lanes_waiting(office) == ("ocr",), "one fax: the OCR worker only"
        builder.write_docx(builder.conformant_notice(), edoc / "a.docx")
        assert sorted(lanes_waiting(office)) == ["ocr", "text"], "a fax and an e-document: both"
        (fax / "传真.tif").unlink()
        assert lanes_waiting(office) == ("text",), "one e-document: the text worker only"
        builder.write_docx(builder.conformant_notice(doc_number="筑教发〔2026〕2号"), edoc / "b.docx")
        assert sorted(lanes_waiting(office)) == ["ocr", "text"], "two e-documents are balanced over both workers"

    with Workers() as workers:
        workers.root = root.resolve()
        workers.start(("text",))
        assert started(root) is None, "nothing handed over outside handing_over"
        with handing_over(workers):
            assert started(root) is workers and started(str(root) + "/") is workers
            assert started(tmp_path / "another") is None, "another data root's batch makes its own workers"
            first = workers.run("text", pid_or_die, "first")
        assert started(root) is None
        assert workers.run("text", pid_or_die, "again")[1] == first[1], "the worker started early did the work"
