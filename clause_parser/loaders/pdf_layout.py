"""Page layout shared by the PDF backends: characters with boxes in, reading-order text out.

Both backends (pdfplumber, pypdfium2) reduce a page to ``Char`` boxes and table cell boxes; all the
rest happens here, once: watermarks, fake-bold doubles, table text, two-column reading order,
running headers, footers and page numbers (recognised by position and repetition across pages),
and joining wrapped lines back into paragraphs.

>>> page = PageIn(1, 200, 300, [Char(ch, 20 + 10 * i, 100, 30 + 10 * i, 110, 10) for i, ch in enumerate("第一条租金。")])
>>> layout([page]).text
'第一条租金。'
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from statistics import median
from typing import NamedTuple


class Char(NamedTuple):
    """One glyph, or a run of glyphs measured as a whole: its text and box in page space (points,
    y grows downwards), font size, and how it is painted."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    rotated: bool = False
    light: bool = False  # light grey or translucent fill


Box = tuple  # (x0, top, x1, bottom)


@dataclass
class PageIn:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    tables: list[list[Box]] = field(default_factory=list)  # each table: its cell boxes


@dataclass(eq=False)
class Line:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    page: int
    size: float
    col: tuple = (1, 0)  # (columns on the page, which column)
    lead_w: float = 0.0  # width of the first word: one CJK character or a run of Latin letters and digits
    table: bool = False


@dataclass
class Laid:
    """The layout's result: text, what was taken out ``(text, reason, page)``, and ``(offset, page)`` starts."""

    text: str
    removed: list[tuple[str, str, int]]
    pages: list[tuple[int, int]]


def _wide(ch: str) -> bool:
    return ch >= "\u2e80"


# Punctuation that never starts a line of its own in Chinese: a line starting with it was wrapped.
_CLOSING = set("。，、；：！？）】》」』”’〕〉…—%％,.;:!?)]}·")
_SENTENCE_END = set("。！？!?：:")
# A line ending in one of these cannot end a paragraph, even before a numbering marker.
_OPENERS = set("第（(《“‘【[〔")
# "甲方：…" / "乙方：…": lines of a form, one field each, however long the first one is
_FIELD = re.compile(r"^[^\s，。；：:,;]{1,12}[：:]")

# ---------------------------------------------------------------------------------------------
# fake-bold doubles


def _dupe_key(c: Char):
    return c.text, round(c.top)


def has_doubles(chars: list[Char], tolerance: float = 1.0) -> bool:
    """True when some glyph is painted twice at (almost) the same place: fake bold, or a shadow."""
    seen: dict = {}
    for c in chars:
        xs = seen.setdefault(_dupe_key(c), [])
        if any(abs(x - c.x0) <= tolerance for x in xs):
            return True
        xs.append(c.x0)
    return False


def dedupe(chars: list[Char], tolerance: float = 1.0) -> list[Char]:
    """``chars`` without the second and later copies of a glyph painted again at the same place."""
    seen: dict = {}
    out = []
    for c in chars:
        xs = seen.setdefault(_dupe_key(c), [])
        if any(abs(x - c.x0) <= tolerance for x in xs):
            continue
        xs.append(c.x0)
        out.append(c)
    return out


# ---------------------------------------------------------------------------------------------
# lines from characters


def _mid(c: Char) -> float:
    return c[2] + c[4]


def _x0(c: Char) -> float:
    return c[1]


def _group_lines(chars: list[Char]) -> list[list[Char]]:
    """Characters into lines (each sorted left to right): a character joins the line whose
    vertical extent holds its centre."""
    out: list[list[Char]] = []
    cur: list[Char] | None = None
    top = bottom = lim = 0.0
    for c in sorted(chars, key=_mid):
        t, b = c[2], c[4]
        mid = (t + b) * 0.5
        if cur is not None and top <= mid <= bottom:
            cur.append(c)
            if b - t <= lim:  # a big glyph must not swallow the next line
                if t < top:
                    top = t
                if b > bottom:
                    bottom = b
            continue
        cur = [c]
        out.append(cur)
        top, bottom, lim = t, b, 1.3 * max(b - t, 0.1)
    for line in out:
        line.sort(key=_x0)
    return out


def _make_line(chars: list[Char], page: int, col=(1, 0)) -> Line | None:
    """One line of text from its characters (sorted left to right); None when it holds only spaces."""
    parts: list[str] = []
    sizes: list[float] = []
    prev = first = None
    pending = ""
    top, bottom, right = 1e9, -1e9, -1e9
    for c in chars:
        text = c[0]
        if text.isspace():
            if prev is not None:
                pending += " " if text in "\r\n\t" else text
            continue
        if prev is None:
            first = c
        elif pending:
            parts.append(pending)
            pending = ""
        else:
            gap = c[1] - prev[3]
            if gap > 0:
                em = max(min(c[5], prev[5]), 1.0)
                if gap > (em if prev[0][-1] >= "\u2e80" and text[0] >= "\u2e80" else 0.25 * em):
                    parts.append(" ")
        parts.append(text)
        sizes.append(c[5])
        prev = c
        if c[2] < top:
            top = c[2]
        if c[4] > bottom:
            bottom = c[4]
        if c[3] > right:
            right = c[3]
    if first is None:
        return None
    sizes.sort()
    return Line("".join(parts), first[1], top, right, bottom, page, sizes[len(sizes) // 2], col, _lead_width(chars, first))


def _lead_width(chars: list[Char], first: Char) -> float:
    """Width of a line's first word: one CJK character, or a run of Latin letters and digits."""
    text = first[0]
    if len(text) > 1:  # a run of glyphs measured as a whole (pdfium): estimate from the font size
        if _wide(text[0]):
            return first[5]
        k = 0
        while k < len(text) and not _wide(text[k]) and not text[k].isspace():
            k += 1
        return k * 0.55 * first[5]
    if _wide(text):
        return first[3] - first[1]
    end = first[3]
    started = False
    for c in chars:
        if c is first:
            started = True
            continue
        if not started:
            continue
        if c[0].isspace() or _wide(c[0][0]) or c[1] - end > 0.25 * c[5]:
            break
        end = c[3]
    return end - first[1]


# ---------------------------------------------------------------------------------------------
# tables


def _table_lines(page: PageIn, chars: list[Char]) -> tuple[list[Line], list[Char]]:
    """Each table as one block (cells by tab, rows by newline) and the characters outside tables."""
    tables = [t for t in page.tables if len(t) > 1]  # a single boxed cell is a frame around text
    if not tables:
        return [], chars
    boxes = [(min(b[0] for b in t), min(b[1] for b in t), max(b[2] for b in t), max(b[3] for b in t)) for t in tables]
    in_cell: list[dict[int, list[Char]]] = [dict() for _ in tables]
    rest = []
    for c in chars:
        cx, cy = (c.x0 + c.x1) / 2, (c.top + c.bottom) / 2
        placed = False
        for k, (x0, t0, x1, b0) in enumerate(boxes):
            if x0 <= cx <= x1 and t0 <= cy <= b0:
                for j, (a, b, e, d) in enumerate(tables[k]):
                    if a <= cx <= e and b <= cy <= d:
                        in_cell[k].setdefault(j, []).append(c)
                        placed = True
                        break
                break
        if not placed:
            rest.append(c)
    out = []
    for k, cells in enumerate(tables):
        rows: dict[float, list[int]] = {}
        for j, cell in enumerate(cells):
            key = next((r for r in rows if abs(r - cell[1]) <= 2), cell[1])
            rows.setdefault(key, []).append(j)
        texts = []
        for key in sorted(rows):
            row = sorted(rows[key], key=lambda j: cells[j][0])
            cell_texts = [_cell_text(in_cell[k].get(j, []), page.number) for j in row]
            if any(cell_texts):
                texts.append("\t".join(cell_texts))
        if texts:
            x0, t0, x1, b0 = boxes[k]
            sizes = [c.size for cs in in_cell[k].values() for c in cs if not c.text.isspace()]
            out.append(Line("\n".join(texts), x0, t0, x1, b0, page.number, median(sizes) if sizes else 10.0, table=True))
    return out, rest


def _cell_text(chars: list[Char], page: int) -> str:
    text = ""
    for group in _group_lines(chars):
        line = _make_line(group, page)
        if line is None:
            continue
        t = line.text.strip()
        if text and text[-1].isascii() and text[-1].isalnum() and t[:1].isascii() and t[:1].isalnum():
            text += " "
        text += t
    return text


# ---------------------------------------------------------------------------------------------
# columns


def _intervals(chars: list[Char], join: float) -> list[tuple[float, float]]:
    out: list[list[float]] = []
    for c in chars:  # sorted left to right
        if c.text.isspace():
            continue
        if out and c.x0 - out[-1][1] <= join:
            out[-1][1] = max(out[-1][1], c.x1)
        else:
            out.append([c.x0, c.x1])
    return [(a, b) for a, b in out]


def _find_gutter(rows: list[list[Char]], size: float, tables: list[Line] = ()) -> tuple[float, float] | None:
    """A wide vertical strip in the middle of the text that (almost) no line crosses: a column gutter."""
    spans = [_intervals(r, size) for r in rows]
    for t in tables:  # a table counts as many lines as it has rows
        spans.extend([[(t.x0, t.x1)]] * (t.text.count("\n") + 1))
    if len(spans) < 6:
        return None
    lo = min(s[0][0] for s in spans if s)
    hi = max(s[-1][1] for s in spans if s)
    width = hi - lo
    if width < 20 * size:
        return None
    n = int(width) + 2
    diff = [0] * (n + 1)
    for s in spans:
        if s and s[-1][1] - s[0][0] < 0.3 * width:
            continue  # a short line (a page number, a centred heading) says nothing about columns
        for a, b in s:
            diff[max(int(a - lo), 0)] += 1
            diff[min(int(b - lo) + 1, n)] -= 1
    cover, run = [], 0
    for d in diff[:n]:
        run += d
        cover.append(run)
    zone = range(int(0.3 * width), int(0.7 * width) + 1)
    least = min(cover[x] for x in zone)
    if least > max(1, int(0.25 * len(rows))):
        return None
    # the widest stretch that only the spanning lines (titles, page numbers) cross
    best = None
    start = None
    for x in list(zone) + [None]:
        if x is not None and cover[x] == least:
            if start is None:
                start = x
            continue
        if start is not None:
            end = x if x is not None else zone[-1] + 1
            if best is None or end - start > best[1] - best[0]:
                best = (start, end)
        start = None
    if best is None or best[1] - best[0] < max(1.5 * size, 10):
        return None
    g0, g1 = lo + best[0], lo + best[1]
    left = crossing = 0
    starts: list[int] = []  # where the lines right of the gutter begin
    for s in spans:
        if any(a < g1 and b > g0 for a, b in s):
            crossing += 1
            continue
        left += any(b <= g0 for _, b in s)
        first_right = next((a for a, _ in s if a >= g1), None)
        if first_right is not None:
            starts.append(round(first_right))
    right = len(starts)
    # a column has a left edge: most lines right of the gutter start at the same place
    aligned = right and max(sum(1 for x in starts if abs(x - k) <= 2) for k in set(starts)) >= 0.5 * right
    if crossing > 0.4 * len(spans) or left < 3 or right < 3 or not aligned:
        return None
    return g0, g1


def _page_elements(page: PageIn, chars: list[Char], body_size: float) -> list[Line]:
    """The page's lines and tables in reading order: top to bottom, or column by column."""
    tables, chars = _table_lines(page, chars)
    rows = [r for r in _group_lines(chars) if any(not c.text.isspace() for c in r)]
    gutter = _find_gutter(rows, body_size, tables)
    if gutter is None:
        lines = [ln for ln in (_make_line(r, page.number) for r in rows) if ln is not None]
        return sorted(lines + tables, key=lambda ln: ln.top)
    g0, g1 = gutter
    items: list[tuple[float, str, object]] = []
    for r in rows:
        spanning = any(a < g1 and b > g0 for a, b in _intervals(r, body_size))
        items.append((min(c.top for c in r), "span" if spanning else "row", r))
    for t in tables:
        items.append((t.top, "span" if (t.x0 < g1 and t.x1 > g0) else "table", t))
    items.sort(key=lambda it: it[0])
    out: list[Line] = []
    left: list[Char] = []
    right: list[Char] = []
    side_tables: list[Line] = []

    def flush():
        for k, side in enumerate((left, right)):
            lines = [ln for ln in (_make_line(r, page.number, (2, k)) for r in _group_lines(side)) if ln is not None]
            lines += [t for t in side_tables if ((t.x0 + t.x1) / 2 >= g1) == bool(k)]
            out.extend(sorted(lines, key=lambda ln: ln.top))
        left.clear()
        right.clear()
        side_tables.clear()

    for _, kind, obj in items:
        if kind == "row":
            for c in obj:
                (left if (c.x0 + c.x1) / 2 < (g0 + g1) / 2 else right).append(c)
        elif kind == "table":
            side_tables.append(obj)
        else:
            flush()
            if isinstance(obj, Line):
                out.append(obj)
            else:
                ln = _make_line(obj, page.number)
                if ln is not None:
                    out.append(ln)
    flush()
    return out


# ---------------------------------------------------------------------------------------------
# watermarks, headers, footers, page numbers

_BAND = 0.12  # the top and bottom eighth of a page is where running heads and page numbers live
_SAME_PLACE = 0.006  # of the page height (5 points on A4): a running head does not move
_N = r"(?:\d{1,4}|[一二三四五六七八九十百零〇]{1,4})"
_PAGE_NO = re.compile(rf"^(?:第{_N}页(?:[,，/、]?共{_N}页)?|共{_N}页[,，/、]?第{_N}页|[-—–_~]{_N}[-—–_~]"
                      rf"|\d{{1,4}}/\d{{1,4}}|page\d{{1,4}}(?:(?:of|/)\d{{1,4}})?|\d{{1,4}}of\d{{1,4}}|第{_N}页/共{_N}页)$")
_BARE_NO = re.compile(r"^[(（]?\d{1,4}[)）]?$")


def _squash(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split()).lower()


def _shape(s: str) -> str:
    """The text of a running head with its numbers blanked, so page 3's and page 4's compare equal."""
    return re.sub(r"\d+|[一二三四五六七八九十百零〇]+", "#", _squash(s))


def _in_band(ln: Line, height: float) -> str | None:
    mid = (ln.top + ln.bottom) / 2
    if mid < _BAND * height:
        return "top"
    if mid > (1 - _BAND) * height:
        return "bottom"
    return None


def _watermarks(pages: list[PageIn], body_size: float) -> list[tuple[str, str, int]]:
    """Take rotated, very large, or light-grey text out of the pages when it is a watermark.

    Rotated text, and large light-grey text, is a watermark at once; other large or light text
    only when the same text comes back on another page. Light text in the header and footer bands
    or inside tables is left to the running-head and table logic.
    """
    runs_by_page = [_mark_runs(p, body_size) for p in pages]
    seen_on: dict[str, set[int]] = {}
    for p, runs in zip(pages, runs_by_page):
        for text, _, _ in runs:
            seen_on.setdefault(_squash(text), set()).add(p.number)
    removed: list[tuple[str, str, int]] = []
    for p, runs in zip(pages, runs_by_page):
        drop: set[int] = set()
        for text, idx, sure in runs:
            if sure or len(seen_on[_squash(text)]) >= 2:
                drop.update(idx)
                if (text, "watermark", p.number) not in removed:
                    removed.append((text, "watermark", p.number))
        if drop:
            p.chars = [c for i, c in enumerate(p.chars) if i not in drop]
    return removed


def _mark_runs(p: PageIn, body_size: float) -> list[tuple[str, list[int], bool]]:
    """Runs of watermark-like characters in drawing order: ``(text, indexes, certain)``."""
    boxes = [(min(b[0] for b in t), min(b[1] for b in t), max(b[2] for b in t), max(b[3] for b in t)) for t in p.tables if t]
    runs: list[tuple[str, list[int], bool]] = []
    cur: list[int] = []
    cur_kind = None

    def close():
        if cur:
            text = "".join(p.chars[j].text for j in cur)
            sure = cur_kind == "rot" or (cur_kind == "big" and all(p.chars[j].light for j in cur))
            runs.append((text, list(cur), sure))
            cur.clear()

    for i, c in enumerate(p.chars):
        if c.text.isspace():
            continue
        kind = None
        if c.rotated:
            kind = "rot"
        elif c.size >= 1.8 * body_size:
            kind = "big"
        elif c.light:
            mid, cx = (c.top + c.bottom) / 2, (c.x0 + c.x1) / 2
            in_table = any(x0 <= cx <= x1 and t0 <= mid <= b0 for x0, t0, x1, b0 in boxes)
            if _BAND * p.height <= mid <= (1 - _BAND) * p.height and not in_table:
                kind = "light"
        if kind != cur_kind:
            close()
        cur_kind = kind
        if kind is not None:
            cur.append(i)
    close()
    return runs


def _running_heads(pages: list[PageIn], lines: list[list[Line]]) -> dict[int, str]:
    """``id(line) → reason`` for running headers, footers and page numbers."""
    n_pages = sum(1 for ls in lines if ls)
    groups: dict[tuple[str, str], list[tuple[Line, float]]] = {}
    cands: list[tuple[Line, str, float]] = []
    for p, ls in zip(pages, lines):
        text_lines = sorted((ln for ln in ls if not ln.table), key=lambda ln: ln.top)
        outer = text_lines[:3] + text_lines[-3:]
        for ln in dict.fromkeys(outer):
            zone = _in_band(ln, p.height)
            if zone is None:
                continue
            rel = ln.top / p.height
            cands.append((ln, zone, rel))
            groups.setdefault((zone, _shape(ln.text)), []).append((ln, rel))
    need = max(2, -(-3 * n_pages // 10))  # on at least 30% of the pages, and twice

    def repeated(zone, ln, rel) -> bool:
        # the same text at the same height (within a few points) on enough other pages
        pages = {m.page for m, r in groups[(zone, _shape(ln.text))] if abs(r - rel) <= _SAME_PLACE}
        return n_pages >= 2 and len(pages) >= need

    out: dict[int, str] = {}
    for ln, zone, rel in cands:
        sq = _squash(ln.text)
        if _PAGE_NO.match(sq):
            out[id(ln)] = "page-number"
        elif _BARE_NO.match(sq):
            if n_pages == 1 or repeated(zone, ln, rel):
                out[id(ln)] = "page-number"
        elif repeated(zone, ln, rel):
            out[id(ln)] = "page-header" if zone == "top" else "page-footer"
    return out


# ---------------------------------------------------------------------------------------------
# paragraphs


def _starts_with_marker(text: str) -> bool:
    from ..normalize import fold
    from ..segment.markers import CIRCLED, CN_DIGITS, DOT_DIGITS, PAREN_CN, PAREN_DIGITS, scan

    global _MARKER_START
    if _MARKER_START is None:
        _MARKER_START = set("第（(附0123456789０１２３４５６７８９" + CN_DIGITS + CIRCLED + PAREN_DIGITS + DOT_DIGITS + PAREN_CN)
    if text[:1] not in _MARKER_START:
        return False
    head = text[:24]
    found = scan(fold(head), head)
    return bool(found) and found[0].start == 0 and found[0].style not in ("annex", "pian") \
        and not found[0].style.startswith(("dash", "en:"))


_MARKER_START: set | None = None


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(q * len(s)))]


class _Joiner:
    """Decides whether a line continues the paragraph of the line before it."""

    def __init__(self, elements: list[Line]):
        by_col: dict[tuple, list[Line]] = {}
        for ln in elements:
            if not ln.table:
                by_col.setdefault(ln.col, []).append(ln)
        self.right = {k: _percentile([ln.x1 for ln in v], 0.9) for k, v in by_col.items()}
        gaps = [b.top - a.bottom for a, b in zip(elements, elements[1:])
                if not a.table and not b.table and a.page == b.page and a.col == b.col
                and 0 <= b.top - a.bottom < 3 * a.size]
        self.gap = median(gaps) if gaps else None

    def joins(self, a: Line, b: Line) -> bool:
        if b.text[0] in _CLOSING:
            return True  # 承担违约责任 / 。: punctuation only ever starts a line by wrapping
        if a.text[-1] in _SENTENCE_END:
            return False
        if self.right[a.col] - a.x1 > b.lead_w + 0.9 * a.size:
            return False  # the next word would have fitted: the line ended by choice
        if _starts_with_marker(b.text):
            return a.text[-1] in _OPENERS  # 依照本合同第 / 五条: a reference, not a new clause
        if self.gap is not None and a.page == b.page and a.col == b.col and b.top - a.bottom > self.gap + 0.6 * a.size:
            return False
        if _FIELD.match(b.text) and _FIELD.match(a.text):
            return False
        return True


def layout(pages: list[PageIn]) -> Laid:
    """Reading-order text of ``pages``; running heads, page numbers and watermarks go to ``removed``."""
    sizes = [c.size for p in pages for c in p.chars[:2000] if not c.text.isspace()]
    body_size = median(sizes) if sizes else 10.0
    removed = _watermarks(pages, body_size)
    per_page = [_page_elements(p, [c for c in p.chars if c.x1 >= 0 and c.x0 <= p.width and c.bottom >= 0
                                   and c.top <= p.height], body_size) for p in pages]
    heads = _running_heads(pages, per_page)
    elements: list[Line] = []
    for ls in per_page:
        for ln in ls:
            reason = heads.get(id(ln))
            if reason:
                removed.append((ln.text.strip(), reason, ln.page))
            elif ln.text.strip():
                elements.append(ln)
    removed.sort(key=lambda r: r[2])
    joiner = _Joiner(elements)
    parts: list[str] = []
    starts: list[tuple[int, int]] = []
    pos = 0
    prev = None
    for el in elements:
        text = el.text.strip() if not el.table else el.text
        if prev is not None:
            if el.table or prev.table or not joiner.joins(prev, el):
                sep = "\n"
            else:
                a, b = parts[-1][-1:], text[:1]
                sep = " " if a.isascii() and a not in " \t" and b.isascii() and b.isalnum() else ""
            parts.append(sep)
            pos += len(sep)
        if not starts or starts[-1][1] != el.page:
            starts.append((pos, el.page))
        parts.append(text)
        pos += len(text)
        prev = el
    return Laid("".join(parts), removed, starts)
