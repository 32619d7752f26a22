"""Many documents: parallel worker processes, results in input order, one bad file never stops
the rest, a time limit per document enforced by the worker process (a hung PDF library cannot be
interrupted in-process, so the parent ends the worker and starts a fresh one).

>>> import clause_parser
>>> for item in clause_parser.parse_many(["a.txt", "missing.txt"], workers=2):   # doctest: +SKIP
...     print(item.source.path if item.ok else item.message)
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
from dataclasses import dataclass
from typing import Iterable, Iterator

from .errors import ClauseParserError, Timeout

DEFAULT_TIMEOUT = 120.0


@dataclass
class BatchError:
    """A document that could not be parsed: the error record of a batch."""

    path: str
    type: str
    message: str
    ok: bool = False

    def to_dict(self) -> dict:
        return {"source": {"path": self.path}, "error": {"type": self.type, "message": self.message}}


def _parse_one(path: str, options: dict):
    from .api import parse

    try:
        return parse(path, **options)
    except ClauseParserError as e:
        return BatchError(path, type(e).__name__, str(e))
    except MemoryError:
        return BatchError(path, "TooLarge", f"{path}: ran out of memory; raise the machine's memory or split the file")
    except Exception as e:  # noqa: BLE001 - a bug in one document must not end the batch
        return BatchError(path, "InternalError", f"{path}: internal error {type(e).__name__}: {e}; please report it")


def _worker(conn, options: dict) -> None:
    while True:
        try:
            task = conn.recv()
        except EOFError:
            return
        if task is None:
            return
        index, path = task
        result = _parse_one(path, options)
        if not isinstance(result, BatchError):
            result.ok = True  # type: ignore[attr-defined]
        conn.send((index, result))


class _Worker:
    def __init__(self, ctx, options):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, options), daemon=True)
        self.proc.start()
        child.close()
        self.task: tuple[int, str] | None = None
        self.started = 0.0

    def give(self, index: int, path: str) -> None:
        self.task = (index, path)
        self.started = time.monotonic()
        self.conn.send(self.task)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.proc.kill()
        else:
            try:
                self.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        self.proc.join(timeout=5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        self.conn.close()


def parse_many(paths: Iterable[str | os.PathLike], *, workers: int | None = None, timeout: float | None = DEFAULT_TIMEOUT,
               progress: bool = False, **options) -> Iterator:
    """Parse many documents in parallel; yield, in input order, a ``ParseResult`` (``.ok`` True)
    or a ``BatchError`` (``.ok`` False) for each. Never raises for one bad document.

    ``workers`` defaults to the number of cores; ``workers=0`` parses in this process (no time
    limit: a call in-process cannot be interrupted). ``timeout`` is seconds per document.
    """
    paths = [os.fspath(p) for p in paths]
    if workers is None:
        workers = os.cpu_count() or 1
    bar = _progress(len(paths)) if progress else None
    try:
        if workers <= 0:
            for p in paths:
                r = _parse_one(p, options)
                if not isinstance(r, BatchError):
                    r.ok = True  # type: ignore[attr-defined]
                if bar:
                    bar.update(1)
                yield r
            return
        yield from _parallel(paths, min(workers, max(1, len(paths))), timeout, options, bar)
    finally:
        if bar:
            bar.close()


def _warm_up(options: dict) -> None:
    """Load rules, model and dictionary once here, before forking: the workers share them
    (copy-on-write) instead of each paying the few seconds of loading spaCy and jieba."""
    try:
        from .api import producer

        producer(**{k: v for k, v in options.items() if k in ("classifier", "rules")})
        if options.get("classifier", "ensemble") != "rules":
            from .tokenize import tokenizer

            tokenizer()
    except ClauseParserError:
        pass  # the same error will be reported per document


def _parallel(paths, n, timeout, options, bar):
    from multiprocessing.connection import wait

    from .gc_pause import cyclic_gc_paused

    ctx = mp.get_context("spawn" if os.name == "nt" else "fork")
    if ctx.get_start_method() == "fork":
        _warm_up(options)
    pool = [_Worker(ctx, options) for _ in range(n)]
    pending = list(enumerate(paths))[::-1]
    done: dict[int, object] = {}
    next_out = 0
    try:
        for w in pool:
            if pending:
                w.give(*pending.pop())
        while next_out < len(paths):
            busy = [w for w in pool if w.task is not None]
            ready = wait([w.conn for w in busy], timeout=0.2) if busy else []
            for w in busy:
                finished = None
                if w.conn in ready:
                    try:
                        with cyclic_gc_paused():  # a result is ~100 000 objects to rebuild, serially, here
                            finished = w.conn.recv()
                    except (EOFError, OSError):  # the worker died (killed by the OS, crashed)
                        index, path = w.task
                        finished = (index, BatchError(path, "InternalError",
                                                      f"{path}: the worker process died while parsing it; retry it alone"))
                        w.stop(kill=True)
                        pool[pool.index(w)] = w = _Worker(ctx, options)
                elif timeout is not None and time.monotonic() - w.started > timeout:
                    index, path = w.task
                    err = Timeout(path, f"took longer than {timeout:g} s", "raise --timeout or check the file")
                    finished = (index, BatchError(path, "Timeout", str(err)))
                    w.stop(kill=True)
                    pool[pool.index(w)] = w = _Worker(ctx, options)
                if finished is not None:
                    done[finished[0]] = finished[1]
                    w.task = None
                    if bar:
                        bar.update(1)
                    if pending:
                        w.give(*pending.pop())
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
    finally:
        for w in pool:
            w.stop(kill=w.task is not None)


def _progress(total: int):
    import sys

    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=sys.stderr)
