"""Numerals in contract text → numbers: Arabic with separators, Chinese (二十, 十万), 大写 (壹拾贰万)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache

CN_NUMERAL_CHARS = "零〇一二三四五六七八九十百千万亿两壹贰叁肆伍陆柒捌玖拾佰仟廿点"


# A contract repeats its numerals (一, 三十, 十五 …: 750 Chinese numerals but 114 distinct in the
# corpus) and cn2an takes ~40 µs each; a Decimal is immutable, so results can be shared.
@lru_cache(maxsize=8192)
def to_decimal(s: str) -> Decimal | None:
    """``"123,000.50"`` → Decimal('123000.50'); ``"壹拾贰万叁仟"`` → Decimal('123000'); None if not a number."""
    s = "".join(s.split()).replace(",", "").replace("，", "")
    if not s:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        pass
    if not all(ch in CN_NUMERAL_CHARS for ch in s):
        return None
    import cn2an  # 0.25 s to import: only when a Chinese numeral is really there

    try:
        return Decimal(str(cn2an.cn2an(s.replace("〇", "零"), "smart")))
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def plain(d: Decimal) -> str:
    """A decimal without exponent: Decimal('1E+5') → '100000'."""
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s
