"""Scores against gold annotations (the devset's JSONL format, documented in corpus/README.md).

The metrics follow the devset's definitions: a numbered gold clause is segmented right when it
sits alone (no other numbered gold clause) in a predicted clause whose marker means the same;
precision is over predicted numbered clauses. Labels: the primary label of the predicted clause
holding each gold snippet, right when it is any of the gold labels.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .model import BUILTIN_LABELS


def _squash(s: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def _key(number: str | None) -> str | None:
    from .segment.markers import number_key

    return None if number is None else number_key(number)


@dataclass
class Scores:
    seg_ok: int = 0
    gold_numbered: int = 0
    pred_numbered: int = 0
    unmatched: int = 0
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (gold, predicted)
    split_ok: int = 0
    split_docs: int = 0

    def add(self, other: "Scores") -> None:
        for k in ("seg_ok", "gold_numbered", "pred_numbered", "unmatched", "split_ok", "split_docs"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.pairs += other.pairs

    @property
    def seg_precision(self) -> float:
        return self.seg_ok / max(self.pred_numbered, 1)

    @property
    def seg_recall(self) -> float:
        return self.seg_ok / max(self.gold_numbered, 1)

    @property
    def seg_f1(self) -> float:
        p, r = self.seg_precision, self.seg_recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def label_f1(self) -> dict[str, float]:
        out = {}
        labels = list(BUILTIN_LABELS) + sorted({g for g, _ in self.pairs} - set(BUILTIN_LABELS))
        for lab in labels:
            tp = sum(1 for g, p in self.pairs if g == lab and p == lab)
            fp = sum(1 for g, p in self.pairs if g != lab and p == lab)
            fn = sum(1 for g, p in self.pairs if g == lab and p != lab)
            if tp + fp + fn == 0:
                continue
            pr = tp / (tp + fp) if tp + fp else 0.0
            rc = tp / (tp + fn) if tp + fn else 0.0
            out[lab] = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
        return out

    @property
    def macro_f1(self) -> float:
        f = self.label_f1()
        return sum(f.values()) / len(f) if f else 0.0

    @property
    def accuracy(self) -> float:
        return sum(1 for g, p in self.pairs if g == p) / max(len(self.pairs), 1)

    def confusion(self) -> dict[str, Counter]:
        out: dict[str, Counter] = {}
        for g, p in self.pairs:
            out.setdefault(g, Counter())[p] += 1
        return out

    def summary(self) -> str:
        f = self.label_f1()
        return (f"seg_P={self.seg_precision:.3f} seg_R={self.seg_recall:.3f} seg_F1={self.seg_f1:.3f} "
                f"label_acc={self.accuracy:.3f} label_macroF1={self.macro_f1:.3f} contracts_split={self.split_ok}/{self.split_docs}\n"
                "per-label F1: " + " ".join(f"{k}={v:.2f}" for k, v in f.items()))


def score_document(result, gold: list[dict]) -> Scores:
    """Score one parse result (a ``ParseResult`` or its dict) against its gold rows."""
    d = result.to_dict() if hasattr(result, "to_dict") else result
    clauses = d["clauses"]
    texts = [_squash(c["text"]) for c in clauses]
    hits: list[int | None] = []
    ptr = 0
    for g in gold:
        snip = _squash(g["snippet"])
        hit = next((i for i in range(ptr, len(clauses)) if snip in texts[i]), None)
        if hit is not None:
            ptr = hit
        hits.append(hit)
    by_clause: dict[int, list[int]] = {}
    for k, h in enumerate(hits):
        if h is not None:
            by_clause.setdefault(h, []).append(k)
    sc = Scores(pred_numbered=sum(1 for c in clauses if c.get("number")))
    for k, (g, h) in enumerate(zip(gold, hits)):
        if g["number"] is not None:
            sc.gold_numbered += 1
            if h is not None:
                alone = all(j == k or gold[j]["number"] is None for j in by_clause[h])
                if alone and _key(clauses[h].get("number")) == _key(g["number"]):
                    sc.seg_ok += 1
        pred = clauses[h]["label"] if h is not None else "<missing>"
        sc.unmatched += h is None
        sc.pairs.append((pred if pred in g["labels"] else g["labels"][0], pred))
    contracts: dict[int, list] = {}
    for g, h in zip(gold, hits):
        contracts.setdefault(g.get("contract", 0), []).append(clauses[h]["contract"] if h is not None else None)
    if len(contracts) > 1:
        sc.split_docs = 1
        major = {}
        for k, ids in contracts.items():
            top, n = Counter(ids).most_common(1)[0]
            major[k] = top if top is not None and n >= 0.9 * len(ids) else None
        sc.split_ok = int(None not in major.values() and len(set(major.values())) == len(major))
    return sc


def annotated_documents(folder: str | Path) -> list[tuple[Path, Path]]:
    """``(raw, gold)`` pairs of an annotated folder: ``raw/NAME.*`` with ``gold/NAME.jsonl``."""
    folder = Path(folder)
    out = []
    for gf in sorted((folder / "gold").glob("*.jsonl")):
        raws = sorted((folder / "raw").glob(gf.stem + ".*"))
        if raws:
            out.append((raws[0], gf))
    return out


def read_gold(path: str | Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]


def evaluate_folder(folder: str | Path, **parse_options) -> tuple[Scores, dict[str, Scores]]:
    """Parse every annotated document of ``folder`` and score it; returns (total, per document)."""
    from .api import parse

    total, per = Scores(), {}
    for raw, gold in annotated_documents(folder):
        sc = score_document(parse(raw, **parse_options), read_gold(gold))
        per[raw.stem] = sc
        total.add(sc)
    return total, per
