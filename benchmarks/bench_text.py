"""Speed of parse_text against jieba.lcut on the same text, measured in the same run.

    python benchmarks/bench_text.py [--repeat N]

Prints time per size (1×, 10×, 100× the corpus) and the ratio parse_text / jieba.lcut; a ratio
below 1 means parsing (segmentation + rule labels) is faster than merely tokenising the text.
"""
from __future__ import annotations

import argparse
import logging
import statistics
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "raw"


def best_of(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import jieba

    import clause_parser

    jieba.setLogLevel(logging.WARNING)
    jieba.lcut("合同")  # load the dictionary outside the timing
    base = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    clause_parser.parse_text(base[:2000])  # load rules and automata outside the timing
    print(f"{'size':>10} {'chars':>10} {'parse s':>9} {'jieba s':>9} {'ratio':>6}")
    per_char = []
    for k in (1, 10):
        text = base * k
        tp, _ = best_of(lambda: clause_parser.parse_text(text), args.repeat)
        tj, _ = best_of(lambda: jieba.lcut(text), args.repeat)
        per_char.append(tp / len(text))
        print(f"{k:>9}× {len(text):>10} {tp:>9.3f} {tj:>9.3f} {tp / tj:>6.2f}")
    print(f"cost per char at 10× / at 1×: {per_char[1] / per_char[0]:.2f} (1.00 = linear)")


if __name__ == "__main__":
    main()
