"""Word tokens for the model classifier: jieba with the contract-term dictionary of ``rules/``.

jieba's dictionary loads once per process, on first use, and quietly (its start-up log would
otherwise land on a CLI user's stderr).
"""
from __future__ import annotations

import logging
from functools import lru_cache


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
