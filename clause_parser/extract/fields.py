"""Field finders: each returns ``Field``s with spans into the document text.

All matching runs on the folded text (half width, simplified), one regular-expression pass per
field type over the whole document; fields are then given to the clause whose span holds them.
The patterns that open with a look-behind or an alternation are compiled by
``first_char_guarded``, which lets the engine skip offsets where no match can start.
"""
from __future__ import annotations

import bisect
import re
from decimal import Decimal

from ..model import Field
from ..regex_guard import RunScan, first_char_guarded
from .numbers import CN_NUMERAL_CHARS, plain, to_decimal

_CN = f"[{CN_NUMERAL_CHARS}]"
_CURRENCY_PREFIX = {"人民币": "CNY", "rmb": "CNY", "¥": "CNY", "cny": "CNY", "us$": "USD", "usd": "USD", "$": "USD",
                    "美元": "USD", "港币": "HKD", "hk$": "HKD", "hkd": "HKD", "€": "EUR", "eur": "EUR", "欧元": "EUR"}
_CURRENCY_SUFFIX = {"元": "CNY", "圆": "CNY", "美元": "USD", "港元": "HKD", "港币": "HKD", "欧元": "EUR"}

AMOUNT_PATTERN = (
    # the white space belongs to the prefix: a bare "\s*" would make long runs of blanks quadratic
    r"(?:(?P<pre>人民币|rmb|cny|us\$|usd|hk\$|hkd|美元|港币|eur|欧元|[¥$€])\s*)?(?<![\d.,])"
    r"(?:(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,18}(?:\.\d{1,4})?)|(?P<cn>" + _CN + r"{1,20}))\s*"
    r"(?P<unit>万|亿|千)?\s*(?P<suf>美元|港元|港币|欧元|元|圆)?"
    r"(?:(?P<jiao>[零壹贰叁肆伍陆柒捌玖一二三四五六七八九])角)?(?:(?P<fen>[零壹贰叁肆伍陆柒捌玖一二三四五六七八九])分)?(?P<zheng>整|正)?"
)
AMOUNT_RE = first_char_guarded(AMOUNT_PATTERN)
# An amount needs a currency before or after the number (bare numbers, most matches, are dropped
# below): only the runs of amount characters that hold a character of one are scanned.
AMOUNT_SCAN = RunScan(AMOUNT_PATTERN, needs="人rcuh美港e欧¥$€元圆")
PERCENT_PATTERN = r"(?<![\d.])(?P<num>\d{1,12}(?:\.\d{1,6})?)\s*(?P<sign>%|‰)|(?P<kind>百分之|千分之|万分之)(?P<cn>[零一二三四五六七八九十百点\d.]{1,8})"
PERCENT_RE = first_char_guarded(PERCENT_PATTERN)
PERCENT_SCAN = RunScan(PERCENT_PATTERN)  # only the runs of percentage characters holding % ‰ 之
DURATION_PATTERN = (
    r"(?<![\d.])(?P<num>\d{1,9}(?:\.\d{1,3})?|[零一二三四五六七八九十百两半]{1,5})\s*(?P<ge>个)?\s*(?P<unit>工作日|自然日|日历日|日|天|周|星期|个月|月|年)"
)
DURATION_RE = first_char_guarded(DURATION_PATTERN)
DATE_PATTERN = (
    r"(?<!\d)(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?P<m1>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月\s*(?P<d1>\d{1,2}|[一二三四五六七八九十]{1,3})\s*[日号]"
    r"|(?<![\d.])(?P<y2>\d{4})(?P<sep>[-./])(?P<m2>\d{1,2})(?P=sep)(?P<d2>\d{1,2})(?![\d.])"
)
DATE_RE = first_char_guarded(DATE_PATTERN)
RANGE_RE = re.compile(r"自\s*(?P<a>[^。;,自至起]{6,20}?)\s*(?:起|开始)?\s*(?:至|到|—|-|~)\s*(?P<b>[^。;,]{6,20}?)\s*(?:止|为止|结束)")
FORUM_RE = re.compile(r"仲裁委员会|仲裁院|国际仲裁中心|人民法院|法院")
_FORUM_NAME_CHAR = re.compile(r"[\u4e00-\u9fff()（）]")
_FORUM_CUT = re.compile(r".*(?:提交|提请|交由|诉至|起诉至|申请|向|由|至|交|请|的一方|选择)", re.S)  # a name may wrap
BLANK_PATTERN = r"[_]{2,}|【[\s　]*】|\[[\s　]*\]|×{2,}|(?<![\d一二三四五六七八九十〇零])(?P<date>[ _]*年[ _]{1,}月[ _]{1,}日)"
BLANK_RE = first_char_guarded(BLANK_PATTERN)
_UNIT = {"工作日": "working_day", "自然日": "day", "日历日": "day", "日": "day", "天": "day", "周": "week", "星期": "week",
         "个月": "month", "月": "month", "年": "year"}


_SCALE = {"万": 10000, "亿": 100000000, "千": 1000}
_YEAR = re.compile(r"\d{4}")


def _field(text, s, e, type_, value) -> Field:
    return Field(type=type_, text=text[s:e], span=(s, e), value=value)


def find_amounts(text: str, folded: str) -> list[Field]:
    out = []
    for m in AMOUNT_SCAN.finditer(folded):
        pre, suf = m.group("pre", "suf")
        if not (pre or suf):
            continue  # a bare number is not an amount (most matches: every number of the text)
        g = m.group
        if g("cn") and not g("suf"):
            continue
        if g("cn") and len(g("cn")) == 1 and g("cn") in "万亿千百十":
            continue
        raw = g("num") or g("cn")
        val = to_decimal(raw)
        if val is None:
            continue
        val *= _SCALE.get(g("unit") or "", 1)
        for part, scale in (("jiao", Decimal("0.1")), ("fen", Decimal("0.01"))):
            if g(part):
                digit = to_decimal(g(part))
                if digit is not None:
                    val += digit * scale
        cur = _CURRENCY_PREFIX.get((g("pre") or "").lower()) or _CURRENCY_SUFFIX.get(g("suf") or "", "CNY")
        s = m.start() if g("pre") else m.start("num") if g("num") else m.start("cn")
        value = {"amount": f"{val.quantize(Decimal('0.01'))}", "currency": cur}
        if g("cn"):
            value["written"] = "chinese"
        out.append(_field(text, s, m.end(), "amount", value))
    return out


def find_percentages(text: str, folded: str) -> list[Field]:
    out = []
    for m in PERCENT_SCAN.finditer(folded):
        if m.group("num"):
            v = Decimal(m.group("num"))
            if m.group("sign") == "‰":
                v /= 10
        else:
            n = to_decimal(m.group("cn"))
            if n is None:
                continue
            v = n * {"百分之": 1, "千分之": Decimal("0.1"), "万分之": Decimal("0.01")}[m.group("kind")]
        out.append(_field(text, m.start(), m.end(), "percentage", {"percent": _number(v)}))
    return out


def find_dates(text: str, folded: str) -> list[Field]:
    out = []
    for m in DATE_RE.finditer(folded):
        iso = _iso(m)
        if iso:
            out.append(_field(text, m.start(), m.end(), "date", iso))
    return out


def find_ranges(text: str, folded: str, dates: list[Field]) -> list[Field]:
    """自 <date> 起至 <date> 止 → one date field with both ends."""
    out = []
    starts = [d.span[0] for d in dates]  # in document order

    def first_date_in(lo: int, hi: int) -> Field | None:
        k = bisect.bisect_left(starts, lo)
        return dates[k] if k < len(starts) and starts[k] < hi else None

    for m in RANGE_RE.finditer(folded):
        a = first_date_in(*m.span("a"))
        b = first_date_in(*m.span("b"))
        if a and b:
            out.append(_field(text, m.start(), m.end(), "date", {"start": a.value, "end": b.value}))
    return out


def find_durations(text: str, folded: str, taken: list[tuple[int, int]]) -> list[Field]:
    out = []
    taken = sorted(taken)
    starts = [a for a, _ in taken]
    reach = []  # reach[k]: the furthest end among taken[:k+1], so one bisect answers "overlaps any?"
    for _, b in taken:
        reach.append(max(b, reach[-1]) if reach else b)
    for m in DURATION_RE.finditer(folded):
        s, e = m.span()
        k = bisect.bisect_left(starts, e) - 1
        if k >= 0 and reach[k] > s:
            continue  # part of a date or an amount
        unit = m.group("unit")
        prev = folded[max(0, s - 1):s]
        if unit in ("日", "号") and prev == "月":
            continue  # 每月5日: a day of the month
        if unit == "月" and not m.group("ge") and prev != "满" and folded[e:e + 1] not in ("内", "后", "前", "以", "为", ",", "。", ";"):
            continue  # 3月 is March, 三个月 is a duration
        if unit == "年" and _YEAR.fullmatch(m.group("num") or ""):
            continue  # 2024年 is a year
        if folded[e:e + 1] == "度" or prev in "第上下本每当同次首末":
            continue  # 上一年度, 第一年, 每月: a point in time or an ordinal, not a length
        if unit == "周" and folded[e:e + 1] == "岁":
            continue  # 年满18周岁: an age
        n = m.group("num")
        if n == "半":
            v = Decimal("0.5")
        else:
            v = to_decimal(n)
        if v is None or v == 0:
            continue
        out.append(_field(text, s, e, "duration", {"value": _number(v), "unit": _UNIT[unit]}))
    return out


def find_forums(text: str, folded: str) -> list[Field]:
    out = []
    for m in FORUM_RE.finditer(folded):
        # the name runs back from the keyword over at most 30 CJK characters, then loses its verb (提交/向 …)
        run_start = m.start()
        limit = max(0, m.start() - 30)
        while run_start > limit:
            if _FORUM_NAME_CHAR.match(folded[run_start - 1]):
                run_start -= 1
            elif folded[run_start - 1] == "\n" and run_start - 1 > limit and _FORUM_NAME_CHAR.match(folded[run_start - 2]):
                run_start -= 1  # "…所在地人民\n法院": a name wrapped at the end of a line
            else:
                break
        if out and out[-1].span[1] > run_start:
            continue  # "人民法院" already taken as part of a longer name
        cut = _FORUM_CUT.match(folded, run_start, m.start())
        start = cut.end() if cut else run_start
        if folded[start] == "\n":
            start += 1
        name = "".join(text[start:m.end()].split())
        kind = "arbitration" if "仲裁" in m.group() else "court"
        out.append(_field(text, start, m.end(), "forum", {"kind": kind, "name": name}))
    return out


def find_blanks(text: str, folded: str) -> list[Field]:
    out = []
    for m in BLANK_RE.finditer(folded):
        s, e = m.span()
        if m.group("date"):
            s = m.start("date")
            while s < e and folded[s] == " " and (s == 0 or folded[s - 1] not in ":："):
                s += 1  # the spaces after "日期：" are the year's blank; other leading spaces are layout
            length = sum(1 for ch in folded[s:e] if ch in " _")
        else:
            length = e - s if folded[s] in "_×" else len(folded[s + 1:e - 1])
        out.append(_field(text, s, e, "blank", {"length": length}))
    return out


def find_fields(text: str, folded: str) -> list[Field]:
    """Every field of the document, in document order, without overlaps between types."""
    amounts = find_amounts(text, folded)
    dates = find_dates(text, folded)
    ranges = find_ranges(text, folded, dates)
    in_range = [r.span for r in ranges]
    dates = [d for d in dates if not any(a <= d.span[0] < b for a, b in in_range)]
    percents = find_percentages(text, folded)
    taken = [f.span for f in amounts + dates + ranges + percents]
    durations = find_durations(text, folded, taken)
    fields = amounts + dates + ranges + percents + durations + find_forums(text, folded) + find_blanks(text, folded)
    fields.sort(key=lambda f: (f.span[0], -f.span[1], f.type))
    return fields


def _number(v: Decimal):
    s = plain(v)
    return int(s) if "." not in s else float(s)


def _iso(m) -> str | None:
    y = m.group("y") or m.group("y2")
    mo = m.group("m1") or m.group("m2")
    d = m.group("d1") or m.group("d2")
    if y and not y.isdigit():
        y = "".join(str("〇一二三四五六七八九".index(c)) if c in "〇一二三四五六七八九" else "0" for c in y)
    yv, mv, dv = to_decimal(y), to_decimal(mo), to_decimal(d)
    if None in (yv, mv, dv):
        return None
    yv, mv, dv = int(yv), int(mv), int(dv)
    if not (1900 <= yv <= 2200 and 1 <= mv <= 12 and 1 <= dv <= 31):
        return None
    return f"{yv:04d}-{mv:02d}-{dv:02d}"
