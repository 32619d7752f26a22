"""Word's automatic paragraph numbers ("第一条", "1.1", "（三）" …), rendered as Word shows them.

Word keeps list numbers out of the paragraph text: a paragraph only says "item of list 3, level 1"
(``w:numPr``, directly or through its style), and ``word/numbering.xml`` says how that level looks
(``w:lvlText`` "第%1条", ``w:numFmt`` chineseCounting, ``w:start`` …). python-docx does not render
them, so a contract numbered by Word lists would reach the segmenter without its clause numbers.

``ListNumbering`` walks the paragraphs in document order and returns each one's number followed by
its separator (tab, space or nothing), ready to be put before the paragraph's text. Each %N of a
level's text is shown in level N's own format, so "%1.%2" under "第%1条" reads "一.1" unless the
level is marked legal (``w:isLgl``, Word's "正规形式编号"), as below:

>>> from lxml import etree
>>> W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
>>> numbering = etree.fromstring(f'''<w:numbering xmlns:w="{W}">
...   <w:abstractNum w:abstractNumId="0">
...     <w:lvl w:ilvl="0"><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="第%1条"/>
...       <w:suff w:val="space"/></w:lvl>
...     <w:lvl w:ilvl="1"><w:isLgl/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2"/></w:lvl>
...   </w:abstractNum>
...   <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>''')
>>> def para(level):
...     return etree.fromstring(f'<w:p xmlns:w="{W}"><w:pPr><w:numPr><w:ilvl w:val="{level}"/>'
...                             f'<w:numId w:val="1"/></w:numPr></w:pPr></w:p>')
>>> lists = ListNumbering(numbering, None)
>>> [lists.prefix(para(lvl)) for lvl in (0, 1, 1, 0, 1)]
['第一条 ', '1.1\\t', '1.2\\t', '第二条 ', '2.1\\t']
>>> format_number(21, "chineseCounting"), format_number(3, "decimalEnclosedCircle")
('二十一', '③')
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = "{%s}" % W_NS
_MAX_LEVELS = 9
_PLACEHOLDER = re.compile(r"%([1-9])")


def _w(tag: str) -> str:
    return _W + tag


def _val(el, tag: str) -> str | None:
    """The ``w:val`` of child ``tag`` of ``el`` (None when either is missing)."""
    if el is None:
        return None
    child = el.find(_w(tag))
    return None if child is None else child.get(_w("val"))


def _int(s: str | None) -> int | None:
    try:
        return int(s) if s is not None else None
    except ValueError:
        return None


# ---------------------------------------------------------------- number formats

_CN_LOWER = ("零一二三四五六七八九", "十百千")
_CN_LEGAL = ("零壹贰叁肆伍陆柒捌玖", "拾佰仟")
_CN_LEGAL_TRAD = ("零壹貳參肆伍陸柒捌玖", "拾佰仟")
_CN_DIGITAL = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
          (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
_CHICAGO = "*†‡§"


def chinese_number(n: int, digits: str = _CN_LOWER[0], units: str = _CN_LOWER[1], *, short_ten: bool = True) -> str:
    """Chinese numeral for 0 ≤ n < 10000: 10 → 十, 11 → 十一, 20 → 二十, 101 → 一百零一, 110 → 一百一十.

    ``short_ten`` drops the 一 of 一十 (the everyday form); the financial form keeps it (壹拾).

    >>> chinese_number(1010), chinese_number(15, *_CN_LEGAL, short_ten=False)
    ('一千零一十', '壹拾伍')
    """
    if n == 0:
        return digits[0]
    out, zero_pending = [], False
    for power in (3, 2, 1, 0):
        d = n // 10 ** power % 10
        if d == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append(digits[0])
            zero_pending = False
        if power == 1 and d == 1 and not out and short_ten:
            out.append(units[0])
        else:
            out.append(digits[d] + (units[power - 1] if power else ""))
    return "".join(out)


def _roman(n: int) -> str:
    out = []
    for value, sym in _ROMAN:
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int, alphabet: str) -> str:
    # Word repeats the letter after Z: 27 → AA, 28 → BB (not spreadsheet-style AB).
    return alphabet[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _circled(n: int) -> str | None:
    if 1 <= n <= 20:
        return chr(0x2460 + n - 1)  # ①…⑳
    if 21 <= n <= 35:
        return chr(0x3251 + n - 21)  # ㉑…㉟
    if 36 <= n <= 50:
        return chr(0x32B1 + n - 36)  # ㊱…㊿
    return None


def _ordinal(n: int) -> str:
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _from_table(table: str, n: int) -> str | None:
    return table[n - 1] if 1 <= n <= len(table) else None


_FORMATS = {
    "decimal": str,
    "decimalHalfWidth": str,
    "decimalFullWidth": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalFullWidth2": lambda n: str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
    "decimalZero": lambda n: f"{n:02d}",
    "decimalEnclosedCircle": _circled,
    "decimalEnclosedCircleChinese": _circled,
    "decimalEnclosedFullstop": lambda n: chr(0x2488 + n - 1) if 1 <= n <= 20 else None,  # ⒈
    "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if 1 <= n <= 20 else None,  # ⑴
    "ideographEnclosedCircle": lambda n: chr(0x3280 + n - 1) if 1 <= n <= 10 else None,  # ㊀
    "upperLetter": lambda n: _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    "lowerLetter": lambda n: _letters(n, "abcdefghijklmnopqrstuvwxyz"),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "ordinal": _ordinal,
    "chicago": lambda n: _CHICAGO[(n - 1) % 4] * ((n - 1) // 4 + 1),
    "chineseCounting": lambda n: chinese_number(n) if n < 10000 else None,
    "chineseCountingThousand": lambda n: chinese_number(n) if n < 10000 else None,
    "taiwaneseCounting": lambda n: chinese_number(n) if n < 10000 else None,
    "taiwaneseCountingThousand": lambda n: chinese_number(n) if n < 10000 else None,
    "japaneseCounting": lambda n: chinese_number(n) if n < 10000 else None,
    "chineseLegalSimplified": lambda n: chinese_number(n, *_CN_LEGAL, short_ten=False) if n < 10000 else None,
    "ideographLegalTraditional": lambda n: chinese_number(n, *_CN_LEGAL_TRAD, short_ten=False) if n < 10000 else None,
    "ideographDigital": lambda n: str(n).translate(str.maketrans("0123456789", _CN_DIGITAL)),
    "taiwaneseDigital": lambda n: str(n).translate(str.maketrans("0123456789", _CN_DIGITAL)),
    "ideographTraditional": lambda n: _from_table(_STEMS, n),
    "ideographZodiac": lambda n: _from_table(_BRANCHES, n),
    "none": lambda n: "",
}


def format_number(value: int, fmt: str | None) -> str | None:
    """``value`` written in Word number format ``fmt``; None for ``bullet`` (a bullet has no number).

    Formats Word has but this module does not know, and values a format cannot show (⑳ is the
    last circled number Word's font tables agree on up to ㊿; 甲…癸 stop at ten), fall back to
    decimal, which is what Word itself shows when a font lacks the glyph.

    >>> [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 101)]
    ['一', '十', '十一', '二十', '一百零一']
    >>> format_number(4, "upperRoman"), format_number(2, "ideographTraditional"), format_number(1, "bullet")
    ('IV', '乙', None)
    """
    fmt = fmt or "decimal"
    if fmt == "bullet":
        return None
    if value < 1 and fmt != "none":
        return str(value)
    fn = _FORMATS.get(fmt, str)
    out = fn(value)
    return str(value) if out is None else out


# ---------------------------------------------------------------- numbering definitions


@dataclass
class Level:
    """One level of a list: how its number looks and when it restarts."""

    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # lvlText; a level without one shows no number
    suffix: str = "\t"
    restart: int | None = None  # lvlRestart: 0 never, k restart after level k (1-based), None after any higher
    legal: bool = False  # isLgl: every %N shown in decimal
    pstyle: str | None = None  # the paragraph style linked to this level

    @classmethod
    def parse(cls, lvl) -> "Level":
        suff = _val(lvl, "suff")
        text_el = lvl.find(_w("lvlText"))
        legal = lvl.find(_w("isLgl"))
        return cls(
            start=_int(_val(lvl, "start")) if _int(_val(lvl, "start")) is not None else 1,
            fmt=_val(lvl, "numFmt") or "decimal",
            text=None if text_el is None else (text_el.get(_w("val")) or ""),
            suffix={"space": " ", "nothing": ""}.get(suff or "tab", "\t"),
            restart=_int(_val(lvl, "lvlRestart")),
            legal=legal is not None and legal.get(_w("val"), "true") not in ("0", "false", "off"),
            pstyle=_val(lvl, "pStyle"),
        )


@dataclass
class _Abstract:
    levels: dict[int, Level] = field(default_factory=dict)
    num_style_link: str | None = None


@dataclass
class _Num:
    abstract_id: str | None
    start_overrides: dict[int, int] = field(default_factory=dict)
    level_overrides: dict[int, Level] = field(default_factory=dict)


@dataclass
class _Style:
    based_on: str | None
    num_id: str | None
    ilvl: int | None


def _levels(parent) -> dict[int, Level]:
    # A w:lvl without w:ilvl is malformed but seen in the wild; Word reads it as level 0.
    return {(_int(lvl.get(_w("ilvl"))) or 0): Level.parse(lvl) for lvl in parent.findall(_w("lvl"))}


def _num_pr(ppr) -> tuple[str | None, int | None] | None:
    """``(numId, ilvl)`` of a ``w:pPr``'s ``w:numPr``; None when it has none."""
    if ppr is None:
        return None
    num_pr = ppr.find(_w("numPr"))
    if num_pr is None:
        return None
    return _val(num_pr, "numId"), _int(_val(num_pr, "ilvl"))


class ListNumbering:
    """Renders Word list numbers paragraph by paragraph; call ``prefix`` in document order.

    ``numbering`` is the root of ``word/numbering.xml`` and ``styles`` the root of
    ``word/styles.xml`` (either may be None: a document without them has no list numbers, or
    none coming from styles).
    """

    def __init__(self, numbering, styles):
        self._abstracts: dict[str, _Abstract] = {}
        self._nums: dict[str, _Num] = {}
        self._styles: dict[str, _Style] = {}
        self._default_style: str | None = None
        self._counters: dict[tuple[str, str], list[int | None]] = {}
        if numbering is not None:
            self._read_numbering(numbering)
        if styles is not None:
            self._read_styles(styles)

    def _read_numbering(self, root) -> None:
        for a in root.findall(_w("abstractNum")):
            self._abstracts[a.get(_w("abstractNumId"))] = _Abstract(_levels(a), _val(a, "numStyleLink"))
        for n in root.findall(_w("num")):
            num = _Num(_val(n, "abstractNumId"))
            for ov in n.findall(_w("lvlOverride")):
                ilvl = _int(ov.get(_w("ilvl"))) or 0
                start = _int(_val(ov, "startOverride"))
                if start is not None:
                    num.start_overrides[ilvl] = start
                lvl = ov.find(_w("lvl"))
                if lvl is not None:
                    num.level_overrides[ilvl] = Level.parse(lvl)
            self._nums[n.get(_w("numId"))] = num

    def _read_styles(self, root) -> None:
        for s in root.findall(_w("style")):
            if s.get(_w("type")) not in ("paragraph", "numbering"):
                continue
            sid = s.get(_w("styleId"))
            pr = _num_pr(s.find(_w("pPr")))
            self._styles[sid] = _Style(_val(s, "basedOn"), pr[0] if pr else None, pr[1] if pr else None)
            if s.get(_w("type")) == "paragraph" and s.get(_w("default")) in ("1", "true", "on"):
                self._default_style = sid

    # -- resolution ------------------------------------------------------------------------

    def _style_num_pr(self, style_id: str | None) -> tuple[str | None, int | None, str | None]:
        """numId and ilvl a paragraph style gives (following basedOn), and the style that gave them."""
        num_id = ilvl = source = None
        seen = set()
        while style_id is not None and style_id not in seen and style_id in self._styles:
            seen.add(style_id)
            st = self._styles[style_id]
            if num_id is None and st.num_id is not None:
                num_id, source = st.num_id, style_id
            if ilvl is None and st.ilvl is not None:
                ilvl = st.ilvl
            style_id = st.based_on
        return num_id, ilvl, source

    def _abstract_for(self, num: _Num) -> tuple[str, _Abstract] | None:
        """The abstractNum holding the levels, following numStyleLink through numbering styles."""
        abstract_id, seen = num.abstract_id, set()
        while abstract_id in self._abstracts and abstract_id not in seen:
            seen.add(abstract_id)
            a = self._abstracts[abstract_id]
            if a.num_style_link is None:
                return abstract_id, a
            linked_num_id, _, _ = self._style_num_pr(a.num_style_link)
            linked = self._nums.get(linked_num_id) if linked_num_id is not None else None
            if linked is None:
                return abstract_id, a
            abstract_id = linked.abstract_id
        return None

    def _resolve(self, p) -> tuple[str, _Num, str, _Abstract, int] | None:
        ppr = p.find(_w("pPr"))
        direct = _num_pr(ppr) or (None, None)
        style_id = _val(ppr, "pStyle") or self._default_style
        style_num_id, style_ilvl, source = self._style_num_pr(style_id)
        num_id = direct[0] if direct[0] is not None else style_num_id
        if num_id is None or num_id == "0":  # numId 0 switches off numbering a style would give
            return None
        num = self._nums.get(num_id)
        found = self._abstract_for(num) if num is not None else None
        if found is None:
            return None
        abstract_id, abstract = found
        ilvl = direct[1] if direct[1] is not None else style_ilvl
        if ilvl is None and direct[0] is None:
            # Numbering that comes from a style uses the level linked back to that style.
            linked = [k for k, lvl in abstract.levels.items() if lvl.pstyle in (style_id, source)]
            ilvl = min(linked) if linked else None
        ilvl = min(max(ilvl or 0, 0), _MAX_LEVELS - 1)
        return num_id, num, abstract_id, abstract, ilvl

    def _level(self, num: _Num, abstract: _Abstract, ilvl: int) -> Level | None:
        lvl = num.level_overrides.get(ilvl) or abstract.levels.get(ilvl)
        if lvl is None:
            return None
        if ilvl in num.start_overrides:
            lvl = Level(**{**lvl.__dict__, "start": num.start_overrides[ilvl]})
        return lvl

    # -- rendering -------------------------------------------------------------------------

    def prefix(self, p) -> str:
        """The number Word shows before paragraph ``p`` (a ``w:p``) plus its suffix, or ""."""
        found = self._resolve(p)
        if found is None:
            return ""
        num_id, num, abstract_id, abstract, ilvl = found
        level = self._level(num, abstract, ilvl)
        if level is None:
            return ""
        # Lists sharing an abstractNum continue one another in Word, unless a num restarts its
        # numbering with a startOverride: then it counts on its own.
        key = ("num", num_id) if num.start_overrides else ("abstract", abstract_id)
        counters = self._counters.setdefault(key, [None] * _MAX_LEVELS)
        for deeper in range(ilvl + 1, _MAX_LEVELS):
            lvl = self._level(num, abstract, deeper)
            restart = lvl.restart if lvl is not None else None
            if restart is None or restart - 1 >= deeper:
                counters[deeper] = None
            elif restart != 0 and ilvl <= restart - 1:
                counters[deeper] = None
        counters[ilvl] = level.start if counters[ilvl] is None else counters[ilvl] + 1
        if level.fmt == "bullet" or level.text is None:
            return ""

        def render(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            ref = self._level(num, abstract, k) or Level()
            value = counters[k] if counters[k] is not None else ref.start
            fmt = "decimal" if level.legal and ref.fmt not in ("none", "bullet") else ref.fmt
            return format_number(value, fmt) or ""

        number = _PLACEHOLDER.sub(render, level.text)
        return number + level.suffix if number else ""
