"""HTML (.html, .htm) and Markdown (.md, .markdown) contracts: the text as a reader sees it.

HTML: tags go, block elements (p, div, li, h1–h6, table rows …) and ``<br>`` end lines, table
cells are separated by tabs, entities are decoded, and runs of white space collapse as a browser
collapses them. Numbered lists (``<ol>``) show their numbers, as a browser does, unless the item
already starts with its own number. What a reader never sees — scripts, styles, the page
title, ``<nav>``, ``<footer>``, ``<aside>``, ``<noscript>``, ``<template>``, hidden elements (a
``hidden`` attribute or ``display: none``; not on p, li or table parts, whose end tag may be left
out) — is listed in ``Loaded.removed`` with reason ``html-<tag>`` (``html-hidden``), not dropped
silently. The encoding comes from a byte-order mark, else ``<meta charset>`` (or the http-equiv
Content-Type, or an XML declaration) unless the bytes are valid UTF-8 and it names another, else
is detected like a text file's.

Markdown: heading hashes, emphasis markers, link syntax, bullets, block-quote marks and code
fences go; numbered list markers ("1.", "2)") stay, since in a contract they are clause numbers;
lines stay lines. HTML inside the Markdown is read as above.

>>> from clause_parser.loaders.markup import html_text, markdown_text
>>> html_text("<h2>第一条 保密</h2><p>乙方应&nbsp;保密。<script>track()</script></p>")[0]
'第一条 保密\\n乙方应\\xa0保密。'
>>> markdown_text("## 第一条 **保密**\\n- 乙方不得泄露 [商业秘密](https://example.com)。\\n1. 第一项")[0]
'第一条 保密\\n乙方不得泄露 商业秘密。\\n1. 第一项'
"""
from __future__ import annotations

import codecs
import html
import re
from html.parser import HTMLParser

from ..errors import DecodingError, TooLarge, UnsupportedFormat
from ..model import Removed
from . import Loaded, register_loader
from .text import decode

# ---------------------------------------------------------------- HTML

_BLOCK = frozenset("""address article blockquote body caption center dd details dialog dir div dl dt fieldset
figcaption figure form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu ol p pre section summary
table tbody tfoot thead tr ul""".split())
# Content a reader of the page never sees as text: its own reason in ``removed``.
_CHROME = frozenset("script style title nav footer aside noscript template".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Elements whose end tag may be left out: dropping a hidden one could swallow what follows it.
_OPTIONAL_END = frozenset("p li dt dd tr td th thead tbody tfoot option optgroup colgroup caption rb rt rp".split())
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_NO_MARKER_STYLE = re.compile(r"list-style(-type)?\s*:\s*none", re.I)
_WS = re.compile(r"[ \t\n\r\f]+")
_CELL = "\x00"  # stands for a cell separator until white space is collapsed
# An item that already carries its clause number: a browser list marker would only repeat it.
_OWN_NUMBER = re.compile(r"\s*(第[\d一二三四五六七八九十百千零〇两]+[编章节条款项]|[(（]?[\d一二三四五六七八九十]+[)）.．、]|[①-⑳⑴-⒇⒈-⒛])")


def _collapse(text: str) -> str:
    """White space as browsers render it: a run, line breaks included, is one space.

    CSS Text 3 drops a line break between two Chinese characters, but Chromium does not, and
    writers such as LibreOffice wrap long lines at the spaces ("第四条\n项目名称"): dropping it would
    glue a clause number to its heading.
    """
    return _WS.sub(" ", text)


def _list_number(n: int, kind: str) -> str:
    if kind in ("a", "A") and n >= 1:
        s = ""
        while n > 0:
            n, r = divmod(n - 1, 26)
            s = chr(ord("a") + r) + s
        return s.upper() if kind == "A" else s
    if kind in ("i", "I") and 0 < n < 4000:
        out = ""
        for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
                               (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            while n >= value:
                out, n = out + letters, n - value
        return out.upper() if kind == "I" else out
    return str(n)


class _HTMLText(HTMLParser):
    """Collects lines of visible text; a line break is owed at a block boundary and paid before the next text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.cur: list[tuple[str, bool]] = []  # (text, preformatted)
        self.cur_has_text = False  # whether ``cur`` holds more than white space and cell separators
        self.owed = False
        self.pre = 0
        self.removed: list[Removed] = []
        self.drop: tuple[str, str, int] | None = None  # (tag, reason, nesting depth)
        self.drop_text: list[str] = []
        self.lists: list[list] = []  # [ordered, next number, type, markers shown]
        self.marker: str | None = None  # an <ol> number waiting for its item's first text
        self.cells: list[int] = []  # cells seen in the current row, one entry per open table
        self.cell_fresh = False  # in a cell with no text yet: its paragraphs start no new line

    # -- output
    def _flush(self) -> None:
        line = "".join(t if pre else _collapse(t) for t, pre in self.cur)
        line = re.sub(rf" *{_CELL} *", "\t", line)
        if self.cur and not self.cur[0][1]:
            line = line.lstrip(" ")
        if self.cur and not self.cur[-1][1]:
            line = line.rstrip(" ")
        self.lines.append(line)
        self.cur, self.cur_has_text = [], False

    def _block(self) -> None:
        if not self.cell_fresh:
            self.owed = True

    def _text(self, data: str, pre: bool) -> None:
        if not pre and not data.strip(" \t\n\r\f"):
            if self.cur:
                self.cur.append((data, False))
            return
        if self.owed and self.cur_has_text:
            self._flush()
        self.owed = self.cell_fresh = False
        self.cur_has_text = True
        if self.marker is not None:
            if not _OWN_NUMBER.match(data):
                self.cur.append((self.marker + " ", True))
                data = data.lstrip(" \t\n\r\f")
            self.marker = None
        self.cur.append((data, pre))

    # -- parser callbacks
    def handle_starttag(self, tag, attrs):
        if self.drop is not None:
            if tag == self.drop[0]:
                self.drop = (self.drop[0], self.drop[1], self.drop[2] + 1)
            return
        attrs = dict(attrs)
        if tag in _CHROME:
            self.drop, self.drop_text = (tag, f"html-{tag}", 1), []
            return
        if tag not in _VOID and tag not in _OPTIONAL_END and (
                "hidden" in attrs or _HIDDEN_STYLE.search(attrs.get("style") or "")):
            self.drop, self.drop_text = (tag, "html-hidden", 1), []
            return
        if tag == "br":
            self.owed = False
            self._flush()
        elif tag in ("td", "th"):
            if self.cells:
                if self.cells[-1] > 0:
                    self.owed = False
                    self.cur.append((_CELL, False))
                self.cells[-1] += 1
            self.cell_fresh = True
        elif tag in ("table", "tr"):
            # A row starts a line now, not at its first text: its first cells may be empty.
            if self.cur_has_text:
                self._flush()
            self.cur, self.cur_has_text, self.owed, self.cell_fresh = [], False, False, False
            if tag == "table":
                self.cells.append(0)
            elif self.cells:
                self.cells[-1] = 0
        elif tag in _BLOCK:
            if tag == "pre":
                self.pre += 1
            elif tag in ("ol", "ul"):
                start = attrs.get("start")
                self.lists.append([tag == "ol", int(start) if start and start.lstrip("-").isdigit() else 1,
                                   attrs.get("type") or "1", not _NO_MARKER_STYLE.search(attrs.get("style") or "")])
            elif tag == "li" and self.lists and self.lists[-1][0]:
                lst = self.lists[-1]
                value = attrs.get("value")
                if value and value.lstrip("-").isdigit():
                    lst[1] = int(value)
                if lst[3] and not _NO_MARKER_STYLE.search(attrs.get("style") or ""):
                    self.marker = _list_number(lst[1], attrs.get("type") or lst[2]) + "."
                lst[1] += 1

    def handle_endtag(self, tag):
        if self.drop is not None:
            if tag == self.drop[0]:
                depth = self.drop[2] - 1
                if depth:
                    self.drop = (self.drop[0], self.drop[1], depth)
                    return
                text = _collapse("".join(self.drop_text)).strip()
                if text:
                    self.removed.append(Removed(span=None, text=text, reason=self.drop[1]))
                self.drop = None
            return
        if tag in _BLOCK:
            if tag in ("table", "tr"):
                self.cell_fresh = False
            self._block()
            if tag == "table" and self.cells:
                self.cells.pop()
            elif tag == "pre" and self.pre:
                self.pre -= 1
            elif tag in ("ol", "ul") and self.lists:
                self.lists.pop()
            if tag == "li":
                self.marker = None

    def handle_data(self, data):
        if self.drop is not None:
            self.drop_text.append(data)
            return
        if self.pre:
            # Inside <pre> every line break is a real one.
            lines = data.split("\n")
            for k, piece in enumerate(lines):
                if k:
                    self.owed = False
                    self._flush()
                if piece:
                    self._text(piece, True)
        else:
            self._text(data, False)

    def close(self):
        super().close()
        if self.drop is not None:  # an unclosed <script> or <nav>: its text is still accounted for
            self.drop = (self.drop[0], self.drop[1], 1)
            self.handle_endtag(self.drop[0])
        if self.cur:
            self._flush()


def html_text(markup: str) -> tuple[str, list[Removed]]:
    """The visible text of an HTML document and what was taken out (see the module docstring)."""
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    # Block boundaries give no blank lines of their own; <br><br> does, but never at the edges.
    return "\n".join(parser.lines).strip("\n"), parser.removed


_DECLARED = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)|<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
# Labels as browsers read them: a page "in GB2312" is GBK/GB18030 in practice, "Big5" is Big5-HKSCS.
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030",
            "chinese": "gb18030", "iso-ir-58": "gb18030", "big5": "big5hkscs", "x-x-big5": "big5hkscs",
            "cn-big5": "big5hkscs", "csbig5": "big5hkscs"}
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def declared_charset(data: bytes) -> str | None:
    """The Python codec a page declares in its first 4 KiB (``<meta charset>``, http-equiv, XML declaration)."""
    m = _DECLARED.search(data[:4096])
    if m is None:
        return None
    label = (m.group(1) or m.group(2)).decode("ascii").lower()
    if label.startswith("utf-16"):
        return None  # an ASCII-compatible page that says UTF-16 is wrong about it (browsers read UTF-8)
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode_html(data: bytes, name: str, encoding: str | None) -> tuple[str, str]:
    if encoding is None and not data.startswith(_BOMS):
        declared = declared_charset(data)
        if declared is not None and declared != "utf-8" and not data.isascii() and _is_utf8(data):
            # A page re-saved as UTF-8 that still declares GB2312: legacy text is practically never
            # valid UTF-8, so the bytes tell the truth and the declaration does not.
            declared = None
        if declared is not None:
            try:
                return decode(data, name=name, encoding=declared)
            except DecodingError:
                pass  # the declaration is wrong: detect, as for a text file
    return decode(data, name=name, encoding=encoding)


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


_HTML_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>])",
                         re.I | re.S)


def _sniff_html(head: bytes) -> bool:
    return _HTML_START.match(head[:2048]) is not None


@register_loader("html", extensions=(".html", ".htm", ".xhtml"), sniff=_sniff_html)
def load_html(data: bytes, *, name: str, encoding: str | None = None, **_options) -> Loaded:
    """Load a contract saved as a web page."""
    markup, used = _decode_html(data, name, encoding)
    text, removed = html_text(markup)
    return Loaded(text=text, format="html", encoding=used, removed=removed)


# ---------------------------------------------------------------- Markdown

class _Markdown:
    """Renders markdown-it's token stream as plain lines; blank lines between blocks stay where they were."""

    def __init__(self, source: str):
        self.source_lines = source.split("\n")
        self.chunks: list[str] = []
        self.removed: list[Removed] = []
        self.last_line: int | None = None  # the source line after the last block written
        self.prefix = ""  # an ordered list marker waiting for its item's first block

    def emit(self, text: str, line_map) -> None:
        if self.prefix:
            text, self.prefix = self.prefix + " " + text if text else self.prefix, ""
        if self.chunks:
            gap = max(0, line_map[0] - self.last_line) if line_map and self.last_line is not None else 0
            self.chunks.append("\n" * (1 + gap))
        self.chunks.append(text)
        if line_map:
            self.last_line = line_map[1]

    def inline(self, token) -> str:
        children = token.children or ()
        if any(child.type == "html_inline" for child in children):
            return self._inline_html(children)
        out = []
        for child in children:
            if child.type in ("text", "code_inline", "text_special"):
                out.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                out.append("\n")
            # Emphasis, link and image markup: a reader sees the text, not the syntax (nor an image's alt text).
        return "".join(out)

    def _inline_html(self, children) -> str:
        """A line with HTML tags in it (<br>, <span>, <script> …) is read as the HTML it renders to."""
        out = []
        for child in children:
            if child.type in ("text", "code_inline", "text_special"):
                out.append(html.escape(child.content, quote=False))
            elif child.type in ("softbreak", "hardbreak"):
                out.append("<br>")
            elif child.type == "html_inline":
                out.append(child.content)
        text, removed = html_text("".join(out))
        self.removed.extend(removed)
        return text

    def render(self, tokens) -> None:
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            kind = tok.type
            if kind in ("paragraph_open", "heading_open"):
                self.emit(self.inline(tokens[i + 1]), tok.map)
                i += 3
                continue
            if kind == "list_item_open":
                self._flush_prefix()
                if tok.markup in (".", ")"):
                    self.prefix = tok.info + tok.markup
            elif kind == "list_item_close":
                self._flush_prefix()
            elif kind in ("fence", "code_block"):
                self.emit(tok.content.rstrip("\n"), tok.map)
            elif kind == "hr":
                # As written: "____" on a line of its own is often a signature blank.
                self.emit(self.source_lines[tok.map[0]].strip(), tok.map)
            elif kind == "html_block":
                text, removed = html_text(tok.content)
                self.removed.extend(removed)
                if text.strip():
                    self.emit(text, tok.map)
                elif self.last_line is not None:
                    self.last_line = tok.map[1]  # nothing to see: no blank lines for it either
            elif kind == "table_open":
                i = self._table(tokens, i)
                continue
            i += 1

    def _flush_prefix(self) -> None:
        if self.prefix:  # an empty numbered item: its number is still text
            prefix, self.prefix = self.prefix, ""
            self.emit(prefix, None)

    def _table(self, tokens, i: int) -> int:
        """Rows as lines, cells split by tabs (as the .docx loader writes tables); the delimiter row is no line."""
        table_map, row, first = tokens[i].map, [], True
        while tokens[i].type != "table_close":
            tok = tokens[i]
            if tok.type == "tr_open":
                row = []
            elif tok.type == "inline":
                row.append(self.inline(tok))
            elif tok.type == "tr_close":
                self.emit("\t".join(row), table_map if first else None)
                first = False
            i += 1
        return i + 1


# CommonMark does not close "**甲方：**星河公司" (a delimiter between CJK punctuation and a letter is
# not "flanking"), which leaves the asterisks in Chinese text. A marker character between the run
# and the punctuation makes it flank as it does in Western text; it is taken out again afterwards.
_JOINER = "\ufdd0"  # a Unicode noncharacter: never in real text
_CJK_PUNCT = "[\u2014\u2018-\u201f\u2026\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
_RUN_AFTER_PUNCT = re.compile(rf"(?<={_CJK_PUNCT})(\*+)(?=[^\s*])")
_RUN_BEFORE_PUNCT = re.compile(rf"(?<=[^\s*])(\*+)(?={_CJK_PUNCT})")


# Three or more underscores are a blank to fill in ("甲方：________；"), never emphasis in a contract;
# CommonMark would pair two such runs and swallow both. They stand in as another noncharacter.
_BLANK_RUN = re.compile(r"_{3,}")
_BLANK = "\ufdd1"


def markdown_text(source: str, *, name: str | None = None) -> tuple[str, list[Removed]]:
    """The text a reader of the rendered Markdown sees, and what was taken out (see the module docstring)."""
    try:
        from markdown_it import MarkdownIt
    except ImportError:
        raise UnsupportedFormat(name, "reading Markdown needs the markdown-it-py package",
                                "pip install markdown-it-py, or save the file as .txt") from None
    # markdown-it drops text nested deeper than maxNesting (20): a deep quote must not vanish
    md = MarkdownIt("commonmark", {"html": True, "maxNesting": 500}).enable(["table", "strikethrough"])
    source = source.replace(_JOINER, "").replace(_BLANK, "")
    source = _BLANK_RUN.sub(lambda m: _BLANK * len(m.group()), source)
    source = _RUN_BEFORE_PUNCT.sub(lambda m: m.group(1) + _JOINER, _RUN_AFTER_PUNCT.sub(lambda m: _JOINER + m.group(1), source))
    out = _Markdown(source)
    try:
        out.render(md.parse(source))
    except RecursionError:
        raise TooLarge(name, "the Markdown is nested too deeply to read", "flatten its quotes and lists, or save it as .txt") from None
    out._flush_prefix()

    def restore(text: str) -> str:
        return text.replace(_JOINER, "").replace(_BLANK, "_")

    return restore("".join(out.chunks)), [Removed(span=None, text=restore(r.text), reason=r.reason) for r in out.removed]


# A page exported from Notion or a wiki is often saved as .txt: its headings ("## 第三条 保密") and
# emphasis would hide the numbering from the segmenter. Several ATX headings and several other marks
# of Markdown (bullets, quotes, tables, rules, **bold**) together are not found in a plain contract.
_MD_HEADING = re.compile(rb"^#{1,6}[ \t]+\S", re.M)
_MD_MARK = re.compile(rb"^(?:[-*+][ \t]+\S|>[ \t]?\S|\|.*\|[ \t]*\r?$|(?:-{3,}|\*{3,})[ \t]*\r?$)|\*\*\S", re.M)
MD_SNIFF_MIN = 3


def _sniff_markdown(head: bytes) -> bool:
    head = head[:65536]
    return (len(_MD_HEADING.findall(head)) >= MD_SNIFF_MIN and len(_MD_MARK.findall(head)) >= MD_SNIFF_MIN
            and not _sniff_html(head))


@register_loader("md", extensions=(".md", ".markdown"), sniff=_sniff_markdown)
def load_markdown(data: bytes, *, name: str, encoding: str | None = None, **_options) -> Loaded:
    """Load a contract written in Markdown."""
    source, used = decode(data, name=name, encoding=encoding)
    text, removed = markdown_text(source, name=name)
    return Loaded(text=text, format="md", encoding=used, removed=removed)
