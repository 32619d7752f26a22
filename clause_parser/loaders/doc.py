"""Legacy Word documents (.doc, .dot: Word 97–2003, an OLE2 compound file), read by an external tool.

LibreOffice (preferred) converts the file to .docx, which the .docx loader then reads: Word's
automatic list numbers ("第一条", "1.1" …), tables, tracked changes, headers, footers, footnotes
and comments come out exactly as they do for a .docx. antiword is the fallback when LibreOffice is
missing: it reads the body text, tables and footnotes but not automatic list numbers, so clauses
that Word numbers itself lose their numbers. With neither tool installed, ``UnsupportedFormat``
says what to install.

Options: ``doc_backend="libreoffice"`` or ``"antiword"`` picks the tool (default: LibreOffice if
installed, else antiword); ``convert_timeout`` is the seconds one conversion may take (default
120; a hung converter raises ``TooLarge`` instead of hanging the caller).

>>> import clause_parser
>>> r = clause_parser.parse("contract.doc")                     # doctest: +SKIP
>>> r.source.format, [c.number for c in r.clauses][4:7]          # doctest: +SKIP
('doc', ['第一条', '1.1', '1.2'])
"""
from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import tempfile
import zipfile
from pathlib import Path

from ..errors import CorruptDocument, OptionError, TooLarge, UnsupportedFormat
from ..model import Removed
from . import Loaded, register_loader

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Excel and PowerPoint files are OLE2 too; only Word's have a stream named "WordDocument", and
# directory entry names are stored in UTF-16LE.
_WORD_STREAM = "WordDocument".encode("utf-16-le")
BACKENDS = ("libreoffice", "antiword")
DEFAULT_TIMEOUT = 120.0
INSTALL_HINT = ("install one (apt-get install libreoffice-writer-nogui, or antiword) "
                "or save the file as .docx")
# Where the installers put soffice when it is not on PATH (macOS, Windows).
_SOFFICE_PLACES = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",
                   r"C:\Program Files\LibreOffice\program\soffice.exe",
                   r"C:\Program Files (x86)\LibreOffice\program\soffice.exe")


def _sniff(head: bytes) -> bool:
    return head.startswith(OLE2_MAGIC) and _WORD_STREAM in head


def find_soffice() -> str | None:
    """The LibreOffice executable, or None."""
    for exe in ("soffice", "libreoffice"):
        found = shutil.which(exe)
        if found:
            return found
    return next((p for p in _SOFFICE_PLACES if os.path.isfile(p)), None)


def find_antiword() -> str | None:
    return shutil.which("antiword")


@register_loader("doc", extensions=(".doc", ".dot"), sniff=_sniff)
def load_doc(data: bytes, *, name: str, doc_backend: str | None = None, convert_timeout: float | None = None,
             **options) -> Loaded:
    """Load a Word 97–2003 document; see the module docstring for the options."""
    if doc_backend is not None and doc_backend not in BACKENDS:
        raise OptionError(name, f"unknown doc_backend {doc_backend!r}", f"use one of {', '.join(BACKENDS)}")
    timeout = DEFAULT_TIMEOUT if convert_timeout is None else convert_timeout
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or timeout <= 0:
        raise OptionError(name, f"convert_timeout must be a positive number of seconds, not {convert_timeout!r}",
                          "pass e.g. convert_timeout=300")
    _check_word_file(data, name)
    soffice = find_soffice() if doc_backend in (None, "libreoffice") else None
    antiword = find_antiword() if doc_backend in (None, "antiword") else None
    if soffice:
        return _with_libreoffice(soffice, data, name, timeout, options)
    if antiword:
        return _with_antiword(antiword, data, name, timeout)
    if doc_backend is None:
        raise UnsupportedFormat(name, "reading .doc needs LibreOffice or antiword, and neither is installed", INSTALL_HINT)
    tool = {"libreoffice": "LibreOffice", "antiword": "antiword"}[doc_backend]
    raise UnsupportedFormat(name, f"doc_backend={doc_backend!r} needs {tool}, which is not installed", INSTALL_HINT)


def _check_word_file(data: bytes, name: str) -> None:
    if data.startswith(OLE2_MAGIC):
        if _WORD_STREAM not in data:
            raise CorruptDocument(name, "not a readable Word document (an Office file with no Word text in it: "
                                        "an Excel or PowerPoint file, or a truncated one)",
                                  "check the file; open it in the program that made it and save it as .docx, .pdf or .txt")
        return
    if data.lstrip().startswith(b"{\\rtf"):
        raise UnsupportedFormat(name, "an RTF file, not a Word .doc", "open it in Word or LibreOffice and save it as .docx")
    raise CorruptDocument(name, "not a Word .doc file (no OLE2 header)",
                          "check the file; if Word opens it, save it again as .docx")


def _run(cmd: list[str], name: str, timeout: float, tool: str) -> subprocess.CompletedProcess:
    """Run a converter in its own process group so that a hung one and all its children can be killed."""
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    except OSError as e:
        raise UnsupportedFormat(name, f"cannot start {tool} ({e.strerror or e})", INSTALL_HINT) from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        proc.communicate()
        raise TooLarge(name, f"{tool} did not finish converting it within {timeout:g} s",
                       "pass a larger convert_timeout, or save the file as .docx") from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (AttributeError, ProcessLookupError, PermissionError):
        proc.kill()  # Windows has no process groups


def _with_libreoffice(soffice: str, data: bytes, name: str, timeout: float, options: dict) -> Loaded:
    from .docx import load_docx

    with tempfile.TemporaryDirectory(prefix="clause_parser_doc_") as tmp:
        tmp_path = Path(tmp)
        src = tmp_path / "contract.doc"
        src.write_bytes(data)
        out_dir = tmp_path / "out"
        # A private profile: LibreOffice processes sharing one hand their work to each other and
        # collide; the default one may also be locked by the user's open LibreOffice.
        profile = (tmp_path / "profile").as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore",
               "--nologo", "--nodefault", "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML",
               "--outdir", str(out_dir), str(src)]
        done = _run(cmd, name, timeout, "LibreOffice")
        result = out_dir / "contract.docx"
        if not result.is_file():
            # soffice exits 0 even when it could not load the file.
            raise CorruptDocument(name, f"LibreOffice could not read it as a Word document{_detail(done)}",
                                  "check the file; if it is password-protected or damaged, open it in Word and save it as .docx")
        converted = _restore_legal_numbering(result.read_bytes())
    loaded = load_docx(converted, name=name, **options)
    loaded.format = "doc"
    return loaded


def _detail(done: subprocess.CompletedProcess) -> str:
    lines = [ln.strip() for ln in (done.stderr + done.stdout).decode("utf-8", "replace").splitlines()]
    lines = [ln for ln in lines if ln and "javaldx" not in ln and not ln.startswith("convert ")]
    return f" ({lines[0][:160]})" if lines else ""


# ---------------------------------------------------------------- LibreOffice's lost "legal numbering"

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HAN_FORMATS = {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting",
                "taiwaneseCountingThousand", "taiwaneseDigital", "japaneseCounting", "ideographDigital",
                "ideographLegalTraditional", "ideographTraditional", "ideographZodiac"}
_LO_VERSION = re.compile(rb"<Application>LibreOffice/(\d+)\.")


def _restore_legal_numbering(docx: bytes) -> bytes:
    """Mark decimal list levels that quote a Chinese-numbered level ("%1.%2" under "第%1条") legal again.

    Word's "legal numbering" (正规形式编号, w:isLgl) shows every quoted level in Arabic digits, so
    the clauses under 第一条 read 1.1, 1.2. LibreOffice before 24.2 does not know the flag and drops
    it when it reads a .doc, which would turn those numbers into "一.1". A decimal level that quotes
    a Chinese-numbered one is what the flag is for, so it is set back — only in files written by
    such a LibreOffice.
    """
    m = _LO_VERSION.search(_member(docx, "docProps/app.xml") or b"")
    numbering = _member(docx, "word/numbering.xml")
    if m is None or int(m.group(1)) >= 24 or numbering is None:
        return docx
    from lxml import etree

    root = etree.fromstring(numbering, etree.XMLParser(resolve_entities=False, no_network=True))
    changed = False
    for abstract in root.iter(_W + "abstractNum"):
        levels = {lvl.get(_W + "ilvl"): lvl for lvl in abstract.findall(_W + "lvl")}
        fmts = {ilvl: _attr(lvl, "numFmt") for ilvl, lvl in levels.items()}
        for ilvl, lvl in levels.items():
            quoted = {str(int(k) - 1) for k in re.findall(r"%([1-9])", _attr(lvl, "lvlText") or "")} - {ilvl}
            if fmts[ilvl] == "decimal" and lvl.find(_W + "isLgl") is None and any(fmts.get(q) in _HAN_FORMATS for q in quoted):
                lvl.insert(_legal_position(lvl), etree.Element(_W + "isLgl"))
                changed = True
    if not changed:
        return docx
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) \
                if info.filename == "word/numbering.xml" else src.read(info)
            dst.writestr(info, body)
    return out.getvalue()


def _legal_position(lvl) -> int:
    # The schema's order: start, numFmt, lvlRestart, pStyle, isLgl, suff, lvlText …
    before = {_W + t for t in ("start", "numFmt", "lvlRestart", "pStyle")}
    return sum(1 for child in lvl if child.tag in before)


def _attr(lvl, tag: str) -> str | None:
    el = lvl.find(_W + tag)
    return None if el is None else el.get(_W + "val")


def _member(docx: bytes, member: str) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(docx)) as z:
            return z.read(member) if member in z.namelist() else None
    except zipfile.BadZipFile:
        return None


# ---------------------------------------------------------------- antiword

_TABLE_ROW = re.compile(r"^\|(.*)\|\s*$")
_FOOTNOTE = re.compile(r"^\[(\d+)\]\s*(.*)$")
_NOTE_RULE = re.compile(r"^-{10,}$")


def _with_antiword(antiword: str, data: bytes, name: str, timeout: float) -> Loaded:
    with tempfile.TemporaryDirectory(prefix="clause_parser_doc_") as tmp:
        src = Path(tmp) / "contract.doc"
        src.write_bytes(data)
        # -m UTF-8.txt: antiword's default mapping is Latin-1 and turns Chinese into "?"; -w 0: no wrapping.
        done = _run([antiword, "-m", "UTF-8.txt", "-w", "0", str(src)], name, timeout, "antiword")
    if done.returncode != 0:
        raise CorruptDocument(name, f"antiword could not read it{_detail(done)}",
                              "check the file; if it is password-protected or damaged, open it in Word and save it as .docx")
    text, removed = antiword_text(done.stdout.decode("utf-8", "replace"))
    return Loaded(text=text, format="doc", encoding=None, removed=removed)


def antiword_text(out: str) -> tuple[str, list[Removed]]:
    """antiword's text output made like the .docx loader's: table cells split by tabs, footnotes removed.

    >>> antiword_text("第一条 费用\\n|单价   |数量 |\\n|5元    |2    |\\n见附注[1]\\n----------------\\n\\n[1] 含税价。\\n")
    ('第一条 费用\\n单价\\t数量\\n5元\\t2\\n见附注', [Removed(span=None, text='含税价。', reason='footnote', page=None)])
    """
    lines = out.replace("\r\n", "\n").split("\n")
    notes: dict[str, str] = {}
    # Footnotes and endnotes come last, after a rule of dashes, each as "[n] text".
    for k in range(len(lines) - 1, -1, -1):
        if _NOTE_RULE.match(lines[k].strip()):
            tail = [ln for ln in lines[k + 1:] if ln.strip()]
            if tail and all(_FOOTNOTE.match(ln.strip()) for ln in tail):
                notes = dict(_FOOTNOTE.match(ln.strip()).groups() for ln in tail)
                lines = lines[:k]
            break
    body = []
    for line in lines:
        row = _TABLE_ROW.match(line)
        if row:
            line = "\t".join(cell.strip() for cell in row.group(1).split("|"))
        body.append(line.rstrip())
    text = "\n".join(body).strip("\n")
    if notes:
        text = re.sub(r"\[(\d+)\]", lambda m: "" if m.group(1) in notes else m.group(0), text)
    return text, [Removed(span=None, text=t, reason="footnote") for t in notes.values() if t]
