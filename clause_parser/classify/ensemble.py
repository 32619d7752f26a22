"""The ensemble: rule scores and model scores combined into one calibrated score per label.

For every label the ensemble reads three numbers about a clause — the model's calibrated score
(as a logit), the rules' score, and whether the rules rank the label first — and weighs them with
a per-label logistic regression fitted on out-of-fold predictions over the training corpus (by
document, see ``clause_parser.train``; never on held-out test data). The result is the chance
the label is acceptable for the clause.

Every ``LabelScore`` it writes has source ``"ensemble"``; its evidence is the rules' evidence for
that label plus two zero-width entries at the start of the clause whose ``rule`` records what
each source said, e.g. ``fee.rules:0.8131`` and ``fee.model:0.9420``. Labels the model does not
know (from a user's own rules folder) keep their rule score.

>>> from clause_parser import parse_text
>>> c = parse_text("第一条 费用\\n乙方应于每月5日前支付服务费人民币1000元。", classifier="ensemble").clauses[0]
>>> c.label, c.labels[0].source
('fee', 'ensemble')
>>> sorted(e.rule.split(":")[0] for e in c.labels[0].evidence if e.text == "")
['fee.model', 'fee.rules']
"""
from __future__ import annotations

import math

from ..model import BUILTIN_LABELS, Clause, Evidence
from . import register_classifier
from .model import ModelClassifier, ranked_scores
from .rules import SCALE, RuleClassifier

FEATURES = ("model_logit", "rules_score", "rules_top")


def rule_score(raw: float) -> float:
    """The rules' score for a raw evidence sum (as ``RuleClassifier.classify`` reports it)."""
    return 1 - math.exp(-max(raw, 0.0) / SCALE)


def rules_top(raw: dict[str, float]) -> str:
    """The label the rules alone would give (``other`` when they found nothing)."""
    order = {l: k for k, l in enumerate(BUILTIN_LABELS)}
    ranked = sorted((l for l, v in raw.items() if v > 0), key=lambda l: (-raw[l], order.get(l, len(order)), l))
    return ranked[0] if ranked else "other"


def features(model_probs, rules_raws: list[dict[str, float]], labels: list[str]):
    """Array (clauses, labels, FEATURES) the ensemble's weights apply to."""
    import numpy as np

    from .model import logit

    n = len(rules_raws)
    x = np.zeros((n, len(labels), len(FEATURES)))
    if n:
        x[:, :, 0] = logit(np.asarray(model_probs))
    for i, raw in enumerate(rules_raws):
        top = rules_top(raw)
        for k, lab in enumerate(labels):
            x[i, k, 1] = rule_score(raw.get(lab, 0.0))
            x[i, k, 2] = float(lab == top)
    return x


def combine(x, labels: list[str], weights: dict[str, list[float]]):
    """Ensemble probabilities from ``features(...)``: sigmoid(w · x + b) per label."""
    import numpy as np

    from .model import sigmoid

    out = np.zeros(x.shape[:2])
    for k, lab in enumerate(labels):
        w = np.asarray(weights[lab])
        out[:, k] = sigmoid(x[:, k, :] @ w[:-1] + w[-1])
    return out


class EnsembleClassifier:
    """Rules and model together (source ``"ensemble"``)."""

    name = "ensemble"

    def __init__(self, rules_dir=None, bundle=None, model_dir=None, rules: RuleClassifier | None = None, **_):
        self.rules = rules or RuleClassifier(rules_dir=rules_dir)
        self.model = ModelClassifier(bundle=bundle, model_dir=model_dir)

    @property
    def model_sha256(self) -> str | None:
        return self.model.model_sha256

    def classify(self, text: str, folded: str, clauses: list[Clause], contracts=None) -> None:
        if not clauses:
            return
        raws, evidence = self.rules.raw_scores(text, folded, clauses, contracts)
        bundle = self.model.bundle
        labels = bundle.labels
        model_probs = self.model.probabilities(text, folded, clauses)
        probs = combine(features(model_probs, raws, labels), labels, bundle.meta["ensemble"]["weights"])
        extra = [l for l in self.rules.labels if l not in labels]  # labels only a user's rules know
        for i, c in enumerate(clauses):
            row = list(probs[i]) + [rule_score(raws[i].get(l, 0.0)) for l in extra]
            names = labels + extra
            ev = {}
            for k, lab in enumerate(names):
                marks = [Evidence("", (c.span[0], c.span[0]), f"{lab}.rules:{rule_score(raws[i].get(lab, 0.0)):.4f}")]
                if k < len(labels):
                    marks.append(Evidence("", (c.span[0], c.span[0]), f"{lab}.model:{model_probs[i][k]:.4f}"))
                ev[lab] = marks + list(evidence[i].get(lab, []))
            c.labels = ranked_scores(names, row, "ensemble", ev)
            c.label = c.labels[0].label


@register_classifier("ensemble")
def make_ensemble(rules_dir=None, model_dir=None, **options):
    return EnsembleClassifier(rules_dir=rules_dir, model_dir=model_dir)
