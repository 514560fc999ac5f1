"""How long a clerk waits for a command to answer: whole processes, each against its peer in the same run.

    peer          python -c "import prefect"  (the yardstick: issue 21's targets are ratios to it)
    quick         --help, config, ledger, search, route (改办, alternating two departments), due, handling, rules —
                  every command that only reads or changes the ledger: target ≤ 0.4× the peer
    validate      validate on one e-document (.docx): the whole process, i.e. the time to its first (only) report
    run.empty     `shouwen run` on an existing data root with an empty inbox: target ≤ 2.5× the peer
    run.one       `shouwen run` with one new e-document dropped into inbox/edoc: a real Prefect flow run

Rounds are interleaved (peer, then each command, round after round) so that every command sees the same machine;
each figure is the median of its rounds and its ratio is median / the peer's median in the same rounds (validate
and run.* run only in the first --run-rounds rounds: their peer is those rounds' peer). The data root is made once
by a batch over the repository's samples less ONE (not timed); each run.* round works on a fresh copy of it (the
copy is not timed). Python's bytecode cache is on for every command (as in an installed shouwen). The machine's
load average is recorded before and after. Each command's CPU seconds (user + system, its own and those of
every process it waited for: a batch's Prefect server and workers) are kept beside its wall seconds: on a shared
machine the wall time is mostly waiting for a core, the CPU time is what the command costs. --baseline DIR runs another checkout's commands (say, main before a
change: `git archive main | tar -x -C DIR`) beside this one's, in the same rounds.

    .venv/bin/python bench/startup_bench.py [--rounds 7] [--run-rounds 3] [--kinds quick,validate,run]
                                            [--only NAME…] [--baseline DIR] [--root DATA_ROOT]

Writes bench/results/startup.json (this run only) and prints a summary.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "bench" / "results" / "startup.json"
DOCX = ROOT / "samples" / "inbox" / "edoc" / "筑教发2026-12号-冬季学校安全工作通知.docx"
ONE = ROOT / "samples" / "inbox" / "edoc" / "筑教呈2026-7号-上半年工作汇报.docx"
QUICK_TARGET, RUN_TARGET = 0.4, 2.5


def _env(tree: Path) -> dict:
    """The command's environment: the code of `tree`, Python's bytecode cache on (as in an installed shouwen:
    a run that compiles every module anew measures the compiler, not the command), no Prefect or shouwen
    settings of the caller's."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PREFECT_", "SHOUWEN_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(tree)
    return env


def _shouwen(*words: str) -> list[str]:
    return [sys.executable, "-m", "pipelines.cli", *words]


def cases(root: Path) -> dict[str, dict]:
    """name -> {argv (a function of the round number and its own root), kind, fresh (run on a copy of root)}."""
    r = str(root)
    departments = itertools.cycle(("文秘科", "办公室"))  # each route moves the document (a real 改办), never a no-op
    return {
        "peer: import prefect": {"argv": lambda i, _: [sys.executable, "-c", "import prefect"], "kind": "peer"},
        "--help": {"argv": lambda i, _: _shouwen("--help"), "kind": "quick"},
        "config": {"argv": lambda i, _: _shouwen("config", "--root", r), "kind": "quick"},
        "ledger": {"argv": lambda i, _: _shouwen("ledger", "--root", r), "kind": "quick"},
        "search 资金": {"argv": lambda i, _: _shouwen("search", "资金", "--root", r), "kind": "quick"},
        "route": {"argv": lambda i, _: _shouwen("route", "收〔2026〕3号", next(departments), "--reason", "基准测试",
                                                "--root", r), "kind": "quick"},
        "due": {"argv": lambda i, _: _shouwen("due", "--root", r), "kind": "quick"},
        "handling": {"argv": lambda i, _: _shouwen("handling", "收〔2026〕2号", "--root", r), "kind": "quick"},
        "rules": {"argv": lambda i, _: _shouwen("rules"), "kind": "quick"},
        "validate one .docx": {"argv": lambda i, _: _shouwen("validate", str(DOCX)), "kind": "validate"},
        "run.empty": {"argv": lambda i, own: _shouwen("run", "--root", str(own)), "kind": "run", "fresh": True},
        "run.one": {"argv": lambda i, own: _shouwen("run", "--root", str(own)), "kind": "run", "fresh": True,
                    "drop": ONE},
    }


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(argv: list[str], tree: Path = ROOT) -> tuple[float, int, str, float]:
    """(wall seconds, exit status, output's tail, CPU seconds): the CPU time, user and system, of the command
    and of every process it started and waited for (a batch's Prefect server and its workers) — steadier than
    the wall time on a shared machine, where the wall time is mostly waiting for a core."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(argv, cwd=tree, env=_env(tree), capture_output=True, text=True, timeout=900)
    return (time.perf_counter() - started, done.returncode, (done.stdout + done.stderr)[-300:],
            _children_cpu() - cpu)


def make_root(work: Path) -> Path:
    """A data root after one batch over the repository's samples but ONE (8 documents), its inbox empty again:
    run.one then brings a document the root has not seen (not a duplicate)."""
    root = work / "template"
    for path in sorted((ROOT / "samples" / "inbox").glob("*/*")):
        if path != ONE:
            (root / "inbox" / path.parent.name).mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, root / "inbox" / path.parent.name / path.name)
    seconds, status, tail, _ = _time(_shouwen("run", "--root", str(root)))
    if status != 0:
        sys.exit(f"the samples batch failed ({status}): {tail}")
    print(f"data root made by a samples batch in {seconds:.1f} s", file=sys.stderr)
    return root


def measure(root: Path, work: Path, rounds: int, run_rounds: int, only: list[str] | None,
            baseline: Path | None = None, kinds: tuple[str, ...] = ("quick", "validate", "run")) -> dict:
    """Each case's seconds, median and ratio to the peer. baseline: another checkout of the code (say, main
    before a change), each of whose commands then runs beside this tree's in the same rounds ("NAME [baseline]")."""
    table = cases(root)
    names = [n for n in table if table[n]["kind"] == "peer"
             or ((not only or n in only) and table[n]["kind"] in kinds)]
    trees = {n: ROOT for n in names}
    if baseline:
        for name in list(names):
            if table[name]["kind"] != "peer":
                table[f"{name} [baseline]"] = table[name]
                trees[f"{name} [baseline]"] = baseline
                names.insert(names.index(name), f"{name} [baseline]")
    out = {n: {"kind": table[n]["kind"], "seconds": [], "cpu_seconds": [], "failures": [], "argv": None}
           for n in names}
    timed_rounds = {n: [] for n in names}  # the rounds in which each case was timed (its peer: those rounds')
    for i in range(rounds):
        for name in names:
            case = table[name]
            if case["kind"] in ("run", "validate") and i >= run_rounds:
                continue
            own = None
            if case.get("fresh"):
                own = work / f"round-{i}-{name}"
                shutil.copytree(root, own, symlinks=True)
                if case.get("drop"):
                    shutil.copy2(case["drop"], own / "inbox" / "edoc" / case["drop"].name)
            argv = case["argv"](i, own)
            out[name]["argv"] = " ".join(Path(argv[0]).name if k == 0 else w for k, w in enumerate(argv))
            seconds, status, tail, cpu = _time(argv, trees[name])
            # validate exits 1 for a 退文, 3 for 待复核: a verdict, not a failure
            ok = status == 0 or (case["kind"] == "validate" and status in (1, 3))
            if ok:
                out[name]["seconds"].append(round(seconds, 3))
                out[name]["cpu_seconds"].append(round(cpu, 3))
                timed_rounds[name].append(i)
            else:
                out[name]["failures"].append({"status": status, "tail": tail})
            if own is not None:
                shutil.rmtree(own, ignore_errors=True)
        print(f"round {i + 1}/{rounds} done", file=sys.stderr)
    peer_by_round = dict(zip(timed_rounds["peer: import prefect"], out["peer: import prefect"]["seconds"]))
    for name, entry in out.items():
        entry["median_s"] = round(statistics.median(entry["seconds"]), 3) if entry["seconds"] else None
        entry["median_cpu_s"] = round(statistics.median(entry["cpu_seconds"]), 3) if entry["cpu_seconds"] else None
        # against the peer of the same rounds: validate and run.* run only in the first run_rounds
        peers = [peer_by_round[i] for i in timed_rounds[name] if i in peer_by_round]
        entry["peer_median_s"] = round(statistics.median(peers), 3) if peers else None
        entry["ratio"] = round(entry["median_s"] / entry["peer_median_s"], 2) if entry["median_s"] and peers else None
        target = {"quick": QUICK_TARGET, "run": RUN_TARGET}.get(entry["kind"])
        entry["target_ratio"] = target
        entry["meets_target"] = None if target is None or entry["ratio"] is None else entry["ratio"] <= target
    return out


def summary(result: dict) -> str:
    lines = [f"startup, {result['cpus']} CPUs, load {result['load_before'][0]:.1f} before / "
             f"{result['load_after'][0]:.1f} after (1-min averages)",
             f"{'command':<36}{'median s':>10}{'cpu s':>8}{'× peer':>9}{'target':>8}  runs"]
    for name, entry in result["commands"].items():
        median = f"{entry['median_s']:.2f}" if entry["median_s"] else "—"
        ratio = f"{entry['ratio']:.2f}" if entry["ratio"] else "—"
        target = f"≤{entry['target_ratio']}" if entry["target_ratio"] else ""
        mark = {True: " ok", False: " MISSED", None: ""}[entry["meets_target"]]
        failed = f", {len(entry['failures'])} failed" if entry["failures"] else ""
        cpu = f"{entry['median_cpu_s']:.2f}" if entry.get("median_cpu_s") else "—"
        lines.append(f"{name:<36}{median:>10}{cpu:>8}{ratio:>9}{target:>8}  {len(entry['seconds'])}{failed}{mark}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--run-rounds", type=int, default=3, help="rounds for validate and run.* (slower)")
    parser.add_argument("--only", nargs="*", help="only these commands (the peer always runs)")
    parser.add_argument("--kinds", default="quick,validate,run", help="only these kinds of command (quick, validate, run)")
    parser.add_argument("--root", type=Path, help="an existing data root to use (else a samples batch makes one)")
    parser.add_argument("--baseline", type=Path, help="another checkout (e.g. `git archive main`) to run beside this one")
    parser.add_argument("--out", type=Path, default=RESULT)
    args = parser.parse_args()
    load_before = list(os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="shouwen-startup-") as tmp:
        work = Path(tmp)
        root = args.root or make_root(work)
        commands = measure(root, work, args.rounds, args.run_rounds, args.only,
                           args.baseline.resolve() if args.baseline else None, tuple(args.kinds.split(",")))
    result = {"benchmark": "startup", "cpus": os.cpu_count(), "load_before": load_before,
              "load_after": list(os.getloadavg()), "rounds": args.rounds, "run_rounds": args.run_rounds,
              "python": sys.version.split()[0], "baseline": str(args.baseline) if args.baseline else None,
              "commands": commands}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(summary(result))


if __name__ == "__main__":
    main()
