"""The rule-based classifier: weighted cues from ``rules/*.yaml`` over each clause and its context.

Matching is linear in the document: one Aho-Corasick pass finds every keyword of every label in
the whole text, and each pattern runs once over the whole text; hits are then assigned to the
clause whose own span holds them. A clause's score for a label weighs:

* its own text (keywords, patterns, minus negative cues),
* its own heading (heading cues),
* the sections above it (their headings, decaying with distance), and
* for a heading, what its children are about.
"""
from __future__ import annotations

import bisect
import math
from collections import defaultdict
from functools import lru_cache

from ..model import BUILTIN_LABELS, Clause, Evidence, LabelScore
from . import register_classifier
from .ruleset import RuleSet, load_rules

CONTEXT_DECAY = 0.6  # weight of the section heading one level up; squared two levels up …
CHILDREN_WEIGHT = 0.6  # how much a heading borrows from the mean of its children
SCALE = 4.0  # raw evidence → score: 1 - exp(-raw / SCALE)
FALLBACK_SCORE = 0.05
HEADING_OWN = 0.5  # a heading's whole text speaks for its section
PARENT_OWN = 0.35  # a clause that introduces a list ("…有权解除合同：①…") colours its items
DIMINISH = 0.5  # the strongest cue counts fully, the next half, the next a quarter …


def _diminishing(weights) -> float:
    """Sum of cue weights, strongest first, each further cue counting ``DIMINISH`` times less.

    Many weak cues (提供, 负责, 工作 …) must not outvote one decisive cue (不得泄露).
    """
    total, f = 0.0, 1.0
    for w in sorted(weights, reverse=True):
        total += w * f
        f *= DIMINISH
    return total


@lru_cache(maxsize=16)
def _automata(rules: RuleSet):
    import ahocorasick

    def build(kind):
        a = ahocorasick.Automaton()
        table = defaultdict(list)
        for lr in rules.labels.values():
            for key, cue in getattr(lr, kind).items():
                table[key].append((lr.label, cue, kind))
        for key, entries in table.items():
            a.add_word(key, (len(key), entries))
        if table:
            a.make_automaton()
            return a
        return None

    return build("keywords"), build("negative"), build("heading")


def _iter_hits(automaton, s: str):
    if automaton is None:
        return
    for end, (length, entries) in automaton.iter(s):
        start = end - length + 1
        for label, cue, kind in entries:
            yield start, end + 1, label, cue


class RuleClassifier:
    name = "rules"

    def __init__(self, rules: RuleSet | None = None, rules_dir=None, **_):
        self.rules = rules or load_rules(rules_dir)
        order = {l: i for i, l in enumerate(BUILTIN_LABELS)}
        self.labels = sorted(self.rules.labels, key=lambda l: (order.get(l, len(order)), l))

    # ------------------------------------------------------------------ evidence gathering
    def _own_hits(self, text: str, folded: str, clauses: list[Clause]):
        """Per clause: {label: {rule: (weight, Evidence)}} from its own text (first hit of each rule)."""
        starts = [c.span[0] for c in clauses]
        own = [defaultdict(dict) for _ in clauses]
        neg = [defaultdict(dict) for _ in clauses]

        def owner(s, e):
            i = bisect.bisect_right(starts, s) - 1
            if i >= 0 and e <= clauses[i].span[1]:
                return i
            return None

        kw, ng, _ = _automata(self.rules)
        for target, automaton in ((own, kw), (neg, ng)):
            for s, e, label, cue in _iter_hits(automaton, folded):
                i = owner(s, e)
                if i is not None and cue.rule not in target[i][label]:
                    target[i][label][cue.rule] = (cue.weight, Evidence(text[s:e], (s, e), cue.rule))
        for lr in self.rules.labels.values():
            for pat in lr.patterns.values():
                for m in pat.regex.finditer(folded):
                    if m.end() <= m.start():
                        continue
                    i = owner(m.start(), m.end())
                    if i is not None and pat.rule not in own[i][lr.label]:
                        own[i][lr.label][pat.rule] = (pat.weight, Evidence(text[m.start():m.end()], (m.start(), m.end()), pat.rule))
        return own, neg

    def _heading_hits(self, text: str, clauses: list[Clause]):
        _, _, hd = _automata(self.rules)
        out = [defaultdict(dict) for _ in clauses]
        from ..normalize import fold

        for i, c in enumerate(clauses):
            if not c.heading:
                continue
            at = text.find(c.heading, c.span[0], c.span[1])
            base = at if at >= 0 else c.span[0]
            for s, e, label, cue in _iter_hits(hd, fold(c.heading)):
                if cue.rule not in out[i][label]:
                    out[i][label][cue.rule] = (cue.weight, Evidence(c.heading[s:e], (base + s, base + e), cue.rule))
        return out

    # ------------------------------------------------------------------ scoring
    def raw_scores(self, text: str, folded: str, clauses: list[Clause]):
        """Per clause, the raw evidence sum per label (sparse) and the evidence behind each label."""
        own_hits, neg_hits = self._own_hits(text, folded, clauses)
        head_hits = self._heading_hits(text, clauses)
        index = {c.id: i for i, c in enumerate(clauses)}
        n = len(clauses)

        def total(hits):
            return {l: _diminishing(w for w, _ in rules.values()) for l, rules in hits.items() if rules}

        priors = {l: lr.kind_prior for l, lr in self.rules.labels.items() if lr.kind_prior}
        own, head = [], []
        for i, c in enumerate(clauses):
            o, ng = total(own_hits[i]), total(neg_hits[i])
            o = {l: max(0.0, v - ng.get(l, 0.0)) for l, v in o.items()}
            for l, kp in priors.items():
                if c.kind in kp:
                    o[l] = o.get(l, 0.0) + kp[c.kind]
            own.append(o)
            head.append(total(head_hits[i]))

        # what each clause says about the clauses below it: its heading, and (less) its own text
        section = []
        for i, c in enumerate(clauses):
            f = HEADING_OWN if c.kind == "heading" else PARENT_OWN
            sec = {l: f * v for l, v in own[i].items()}
            for l, v in head[i].items():
                sec[l] = sec.get(l, 0.0) + v
            section.append(sec)
        children = defaultdict(list)
        for i, c in enumerate(clauses):
            if c.parent is not None:
                children[index[c.parent]].append(i)

        raws, evidence = [], []
        for i, c in enumerate(clauses):
            r = dict(own[i])
            for l, v in head[i].items():
                r[l] = r.get(l, 0.0) + v
            ancestors = []
            p, decay = c.parent, CONTEXT_DECAY
            while p is not None:
                j = index[p]
                for l, v in section[j].items():
                    r[l] = r.get(l, 0.0) + decay * v
                ancestors.append(j)
                decay *= CONTEXT_DECAY
                p = clauses[j].parent
            kids = children.get(i)
            if kids and (c.kind == "heading" or max(own[i].values(), default=0.0) < 2):
                for k in kids:
                    for l, v in own[k].items():
                        r[l] = r.get(l, 0.0) + CHILDREN_WEIGHT * v / len(kids)
            ev = {}
            for l in r:
                items = [e for _, e in own_hits[i][l].values()] + [e for _, e in head_hits[i][l].values()]
                for j in ancestors:
                    items += [e for _, e in head_hits[j][l].values()]
                items.sort(key=lambda e: (e.span[0], e.span[1], e.rule or ""))
                ev[l] = items
            raws.append(r)
            evidence.append(ev)
        return raws, evidence

    def classify(self, text: str, folded: str, clauses: list[Clause]) -> None:
        """Set ``label`` and ``labels`` of every clause."""
        if not clauses:
            return
        raws, evidence = self.raw_scores(text, folded, clauses)
        order = {l: k for k, l in enumerate(self.labels)}
        for c, r, ev in zip(clauses, raws, evidence):
            ranked = sorted((l for l, v in r.items() if v > 0), key=lambda l: (-r[l], order.get(l, len(order))))
            scores = [LabelScore(l, round(1 - math.exp(-r[l] / SCALE), 4), "rules", ev[l]) for l in ranked]
            if not scores:
                scores = [LabelScore("other", FALLBACK_SCORE, "rules", [])]
            c.labels = scores
            c.label = scores[0].label


@register_classifier("rules")
def make_rules(rules_dir=None, **options):
    return RuleClassifier(rules_dir=rules_dir)
