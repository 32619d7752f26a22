"""Cold start: `clause-parser parse small.txt` against `python -c "import spacy, jieba; jieba.lcut('合同')"`.

    python benchmarks/bench_coldstart.py [--repeat N]

Both run as fresh processes in the same run; the ratio is parse / reference (target ≤ 1.5).
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

SMALL = Path(__file__).resolve().parent.parent / "corpus" / "raw" / "c05_house_lease.txt"


def best_of(cmd, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        best = min(best, time.perf_counter() - t)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    cli = shutil.which("clause-parser") or sys.exit("install the package first: pip install .")
    ref = best_of([sys.executable, "-c", "import spacy, jieba; jieba.lcut('合同')"], args.repeat)
    print(f"reference (import spacy, jieba; jieba.lcut)  {ref:.3f} s")
    for extra in ([], ["--classifier", "rules"]):
        t = best_of([cli, "parse", str(SMALL), *extra], args.repeat)
        label = " ".join(extra) or "(default: ensemble)"
        print(f"clause-parser parse small.txt {label:<22} {t:.3f} s  ratio {t / ref:.2f}")


if __name__ == "__main__":
    main()
