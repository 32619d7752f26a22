"""Typed fields inside clauses (amounts, percentages, durations, dates, forums, blanks) and
the parties of each contract. Runs after classification (the kind of each contract is known
before it: ``extract.contract.contract_type``)."""
from __future__ import annotations

import bisect

from ..model import Clause, ContractInfo


def annotate(text: str, folded: str, clauses: list[Clause], contracts: list[ContractInfo],
             removed: list[tuple[int, int]]) -> None:
    """Fill ``Clause.fields`` and each contract's ``parties``."""
    from .contract import find_parties
    from .fields import find_fields

    starts = [c.span[0] for c in clauses]
    rstarts = [s for s, _ in removed]
    for f in find_fields(text, folded):
        s, e = f.span
        i = bisect.bisect_right(starts, s) - 1
        if i < 0 or e > clauses[i].span[1]:
            continue  # straddles two clauses, or lies in noise between them
        j = bisect.bisect_right(rstarts, e - 1) - 1
        if j >= 0 and removed[j][1] > s:
            continue  # inside a page footer or other noise
        clauses[i].fields.append(f)
    preambles: dict[int, list[Clause]] = {}
    for c in clauses:
        if c.kind == "preamble":
            preambles.setdefault(c.contract, []).append(c)
    for info in contracts:
        info.parties = find_parties(text, preambles.get(info.index, []), info.index)
