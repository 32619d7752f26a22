"""Parallel batch: a folder of 100 contracts with 1 and 2 workers, and peak memory per worker.

    python benchmarks/bench_batch.py [--docs 100]

Prints the speed-up of 2 workers over 1 (target ≥ 1.6 on 2 cores) and each run's peak resident
memory of a worker process (ru_maxrss of the children).
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


def run(folder: Path, workers: int, classifier: str) -> tuple[float, float]:
    code = ("import sys, resource, clause_parser\n"
            "from pathlib import Path\n"
            "paths = sorted(Path(sys.argv[1]).glob('*.txt'))\n"
            "n = sum(1 for r in clause_parser.parse_many(paths, workers=int(sys.argv[2]), classifier=sys.argv[3]) if r.ok)\n"
            "assert n == len(paths), n\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if int(sys.argv[2]) else "
            "resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n")
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, str(folder), str(workers), classifier], check=True,
                         capture_output=True, text=True).stdout
    return time.perf_counter() - t, int(out.split()[-1]) / 1024


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
        t1, m1 = run(folder, 1, args.classifier)
        t2, m2 = run(folder, 2, args.classifier)
    print(f"{args.docs} contracts, classifier={args.classifier}")
    print(f"  1 worker : {t1:6.2f} s  peak memory per worker {m1:6.0f} MB")
    print(f"  2 workers: {t2:6.2f} s  peak memory per worker {m2:6.0f} MB")
    print(f"  speed-up 2 workers / 1: {t1 / t2:.2f}")


if __name__ == "__main__":
    main()
