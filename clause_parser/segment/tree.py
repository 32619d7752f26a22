"""From candidate markers to the clause tree.

One pass over the lines of the document decides which candidates really start clauses
(continuity with the numbering so far, position, cross-reference guards), where each sits in the
hierarchy (the order in which numbering styles appear in *this* document), and where unnumbered
paragraphs, preambles, closings, attachments and further contracts begin.
"""
from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from .markers import CN_DIGITS, UNITS_AFTER_NUMBER, Marker, cn_to_int, number_key, scan

TERMINAL = set("。.;!?；！？")
_COUNTED = frozenset(UNITS_AFTER_NUMBER + "名人位家周个辆间套张")  # what "三十（30）" counts
_GRADES = frozenset("级类等审")  # "一、二级": grades, not a list
_SPECIAL_PART = re.compile(r"专用(合同)?条[款件]|补充条款")
_NOTES_HEADING = re.compile(r"说明|须知|提示|注意事项|指引")
CHATTER_MAX_ITEMS = 6  # a question's or an editor's points before the contract: no more than this
# "附件：房屋平面图" (or a few short lines naming annexes) right before the signatures is the list of
# annexes, not an annex holding the signature block
ANNEX_LIST_MAX_LINES, ANNEX_LIST_MAX_LEN = 4, 40
_ANNEX_WORDS = ("附件", "附表", "附录")
NESTED_INDENT = 2  # a "1." this many columns further in than the "2." above it is that item's sublist
CENTRED_INDENT, CENTRED_MAX = 6, 30  # a cover page's line: set this far in, no longer than this
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z]{2,}")  # folded text is lower case
INLINE_PREV = set(":;。.!?)]_□■】」』\"”'’>")  # after these a squashed marker may start a clause
_PUNCT_IN_HEADING = re.compile(r"[。;,，、_]|:(?=.)")
_REF_AFTER = ("的", "之", "中", "所", "约定", "规定", "项下", "第", "及", "和", "或", "至", "、", "内容", "条款", "以", "项", "款", "所述", "已")
_REF_BEFORE = re.compile(r"(依照|按照|根据|参照|依据|遵照|见|按|依|违反|本合同|本协议|前述|上述|详见|同|如|即|在|于|与|及|和|或|、|除|就|对|经|前款|本款|本条|该款|该条|前条|上款|上条|第[\d一二三四五六七八九十百零]{1,4}(条|款|章|节))$")
_REF_BEFORE_WRAP = re.compile(_REF_BEFORE.pattern[:-2] + r"|条款|合同|协议|规定)$")
_TITLE_LINE = re.compile(r"^[^。;,:]{2,40}(合同|协议|协议书|合同书|契约|协定书|合约|确认书|保险单|承诺书)[^。;,:]{0,12}$")
# A character each of the words _TITLE_LINE requires starts with
_TITLE_WORD_CHAR = re.compile(r"[合协契确保承]")
_PARTY_LINE = re.compile(r"^(甲方|乙方|丙方|[^\s:。;,]{1,8}(方|人))\s*[(]?[^):]{0,12}[)]?\s*:")
_NUMBERED_START = re.compile(r"^(第|[一二三四五六七八九十百]{1,4}[、.,)]|[(]|\d|[①-⑳])")
_FIELD_LINE = re.compile(r"^[^\s:。;,]{1,12}\s*[(]?[^):。;,]{0,10}[)]?\s*:")
_SIGNATURE_WORDS = re.compile(r"签字|签章|盖章|签名|签署|\(章\)|法定代表人|授权代表|委托代理人|代表人|签订日期|签约日期|签订地点|签约地点|开户(银)?行|账号|帐号|负责人")
# A paragraph about the contract as a whole ("本合同一式两份…") after an article is not that article's.
_WHOLE_CONTRACT = re.compile(r"^(本|此)(合同|协议|合约|契约)")
_RECITAL = re.compile(r"^(鉴于|兹因|兹有|兹就)")
_TABLE_ROW = re.compile(r"^[^|│┃\n]*[|│┃][^|│┃\n]*[|│┃]")  # two cell rules on the line
_CELL_GAP = re.compile(r"\S[ \t]{2,}(?=\S)")
_SENTENCE_MARK = re.compile(r"[。;]|,(?!\d)")
_ANNEX_LISTED = re.compile(r"^[:]?\s*《[^》\n]{1,30}》\s*[、,;。]")  # 《title》 and the sentence goes on
_DATE_LINE = re.compile(r"^[_\s]*(\d{2,4}|[_\s]+)?\s*年[_\s\d]*月[_\s\d]*日[.。]?$")


def _table_row(line: str, raw: str) -> bool:
    """A row of a table typed in text: cells between rules ("1 | 预付款 | 10%"), five and more cells
    set apart by runs of spaces ("1　　球阀　　DN50　　台　　200") or three and more set apart by tabs
    ("1\t网站设计\t18,000"), with no sentence in them. ``line`` is the folded line, ``raw`` the same
    line as written (folding makes a tab a space)."""
    if _TABLE_ROW.match(line):
        return True
    if _SENTENCE_MARK.search(line):
        return False
    # a tab parts two cells of a row copied out of a spreadsheet or a web page's table
    return len(_CELL_GAP.findall(line)) >= 4 or sum(1 for cell in raw.split("\t") if cell.strip()) >= 3


def _after_check_box(f: str, cs: int, ce: int) -> int:
    """Where a line's text starts after leading symbols — a check box ("□ 1. 一次性付款"), a
    decoration ("◆ 第二章 …", "📌 第四章") — and the blanks after them (``cs`` when none)."""
    i = cs
    while i < ce and (f[i] in " \t" or unicodedata.category(f[i]) == "So"):
        i += 1
    return i if i < ce else cs


@dataclass(slots=True)
class Node:
    """One clause before labelling. ``start``/``end`` index the document text."""

    start: int
    kind: str  # preamble | clause | heading | closing | attachment
    contract: int
    marker: Marker | None = None
    parent: int | None = None
    end: int = -1
    heading: str | None = None
    depth: int = 0


@dataclass(slots=True)
class _Frame:
    style: str
    value: int
    prefix: tuple[int, ...]
    node: int
    rank: int | None


@dataclass
class _State:
    contract: int = 0
    stack: list[_Frame] = field(default_factory=list)
    first_seen: dict[str, int] = field(default_factory=dict)
    last_value: dict[str, int] = field(default_factory=dict)
    # in a model text's 专用条款 part, articles cite the general part's numbers, sparse and in order
    # of the general part (第二条, 第四条, 第十五条 …; 2.1, 3.3, 4.1 …): any number already in use is one
    special_part: int | None = None  # the stack depth of the part's heading
    numbered: int = 0


class _Removed:
    """Fast membership tests against the removed (noise) spans."""

    def __init__(self, spans):
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.reach = list(itertools.accumulate((e for _, e in self.spans), max))  # furthest end so far

    def covering(self, pos: int):
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.spans[i][0] <= pos < self.spans[i][1]:
            return self.spans[i]
        return None

    def touches(self, a: int, b: int) -> bool:
        """Whether any removed span overlaps ``[a, b)``."""
        k = bisect.bisect_left(self.starts, b) - 1
        return k >= 0 and self.reach[k] > a


def _lines(folded: str, removed: _Removed):
    """``(line_start, content_start, content_end)`` of each line with non-noise content."""
    out = []
    pos = 0
    for raw in folded.split("\n"):
        end = pos + len(raw)
        if not removed.touches(pos, end):  # nearly every line: only white space to trim
            s, e = pos + len(raw) - len(raw.lstrip()), pos + len(raw.rstrip())
        else:
            s, e = _trim_removed(folded, pos, end, removed)
        if s < e:
            out.append((pos, s, e))
        pos = end + 1
    return out


def _trim_removed(folded: str, s: int, e: int, removed: _Removed) -> tuple[int, int]:
    """``[s, e)`` shrunk past white space and removed spans at both ends."""
    while True:
        while s < e and folded[s].isspace():
            s += 1
        r = removed.covering(s) if s < e else None
        if r is None:
            break
        s = max(s, r[1])
    while True:
        while e > s and folded[e - 1].isspace():
            e -= 1
        r = removed.covering(e - 1) if e > s else None
        if r is None:
            break
        e = min(e, r[0])
    return s, e


def segment(text: str, folded: str, removed_spans: list[tuple[int, int]], separators: list[int] = ()) -> list[Node]:
    """Split a document into clause nodes (flat, in document order, parents by index).

    ``separators`` are offsets where a further sample contract starts (e.g. after "篇二").
    """
    removed = _Removed(removed_spans)
    lines = _lines(folded, removed)
    cands = [m for m in scan(folded, text) if removed.covering(m.start) is None]
    return _Builder(text, folded, lines, cands, sorted(separators)).run()


def _wrap_width(lengths: list[int]) -> int | None:
    """The line width a hard-wrapped text (copied out of a PDF, or a fixed-width page) is cut at:
    the commonest length of its long lines, when enough of them share it; None for running text."""
    long = [n for n in lengths if n >= 20]
    if len(long) < 8:
        return None
    counts: dict[int, int] = {}
    for n in long:
        counts[n] = counts.get(n, 0) + 1
    width = max(counts, key=lambda n: (counts[n], n))
    share = counts[width] + counts.get(width - 1, 0)
    return width if share >= max(5, 0.3 * len(long)) else None


class _Builder:
    def __init__(self, text, folded, lines, cands, separators):
        self.text, self.f, self.lines, self.cands, self.separators = text, folded, lines, cands, separators
        self.nodes: list[Node] = []
        self.line_starts = [cs for _, cs, _ in lines]
        self.st = _State()
        self.cur: int | None = None
        self.prev_end_char = ""
        self.prev_full = False  # the line before was cut at the width of a hard-wrapped text
        self.indented = False  # the current line starts with white space: a paragraph's first line
        self.wrap_width = _wrap_width([ce - cs for _, cs, ce in lines])
        self.field_nodes: set[int] = set()  # preamble entries that are "名称：值" lines
        self.centred = self.prev_centred = False  # a short line set far in: a cover page's line
        self.flush_seen = False  # a preamble line not set far in: the cover page, if any, is over
        self.prev_ce = 0
        self.pre_len = 0  # characters of the current preamble entry's lines (its white space between them aside)

    # ---------------------------------------------------------------- main pass
    def run(self) -> list[Node]:
        ci = 0
        sep_i = 0
        for li, (ls, cs, ce) in enumerate(self.lines):
            while sep_i < len(self.separators) and self.separators[sep_i] <= cs:
                if self.st.numbered:
                    self._new_contract()
                sep_i += 1
            line_cands = []
            while ci < len(self.cands) and self.cands[ci].start < ce:
                if self.cands[ci].start >= cs:
                    line_cands.append(self.cands[ci])
                ci += 1
            if self.st.numbered >= 3 and self._starts_new_contract(li):
                if self._chatter_before_contract():
                    self._demote_chatter()
                else:
                    self._new_contract()
            first_taken = False
            opens = _after_check_box(self.f, cs, ce)  # "□ 1. 一次性付款", "◆ 第二章 …"
            if line_cands and line_cands[0].start == opens:
                first_taken = self._try(line_cands[0], line_start=True)
                if first_taken and opens > cs and self.nodes[self.cur].start == opens:
                    self.nodes[self.cur].start = cs  # the box or the decoration is the item's
            self.centred = cs - ls >= CENTRED_INDENT and ce - cs <= CENTRED_MAX
            if not first_taken:
                self.indented = cs > ls and self.f[ls].isspace()
                self._unnumbered_line(cs, ce)
            for mk in line_cands[1:] if line_cands and line_cands[0].start == opens else line_cands:
                if mk.start > cs:
                    self._try(mk, line_start=False)
            self.prev_end_char = self.f[ce - 1]
            self.prev_full = self.wrap_width is not None and ce - cs >= self.wrap_width - 1
            self.prev_centred = self.centred
            self.prev_ce = ce
        self._finish()
        return self.nodes

    def _new_contract(self):
        self.st = _State(contract=self.st.contract + 1)
        self.cur = None
        self.flush_seen = False

    def _chatter_before_contract(self) -> bool:
        """What came before the first contract's title is a short flat list and no party named: a
        question's or an editor's points ("1.赚了钱怎么分…"), not a contract of its own."""
        if self.st.contract != 0:
            return False
        numbered = [nd for nd in self.nodes if nd.marker is not None]
        if len(numbered) > CHATTER_MAX_ITEMS or any(nd.parent is not None for nd in numbered):
            return False
        first = self.nodes.index(numbered[0])
        if first > 0 and _NOTES_HEADING.search("".join(self._rest_of_line(self.nodes[first - 1].start).split())):
            return False  # "使用说明" / "填写须知": a model text's own notes, numbered like clauses
        return not any(nd.kind == "preamble" and _PARTY_LINE.match(self._rest_of_line(nd.start).strip())
                       for nd in self.nodes)

    def _demote_chatter(self):
        """The list before the contract becomes unnumbered preamble text; numbering starts afresh."""
        for nd in self.nodes:
            if nd.marker is not None:
                nd.marker, nd.kind, nd.depth = None, "preamble", 0
        self.st = _State(contract=self.st.contract)

    def _starts_new_contract(self, li: int) -> bool:
        """A title line followed closely by a party block, after a body of clauses."""
        _, cs, ce = self.lines[li]
        if not _TITLE_WORD_CHAR.search(self.f, cs, ce):
            return False  # cannot hold 合同, 协议 … (the test below, for the ~99 % of lines that are no title)
        line = "".join(self.f[cs:ce].split())
        if not _TITLE_LINE.match(line) or line.startswith(_ANNEX_WORDS) or _NUMBERED_START.match(line):
            return False  # "十一、合同备案" is a heading; "附件一：保密协议" an attachment
        for _, s2, e2 in self.lines[li + 1: li + 4]:
            party = self.f[s2:e2]
            if _PARTY_LINE.match(party) and not _SIGNATURE_WORDS.search(party):
                return True
        return False

    # ---------------------------------------------------------------- unnumbered lines
    def _unnumbered_line(self, cs: int, ce: int):
        st = self.st
        if st.numbered == 0:
            line = self.f[cs:ce]
            prev = self.nodes[self.cur] if self.cur is not None else None
            if prev is not None and prev.kind == "preamble" and prev.contract == st.contract:
                prev_line_is_field = self.cur in self.field_nodes
                if self.centred and self.prev_centred and not self.flush_seen and not prev_line_is_field \
                        and not _FIELD_LINE.match(line) and self.f.count("\n", self.prev_ce, cs) == 1:
                    self.pre_len += ce - cs
                    return  # a cover title set over centred lines: "关于" / "某某公司" / "之" / "增资协议"
                if _FIELD_LINE.match(line) and not _PARTY_LINE.match(line) and prev_line_is_field \
                        and not _RECITAL.match(line):
                    return  # 地址：/电话： lines belong to the party above ("鉴于：" opens the recitals)
                wrapped = self.prev_full and not self.indented and (
                    not prev_line_is_field or ce - cs < self.wrap_width // 2)  # "电话：138" + "1****672"
                if self.prev_end_char not in TERMINAL and not _FIELD_LINE.match(line) and not _TITLE_LINE.match(line) \
                        and (wrapped or not prev_line_is_field and self.pre_len >= 40):
                    self.pre_len += ce - cs
                    return  # a wrapped recital (or field) line
            idx = self._add(Node(cs, "preamble", st.contract))
            self.pre_len = ce - cs
            self.flush_seen |= not self.centred
            if _FIELD_LINE.match(line):
                self.field_nodes.add(idx)
            return
        cur = self.nodes[self.cur] if self.cur is not None else None
        if cur is None:
            return
        whole_contract = _WHOLE_CONTRACT.match(self.f[cs:ce])
        # a line cut at the wrap width after "；" mostly goes on with the same item
        ended = self.prev_end_char in TERMINAL and not (self.prev_full and self.prev_end_char in ";；")
        if cur.marker is not None and (cur.parent is not None or whole_contract) and ended:
            # A paragraph after a list item that ended its sentence: it belongs to the list's parent.
            depth = self.nodes[cur.parent].depth + 1 if cur.parent is not None else 0
            self._add(Node(cs, "clause", st.contract, parent=cur.parent, depth=depth))

    def _add(self, node: Node) -> int:
        self.nodes.append(node)
        self.cur = len(self.nodes) - 1
        return self.cur

    # ---------------------------------------------------------------- markers
    def _prev_char(self, pos: int, across_lines: bool = False) -> str:
        """The character before ``pos`` past spaces and tabs (and line breaks too, ``across_lines``)."""
        i = pos - 1
        blanks = " \t\n\r\u3000" if across_lines else " \t"
        while i >= 0 and self.f[i] in blanks:
            i -= 1
        return self.f[i] if i >= 0 else "\n"

    def _is_reference(self, mk: Marker, line_start: bool) -> bool:
        after = self.f[mk.end: mk.end + 4]
        cited = mk.is_titled or mk.worded  # 第五条, Article 5, 第5.2条: the forms a cross-reference takes
        # "第二条、租赁期限" opens a line as an article; "第二条、第五条的约定" lists references
        if cited and after.startswith(_REF_AFTER) and not (line_start and after[:1] == "、" and after[1:2] not in "第 "):
            return True
        # at a line's start, across the break: "违反第四条第\n（四）项约定" is a reference wrapped onto the next line
        if self._prev_char(mk.start, across_lines=line_start) == "第":
            return True
        if mk.style == "pnum" and self._restates(mk):
            return True
        if mk.style == "cn" and self.f[mk.end:mk.end + 1] in CN_DIGITS and self.f[mk.end + 1:mk.end + 2] in _GRADES:
            return True  # "一、二级保养", "一、二审": grades counted in words, wrapped onto a new line
        if cited and not line_start and _REF_BEFORE.search(self.f[max(0, mk.start - 6): mk.start].rstrip()):
            return True
        # "…依据通用合同条款\n第6.3.3款解除本合同的": a reference wrapped onto the next line, its sentence
        # going on straight after it
        if cited and line_start and self.prev_end_char not in TERMINAL and _CJK.match(after[:1] or " ") \
                and self.nodes and _REF_BEFORE_WRAP.search(self.f[max(0, self.prev_ce - 8): self.prev_ce]):
            return True
        return False

    def _restates(self, mk: Marker) -> bool:
        """"三十（30）日内": the figure after a number in words repeats it (wrapped lines included)."""
        i = mk.start
        while i > 0 and self.f[i - 1].isspace():
            i -= 1
        if i == 0 or self.f[i - 1] not in CN_DIGITS or self.f[mk.end:mk.end + 1] not in _COUNTED:
            return False  # "…百分之二\n（2）按时交货" is the next item
        j = i
        while j > 0 and i - j < 6 and self.f[j - 1] in CN_DIGITS:
            j -= 1
        return cn_to_int(self.f[j:i]) == mk.value

    def _short_heading_before(self, mk: Marker) -> bool:
        """The current clause so far is only a short heading: "一、货物描述1. 货物名称…"."""
        if self.cur is None:
            return False
        cur = self.nodes[self.cur]
        if cur.marker is None:
            return False
        own = self.f[cur.marker.end: mk.start].strip()
        # 之一 / 其二 are words ("因下列原因之一，…"): a heading does not end in 之 or 其
        # nor in an open bracket: "里程碑一（M1）" closes it, it numbers nothing
        # and "甲方一、甲方二" names two parties: the word before the number comes again after it
        return 0 < len(own) <= 15 and own[-1] not in "之其" and not re.search(r"[。;,，、:.!?\n]", own) \
            and own.count("(") <= own.count(")") and not (len(own) >= 2 and self.f.startswith(own[-2:], mk.end))

    def _heading_like(self, node_index: int) -> bool:
        node = self.nodes[node_index]
        if node.marker is None:
            return False
        rest = self._rest_of_line(node.marker.end).strip()
        return len(rest) <= 20 and not re.search(r"[。;,]", rest)

    def _rest_of_line(self, pos: int) -> str:
        nl = self.f.find("\n", pos)
        return self.f[pos: nl if nl >= 0 else len(self.f)]

    def _try(self, mk: Marker, line_start: bool) -> bool:
        if mk.alt is None:
            return self._try_reading(mk, line_start)
        # "i." / "(v)": the letter reading when it continues a lettered list (… h. i.), else Roman first
        latin_next = self.st.last_value.get(mk.style) == mk.value - 1
        first, second = (mk, mk.alt) if latin_next else (mk.alt, mk)
        return self._try_reading(first, line_start) or self._try_reading(second, line_start)

    def _try_reading(self, mk: Marker, line_start: bool) -> bool:
        st = self.st
        if mk.style == "pian" or (mk.bare and not line_start):
            return False
        if line_start:
            rest = self._rest_of_line(mk.start)
            if _table_row(rest, self.text[mk.start:mk.start + len(rest)]):
                return False  # "1 | 预付款 | 10% | 20,000": a row of a table typed in text, in its clause
        if self._is_reference(mk, line_start):
            return False
        if self._translates_current(mk):
            return True  # the line goes on the clause it translates, as its text
        prev = self._prev_char(mk.start)
        if not line_start and prev not in INLINE_PREV and not self._short_heading_before(mk) \
                and not self._opens_circled_list(mk):
            return False
        if mk.style == "annex":
            return self._try_annex(mk, line_start)
        placement = self._place(mk, line_start, prev)
        if placement is None:
            return False
        parent_depth, pop_to = placement
        del st.stack[pop_to:]
        parent = st.stack[-1].node if st.stack else None
        depth = self.nodes[parent].depth + 1 if parent is not None else 0
        idx = self._add(Node(mk.start, "clause", st.contract, marker=mk, parent=parent, depth=depth))
        if mk.style == "ti:部分":
            st.special_part = len(st.stack) if _SPECIAL_PART.search(self._rest_of_line(mk.end)) else None
        st.stack.append(_Frame(mk.style, mk.value, mk.prefix, idx, mk.titled_rank))
        st.first_seen.setdefault(mk.style, len(st.first_seen))
        st.last_value[mk.style] = mk.value
        st.numbered += 1
        return True

    def _opens_circled_list(self, mk: Marker) -> bool:
        """"甲方应当①保证…；②投保…": ① straight after a word opens a list when ② follows on its line."""
        if mk.style != "circ" or mk.value != 1:
            return False
        rest = self._rest_of_line(mk.end)
        at = rest.find("②")
        return at >= 2 and _CJK.search(rest, 0, at) is not None  # "见①②": a reference

    def _translates_current(self, mk: Marker) -> bool:
        """A bilingual contract gives each clause again in English under the same number:
        "1.1 货物名称…" then "1.1 The name of the Goods…" is one clause."""
        cur = self.nodes[self.cur] if self.cur is not None else None
        if cur is None or cur.marker is None or cur.contract != self.st.contract:
            return False
        rest = self._rest_of_line(mk.end)[:40]
        if _CJK.search(rest) or len(_LATIN_WORD.findall(self.f, mk.start, mk.end + len(rest))) < 2:
            return False
        m = cur.marker
        if number_key(self.f[mk.start:mk.end]) != number_key(self.f[m.start:m.end]):
            return False
        return _CJK.search(self.f, m.end, mk.start) is not None

    def _try_annex(self, mk: Marker, line_start: bool) -> bool:
        st = self.st
        if not line_start or st.numbered == 0:
            return False
        rest = self._rest_of_line(mk.end).strip()
        if len(rest) > 40 or rest.startswith(_REF_AFTER) or _ANNEX_LISTED.match(rest) or self.prev_end_char in "、,":
            return False  # "…附件一《技术规范》、\n附件二《考核办法》。": a list of annexes wrapped in a sentence
        st.stack.clear()
        idx = self._add(Node(mk.start, "attachment", st.contract, marker=mk))
        st.stack.append(_Frame("annex", mk.value, (), idx, -1))
        st.numbered += 1
        return True

    def _place(self, mk: Marker, line_start: bool, prev: str):
        """``(None, pop_to)``: keep ``stack[:pop_to]`` and push the marker; None to reject it."""
        placed = self._place_in_sequence(mk, line_start, prev)
        st = self.st
        if placed is None and st.special_part is not None and line_start and mk.style in st.first_seen \
                and len(st.stack) > st.special_part:
            return None, self._special_place(mk)
        return placed

    def _place_in_sequence(self, mk: Marker, line_start: bool, prev: str):
        """``_place`` for a marker that goes on with, or starts, a count."""
        st = self.st
        stack = st.stack
        s, v = mk.style, mk.value
        i = None  # the innermost open frame of this style
        for k in range(len(stack) - 1, -1, -1):
            if stack[k].style == s:
                i = k
                break
        dotted = s.startswith(("dec", "dash"))
        if i is not None and line_start and v != stack[i].value + 1:
            k = self._outdented_sibling(mk, i)
            if k is not None:
                return None, k
        if i is not None:
            f = stack[i]
            if dotted:
                if mk.prefix == f.prefix and (v == f.value + 1 or (line_start and f.value < v <= f.value + 2)):
                    return None, i
                if line_start and v == 1 and mk.prefix[:-1] == f.prefix[:-1] and mk.prefix[-1] == f.prefix[-1] + 1:
                    if i == 0 or not self._matches_prefix(stack[i - 1], mk.prefix):
                        return None, i
            else:
                if v == f.value + 1:
                    return None, i
                if line_start and mk.is_titled and v == f.value:
                    return None, i  # two 第五条: a typo to report, still a clause
                if line_start and (f.value < v <= f.value + (3 if mk.is_titled else 2)):
                    return None, i
                if v == 1 and line_start and i == len(stack) - 1 \
                        and self._indent(mk.start) >= self._indent(self.nodes[f.node].start) + NESTED_INDENT:
                    return None, i + 1  # set further in: a list of the same kind under the item above
                if v == 1 and (line_start or (i == len(stack) - 1 and prev in ":")):
                    return None, i  # the same kind of list starts again under the same parent
            # not a continuation of its own frame: maybe a dotted number under another parent
        if dotted:
            for k in range(len(stack) - 1, -1, -1):
                if self._matches_prefix(stack[k], mk.prefix):
                    if v == 1 or (line_start and v <= 2):
                        return None, k + 1
                    return None
            if line_start and (not stack or v == 1) and i is None:
                return None, len(stack) if stack and self._heading_like(stack[-1].node) else 0
            return None
        if i is not None and not (v == 1 or (line_start and v == st.last_value.get(s, -9) + 1)):
            return None
        if mk.is_titled:
            k = len(stack)
            while k > 0 and stack[k - 1].rank is not None and stack[k - 1].rank >= mk.titled_rank:
                k -= 1
            while k > 0 and stack[k - 1].rank is None and not (
                    self._heading_like(stack[k - 1].node) or (not line_start and self._short_heading_before(mk))):
                k -= 1
            if v == 1 or v == st.last_value.get(s, -9) + 1:
                return None, k
            if line_start and (not stack or st.numbered == 0):
                return None, 0
            if line_start and stack and stack[0].rank is None and stack[0].value == v - 1 \
                    and st.first_seen.get(s, 99) < st.first_seen.get(stack[0].style, 99):
                return None, 0  # "第三条" after a typed "二、转让内容" that took 第二条's place
            if line_start and s in st.last_value and st.last_value[s] < v <= st.last_value[s] + 3:
                return None, k
            if self._renumbers_top(mk, line_start):
                return None, 0
            return None
        # a style not open right now
        if v == 1:
            if not line_start and prev not in ":" and not self._short_heading_before(mk) and stack:
                top_style = stack[-1].style
                if top_style == s:
                    return None
                # inline first item after "。" or blanks: only when the current clause invites a list
                own = self.f[self.nodes[stack[-1].node].marker.end: mk.start] if stack else ""
                if not re.search(r"[:]\s*\S{0,40}$", own):
                    return None
            return None, len(stack)
        if line_start and s in st.last_value and v == st.last_value[s] + 1:
            k = len(stack)
            order = st.first_seen.get(s, 99)
            while k > 0 and st.first_seen.get(stack[k - 1].style, 99) > order:
                k -= 1
            return None, k
        if line_start and not stack and st.numbered == 0 and v <= 3:
            return None, 0
        if self._renumbers_top(mk, line_start) or self._resumes_top(mk, line_start):
            return None, 0
        return None

    def _indent(self, pos: int) -> int:
        return pos - self.f.rfind("\n", 0, pos) - 1

    def _outdented_sibling(self, mk: Marker, i: int) -> int | None:
        """An outer open frame of ``mk``'s style that ``mk`` goes on with, when ``mk`` is set further
        left than the inner list it follows: "2. 付款方式：", "   1. …", "   3. …", "3. 发票" (lists
        nested in the same style, as Markdown writes them)."""
        stack = self.st.stack
        inner = self._indent(self.nodes[stack[i].node].start)
        if self._indent(mk.start) >= inner:
            return None
        for k in range(i - 1, -1, -1):
            f = stack[k]
            if f.style == mk.style and f.prefix == mk.prefix and f.value + 1 == mk.value \
                    and self._indent(self.nodes[f.node].start) <= self._indent(mk.start):
                return k
        return None

    def _special_place(self, mk: Marker) -> int:
        """Where a cited number goes in a 专用条款 part: under the nearest open number it extends
        (3.3.1 under 3.3), else level with the open numbers of its kind or deeper, under the part."""
        stack, floor = self.st.stack, self.st.special_part + 1
        if mk.prefix:
            for k in range(len(stack) - 1, floor - 1, -1):
                if self._matches_prefix(stack[k], mk.prefix):
                    return k + 1
            return floor
        order = self.st.first_seen[mk.style]
        k = len(stack)
        while k > floor and self.st.first_seen.get(stack[k - 1].style, 99) >= order:
            k -= 1
        return k

    def _renumbers_top(self, mk: Marker, line_start: bool) -> bool:
        """A heading in a new style that goes on with the top level's count, as people type
        contracts: "第一条 …" then "二、转让内容" then "第三条 …"."""
        stack = self.st.stack
        if not line_start or not stack or mk.style in self.st.last_value:
            return False
        top = stack[0]
        if top.style == mk.style or top.value != mk.value - 1 or not self._heading_like(top.node):
            return False
        rest = self._rest_of_line(mk.end).strip()
        return 0 < len(rest) <= 20 and not re.search(r"[。;,:]", rest)

    def _resumes_top(self, mk: Marker, line_start: bool) -> bool:
        """The top level's own style again after a heading typed in another one had taken its
        place: "九、设计图纸", "(十)违约责任", then "十一、合同的解除"."""
        stack, st = self.st.stack, self.st
        if not line_start or not stack or mk.style not in st.last_value:
            return False
        top = stack[0]
        return top.style != mk.style and top.value == mk.value - 1 == st.last_value[mk.style] + 1 \
            and st.first_seen[mk.style] < st.first_seen.get(top.style, 99) and self._heading_like(top.node)

    @staticmethod
    def _matches_prefix(frame: _Frame, prefix: tuple[int, ...]) -> bool:
        if frame.style.startswith(("dec", "dash")):
            return frame.prefix + (frame.value,) == prefix
        return len(prefix) == 1 and frame.value == prefix[0]

    # ---------------------------------------------------------------- after the pass
    def _finish(self):
        self._mark_closings()
        n = len(self.nodes)
        for k, node in enumerate(self.nodes):
            node.end = self.nodes[k + 1].start if k + 1 < n else len(self.text)

    def _mark_closings(self):
        """After the last numbered clause of each contract, the signature block is its closing."""
        nodes = self.nodes
        by_contract: dict[int, list[int]] = {}
        for k, node in enumerate(nodes):
            by_contract.setdefault(node.contract, []).append(k)
        closings: dict[int, tuple[int, int]] = {}  # contract -> (closing start, limit)
        for c, idxs in by_contract.items():
            annex = next((k for k in idxs if nodes[k].kind == "attachment"), None)
            numbered = [k for k in idxs if nodes[k].marker is not None and (annex is None or k < annex)]
            if not numbered:
                continue
            last = numbered[-1]
            end = nodes[idxs[-1] + 1].start if idxs[-1] + 1 < len(nodes) else len(self.text)  # of the contract
            limit = nodes[annex].start if annex is not None else end
            k = bisect.bisect_right(self.line_starts, nodes[last].start)
            while k < len(self.lines) and self.lines[k][1] < limit:
                _, cs, ce = self.lines[k]
                if self._signature_line(self.f[cs:ce]):
                    closings[c] = (cs, limit)
                    break
                k += 1
            after = None if c in closings or annex is None else self._signatures_after_annex_list(nodes[annex].start)
            if after is not None:
                # the block runs to a further annex or to the end of the contract; numbered lines
                # after it under the same annex leave the annex as it was (its own signing, say)
                later = next((j for j in idxs if nodes[j].start > after and nodes[j].marker is not None), None)
                if later is None:
                    closings[c] = (after, end)
                elif nodes[later].kind == "attachment":
                    closings[c] = (after, nodes[later].start)
        if not closings:
            return
        kept = [nd for nd in nodes
                if not (nd.contract in closings and nd.marker is None and nd.kind == "clause"
                        and closings[nd.contract][0] <= nd.start < closings[nd.contract][1])]
        result = sorted(kept + [Node(off, "closing", c) for c, (off, _) in closings.items()], key=lambda nd: nd.start)
        new_index = {id(nd): k for k, nd in enumerate(result)}
        for nd in result:
            if nd.parent is not None:
                nd.parent = new_index.get(id(nodes[nd.parent]))
        self.nodes = result

    def _signatures_after_annex_list(self, start: int) -> int | None:
        """Where the signature block begins when the annexes from ``start`` on are only a list of
        them: each a line or a few short lines with no sentence in them, then a signature line.
        None otherwise."""
        k = bisect.bisect_right(self.line_starts, start)
        listed = 0  # lines under the current annex heading
        while k < len(self.lines):
            _, cs, ce = self.lines[k]
            line = self.f[cs:ce]
            if line.lstrip().startswith(_ANNEX_WORDS):
                listed = 0  # the next annex: "附录B 项目负责人授权书" names a 负责人 but signs nothing
            elif self._signature_line(line):
                return cs
            else:
                listed += 1
                if listed > ANNEX_LIST_MAX_LINES:
                    return None
            if len(line) > ANNEX_LIST_MAX_LEN or "。" in line:
                return None
            k += 1
        return None

    @staticmethod
    def _signature_line(line: str) -> bool:
        if "。" in line or len(line) > 80:
            return False
        if _DATE_LINE.match(line):
            return True
        if _SIGNATURE_WORDS.search(line) and not re.search(r"[,;]", line):
            return True
        return bool(_PARTY_LINE.match(line)) and len(line) < 50 and not re.search(r"[,;]", line)
