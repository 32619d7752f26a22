"""Faster regex scans: the same matches, with cheap tests that let the engine skip ahead.

``first_char_guarded`` compiles a pattern with a look-ahead on the characters a match can start
with; ``line_prefilters`` gives cheap per-line tests for line-anchored patterns (noise rules).
"""
from __future__ import annotations

# Python's regex engine tries a pattern at every offset of the text. When each alternative of a
# pattern starts with a look-behind, a group or another alternation, it cannot skip offsets where
# no match can begin, and a pass over a whole contract costs 5-10x more than it needs to.
# ``first_char_guarded`` prefixes such a pattern with a look-ahead on the set of characters a
# match can start with: the same matches (same spans, same groups), found with one cheap test at
# most offsets. The set is derived from the parsed pattern, so it stays right when a pattern (or
# a user's rule) changes; when it cannot be derived (a match may be empty or start with "." or
# [^…], a back-reference, case-insensitive flags …) the pattern is compiled as it is.

try:  # Python ≥ 3.11
    from re import _constants as _sre_c, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_CATEGORY_CLASS = {
    _sre_c.CATEGORY_DIGIT: r"\d", _sre_c.CATEGORY_NOT_DIGIT: r"\D",
    _sre_c.CATEGORY_SPACE: r"\s", _sre_c.CATEGORY_NOT_SPACE: r"\S",
    _sre_c.CATEGORY_WORD: r"\w", _sre_c.CATEGORY_NOT_WORD: r"\W",
}
_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT} | ({_sre_c.POSSESSIVE_REPEAT} if hasattr(_sre_c, "POSSESSIVE_REPEAT") else set())
_ZERO_WIDTH = {_sre_c.AT, _sre_c.ASSERT, _sre_c.ASSERT_NOT}


def _class_items(op, av):
    """The items of a character class that matches what node ``(op, av)`` matches, or None."""
    import re

    if op is _sre_c.LITERAL:
        return [re.escape(chr(av))]
    if op is not _sre_c.IN:
        return None
    items = []
    for iop, iav in av:
        if iop is _sre_c.LITERAL:
            items.append(re.escape(chr(iav)))
        elif iop is _sre_c.RANGE:
            items.append(re.escape(chr(iav[0])) + "-" + re.escape(chr(iav[1])))
        elif iop is _sre_c.CATEGORY and iav in _CATEGORY_CLASS:
            items.append(_CATEGORY_CLASS[iav])
        else:  # NEGATE and anything unusual: too broad to help, or unknown
            return None
    return items


def _plain_group(op, av):
    """The sub-pattern of a group without flags (plain or atomic), else None."""
    if op is _sre_c.SUBPATTERN:
        return None if av[1] or av[2] else av[3]
    if getattr(_sre_c, "ATOMIC_GROUP", None) is op:
        return av
    return None


def _edge_of_item(op, av, last: bool):
    """``(class items, may be empty)``: what the first (``last``: the last) character of a match
    of node ``(op, av)`` can be; None when unknown."""
    items = _class_items(op, av)
    if items is not None:
        return items, False
    sub = _plain_group(op, av)
    if sub is not None:
        return _edge_of_seq(sub, last)
    if op is _sre_c.BRANCH:
        items, nullable = [], False
        for alt in av[1]:
            r = _edge_of_seq(alt, last)
            if r is None:
                return None
            items += r[0]
            nullable = nullable or r[1]
        return items, nullable
    if op in _REPEATS:
        lo, _, sub = av
        r = _edge_of_seq(sub, last)
        return None if r is None else (r[0], lo == 0 or r[1])
    if op in _ZERO_WIDTH:
        return [], True
    return None  # ANY, NOT_LITERAL, [^…], back-references …


def _edge_of_seq(seq, last: bool = False):
    items = []
    for op, av in (reversed(seq) if last else seq):
        r = _edge_of_item(op, av, last)
        if r is None:
            return None
        items += r[0]
        if not r[1]:
            return items, False
    return items, True


def _end_anchored(seq):
    """Class items of the last character of every match of ``seq`` if every match ends with
    ``$`` or ``\\Z`` (at the end of a string without newline: at its last character), else None."""
    if not seq:
        return None
    op, av = seq[-1]
    if op is _sre_c.AT and av in (_sre_c.AT_END, _sre_c.AT_END_STRING):
        r = _edge_of_seq(seq[:-1], last=True)
        return None if r is None or r[1] or not r[0] else r[0]
    sub = _plain_group(op, av)
    if sub is not None:
        return _end_anchored(sub)
    if op is _sre_c.BRANCH:
        items = []
        for alt in av[1]:
            r = _end_anchored(alt)
            if r is None:
                return None
            items += r
        return items
    return None


def _required(seq) -> list[list[str]]:
    """Classes (as item lists) each of which holds a character every match of ``seq`` contains."""
    out = []
    for op, av in seq:
        items = _class_items(op, av)
        sub = _plain_group(op, av)
        if items is not None:
            if not any(i in (r"\S", r"\D", r"\W") for i in items):  # nearly every character: filters nothing
                out.append(items)
        elif sub is not None:
            out += _required(sub)
        elif op in _REPEATS and av[0] >= 1:
            out += _required(av[2])
        elif op is _sre_c.BRANCH:
            per_alt = [_required(alt) for alt in av[1]]
            if all(per_alt):
                # one character all alternatives require, or else the union of each one's best class
                common = set.intersection(*({c[0] for c in alt if len(c) == 1} for alt in per_alt))
                out.append([min(common)] if common else
                           list(dict.fromkeys(i for alt in per_alt for i in min(alt, key=_class_cost))))
    return out


def _class_cost(items: list[str]) -> tuple[int, int]:
    """Broader classes filter less: a category (\\d, \\s …) or a range counts as many characters."""
    return sum(1 for i in items if i.startswith("\\") and i[1:2].isalpha() or "-" in i[1:]), len(items)


def _parse_plain(pattern: str, flags: int):
    """The parsed pattern, or None when it cannot be analysed safely (bad pattern, case folding,
    global flags set inside it)."""
    import re

    try:
        parsed = _sre_parse.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - let re.compile report a bad pattern
        return None
    if parsed.state.flags & re.IGNORECASE or (parsed.state.flags & ~re.UNICODE) != (flags & ~re.UNICODE):
        return None
    return parsed


def line_prefilters(pattern: str, flags: int = 0) -> tuple[str | None, str | None]:
    """Two cheap necessary conditions for ``re.search(pattern, line)`` on a line without newline,
    as character classes (without brackets), each None when not known:

    * the class the line's last character must be in (every match ends at ``$``), and
    * a class of which the line must contain a character (the rarest one every match needs).

    >>> line_prefilters(r"^\\S.{0,60}?(\\.{4,}|…{2,})\\s*\\d{1,4}$")
    ('\\\\d', '\\\\.…')
    >>> line_prefilters("(当前位置|您的位置)[:：]|^(首页|主页)>")
    (None, '位页')
    """
    parsed = _parse_plain(pattern, flags)
    if parsed is None:
        return None, None
    end = _end_anchored(parsed)
    # a pattern the engine scans for by its first character (小编|下载|…) is as quick as a test
    req = None if _engine_skips(parsed, anchors=False) else _required(parsed)
    return ("".join(dict.fromkeys(end)) if end else None,
            "".join(dict.fromkeys(min(req, key=_class_cost))) if req else None)


def first_chars(pattern: str, flags: int = 0) -> str | None:
    """A character class (without brackets) holding every character a non-empty match of
    ``pattern`` can start with, or None when there is no such useful class.

    >>> first_chars(r"(?<!\\d)(人民币|¥)\\s*\\d+|[一二]+元")
    '人¥一二'
    >>> first_chars("(甲方|乙方)应") is None  # the engine skips to 甲 or 乙 by itself
    True
    """
    parsed = _parse_plain(pattern, flags)  # None also for flags inside it, which a prefix would displace
    if parsed is None or _engine_skips(parsed):
        return None  # the engine already scans for the first character itself: a guard would slow it
    r = _edge_of_seq(parsed)
    if r is None or r[1] or not r[0]:
        return None
    return "".join(dict.fromkeys(r[0]))


def _engine_skips(seq, anchors: bool = True) -> bool:
    """Whether the regex engine finds candidate offsets on its own, or nearly: a pattern that opens
    with a literal, a character class, an anchor (^ …; with ``anchors``), or alternatives that
    each open with a literal."""
    while seq and seq[0][0] is _sre_c.SUBPATTERN and not (seq[0][1][1] or seq[0][1][2]):
        seq = seq[0][1][3]
    if not seq:
        return False
    op, av = seq[0]
    if op is _sre_c.LITERAL or op is _sre_c.IN or (anchors and op is _sre_c.AT):
        return True
    return op is _sre_c.BRANCH and all(alt and alt[0][0] is _sre_c.LITERAL for alt in av[1])


def first_char_guarded(pattern: str, flags: int = 0):
    """``re.compile(pattern, flags)``, prefixed with a look-ahead on ``first_chars`` when known."""
    import re

    cls = first_chars(pattern, flags)
    if cls is None:
        return re.compile(pattern, flags)
    body = f"(?:\n{pattern}\n)" if flags & re.VERBOSE else f"(?:{pattern})"  # a trailing "# comment" must not eat ")"
    return re.compile(f"(?=[{cls}]){body}", flags)


# ``RunScan``: for patterns whose matches are rare and made of few kinds of characters (amounts,
# percentages, dates, blanks to fill in), most of a contract cannot hold a match, yet the engine
# still tries at every digit or numeral. A match consists only of characters of its pattern's
# "inside" class (derived from the parsed pattern), so it lies within one maximal run of such
# characters, and it holds a character of a class every match needs (derived too, or given):
# only the runs holding such a character are scanned, each with ``finditer(text, start, end)``.
# The runs are separated by characters no match can consume, so a scan of the whole text finds
# exactly the same matches in them (look-behinds still see the text before a run; a look-ahead
# at a run's end fails on the outside character as it fails at ``endpos``); anchors and \b, which
# ``endpos`` would change, and patterns that can match the empty string are scanned as they are.

def _inside_items(seq, out: list) -> bool:
    """Add to ``out`` the class items of every character a match of ``seq`` can consume or look
    ahead at (look-behinds left out: they read the text before the match, which stays whole);
    False when some cannot be told (``.``, ``[^…]``, anchors, ``\\b``, flags inside …)."""
    for op, av in seq:
        items = _class_items(op, av)
        if items is not None:
            out += items
            continue
        sub = _plain_group(op, av)
        if sub is not None:
            if not _inside_items(sub, out):
                return False
        elif op is _sre_c.BRANCH:
            if not all(_inside_items(alt, out) for alt in av[1]):
                return False
        elif op in _REPEATS:
            if not _inside_items(av[2], out):
                return False
        elif op in (_sre_c.ASSERT, _sre_c.ASSERT_NOT):
            if av[0] >= 0 and not _inside_items(av[1], out):  # a look-ahead
                return False
        elif op is not _sre_c.GROUPREF:  # a back-reference repeats what its group consumed
            return False
    return True


class RunScan:
    """``re.compile(pattern).finditer`` over only the runs of text that can hold a match holding
    a character of ``needs``: every such match, in the same order with the same spans and groups
    (and the other matches in those runs). Left to be derived, ``needs`` is a class every match
    needs, and the matches are exactly all of them.

    >>> rs = RunScan(r"(?<![\\d.])\\d+\\s*%")
    >>> rs.needs, [m.span() for m in rs.finditer("乙方按3%支付，共12 %。")]
    ('%', [(3, 5), (9, 13)])
    """

    def __init__(self, pattern: str, flags: int = 0, needs: str | None = None):
        import re

        self.regex = first_char_guarded(pattern, flags)
        self.needs = None
        parsed = _parse_plain(pattern, flags)
        inside: list[str] = []
        if parsed is None or not _inside_items(parsed, inside) or not inside:
            return
        edge = _edge_of_seq(parsed)
        if edge is None or edge[1]:
            return  # may match the empty string (or its start is unknown): scan as it is
        if needs is None:
            req = _required(parsed)
            needs = "".join(dict.fromkeys(min(req, key=_class_cost))) if req else None
        if needs:
            self.needs = needs
            self._need = re.compile(f"[{needs}]", flags)
            self._outside = re.compile(f"[^{''.join(dict.fromkeys(inside))}]", flags)

    def finditer(self, text: str):
        if self.needs is None:
            yield from self.regex.finditer(text)
            return
        need, outside, finditer = self._need.search, self._outside.search, self.regex.finditer
        n = len(text)
        rev = None  # the text reversed: where the run holding a needed character starts
        pos = 0
        while True:
            m = need(text, pos)
            if m is None:
                return
            p = m.start()
            o = outside(text, p)
            end = o.start() if o is not None else n
            if rev is None:
                rev = text[::-1]
            o = outside(rev, n - p)  # the last outside character before p
            start = max(pos, n - o.start() if o is not None else 0)
            if end > p:
                yield from finditer(text, start, end)
            pos = max(end, p + 1)
