"""Builds Word fixtures for the tests with python-docx, so no binary fixture is committed.

``service_contract()`` returns the same contract twice: as the plain text a person would type
(numbers written out) and as a ``.docx`` whose clause numbers come from Word list numbering (the
text of a numbered paragraph holds no number), with a fee table, a signature table, a page header
and footer, a footnote, a comment, a content control and a tracked deletion/insertion.

>>> plain = service_contract("/tmp/contract.docx")      # doctest: +SKIP
>>> plain.splitlines()[4]                                # doctest: +SKIP
'第一条　服务内容'
"""
from __future__ import annotations

from dataclasses import dataclass

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

W = nsdecls("w")
FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


def level_xml(ilvl: int | None, fmt: str, text: str, *, start: int = 1, suff: str | None = None,
              restart: int | None = None, legal: bool = False, pstyle: str | None = None) -> str:
    """One ``w:lvl``; ``ilvl=None`` leaves the attribute out (malformed files do)."""
    attr = "" if ilvl is None else f' w:ilvl="{ilvl}"'
    return (f"<w:lvl {W}{attr}><w:start w:val=\"{start}\"/><w:numFmt w:val=\"{fmt}\"/>"
            + (f'<w:lvlRestart w:val="{restart}"/>' if restart is not None else "")
            + (f'<w:pStyle w:val="{pstyle}"/>' if pstyle else "")
            + ("<w:isLgl/>" if legal else "")
            + (f'<w:suff w:val="{suff}"/>' if suff else "")
            + f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/></w:lvl>')


def numbering_xml(abstracts: dict[int, list[str]], nums: dict[int, tuple[int, str]],
                  links: dict[int, str] | None = None) -> str:
    """A whole ``word/numbering.xml``: abstractNum id → its level XML, numId → (abstractNumId, overrides XML)."""
    links = links or {}
    out = [f"<w:numbering {W}>"]
    for aid, levels in abstracts.items():
        link = f'<w:numStyleLink w:val="{links[aid]}"/>' if aid in links else ""
        out.append(f'<w:abstractNum w:abstractNumId="{aid}">{link}{"".join(levels)}</w:abstractNum>')
    for nid, (aid, overrides) in nums.items():
        out.append(f'<w:num w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{overrides}</w:num>')
    out.append("</w:numbering>")
    return "".join(out)


def add_list(doc, levels: list[str], *, overrides: str = "") -> int:
    """Add an abstractNum with ``levels`` and a num using it to ``doc``; returns the numId."""
    root = doc.part.numbering_part.element
    abstract_ids = [int(a.get(qn("w:abstractNumId"))) for a in root.findall(qn("w:abstractNum"))]
    num_ids = [int(n.get(qn("w:numId"))) for n in root.findall(qn("w:num"))]
    aid, nid = max(abstract_ids, default=-1) + 1, max(num_ids, default=0) + 1
    abstract = parse_xml(f'<w:abstractNum {W} w:abstractNumId="{aid}">'
                         '<w:multiLevelType w:val="multilevel"/></w:abstractNum>')
    for lvl in levels:
        abstract.append(parse_xml(lvl))
    # The schema wants every abstractNum before the first num.
    first_num = root.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        root.append(abstract)
    root.append(parse_xml(f'<w:num {W} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>{overrides}</w:num>'))
    return nid


def set_numbering(paragraph, num_id: int | None, ilvl: int | None) -> None:
    """Give ``paragraph`` a direct ``w:numPr`` (leave out either value with None)."""
    ppr = paragraph._p.get_or_add_pPr()
    parts = (f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else "") + (
        f'<w:numId w:val="{num_id}"/>' if num_id is not None else "")
    ppr.append(parse_xml(f"<w:numPr {W}>{parts}</w:numPr>"))


def numbered_style(doc, style_id: str, name: str, num_id: int, *, based_on: str = "Normal"):
    """A paragraph style carrying list numbering, as Word's multilevel-list-linked headings do."""
    styles = doc.styles.element
    styles.append(parse_xml(
        f'<w:style {W} w:type="paragraph" w:styleId="{style_id}"><w:name w:val="{name}"/>'
        f'<w:basedOn w:val="{based_on}"/><w:pPr><w:numPr><w:numId w:val="{num_id}"/></w:numPr></w:pPr></w:style>'))
    return style_id


def add_footnote(doc, paragraph, text: str) -> None:
    """python-docx cannot make footnotes: add the footnotes part and a reference by hand."""
    xml = (f'<w:footnotes {W}>'
           '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
           '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
           f'<w:footnote w:id="1"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>'
           '</w:footnotes>')
    part = Part(PackURI("/word/footnotes.xml"), FOOTNOTES_CT, xml.encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    paragraph._p.append(parse_xml(f'<w:r {W}><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                                  '<w:footnoteReference w:id="1"/></w:r>'))


def tracked_change(paragraph, deleted: str, inserted: str) -> None:
    """Append a tracked deletion followed by a tracked insertion to ``paragraph``."""
    stamp = 'w:author="审阅人" w:date="2024-02-01T00:00:00Z"'
    paragraph._p.append(parse_xml(f'<w:del {W} w:id="901" {stamp}><w:r><w:delText>{deleted}</w:delText></w:r></w:del>'))
    paragraph._p.append(parse_xml(f'<w:ins {W} w:id="902" {stamp}><w:r><w:t>{inserted}</w:t></w:r></w:ins>'))


def content_control(paragraph, text: str) -> None:
    """Append an inline content control (w:sdt) holding ``text``, as form templates use."""
    paragraph._p.append(parse_xml(f'<w:sdt {W}><w:sdtPr><w:alias w:val="公司名称"/></w:sdtPr>'
                                  f'<w:sdtContent><w:r><w:t>{text}</w:t></w:r></w:sdtContent></w:sdt>'))


def block_content_control(doc, text: str) -> None:
    """A block-level content control around a whole paragraph."""
    p = doc.add_paragraph(text)
    sdt = parse_xml(f'<w:sdt {W}><w:sdtPr><w:tag w:val="clause"/></w:sdtPr><w:sdtContent/></w:sdt>')
    p._p.addprevious(sdt)
    sdt.find(qn("w:sdtContent")).append(p._p)


def add_table(doc, rows: list[list[str]]):
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            lines = value.split("\n")
            cell = table.cell(r, c)
            cell.text = lines[0]
            for line in lines[1:]:
                cell.add_paragraph(line)
    return table


def page_break_before(paragraph) -> None:
    paragraph.paragraph_format.page_break_before = True


# ---------------------------------------------------------------- the sample contract


@dataclass
class Line:
    """A line of the contract: ``marker`` as typed in the plain text, ``level`` in the Word list."""

    text: str
    marker: str | None = None
    level: int | None = None


FEE_TABLE = [["服务项目", "单价", "数量", "金额"],
             ["日常运维", "5000元/月", "12", "60000元"],
             ["应急响应", "800元/次", "10", "8000元"]]
SIGNATURES = [["甲方（盖章）：", "乙方（盖章）："],
              ["代表人签字：\n日期：2024年2月20日", "代表人签字：\n日期：2024年2月20日"]]
HEADER = "星河科技有限公司 运维服务合同"
FOOTER = "内部资料 请勿外传"
FOOTNOTE = "服务费均为含税价。"
COMMENT = "请法务复核违约金比例"

CONTRACT = [
    Line("甲乙双方经友好协商，就乙方向甲方提供信息系统运维服务事宜，达成如下协议："),
    Line("服务内容", "第一条", 0),
    Line("乙方负责甲方业务系统的日常运维、故障排查和性能优化。", "1.1", 1),
    Line("乙方应在接到故障通知后两小时内到达现场，并在二十四小时内排除故障。", "1.2", 1),
    Line("服务期限", "第二条", 0),
    Line("服务期限自2024年3月1日起至2025年2月28日止。", "2.1", 1),
    Line("期限届满前三十日内，双方可协商续签。", "2.2", 1),  # the docx writes 六十日 as a tracked deletion
    Line("服务费用及支付", "第三条", 0),
    Line("服务费用明细如下：", "3.1", 1),
    Line("<fee table>"),
    Line("甲方应在每季度结束后十个工作日内，将当季服务费支付至乙方指定账户。", "3.2", 1),
    Line("乙方收款前应向甲方开具等额增值税专用发票。", "3.3", 1),
    Line("甲方的权利和义务", "第四条", 0),
    Line("甲方应为乙方提供必要的工作条件和系统访问权限。", "4.1", 1),
    Line("甲方有权对乙方的服务质量进行监督和考核：", "4.2", 1),
    Line("每月对故障响应时间进行统计；", "（一）", 2),
    Line("每季度对系统可用率进行评估。", "（二）", 2),
    Line("乙方的权利和义务", "第五条", 0),
    Line("乙方应按照国家标准和行业规范提供服务。", "5.1", 1),
    Line("乙方不得将本合同项下的服务转包或分包给第三方。", "5.2", 1),
    Line("保密", "第六条", 0),
    Line("乙方对在服务过程中知悉的甲方商业秘密和客户信息负有保密义务，未经甲方书面同意不得向任何第三方披露。", "6.1", 1),
    Line("本条规定的保密义务在本合同终止后继续有效。", "6.2", 1),
    Line("知识产权", "第七条", 0),
    Line("乙方在服务过程中为甲方开发的脚本和文档，其知识产权归甲方所有。", "7.1", 1),
    Line("违约责任", "第八条", 0),
    Line("乙方未按约定时间响应的，每次应向甲方支付违约金五百元。", "8.1", 1),
    Line("甲方逾期支付服务费的，每逾期一日，应按应付金额的万分之五向乙方支付违约金。", "8.2", 1),
    Line("合同的解除", "第九条", 0),
    Line("乙方连续三次未能按约定排除故障的，甲方有权解除本合同。", "9.1", 1),
    Line("不可抗力", "第十条", 0),
    Line("因不可抗力不能履行合同的，受影响一方应及时通知对方，并在合理期限内提供证明。", "10.1", 1),
    Line("争议解决", "第十一条", 0),
    Line("因本合同引起的争议，双方应协商解决；协商不成的，任何一方可向甲方所在地人民法院提起诉讼。", "11.1", 1),
    Line("其他", "第十二条", 0),
    Line("本合同一式两份，甲乙双方各执一份，自双方签字盖章之日起生效。", "12.1", 1),
    Line("<signatures>"),
]
TITLE = "信息系统运维服务合同"
PARTIES = [("甲方（委托方）：", "星河科技有限公司"), ("乙方（服务方）：", "云帆信息技术有限公司")]


def _table_text(rows: list[list[str]]) -> str:
    return "\n".join("\t".join(cell for cell in row) for row in rows)


def plain_contract() -> str:
    """The contract as plain text, numbers typed by hand."""
    lines = [TITLE] + [a + b for a, b in PARTIES]
    for line in CONTRACT:
        if line.text == "<fee table>":
            lines.append(_table_text(FEE_TABLE))
        elif line.text == "<signatures>":
            lines.append(_table_text(SIGNATURES))
        else:
            lines.append(f"{line.marker}\u3000{line.text}" if line.marker else line.text)
    return "\n".join(lines) + "\n"


CLAUSE_LEVELS = [
    level_xml(0, "chineseCounting", "第%1条", suff="space"),
    level_xml(1, "decimal", "%1.%2", legal=True),  # tab after the number: Word's default
    level_xml(2, "chineseCounting", "（%3）", suff="nothing"),
]


def service_contract_docx(*, page_break: bool = True, extras: bool = True) -> docx.document.Document:
    """The contract as Word writes it: numbers from a multilevel list, articles numbered through their style.

    ``extras`` adds the header, footer, footnote, comment and tracked change; ``page_break`` puts
    the signatures on a page of their own.
    """
    doc = docx.Document()
    num_id = add_list(doc, CLAUSE_LEVELS)
    article_style = numbered_style(doc, "ContractArticle", "合同条标题", num_id, based_on="Heading2")
    doc.add_heading(TITLE, level=0)
    for label, company in PARTIES:
        p = doc.add_paragraph(label)
        content_control(p, company)
    for line in CONTRACT:
        if line.text == "<fee table>":
            add_table(doc, FEE_TABLE)
            continue
        if line.text == "<signatures>":
            if page_break:
                doc.add_page_break()
            add_table(doc, SIGNATURES)
            continue
        if line.level == 0:
            p = doc.add_paragraph(line.text, style=doc.styles["合同条标题"])
            assert p.style.style_id == article_style
        elif extras and line.marker == "2.2":
            before, after = line.text.split("三十日")
            p = doc.add_paragraph(before)
            set_numbering(p, num_id, 1)
            tracked_change(p, "六十日", "三十日")
            p.add_run(after)
        else:
            p = doc.add_paragraph(line.text)
            if line.level is not None:
                set_numbering(p, num_id, line.level)
        if extras and line.marker == "3.2":
            add_footnote(doc, p, FOOTNOTE)
        if extras and line.marker == "8.1":
            doc.add_comment(p.runs, text=COMMENT, author="王律师", initials="W")
    if extras:
        section = doc.sections[0]
        section.header.paragraphs[0].text = HEADER
        section.footer.paragraphs[0].text = FOOTER
    return doc


def service_contract(path, **kwargs):
    """Write the Word contract to ``path``; returns the plain-text twin."""
    service_contract_docx(**kwargs).save(str(path))
    return plain_contract()
