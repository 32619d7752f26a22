"""Review findings over a whole parse result: what a reviewer should look at.

- ``missing_clause_type``: a label the contract's kind normally has is absent;
- ``unfilled_blank``: template blanks left in a clause;
- ``numbering_gap`` / ``numbering_duplicate``: 3.1 then 3.3; two 第五条;
- ``dangling_reference``: "见本合同第九条" where there is no 第九条 (resolved ones fill ``references``);
- ``amount_mismatch``: an amount in words (大写) and in figures side by side that disagree.
"""
from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from decimal import Decimal

from .model import Clause, ContractInfo, Finding
from .segment.markers import CN_DIGITS, number_key

LABEL_NAMES = {"service": "标的与履行", "term": "期限与终止", "fee": "费用与支付", "confidentiality": "保密",
               "breach": "违约责任", "dispute": "争议解决", "restriction": "限制条款", "other": "其他"}
# 见本合同第九条 / 依照第5.2条 / 按第三条第２款 — the article is what must exist
REFERENCE_RE = re.compile(rf"第\s*([{CN_DIGITS}\d]{{1,6}}(?:\.\d{{1,3}})*)\s*条")


@lru_cache(maxsize=4096)
def _shape(number: str) -> str:
    """The style of a marker with its digits blanked: 第五条 → 第N条, (3) → (9), 1.2 → 9.9."""
    from .normalize import fold

    s = re.sub(r"\d+", "9", "".join(fold(number).split()))
    return re.sub(f"[{CN_DIGITS}]+", "N", s)


def numbering_findings(clauses: list[Clause]) -> list[Finding]:
    out = []
    groups: dict[tuple, list[Clause]] = defaultdict(list)
    for c in clauses:
        if c.number is not None and c.value is not None and c.kind != "attachment":
            groups[(c.contract, c.parent, _shape(c.number))].append(c)
    for sibs in groups.values():
        for prev, cur in zip(sibs, sibs[1:]):
            if cur.value == prev.value:
                out.append(Finding("numbering_duplicate", f"{cur.number} repeats the number of the clause before it",
                                   cur.id, cur.span))
            elif cur.value > prev.value + 1:
                out.append(Finding("numbering_gap", f"{cur.number} follows {prev.number}: "
                                   f"{cur.value - prev.value - 1} number(s) missing in between", cur.id, cur.span))
    return out


def reference_findings(text: str, folded: str, clauses: list[Clause]) -> list[Finding]:
    """Resolve "第X条" cross-references to clauses; dangling ones become findings."""
    out = []
    by_key: dict[tuple[int, str], Clause] = {}
    for c in clauses:
        if c.number is None:
            continue
        k = (c.contract, number_key(c.number))
        have = by_key.get(k)
        if have is None or ("条" in c.number and "条" not in have.number):
            by_key[k] = c  # "第九条" means an article: prefer a 第X条 clause over a "9." item
    for c in clauses:
        s, e = c.span
        own_marker_end = s + (len(c.number) if c.number and text.startswith(c.number, s, e) else 0)
        if folded.find("第", own_marker_end, e) < 0:
            continue  # no reference can start here (most clauses): skip the regex
        for m in REFERENCE_RE.finditer(folded, own_marker_end, e):
            key = number_key(f"第{m.group(1)}条")
            target = by_key.get((c.contract, key))
            if target is None and "." in key:
                head = by_key.get((c.contract, key.split(".")[0]))
                target = head if head is not None and _child_numbered(clauses, head, key.split(".")[-1]) else None
            if target is not None:
                if target.id != c.id and target.id not in c.references:
                    c.references.append(target.id)
            else:
                out.append(Finding("dangling_reference", f"{text[m.start():m.end()]} is cited but the contract has no such clause",
                                   c.id, (m.start(), m.end())))
    return out


def _child_numbered(clauses, parent, last):
    return any(c.parent == parent.id and c.number and number_key(c.number).split(".")[-1] == last for c in clauses)


def blank_findings(clauses: list[Clause]) -> list[Finding]:
    out = []
    for c in clauses:
        if not c.fields:
            continue
        blanks = [f for f in c.fields if f.type == "blank"]
        if blanks and c.kind != "closing":
            where = c.number or c.kind
            out.append(Finding("unfilled_blank", f"{len(blanks)} blank(s) left unfilled in {where}", c.id, blanks[0].span))
    return out


def amount_findings(clauses: list[Clause]) -> list[Finding]:
    out = []
    for c in clauses:
        if not c.fields:
            continue
        amounts = [f for f in c.fields if f.type == "amount"]
        for a in amounts:
            if a.value.get("written") != "chinese":
                continue
            near = [b for b in amounts if b is not a and b.value.get("written") != "chinese"
                    and (0 <= b.span[0] - a.span[1] <= 6 or 0 <= a.span[0] - b.span[1] <= 6)]
            for b in near:
                if Decimal(b.value["amount"]) != Decimal(a.value["amount"]):
                    out.append(Finding("amount_mismatch", f"{a.text} ({a.value['amount']}) and {b.text} ({b.value['amount']}) "
                                       "should be the same sum", c.id, (min(a.span[0], b.span[0]), max(a.span[1], b.span[1]))))
    return out


def missing_type_findings(contracts: list[ContractInfo], clauses: list[Clause], types: list[dict]) -> list[Finding]:
    out = []
    expects = {t["name"]: t.get("expects", []) for t in types}
    by_contract: dict[int, list[Clause]] = defaultdict(list)
    for c in clauses:
        by_contract[c.contract].append(c)
    for info in contracts:
        if info.type is None:
            continue
        own = by_contract[info.index]
        if sum(1 for c in own if c.number) < 5:
            continue  # a fragment: absence says nothing
        present = {c.label for c in own}
        for label in expects.get(info.type, []):
            if label not in present:
                out.append(Finding("missing_clause_type", f"no {label} ({LABEL_NAMES.get(label, label)}) clause found; "
                                   f"a {info.type} contract usually has one", None, None))
    return out


def review(text: str, folded: str, contracts: list[ContractInfo], clauses: list[Clause], types: list[dict]) -> list[Finding]:
    if not text.strip():
        return [Finding("empty_document", "the document has no text; check that it is the right file", None, None)]
    findings = (missing_type_findings(contracts, clauses, types) + numbering_findings(clauses)
                + reference_findings(text, folded, clauses) + blank_findings(clauses) + amount_findings(clauses))
    order = {c.id: k for k, c in enumerate(clauses)}
    findings.sort(key=lambda f: (-1 if f.clause is None else order[f.clause], f.span or (0, 0), f.type))
    return findings
