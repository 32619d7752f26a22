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
from operator import itemgetter

from ..model import BUILTIN_LABELS, Clause, Evidence, LabelScore
from . import register_classifier
from .ruleset import RuleSet, load_rules

CONTEXT_DECAY = 0.6  # weight of the section heading one level up; squared two levels up …
CHILDREN_WEIGHT = 0.6  # how much a heading borrows from the mean of its children
SCALE = 4.0  # raw evidence → score: 1 - exp(-raw / SCALE)
FALLBACK_SCORE = 0.05
HEADING_OWN = 0.5  # a heading's whole text speaks for its section
PARENT_OWN = 0.35  # a clause with items below it colours them
LEAD_IN_OWN = 1.0  # … and one that ends in a colon ("未经同意，乙方不得从事下列行为：") speaks for them
LEAD_IN_MIN_HEADING = 12  # a longer "heading" ending in a colon is such a lead-in ("付款方式：" is a heading)
TYPED_RULES_MIN_SCORE = 0.5  # contract_types cues apply from this type_score (title: 0.9; text cues: ≤ 0.6)
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


def _totals(hits: dict, negative: dict | None = None) -> dict[str, float]:
    """{label: diminishing sum of the weights of its rules} for one clause's hits; when
    ``negative`` hits are given (even none), less theirs and not below 0."""
    out = {}
    for l, rules in hits.items():
        if len(rules) == 1:  # the common case: _diminishing([w]) without the sort
            (h,) = rules.values()
            out[l] = 0.0 + h[0] * 1.0
        else:
            out[l] = _diminishing([h[0] for h in rules.values()])
    if negative is not None:
        # ``v if v > 0.0 else 0.0`` is max(0.0, v) without the call
        if negative:
            ng = _totals(negative)
            for l, v in out.items():
                v -= ng.get(l, 0.0)
                out[l] = v if v > 0.0 else 0.0
        else:
            for l, v in out.items():
                out[l] = v if v > 0.0 else 0.0
    return out


# A hit is ``(weight, start, end, rule, evidence)``: offsets into the document text; ``evidence``
# is the ready ``Evidence`` for heading hits (shared by every clause below the heading) and None
# for hits in a clause's own text, whose ``Evidence`` is only built if its label is reported.
_NO_HITS: dict = {}


@lru_cache(maxsize=16)
def _automata(rules: RuleSet):
    """Aho-Corasick automata for keywords, negative cues and heading cues.

    Each key maps to ``(len(key), label, rule, weight, more)``: its first cue, and in ``more``
    the ``(label, rule, weight)`` of the other labels' cues with the same key (rare), or None.
    """
    import ahocorasick

    def build(kind):
        a = ahocorasick.Automaton()
        table = defaultdict(list)
        for lr in rules.labels.values():
            for key, cue in getattr(lr, kind).items():
                table[key].append((lr.label, cue.rule, cue.weight))
        for key, entries in table.items():
            a.add_word(key, (len(key), *entries[0], tuple(entries[1:]) or None))
        if table:
            a.make_automaton()
            return a
        return None

    return build("keywords"), build("negative"), build("heading")


@lru_cache(maxsize=16)
def _type_rules(rules: RuleSet):
    """What the ``contract_types:`` blocks of the rule files amount to, derived once per rule set:
    automata for the kind-only keywords and heading cues (each key maps to ``(len(key), ((kind,
    label, rule, weight), …))``, None where there are none) and, per kind, the rule ids that do not
    count there. The kinds with any cue are the keys of that mapping."""
    import ahocorasick

    def build(attr):
        table = defaultdict(list)
        for lr in rules.labels.values():
            for ctype, tr in lr.by_type.items():
                for key, cue in getattr(tr, attr).items():
                    table[key].append((ctype, lr.label, cue.rule, cue.weight))
        if not table:
            return None
        a = ahocorasick.Automaton()
        for key, entries in table.items():
            a.add_word(key, (len(key), tuple(entries)))
        a.make_automaton()
        return a

    ignore: dict[str, set[str]] = defaultdict(set)
    for lr in rules.labels.values():
        for ctype, tr in lr.by_type.items():
            ignore[ctype] |= tr.ignore
    return build("keywords"), build("heading"), dict(ignore)


def _folded_heading(text: str, folded: str, c: Clause) -> tuple[int, str]:
    """Where a clause's heading starts in the text, and its matching form."""
    from ..normalize import fold

    at = text.find(c.heading, c.span[0], c.span[1])
    if at < 0:
        return c.span[0], fold(c.heading)
    # fold() maps character by character: the heading's folded form is a slice of ``folded``
    return at, folded[at:at + len(c.heading)]


def _drop_rules(hits: dict | None, ignore: set[str]) -> dict | None:
    """``hits`` without the hits of the rules in ``ignore`` (None when nothing is left)."""
    if not hits:
        return hits
    out = {}
    for label, rules in hits.items():
        kept = {r: h for r, h in rules.items() if r not in ignore}
        if kept:
            out[label] = kept
    return out or None


def _add_hit(hits: dict, label: str, rule: str, hit: tuple) -> None:
    """Keep the first hit of each rule per label."""
    rules = hits.get(label)
    if rules is None:
        hits[label] = {rule: hit}
    elif rule not in rules:
        rules[rule] = hit


class RuleClassifier:
    name = "rules"

    def __init__(self, rules: RuleSet | None = None, rules_dir=None, **_):
        self.rules = rules or load_rules(rules_dir)
        order = {l: i for i, l in enumerate(BUILTIN_LABELS)}
        self.labels = sorted(self.rules.labels, key=lambda l: (order.get(l, len(order)), l))
        self._order = {l: k for k, l in enumerate(self.labels)}
        self._patterns = [(lr.label, pat.rule, pat.weight, pat.regex)
                          for lr in self.rules.labels.values() for pat in lr.patterns.values()]
        priors: dict[str, list[tuple[str, float]]] = {}  # clause kind -> [(label, prior)]
        for l, lr in self.rules.labels.items():
            for kind, w in lr.kind_prior.items():
                priors.setdefault(kind, []).append((l, w))
        self._priors = priors
        self._negative_weights = not all(
            w >= 0 for lr in self.rules.labels.values()
            for w in [c.weight for c in lr.keywords.values()] + [p.weight for p in lr.patterns.values()])

    # ------------------------------------------------------------------ evidence gathering
    def _own_hits(self, text: str, folded: str, clauses: list[Clause]):
        """Per clause: ``{label: {rule: hit}}`` from its own text (first hit of each rule), for
        keywords and patterns and, separately, for negative cues; None for a clause without any.

        One pass of each automaton and each pattern over the whole text; a hit belongs to the
        clause whose span holds it (found by bisection), hits straddling two clauses to none.
        """
        n = len(clauses)
        starts = [c.span[0] for c in clauses]
        ends = [c.span[1] for c in clauses]
        own: list[dict | None] = [None] * n
        neg: list[dict | None] = [None] * n
        bisect_right = bisect.bisect_right

        kw, ng, _ = _automata(self.rules)
        for target, automaton in ((own, kw), (neg, ng)):
            if automaton is None:
                continue
            # the hot loop of the classifier (one turn per keyword hit): kept inline
            for last, (length, label, rule, weight, more) in automaton.iter(folded):
                s = last - length + 1
                i = bisect_right(starts, s) - 1
                if i < 0 or last >= ends[i]:
                    continue
                hits = target[i]
                if hits is None:
                    hits = target[i] = {}
                rules = hits.get(label)  # _add_hit, inlined
                if rules is None:
                    hits[label] = {rule: (weight, s, last + 1, rule, None)}
                elif rule not in rules:
                    rules[rule] = (weight, s, last + 1, rule, None)
                if more:
                    for label, rule, weight in more:
                        _add_hit(hits, label, rule, (weight, s, last + 1, rule, None))
        for label, rule, weight, regex in self._patterns:
            for m in regex.finditer(folded):
                s, e = m.span()
                if e <= s:
                    continue
                i = bisect_right(starts, s) - 1
                if i < 0 or e > ends[i]:
                    continue
                hits = own[i]
                if hits is None:
                    hits = own[i] = {}
                _add_hit(hits, label, rule, (weight, s, e, rule, None))
        return own, neg

    def _heading_hits(self, text: str, folded: str, clauses: list[Clause]):
        """Per clause: ``{label: {rule: hit}}`` from its heading (None without any)."""
        _, _, hd = _automata(self.rules)
        out: list[dict | None] = [None] * len(clauses)
        if hd is None:
            return out
        for i, c in enumerate(clauses):
            heading = c.heading
            if not heading:
                continue
            base, fh = _folded_heading(text, folded, c)
            for last, (length, *first, more) in hd.iter(fh):
                s, e = last - length + 1, last + 1
                hits = out[i]
                if hits is None:
                    hits = out[i] = {}
                for label, rule, weight in (first, *more) if more else (first,):
                    if rule not in hits.get(label, _NO_HITS):
                        ev = Evidence(heading[s:e], (base + s, base + e), rule)
                        _add_hit(hits, label, rule, (weight, base + s, base + e, rule, ev))
        return out

    def _clause_types(self, clauses: list[Clause], contracts) -> list[str | None] | None:
        """Per clause, the kind of its contract when some rule file has cues for that kind, else None
        (and None instead of the list when no clause has such a kind)."""
        if not contracts:
            return None
        known = _type_rules(self.rules)[2]
        # a kind guessed from a few words of the text is too weak to change what words mean
        kinds = {info.index: info.type for info in contracts
                 if info.type in known and (info.type_score or 0.0) >= TYPED_RULES_MIN_SCORE}
        if not kinds:
            return None
        return [kinds.get(c.contract) for c in clauses]

    def _type_hits(self, text: str, folded: str, clauses: list[Clause], ctypes: list[str | None],
                   own_hits: list, neg_hits: list, head_hits: list) -> None:
        """Apply the contract-kind cues: drop the ignored rules' hits, add the kind's own cues."""
        kw, hd, ignore = _type_rules(self.rules)
        for i, t in enumerate(ctypes):
            if t is not None and ignore[t]:
                own_hits[i] = _drop_rules(own_hits[i], ignore[t])
                neg_hits[i] = _drop_rules(neg_hits[i], ignore[t])
                head_hits[i] = _drop_rules(head_hits[i], ignore[t])
        if kw is not None:
            starts = [c.span[0] for c in clauses]
            for last, (length, entries) in kw.iter(folded):
                s = last - length + 1
                i = bisect.bisect_right(starts, s) - 1
                if i < 0 or last >= clauses[i].span[1] or ctypes[i] is None:
                    continue
                for ctype, label, rule, weight in entries:
                    if ctype == ctypes[i]:
                        if own_hits[i] is None:
                            own_hits[i] = {}
                        _add_hit(own_hits[i], label, rule, (weight, s, last + 1, rule, None))
        if hd is not None:
            for i, c in enumerate(clauses):
                if ctypes[i] is None or not c.heading:
                    continue
                base, fh = _folded_heading(text, folded, c)
                for last, (length, entries) in hd.iter(fh):
                    s, e = last - length + 1, last + 1
                    for ctype, label, rule, weight in entries:
                        if ctype == ctypes[i]:
                            if head_hits[i] is None:
                                head_hits[i] = {}
                            ev = Evidence(c.heading[s:e], (base + s, base + e), rule)
                            _add_hit(head_hits[i], label, rule, (weight, base + s, base + e, rule, ev))

    # ------------------------------------------------------------------ scoring
    def raw_scores(self, text: str, folded: str, clauses: list[Clause], contracts=None):
        """Per clause, the raw evidence sum per label (sparse) and the evidence behind each label.

        ``contracts`` (the ``ContractInfo`` list, with ``type`` set) turns on the cues that rule
        files give for some kinds of contract only.
        """
        raws, own_hits, heads = self._raw(text, folded, clauses, contracts)
        return raws, [{l: _evidence(text, own_hits[i], heads[i], l) for l in r} for i, r in enumerate(raws)]

    def _raw(self, text: str, folded: str, clauses: list[Clause], contracts=None):
        """Per clause: the raw evidence sum per label, its own hits, and the heading hits of it and
        its ancestors (nearest first, those with hits only) — what ``_evidence`` builds a label's
        evidence from, on demand: most labels of most clauses are never reported."""
        own_hits, neg_hits = self._own_hits(text, folded, clauses)
        head_hits = self._heading_hits(text, folded, clauses)
        ctypes = self._clause_types(clauses, contracts)
        if ctypes is not None:
            self._type_hits(text, folded, clauses, ctypes, own_hits, neg_hits, head_hits)
        index = {c.id: i for i, c in enumerate(clauses)}
        parents = [None if c.parent is None else index[c.parent] for c in clauses]
        children: dict[int, list[int]] = {}
        for i, p in enumerate(parents):
            if p is not None:
                children.setdefault(p, []).append(i)
        priors = self._priors

        # with no negative hits and no negative weights, "less the negatives, not below 0" changes nothing
        clamp = _NO_HITS if self._negative_weights else None
        own = []
        for c, hits, neg in zip(clauses, own_hits, neg_hits):
            o = _totals(hits, neg or clamp) if hits else {}
            for l, prior in priors.get(c.kind, ()):
                o[l] = o.get(l, 0.0) + prior
            own.append(o)
        head = [_totals(h) if h else _NO_HITS for h in head_hits]
        # what a clause says about the clauses below it: its heading, and (less) its own text
        section = {}
        for i in children:
            c = clauses[i]
            if c.text.rstrip()[-1:] in ":：" and (not c.heading or len(c.heading) > LEAD_IN_MIN_HEADING):
                f = LEAD_IN_OWN  # "业主不得有下列行为：" reads as a short heading, but it is a lead-in
            elif c.kind == "heading":
                f = HEADING_OWN
            else:
                f = PARENT_OWN
            sec = {l: f * v for l, v in own[i].items()}
            for l, v in head[i].items():
                sec[l] = sec.get(l, 0.0) + v
            section[i] = sec

        raws, heads = [], []
        for i, c in enumerate(clauses):
            r = dict(own[i])
            for l, v in head[i].items():
                r[l] = r.get(l, 0.0) + v
            ctx = [head_hits[i]] if head_hits[i] else []
            p, decay = parents[i], CONTEXT_DECAY
            while p is not None:
                for l, v in section[p].items():
                    r[l] = r.get(l, 0.0) + decay * v
                if head_hits[p]:
                    ctx.append(head_hits[p])
                decay *= CONTEXT_DECAY
                p = parents[p]
            kids = children.get(i)
            if kids and (c.kind == "heading" or max(own[i].values(), default=0.0) < 2):
                for k in kids:
                    for l, v in own[k].items():
                        r[l] = r.get(l, 0.0) + CHILDREN_WEIGHT * v / len(kids)
            raws.append(r)
            heads.append(ctx)
        return raws, own_hits, heads

    def classify(self, text: str, folded: str, clauses: list[Clause], contracts=None) -> None:
        """Set ``label`` and ``labels`` of every clause (``contracts``: see ``raw_scores``)."""
        if not clauses:
            return
        raws, own_hits, heads = self._raw(text, folded, clauses, contracts)
        order = self._order
        other = len(order)
        score_of: dict[float, float] = {}  # raw sums repeat (4.0, 2.0 …): round(exp()) once per value
        for i, (c, r) in enumerate(zip(clauses, raws)):
            ranked = [l for l, v in r.items() if v > 0]
            if len(ranked) > 1:
                ranked.sort(key=lambda l: (-r[l], order.get(l, other)))
            scores = []
            for l in ranked:
                v = r[l]
                score = score_of.get(v)
                if score is None:
                    score = score_of[v] = round(1 - math.exp(-v / SCALE), 4)
                scores.append(LabelScore(l, score, "rules", _evidence(text, own_hits[i], heads[i], l)))
            if not scores:
                scores = [LabelScore("other", FALLBACK_SCORE, "rules", [])]
            c.labels = scores
            c.label = scores[0].label


_BY_SPAN = itemgetter(1, 2, 3)  # a hit's (start, end, rule): the order evidence is listed in


def _evidence(text: str, own: dict | None, heads: list[dict], label: str) -> list[Evidence]:
    """``Evidence`` for a label of a clause: its own hits and those of the headings above it, in
    document order (a heading hit's evidence is shared, built once)."""
    hits = own.get(label) if own else None
    items = list(hits.values()) if hits else []
    for h in heads:
        hits = h.get(label)
        if hits:
            items += hits.values()
    if len(items) > 1:
        items.sort(key=_BY_SPAN)
    return [Evidence(text[s:e], (s, e), rule) if ev is None else ev for _, s, e, rule, ev in items]


@register_classifier("rules")
def make_rules(rules_dir=None, **options):
    return RuleClassifier(rules_dir=rules_dir)
