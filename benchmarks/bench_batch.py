"""Parallel batch: a folder of 100 contracts with 1 and 2 workers, and peak memory per worker.

    python benchmarks/bench_batch.py [--docs 100]

Prints the speed-up of 2 workers over 1 (target ≥ 1.6 on 2 cores) and each run's peak resident
memory of a worker process (ru_maxrss of the children). Times per run: loading the model, rules
and dictionary (once per batch, before the workers fork — the same for any number of workers),
parsing (``parse_many`` from call to last record, after loading), and the whole command.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "raw"


def run(folder: Path, workers: int, classifier: str) -> tuple[float, float, float, float]:
    """(whole command seconds, loading seconds, parsing seconds, peak MB per worker)."""
    code = ("import sys, time, resource, clause_parser\n"
            "from pathlib import Path\n"
            "paths = sorted(Path(sys.argv[1]).glob('*.txt'))\n"
            "t = time.perf_counter()\n"
            "from clause_parser.batch import _warm_up\n"
            "_warm_up({'classifier': sys.argv[3]})\n"
            "load = time.perf_counter() - t\n"
            "t = time.perf_counter()\n"
            "n = sum(1 for r in clause_parser.parse_many(paths, workers=int(sys.argv[2]), classifier=sys.argv[3]) if r.ok)\n"
            "t = time.perf_counter() - t\n"
            "assert n == len(paths), n\n"
            "print(load, t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if int(sys.argv[2]) else "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, str(folder), str(workers), classifier], check=True,
                         capture_output=True, text=True).stdout
    load, batch, rss = out.split()[-3:]
    return time.perf_counter() - t, float(load), float(batch), int(rss) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100)
    ap.add_argument("--classifier", default="ensemble")
    args = ap.parse_args()
    sources = sorted(CORPUS.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for k in range(args.docs):
            shutil.copy(sources[k % len(sources)], folder / f"{k:04d}_{sources[k % len(sources)].name}")
        t1, l1, b1, m1 = run(folder, 1, args.classifier)
        t2, l2, b2, m2 = run(folder, 2, args.classifier)
    print(f"{args.docs} contracts, classifier={args.classifier}")
    for name, t, l, b, m in (("1 worker ", t1, l1, b1, m1), ("2 workers", t2, l2, b2, m2)):
        print(f"  {name}: loading {l:5.2f} s  parsing {b:6.2f} s  whole command {t:6.2f} s  "
              f"peak memory per worker {m:4.0f} MB")
    print(f"  speed-up 2 workers / 1: parsing {b1 / b2:.2f}, whole command {t1 / t2:.2f}")


if __name__ == "__main__":
    main()
