"""Facts about each contract: its parties (from the preamble) and its kind (from title and text)."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..errors import RulesError
from ..model import Clause, ContractInfo, Party

_SIDE = r"甲方|乙方|丙方|丁方"
_LABEL = r"[^\s:：，,。；;（）()]{1,8}?(?:方|人|公司|单位|机构)"
# 出租方（甲方）：陈志伟 / 甲方（委托方）：… / 甲方：… / 托运方：…
PARTY_LINE = re.compile(
    rf"^\s*(?P<label>{_SIDE}|{_LABEL})\s*(?:[（(]\s*(?P<inner>[^）)]{{1,10}})\s*[）)])?\s*[:：]\s*(?P<name>[^\n]*)")
# 北京某某公司（以下简称“甲方”）
SHORT_FOR = re.compile(rf"(?P<name>[^\s:：，,。；;“”\"]{{2,40}}?)\s*[（(]\s*以下(?:简称|称)\s*[“\"「]?(?P<role>{_SIDE}|[^”\"」）)]{{1,6}})[”\"」]?\s*[）)]")
_NOT_A_PARTY = re.compile(r"地址|住所|电话|传真|邮编|邮政|账号|帐号|开户|法定代表|代表人|代理人|联系人|身份证|证件|信用代码|营业执照|邮箱|网址|日期|编号|签字|盖章")
_NAME_END = re.compile(r"\s{2,}|[，,。；;]|(?:法定代表人|地址|住所|电话|身份证)")


@lru_cache(maxsize=4)
def load_types(path: str) -> list[dict]:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        types = data["types"]
        for t in types:
            t["name"], t.get("title", []), t.get("expects", [])
    except (OSError, yaml.YAMLError, KeyError, TypeError) as e:
        raise RulesError(path, f"cannot read contract types: {e}", "each type needs a name, title cues and expects") from None
    return types


def _side(label: str, inner: str | None) -> tuple[str, str | None]:
    for part, other in ((label, inner), (inner, label)):
        if part and re.fullmatch(_SIDE, part):
            return part, other
    return label, inner


def find_parties(text: str, clauses: list[Clause], contract: int) -> list[Party]:
    """Parties named in the preamble of ``contract`` (falling back to the closing block)."""
    out: list[Party] = []
    seen: set[str] = set()
    for c in clauses:
        if c.contract != contract or c.kind != "preamble":
            continue
        for pos, line in _party_segments(text[c.span[0]:c.span[1]], c.span[0]):
            m = PARTY_LINE.match(line)
            if m and not _NOT_A_PARTY.search(m.group("label")):
                role, alias = _side(m.group("label"), m.group("inner"))
                name_text = _NAME_END.split(m.group("name"), 1)[0].strip()
                name = name_text.strip("_＿ 　") or None
                if name and re.fullmatch(r"[_＿\s　×xX]*", name):
                    name = None
                start = pos + m.start("name") if name else pos + m.start("label")
                end = start + len(name_text) if name else pos + len(line.rstrip())
                if role not in seen:
                    seen.add(role)
                    out.append(Party(role=role, alias=alias, name=name, span=(start, end)))
            for sm in SHORT_FOR.finditer(line) if "以下" in line else ():
                role = sm.group("role")
                if role not in seen:
                    seen.add(role)
                    out.append(Party(role=role, alias=None, name=sm.group("name"),
                                     span=(pos + sm.start("name"), pos + sm.end("name"))))
    return out


# "甲方（用工单位）：某某公司 乙方（派遣单位）：某某公司": two parties on one line (a page that lost
# its line breaks, or a two-column party block)
_NEXT_SIDE = re.compile(rf"(?<=\S)[ \t\u3000]+(?=(?:{_SIDE})\s*(?:[（(][^）)\n]{{1,10}}[）)])?\s*[:：])")


def _party_segments(block: str, base: int):
    """``(offset, text)`` of each line of ``block``, a line split where a further party starts."""
    pos = base
    for line in block.split("\n"):
        start = 0
        for m in _NEXT_SIDE.finditer(line):
            yield pos + start, line[start:m.start()]
            start = m.end()
        yield pos + start, line[start:]
        pos += len(line) + 1


_QUALIFIER = re.compile(r"[(（【\[][^()（）【】\[\]]{0,12}[)）】\]]")
TITLE_WORDS = ("合同", "协议", "条款", "契约", "合约", "保险单", "章程", "承诺书", "责任书", "确认书")


def title_text(info: ContractInfo, folded_text: str) -> str:
    """The contract's title for typing it: its title line, or — when that line names no kind of
    document (an issuer's name above "…采购合同") — the first lines up to the one that does."""
    from ..normalize import fold

    title = "".join(fold(info.title or "").split())
    if any(w in title for w in TITLE_WORDS):
        return title
    head = folded_text[info.span[0]:min(info.span[1], info.span[0] + 400)]
    lines = ["".join(l.split()) for l in head.splitlines() if l.strip()][:4]
    for k, line in enumerate(lines):
        if any(w in line for w in TITLE_WORDS):
            return "".join(lines[:k + 1])
    return title


def contract_type(info: ContractInfo, folded_text: str, types: list[dict]) -> tuple[str | None, float | None]:
    """The kind of contract, from its title (score 0.9) or the cues of its text (at most 0.6).

    In a title the kind is named last (社会保险…运维服务合同 is a service contract, 货物运输保险条款
    an insurance one): the cue ending nearest the end wins, then the longer cue.
    """
    title = _QUALIFIER.sub("", title_text(info, folded_text))  # 技术开发（委托）合同: 委托 only qualifies
    cues = _folded_cues(types)
    best_key, best_name = None, None
    for order, (t, (title_cues, _)) in enumerate(zip(types, cues)):
        for c in title_cues:
            at = title.rfind(c)
            if at >= 0:
                key = (at + len(c), len(c), -order)
                if best_key is None or key > best_key:
                    best_key, best_name = key, t["name"]
    if best_name is not None:
        return best_name, 0.9
    body = folded_text[info.span[0]:info.span[1]]
    best, best_hits = None, 0
    for t, (_, all_cues) in zip(types, cues):
        hits = sum(body.count(cue) for cue in all_cues)
        if hits > best_hits:
            best, best_hits = t["name"], hits
    if best is None or best_hits < 3:
        return None, None
    return best, round(min(0.6, 0.2 + 0.05 * best_hits), 2)


_FOLDED_CUES: dict[int, tuple[list[dict], list[tuple[list[str], list[str]]]]] = {}


def _folded_cues(types: list[dict]) -> list[tuple[list[str], list[str]]]:
    """Per type, its title cues and its content + title cues in matching form, folded once per
    types list (``load_types`` caches the list; every contract of every document reads it)."""
    from ..normalize import fold

    hit = _FOLDED_CUES.get(id(types))
    if hit is not None and hit[0] is types:
        return hit[1]
    out = [([fold(c) for c in t.get("title", [])], [fold(c) for c in t.get("content", []) + t.get("title", [])])
           for t in types]
    if len(_FOLDED_CUES) > 16:
        _FOLDED_CUES.clear()
    _FOLDED_CUES[id(types)] = (types, out)  # holding ``types`` keeps its id from being reused
    return out
