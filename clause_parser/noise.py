"""Web and print noise: recognised by shape (rules/noise.yaml), listed in ``removed`` with a reason.

Works line by line on the folded text; returns spans into the document text. Nothing here
deletes text: the segmenter skips removed spans and the result lists them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, NamedTuple

from .errors import RulesError


@dataclass(frozen=True)
class NoiseRule:
    id: str
    reason: str
    scope: str  # "line" | "match"
    regex: re.Pattern
    unless: re.Pattern | None = None
    max_len: int | None = None
    # ids of rules one of which must have removed the previous non-blank line (a list of links
    # under "相关推荐" is noise; the same titles alone are not)
    after: frozenset[str] = frozenset()
    contiguous: bool = False  # with ``after``: a blank line ends the chain (a commentary box)
    # the heading of a list of noise ("注：" over a draft's footnotes): noise only when the next
    # non-blank line is removed by a rule that follows it ("注：" over a model form's notes is text)
    heads: bool = False
    # with ``after``: the lines this rule removes are noise only when noise follows them, a line
    # removed whole by a rule without ``after`` (a reader's words between their name and "赞(2)　回复"
    # or the next reader's name); else they are the document's
    until_noise: bool = False
    max_lines: int = 3  # with ``until_noise``: at most this many lines wait


def load_noise_rules(path: Path) -> list[NoiseRule]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise RulesError(str(path), f"cannot read noise rules: {e}", "fix the YAML") from None
    rules = []
    for i, r in enumerate(data.get("rules", [])):
        try:
            rules.append(NoiseRule(
                id=r["id"], reason=r.get("reason", r["id"]), scope=r.get("scope", "line"),
                regex=re.compile(r["regex"]), unless=re.compile(r["unless"]) if r.get("unless") else None,
                max_len=r.get("max_len"), after=frozenset(_ids(r.get("after"))), contiguous=bool(r.get("contiguous", False)),
                heads=bool(r.get("heads", False)), until_noise=bool(r.get("until_noise", False)),
                max_lines=int(r.get("max_lines", 3))))
        except (KeyError, TypeError, re.error) as e:
            raise RulesError(str(path), f"noise rule #{i + 1} is invalid: {e}", "each rule needs id and regex") from None
    known = {r.id for r in rules}
    for r in rules:
        if r.after - known:
            raise RulesError(str(path), f"noise rule {r.id!r}: 'after' names no rule: {sorted(r.after - known)}",
                             "list ids of rules in the same file")
        if r.contiguous and not r.after:
            raise RulesError(str(path), f"noise rule {r.id!r}: 'contiguous' needs 'after'",
                             "name the rules whose lines this one continues")
        if r.heads and (r.scope != "line" or not any(r.id in o.after for o in rules)):
            raise RulesError(str(path), f"noise rule {r.id!r}: 'heads' needs scope: line and a rule that follows it",
                             "name it in the 'after' of the rule for its list's lines")
        if r.until_noise and not r.after:
            raise RulesError(str(path), f"noise rule {r.id!r}: 'until_noise' needs 'after'",
                             "name the rules whose lines this one's lines follow")
        if r.after and r.scope != "line":
            raise RulesError(str(path), f"noise rule {r.id!r}: 'after' needs scope: line",
                             "only a whole removed line can be followed")
    return rules


def _ids(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise TypeError(f"'after' must be a rule id or a list of them, not {value!r}")


@lru_cache(maxsize=8)
def _cached_rules(path: str) -> tuple[NoiseRule, ...]:
    return tuple(load_noise_rules(Path(path)))


class _Matcher(NamedTuple):
    """A noise rule prepared for the line loop: the same matches as the rule's regex, found with
    less work. Most lines of a contract match no rule, so each rule first runs two tests that are
    necessary for a match and cost a fraction of the regex (derived from the regex itself, see
    ``normalize.line_prefilters``): the class the line's last character must be in (rules
    anchored with ``$``) and a class of which the line must hold a character (e.g. 篇 for
    "…合同范本6篇"). The regexes are compiled with ``regex_guard.first_char_guarded``. The fields
    are bound methods: the loop runs some 40 000 times per 200 000 characters."""

    id: str
    reason: str
    after: frozenset[str]
    contiguous: bool
    max_len: int | None
    search: Callable  # the rule's regex
    unless: Callable | None
    ends: Callable | None  # ends(line, len(line) - 1) is None: the last character cannot end a match
    has: Callable | None  # has(line) is None: the line lacks every character a match needs

    @classmethod
    def of(cls, rule: NoiseRule) -> _Matcher:
        from .regex_guard import first_char_guarded, line_prefilters

        def guarded(rx):
            return first_char_guarded(rx.pattern, rx.flags & ~re.UNICODE)

        ends, has = line_prefilters(rule.regex.pattern, rule.regex.flags & ~re.UNICODE)
        return cls(rule.id, rule.reason, rule.after, rule.contiguous, rule.max_len, guarded(rule.regex).search,
                   guarded(rule.unless).search if rule.unless is not None else None,
                   re.compile(f"[{ends}]", rule.regex.flags).match if ends else None,
                   re.compile(f"[{has}]", rule.regex.flags).search if has and has != ends else None)


@lru_cache(maxsize=8)
def _matchers(path: str) -> tuple[list[_Matcher], list[_Matcher]]:
    rules = _cached_rules(path)
    return [_Matcher.of(r) for r in rules if r.scope == "line"], [_Matcher.of(r) for r in rules if r.scope == "match"]


def find_noise(text: str, folded: str, rules_path: Path) -> list[tuple[int, int, str]]:
    """``(start, end, reason)`` of every noise span, in document order."""
    line_rules, match_rules = _matchers(str(rules_path))
    out: list[tuple[int, int, str]] = []
    followers = [r for r in line_rules if r.after]
    if followers:
        line_rules = [r for r in line_rules if not r.after]
    raws = folded.split("\n")
    headers = _running_headers(raws)
    toc = _toc_entries(raws) if _TOC_ANYWHERE.search(folded) else ()
    rules = _cached_rules(str(rules_path))
    heads = {r.id for r in rules if r.heads}
    waits = {r.id: r.max_lines for r in rules if r.until_noise}
    pos = 0
    prev = None  # id of the line rule that removed the previous non-blank line
    blank = False  # a blank line since that one
    pending = None  # index in ``out`` of a list's heading that waits for its list
    waiting: list[int] = []  # indices in ``out`` of lines that wait for noise after them
    dropped: set[int] = set()  # indices in ``out`` of lines that turned out to be the document's
    for i, raw in enumerate(raws):
        line = raw.strip()  # str.strip() strips exactly the characters str.isspace() accepts
        if not line:
            blank = True
        else:
            s = pos + len(raw) - len(raw.lstrip())
            followed = False
            # while lines wait, noise of the line's own ends the wait before the line can go on with them
            own = _line_noise(folded, line, s, s + len(line), line_rules, match_rules) if waiting else None
            if own is not None and own[1] is not None:
                out.extend(own[0])
                prev, waiting = own[1], []
            elif line in headers or i in toc:
                out.append((s, s + len(line), "page-header" if line in headers else "toc"))
                prev = None
            elif prev is not None and (hit := _following(line, prev, blank, followers)) is not None:
                out.append((s, s + len(line), hit.reason))
                prev = hit.id
                followed = True
            else:
                found, prev = own or _line_noise(folded, line, s, s + len(line), line_rules, match_rules)
                out.extend(found)
            if pending is not None:
                if not followed:
                    dropped.add(pending)  # no list under it: the heading is the document's own
                pending = None
            if prev in heads:
                pending = len(out) - 1
            if followed and prev in waits:
                waiting.append(len(out) - 1)
                if len(waiting) > waits[prev]:
                    dropped.update(waiting)  # no noise in reach after them: the document's own lines
                    waiting, prev = [], None
            elif waiting:
                dropped.update(waiting)
                waiting = []
            blank = False
        pos += len(raw) + 1
    if pending is not None:
        dropped.add(pending)
    dropped.update(waiting)
    if dropped:
        out = [x for k, x in enumerate(out) if k not in dropped]
    if "\u200b" in text or "\ufeff" in text:
        out = sorted(out + _edge_invisibles(text, folded))
    return out


_INVISIBLE = re.compile("[\u200b\ufeff]+")  # zero-width space, byte-order mark: match as white space


def _edge_invisibles(text: str, folded: str) -> list[tuple[int, int, str]]:
    """Zero-width characters at the edge of a line: clauses are trimmed of white space, and these
    match as white space but are not, so they would be in no clause; they are listed as removed."""
    out = []
    for m in _INVISIBLE.finditer(text):
        s, e = m.span()
        ls = folded.rfind("\n", 0, s) + 1
        le = folded.find("\n", e)
        le = len(folded) if le < 0 else le
        if not folded[ls:s].strip() or not folded[e:le].strip():
            out.append((s, e, "invisible"))
    return out


def _following(line: str, prev: str, blank: bool, followers: list[_Matcher]) -> _Matcher | None:
    """The first rule that may follow rule ``prev`` (``blank``: across a blank line) and matches ``line``."""
    for r in followers:
        if prev in r.after and not (blank and r.contiguous) and (r.max_len is None or len(line) <= r.max_len) \
                and _search(r, line) \
                and not (r.unless and r.unless(line)):
            return r
    return None


# Text copied out of a PDF repeats the page's running header ("某某银行　　个人贷款合同（2023年版）")
# at every page break, often in the middle of a sentence, and without a page number the line rules
# could know it by. A header is a short line that recurs verbatim, says nothing (no sentence or
# field punctuation), is no row of a drawn table, and is neither a numbered clause, a signature
# line, nor a title that opens a further contract of the file (a party line follows it).
HEADER_MIN_REPEATS = 3
# words, and no table rule or check box ("□同意　□不同意" recurs in forms)
_HEADER_SHAPE = re.compile(r"^(?=.*[\u4e00-\u9fff]{2})[^。;,:!?│┃|├┼┤┌┐└┘─━□☐☑■√]{4,80}$")
_NOT_HEADER = re.compile(
    r"^(第|[一二三四五六七八九十]{1,3}[、.)]|[(]|\d{1,3}[.、)\s]|[①-⑳])|签字|签章|盖章|签名|法定代表人|代表人|年\s*月|^(甲方|乙方|丙方)")
# what a running header names: the issuer, the document, its edition or number — not a section
# heading ("违约责任"), which may recur in every sample contract of a page
_HEADER_WORDS = re.compile(r"合同|协议|公司|银行|集团|版|文件|编号|契约|章程|条款|保险|[a-z]{2}-?\d")
_SPACED = re.compile(r"\S\s{2,}\S")
_SENTENCE_END = set("。;；!?！？:：")


def _running_headers(raws: list[str]) -> set[str]:
    from .segment.tree import _PARTY_LINE  # the segmenter's test for a party line opening a contract

    counts: dict[str, int] = {}
    for raw in raws:
        line = raw.strip()
        if line:
            counts[line] = counts.get(line, 0) + 1
    candidates = {line for line, n in counts.items()
                  if n >= HEADER_MIN_REPEATS and _HEADER_SHAPE.match(line) and not _NOT_HEADER.search(line)
                  and _HEADER_WORDS.search(line)}
    if not candidates:
        return candidates
    lines = [raw.strip() for raw in raws]
    cuts_a_sentence: set[str] = set()
    opens_parties: dict[str, int] = {}
    prev = ""
    for i, line in enumerate(lines):
        if line in candidates:
            after = [x for x in lines[i + 1:i + 8] if x][:3]
            if any(_PARTY_LINE.match(x) for x in after):
                opens_parties[line] = opens_parties.get(line, 0) + 1
            elif prev and prev[-1] not in _SENTENCE_END:
                cuts_a_sentence.add(line)
        if line:
            prev = line
    # the title of each sample contract of a page opens a party block each time it recurs; a running
    # header may happen to stand above the parties on the first page only
    candidates = {line for line in candidates if 2 * opens_parties.get(line, 0) < counts[line]}
    # a header sits apart from its page's other part ("某银行　　　　借款合同"), or lands in a sentence
    return {line for line in candidates if line in cuts_a_sentence or _SPACED.search(line)}


# A table of contents without dot leaders or page numbers ("目录" and a list of headings) is known by
# its heading and by what follows: short lines with no sentence in them (all with a page number, or
# none), at least TOC_MIN_ENTRIES, up to the first sentence or field line, or to where the body
# repeats a heading already listed.
TOC_MIN_ENTRIES = 3
_TOC_HEADING = re.compile(r"^[\[【(]?目\s*[录次][\]】)]?$")
_TOC_ANYWHERE = re.compile(r"^[ \t]*[\[【(]?目[ \t]*[录次]", re.M)
_TOC_ENTRY = re.compile(r"^[^。;,:!?，；：]{2,40}$")
_TOC_PAGE = re.compile(r"(\.{3,}|…+|·{3,}|-{4,}|\s)\s*\d{1,4}$")  # "… 12", "\t3": an entry's page


def _toc_entries(raws: list[str]) -> set[int]:
    """Indices of the lines of each such table of contents (its heading line excluded)."""
    out: set[int] = set()
    for i, raw in enumerate(raws):
        if not _TOC_HEADING.match(raw.strip()):
            continue
        entries: list[int] = []
        seen: set[str] = set()
        paged = None  # whether the entries give page numbers: all do, or none
        for j in range(i + 1, len(raws)):
            line = raws[j].strip()
            if not line:
                continue
            key = "".join(line.split())
            has_page = _TOC_PAGE.search(line) is not None
            if paged is None:
                paged = has_page
            if not (has_page or _TOC_ENTRY.match(line)) or key in seen or has_page != paged:
                break
            seen.add(key)
            entries.append(j)
        if len(entries) >= TOC_MIN_ENTRIES:
            out.update(entries)
    return out


def _search(r: _Matcher, line: str):
    """``r``'s regex searched in a non-empty line without newline (None when it cannot match)."""
    if r.ends is not None and r.ends(line, len(line) - 1) is None:
        return None
    if r.has is not None and r.has(line) is None:
        return None
    return r.search(line)


def _line_noise(folded, line, s, e, line_rules, match_rules):
    """The noise spans in one line, and the id of the line rule that removed it whole (or None)."""
    n = len(line)
    for rid, reason, _, _, max_len, search, unless, ends, has in line_rules:  # _search, inlined: the hot loop
        if max_len is not None and n > max_len:
            continue
        if ends is not None and ends(line, n - 1) is None:
            continue
        if has is not None and has(line) is None:
            continue
        if search(line) and not (unless and unless(line)):
            return [(s, e, reason)], rid
    found = []
    cur = s
    progressed = True
    while progressed and cur < e:
        progressed = False
        rest = folded[cur:e]
        for r in match_rules:
            m = _search(r, rest)
            if m and m.end() > m.start():
                a, b = cur + m.start(), cur + m.end()
                while a < b and folded[a].isspace():
                    a += 1
                while b > a and folded[b - 1].isspace():
                    b -= 1
                found.append((a, b, r.reason))
                cur = cur + m.end()
                while cur < e and folded[cur].isspace():
                    cur += 1
                progressed = True
                break
    return found, None
