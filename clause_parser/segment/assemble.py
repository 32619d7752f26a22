"""Nodes → ``Clause`` and ``ContractInfo`` records: exact spans, text without noise, headings, ids."""
from __future__ import annotations

import bisect
import itertools
import re

from ..model import Clause, ContractInfo
from ..normalize import fold, squash_spaces
from .tree import Node, _TITLE_LINE

_MENU = re.compile(r"[|｜]|\S\s{2,}\S")
_HEADING_PUNCT = re.compile(r"[。;,，、_:：；]|\s{2,}")
_TRAILING = "、.,:：，．　 \t-－"  # "1-品牌型号": a hand-typed closing dash too
_HEADING_THEN_TEXT = re.compile(r"^\s*([^\s。;,，、:：；_]{2,12})[\s　]+(\S.*)$")
_HEADING_COLON_TEXT = re.compile(r"^\s*([^\s。;,，、:：；_()（）]{2,8})\s*[:：]\s*(\S.*)$")


def _trim(text: str, s: int, e: int, removed: list[tuple[int, int]], starts: list[int]) -> tuple[int, int]:
    """Shrink ``[s, e)`` past white space and removed spans at both ends."""
    changed = True
    while changed and s < e:
        changed = False
        while s < e and text[s].isspace():
            s += 1
        i = bisect.bisect_right(starts, s) - 1
        if i >= 0 and removed[i][0] <= s < removed[i][1]:
            s = min(e, removed[i][1])
            changed = True
    changed = True
    while changed and e > s:
        changed = False
        while e > s and text[e - 1].isspace():
            e -= 1
        i = bisect.bisect_right(starts, e - 1) - 1
        if i >= 0 and removed[i][0] <= e - 1 < removed[i][1]:
            e = max(s, removed[i][0])
            changed = True
    return s, e


def _without_removed(text: str, s: int, e: int, removed, starts) -> str:
    i = max(0, bisect.bisect_right(starts, s) - 1)
    parts, pos = [], s
    while i < len(removed) and removed[i][0] < e:
        rs, re_ = removed[i]
        if re_ > pos and rs < e:
            if rs > pos:
                parts.append(text[pos:rs])
            pos = max(pos, re_)
        i += 1
    if pos < e:
        parts.append(text[pos:e])
    return "".join(parts)


def _heading(own: str, marker_len: int) -> tuple[str | None, bool]:
    """``(heading, has_body)`` from a clause's own text."""
    rest = own[marker_len:]
    first, _, more = rest.partition("\n")
    first_stripped = first.strip().lstrip(":：、.．,，").strip().rstrip(":：")
    has_more = bool(more.strip())
    if not first_stripped:
        return None, has_more
    if len(first_stripped) <= 24 and not _HEADING_PUNCT.search(first_stripped):
        return first_stripped, has_more
    m = _HEADING_THEN_TEXT.match(first)
    if m and len(m.group(2)) > len(m.group(1)):
        return m.group(1), True
    m = _HEADING_COLON_TEXT.match(first)  # "房屋用途：乙方承租…"
    if m and len(m.group(2)) > 2 * len(m.group(1)) and not m.group(2).strip("_＿ 　"):
        return None, True
    if m and len(m.group(2)) > 2 * len(m.group(1)):
        return m.group(1), True
    return None, True


def assemble(text: str, nodes: list[Node], removed: list[tuple[int, int]]) -> tuple[list[Clause], list[ContractInfo]]:
    removed = sorted(removed)
    starts = [s for s, _ in removed]
    reach = list(itertools.accumulate((e for _, e in removed), max))  # furthest end of removed[:k+1]
    clauses: list[Clause] = []
    keep: list[int] = []  # node index -> clause index (or -1 when the node is empty)
    spans, owns = [], []
    for nd in nodes:
        k = bisect.bisect_left(starts, nd.end) - 1
        if k >= 0 and reach[k] > nd.start:  # noise inside or at the ends: the general case
            s, e = _trim(text, nd.start, nd.end, removed, starts)
            owns.append(None)
        else:  # nearly every node: only white space to trim, and the text is the span's
            raw = text[nd.start:nd.end]
            s, e = nd.start + len(raw) - len(raw.lstrip()), nd.start + len(raw.rstrip())
            owns.append(raw.strip())
        spans.append((s, e))
    index_of: dict[int, int] = {}
    parents: list[int | None] = []  # per clause, its parent's clause index
    for k, nd in enumerate(nodes):
        s, e = spans[k]
        if s >= e:
            keep.append(-1)
            continue
        own = owns[k] if owns[k] is not None else _without_removed(text, s, e, removed, starts)
        mk = nd.marker
        number = value = heading = None
        kind = nd.kind
        if mk is not None:
            number = text[mk.start:mk.end].strip().rstrip(_TRAILING).strip() or text[mk.start:mk.end]
            value = mk.value if mk.value or kind != "attachment" else None
            heading, has_body = _heading(own, mk.end - s)
            if kind == "clause" and heading is not None and not has_body:
                kind = "heading"
        parent = index_of.get(nd.parent) if nd.parent is not None else None
        while parent is None and nd.parent is not None and keep[nd.parent] == -1 and nodes[nd.parent].parent is not None:
            nd.parent = nodes[nd.parent].parent  # an empty parent: attach to its parent
            parent = index_of.get(nd.parent)
        index_of[k] = len(clauses)
        keep.append(len(clauses))
        parents.append(parent)
        clauses.append(Clause(
            id="", parent=None, level=0, contract=nd.contract, kind=kind,
            number=number, value=value, path=[], heading=heading, text=own, span=(s, e)))
    _mark_recitals(clauses, parents)
    _number_tree(clauses, parents)
    return clauses, _contracts(text, clauses)


# "鉴于：", "双方确认，本协议系基于下列事实订立："
_RECITALS_LEAD = re.compile(r"^(鉴于|兹因|兹鉴于)[^。;；]{0,40}[:：]$|^[^。;；]{0,30}(下列|以下|如下)(事实|背景|情况)[^。;；]{0,10}[:：]$")
_DIGITS = re.compile(r"[\d一二三四五六七八九十百零〇两]+")


def _mark_recitals(clauses: list[Clause], parents: list[int | None]) -> None:
    """"鉴于：" and the numbered list under it ("1. 甲方系…；2. 乙方系…") are the preamble's
    recitals, not the contract's first clauses: the items take the kind ``preamble``."""
    for i, c in enumerate(clauses):
        if c.kind != "preamble" or not _RECITALS_LEAD.match(c.text.strip()):
            continue
        style, value = None, None
        for j in range(i + 1, len(clauses)):
            item = clauses[j]
            if item.contract != c.contract or item.number is None:
                break
            if parents[j] is not None:
                continue  # an item's own sub-list
            shape = _DIGITS.sub("#", item.number)
            if item.kind != "clause" or (style is not None and (shape != style or item.value != value + 1)):
                break
            style, value = shape, item.value
            item.kind = "preamble"


def _number_tree(clauses: list[Clause], parents: list[int | None]) -> None:
    """Give each clause its path, level and id (``"<contract>:<path>"``), parents (clause
    indices in ``parents``) by id."""
    child_count: dict[tuple[int, int | None], int] = {}
    paths: list[list[int]] = []
    dotted: list[str] = []  # the path as written in the id ("3.2"), extended from the parent's
    ids: list[str] = []
    for c, pidx in zip(clauses, parents):
        key = (c.contract, pidx)
        n = child_count[key] = child_count.get(key, 0) + 1
        if pidx is None:
            path = [n]
            d = str(n)
        else:
            path = paths[pidx] + [n]
            d = f"{dotted[pidx]}.{n}"
        paths.append(path)
        dotted.append(d)
        cid = f"{c.contract}:{d}"
        ids.append(cid)
        c.path = path
        c.level = len(path) - 1
        c.parent = ids[pidx] if pidx is not None else None
        c.id = cid


def _contracts(text: str, clauses: list[Clause]) -> list[ContractInfo]:
    """One entry per contract: its span and title. The title is the first preamble line that names
    a kind of document ("委托代理合同"), else the first short line without punctuation: a page's
    own lines ("最佳答案") may come before the contract's title."""
    out: list[ContractInfo] = []
    named: set[int] = set()  # contracts whose title names a kind of document
    for c in clauses:
        if not out or out[-1].index != c.contract:
            out.append(ContractInfo(index=c.contract, title=None, span=c.span))
        info = out[-1]
        info.span = (info.span[0], c.span[1])
        if info.index not in named and c.kind == "preamble":
            first = c.text.strip().split("\n", 1)[0].strip()
            # "物 流 运 输 合 同" is a title; a menu ("首页 | 合同范本") or a running header set apart
            # by runs of blanks is not
            if _TITLE_LINE.match(squash_spaces(fold(first))) and not _MENU.search(first):
                info.title = first
                named.add(info.index)
            elif info.title is None and len(first) <= 30 and not _HEADING_PUNCT.search(first):
                info.title = first
    if not out:
        out.append(ContractInfo(index=0, title=None, span=(0, 0)))
    return out
