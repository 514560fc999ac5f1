"""退文通知's costs (issue 20): rendering, the PDF, and sending, each beside its peer in the same run.

  render    the 退文通知单 from its docxtpl template (ms per notice, median and max)
  pdf       N notices as PDF by ONE LibreOffice run (render.to_pdf: what a batch does), beside one run per notice
  smtp      N notices sent to a real SMTP server on loopback (aiosmtpd, STARTTLS, a login) over ONE connection
            (smtp.Session: what a batch does), beside a new connection per message

    .venv/bin/python bench/delivery_bench.py [N]

Writes bench/results/delivery.json and prints a summary. Times are wall-clock on this machine (shared; the
load average is recorded beside them).
"""
from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.returns.notice import Signatory, return_context  # noqa: E402
from pipelines.returns.render import RETURN_TEMPLATE, render, to_pdf  # noqa: E402
from pipelines.review import review_path  # noqa: E402
from tests import mailservers  # noqa: E402

SAMPLE = ROOT / "samples" / "inbox" / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx"
WHO = Signatory("示例市人民政府办公室", "秘书一科 李明", "0851-86000000", "示例市人民大道1号", "550001")


def _office(tmp: Path):
    settings = SimpleNamespace(returns=SimpleNamespace(templates_dir="templates"))
    return SimpleNamespace(root=tmp, config=SimpleNamespace(settings=settings))


def bench_render(tmp: Path, report: dict, n: int) -> dict:
    office = _office(tmp)
    times = []
    for i in range(n):
        context = return_context(report, f"收〔2026〕{i + 1}号", "2026-12-01T09:00:00+08:00", WHO, f"退〔2026〕{i + 1}号",
                                 "2026-12-06T10:00:00+08:00")
        started = time.perf_counter()
        render(office, RETURN_TEMPLATE, context, tmp / "docx" / f"{i}.docx")
        times.append((time.perf_counter() - started) * 1000)
    return {"notices": n, "template_ms_median": round(statistics.median(times), 1),
            "template_ms_max": round(max(times), 1)}


def bench_pdf(tmp: Path, n: int) -> dict:
    sources = sorted((tmp / "docx").glob("*.docx"))[:n]
    started = time.perf_counter()
    made = to_pdf(sources)
    one_run = time.perf_counter() - started
    per = []
    for source in sources:
        started = time.perf_counter()
        to_pdf([source])
        per.append(time.perf_counter() - started)
    return {"notices": len(sources), "converted": len(made), "one_run_s": round(one_run, 2),
            "run_per_notice_s": round(sum(per), 2), "per_notice_median_s": round(statistics.median(per), 2)}


def bench_smtp(tmp: Path, n: int) -> dict:
    import smtplib

    from pipelines.returns.smtp import Session

    cert = mailservers.make_certificate(tmp / "cert")
    docx = next((tmp / "docx").glob("*.docx")).read_bytes()

    def message(i: int) -> EmailMessage:
        m = EmailMessage()
        m["From"], m["To"], m["Subject"] = "shouwen@cs.example.cn", "bgs@gyjy.example.cn", f"退文通知：第{i}件"
        m.set_content("详见附件。")
        m.add_attachment(docx, maintype="application", subtype="octet-stream", filename=f"{i}.docx")
        return m

    with mailservers.SmtpServer(cert, "starttls", users={"shouwen": "pw"}) as server:
        settings = SimpleNamespace(host="127.0.0.1", port=server.port, effective_port=server.port,
                                   security="starttls", username="shouwen", secret=lambda: "pw",
                                   ca_file=str(cert.cert), timeout=60)
        started = time.perf_counter()
        with Session(settings) as session:
            for i in range(n):
                session.send(message(i))
        one = time.perf_counter() - started
        import ssl

        started = time.perf_counter()
        for i in range(n):
            with smtplib.SMTP("127.0.0.1", server.port, timeout=60) as smtp:
                smtp.starttls(context=ssl.create_default_context(cafile=str(cert.cert)))
                smtp.login("shouwen", "pw")
                smtp.send_message(message(i))
        each = time.perf_counter() - started
        received = len(server.messages)
    return {"messages": n, "received": received, "one_connection_s": round(one, 3),
            "connection_per_message_s": round(each, 3), "attachment_kb": round(len(docx) / 1024, 1)}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    tmp = Path(tempfile.mkdtemp(prefix="shouwen-delivery-bench-"))
    try:
        report = review_path(SAMPLE, channel="edoc")
        result = {"load_average": os.getloadavg(), "cpus": os.cpu_count(),
                  "render": bench_render(tmp, report, n), "pdf": bench_pdf(tmp, min(n, 5)),
                  "smtp": bench_smtp(tmp, n)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    target = ROOT / "bench" / "results" / "delivery.json"
    target.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    r, p, s = result["render"], result["pdf"], result["smtp"]
    print(f"load average {result['load_average'][0]:.1f} on {result['cpus']} CPUs")
    print(f"render  {r['notices']} notices from the template: median {r['template_ms_median']} ms, max {r['template_ms_max']} ms")
    print(f"pdf     {p['notices']} notices: one LibreOffice run {p['one_run_s']} s | one run per notice {p['run_per_notice_s']} s")
    print(f"smtp    {s['messages']} messages ({s['attachment_kb']} KB docx each): one connection {s['one_connection_s']} s"
          f" | a connection per message {s['connection_per_message_s']} s; the server received {s['received']} (both runs)")
    print(f"wrote {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
