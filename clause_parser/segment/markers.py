"""The marker grammar: every way a Chinese contract numbers its clauses.

``scan(folded)`` runs one regular-expression pass over the folded text (see ``normalize.fold``:
full-width forms are already half width, traditional characters simplified) and returns every
*candidate* marker with its style and value. Whether a candidate really starts a clause is decided
in ``tree.py`` from its position and from continuity with the markers before it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..regex_guard import first_char_guarded

CN_DIGITS = "零〇一二三四五六七八九两壹贰叁参肆伍陆柒捌玖廿拾佰十百"  # 参: 參 (the 大写 3 of Taiwan and Hong Kong) folded
_CN_VAL = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_VAL.update({c: i for i, c in enumerate("〇壹贰叁肆伍陆柒捌玖")})
_CN_VAL.update(两=2, 参=3)
_CN_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100}
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳㉑㉒㉓㉔㉕㉖㉗㉘㉙㉚㉛㉜㉝㉞㉟"
PAREN_DIGITS = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
DOT_DIGITS = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
PAREN_CN = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"
ROMAN_UPPER = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"  # one character each (kept by normalize.fold)
ROMAN_LOWER = "ⅰⅱⅲⅳⅴⅵⅶⅷⅸⅹⅺⅻ"
# Rank of the 第X… family, outermost first: a 第X条 is never inside a 第X款.
TITLED_RANK = {"编": 0, "部分": 0, "章": 1, "节": 2, "条": 3, "款": 4, "项": 5}
_ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def cn_to_int(s: str) -> int | None:
    """Chinese (and 大写) numerals up to the hundreds: 二十一 → 21, 壹佰零五 → 105, 廿 → 20.

    Markers only ever need small numbers; a table this size keeps cn2an's 0.25 s import off
    the parse path (cn2an is used for amounts, where its generality pays).
    """
    if not s:
        return None
    if s == "廿":
        return 20
    total, cur = 0, None
    for ch in s:
        if ch in _CN_VAL:
            cur = _CN_VAL[ch]
        elif ch in _CN_UNIT:
            total += (1 if cur is None else cur) * _CN_UNIT[ch]
            cur = None
        else:
            return None
    return total + (cur or 0)


_ROMAN_FORM = re.compile(r"(?=.)x{0,3}(ix|iv|v?i{0,3})")  # I … XXXIX, well formed


def roman_to_int(s: str) -> int | None:
    vals = [_ROMAN.get(ch) for ch in s.lower()]
    if not vals or None in vals:
        return None
    total = 0
    for a, b in zip(vals, vals[1:] + [0]):
        total += -a if a < b else a
    return total


def to_int(s: str) -> int | None:
    s = "".join(s.split())
    if s.isdigit():
        return int(s)
    return cn_to_int(s)


_N = f"[{CN_DIGITS}]"
UNITS_AFTER_NUMBER = "%‰万亿千元角分倍米吨克斤升度个只件台套份次年月日天周时岁号楼层室栋户期级项款条章节"


def _titled(g: str) -> str:
    """第五条 / 第 3 章 / 第4.1条, with its groups named ``g_d`` (a dotted number), ``g_n``, ``g_u`` (the unit)."""
    return (rf"第\s*(?:(?P<{g}_d>\d{{1,3}}(?:\.\d{{1,3}}){{1,4}})|(?P<{g}_n>(?:{_N}|\d)(?:[ \t]?(?:{_N}|\d)){{0,6}}))"
            rf"\s*(?P<{g}_u>编|部分|章|节|条|款|项|篇)(?:之[一二三四五六七八九])?")  # 第九条之一: an article put in later


# Guarded by the characters a marker can start with (see regex_guard.first_char_guarded): the
# alternatives are otherwise tried at every offset of the document (4-5x slower). The commonest
# forms come first, the rare ones last: each alternative is tried at every offset the guard passes.
MARKER_PATTERN = rf"""
    (?P<ti>{_titled("ti")})
  | (?P<en>\b(?P<en_w>article|section|clause|chapter)\s+(?P<en_n>\d{{1,3}}|[ivxlc]{{1,6}})\b\.?)
  | (?P<ax>(?P<ax_w>附件|附表|附录)\s*(?P<ax_n>(?:{_N}|\d){{0,3}}))
  | (?<!\d\.)(?<![\d\-])(?P<dec>\d{{1,3}}(?:\.\d{{1,3}}){{1,5}})(?P<dec_t>\.(?!\d))?
  | (?<!\d\.)(?<![\d\-])(?P<dash>\d{{1,3}}(?:-\d{{1,3}}){{1,4}})(?![\d-])
  | (?P<pcn>\(\s*(?P<pcn_n>{_N}{{1,4}})\s*\)|(?P<pcn_c>[{PAREN_CN}]))
  | (?P<pnum>\(\s*(?P<pnum_n>\d{{1,5}})\s*\)|(?P<pnum_c>[{PAREN_DIGITS}]))
  | (?P<plat>\(\s*(?P<plat_n>[a-z])\s*\))
  | (?P<circ>[{CIRCLED}])
  | (?P<cn>(?P<cn_n>{_N}{{1,4}})\s*(?:[、.,](?!\d)|\)))
  | (?P<cnd>(?P<cnd_n>{_N}?—)[ \t]*、)
  | (?P<cnb>{_N}{{1,3}})(?=[ \t]+[^\d\s,.;:。，；：、][^\n,.;。，；]{{0,24}}(?:\n|$))
  | (?<!\d\.)(?<![\d\-])(?P<num>(?P<num_n>\d{{1,5}})\s*(?:[、.](?![\d.])|\)(?!\d))|(?P<num_c>[{DOT_DIGITS}]))
  | (?<![a-z\d.])(?P<ldec>(?P<ldec_l>[a-z])\.(?P<ldec_d>\d{{1,3}}(?:\.\d{{1,3}}){{0,4}}))(?![\d])
  | (?<![a-z])(?<![a-z]\.)(?P<lat>(?P<lat_n>[a-z])(?:[.、]|\))(?![a-z]))
  | (?<![\d.\-])(?P<bare>\d{{1,3}})(?:(?=[ \t]+[^\d\s])|[:\-](?=[ \t]*[^\d\s:\-]))
  | (?P<tib>[【\[〔]\s*{_titled("tib")}\s*[】\]〕])
  | (?P<bcn>[【\[〔]\s*(?P<bcn_n>{_N}{{1,4}})\s*[】\]〕])
  | (?P<urom>[{ROMAN_UPPER}{ROMAN_LOWER}])(?:\s*[.、,)]|(?=\s))
  | (?P<prom>\(\s*(?P<prom_n>[ivx]{{2,6}})\s*\))
  | (?P<rom>(?P<rom_n>[ivx](?<![a-z].)[ivx]{{1,5}})(?:[.、]|\))(?![a-z]))
    """
MARKER_RE = first_char_guarded(MARKER_PATTERN, re.VERBOSE)


@dataclass(slots=True)  # not frozen: a frozen __init__ sets each field through object.__setattr__
class Marker:
    """A candidate numbering marker. ``start``/``end`` index the document text."""

    start: int
    end: int  # after the marker and the punctuation that closes it
    style: str  # family: "ti:条", "cn", "pcn", "bcn", "num", "nump", "dec2", "decL2" (A.1), "pnum", "circ", "lat", "LAT", …
    value: int
    prefix: tuple[int, ...] = ()  # leading components of a dotted or dashed number
    titled_rank: int | None = None  # rank in the 第X… family
    bare: bool = False  # "1　定义": a number closed only by white space — a marker at a line's start only
    worded: bool = False  # written 第…条 (第4.1条 too): a cross-reference often looks the same
    alt: Marker | None = None  # the other reading of an ambiguous marker: "i." is the 9th letter or Roman 1

    @property
    def is_titled(self) -> bool:
        return self.titled_rank is not None


def _marker_from_match(m: re.Match, original: str) -> Marker | None:
    g = m.group
    s, e = m.span()
    # Exactly one alternative matched; its outer group closes last, so ``lastgroup`` names it
    # (or "dec_t", the optional closing dot after a "dec" number).
    kind = m.lastgroup
    if kind == "ti" or kind == "tib":  # 第五条, 【第五条】
        unit, dotted = g(kind + "_u"), g(kind + "_d")
        if dotted:  # 第4.1条: a dotted number in words, one level under 第四条
            parts = tuple(int(p) for p in dotted.split("."))
            return Marker(s, e, f"dec{len(parts)}", parts[-1], parts[:-1], worded=True)
        v = to_int(g(kind + "_n"))
        if v is None:
            return None
        if unit == "篇":
            return Marker(s, e, "pian", v)
        return Marker(s, e, "ti:" + unit, v, titled_rank=TITLED_RANK[unit], worded=True)
    if kind == "en":
        n = g("en_n")
        v = int(n) if n.isdigit() else roman_to_int(n)
        return Marker(s, e, "en:" + g("en_w"), v, titled_rank=1 if g("en_w") == "chapter" else 3) if v else None
    if kind == "ax":
        v = to_int(g("ax_n")) if g("ax_n") else 0
        return Marker(s, e, "annex", v if v is not None else 0)
    if kind == "dec" or kind == "dec_t":
        parts = tuple(int(p) for p in g("dec").split("."))
        return Marker(s, e, f"dec{len(parts)}", parts[-1], parts[:-1])
    if kind == "dash":
        parts = tuple(int(p) for p in g("dash").split("-"))
        return Marker(s, e, f"dash{len(parts)}", parts[-1], parts[:-1])
    if kind == "pcn":
        v = cn_to_int(g("pcn_n")) if g("pcn_n") else PAREN_CN.index(g("pcn_c")) + 1
        return Marker(s, e, "pcn", v) if v else None
    if kind == "pnum":
        v = int(g("pnum_n")) if g("pnum_n") else PAREN_DIGITS.index(g("pnum_c")) + 1
        return Marker(s, e, "pnum", v)
    if kind == "plat":
        ch = original[m.start("plat_n")]
        upper = not ch.islower()
        return Marker(s, e, "PLAT" if upper else "plat", ord(g("plat_n")) - 96,
                      alt=_roman(s, e, g("plat_n"), "PROM" if upper else "prom"))
    if kind == "prom":
        upper = not original[m.start("prom_n")].islower()
        return _roman(s, e, g("prom_n"), "PROM" if upper else "prom")
    if kind == "rom":
        upper = not original[m.start("rom_n")].islower()
        return _roman(s, e, g("rom_n"), "ROM" if upper else "rom")
    if kind == "urom":
        ch = g("urom")
        upper = ch in ROMAN_UPPER
        return Marker(s, e, "ROM" if upper else "rom", (ROMAN_UPPER if upper else ROMAN_LOWER).index(ch) + 1)
    if kind == "circ":
        return Marker(s, e, "circ", CIRCLED.index(g("circ")) + 1)
    if kind == "cn":
        v = cn_to_int(g("cn_n"))
        return Marker(s, e, "cn", v) if v else None
    if kind == "cnd":  # "— 、", "十—、": OCR reads 一 as a dash; before 、 a dash counts nothing else
        v = cn_to_int(g("cnd_n").replace("—", "一"))
        return Marker(s, e, "cn", v) if v else None
    if kind == "cnb":  # "四　材料供应" typed without 、: a short heading at a line's start only
        v = cn_to_int(g("cnb"))
        return Marker(s, e, "cn", v, bare=True) if v else None
    if kind == "num":
        if g("num_c"):
            return Marker(s, e, "num", DOT_DIGITS.index(g("num_c")) + 1)
        style = "nump" if original[e - 1] in ")）" else "num"
        return Marker(s, e, style, int(g("num_n")))
    if kind == "bare":  # "1　定义", and as typed by hand "1：店名…", "1-品牌型号…": at a line's start only
        return Marker(s, e, "num", int(g("bare")), bare=True)
    if kind == "bcn":  # 【一】工程概况
        v = cn_to_int(g("bcn_n"))
        return Marker(s, e, "bcn", v) if v else None
    if kind == "ldec":  # "A.2.1": a schedule's own dotted numbers, its letter first
        if not original[m.start("ldec_l")].isupper():
            return None
        parts = (ord(g("ldec_l")) - 96,) + tuple(int(p) for p in g("ldec_d").split("."))
        return Marker(s, e, f"decL{len(parts)}", parts[-1], parts[:-1])
    if kind == "lat":
        ch = original[m.start("lat_n")]
        upper = not ch.islower()
        # "l." is the 12th letter after "k.", and otherwise what OCR makes of "1."
        other = Marker(s, e, "num", 1) if ch == "l" else _roman(s, e, g("lat_n"), "ROM" if upper else "rom")
        return Marker(s, e, "LAT" if upper else "lat", ord(g("lat_n")) - 96, alt=other)
    return None


def _roman(s: int, e: int, letters: str, style: str) -> Marker | None:
    """A Roman-numeral marker (I. / ii) / (iv)), or None when ``letters`` are no Roman number up to 39."""
    if _ROMAN_FORM.fullmatch(letters) is None:
        return None  # "vx", "iiii", "c": letters, not a number
    return Marker(s, e, style, roman_to_int(letters))


def scan(folded: str, original: str) -> list[Marker]:
    """Every candidate marker in document order (one regex pass)."""
    out = []
    for m in MARKER_RE.finditer(folded):
        mk = _marker_from_match(m, original)
        if mk is None or mk.value is None:
            continue
        nxt = folded[mk.end:mk.end + 1]
        dotted = mk.style.startswith(("dec", "dash"))
        if dotted and nxt in ("条", "款") and _opens_line(folded, mk.start) and folded[mk.end + 1:mk.end + 2] in (" ", ":"):
            mk = replace(mk, end=mk.end + 1)  # "1.1条　定义" at a line's start: an article written without 第
        elif dotted and (nxt and nxt in UNITS_AFTER_NUMBER or nxt.isdigit()):
            continue  # 1.5万元, 3.2条: a quantity or a reference, not a marker
        if mk.style == "num" and nxt in ("%", "‰"):
            continue
        if mk.bare and folded[_skip_blanks(folded, mk.end)] in UNITS_AFTER_NUMBER:
            continue  # "3 个月" wrapped to a line start
        out.append(mk)
    return out


def _opens_line(s: str, i: int) -> bool:
    """Only spaces or tabs between the line's start and ``i``."""
    i -= 1
    while i >= 0 and s[i] in " \t":
        i -= 1
    return i < 0 or s[i] == "\n"


def _skip_blanks(s: str, i: int) -> int:
    """The first offset at or after ``i`` that is not a space or tab (a bare marker's look-ahead
    guarantees one), without slicing the rest of the document."""
    while s[i] in " \t":
        i += 1
    return i


@lru_cache(maxsize=4096)
def number_key(number: str) -> str:
    """A marker reduced to what it means, for comparing: 第五条 → "5", （三） → "3", １．２ → "1.2"."""
    from ..normalize import fold

    s = "".join(fold(number).split()).strip("【】〔〕[]")
    s = re.sub(r"^(附件|附表|附录|附)", "", s)
    s = re.sub(r"^第", "", s)
    s = re.sub(r"(条|款|项|章|节|编|部分|篇)$", "", s)
    s = re.sub(r"^(article|section|clause|chapter)", "", s)
    s = s.strip("()[]【】、.:,;")
    if s in CIRCLED:
        return str(CIRCLED.index(s) + 1)
    if s and all(ch in CN_DIGITS for ch in s):
        v = cn_to_int(s)
        return str(v) if v is not None else s
    return s.replace("-", ".")
