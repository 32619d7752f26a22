"""Run a batch on a Dask cluster (``pip install "clause-parser[dask]"``).

The same work as ``batch.parse_many``, scheduled by dask.distributed: each document is one task;
results (``ParseResult`` or ``BatchError``) are yielded in input order, so the output is identical
to a local run. Without a scheduler address a ``LocalCluster`` is started on this
machine. On a real cluster every worker needs clause_parser installed (the same version).
"""
from __future__ import annotations

import os
from typing import Iterable, Iterator

from .batch import BatchError, _parse_one
from .errors import OptionError


def _task(path: str, options: dict):
    result = _parse_one(path, options)
    if not isinstance(result, BatchError):
        result.ok = True
    return result


def parse_many_dask(paths: Iterable[str | os.PathLike], *, scheduler: str | None = None, workers: int | None = None,
                    progress=None, **options) -> Iterator:
    """Yield, in input order, a ``ParseResult`` (``.ok`` True) or a ``BatchError`` for each document."""
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise OptionError(None, "the dask engine needs dask.distributed", 'pip install "clause-parser[dask]"') from None
    paths = [os.fspath(p) for p in paths]
    cluster = None
    if scheduler is None:
        cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        futures = client.map(_task, paths, options=options, pure=False)
        index = {f.key: k for k, f in enumerate(futures)}
        done: dict[int, object] = {}
        next_out = 0
        for fut in as_completed(futures):
            k = index[fut.key]
            try:
                rec = fut.result()
            except Exception as e:  # noqa: BLE001 - a lost worker must not end the batch
                rec = BatchError(paths[k], "InternalError", f"{paths[k]}: the dask task failed: {e}")
            done[k] = rec
            if progress:
                progress.update(1)
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
