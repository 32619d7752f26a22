"""Matching form of a text: full width → half width, traditional → simplified, lower case.

``fold(text)`` returns a string of exactly the same length as ``text`` (one character for one
character), so an offset found in the folded text is the same offset in the original. Characters
whose compatibility form is longer than one character (⑴ → "(1)") are kept as they are; the
marker grammar knows them.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

# Circled and parenthesised numbers carry marker meaning; NFKC would flatten ① to "1".
_KEEP = set(chr(c) for c in range(0x2460, 0x24FF)) | set(chr(c) for c in range(0x3200, 0x32FF))
_SPACES = "\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff\t"


@lru_cache(maxsize=1)
def _t2s():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return None
    return opencc.OpenCC("t2s")


_cache: dict[str, str] = {}


def _fold_char(ch: str) -> str:
    if ch in _KEEP:
        return ch
    if ch in _SPACES:
        return " "
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        return ch
    return n.lower()


def fold(text: str) -> str:
    """Same-length matching form of ``text``.

    >>> fold("第三條　付款（１）")
    '第三条 付款(1)'
    """
    new = {ch for ch in set(text) if ch not in _cache}
    if new:
        chars = sorted(new)
        folded = [_fold_char(c) for c in chars]
        conv = _t2s()
        cjk = [i for i, f in enumerate(folded) if f >= "\u2e80"]
        if conv is not None and cjk:
            simp = conv.convert("\n".join(folded[i] for i in cjk)).split("\n")
            if len(simp) == len(cjk):
                for i, s in zip(cjk, simp):
                    if len(s) == 1:
                        folded[i] = s
        for c, f in zip(chars, folded):
            _cache[c] = f
    return "".join(map(_cache.__getitem__, text))


def squash_spaces(s: str) -> str:
    """``s`` without any white space (for comparing markers like "第 三 条")."""
    return "".join(s.split())
