"""Speed of parse_text against jieba.lcut on the same text, measured in the same run.

    python benchmarks/bench_text.py [--repeat N]

1. The whole corpus text with each classifier: time and ratio parse_text / jieba.lcut.
   Targets: ensemble (the default) ≤ 2.5×; rules ≤ 0.7×, well under tokenising, so that only the
   model costs what tokenising costs. Issue 7 asked ≤ 0.2× for the rules, reasoning from one regex
   pass for the markers; that pass is printed too (about 0.05×), and the rest of the rules path
   is the per-clause output every caller gets: the tree, scores with evidence for every label,
   fields and findings.
2. Growth: prefixes of the corpus text (1/16, 1/4, all) with the rules, and one contract repeated 1×, 10×,
   100× with the default classifier: time per character should stay flat.
"""
from __future__ import annotations

import argparse
import logging
import time
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent / "corpus" / "raw"


def best_of(fn, repeat):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import jieba

    import clause_parser

    jieba.setLogLevel(logging.WARNING)
    jieba.lcut("合同")  # the dictionary loads outside the timing
    base = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    tj = best_of(lambda: jieba.lcut(base), args.repeat)
    print(f"corpus text: {len(base)} chars; jieba.lcut {tj:.3f} s")
    from clause_parser.normalize import fold
    from clause_parser.segment.markers import scan

    folded = fold(base)
    tm = best_of(lambda: scan(folded, base), args.repeat)
    print(f"  marker pass alone (segment.markers.scan) {tm:.3f} s  ratio to jieba.lcut {tm / tj:.2f}")
    for classifier in ("rules", "ensemble"):
        clause_parser.parse_text(base[:3000], classifier=classifier)  # rules, automata, model load outside the timing
        tp = best_of(lambda: clause_parser.parse_text(base, classifier=classifier), args.repeat)
        print(f"  parse_text classifier={classifier:<9} {tp:.3f} s  ratio to jieba.lcut {tp / tj:.2f}")

    # the rules path alone on growing prefixes of the corpus text: a cost that grows faster than the
    # text (a slice of everything before each marker, say) shows here long before 100 contracts do
    print("growth (prefixes of the corpus text, classifier=rules):")
    first = None
    for frac in (16, 4, 1):
        text = base[: len(base) // frac]
        t = best_of(lambda: clause_parser.parse_text(text, classifier="rules"), args.repeat)
        per = t / len(text)
        first = first or per
        print(f"  1/{frac:<3} {len(text):>8} chars  {t:7.3f} s  cost per char relative to 1/16: {per / first:.2f}")

    one = (CORPUS / "c05_house_lease.txt").read_text(encoding="utf-8")
    print(f"growth (one contract, {len(one)} chars, default classifier):")
    first = None
    for k in (1, 10, 100):
        text = "\n".join([one] * k)
        t = best_of(lambda: clause_parser.parse_text(text), 1 if k == 100 else args.repeat)
        per = t / len(text)
        first = first or per
        print(f"  {k:>4}×  {len(text):>8} chars  {t:7.3f} s  cost per char relative to 1×: {per / first:.2f}")


if __name__ == "__main__":
    main()
