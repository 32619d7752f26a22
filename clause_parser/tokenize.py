"""Word tokens for the model classifier: jieba with the contract-term dictionary of ``rules/``.

jieba's dictionary loads once per process, on first use, and quietly (its start-up log would
otherwise land on a CLI user's stderr).

``cut_words(s)`` is ``list(tokenizer().cut(s, HMM=False))`` — the very same words — computed by
a tighter loop than jieba's: one backward pass per block that walks the prefix dictionary and
keeps the best route on the fly (jieba builds a DAG dict, then a route dict with a generator
and a ``log`` call per edge), with each word's log-probability computed once per process.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache
from math import log

# jieba 0.42's own patterns (jieba/__init__.py): blocks the dictionary cuts, whitespace kept
# whole, single ASCII letters/digits that run together into one word
_RE_HAN = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
_RE_SKIP = re.compile("(\r\n|\\s)", re.U)
_ENG = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


@lru_cache(maxsize=1)
def tokenizer():
    """The process-wide jieba tokenizer with ``rules/userdict.txt`` loaded."""
    import jieba

    from .classify.ruleset import builtin_rules_dir

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    userdict = builtin_rules_dir() / "userdict.txt"
    if userdict.is_file():
        tk.load_userdict(str(userdict))
    return tk


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """``(word, start, end)`` for every token of ``text``; offsets index ``text``.

    >>> [w for w, s, e in tokenize("乙方应支付违约金")]
    ['乙方', '应', '支付', '违约金']
    """
    return list(tokenizer().tokenize(text))


_NOT_SEEN = object()
_NEG = float("-inf")
_MEMO_LIMIT = 1_000_000  # fragments remembered (words and non-words) before the memo starts over


class _Cutter:
    """jieba's ``cut(HMM=False)`` over one tokenizer's dictionary, as it is when made."""

    def __init__(self, tk):
        self.freq = tk.FREQ
        self.state = (id(tk.FREQ), tk.total, len(tk.FREQ))
        self.logtotal = log(tk.total)
        # fragment → log(freq) - log(total) for a word (as jieba's calc has it), None for a
        # prefix of words that is not one itself (freq 0), False for no prefix of any word
        self.memo: dict[str, float | None | bool] = {}

    def _look_up(self, frag: str):
        if len(self.memo) >= _MEMO_LIMIT:
            self.memo.clear()
        f = self.freq.get(frag)
        lp = self.memo[frag] = False if f is None else (log(f) - self.logtotal if f else None)
        return lp

    def block(self, s: str, out: list) -> None:
        """Append the words of one block (a run of _RE_HAN characters) to ``out``."""
        freq, logtotal = self.freq, self.logtotal
        get, look_up = self.memo.get, self._look_up
        n = len(s)
        score = [0.0] * (n + 1)
        end = [0] * (n + 1)  # end[k]: where the best route's word from k ends (exclusive)
        for k in range(n - 1, -1, -1):
            # jieba: over the dictionary's words s[k:j] (prefix walk), route[k] =
            # max((logp(word) + route[j][0], j - 1)): on equal scores the longer word wins
            best = _NEG
            j = k + 1
            frag = s[k]
            lp = get(frag, _NOT_SEEN)
            while lp is not False:
                if lp is _NOT_SEEN:
                    lp = look_up(frag)
                    continue
                if lp is not None:
                    sc = lp + score[j]
                    if sc >= best:
                        best = sc
                        e = j
                if j == n:
                    break
                j += 1
                frag = s[k:j]
                lp = get(frag, _NOT_SEEN)
            if best is _NEG:  # no word here: the character alone (jieba: log(FREQ.get(c) or 1))
                score[k] = log(freq.get(s[k]) or 1) - logtotal + score[k + 1]
                end[k] = k + 1
            else:
                score[k] = best
                end[k] = e
        x = 0
        buf = ""
        while x < n:  # jieba: single ASCII letters and digits in a row make one word
            y = end[x]
            if y == x + 1 and s[x] in _ENG:
                buf += s[x]
            else:
                if buf:
                    out.append(buf)
                    buf = ""
                out.append(s[x:y])
            x = y
        if buf:
            out.append(buf)


_cutter: _Cutter | None = None


def cut_words(s: str) -> list[str]:
    """``list(tokenizer().cut(s, HMM=False))``, faster.

    >>> cut_words("乙方应支付违约金1000元。")
    ['乙方', '应', '支付', '违约金', '1000', '元', '。']
    """
    global _cutter
    tk = tokenizer()
    cutter = _cutter
    if cutter is None or cutter.state != (id(tk.FREQ), tk.total, len(tk.FREQ)):
        cutter = _cutter = _Cutter(tk)  # first use, or the dictionary was changed (add_word …)
    out: list[str] = []
    parts = _RE_HAN.split(s)
    for i, blk in enumerate(parts):
        if not blk:
            continue
        if i & 1:  # a match of the capturing split pattern
            cutter.block(blk, out)
        else:
            for x in _RE_SKIP.split(blk):
                if not x:
                    continue
                if _RE_SKIP.match(x):
                    out.append(x)
                else:
                    out.extend(x)
    return out
