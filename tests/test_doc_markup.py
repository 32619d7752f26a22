"""Word 97–2003 (.doc), HTML and Markdown contracts read like the same contract as .docx or plain text.

The .doc is made the way a user gets one: the .docx from ``docx_maker`` (clause numbers from Word's
automatic list numbering) saved as Word 97 by LibreOffice. Without LibreOffice these tests skip,
except on CI (the CI variable set), which installs it and where a skip would hide a missing tool.
"""
import html
import os
import re
import shutil
import subprocess
import sys
import time

import pytest

import clause_parser
from clause_parser.errors import CorruptDocument, OptionError, TooLarge, UnsupportedFormat
from clause_parser.loaders.doc import OLE2_MAGIC, find_antiword, find_soffice
from docx_maker import CONTRACT, FEE_TABLE, FOOTNOTE, PARTIES, SIGNATURES, TITLE, plain_contract, service_contract
from helpers import check_result

WORD_STREAM = "WordDocument".encode("utf-16-le")


def outline(result):
    return [(c.number, c.level, c.path, c.kind, c.label) for c in result.clauses]


def require(found, tool: str):
    if found:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{tool} is not installed, and CI must install it (see .ci/run)")
    pytest.skip(f"{tool} is not installed (apt-get install libreoffice-writer-nogui antiword)")


def save_as(src, fmt: str, out_dir):
    """Convert ``src`` with LibreOffice as a user would ("Save as Word 97-2003")."""
    soffice = find_soffice()
    require(soffice, "LibreOffice")
    profile = (out_dir / "lo-profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt,
                    "--outdir", str(out_dir), str(src)], check=True, capture_output=True, timeout=300)
    out = out_dir / f"{src.stem}.{fmt.split(':')[0]}"
    assert out.is_file(), f"LibreOffice did not write {out.name}"
    return out


# ---------------------------------------------------------------- .doc


@pytest.fixture(scope="module")
def word_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("doc")
    docx_path = folder / "service.docx"
    service_contract(docx_path)
    return docx_path, save_as(docx_path, "doc", folder)


@pytest.fixture(scope="module")
def parsed_doc(word_files):
    return clause_parser.parse(word_files[1])


def test_doc_reads_like_the_docx_it_was_saved_from(word_files, parsed_doc):
    docx_path, doc_path = word_files
    assert doc_path.read_bytes().startswith(OLE2_MAGIC)
    from_docx = clause_parser.parse(docx_path)
    check_result(parsed_doc)
    assert parsed_doc.source.format == "doc"
    # Numbers come from Word's list numbering, which the .doc keeps as numbering, not text.
    assert outline(parsed_doc) == outline(from_docx)
    numbers = [c.number for c in parsed_doc.clauses if c.number]
    assert numbers[:4] == ["第一条", "1.1", "1.2", "第二条"]
    assert parsed_doc.find("（二）").parent == parsed_doc.find("4.2").id
    assert parsed_doc.find("第八条").label == "breach" and parsed_doc.find("6.1").label == "confidentiality"
    assert [c.text for c in parsed_doc.clauses] == [c.text for c in from_docx.clauses]


def test_doc_headers_footers_and_notes_are_listed_not_lost(parsed_doc):
    by_reason = {r.reason: r.text for r in parsed_doc.removed if r.span is None}
    assert by_reason["footnote"] == FOOTNOTE
    assert {"page-header", "page-footer", "comment"} <= set(by_reason)
    assert not any(FOOTNOTE in c.text for c in parsed_doc.clauses)
    assert "六十日" not in parsed_doc.text  # the tracked deletion


def test_doc_under_another_name_is_recognised_by_content(word_files, parsed_doc, tmp_path):
    renamed = tmp_path / "contract.txt"
    renamed.write_bytes(word_files[1].read_bytes())
    r = clause_parser.parse(renamed)
    check_result(r)
    assert r.source.format == "doc" and outline(r) == outline(parsed_doc)


def test_antiword_reads_the_text_when_libreoffice_is_missing(word_files, monkeypatch):
    require(find_antiword(), "antiword")
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda cmd, *a, **k: None if cmd in ("soffice", "libreoffice") else real_which(cmd, *a, **k))
    r = clause_parser.parse(word_files[1])
    check_result(r)
    assert r.source.format == "doc"
    # antiword does not render automatic numbers, but every word of the contract is there.
    for line in CONTRACT:
        if not line.text.startswith("<") and line.marker != "2.2":
            assert line.text in r.text
    assert "服务项目\t单价\t数量\t金额\n日常运维\t5000元/月\t12\t60000元" in r.text
    assert "甲方（委托方）：星河科技有限公司" in r.text
    assert [x.text for x in r.removed if x.span is None] == [FOOTNOTE]
    assert FOOTNOTE not in r.text and "[1]" not in r.text


def test_missing_converter_says_what_to_install(tmp_path, monkeypatch):
    # A Word file's first bytes; the tools are looked for before the content is read further.
    path = tmp_path / "old contract.doc"
    path.write_bytes(OLE2_MAGIC + bytes(504) + WORD_STREAM + bytes(1000))
    monkeypatch.setattr(shutil, "which", lambda *a, **k: None)
    with pytest.raises(UnsupportedFormat) as err:
        clause_parser.parse(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: reading .doc needs LibreOffice or antiword")
    assert "apt-get install libreoffice-writer-nogui" in msg and "save the file as .docx" in msg
    assert "\n" not in msg


def test_broken_doc_files_are_corrupt_documents(word_files, tmp_path):
    data = word_files[1].read_bytes()
    fib = data.find(b"\xec\xa5")  # the Word stream's header: wrecked, the file cannot be read
    assert fib > 0
    cases = {"wrecked.doc": data[:fib] + b"Z" * 4096 + data[fib + 4096:],
             "truncated.doc": data[: len(data) // 3],
             "spreadsheet.doc": OLE2_MAGIC + bytes(2000),  # OLE2 but no Word stream: an .xls or .ppt
             "random.doc": os.urandom(3000).replace(OLE2_MAGIC[:2], b"..")}
    for name, content in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        with pytest.raises(CorruptDocument) as err:
            clause_parser.parse(path)
        assert str(err.value).startswith(f"{path}: ") and "\n" not in str(err.value)


def test_rtf_named_doc_says_to_convert_it(tmp_path):
    path = tmp_path / "contract.doc"
    path.write_bytes(b"{\\rtf1\\ansi\\ansicpg936 {\\f0 SimSun;}\\uc1 \\u31532?\\u19968?}")
    with pytest.raises(UnsupportedFormat, match=r"an RTF file, not a Word \.doc; open it in Word or LibreOffice"):
        clause_parser.parse(path)


@pytest.mark.skipif(os.name == "nt", reason="the stand-in converter is a POSIX script")
def test_a_hung_converter_times_out_instead_of_hanging(tmp_path, monkeypatch):
    # A converter that never finishes, and leaves a child behind holding its output open.
    fake = tmp_path / "soffice"
    fake.write_text(f"#!{sys.executable}\nimport os, time\nos.fork()\ntime.sleep(60)\n")
    fake.chmod(0o755)
    monkeypatch.setattr(shutil, "which", lambda cmd, *a, **k: str(fake) if cmd == "soffice" else None)
    path = tmp_path / "contract.doc"
    path.write_bytes(OLE2_MAGIC + bytes(504) + WORD_STREAM + bytes(1000))
    start = time.monotonic()
    with pytest.raises(TooLarge, match=r"LibreOffice did not finish converting it within 1 s; pass a larger convert_timeout"):
        clause_parser.parse(path, convert_timeout=1)
    assert time.monotonic() - start < 15


def test_doc_options_are_checked(tmp_path):
    path = tmp_path / "contract.doc"
    path.write_bytes(OLE2_MAGIC + bytes(504) + WORD_STREAM)
    with pytest.raises(OptionError, match="unknown doc_backend 'word'"):
        clause_parser.parse(path, doc_backend="word")
    with pytest.raises(OptionError, match="convert_timeout must be a positive number"):
        clause_parser.parse(path, convert_timeout=0)


# ---------------------------------------------------------------- HTML and Markdown

SCRIPT = 'var banner = "第九十九条 违约金翻倍";'
STYLE = "body { font-family: SimSun; }"


def html_table(rows):
    return "<table border=1>\n" + "".join(
        "  <tr>" + "".join(f"<td>{html.escape(cell).replace(chr(10), '<br>')}</td>" for cell in row) + "</tr>\n"
        for row in rows) + "</table>"


def contract_html(charset: str = "utf-8", meta: str | None = None) -> str:
    """The contract as a contract-template web site serves it: site chrome around the text."""
    body = [f"<h1>{TITLE}</h1>"] + [f"<p><b>{label}</b>{company}</p>" for label, company in PARTIES]
    for line in CONTRACT:
        if line.text == "<fee table>":
            body.append(html_table(FEE_TABLE))
        elif line.text == "<signatures>":
            body.append(html_table(SIGNATURES))
        elif line.level == 0:
            body.append(f"<h2>{line.marker}&#12288;{line.text}</h2>")
        elif line.marker:
            # Pretty-printed: the line breaks and indentation around the text are no text.
            body.append(f'<p class="item">\n  {line.marker}\u3000{html.escape(line.text)}\n</p>')
        else:
            body.append(f"<div>{line.text}</div>")
    meta = meta or f'<meta charset="{charset}">'
    return (f"<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n{meta}\n<title>合同范本网 - {TITLE}</title>\n"
            f"<style>{STYLE}</style>\n<script>{SCRIPT}</script>\n</head>\n<body>\n"
            '<nav><a href="/">首页</a> &gt; <a href="/fw">服务合同</a></nav>\n'
            '<div class="article">\n' + "\n".join(body) + "\n</div>\n"
            "<aside>相关范本：劳动合同</aside>\n<footer>版权所有 &copy; 合同范本网</footer>\n</body>\n</html>\n")


def md_table(rows):
    head = "| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0])
    return "\n".join([head] + ["| " + " | ".join(c.replace("\n", "<br>") for c in row) + " |" for row in rows[1:]])


def contract_markdown() -> str:
    """The contract as someone writes it in Markdown: headings, bold, hard line breaks, tables."""
    out = [f"# {TITLE}", ""] + [f"**{label}**{company}  " for label, company in PARTIES] + [""]
    for line in CONTRACT:
        if line.text == "<fee table>":
            out += ["", md_table(FEE_TABLE), ""]
        elif line.text == "<signatures>":
            out += ["", md_table(SIGNATURES)]
        elif line.level == 0:
            out += ["", f"## {line.marker}\u3000{line.text}", ""]
        elif line.marker:
            out.append(f"{line.marker}\u3000{line.text}  ")
        else:
            out.append(line.text)
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def typed():
    return clause_parser.parse_text(plain_contract())


def test_html_contract_reads_like_its_plain_text(tmp_path, typed):
    path = tmp_path / "service.html"
    path.write_text(contract_html())
    r = clause_parser.parse(path)
    check_result(r)
    assert r.source.format == "html" and r.source.encoding == "utf-8"
    assert r.text == plain_contract().rstrip("\n")
    assert outline(r) == outline(typed)
    assert [c.text for c in r.clauses] == [c.text for c in typed.clauses]


def test_html_chrome_is_listed_in_removed_and_in_no_clause(tmp_path):
    path = tmp_path / "service.html"
    path.write_text(contract_html())
    r = clause_parser.parse(path)
    chrome = {x.reason: x.text for x in r.removed if x.span is None}
    assert chrome == {"html-title": f"合同范本网 - {TITLE}", "html-style": STYLE, "html-script": SCRIPT,
                      "html-nav": "首页 > 服务合同", "html-aside": "相关范本：劳动合同", "html-footer": "版权所有 © 合同范本网"}
    assert "第九十九条" not in r.text and r.find("第九十九条") is None
    assert not any("SimSun" in c.text or "版权所有" in c.text for c in r.clauses)


def test_html_named_txt_still_loads_as_html(tmp_path, typed):
    path = tmp_path / "service.txt"
    path.write_text(contract_html())
    r = clause_parser.parse(path)
    check_result(r)
    assert r.source.format == "html" and outline(r) == outline(typed)


@pytest.mark.parametrize("meta", ['<meta charset="gbk">',
                                  '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'])
def test_html_declared_chinese_charset(tmp_path, typed, meta):
    path = tmp_path / "service.htm"
    path.write_bytes(contract_html(meta=meta).encode("gb18030"))
    r = clause_parser.parse(path)
    check_result(r)
    assert r.source.encoding == "gb18030" and outline(r) == outline(typed)


def test_html_that_declares_gb2312_but_is_utf8(tmp_path, typed):
    path = tmp_path / "service.html"
    path.write_bytes(contract_html(charset="gb2312").encode("utf-8"))
    r = clause_parser.parse(path)
    assert r.source.encoding == "utf-8" and r.text == plain_contract().rstrip("\n")


def test_html_numbered_lists_and_hidden_text(tmp_path):
    path = tmp_path / "nda.html"
    path.write_text("<html><body><h3>第一条　保密义务</h3><ol>"
                    "<li>乙方不得向任何第三方披露甲方的商业秘密。</li>"
                    "<li>乙方应采取合理措施保护甲方的保密信息。</li></ol>"
                    '<div style="display:none">草稿：违约金待定</div>'
                    "<h3>第二条　争议解决</h3><p>争议提交上海仲裁委员会仲裁。</p></body></html>")
    r = clause_parser.parse(path)
    check_result(r)
    # A browser shows the list numbers; they are clause numbers like typed ones.
    assert [c.number for c in r.clauses] == ["第一条", "1", "2", "第二条"]
    assert r.find("第一条").label == "confidentiality" and r.find("第二条").label == "dispute"
    assert [(x.reason, x.text) for x in r.removed] == [("html-hidden", "草稿：违约金待定")]


def test_markdown_contract_reads_like_its_plain_text(tmp_path, typed):
    path = tmp_path / "service.md"
    path.write_text(contract_markdown())
    r = clause_parser.parse(path)
    check_result(r)
    assert r.source.format == "md"
    assert outline(r) == outline(typed)
    # Markdown needs a blank line before a table; otherwise the clauses' text is the typed text.
    assert [re.sub(r"\n+", "\n", c.text) for c in r.clauses] == [c.text for c in typed.clauses]
    assert "**" not in r.text and "#" not in r.text and "|" not in r.text


def test_markdown_syntax_goes_and_clause_numbers_stay(tmp_path):
    path = tmp_path / "nda.markdown"
    path.write_text("# 保密协议\n\n"
                    "## 第一条 **保密**信息\n\n"
                    "本协议所称保密信息见[附件一](attachments/1.pdf)及*甲方*书面通知。\n\n"
                    "1. 技术信息；\n2. 经营信息。\n\n"
                    "- 本条不适用于公开信息\n* 亦不适用于乙方已合法持有的信息\n\n"
                    "<script>alert('第五条')</script>\n\n"
                    "```\n第二条 争议解决\n```\n\n"
                    "甲方：________；\n乙方：________。\n")
    r = clause_parser.parse(path)
    check_result(r)
    assert r.text == ("保密协议\n\n第一条 保密信息\n\n本协议所称保密信息见附件一及甲方书面通知。\n\n"
                      "1. 技术信息；\n2. 经营信息。\n\n本条不适用于公开信息\n亦不适用于乙方已合法持有的信息\n\n"
                      "第二条 争议解决\n\n甲方：________；\n乙方：________。")
    assert [c.number for c in r.clauses if c.number] == ["第一条", "1", "2", "第二条"]
    # Blanks to fill in are not emphasis markers, even two on neighbouring lines.
    assert [f.text for c in r.clauses for f in c.fields if f.type == "blank"] == ["________", "________"]
    assert [(x.reason, x.text) for x in r.removed] == [("html-script", "alert('第五条')")]


def test_deeply_quoted_markdown_keeps_its_text(tmp_path):
    f = tmp_path / "deep.md"
    f.write_text(">" * 30 + " 第一条 乙方应按时交付。\n", encoding="utf-8")
    r = clause_parser.parse(f, classifier="rules")
    assert "乙方应按时交付" in r.text and r.clauses[0].number == "第一条"


def test_markdown_saved_as_txt_is_read_as_markdown(tmp_path):
    # a Notion or wiki page exported as .txt: headings and emphasis would hide the numbering
    path = tmp_path / "license.txt"
    path.write_text("# 软件许可协议\n\n**许可方**：甲公司\n\n**被许可方**：乙公司\n\n---\n\n"
                    "# 第一条 定义\n\n## 1.1 “许可软件”\n\n指甲方开发的仓储管理系统。\n\n"
                    "# 第二条 费用\n\n- 乙方应于签约后十日内支付许可费。\n\n> 注：费用含税。\n", encoding="utf-8")
    r = clause_parser.parse(path)
    assert r.source.format == "md"
    assert [c.number for c in r.clauses if c.number] == ["第一条", "1.1", "第二条"]
    assert "#" not in r.text and "**" not in r.text
    # a plain contract with a few dashes and bullets stays plain text
    plain = tmp_path / "plain.txt"
    plain.write_text("第一条 乙方的义务：\n- 按时交货；\n- 提供安装。\n---\n第二条 价款\n# 备注\n", encoding="utf-8")
    assert clause_parser.parse(plain).source.format == "txt"
