"""Run a function in several spawned processes at once, each with its own pipe back (no shared task queue).

    in_processes(target, [args, …], initializer=None, initargs=()) -> [target(args), …] in order

multiprocessing.Pool hands its tasks out over one pipe shared by every worker; twice on this busy machine a
worker was left waiting for the rest of a task another had half read, and the test hung for ever. Here each
process gets its arguments when it starts and answers on a pipe of its own, so a process that dies is an
EOFError at once (said with its exit code), never a hang. target, initializer: module-level (picklable).
A worker's exception is raised again in the test, with the worker's traceback in its message.
"""
from __future__ import annotations

import multiprocessing
import traceback


def _run(target, args, initializer, initargs, answer) -> None:
    try:
        if initializer is not None:
            initializer(*initargs)
        answer.send((True, target(args)))
    except BaseException:  # noqa: BLE001 — everything goes back to the test, which raises it
        answer.send((False, traceback.format_exc()))
    finally:
        answer.close()


def in_processes(target, args_list, *, initializer=None, initargs=()) -> list:
    context = multiprocessing.get_context("spawn")
    running = []
    for args in args_list:
        reader, writer = context.Pipe(duplex=False)
        process = context.Process(target=_run, args=(target, args, initializer, initargs, writer))
        process.start()
        writer.close()  # the child holds the only writing end: its death closes the pipe
        running.append((process, reader))
    results, errors = [], []
    for process, reader in running:
        try:
            ok, value = reader.recv()
        except EOFError:
            process.join()
            ok, value = False, f"worker process exited with code {process.exitcode} before answering"
        process.join()
        (results if ok else errors).append(value)
    if errors:
        raise AssertionError("a worker process failed:\n" + "\n".join(errors))
    return results
