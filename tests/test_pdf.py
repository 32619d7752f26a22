"""PDF contracts, read as a user would: clause_parser.parse("contract.pdf") with either backend.

The fixtures are drawn with reportlab (tests/pdf_maker.py) from known text, so every PDF result is
compared with parse_text() of the text it was drawn from.
"""
import re
import shutil
import subprocess
import sys

import pytest

import clause_parser
from clause_parser.errors import ClauseParserError, CorruptDocument, EncryptedDocument, NoTextLayer, OptionError
from helpers import check_result
from pdf_maker import PageBreak, Para, Table, line_capacity, make_image_pdf, make_pdf, sample_contract

BACKENDS = ["pdfplumber", "pdfium"]
FEE_TABLE = Table([["项目", "金额（元）", "备注"],
                   ["运维服务费", "800,000", "分四期支付，每期在季度末结算完毕后支付"],
                   ["备件费", "20,000", ""]])
CLOSING = ["第十七条 其他", "本合同一式两份，甲乙双方各执一份，具有同等法律效力。", "甲方（盖章）：            乙方（盖章）："]


def shape(result):
    """What a user compares: numbering, hierarchy, kind and label of every clause."""
    return [(c.id, c.parent, c.number, c.kind, c.label) for c in result.clauses]


def squash(s):
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    """A 3-page contract: running header, 第 N 页 共 M 页 footer, grey rotated watermark, fake-bold
    headings, wrapped lines, a lone "。" line, a clause across a page break, and a ruled table."""
    d = tmp_path_factory.mktemp("pdf")
    blocks = sample_contract(16) + [FEE_TABLE] + CLOSING
    made = make_pdf(d / "contract.pdf", blocks, header="信息系统运维服务合同  HT-2024-0815", watermark="样本")
    return made


@pytest.fixture(scope="module")
def plain(contract):
    return clause_parser.parse_text(contract.plain_text)


def test_fixture_has_what_the_tests_rely_on(contract):
    import pdfplumber

    assert contract.pages == 3
    assert any(t == "。" for _, t in contract.lines)  # a full stop wrapped onto a line of its own
    assert any(a != b for a, b in zip(contract.start_page, contract.end_page) if a)  # a block across pages
    wrapped = [t for _, t in contract.lines if len(t) == line_capacity() and t[-1] not in "。；："]
    assert len(wrapped) > 20  # lines broken mid-sentence
    with pdfplumber.open(contract.path) as pdf:
        assert "第第一一条条" in pdf.pages[0].extract_text()  # fake-bold headings: every glyph drawn twice


@pytest.mark.parametrize("backend", BACKENDS)
def test_pdf_gives_the_clauses_of_its_text(contract, plain, backend):
    r = clause_parser.parse(contract.path, pdf_backend=backend)
    check_result(r)
    assert r.source.format == "pdf"
    assert shape(r) == shape(plain)
    assert [squash(c.text) for c in r.clauses] == [squash(c.text) for c in plain.clauses]
    # the lines are joined back: no line break inside a paragraph, no space between CJK characters
    assert re.sub(r" +", " ", r.text) == re.sub(r" +", " ", contract.plain_text)
    assert "\n。" not in r.text and "并采。" in r.text
    assert "运维服务费\t800,000\t分四期支付，每期在季度末结算完毕后支付" in r.text.split("\n")


@pytest.mark.parametrize("backend", BACKENDS)
def test_headers_page_numbers_and_watermarks_are_removed(contract, backend):
    r = clause_parser.parse(contract.path, pdf_backend=backend)
    by_reason = {}
    for x in r.removed:
        assert x.span is None and x.page in (1, 2, 3)
        by_reason.setdefault(x.reason, []).append((x.page, x.text))
    assert [p for p, _ in by_reason["page-number"]] == [1, 2, 3]
    assert [t for _, t in by_reason["page-number"]] == [f"第 {n} 页 共 3 页" for n in (1, 2, 3)]
    assert [p for p, _ in by_reason["page-header"]] == [1, 2, 3]
    assert all(squash(t) == "信息系统运维服务合同HT-2024-0815" for _, t in by_reason["page-header"])
    assert [(p, t) for p, t in by_reason["watermark"]] == [(1, "样本"), (2, "样本"), (3, "样本")]
    assert "共 3 页" not in r.text and "样本" not in r.text.replace("江南样本", "")
    assert r.text.count("HT-2024-0815") == 1  # the contract number line, not the running header
    d = r.to_dict()
    assert {x["reason"] for x in d["removed"]} == {"page-header", "page-number", "watermark"}


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_clause_knows_its_page(contract, plain, backend):
    r = clause_parser.parse(contract.path, pdf_backend=backend)
    pages = [c.page for c in r.clauses]
    assert all(p in (1, 2, 3) for p in pages) and pages == sorted(pages)
    # walk the drawn lines in order: a clause is on the page of the first line its text starts with
    k = 0
    for c in r.clauses:
        text = squash(c.text)
        while not text.startswith(squash(contract.lines[k][1])):
            k += 1
        assert c.page == contract.lines[k][0], c.number
        k += 1
    # a clause whose text goes on over a page break is one clause, on the page where it starts
    split = [i for i, (a, b) in enumerate(zip(contract.start_page, contract.end_page)) if a and a != b]
    assert split
    for i in split:
        body = squash(contract.block_text[i])
        holder = [c for c in r.clauses if body in squash(c.text)]
        assert len(holder) == 1 and holder[0].page == contract.start_page[i]


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_column_pages_read_column_by_column(tmp_path, backend):
    blocks = sample_contract(16, capacity=18) + [FEE_TABLE] + CLOSING
    made = make_pdf(tmp_path / "two.pdf", blocks, columns=2, header="信息系统运维服务合同", footer="- {page} -",
                    watermark="样本")
    r = clause_parser.parse(made.path, pdf_backend=backend)
    check_result(r)
    plain = clause_parser.parse_text(made.plain_text)
    assert shape(r) == shape(plain)
    assert [squash(c.text) for c in r.clauses] == [squash(c.text) for c in plain.clauses]
    assert sorted({x.reason for x in r.removed}) == ["page-header", "page-number", "watermark"]
    assert [x.text for x in r.removed if x.reason == "page-number"] == [f"- {n} -" for n in range(1, made.pages + 1)]


@pytest.mark.parametrize("articles, header, footer, expect", [
    (12, None, "- {page} -", ["page-number"]),
    (12, None, "{page}/{pages}", ["page-number"]),
    (12, None, "Page {page} of {pages}", ["page-number"]),
    (12, None, "{page}", ["page-number"]),
    (12, "第{page}页 / 共{pages}页", None, ["page-number"]),
    (12, "华东示例科技有限公司 内部文件", "第 {page} 页", ["page-header", "page-number"]),
    (12, None, "保密文件 请勿外传", ["page-footer"]),
    (2, None, "{page}", ["page-number"]),  # a one-page contract: its bare number at the foot all the same
])
def test_page_number_header_and_footer_styles(tmp_path, articles, header, footer, expect):
    made = make_pdf(tmp_path / "c.pdf", sample_contract(articles), footer=footer, header=header, header_rule=False)
    assert made.pages == (1 if articles == 2 else 2)
    for backend in BACKENDS:
        r = clause_parser.parse(made.path, pdf_backend=backend)
        check_result(r)
        got = sorted((x.page, x.reason) for x in r.removed)
        assert got == sorted((p, reason) for p in range(1, made.pages + 1) for reason in expect)
        for x in r.removed:
            assert x.text not in r.text.split("\n") and (len(x.text) < 4 or x.text not in r.text)
        assert shape(r) == shape(clause_parser.parse_text(made.plain_text))


def test_running_header_missing_on_the_cover_page_is_still_found(tmp_path):
    blocks = [Para("信息系统运维服务合同", align="center"), "合同编号：HT-2024-0815", PageBreak()] + sample_contract(20)[1:]
    made = make_pdf(tmp_path / "c.pdf", blocks, header="HT-2024-0815 第{page}页", header_from=2, footer=None)
    r = clause_parser.parse(made.path)
    check_result(r)
    assert made.pages >= 4
    assert [(x.page, x.reason) for x in r.removed] == [(n, "page-header") for n in range(2, made.pages + 1)]
    # the same words at the top of pages 1 and 2, but not at the same height: contract text, kept
    assert r.text.count("合同编号：HT-2024-0815") == 2
    assert shape(r) == shape(clause_parser.parse_text(made.plain_text))


def test_a_pdf_with_a_txt_name_still_loads(contract, tmp_path):
    f = tmp_path / "contract.txt"
    shutil.copy(contract.path, f)
    r = clause_parser.parse(f)
    assert r.source.format == "pdf"
    assert shape(r) == shape(clause_parser.parse(contract.path))


def test_binary_stream_and_leading_bytes(contract):
    data = contract.path.read_bytes()
    import io

    r = clause_parser.parse(io.BytesIO(b"\r\n" + data), pdf_backend="pdfium")
    assert r.source.format == "pdf" and len(r.clauses) > 30


@pytest.mark.parametrize("backend", BACKENDS)
def test_encrypted_pdf_needs_its_password(tmp_path, backend):
    blocks = sample_contract(6)
    made = make_pdf(tmp_path / "locked.pdf", blocks, password="s3cret")
    with pytest.raises(EncryptedDocument) as e:
        clause_parser.parse(made.path, pdf_backend=backend)
    msg = str(e.value)
    assert msg.startswith(str(made.path)) and "encrypted" in msg and "password" in msg and "\n" not in msg
    with pytest.raises(EncryptedDocument, match="password does not open"):
        clause_parser.parse(made.path, pdf_backend=backend, password="wrong")
    r = clause_parser.parse(made.path, pdf_backend=backend, password="s3cret")
    check_result(r)
    assert shape(r) == shape(clause_parser.parse_text(made.plain_text))


def test_owner_only_encryption_opens_without_a_password(tmp_path):
    made = make_pdf(tmp_path / "owner.pdf", sample_contract(4), password="", owner_password="owner")
    assert b"/Encrypt" in made.path.read_bytes()
    for backend in BACKENDS:
        r = clause_parser.parse(made.path, pdf_backend=backend)
        assert [c.number for c in r.clauses if c.number][:2] == ["第一条", "第二条"]


@pytest.mark.parametrize("backend", BACKENDS)
def test_scanned_pdf_is_refused_with_advice(tmp_path, backend):
    f = make_image_pdf(tmp_path / "scan.pdf", pages=3)
    with pytest.raises(NoTextLayer) as e:
        clause_parser.parse(f, pdf_backend=backend)
    msg = str(e.value)
    assert msg == f"{f}: no text layer (a scanned PDF?); OCR it first, e.g. with ocrmypdf"


@pytest.mark.parametrize("backend", BACKENDS)
def test_scan_with_only_a_digital_page_number_is_still_a_scan(tmp_path, backend):
    from reportlab.pdfgen import canvas

    import pdf_maker

    f = tmp_path / "scan2.pdf"
    c = canvas.Canvas(str(f))
    for n in (1, 2):
        c.rect(72, 100, 400, 600, fill=1)
        c.setFont(pdf_maker._font(), 9)
        c.drawCentredString(297, 30, f"第 {n} 页 共 2 页")
        c.showPage()
    c.save()
    with pytest.raises(NoTextLayer):
        clause_parser.parse(f, pdf_backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("damage", ["truncated", "garbage", "no-header"])
def test_corrupt_pdf_gets_a_typed_error(contract, tmp_path, backend, damage):
    data = contract.path.read_bytes()
    f = tmp_path / "broken.pdf"
    f.write_bytes({"truncated": data[:400], "garbage": b"%PDF-1.4\n" + bytes(range(256)) * 8,
                   "no-header": b"this is not a pdf at all " * 20}[damage])
    with pytest.raises(CorruptDocument) as e:
        clause_parser.parse(f, pdf_backend=backend)
    assert str(e.value).startswith(f"{f}: ") and "\n" not in str(e.value)


def test_unknown_backend_is_an_option_error(contract):
    with pytest.raises(OptionError, match="pdf_backend"):
        clause_parser.parse(contract.path, pdf_backend="poppler")


def test_cli_reads_pdf_with_backend_and_password(tmp_path, capsys):
    import json

    from clause_parser.cli import main

    made = make_pdf(tmp_path / "locked.pdf", sample_contract(5), password="pw")
    assert main(["parse", str(made.path), "--pdf-backend", "pdfium", "--password", "pw"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert d["source"]["format"] == "pdf" and any(x["reason"] == "page-number" for x in d["removed"])
    assert main(["parse", str(made.path)]) == 1
    err = capsys.readouterr().err
    assert "EncryptedDocument" not in err and "the PDF is encrypted; pass password=… or --password" in err
    assert "Traceback" not in err


def test_loader_imports_pdf_libraries_only_when_loading():
    code = ("import sys, clause_parser.loaders as L; L.loader_names(); "
            "assert 'pdf' in L.loader_names(); "
            "assert 'pdfplumber' not in sys.modules and 'pypdfium2' not in sys.modules and 'pdfminer' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_error_is_a_clause_parser_error():
    assert issubclass(EncryptedDocument, ClauseParserError) and issubclass(NoTextLayer, ClauseParserError)
