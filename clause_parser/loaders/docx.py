"""Word documents (.docx, .docm, .dotx): the body text in reading order, as a reader sees it.

Paragraphs and tables come in document order (a table row by row, its cells separated by tabs),
content controls and tracked insertions are text, tracked deletions are not. Word's automatic
list numbers ("第一条", "1.1" …), which are not in the paragraph text, are rendered in front of
their paragraphs (see ``docx_numbering``). Page headers, footers, footnotes, endnotes and comments
are listed in ``Loaded.removed``; they are not body text.

Hostile files: the ZIP's entry count and unpacked size are checked against ``Limits``
(``max_entries``, ``max_unpacked``) from its directory before anything is inflated, and again
while every entry is inflated in small steps, so a zip bomb is refused with ``TooLarge`` at the
cost of one read of the compressed bytes. The XML is parsed by lxml without entity expansion,
DTD loading or network access (python-docx's parser: ``resolve_entities=False``, lxml's default
``no_network=True``; ours the same), and without ``huge_tree`` (nesting over 256 levels or a text
node over 10 MB is a broken file).

>>> import clause_parser
>>> result = clause_parser.parse("contract.docx")          # doctest: +SKIP
>>> [r.reason for r in result.removed]                       # doctest: +SKIP
['page-header', 'page-footer']
"""
from __future__ import annotations

import io
import itertools
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from ..errors import CorruptDocument, EncryptedDocument, UnsupportedFormat
from ..limits import Limits
from ..model import Removed
from . import Loaded, register_loader
from .docx_numbering import W_NS, ListNumbering

_W = "{%s}" % W_NS
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_MATH_T = "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"
_WORD_MAIN_TYPES = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_CENTRAL_ENTRY = b"PK\x01\x02"  # the signature of each entry of a ZIP's directory
# Word's encryption wraps the package in an OLE2 compound file with this stream (UTF-16LE name).
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _w(tag: str) -> str:
    return _W + tag


# Inline content that is not text a reader sees: properties, deleted or moved-away revisions,
# field instructions, note and comment reference marks (their text goes to ``removed``), and the
# Fallback copy of content that mc:AlternateContent also holds in its Choice.
_SKIP_INLINE = {_w(t) for t in ("pPr", "rPr", "del", "moveFrom", "sdtPr", "sdtEndPr", "instrText", "delText",
                                "delInstrText", "footnoteReference", "endnoteReference", "commentReference",
                                "annotationRef", "footnoteRef", "endnoteRef", "fldData", "sym")} | {_MC_FALLBACK}


def _sniff(head: bytes) -> bool:
    """A ZIP whose members include ``word/…`` (the head is the file's first bytes, not all of it)."""
    if not head.startswith(b"PK\x03\x04"):
        return False
    # zipfile builds an object per directory entry: a ZIP of millions of entries is not listed here
    # (the loader refuses it), only its first local file headers are read.
    if head.count(_CENTRAL_ENTRY) <= Limits.max_entries:
        try:
            return "word/document.xml" in zipfile.ZipFile(io.BytesIO(head)).namelist()
        except (zipfile.BadZipFile, ValueError, EOFError):
            pass  # the head is only a prefix of the archive: read the local file headers it holds
    for m in itertools.islice(re.finditer(rb"PK\x03\x04", head), 1000):
        start = m.start()
        if start + 30 > len(head):
            break
        name_len = int.from_bytes(head[start + 26:start + 28], "little")
        if head[start + 30:start + 30 + name_len].startswith(b"word/"):
            return True
    return False


@dataclass
class _Piece:
    """Text plus the offsets in it where a new page starts (explicit page breaks)."""

    text: str = ""
    breaks: list[int] = field(default_factory=list)


def _join(pieces: list[_Piece], sep: str) -> _Piece:
    out, breaks, pos = [], [], 0
    for k, piece in enumerate(pieces):
        if k:
            out.append(sep)
            pos += len(sep)
        out.append(piece.text)
        breaks.extend(pos + b for b in piece.breaks)
        pos += len(piece.text)
    return _Piece("".join(out), breaks)


def _on(el, tag: str) -> bool:
    """Whether on/off property ``tag`` of ``el`` is on (present, and not val="0"/"false")."""
    child = el.find(_w(tag)) if el is not None else None
    return child is not None and child.get(_w("val"), "true") not in ("0", "false", "off")


class _ImportedContent(Exception):
    """The body embeds a foreign file (w:altChunk: HTML, RTF …) that only Word merges, when it opens it."""


class _Renderer:
    """Turns WordprocessingML blocks into text; holds the list numbering state of one story."""

    def __init__(self, numbering=None, page_break_styles: frozenset[str] = frozenset()):
        self.numbering = numbering
        self.page_break_styles = page_break_styles

    def blocks(self, parent) -> list[_Piece]:
        """The block-level content of ``parent`` (body, cell, content control …), one piece per line."""
        pieces: list[_Piece] = []
        section_break = False
        for child in parent:
            tag = child.tag
            if tag == _w("p"):
                new = self.paragraph(child)
                if section_break:
                    new[0].breaks.insert(0, 0)
                    section_break = False
                pieces.extend(new)
                sect = child.find(f"{_w('pPr')}/{_w('sectPr')}")
                # A section break other than "continuous" (or "next column") starts a new page.
                section_break = sect is not None and _val(sect, "type") not in ("continuous", "nextColumn")
            elif tag == _w("tbl"):
                table = self.table(child)
                if section_break:
                    table.breaks.insert(0, 0)
                    section_break = False
                if table.text or table.breaks:
                    pieces.append(table)
            elif tag == _w("sdt"):
                pieces.extend(self.blocks(_child(child, "sdtContent")))
            elif tag in (_w("customXml"), _w("ins"), _w("moveTo"), _w("smartTag")):
                pieces.extend(self.blocks(child))
            elif tag == _w("altChunk"):
                raise _ImportedContent()
        return pieces

    def paragraph(self, p) -> list[_Piece]:
        """A paragraph's line, then the paragraphs of any text boxes anchored in it."""
        ppr = p.find(_w("pPr"))
        direct = ppr.find(_w("pageBreakBefore")) if ppr is not None else None
        starts_page = _on(ppr, "pageBreakBefore") if direct is not None else _val(ppr, "pStyle") in self.page_break_styles
        breaks = [0] if starts_page else []
        out = [self.numbering.prefix(p) if self.numbering is not None else ""]
        boxes: list[_Piece] = []
        self._inline(p, out, breaks, boxes)
        return [_Piece("".join(out), breaks), *boxes]

    def _inline(self, el, out: list[str], breaks: list[int], boxes: list[_Piece]) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP_INLINE:
                continue
            if tag == _w("t") or tag == _MATH_T:
                out.append(child.text or "")
            elif tag in (_w("tab"), _w("ptab")):
                out.append("\t")
            elif tag == _w("br"):
                out.append("\n")
                if child.get(_w("type")) == "page":
                    breaks.append(sum(len(s) for s in out))
            elif tag == _w("cr"):
                out.append("\n")
            elif tag == _w("noBreakHyphen"):
                out.append("-")
            elif tag == _w("txbxContent"):
                boxes.extend(self.blocks(child))
            elif tag == _w("r") and _on(child.find(_w("rPr")), "vanish"):
                continue  # hidden text: Word does not show or print it
            else:
                self._inline(child, out, breaks, boxes)

    def table(self, tbl) -> _Piece:
        rows = []
        for tr in _children(tbl, "tr"):
            if tr.find(f"{_w('trPr')}/{_w('del')}") is not None:
                continue  # a row deleted with tracked changes
            cells = []
            for tc in _children(tr, "tc"):
                lines = [piece for piece in self.blocks(tc) if piece.text.strip() or piece.breaks]
                cell = _join(lines, "\n")
                if cell.text.strip() or cell.breaks:
                    cells.append(cell)
            if cells:
                rows.append(_join(cells, "\t"))
        return _join(rows, "\n")


def _val(el, tag: str) -> str | None:
    child = el.find(_w(tag)) if el is not None else None
    return None if child is None else child.get(_w("val"))


def _child(el, tag: str):
    found = el.find(_w(tag))
    return found if found is not None else ()


def _children(el, tag: str):
    """Children ``tag`` of ``el``, also those wrapped in content controls or custom XML."""
    for child in el:
        if child.tag == _w(tag):
            yield child
        elif child.tag == _w("sdt"):
            yield from _children(_child(child, "sdtContent"), tag)
        elif child.tag == _w("customXml"):
            yield from _children(child, tag)


def _root(part):
    """The XML root of an OPC part: python-docx's parsed element, else its bytes parsed safely."""
    element = getattr(part, "element", None)
    if element is not None:
        return element
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(part.blob, parser)


def _related(part, reltype: str) -> list:
    """Parts ``part`` refers to with relationship ``reltype``, each once, in relationship order."""
    seen, out = set(), []
    for rel in part.rels.values():
        if rel.reltype == _RT + reltype and not rel.is_external and rel.target_part.partname not in seen:
            seen.add(rel.target_part.partname)
            out.append(rel.target_part)
    return out


def _page_break_styles(styles) -> frozenset[str]:
    """Paragraph styles that start a new page (pageBreakBefore on the style or one it is based on)."""
    if styles is None:
        return frozenset()
    based_on, breaks = {}, {}
    for s in styles.findall(_w("style")):
        if s.get(_w("type")) == "paragraph":
            sid = s.get(_w("styleId"))
            based_on[sid] = _val(s, "basedOn")
            ppr = s.find(_w("pPr"))
            if ppr is not None and ppr.find(_w("pageBreakBefore")) is not None:
                breaks[sid] = _on(ppr, "pageBreakBefore")
    out = set()
    for sid in based_on:
        cur, seen = sid, set()
        while cur is not None and cur not in seen and cur not in breaks:
            seen.add(cur)
            cur = based_on.get(cur)
        if breaks.get(cur):
            out.add(sid)
    return frozenset(out)


def _notes(part, reason: str, item: str) -> list[Removed]:
    """One Removed per footnote, endnote or comment (Word's separator notes are not notes)."""
    out = []
    for note in _root(part).findall(_w(item)):
        if note.get(_w("type")) in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        text = _join(_Renderer().blocks(note), "\n").text.strip()
        if text:
            out.append(Removed(span=None, text=text, reason=reason))
    return out


def _open(data: bytes, name: str, limits: Limits):
    """The main document part of the package, or CorruptDocument saying what is wrong."""
    from docx.opc.exceptions import PackageNotFoundError
    from docx.package import Package
    from lxml import etree

    hint = "open it in Word and save it again as .docx"
    if not data.startswith(b"PK"):
        if data.startswith(_OLE2_MAGIC) and _ENCRYPTED_PACKAGE in data:
            raise EncryptedDocument(name, "the .docx is password-protected",
                                    "remove the password in Word (File > Info > Protect Document) and save it again")
        raise CorruptDocument(name, "not a .docx file (a .docx is a ZIP archive, this file is not)",
                              "check the file; if it is an old .doc, save it as .docx")
    # Before zipfile builds an object per directory entry: count the entries' signatures (an upper bound).
    limits.check_entries(data.count(_CENTRAL_ENTRY), name)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
            limits.check_entries(len(infos), name)
            limits.check_unpacked(sum(i.file_size for i in infos), name)
            _inflate_within(z, infos, limits, name)
    except (zipfile.BadZipFile, zlib.error, ValueError, EOFError) as e:
        raise CorruptDocument(name, f"not a readable .docx (the ZIP archive is broken or truncated: {_one_line(e)})",
                              hint) from None
    except (NotImplementedError, RuntimeError) as e:  # an entry packed with an unknown method, or ZIP-encrypted
        raise CorruptDocument(name, f"not a readable .docx ({_one_line(e)})", hint) from None
    try:
        part = Package.open(io.BytesIO(data)).main_document_part
    except KeyError as e:
        raise CorruptDocument(name, f"not a readable .docx, a part is missing ({e.args[0] if e.args else e})",
                              hint) from None
    except etree.XMLSyntaxError as e:
        raise CorruptDocument(name, f"broken XML inside the .docx ({_one_line(e)})", hint) from None
    except (PackageNotFoundError, zipfile.BadZipFile, ValueError, EOFError, OSError) as e:
        raise CorruptDocument(name, f"not a readable .docx ({_one_line(e)})", hint) from None
    except (AttributeError, TypeError, IndexError) as e:
        # python-docx walks [Content_Types].xml and the .rels by their expected elements; a part
        # whose root is some other element ends in one of these, inside python-docx.
        raise CorruptDocument(name, "not a readable .docx ([Content_Types].xml or a relationships part is not "
                              "what Word writes)", hint) from None
    if part.content_type not in _WORD_MAIN_TYPES:
        raise CorruptDocument(name, f"not a Word document (its main part is {part.content_type})",
                              "pass a .docx file, or convert the file to .docx or .txt")
    return part


def _inflate_within(z: zipfile.ZipFile, infos: list[zipfile.ZipInfo], limits: Limits, name: str) -> None:
    """Inflate every entry in 1 MB steps and count the bytes: the directory's sizes are only what the
    file claims. Also checks each entry's CRC, so python-docx then reads an archive known to be sound."""
    total = 0
    for info in infos:
        with z.open(info) as f:
            while chunk := f.read(1 << 20):
                total += len(chunk)
                limits.check_unpacked(total, name)


def _one_line(e: Exception) -> str:
    return " ".join(str(e).split())[:200] or type(e).__name__


@register_loader("docx", extensions=(".docx", ".docm", ".dotx", ".dotm"), sniff=_sniff)
def load_docx(data: bytes, *, name: str, **options) -> Loaded:
    """Load a Word document: body text with list numbers; headers, footers and notes in ``removed``."""
    from lxml import etree

    part = _open(data, name, Limits.from_options(options, name))
    try:
        document = _root(part)
        body = document.find(_w("body"))
        if body is None:
            raise CorruptDocument(name, "not a Word document (word/document.xml has no body)",
                                  "open it in Word and save it again as .docx")
        numbering = next((_root(p) for p in _related(part, "numbering")), None)
        styles = next((_root(p) for p in _related(part, "styles")), None)
        renderer = _Renderer(ListNumbering(numbering, styles), _page_break_styles(styles))
        content = _join(renderer.blocks(body), "\n")
        removed = []
        for reltype, reason, item in (("header", "page-header", None), ("footer", "page-footer", None),
                                      ("footnotes", "footnote", "footnote"), ("endnotes", "endnote", "endnote"),
                                      ("comments", "comment", "comment")):
            for story in _related(part, reltype):
                if item is not None:
                    removed.extend(_notes(story, reason, item))
                    continue
                text = _join(_Renderer().blocks(_root(story)), "\n").text.strip()
                if text:
                    removed.append(Removed(span=None, text=text, reason=reason))
    except etree.XMLSyntaxError as e:
        raise CorruptDocument(name, f"broken XML inside the .docx ({_one_line(e)})",
                              "open it in Word and save it again as .docx") from None
    except _ImportedContent:
        # Reading around it would silently lose that part of the contract.
        raise UnsupportedFormat(name, "the .docx embeds imported content (altChunk) that Word merges only when it opens the file",
                                "open it in Word and save it again as .docx") from None
    # A break before the first text (pageBreakBefore on the first paragraph) starts no new page.
    breaks = sorted(b for b in content.breaks if b > 0)
    pages = [(0, 1)] + [(offset, k + 2) for k, offset in enumerate(breaks)] if breaks else None
    return Loaded(text=content.text, format="docx", encoding=None, removed=removed, pages=pages)
