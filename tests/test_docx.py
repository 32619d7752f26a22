"""Word documents: a contract numbered by Word lists reads like the same contract typed as text."""
import io
import zipfile

import docx
import pytest
from lxml import etree

import clause_parser
from clause_parser.errors import CorruptDocument, UnsupportedFormat
from clause_parser.cli import main as cli_main
from clause_parser.loaders.docx import _sniff
from clause_parser.loaders.docx_numbering import ListNumbering, format_number
from docx_maker import (
    COMMENT, FOOTER, FOOTNOTE, HEADER, W, add_list, add_table, block_content_control, level_xml, numbering_xml, plain_contract,
    service_contract, service_contract_docx, set_numbering,
)
from helpers import check_result

RNS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def outline(result):
    return [(c.number, c.level, c.path, c.kind, c.label) for c in result.clauses]


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    path = tmp_path_factory.mktemp("docx") / "service.docx"
    service_contract(path)
    return path


@pytest.fixture(scope="module")
def parsed(contract):
    return clause_parser.parse(contract)


def test_word_numbered_contract_reads_like_its_plain_text(parsed, schema):
    check_result(parsed, schema)
    typed = clause_parser.parse_text(plain_contract())
    assert parsed.source.format == "docx"
    assert outline(parsed) == outline(typed)
    numbers = [c.number for c in parsed.clauses if c.number]
    assert numbers[:4] == ["第一条", "1.1", "1.2", "第二条"]
    assert "第十条" in numbers and "第十一条" in numbers and "第十二条" in numbers
    assert parsed.find("4.2").label == parsed.find("（一）").label
    assert parsed.find("（二）").parent == parsed.find("4.2").id
    assert parsed.find("第八条").label == "breach" and parsed.find("6.1").label == "confidentiality"


def test_heading_styled_articles_keep_their_text(parsed):
    assert parsed.find("第六条").text.startswith("第六条 保密")
    assert parsed.clauses[0].text == "信息系统运维服务合同"  # the Title-styled heading


def test_headers_footers_notes_and_comments_are_not_contract_text(parsed):
    by_reason = {r.reason: r.text for r in parsed.removed if r.span is None}
    assert by_reason == {"page-header": HEADER, "page-footer": FOOTER, "footnote": FOOTNOTE, "comment": COMMENT}
    for noise in (HEADER, FOOTER, FOOTNOTE, COMMENT):
        assert noise not in parsed.text
        assert not any(noise in c.text for c in parsed.clauses)
    assert parsed.to_dict()["removed"][0] == {"span": None, "text": HEADER, "reason": "page-header", "page": None}


def test_tracked_deletions_are_gone_and_insertions_kept(parsed):
    assert parsed.find("2.2").text == "2.2\t期限届满前三十日内，双方可协商续签。"
    assert "六十日" not in parsed.text


def test_tables_sit_where_they_are_in_the_document(parsed):
    fee = parsed.find("3.1")
    assert "服务项目\t单价\t数量\t金额\n日常运维\t5000元/月\t12\t60000元" in fee.text
    assert parsed.text.index("应急响应") < parsed.text.index(parsed.find("3.2").text)
    closing = parsed.clauses[-1]
    assert closing.kind == "closing" and closing.text.startswith("甲方（盖章）：\t乙方（盖章）：")


def test_content_controls_are_text(parsed):
    assert parsed.clauses[1].text == "甲方（委托方）：星河科技有限公司"


def test_explicit_page_breaks_give_pages(parsed, tmp_path):
    assert parsed.find("第一条").page == 1 and parsed.find("12.1").page == 1
    assert parsed.clauses[-1].page == 2
    service_contract_docx(page_break=False).save(str(tmp_path / "one_page.docx"))
    assert {c.page for c in clause_parser.parse(tmp_path / "one_page.docx").clauses} == {None}


def test_page_break_before_and_last_rendered_breaks(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("第一条 合同标的")
    p = doc.add_paragraph("第二条 付款方式")
    # Word records where pages fell at the last layout; that is not a break the author made.
    p._p.append(etree.fromstring(f'<w:r {W}><w:lastRenderedPageBreak/><w:t>甲方付款。</w:t></w:r>'))
    doc.add_paragraph("第三条 争议解决").paragraph_format.page_break_before = True
    doc.save(str(tmp_path / "breaks.docx"))
    r = clause_parser.parse(tmp_path / "breaks.docx")
    check_result(r)
    assert [c.page for c in r.clauses] == [1, 1, 2]


@pytest.mark.parametrize("name", ["contract.pdf", "contract.txt", "contract"])
def test_a_docx_under_another_name_still_loads_as_docx(contract, tmp_path, name, parsed):
    wrong = tmp_path / name
    wrong.write_bytes(contract.read_bytes())
    r = clause_parser.parse(wrong)
    check_result(r)
    assert r.source.format == "docx"
    assert outline(r) == outline(parsed)


def test_binary_file_object(contract, parsed):
    with open(contract, "rb") as f:
        assert outline(clause_parser.parse(f)) == outline(parsed)


def test_macro_enabled_document(contract, tmp_path, parsed):
    src = zipfile.ZipFile(contract)
    path = tmp_path / "contract.docm"
    with zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
                                    b"application/vnd.ms-word.document.macroEnabled.main+xml")
            out.writestr(info, data)
    assert b"macroEnabled" in zipfile.ZipFile(path).read("[Content_Types].xml")
    assert outline(clause_parser.parse(path)) == outline(parsed)


def test_sniffing_reads_only_the_head(contract):
    data = contract.read_bytes()
    assert len(data) > 8192 and _sniff(data[:8192])
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert not _sniff(other.getvalue())
    assert not _sniff(b"PK\x03\x04 not really a zip")


def _rezip(src, dst, change):
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w") as out:
        for info in z.infolist():
            data = change(info.filename, z.read(info))
            if data is not None:
                out.writestr(info, data)


def _corrupt_variants(contract, tmp_path):
    truncated = tmp_path / "truncated.docx"
    truncated.write_bytes(contract.read_bytes()[:5000])
    garbage = tmp_path / "garbage.docx"
    garbage.write_bytes(b"\x00\x01 this is not a zip" * 50)
    no_body = tmp_path / "no_document.docx"
    _rezip(contract, no_body, lambda n, d: None if n == "word/document.xml" else d)
    broken = tmp_path / "broken_xml.docx"
    _rezip(contract, broken, lambda n, d: d[: len(d) // 2] if n == "word/document.xml" else d)
    return [truncated, garbage, no_body, broken]


def test_corrupt_documents_raise_corrupt_document(contract, tmp_path):
    for path in _corrupt_variants(contract, tmp_path):
        with pytest.raises(CorruptDocument) as e:
            clause_parser.parse(path)
        msg = str(e.value)
        assert msg.startswith(f"{path}: ") and "\n" not in msg, msg
        problem, hint = msg[len(f"{path}: "):].split("; ", 1)
        assert "docx" in problem and "save it" in hint  # what is wrong, and what to do


def test_corrupt_document_on_the_command_line(contract, tmp_path, capsys):
    path = _corrupt_variants(contract, tmp_path)[3]
    assert cli_main(["parse", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and "Traceback" not in err


def test_imported_content_is_not_silently_dropped(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("第一条 合同标的")
    doc.element.body.insert(0, etree.fromstring(f'<w:altChunk {W} xmlns:r="{RNS}" r:id="rId99"/>'))
    doc.save(str(tmp_path / "chunk.docx"))
    with pytest.raises(UnsupportedFormat, match="chunk.docx: .*altChunk.*save it again"):
        clause_parser.parse(tmp_path / "chunk.docx")


def test_document_without_numbering_part(contract, tmp_path):
    def drop_numbering(name, data):
        if name == "word/numbering.xml":
            return None
        if name == "word/_rels/document.xml.rels":
            root = etree.fromstring(data)
            for rel in [r for r in root if r.get("Target") == "numbering.xml"]:
                root.remove(rel)
            return etree.tostring(root)
        return data

    path = tmp_path / "no_numbering.docx"
    _rezip(contract, path, drop_numbering)
    r = clause_parser.parse(path)
    check_result(r)
    assert "乙方负责甲方业务系统的日常运维" in r.text and "1.1" not in r.text


def test_hidden_text_text_boxes_and_content_controls(tmp_path):
    doc = docx.Document()
    p = doc.add_paragraph("第一条 租金为每月五千元。")
    p.add_run("（内部备注：可降至四千）").font.hidden = True
    box = doc.add_paragraph()
    box._p.append(etree.fromstring(
        f'<w:r {W} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        '<w:p><w:r><w:t>第二条 押金为两个月租金。</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))
    block_content_control(doc, "第三条 本合同自双方签字之日起生效。")
    doc.save(str(tmp_path / "hidden.docx"))
    r = clause_parser.parse(tmp_path / "hidden.docx")
    check_result(r)
    assert "内部备注" not in r.text
    assert [c.number for c in r.clauses] == ["第一条", "第二条", "第三条"]


def test_nested_tables_and_merged_cells(tmp_path):
    doc = docx.Document()
    doc.add_paragraph("第一条 付款安排")
    table = add_table(doc, [["期数", "金额"], ["第1期", "1000元"], ["第2期", "2000元"]])
    table.cell(1, 0).merge(table.cell(2, 0))  # vertically merged: the text is written once
    inner = table.cell(0, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "含税", "不含税"
    doc.save(str(tmp_path / "tables.docx"))
    r = clause_parser.parse(tmp_path / "tables.docx")
    check_result(r)
    assert r.text.count("第1期") == 1 and "第2期" in r.text
    assert r.text.index("含税\t不含税") < r.text.index("1000元")


def test_lists_numbered_in_the_document(tmp_path):
    doc = docx.Document()
    chapters = add_list(doc, [level_xml(0, "chineseCounting", "%1、", suff="nothing"),
                              level_xml(1, "chineseCounting", "（%2）", suff="nothing")])
    for level, text in [(0, "租赁物"), (1, "房屋位于北京市。"), (1, "面积一百平方米。"), (0, "租金"), (1, "每月五千元。")]:
        set_numbering(doc.add_paragraph(text), chapters, level)
    doc.save(str(tmp_path / "lists.docx"))
    r = clause_parser.parse(tmp_path / "lists.docx")
    check_result(r)
    assert [(c.number, c.level) for c in r.clauses] == [("一", 0), ("（一）", 1), ("（二）", 1), ("二", 0), ("（一）", 1)]
    assert r.find("二").text == "二、租金"


# ---------------------------------------------------------------- the numbering renderer


def _numbering(levels, *, nums=None, links=None, extra_abstracts=None):
    abstracts = {0: levels, **(extra_abstracts or {})}
    return etree.fromstring(numbering_xml(abstracts, nums or {1: (0, "")}, links))


def _p(num_id=1, ilvl=0, style=None):
    pstyle = f'<w:pStyle w:val="{style}"/>' if style else ""
    ilvl_xml = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
    num = f"<w:numPr>{ilvl_xml}<w:numId w:val=\"{num_id}\"/></w:numPr>" if num_id is not None else ""
    return etree.fromstring(f"<w:p {W}><w:pPr>{pstyle}{num}</w:pPr></w:p>")


def _styles(*styles):
    return etree.fromstring(f"<w:styles {W}>{''.join(styles)}</w:styles>")


def _style(sid, *, based_on=None, num_id=None, ilvl=None, kind="paragraph", default=False):
    based = f'<w:basedOn w:val="{based_on}"/>' if based_on else ""
    lvl = f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else ""
    num = f'<w:pPr><w:numPr>{lvl}<w:numId w:val="{num_id}"/></w:numPr></w:pPr>' if num_id is not None else ""
    dflt = ' w:default="1"' if default else ""
    return f'<w:style w:type="{kind}"{dflt} w:styleId="{sid}">{based}{num}</w:style>'


@pytest.mark.parametrize("fmt, values, expected", [
    ("decimal", (1, 12), ["1", "12"]),
    ("chineseCounting", (1, 10, 11, 20, 99, 101, 110, 999), ["一", "十", "十一", "二十", "九十九", "一百零一", "一百一十", "九百九十九"]),
    ("chineseCountingThousand", (3, 10, 15, 105), ["三", "十", "十五", "一百零五"]),
    ("chineseLegalSimplified", (1, 10, 12, 300), ["壹", "壹拾", "壹拾贰", "叁佰"]),
    ("ideographTraditional", (1, 2, 10, 11), ["甲", "乙", "癸", "11"]),
    ("decimalEnclosedCircle", (1, 10, 20, 21), ["①", "⑩", "⑳", "㉑"]),
    ("decimalEnclosedCircleChinese", (3,), ["③"]),
    ("upperLetter", (1, 26, 27), ["A", "Z", "AA"]),
    ("lowerLetter", (2, 28), ["b", "bb"]),
    ("upperRoman", (4, 9, 14, 40), ["IV", "IX", "XIV", "XL"]),
    ("lowerRoman", (3, 19), ["iii", "xix"]),
    ("decimalFullWidth", (7, 12), ["７", "１２"]),
    ("decimalZero", (3, 12), ["03", "12"]),
    ("decimalEnclosedParen", (2,), ["⑵"]),
    ("ideographDigital", (10,), ["一〇"]),
    ("someFutureFormat", (5,), ["5"]),
])
def test_number_formats(fmt, values, expected):
    assert [format_number(v, fmt) for v in values] == expected


def test_chinese_numbers_agree_with_cn2an():
    import cn2an

    assert all(format_number(n, "chineseCounting") == cn2an.an2cn(n) for n in range(1, 1000))
    assert all(format_number(n, "chineseLegalSimplified") == cn2an.an2cn(n, "up") for n in range(1, 1000))


def test_bullets_have_no_number():
    lists = ListNumbering(_numbering([level_xml(0, "bullet", "\uf0b7")]), None)
    assert lists.prefix(_p()) == ""


def test_level_text_and_suffixes():
    lists = ListNumbering(_numbering([level_xml(0, "chineseCounting", "第%1条", suff="space"),
                                      level_xml(1, "decimal", "%1.%2", legal=True),
                                      level_xml(2, "decimal", "(%3)", suff="nothing")]), None)
    assert [lists.prefix(_p(ilvl=k)) for k in (0, 1, 2, 2, 1, 0)] == [
        "第一条 ", "1.1\t", "(1)", "(2)", "1.2\t", "第二条 "]


def test_each_placeholder_uses_its_own_levels_format():
    lists = ListNumbering(_numbering([level_xml(0, "chineseCounting", "%1、"),
                                      level_xml(1, "decimal", "%1.%2")]), None)
    assert [lists.prefix(_p(ilvl=k)) for k in (0, 1)] == ["一、\t", "一.1\t"]


def test_start_and_start_override():
    levels = [level_xml(0, "decimal", "%1.", start=5)]
    lists = ListNumbering(_numbering(levels, nums={1: (0, ""), 2: (0, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride>')}), None)
    assert [lists.prefix(_p(n)) for n in (1, 1, 2, 2, 1)] == ["5.\t", "6.\t", "1.\t", "2.\t", "7.\t"]


def test_level_override_replaces_the_level():
    override = f'<w:lvlOverride w:ilvl="0">{level_xml(0, "upperLetter", "%1)", start=3)}</w:lvlOverride>'
    lists = ListNumbering(_numbering([level_xml(0, "decimal", "%1.")], nums={1: (0, ""), 2: (0, override)}), None)
    assert lists.prefix(_p(2)) == "C)\t"


def test_lists_sharing_an_abstract_numbering_continue():
    lists = ListNumbering(_numbering([level_xml(0, "decimal", "%1.")], nums={1: (0, ""), 2: (0, "")}), None)
    assert [lists.prefix(_p(n)) for n in (1, 1, 2)] == ["1.\t", "2.\t", "3.\t"]


def test_deeper_levels_restart_when_a_higher_level_advances():
    lists = ListNumbering(_numbering([level_xml(0, "decimal", "%1."), level_xml(1, "decimal", "%1.%2"),
                                      level_xml(2, "lowerLetter", "%3)", restart=1)]), None)
    seq = [lists.prefix(_p(ilvl=k)).strip() for k in (0, 1, 2, 2, 1, 2, 0, 1, 2)]
    # level 3 restarts only after level 1 (lvlRestart 1), not after level 2
    assert seq == ["1.", "1.1", "a)", "b)", "1.2", "c)", "2.", "2.1", "a)"]


def test_never_restarting_level():
    lists = ListNumbering(_numbering([level_xml(0, "decimal", "%1."), level_xml(1, "decimal", "(%2)", restart=0)]), None)
    assert [lists.prefix(_p(ilvl=k)).strip() for k in (0, 1, 1, 0, 1)] == ["1.", "(1)", "(2)", "2.", "(3)"]


def test_unused_higher_level_shows_its_start():
    lists = ListNumbering(_numbering([level_xml(0, "decimal", "%1.", start=3), level_xml(1, "decimal", "%1.%2")]), None)
    assert lists.prefix(_p(ilvl=1)) == "3.1\t"


def test_numbering_from_styles_follows_based_on_and_linked_levels():
    levels = [level_xml(0, "chineseCounting", "第%1章", suff="space", pstyle="Chapter"),
              level_xml(1, "chineseCounting", "第%2条", suff="space", pstyle="Article")]
    styles = _styles(_style("Normal", default=True), _style("Chapter", num_id=1), _style("Article", num_id=1),
                     _style("ArticleRed", based_on="Article"), _style("Item", num_id=1, ilvl=1))
    lists = ListNumbering(_numbering(levels), styles)
    seq = [lists.prefix(_p(None, None, style)) for style in ("Chapter", "Article", "ArticleRed", "Chapter", "Item", "Normal")]
    assert seq == ["第一章 ", "第一条 ", "第二条 ", "第二章 ", "第一条 ", ""]


def test_direct_num_id_zero_switches_off_style_numbering():
    styles = _styles(_style("Article", num_id=1, ilvl=0))
    lists = ListNumbering(_numbering([level_xml(0, "decimal", "%1.")]), styles)
    assert lists.prefix(_p(0, None, "Article")) == ""
    assert lists.prefix(_p(None, None, "Article")) == "1.\t"


def test_num_style_link_reaches_the_defining_list():
    real = [level_xml(0, "chineseCounting", "%1、", suff="nothing")]
    linked = etree.fromstring(numbering_xml({0: [], 1: real}, {1: (0, ""), 2: (1, "")}, links={0: "ContractList"}))
    # abstract 1 defines the list and is the one numbering style ContractList points at (via num 2)
    styles = _styles(_style("ContractList", kind="numbering", num_id=2))
    assert ListNumbering(linked, styles).prefix(_p(1)) == "一、"


def test_level_without_ilvl_is_level_zero():
    lists = ListNumbering(_numbering([level_xml(None, "decimalEnclosedCircle", "%1")]), None)
    assert lists.prefix(_p(ilvl=None)) == "①\t"


def test_missing_parts_and_unknown_lists_give_no_number():
    assert ListNumbering(None, None).prefix(_p()) == ""
    lists = ListNumbering(_numbering([level_xml(0, "decimal", "%1.")]), None)
    assert lists.prefix(_p(num_id=7)) == ""
    assert lists.prefix(_p(ilvl=4)) == ""  # a level the list does not define
    assert lists.prefix(etree.fromstring(f"<w:p {W}/>")) == ""
