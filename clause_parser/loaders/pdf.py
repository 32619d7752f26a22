"""PDF contracts: the text in reading order, without running heads, page numbers and watermarks.

Two backends read the characters and their boxes, and ``pdf_layout`` does the rest for both:

- ``pdf_backend="pdfplumber"`` (default): pdfminer's characters, pdfplumber's table finder.
- ``pdf_backend="pdfium"``: pypdfium2's text page; several times faster on long contracts.

>>> import clause_parser
>>> r = clause_parser.parse("contract.pdf", pdf_backend="pdfium")        # doctest: +SKIP
>>> [(c.number, c.page) for c in r.clauses][:2]                           # doctest: +SKIP
[(None, 1), ('第一条', 1)]
>>> [(x.reason, x.page, x.text) for x in r.removed][:1]                   # doctest: +SKIP
[('page-number', 1, '第 1 页 共 3 页')]

``password=`` opens encrypted files. A PDF of more than ``max_pages`` pages (the default is in
``clause_parser.limits``) raises ``TooLarge`` before any page is read, a scanned PDF without a
text layer ``NoTextLayer``, a locked one ``EncryptedDocument``, a broken one ``CorruptDocument``;
the libraries' own exceptions never reach the caller.
"""
from __future__ import annotations

import io
import itertools
import logging
import math
import re

from ..errors import ClauseParserError, CorruptDocument, EncryptedDocument, NoTextLayer, OptionError
from ..limits import Limits
from ..model import Removed
from . import Loaded, register_loader
from .pdf_layout import Char, PageIn, dedupe, has_doubles, layout

# pdfminer reports what it repairs in a broken file with logging.warning; with no handler configured
# Python prints those to stderr, lines around our one-line error. A NullHandler keeps them from
# there; an application that configures logging still receives them (they propagate as before).
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

BACKENDS = ("pdfplumber", "pdfium")
_UNMAPPED_SHARE = 0.2  # above this share of glyphs without Unicode, pdfminer's reading is useless


def _sniff(head: bytes) -> bool:
    # Readers accept the header anywhere in the first KiB (some writers put a BOM or junk first).
    return head.find(b"%PDF-", 0, 1024) >= 0


@register_loader("pdf", extensions=(".pdf",), sniff=_sniff)
def load_pdf(data: bytes, *, name: str, pdf_backend: str | None = None, password: str | None = None,
             **_options) -> Loaded:
    """Load a PDF contract; see the module docstring for the options."""
    backend = pdf_backend or "pdfplumber"
    if backend not in BACKENDS:
        raise OptionError(name, f"unknown pdf_backend {pdf_backend!r}", f"use one of {', '.join(BACKENDS)}")
    if not _sniff(data[:1024]):
        raise CorruptDocument(name, "not a PDF (no %PDF- header)", "check the file, or pass the right format")
    limits = Limits.from_options(_options, name)
    try:
        if backend == "pdfium":
            pages = _pdfium_pages(data, name, password, limits)
        else:
            pages = _plumber_pages(data, name, password, limits)
            if _unmapped_share(pages) > _UNMAPPED_SHARE:
                # pdfminer could not map this font's glyphs to Unicode (it prints "(cid:123)");
                # pdfium knows more CID encodings, and a reading beats a page of codes.
                other = _pdfium_pages(data, name, password, limits)
                if _unmapped_share(other) < _unmapped_share(pages):
                    pages = other
    except ClauseParserError:
        raise
    except Exception as e:  # noqa: BLE001 - the libraries raise anything on a broken file
        if _raised_here(e):
            raise  # a bug of ours is not the file's fault
        raise CorruptDocument(name, f"cannot read the PDF ({_short(e)})", "check the file; re-save or repair it, e.g. with qpdf") from None
    laid = layout(pages)
    ink = len("".join(laid.text.split()))
    if ink < 2 * max(len(pages), 1):  # nothing, or a stray page number per page: a scan
        raise NoTextLayer(name, "no text layer (a scanned PDF?)", "OCR it first, e.g. with ocrmypdf")
    if _unmapped_share(pages) > 0.5:
        raise NoTextLayer(name, "the text layer's fonts do not map their glyphs to characters",
                          "OCR it first, e.g. with ocrmypdf --force-ocr")
    removed = [Removed(span=None, text=text, reason=reason, page=page) for text, reason, page in laid.removed]
    return Loaded(text=laid.text, format="pdf", encoding=None, removed=removed, pages=laid.pages)


def _raised_here(e: BaseException) -> bool:
    """True when the innermost frame of ``e`` is this package's code rather than a PDF library's."""
    import os

    tb = e.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename).startswith(here + os.sep)


def _short(e: Exception) -> str:
    msg = " ".join(str(e).split()) or type(e).__name__
    return msg[:120]


def _unmapped_share(pages: list[PageIn]) -> float:
    total = bad = 0
    for p in pages:
        for c in p.chars:
            if c.text.isspace():
                continue
            total += 1
            bad += c.text.startswith("(cid:") or c.text in ("\ufffd", "\ufffe", "\x00")
    return bad / total if total else 0.0


def _locked(name: str, password: str | None) -> EncryptedDocument:
    if password:
        return EncryptedDocument(name, "the password does not open this encrypted PDF", "check password=… or --password")
    return EncryptedDocument(name, "the PDF is encrypted", "pass password=… or --password")


# ---------------------------------------------------------------------------------------------
# pdfplumber


def _plumber_pages(data: bytes, name: str, password: str | None, limits: Limits,
                   only: set[int] | None = None) -> list[PageIn]:
    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    try:
        pdf = pdfplumber.open(io.BytesIO(data), password=password or "")
    except Exception as e:  # noqa: BLE001 - PdfminerException wraps whatever pdfminer raised
        cause = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if "Password" in type(cause).__name__ or "Encrypt" in type(cause).__name__:
            raise _locked(name, password) from None
        raise CorruptDocument(name, f"cannot read the PDF ({_short(cause)})", "check the file; re-save or repair it, e.g. with qpdf") from None
    pages = []
    with pdf:
        # pdf.pages builds every page at once: count the page tree's leaves first, no further than the limit
        limit = min(limits.max_pages, 1 << 62)
        limits.check_pages(sum(1 for _ in itertools.islice(PDFPage.create_pages(pdf.doc), int(limit) + 1)), name)
        for number, page in enumerate(pdf.pages, 1):
            if only is not None and number not in only:
                continue
            chars = [_plumber_char(c) for c in page.chars]
            if has_doubles(chars):  # dedupe_chars doubles the extraction time: only where needed
                chars = [_plumber_char(c) for c in page.dedupe_chars().chars]
            tables = []
            if _may_hold_table(page.edges):
                tables = [list(t.cells) for t in page.find_tables()]
            pages.append(PageIn(number, float(page.width), float(page.height), chars, tables))
            page.close()
    return pages


def _may_hold_table(edges) -> bool:
    h = sum(1 for e in edges if e["orientation"] == "h")
    v = len(edges) - h
    return h >= 2 and v >= 2 and h + v >= 5


def _plumber_char(c: dict) -> Char:
    m = c.get("matrix") or (1, 0, 0, 1, 0, 0)
    rotated = not c.get("upright", True) or abs(m[1]) > 0.1 * abs(m[0]) or m[0] < 0
    return Char(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c["size"], rotated, _light(c.get("non_stroking_color")))


def _light(color) -> bool:
    """Light grey fill (watermark ink); white is not: white text sits on dark table headers."""
    if color is None or isinstance(color, str):
        return False
    if isinstance(color, (int, float)):
        color = (color,)
    try:
        v = [float(x) for x in color]
    except (TypeError, ValueError):
        return False
    if len(v) == 1:
        return 0.6 <= v[0] <= 0.95
    if len(v) == 3:
        return 0.6 <= min(v) and max(v) <= 0.95 and max(v) - min(v) <= 0.15
    if len(v) == 4:
        return max(v[:3]) <= 0.1 and 0.05 <= v[3] <= 0.4
    return False


# ---------------------------------------------------------------------------------------------
# pypdfium2


def _pdfium_pages(data: bytes, name: str, password: str | None, limits: Limits) -> list[PageIn]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data, password=password)
    except pdfium.PdfiumError as e:
        if getattr(e, "err_code", None) in (4, 5):  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
            raise _locked(name, password) from None
        raise CorruptDocument(name, f"cannot read the PDF ({_short(e)})", "check the file; re-save or repair it, e.g. with qpdf") from None
    try:
        limits.check_pages(len(pdf), name)
        read = [_pdfium_page(pdf, i) for i in range(len(pdf))]
    finally:
        pdf.close()
    pages = [page for page, _ in read]
    missed = {page.number for page, complete in read if not complete}
    if missed:
        # pdfium skips text objects it cannot measure (a lone glyph of a font that is neither
        # embedded nor installed); pdfminer reads those pages without measuring glyphs, unless
        # it cannot map that font to Unicode at all.
        again = {p.number: p for p in _plumber_pages(data, name, password, limits, only=missed)}
        pages = [again[p.number] if p.number in again and _unmapped_share([again[p.number]]) <= _unmapped_share([p])
                 else p for p in pages]
    return pages


def _pdfium_page(pdf, index: int) -> tuple[PageIn, bool]:
    """The page's text runs and tables, and whether pdfium's text page holds every text object."""
    page = pdf[index]
    try:
        left, bottom, right, top = page.get_mediabox()
        tp = page.get_textpage()
        try:
            edges, complete = _pdfium_objects(page, tp, left, top)
            tables = _tables_from_edges(edges)
            # Tables need each glyph's own box to put it in its cell; elsewhere runs will do.
            chars = _pdfium_chars(tp, left, top, per_glyph=bool(tables))
        finally:
            tp.close()
        if has_doubles(chars):
            chars = dedupe(chars)
        return PageIn(index + 1, right - left, top - bottom, chars, tables), complete
    finally:
        page.close()


def _pdfium_chars(tp, left: float, top: float, per_glyph: bool) -> list[Char]:
    """The text page as runs of glyphs: pdfium's lines cut at the spaces it inserted for gaps.

    A run is measured by its first and last glyph (two calls instead of one per glyph, which is
    most of pdfium's speed-up); a run whose ends do not line up is measured glyph by glyph.
    """
    import ctypes

    import pypdfium2.raw as raw

    n = tp.count_chars()
    text = tp.get_text_range(0, n) if n else ""
    h = tp.raw
    if len(text) != n:  # characters outside the BMP: one call per character instead
        text = "".join(chr(raw.FPDFText_GetUnicode(h, i)) for i in range(n))
    rect = raw.FS_RECTF()
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    get_box, generated = raw.FPDFText_GetLooseCharBox, raw.FPDFText_IsGenerated

    def box(i):
        get_box(h, i, rect)
        return rect.left - left, top - rect.top, rect.right - left, top - rect.bottom

    def paint(i):
        angle = raw.FPDFText_GetCharAngle(h, i)
        raw.FPDFText_GetFillColor(h, i, r, g, b, a)
        lo, hi = min(r.value, g.value, b.value), max(r.value, g.value, b.value)
        light = 0 < a.value < 128 or (153 <= lo and hi <= 242 and hi - lo <= 38)
        return angle > 0.02 and abs(angle - 2 * math.pi) > 0.02, light

    # pdfium's own line breaks and the spaces it guessed for gaps end a run: the layout decides those
    out: list[Char] = []
    for seg in _SEGMENT.finditer(text):
        cuts = [seg.start()]
        for sp in _SPACE.finditer(text, seg.start(), seg.end()):
            if generated(h, sp.start()):
                cuts.extend((sp.start(), sp.end()))
        cuts.append(seg.end())
        for i, j in zip(cuts[::2], cuts[1::2]):
            if i >= j:
                continue
            if per_glyph:
                for k in range(i, j):
                    _add_run(out, text, k, k + 1, box, paint)
            else:
                _add_run(out, text, i, j, box, paint)
    return out


_SEGMENT = re.compile(r"[^\r\n\x00\ufffe]+")
_SPACE = re.compile(r"\s")


def _add_run(out: list[Char], text: str, i: int, j: int, box, paint) -> None:
    """Glyphs ``i:j`` as one run, measured by its ends; glyph by glyph if the ends do not line up."""
    x0, t0, x1, b0 = box(i)
    size = b0 - t0
    rotated, light = paint(i)
    if j - i > 1:
        lx0, lt, lx1, lb = box(j - 1)
        if abs(lt - t0) > size / 2 or lx1 < x0 or lx1 - x0 > (j - i) * size * 1.2 + size:
            for k in range(i, j):  # the run goes back or jumps: glyph by glyph
                gx0, gt, gx1, gb = box(k)
                out.append(Char(text[k], gx0, gt, gx1, gb, gb - gt, rotated, light))
            return
        x1, b0, t0 = max(x1, lx1), max(b0, lb), min(t0, lt)
    out.append(Char(text[i:j], x0, t0, x1, b0, size, rotated, light))


def _tables_from_edges(edges: list[dict]) -> list[list[tuple]]:
    """Ruled tables from straight path segments, cut into cells by pdfplumber's table finder."""
    if not _may_hold_table(edges):
        return []
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
    from pdfplumber.utils import filter_edges

    # the settings of pdfplumber's default "lines" strategy, so both backends find the same tables
    edges = merge_edges(filter_edges(edges, min_length=1), snap_x_tolerance=3, snap_y_tolerance=3,
                        join_x_tolerance=3, join_y_tolerance=3)
    edges = filter_edges(edges, min_length=3)
    cells = intersections_to_cells(edges_to_intersections(edges, 3, 3))
    return [list(t) for t in cells_to_tables(cells)]


def _pdfium_objects(page, tp, left: float, top: float) -> tuple[list[dict], bool]:
    """Straight path segments as edges, and whether the text page holds every text object's text."""
    import ctypes

    import pypdfium2.raw as raw

    edges: list[dict] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    m = raw.FS_MATRIX()
    complete = True
    stack = [(raw.FPDFPage_GetObject(page.raw, k), True) for k in range(raw.FPDFPage_CountObjects(page.raw))]
    while stack:
        obj, top_level = stack.pop()
        kind = raw.FPDFPageObj_GetType(obj)
        if kind == raw.FPDF_PAGEOBJ_TEXT:
            if complete and raw.FPDFTextObj_GetText(obj, tp.raw, None, 0) <= 2:  # 2 bytes: an empty UTF-16 string
                complete = False
            continue
        if kind == raw.FPDF_PAGEOBJ_FORM:
            stack.extend((raw.FPDFFormObj_GetObject(obj, k), False) for k in range(raw.FPDFFormObj_CountObjects(obj)))
            continue
        if kind != raw.FPDF_PAGEOBJ_PATH or not top_level or not raw.FPDFPageObj_GetMatrix(obj, m):
            continue
        start = prev = None
        for s in range(raw.FPDFPath_CountSegments(obj)):
            seg = raw.FPDFPath_GetPathSegment(obj, s)
            if not raw.FPDFPathSegment_GetPoint(seg, x, y):
                continue
            pt = (m.a * x.value + m.c * y.value + m.e - left, top - (m.b * x.value + m.d * y.value + m.f))
            seg_kind = raw.FPDFPathSegment_GetType(seg)
            if seg_kind == raw.FPDF_SEGMENT_MOVETO:
                start = prev = pt
                continue
            if seg_kind == raw.FPDF_SEGMENT_LINETO and prev is not None:
                _add_edge(edges, prev, pt)
            prev = pt
            if raw.FPDFPathSegment_GetClose(seg) and start is not None:
                _add_edge(edges, prev, start)
                prev = start
    return edges, complete


def _add_edge(edges: list[dict], p: tuple, q: tuple) -> None:
    (x0, y0), (x1, y1) = p, q
    if abs(y0 - y1) < 1 and abs(x0 - x1) >= 1:
        a, b = sorted((x0, x1))
        edges.append({"x0": a, "x1": b, "top": y0, "bottom": y0, "width": b - a, "height": 0, "orientation": "h",
                      "object_type": "line"})
    elif abs(x0 - x1) < 1 and abs(y0 - y1) >= 1:
        a, b = sorted((y0, y1))
        edges.append({"x0": x0, "x1": x0, "top": a, "bottom": b, "width": 0, "height": b - a, "orientation": "v",
                      "object_type": "line"})
