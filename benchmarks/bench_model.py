"""What the trained model adds to a parse, against the cost of merely tokenising the text with jieba.

    python benchmarks/bench_model.py [--repeat N]

For the corpus text (1× and 10×) prints the time of ``parse_text`` with each classifier, the time of
``jieba.lcut`` on the same text, the model's two steps on their own (``words``: its one jieba pass
and the features; ``predict``: spaCy Docs and the textcat), and the model's extra cost
(ensemble − rules) and its prediction step, each divided by the jieba time. Loading spaCy and the
model happens once, outside the timing (a per-process cost, reported separately). Best of
``--repeat`` runs; on a busy machine use more.
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
    jieba.lcut("合同")  # load jieba's dictionary outside the timing
    base = "\n".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    clause_parser.parse_text(base[:2000], classifier="rules")
    t = time.perf_counter()
    clause_parser.parse_text(base[:2000], classifier="ensemble")
    print(f"first use of the model (import spaCy, load the model): {time.perf_counter() - t:.2f} s")
    from clause_parser.classify.model import clause_words, load_bundle
    from clause_parser.normalize import fold

    bundle = load_bundle()
    print(f"{'size':>6} {'chars':>9} {'rules s':>8} {'model s':>8} {'ensemble s':>10} {'jieba s':>8} "
          f"{'words s':>8} {'predict s':>9} {'(ens-rules)/jieba':>18} {'predict/jieba':>14}")
    for k in (1, 10):
        text = base * k
        tr, _ = best_of(lambda: clause_parser.parse_text(text, classifier="rules"), args.repeat)
        tm, _ = best_of(lambda: clause_parser.parse_text(text, classifier="model"), args.repeat)
        te, _ = best_of(lambda: clause_parser.parse_text(text, classifier="ensemble"), args.repeat)
        tj, _ = best_of(lambda: jieba.lcut(text), args.repeat)
        # the model's two steps on their own: the jieba pass into words, then Docs + textcat
        result = clause_parser.parse_text(text, classifier="rules")
        folded = fold(result.text)
        words = clause_words(result.text, folded, result.clauses)
        tw, _ = best_of(lambda: clause_words(result.text, folded, result.clauses), args.repeat)
        tp, _ = best_of(lambda: bundle.raw_scores(words), args.repeat)
        print(f"{k:>5}× {len(text):>9} {tr:>8.3f} {tm:>8.3f} {te:>10.3f} {tj:>8.3f} {tw:>8.3f} {tp:>9.3f} "
              f"{(te - tr) / tj:>18.2f} {tp / tj:>14.2f}")

if __name__ == "__main__":
    main()
