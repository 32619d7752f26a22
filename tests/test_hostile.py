"""Hostile, broken and odd input: a typed one-line error or a lossless result, never a crash, a
hang, a blown memory or lost text.

Sizes are chosen so the file runs in well under a minute. ``HOSTILE_CLAUSES=100000`` runs the
many-clauses test at the issue's full size (about 30 s for the parse alone on a 2-core machine).
"""
from __future__ import annotations

import codecs
import copy
import io
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clause_parser
from clause_parser import errors
from clause_parser.errors import ClauseParserError
from clause_parser.limits import Limits, parse_size
from helpers import CORPUS, check_result

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
LEASE = CORPUS / "raw" / "c05_house_lease.txt"


def parse_or_typed_error(path, **options):
    """What every hostile input must come to: a valid result, or a ClauseParserError naming the file."""
    try:
        result = clause_parser.parse(path, **options)
    except ClauseParserError as e:
        message = str(e)
        assert message.startswith(f"{path}: ") and "\n" not in message, message
        assert e.hint, f"no advice on what to do: {message}"
        return e
    check_result(result)
    return result


# ------------------------------------------------------------------------------------------
# builders: real .docx and .pdf files made in the tests, and a zip bomb


@pytest.fixture(scope="session")
def docx_bytes() -> bytes:
    from docx_maker import service_contract_docx

    buf = io.BytesIO()
    service_contract_docx().save(buf)
    return buf.getvalue()


@pytest.fixture(scope="session")
def pdf_bytes(tmp_path_factory) -> bytes:
    from pdf_maker import make_pdf, sample_contract

    path = tmp_path_factory.mktemp("pdf") / "contract.pdf"
    make_pdf(path, sample_contract(4))
    return path.read_bytes()


def with_part(docx: bytes, part: str, transform) -> bytes:
    """The package with ``part`` replaced by ``transform(its bytes)``, re-zipped soundly."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            zout.writestr(info.filename, transform(data) if info.filename == part else data)
    return out.getvalue()


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A ZIP of (name, raw deflate stream, CRC-32, size the directory declares), written by hand:
    zipfile compresses what it writes, and a bomb's gigabytes must never exist uncompressed."""
    out, central = io.BytesIO(), []
    for name, deflated, crc, size in entries:
        n = name.encode()
        offset = out.tell()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(deflated), size, len(n), 0))
        out.write(n + deflated)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(deflated), size,
                                   len(n), 0, 0, 0, 0, 0, offset) + n)
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), out.tell() - start, start, 0))
    return out.getvalue()


def bomb_document_xml(gib: float) -> tuple[bytes, int, int]:
    """A word/document.xml of ``gib`` GiB of contract text in one paragraph, deflated: (stream, CRC, size).

    After a full flush deflate starts afresh, so every 1 MiB block of the same text compresses to
    the same bytes: the stream is built by repetition in a second instead of compressing gigabytes.
    """
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    block = "甲方应当按期支付服务费。".encode() * 29127  # just under 1 MiB, whole characters
    z = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = z.compress(head) + z.flush(zlib.Z_FULL_FLUSH)
    packed = z.compress(block) + z.flush(zlib.Z_FULL_FLUSH)
    assert z.compress(block) + z.flush(zlib.Z_FULL_FLUSH) == packed
    count = int(gib * 1024)
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    crc = zlib.crc32(tail, crc)
    return first + packed * count + z.compress(tail) + z.flush(), crc, len(head) + count * len(block) + len(tail)


def zip_bomb(docx: bytes, gib: float = 3.0, *, declared: int | None = None) -> bytes:
    """The contract .docx with a document.xml that inflates to ``gib`` GiB; ``declared`` makes the
    ZIP directory lie about that size."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        for info in z.infolist():
            if info.filename == "word/document.xml":
                stream, crc, size = bomb_document_xml(gib)
                entries.append((info.filename, stream, crc, size if declared is None else declared))
            else:
                data = z.read(info)
                c = zlib.compressobj(9, zlib.DEFLATED, -15)
                entries.append((info.filename, c.compress(data) + c.flush(), zlib.crc32(data), len(data)))
    return raw_zip(entries)


@pytest.fixture(scope="session")
def bomb(docx_bytes, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bomb.docx"
    path.write_bytes(zip_bomb(docx_bytes))
    return path


_MEASURE = r"""
import json, resource, sys, time
import clause_parser

def status_kb(key):
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith(key + ":"))
    except (OSError, StopIteration):
        return None

def reset_peak():  # Linux: "5" resets VmHWM, so the peak is the target's alone, not the warm-up's
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False

clause_parser.parse(sys.argv[1])  # python-docx, lxml and the classifiers loaded before the baseline
out = []
for target in sys.argv[2:]:
    base = status_kb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    exact = reset_peak() and status_kb("VmHWM") is not None
    start = time.monotonic()
    try:
        clause_parser.parse(target)
        error = None
    except clause_parser.ClauseParserError as e:
        error = [type(e).__name__, str(e)]
    # without a resettable peak, ru_maxrss is the peak since start: an upper bound (warm-up included)
    peak = status_kb("VmHWM") if exact else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.append({"error": error, "seconds": time.monotonic() - start, "rise_mb": (peak - base) / 1024})
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def bombs_measured(bomb, docx_bytes, tmp_path_factory) -> dict:
    """The zip bomb and a bomb whose ZIP directory lies about its size, parsed in one fresh process:
    for each its error, its time, and the process's peak memory over its baseline."""
    pytest.importorskip("resource")
    if sys.platform == "darwin":
        pytest.skip("ru_maxrss is in bytes on macOS; the arithmetic here is for Linux")
    folder = tmp_path_factory.mktemp("measure")
    warm, liar = folder / "warm.docx", folder / "liar.docx"
    warm.write_bytes(docx_bytes)
    liar.write_bytes(zip_bomb(docx_bytes, 3.0, declared=4096))  # claims 4 KB, inflates to 3 GB
    done = subprocess.run([sys.executable, "-c", _MEASURE, str(warm), str(bomb), str(liar)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return dict(zip((bomb, liar), json.loads(done.stdout.strip().splitlines()[-1])))


# ------------------------------------------------------------------------------------------
# zip bombs and the .docx limits


def test_a_zip_bomb_is_refused_quickly_without_inflating_it(bomb, bombs_measured):
    with zipfile.ZipFile(bomb) as z:
        assert z.getinfo("word/document.xml").file_size > 3 * 10 ** 9  # 3 GB of XML from 10 MB
    m = bombs_measured[bomb]
    assert m["error"][0] == "TooLarge", m
    assert m["error"][1].startswith(f"{bomb}: the .docx unpacks to more than 100.0 MB") and "--max-unpacked" in m["error"][1]
    assert m["seconds"] < 5, m
    assert m["rise_mb"] < 200, m


def test_a_zip_directory_that_lies_about_sizes_is_caught_while_inflating(bombs_measured):
    liar, m = [(path, m) for path, m in bombs_measured.items() if path.name == "liar.docx"][0]
    assert m["error"] == ["CorruptDocument", f"{liar}: not a readable .docx (the ZIP archive is broken or truncated: "
                          "Bad CRC-32 for file 'word/document.xml'); open it in Word and save it again as .docx"], m
    assert m["seconds"] < 5 and m["rise_mb"] < 200, m


def test_a_zip_bomb_under_another_extension_is_still_refused(bomb, tmp_path):
    disguised = tmp_path / "scan.pdf"
    disguised.write_bytes(bomb.read_bytes())
    with pytest.raises(errors.TooLarge, match=r"scan\.pdf: the \.docx unpacks to more than"):
        clause_parser.parse(disguised)


def test_docx_limits_are_options(docx_bytes, tmp_path):
    path = tmp_path / "contract.docx"
    path.write_bytes(docx_bytes)
    with zipfile.ZipFile(path) as z:
        entries, unpacked = len(z.infolist()), sum(i.file_size for i in z.infolist())
    with pytest.raises(errors.TooLarge, match=rf"holds {entries} files, more than the limit of 5 .*--max-entries"):
        clause_parser.parse(path, max_entries=5)
    with pytest.raises(errors.TooLarge, match=r"unpacks to more than 1000 bytes .*--max-unpacked"):
        clause_parser.parse(path, max_unpacked=1000)
    exact = clause_parser.parse(path, max_entries=entries, max_unpacked=unpacked)
    assert exact.to_json() == clause_parser.parse(path, max_entries=entries, max_unpacked=unpacked).to_json()
    assert exact.text == clause_parser.parse(path).text


def test_a_zip_of_many_entries_is_refused_before_its_directory_is_read(tmp_path):
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
        for k in range(20_000):
            z.writestr(f"x/{k}", b"")
    with pytest.raises(errors.TooLarge, match=r"many\.docx: the \.docx holds 20001 files, more than the limit of 10000"):
        clause_parser.parse(path)


def test_a_password_protected_docx_says_so(tmp_path):
    # Word encrypts a .docx into an OLE2 compound file holding an "EncryptedPackage" stream.
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "EncryptedPackage".encode("utf-16-le") + bytes(2048))
    with pytest.raises(errors.EncryptedDocument, match=r"locked\.docx: the \.docx is password-protected; remove the password"):
        clause_parser.parse(path)


# ------------------------------------------------------------------------------------------
# XML: no entity expansion, no external files, no network


def _with_doctype(docx: bytes, doctype: str, entity_ref: str) -> bytes:
    """The contract with ``doctype`` before its document element and ``entity_ref`` in its first text run."""
    def transform(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        root = text.index("<w:document")
        text = text[:root] + doctype + text[root:]
        return re.sub(r"(<w:t(?: [^>]*)?>)", lambda m: m.group(1) + entity_ref, text, count=1).encode("utf-8")

    return with_part(docx, "word/document.xml", transform)


@pytest.fixture
def listener():
    """A local TCP port that records whether anything connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    yield server
    server.close()


def _connected(server) -> bool:
    try:
        conn, _ = server.accept()
    except BlockingIOError:
        return False
    conn.close()
    return True


def test_external_entities_are_not_resolved(docx_bytes, tmp_path, listener):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-42", encoding="utf-8")
    port = listener.getsockname()[1]
    doctype = (f'<!DOCTYPE w:document SYSTEM "http://127.0.0.1:{port}/evil.dtd" [\n'
               f'<!ENTITY file SYSTEM "{secret.as_uri()}">\n'
               f'<!ENTITY web SYSTEM "http://127.0.0.1:{port}/x">\n]>')
    path = tmp_path / "xxe.docx"
    path.write_bytes(_with_doctype(docx_bytes, doctype, "&file;&web;"))
    outcome = parse_or_typed_error(path)
    if not isinstance(outcome, ClauseParserError):
        assert "TOPSECRET" not in outcome.to_json()
        assert "星河科技有限公司" in outcome.text  # the rest of the contract is read as usual
    assert not _connected(listener), "the parser went to the network"


def test_billion_laughs_is_not_expanded(docx_bytes, tmp_path):
    levels = ['<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">'] + [f'<!ENTITY a{k} "{("&a" + str(k - 1) + ";") * 10}">' for k in range(1, 10)]
    doctype = "<!DOCTYPE w:document [\n" + "\n".join(levels) + "\n]>"
    path = tmp_path / "laughs.docx"
    path.write_bytes(_with_doctype(docx_bytes, doctype, "&a9;"))  # 10^10 characters if expanded
    start = time.monotonic()
    outcome = parse_or_typed_error(path)
    assert time.monotonic() - start < 30
    if not isinstance(outcome, ClauseParserError):
        assert "哈" not in outcome.text and len(outcome.text) < 10_000


def test_xml_nested_deeper_than_the_parser_allows_is_a_typed_error(docx_bytes, tmp_path):
    def nest(xml: bytes) -> bytes:
        text = xml.decode("utf-8")
        i = text.index("<w:body>") + len("<w:body>")
        para = "<w:p><w:r><w:t>第九十九条 深处的条款。</w:t></w:r></w:p>"
        return (text[:i] + "<w:sdt><w:sdtContent>" * 400 + para + "</w:sdtContent></w:sdt>" * 400 + text[i:]).encode()

    path = tmp_path / "deep.docx"
    path.write_bytes(with_part(docx_bytes, "word/document.xml", nest))
    with pytest.raises(errors.CorruptDocument, match=r"deep\.docx: broken XML inside the \.docx \("):
        clause_parser.parse(path)


# ------------------------------------------------------------------------------------------
# the other limits


def test_input_bytes_are_checked_before_reading(tmp_path):
    path = tmp_path / "contract.txt"
    path.write_bytes(LEASE.read_bytes())
    size = path.stat().st_size
    with pytest.raises(errors.TooLarge, match=rf"contract\.txt: the file is larger than the limit of {size - 1} bytes; "
                                              r"split the document, or raise max_bytes \(CLI: --max-bytes\)"):
        clause_parser.parse(path, max_bytes=size - 1)
    with pytest.raises(errors.TooLarge, match=r"<stream>: the file is larger than the limit of 100 bytes"):
        clause_parser.parse(io.BytesIO(path.read_bytes()), max_bytes=100)
    assert clause_parser.parse(path, max_bytes=size).text == clause_parser.parse(path).text


def test_characters_are_checked_after_loading(tmp_path):
    text = LEASE.read_text(encoding="utf-8")
    path = tmp_path / "lease.txt"
    path.write_bytes(text.encode("gb18030"))  # fewer characters than bytes: the limit counts characters
    loaded = clause_parser.parse(path).text
    with pytest.raises(errors.TooLarge, match=rf"lease\.txt: the text has {len(loaded)} characters, more than the limit of 1000"):
        clause_parser.parse(path, max_chars=1000)
    assert clause_parser.parse(path, max_chars=len(loaded)).text == loaded
    with pytest.raises(errors.TooLarge, match=r"<text>: the text has \d+ characters, more than the limit of 10; "):
        clause_parser.parse_text(text, max_chars=10)


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
def test_pdf_pages_are_checked_before_reading_them(backend, tmp_path):
    from pdf_maker import PageBreak, make_pdf

    path = tmp_path / "three.pdf"
    made = make_pdf(path, ["第一条 甲方应当付款。", PageBreak(), "第二条 乙方应当交货。", PageBreak(), "第三条 争议提交仲裁。"])
    assert made.pages == 3
    with pytest.raises(errors.TooLarge, match=r"three\.pdf: the PDF has more than 2 pages \(the limit\); .*--max-pages"):
        clause_parser.parse(path, pdf_backend=backend, max_pages=2)
    r = clause_parser.parse(path, pdf_backend=backend, max_pages=3)
    check_result(r)
    assert [c.page for c in r.clauses if c.number] == [1, 2, 3]


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
def test_a_pdf_of_thousands_of_pages_is_refused_under_the_defaults(backend, tmp_path):
    from reportlab.pdfgen import canvas

    path = tmp_path / "pages.pdf"
    c = canvas.Canvas(str(path))
    for k in range(int(Limits.max_pages) + 1):
        c.drawString(72, 720, f"page {k}")
        c.showPage()
    c.save()
    with pytest.raises(errors.TooLarge, match=r"pages\.pdf: the PDF has more than 2000 pages"):
        clause_parser.parse(path, pdf_backend=backend)


@pytest.mark.parametrize("bad", [0, -1, "100", True, float("nan")])
def test_a_bad_limit_is_an_option_error(bad, tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("第一条 甲方付款。", encoding="utf-8")
    with pytest.raises(errors.OptionError, match=r"a\.txt: max_pages must be a positive number, not .*; pass e\.g\. max_pages=2000"):
        clause_parser.parse(path, max_pages=bad)
    with pytest.raises(errors.OptionError, match="max_chars must be a positive number"):
        clause_parser.parse_text("第一条", max_chars=bad)


def test_limits_default_and_unlimited(tmp_path):
    assert Limits() == Limits.from_options({"encoding": "gbk", "max_pages": None})
    assert Limits.from_options({"max_unpacked": float("inf")}).max_unpacked == float("inf")
    path = tmp_path / "a.txt"
    path.write_text("第一条 甲方付款。", encoding="utf-8")
    check_result(clause_parser.parse(path, max_bytes=float("inf"), max_chars=float("inf")))
    assert [parse_size(s) for s in ("200MB", "1.5G", "4096", "64k", "2MiB", "inf")] == \
        [200 * 2 ** 20, int(1.5 * 2 ** 30), 4096, 64 * 1024, 2 * 2 ** 20, float("inf")]
    for bad in ("", "MB", "-5M", "ten"):
        with pytest.raises(ValueError):
            parse_size(bad)


# ------------------------------------------------------------------------------------------
# odd but valid input parses


@pytest.mark.parametrize("content", [b"", b"\n\n \n", "\ufeff".encode("utf-8"), "\ufeff".encode("utf-16-le"), "　\n".encode("gbk")],
                         ids=["empty", "blank-lines", "utf8-bom-only", "utf16-bom-only", "fullwidth-space"])
def test_an_empty_document_is_valid_json_with_no_clauses(content, tmp_path):
    # Decided: an empty file is a valid (empty) contract, not an error; a batch of uploads should
    # not fail on it, and the JSON says plainly that nothing was found.
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    r = clause_parser.parse(path)
    check_result(r)
    assert r.clauses == [] and not r.text.strip()
    assert json.loads(r.to_json())["clauses"] == []
    assert [f.type for f in r.findings] == ["empty_document"]


def test_an_empty_word_document_is_valid_json_with_no_clauses(tmp_path):
    import docx

    path = tmp_path / "empty.docx"
    docx.Document().save(str(path))
    r = clause_parser.parse(path)
    check_result(r)
    assert r.clauses == [] and r.text == ""


@pytest.mark.parametrize("encoding", ["gb18030", "gbk", "big5", "utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_legacy_encodings_and_byte_order_marks(encoding, tmp_path):
    text = LEASE.read_text(encoding="utf-8")
    if encoding == "gbk":
        text = text.replace("¥", "￥")  # GBK has only the full-width sign
    elif encoding == "gb18030":
        text = text.replace("房屋", "房屋𠀾䶮€", 1)  # beyond GBK: CJK Extension B and A, the euro sign
    elif encoding == "big5":  # the lease in traditional characters, as a Taiwanese or Hong Kong file
        import opencc

        text = opencc.OpenCC("s2t").convert(text).translate(str.maketrans("爲啓叄", "為啟參"))  # Big5's forms
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    path = tmp_path / "lease.txt"
    path.write_bytes(data.replace(b"\n", b"\r\n") if encoding in ("gbk", "big5") else data)  # and Windows line ends
    r = clause_parser.parse(path)
    check_result(r)
    assert r.text == text
    reference = clause_parser.parse_text(text)
    assert [(c.number, c.label) for c in r.clauses] == [(c.number, c.label) for c in reference.clauses]


def test_full_width_digits_and_punctuation():
    text = ("服务合同\n第１条　服务费用\n１．１　甲方应于每月５日前支付服务费人民币１２，０００元。\n１．２　乙方应开具发票：\n"
            "（１）增值税专用发票；\n（２）普通发票。\n第２条　保密\n乙方不得泄露甲方的商业秘密。\n")
    r = clause_parser.parse_text(text)
    check_result(r)
    assert [(c.number, c.value, c.level) for c in r.clauses if c.number] == [
        ("第１条", 1, 0), ("１．１", 1, 1), ("１．２", 2, 1), ("（１）", 1, 2), ("（２）", 2, 2), ("第２条", 2, 0)]
    assert r.find("第２条").label == "confidentiality"
    assert [f.value for c in r.clauses for f in c.fields if f.type == "amount"] == [{"amount": "12000.00", "currency": "CNY"}]


def test_traditional_characters_mixed_in():
    simplified = ("服务合同\n第一条 服务费用\n甲方应于每月五日前支付服务费人民币壹万贰仟元整。\n第二条 保密条款\n乙方不得泄露甲方的商业秘密。\n"
                  "第三条 违约责任\n乙方违约的，应当赔偿甲方损失。\n第四条 争议解决\n争议提交上海仲裁委员会仲裁。\n")
    mixed = ("服務合同\n第一條 服務費用\n甲方應於每月五日前支付服務费人民幣壹萬貳仟元整。\n第二条 保密條款\n乙方不得洩露甲方的商業秘密。\n"
             "第三條 違约責任\n乙方違約的，應当賠償甲方損失。\n第四条 爭議解決\n争議提交上海仲裁委員會仲裁。\n")
    a, b = clause_parser.parse_text(simplified), clause_parser.parse_text(mixed)
    check_result(b)
    assert b.text == mixed  # the characters as written, not converted
    assert [c.label for c in b.clauses] == [c.label for c in a.clauses]
    assert [c.value for c in b.clauses] == [c.value for c in a.clauses] == [None, 1, 2, 3, 4]
    assert b.find("第三條").text == "第三條 違约責任\n乙方違約的，應当賠償甲方損失。"


def test_one_line_of_a_megabyte(tmp_path):
    sentence = "甲方应当按照本合同约定向乙方支付服务费用，乙方应当按时保质完成服务工作并接受甲方的监督检查。"
    line = "第一条 " + sentence * ((1 << 20) // len(sentence.encode("utf-8")) + 1)
    path = tmp_path / "one_line.txt"
    path.write_bytes(line.encode("utf-8"))
    assert path.stat().st_size > 1 << 20 and b"\n" not in path.read_bytes()
    r = clause_parser.parse(path)
    check_result(r)
    assert r.text == line and r.clauses[0].number == "第一条" and r.clauses[0].text == line


@pytest.mark.parametrize("shape", ["dotted", "styles"])
def test_four_hundred_levels_of_numbering(shape):
    if shape == "dotted":  # 1 / 1.1 / 1.1.1 / … 400 numbers deep
        lines = [".".join(["1"] * k) + " 乙方应当履行本级义务。" for k in range(1, 401)]
    else:  # every marker style in turn, each level inside the previous one
        styles = ["第一条", "一、", "（一）", "1.", "(1)", "①", "a)", "1.1", "㈠", "⑴"]
        lines = [f"{styles[k % len(styles)]} 乙方应当履行本级义务。" for k in range(400)]
    text = "服务合同\n" + "\n".join(lines)
    r = clause_parser.parse_text(text)
    check_result(r)
    assert sum(1 for c in r.clauses if c.number) == 400


def test_four_hundred_levels_of_markup_nesting_in_html(tmp_path):
    path = tmp_path / "deep.html"
    body = "".join(f"<div><ol><li>第{k + 1}条 乙方应当履行本条义务。" for k in range(400)) + "</li></ol></div>" * 400
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    r = clause_parser.parse(path)
    check_result(r)
    assert [c.value for c in r.clauses if c.number] == list(range(1, 401))


def _many_clauses(n: int) -> str:
    """``n`` numbered clauses in three levels: 第N条 / N.M / （K）."""
    lines = ["服务合同", "甲方：某某科技有限公司", "乙方：某某咨询有限公司"]
    count = article = 0
    while count < n:
        article += 1
        lines.append(f"第{article}条 服务费用")
        count += 1
        for sub in range(1, 20):
            if count >= n:
                break
            lines.append(f"{article}.{sub} 甲方应支付第{sub}笔服务费：")
            count += 1
            for item in range(1, 10):
                if count >= n:
                    break
                lines.append(f"（{item}）第{item}期于{item}月五日前支付；")
                count += 1
    return "\n".join(lines)


def test_many_clauses(tmp_path):
    n = int(os.environ.get("HOSTILE_CLAUSES", "20000"))
    path = tmp_path / "many.txt"
    path.write_text(_many_clauses(n), encoding="utf-8")
    r = clause_parser.parse(path)
    # The invariants on every clause; the JSON schema (validated on every other result here) costs
    # a millisecond per clause in pure-Python jsonschema, so this one result is checked without it.
    check_result(r, {"type": "object"})
    assert sum(1 for c in r.clauses if c.number) == n
    assert max(c.level for c in r.clauses) == 2


# ------------------------------------------------------------------------------------------
# wrong extensions


def test_a_pdf_that_is_really_a_docx(docx_bytes, tmp_path):
    real, fake = tmp_path / "contract.docx", tmp_path / "contract.pdf"
    real.write_bytes(docx_bytes)
    fake.write_bytes(docx_bytes)
    r = clause_parser.parse(fake)
    check_result(r)
    assert r.source.format == "docx" and r.text == clause_parser.parse(real).text


def test_a_docx_that_is_really_a_pdf(pdf_bytes, tmp_path):
    fake = tmp_path / "contract.docx"
    fake.write_bytes(pdf_bytes)
    r = clause_parser.parse(fake)
    check_result(r)
    assert r.source.format == "pdf" and "信息系统运维服务合同" in r.text


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 16,
    b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 16,
    zlib.compress("第一条 甲方付款。".encode() * 200),
    b"\x00" * 5000,
], ids=["png", "elf", "zlib", "nul-bytes"])
def test_a_txt_that_is_binary(content, tmp_path):
    path = tmp_path / "contract.txt"
    path.write_bytes(content)
    with pytest.raises(errors.DecodingError, match=r"contract\.txt: (not a text file|looks like a binary file)"):
        clause_parser.parse(path)


@pytest.mark.parametrize("name, content, error", [
    ("contract.docx", "第一条 甲方付款。".encode(), "not a .docx file"),
    ("contract.pdf", "第一条 甲方付款。".encode(), "not a PDF"),
    ("contract.docx", None, "a part is missing"),  # a ZIP, but not a Word document
    ("contract.pdf", b"%PDF-1.7\n1 0 obj\n<<", "cannot read the PDF"),
])
def test_a_file_that_is_not_what_its_extension_says(name, content, error, tmp_path):
    if content is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("readme.txt", "hello")
        content = buf.getvalue()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(errors.CorruptDocument, match=rf"{re.escape(name)}: .*{re.escape(error)}"):
        clause_parser.parse(path)


def test_broken_text_input():
    with pytest.raises(errors.DecodingError, match=r"<text>: the text holds a lone surrogate '\\ud800' at offset 4"):
        clause_parser.parse_text("第一条 \ud800甲方")
    with pytest.raises(errors.DecodingError, match=r"a\.txt: starts with a utf-16-le byte-order mark but is not utf-16-le text"):
        clause_parser.parse(_named(b"\xff\xfe\x00\xd8\x41\x00", "a.txt"))
    with pytest.raises(errors.DecodingError, match=r"a\.txt: decodes to a broken character \(a lone surrogate\) at offset 0"):
        clause_parser.parse(_named(b"+2AA-", "a.txt"), encoding="utf-7")
    for encoding in (123, "undefined", "no-such-codec"):
        with pytest.raises(errors.DecodingError, match=r"a\.txt: (unknown encoding|not valid)"):
            clause_parser.parse(_named("第一条".encode(), "a.txt"), encoding=encoding)


def test_a_path_that_is_no_path():
    with pytest.raises(errors.InputNotFound, match=r"^第一条 甲方付款。第一条 甲方付款。.*…: cannot read: File name too long; .*parse_text"):
        clause_parser.parse("第一条 甲方付款。" * 200)  # contract text passed where a path belongs
    with pytest.raises(errors.OptionError, match="parse\\(\\) takes a path or a binary file object, not int"):
        clause_parser.parse(123)
    assert clause_parser.parse(os.fsencode(LEASE)).text == clause_parser.parse(LEASE).text


def test_a_file_name_that_is_not_utf8(tmp_path):
    # A GBK file name from a Windows ZIP, unpacked on Linux: Python hands it over with lone surrogates.
    raw = os.fsencode(tmp_path) + "/合同.txt".encode("gbk")
    try:
        with open(raw, "wb") as f:
            f.write("第一条 甲方应当付款。".encode("utf-8"))
    except OSError:
        pytest.skip("this file system takes UTF-8 names only")
    r = clause_parser.parse(os.fsdecode(raw))
    check_result(r)
    shown = json.loads(r.to_json().encode("utf-8"))["source"]["path"]
    assert shown.startswith(str(tmp_path)) and shown.endswith(".txt") and "\ufffd" in shown


def _named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


# ------------------------------------------------------------------------------------------
# property-based: nothing but ClauseParserError, whatever the bytes

HYPO = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

mutations = st.lists(st.one_of(
    st.tuples(st.just("flip"), st.integers(0, 2 ** 32), st.integers(0, 7)),
    st.tuples(st.just("truncate"), st.integers(0, 2 ** 32)),
    st.tuples(st.just("insert"), st.integers(0, 2 ** 32), st.binary(min_size=1, max_size=64)),
    st.tuples(st.just("delete"), st.integers(0, 2 ** 32), st.integers(1, 512)),
    st.tuples(st.just("copy"), st.integers(0, 2 ** 32), st.integers(0, 2 ** 32), st.integers(1, 512)),
), min_size=1, max_size=6)


def mutate(data: bytes, ops) -> bytes:
    out = bytearray(data)
    for op, *args in ops:
        if not out:
            break
        at = args[0] % len(out)
        if op == "flip":
            out[at] ^= 1 << args[1]
        elif op == "truncate":
            del out[at:]
        elif op == "insert":
            out[at:at] = args[1]
        elif op == "delete":
            del out[at:at + args[1]]
        else:
            src = args[1] % len(out)
            out[at:at] = out[src:src + args[2]]
    return bytes(out)


@settings(HYPO, max_examples=80)
@given(data=st.binary(max_size=3000),
       head=st.sampled_from([b"", b"PK\x03\x04", b"%PDF-1.7\n", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>", b"\xff\xfe",
                             b"\xfe\xff", b"\xef\xbb\xbf", b"\xff\xfe\x00\x00"]),
       ext=st.sampled_from([".txt", ".docx", ".pdf", ".doc", ".html", ".md", ".bin", ""]))
def test_random_bytes_raise_nothing_but_clause_parser_errors(tmp_path, data, head, ext):
    path = tmp_path / f"random{ext}"
    path.write_bytes(head + data)
    parse_or_typed_error(path)


@settings(HYPO, max_examples=60)
@given(ops=mutations, ext=st.sampled_from([".docx", ".docx", ".pdf", ".txt"]))
def test_mutated_docx_raises_nothing_but_clause_parser_errors(tmp_path, docx_bytes, ops, ext):
    path = tmp_path / f"mutated{ext}"
    path.write_bytes(mutate(docx_bytes, ops))
    parse_or_typed_error(path)


@settings(HYPO, max_examples=40)
@given(part=st.sampled_from(["word/document.xml", "word/numbering.xml", "word/styles.xml", "[Content_Types].xml",
                             "word/_rels/document.xml.rels", "word/footnotes.xml"]), ops=mutations)
def test_mutated_xml_inside_a_sound_zip_raises_nothing_but_clause_parser_errors(tmp_path, docx_bytes, part, ops):
    path = tmp_path / "mutated.docx"
    path.write_bytes(with_part(docx_bytes, part, lambda xml: mutate(xml, ops)))
    parse_or_typed_error(path)


ODD_VALUES = ["-1", "0", "99999999999", "", "abc", "9", "%1", "%9%8", "第%1条", "bullet", "none", "chineseCounting",
              "upperRoman", "2147483648", "x" * 300]
WORD_TAGS = ["p", "r", "t", "tbl", "tr", "tc", "numPr", "ilvl", "numId", "lvl", "abstractNum", "num", "pStyle", "br",
             "sectPr", "sdt", "sdtContent", "ins", "del", "txbxContent", "altChunk"]


@settings(HYPO, max_examples=25)
@given(part=st.sampled_from(["word/document.xml", "word/numbering.xml", "word/styles.xml"]),
       edits=st.lists(st.tuples(st.sampled_from(["value", "copy", "remove", "retag", "wrap"]), st.integers(0, 10 ** 6),
                                st.sampled_from(ODD_VALUES), st.sampled_from(WORD_TAGS)), min_size=1, max_size=8))
def test_well_formed_but_odd_word_xml_raises_nothing_but_clause_parser_errors(tmp_path, docx_bytes, part, edits):
    from lxml import etree

    def transform(xml: bytes) -> bytes:
        root = etree.fromstring(xml)
        for op, pick, value, tag in edits:
            elements = list(root.iter())
            el = elements[pick % len(elements)]
            parent = el.getparent()
            if op == "value" and el.attrib:
                el.set(sorted(el.attrib)[pick % len(el.attrib)], value)
            elif op == "copy" and parent is not None:
                el.addnext(copy.deepcopy(el))
            elif op == "remove" and parent is not None:
                parent.remove(el)
            elif op == "retag":
                el.tag = f"{{{W_NS}}}{tag}"
            elif op == "wrap" and parent is not None:
                wrapper = etree.Element(f"{{{W_NS}}}{tag}")
                el.addprevious(wrapper)
                wrapper.append(el)
        return etree.tostring(root)

    path = tmp_path / "odd.docx"
    path.write_bytes(with_part(docx_bytes, part, transform))
    parse_or_typed_error(path)


@pytest.mark.parametrize("backend", ["pdfplumber", "pdfium"])
@settings(HYPO, max_examples=30)
@given(ops=mutations)
def test_mutated_pdf_raises_nothing_but_clause_parser_errors(tmp_path, pdf_bytes, backend, ops):
    path = tmp_path / "mutated.pdf"
    path.write_bytes(mutate(pdf_bytes, ops))
    parse_or_typed_error(path, pdf_backend=backend)


@settings(HYPO, max_examples=60)
@given(st.text(alphabet=st.characters(exclude_categories=()), max_size=300))
def test_any_string_parses_or_is_a_typed_error(text):
    try:
        r = clause_parser.parse_text(text)
    except ClauseParserError as e:
        assert isinstance(e, errors.DecodingError) and any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)
        return
    check_result(r)


# ------------------------------------------------------------------------------------------
# a batch never stops for one bad file


@pytest.fixture
def mixed_batch(tmp_path, bomb, docx_bytes, pdf_bytes):
    good_txt = tmp_path / "lease.txt"
    good_txt.write_bytes(LEASE.read_bytes())
    corrupt_pdf = tmp_path / "corrupt.pdf"
    corrupt_pdf.write_bytes(pdf_bytes[:300])
    good_docx = tmp_path / "contract.docx"
    good_docx.write_bytes(docx_bytes)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    good_pdf = tmp_path / "contract.pdf"
    good_pdf.write_bytes(pdf_bytes)
    files = [good_txt, bomb, corrupt_pdf, good_docx, binary, tmp_path / "missing.docx", good_pdf]
    expected = [None, "TooLarge", "CorruptDocument", None, "DecodingError", "InputNotFound", None]
    return files, expected


def test_a_batch_never_stops_for_one_bad_file(mixed_batch):
    files, expected = mixed_batch
    out = list(clause_parser.parse_many(files, workers=2, timeout=120))
    assert [None if o.ok else o.type for o in out] == expected
    for path, o in zip(files, out):
        if o.ok:
            check_result(o)
            assert o.source.path == str(path)
        else:
            assert issubclass(getattr(errors, o.type), ClauseParserError)
            assert o.message.startswith(f"{path}: ") and "\n" not in o.message


def test_the_cli_reports_each_bad_file_on_one_line_and_exits_1(mixed_batch, tmp_path):
    files, expected = mixed_batch
    done = subprocess.run([sys.executable, "-m", "clause_parser", "parse", *map(str, files), "-o", str(tmp_path / "out.jsonl")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    bad = [str(p) for p, e in zip(files, expected) if e]
    assert len(lines) == len(bad), done.stderr
    for path, line in zip(bad, lines):
        assert f"{path}: " in line
    records = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["error"]["type"] if "error" in r else None for r in records] == expected
