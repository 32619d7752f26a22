"""Segmentation as a user sees it: numbers, hierarchy, headings, what is and is not a clause."""
import pytest

import clause_parser
from helpers import check_result


def numbers(result):
    return [c.number for c in result.clauses if c.number is not None]


def tree(result):
    """(number, parent number) pairs of the numbered clauses."""
    by_id = {c.id: c for c in result.clauses}
    return [(c.number, by_id[c.parent].number if c.parent else None) for c in result.clauses if c.number]


@pytest.mark.parametrize("text, expected", [
    ("第一编 总则\n第一章 定义\n第一节 一般规定\n第一条 甲方应当提供服务。\n第一款 服务时间为工作日。", ["第一编", "第一章", "第一节", "第一条", "第一款"]),
    ("一、服务\n二、费用", ["一", "二"]),
    ("一. 服务\n二. 费用", ["一", "二"]),
    ("一，服务\n二，费用", ["一", "二"]),
    ("（一）服务\n（二）费用", ["（一）", "（二）"]),
    ("(一)服务\n(二)费用", ["(一)", "(二)"]),
    ("1. 服务\n2. 费用", ["1", "2"]),
    ("1、服务\n2、费用", ["1", "2"]),
    ("1．服务\n2．费用", ["1", "2"]),
    ("1) 服务\n2) 费用", ["1)", "2)"]),
    ("1.1 服务\n1.2 费用\n1.2.1 首付款\n1.2.1.1 支付时间", ["1.1", "1.2", "1.2.1", "1.2.1.1"]),
    ("(1) 服务\n(2) 费用", ["(1)", "(2)"]),
    ("（1）服务\n（2）费用", ["（1）", "（2）"]),
    ("①服务\n②费用", ["①", "②"]),
    ("a) 服务\nb) 费用", ["a)", "b)"]),
    ("A. 服务\nB. 费用", ["A", "B"]),
    ("(a) 服务\n(b) 费用", ["(a)", "(b)"]),
    ("1-1 服务\n1-2 费用", ["1-1", "1-2"]),
    ("第十九条 甲\n第二十条 乙\n第一百零一条 丙", ["第十九条", "第二十条"]),
    ("壹、服务\n贰、费用", ["壹", "贰"]),
    ("第三條 委託事項\n第四條 代理權限", ["第三條", "第四條"]),
    ("１．１　服务\n１．２　费用", ["１．１", "１．２"]),
    ("（ａ）服务\n（ｂ）费用", ["（ａ）", "（ｂ）"]),
    ("Ａ．服务\nＢ．费用", ["Ａ", "Ｂ"]),
    ("１－１ 服务\n１－２ 费用", ["１－１", "１－２"]),
    ("第 三 条 服务\n第 四 条 费用", ["第 三 条", "第 四 条"]),
    ("第一条\t服务\n第二条\t费用", ["第一条", "第二条"]),
    ("⑴ 服务\n⑵ 费用", ["⑴", "⑵"]),
    ("Article 1 Services\nArticle 2 Fees", ["Article 1", "Article 2"]),
    ("【第一条】服务\n【第二条】费用", ["【第一条】", "【第二条】"]),
    ("[第1条] 服务\n[第2条] 费用", ["[第1条]", "[第2条]"]),
    ("Ⅰ．服务\nⅡ．费用\nⅢ．违约", ["Ⅰ", "Ⅱ", "Ⅲ"]),
    ("I. 服务\nII. 费用\nIII. 违约\nIV. 争议", ["I", "II", "III", "IV"]),
    ("(i) 服务\n(ii) 费用\n(iii) 违约", ["(i)", "(ii)", "(iii)"]),
])
def test_every_marker_style(text, expected, schema):
    r = clause_parser.parse_text(text)
    check_result(r, schema)
    assert numbers(r)[: len(expected)] == expected


def test_values_of_markers():
    r = clause_parser.parse_text("第五条 甲\n（三）乙\n1.2 丙\n① 丁\nb) 戊")
    # first markers of a document may start mid-way (a truncated page), their values are what they say
    assert [c.value for c in r.clauses][:1] == [5]
    r = clause_parser.parse_text("第一条 总则\n（一）甲\n（二）乙\n（三）丙\n1. 子项\n2. 子项\n①一\n②二\na) x\nb) y")
    values = {c.number: c.value for c in r.clauses}
    assert values["（三）"] == 3 and values["②"] == 2 and values["b)"] == 2 and values["第一条"] == 1


def test_clause_text_starts_with_its_marker_and_excludes_children():
    r = clause_parser.parse_text("第三条 付款方式\n3.1 甲方应于签约后支付首付款。\n3.2 尾款于验收后支付。")
    c = r.find("第三条")
    assert c.text == "第三条 付款方式"
    assert r.find("3.1").text == "3.1 甲方应于签约后支付首付款。"
    assert r.find("3.1").parent == c.id


@pytest.mark.parametrize("text, expected", [
    # 一、 above 1.1
    ("一、服务内容\n1.1 乙方提供咨询。\n1.2 乙方提供培训。\n二、费用\n2.1 甲方支付费用。",
     [("一", None), ("1.1", "一"), ("1.2", "一"), ("二", None), ("2.1", "二")]),
    # 第X条 above （一）
    ("第一条 服务\n（一）咨询；\n（二）培训。\n第二条 费用\n（一）首付款；",
     [("第一条", None), ("（一）", "第一条"), ("（二）", "第一条"), ("第二条", None), ("（一）", "第二条")]),
    # 1. above (1)
    ("1. 服务\n(1) 咨询；\n(2) 培训。\n2. 费用\n(1) 首付款。",
     [("1", None), ("(1)", "1"), ("(2)", "1"), ("2", None), ("(1)", "2")]),
    # (1) above 1. — the order of appearance decides, not a fixed ranking
    ("(1) 服务\n1. 咨询；\n2. 培训。\n(2) 费用\n1. 首付款。",
     [("(1)", None), ("1", "(1)"), ("2", "(1)"), ("(2)", None), ("1", "(2)")]),
    # articles numbered continuously across sections
    ("一、合同期限\n第一条 本合同期限一年。\n第二条 试用期一个月。\n二、工作内容\n第三条 乙方担任会计。",
     [("一", None), ("第一条", "一"), ("第二条", "一"), ("二", None), ("第三条", "二")]),
    # chapters, articles, and 第X款 below articles
    ("第一章 总则\n第一条 目的。\n第一款 甲。\n第二款 乙。\n第二条 范围。\n第二章 费用\n第三条 价款。",
     [("第一章", None), ("第一条", "第一章"), ("第一款", "第一条"), ("第二款", "第一条"), ("第二条", "第一章"),
      ("第二章", None), ("第三条", "第二章")]),
    # decimals under articles: 5.1 belongs to 第五条
    ("第五条 技术内容\n5.1 组成部分\n5.2 技术路线\n第六条 计划\n6.1 进度",
     [("第五条", None), ("5.1", "第五条"), ("5.2", "第五条"), ("第六条", None), ("6.1", "第六条")]),
])
def test_hierarchy_follows_the_document(text, expected):
    assert tree(clause_parser.parse_text(text)) == expected


@pytest.mark.parametrize("text, expected_numbers", [
    # a wrapped line that starts with an out-of-sequence number
    ("1. 甲方应在合同签订后支付合同总价的\n30%作为预付款。\n2. 乙方应交付货物。", ["1", "2"]),
    ("1. 租期为\n3个月。\n2. 租金", ["1", "2"]),
    ("1. 本合同自\n2024.3.1起生效。\n2. 租金", ["1", "2"]),
    ("1. 租金为\n1.5万元。\n2. 押金", ["1", "2"]),
    ("第一条 甲方收到\n第一封信后回复。\n第二条 乙方", ["第一条", "第二条"]),
    ("5.1 乙方应当\n依照本合同第5.2条履行。\n5.2 甲方", ["5.1", "5.2"]),
    ("第一条 违约\n乙方违反第三条第２款约定的，应支付违约金。\n第二条 争议", ["第一条", "第二条"]),
    ("1. 具体清单见附件一。\n2. 验收", ["1", "2"]),
    ("第一条 服务\n联系电话：６６．８９７１\n第二条 费用", ["第一条", "第二条"]),
    ("1. 付款\n2. 交货\n2. 重复的行\n3. 验收", ["1", "2", "3"]),
])
def test_false_markers_are_not_clauses(text, expected_numbers):
    r = clause_parser.parse_text(text)
    check_result(r)
    assert numbers(r) == expected_numbers


def test_cross_reference_inside_a_sentence_is_not_a_clause():
    r = clause_parser.parse_text("第一条 甲方应依照本合同第5.2条和第三条第２款的约定付款，详见附件一。\n第二条 乙方")
    assert numbers(r) == ["第一条", "第二条"]


def test_squashed_markers_of_a_scraped_page():
    r = clause_parser.parse_text("经友好协商，达成如下协议:一、货物描述1. 货物名称:______2. 型号:_____3. 数量:100台。\n二、价格")
    assert tree(r) == [("一", None), ("1", "一"), ("2", "一"), ("3", "一"), ("二", None)]
    assert r.find("2").text == "2. 型号:_____"


def test_list_inside_one_sentence():
    r = clause_parser.parse_text("第八条 违约\n有下列情形之一的，视为乙方违约：①逾期交货；②质量不合格；③拒绝验收。\n第九条 争议")
    assert tree(r) == [("第八条", None), ("①", "第八条"), ("②", "第八条"), ("③", "第八条"), ("第九条", None)]
    assert r.find("②").text == "②质量不合格；"


def test_headings_alone_and_with_body():
    r = clause_parser.parse_text("一、服务内容\n1. 乙方提供咨询服务。\n第一条 合同标的 乙方应向甲方交付软件一套。")
    first = r.clauses[0]
    assert (first.kind, first.heading) == ("heading", "服务内容")
    art = r.find("第一条")
    assert art.heading == "合同标的" and art.kind == "clause"


def test_preamble_closing_and_attachment():
    text = ("技术服务合同\n合同编号：JS-2024-001\n甲方：北京某科技有限公司\n地址：北京市海淀区\n乙方：上海某信息公司\n"
            "经友好协商，达成如下协议：\n第一条 服务内容\n乙方为甲方提供运维服务。\n第二条 其他\n本合同一式两份。\n"
            "甲方（盖章）：          乙方（盖章）：\n日期：2024年3月1日\n附件一：服务清单\n1. 服务器巡检\n2. 数据备份")
    r = clause_parser.parse_text(text)
    check_result(r)
    kinds = [c.kind for c in r.clauses]
    assert kinds[0] == "preamble" and "closing" in kinds and "attachment" in kinds
    closing = next(c for c in r.clauses if c.kind == "closing")
    assert "盖章" in closing.text and "2024年3月1日" in closing.text
    att = next(c for c in r.clauses if c.kind == "attachment")
    assert att.number == "附件一"
    assert [c.number for c in r.children(att)] == ["1", "2"]
    assert r.contracts[0].title == "技术服务合同"
    assert all(c.label == "other" for c in r.clauses if c.kind in ("preamble", "closing"))


@pytest.mark.parametrize("annexes", [
    "附件：房屋平面图\n",
    "附件一：房屋平面图\n附件二：家具清单\n",
    "附件：\n1. 房屋平面图\n2. 家具清单\n",
])
def test_a_list_of_annexes_before_the_signatures_leaves_them_the_closing(annexes):
    text = ("房屋租赁合同\n甲方：张三\n乙方：李四\n第一条 租金每月两千元。\n第二条 本合同一式两份。\n" + annexes
            + "甲方（签字）：北京某某房地产经纪有限公司　　　　乙方（签字）：李四\n日期：2024年1月1日\n")
    r = clause_parser.parse_text(text)
    check_result(r)
    closing = [c for c in r.clauses if c.kind == "closing"]
    assert len(closing) == 1 and closing[0].text.startswith("甲方（签字）") and "2024年1月1日" in closing[0].text
    assert not any("签字" in c.text for c in r.clauses if c.kind == "attachment")


def test_an_annex_with_its_own_text_keeps_its_signatures():
    text = ("房屋租赁合同\n甲方：张三\n乙方：李四\n第一条 租金每月两千元。\n第二条 本合同一式两份。\n"
            "附件一：房屋交接确认书\n乙方确认已收到钥匙三把，房屋及设施完好，水电读数已抄录无误。\n"
            "甲方（签字）：          乙方（签字）：\n")
    r = clause_parser.parse_text(text)
    att = next(c for c in r.clauses if c.kind == "attachment")
    assert "钥匙" in att.text and "签字" in att.text
    assert "closing" not in [c.kind for c in r.clauses]


def test_wrapped_lines_stay_in_their_clause_and_trailing_paragraph_is_its_own_entry():
    text = ("第一条 甲方的义务\n（一）按时支付服务费用，不得无故\n拖延；\n（二）提供必要的工作条件。\n"
            "上述义务未履行的，乙方有权顺延服务期限。\n第二条 乙方的义务")
    r = clause_parser.parse_text(text)
    one = r.find("（一）")
    assert one.text == "（一）按时支付服务费用，不得无故\n拖延；"
    trailing = [c for c in r.clauses if c.number is None and c.kind == "clause"]
    assert len(trailing) == 1 and trailing[0].parent == r.find("第一条").id
    assert trailing[0].text.startswith("上述义务")


def test_two_contracts_in_one_file():
    text = ("租赁合同范本3篇\n篇一\n房屋租赁合同\n甲方：张三\n乙方：李四\n第一条 租金每月三千元。\n第二条 租期一年。\n"
            "篇二\n房屋租赁合同\n出租方：王五\n承租方：赵六\n第一条 租金每月两千元。\n第二条 押金一个月。")
    r = clause_parser.parse_text(text)
    check_result(r)
    assert [c.index for c in r.contracts] == [0, 1]
    assert {c.contract for c in r.clauses if "王五" in c.text} == {1}
    assert {c.contract for c in r.clauses if "张三" in c.text} == {0}
    assert any(x.reason == "sample-separator" for x in r.removed)


def test_repeated_title_and_party_block_start_a_new_contract():
    one = "买卖合同\n甲方：某甲公司\n乙方：某乙公司\n第一条 标的\n第二条 价款\n第三条 交付\n"
    r = clause_parser.parse_text(one + one.replace("某甲", "某丙"))
    assert len(r.contracts) == 2
    assert [c.number for c in r.clauses if c.contract == 1 and c.number] == ["第一条", "第二条", "第三条"]


def test_same_input_gives_byte_identical_json():
    text = "第一条 费用\n甲方支付人民币1000元。\n第二条 争议\n提交仲裁。"
    assert clause_parser.parse_text(text).to_json() == clause_parser.parse_text(text).to_json()


def test_numbering_in_english_bilingual_contract():
    r = clause_parser.parse_text("Article 1 Definitions 定义\n1.1 本合同中的术语含义如下。\nArticle 2 Payment 付款\n2.1 甲方应付款。")
    assert tree(r) == [("Article 1", None), ("1.1", "Article 1"), ("Article 2", None), ("2.1", "Article 2")]


def test_an_attached_agreement_is_an_attachment_not_a_new_contract():
    text = ("服务合同\n甲方：某甲公司\n乙方：某乙公司\n第一条 服务\n第二条 费用\n第三条 保密\n第四条 其他\n"
            "附件一：保密协议\n甲方：某甲公司\n乙方：某乙公司\n1. 乙方不得泄露甲方信息。")
    r = clause_parser.parse_text(text)
    assert len(r.contracts) == 1
    att = next(c for c in r.clauses if c.kind == "attachment")
    assert att.number == "附件一" and [c.number for c in r.children(att)] == ["1"]


def test_chinese_numeral_with_closing_bracket():
    assert numbers(clause_parser.parse_text("一) 服务\n二) 费用")) == ["一)", "二)"]


def test_bare_numbers_closed_by_a_space_number_top_level_headings():
    text = "1　定义与解释\n1.1 “货物”指超声诊断仪。\n1.2 “服务”指安装与培训。\n2　合同价款\n2.1 总价为人民币十万元。\n"
    assert tree(clause_parser.parse_text(text)) == [("1", None), ("1.1", "1"), ("1.2", "1"), ("2", None), ("2.1", "2")]
    # but a wrapped line starting with a quantity is not a clause
    assert numbers(clause_parser.parse_text("1. 租期为\n3 个月。\n2. 租金")) == ["1", "2"]


def test_chinese_numerals_typed_without_their_comma_number_short_headings():
    text = ("门面转让协议\n甲方：张三\n乙方：李四\n一 转让门面基本情况\n1)门面位于某路12号。\n2)面积65平方米。\n"
            "二、转让费\n1)转让费五万元。\n三 其他\n本协议一式两份。\n")
    r = clause_parser.parse_text(text)
    assert tree(r) == [("一", None), ("1)", "一"), ("2)", "一"), ("二", None), ("1)", "二"), ("三", None)]
    # a numeral wrapped to a line's start before a unit, or inside a sentence, is no heading
    assert numbers(clause_parser.parse_text("一、租期\n租期为\n三 年，自交付之日起。\n二、租金")) == ["一", "二"]
    assert numbers(clause_parser.parse_text("一、租期\n三 方共同确认，租期自交付之日起计算。\n二、租金")) == ["一", "二"]


def test_the_top_level_style_resumes_after_a_heading_typed_in_another():
    text = "一、工程概况\n1. 面积100平方米。\n二、费用\n1. 总价十万元。\n(三)违约责任\n1. 违约金五千元。\n四、其他\n本合同一式两份。"
    assert tree(clause_parser.parse_text(text)) == [("一", None), ("1", "一"), ("二", None), ("1", "二"),
                                                    ("(三)", None), ("1", "(三)"), ("四", None)]


def test_circled_items_straight_after_a_word_open_a_list():
    text = "1、租期一年。\n2、甲方义务：甲方应当①保证车辆手续齐全；②为车辆投保交强险；③提供备用钥匙。\n3、违约责任：见①②。"
    assert tree(clause_parser.parse_text(text)) == [("1", None), ("2", None), ("①", "2"), ("②", "2"), ("③", "2"),
                                                    ("3", None)]


def test_items_behind_a_check_box_are_numbered_with_their_box():
    text = ("第四条 付款方式\n买受人选择下列第 3 种方式付款：\n□ 1. 一次性付款：签约当日付清。\n□ 2. 分期付款：分两期支付。\n"
            "☑ 3. 贷款付款：首付三成。\n第五条 交付")
    r = clause_parser.parse_text(text)
    assert tree(r) == [("第四条", None), ("1", "第四条"), ("2", "第四条"), ("3", "第四条"), ("第五条", None)]
    assert r.find("3").text == "☑ 3. 贷款付款：首付三成。"


def test_a_decorated_chapter_heading_is_numbered():
    text = "◆ 第一章 托管期限 ◆\n第一条 托管期限为五年。\n📌 第二章 费用\n第二条 托管费每年十万元。"
    r = clause_parser.parse_text(text)
    assert tree(r) == [("第一章", None), ("第一条", "第一章"), ("第二章", None), ("第二条", "第二章")]
    assert r.find("第二章").text.startswith("📌 第二章")


def test_rows_of_a_tab_separated_table_are_no_clauses():
    text = "第五条 报价\n序号\t项目\t金额\n1\t网站设计\t18,000\n2\t后台开发\t62,000\n第六条 付款\n1.1\t首付款为总价的30%。\n"
    r = clause_parser.parse_text(text)
    assert tree(r) == [("第五条", None), ("第六条", None), ("1.1", "第六条")]
    assert "后台开发" in r.find("第五条").text


def test_a_list_set_further_in_nests_under_the_item_above_in_the_same_style():
    text = ("第七条 付款\n1. 总价十万元。\n2. 付款方式如下：\n   1. 签约后付40%；\n   2. 验收后付50%；\n   3. 期满付10%。\n"
            "3. 乙方应开具发票。\n4. 账户见附件。\n")
    assert tree(clause_parser.parse_text(text)) == [
        ("第七条", None), ("1", "第七条"), ("2", "第七条"), ("1", "2"), ("2", "2"), ("3", "2"), ("3", "第七条"), ("4", "第七条")]


def test_a_cited_article_wrapped_to_a_line_start_stays_in_its_sentence():
    text = ("第6.3.2款 委托人有权暂停监理业务。\n第6.3.3款 委托人依据通用合同条款\n第6.3.2款解除本合同的，监理人应在7日内撤离现场。\n"
            "第6.3.4款 监理人有权解除本合同。")
    r = clause_parser.parse_text(text)
    assert numbers(r) == ["第6.3.2款", "第6.3.3款", "第6.3.4款"]
    assert "撤离现场" in r.find("第6.3.3款").text


def test_dotted_articles_written_with_tiao_but_without_di():
    text = ("第一章 定义\n1.1条　“体系”指甲方的经营模式。\n1.2条　“商标”指注册商标。\n第二章 授权\n"
            "2.1条　甲方授予乙方权利。\n2.2条　乙方不得转授权，依照本合同第1.1条处理。\n")
    r = clause_parser.parse_text(text)
    assert tree(r) == [("第一章", None), ("1.1条", "第一章"), ("1.2条", "第一章"), ("第二章", None),
                       ("2.1条", "第二章"), ("2.2条", "第二章")]
    # in a sentence, "3.2条" stays a reference
    assert numbers(clause_parser.parse_text("1. 按照3.2条处理。\n2. 其他")) == ["1", "2"]


def test_running_header_with_page_number_is_noise():
    r = clause_parser.parse_text("第一条 甲方应付款。\n某某合同（2024版）        第 1 页 共 4 页\n第二条 乙方应交货。")
    assert [x.reason for x in r.removed] == ["page-header"]


def test_a_numbered_heading_about_the_contract_does_not_start_a_new_one():
    text = ("许可合同\n甲方：某甲\n乙方：某乙\n一、许可\n二、费用\n三、期限\n十一、合同备案及其他事项\n"
            "本合同一式两份。\n甲方(盖章):______    乙方(盖章):______\n")
    assert len(clause_parser.parse_text(text).contracts) == 1


def test_one_of_is_not_a_marker_after_a_short_lead_in():
    r = clause_parser.parse_text("第十条　因下列原因之一，直接或者间接造成损失的，保险人不负责赔偿：\n"
                                 "（一）战争；\n（二）核辐射。\n第十一条　其他。")
    assert [c.number for c in r.clauses] == ["第十条", "（一）", "（二）", "第十一条"]


def test_roman_numerals_number_sections_and_lists():
    r = clause_parser.parse_text("设备采购合同\nⅠ．总则\n1) 乙方提供设备。\n2) 设备应符合国家标准。\nⅡ．价款\n"
                                 "1) 合同总价为人民币五万元，包括：(i) 设备款；(ii) 安装费；(iii) 培训费。\n"
                                 "Ⅲ．争议\n协商不成的，向甲方所在地人民法院起诉。")
    assert tree(r) == [("Ⅰ", None), ("1)", "Ⅰ"), ("2)", "Ⅰ"), ("Ⅱ", None), ("1)", "Ⅱ"), ("(i)", "1)"), ("(ii)", "1)"),
                       ("(iii)", "1)"), ("Ⅲ", None)]
    assert r.find("Ⅱ").label == "fee" and r.find("Ⅲ").label == "dispute"


def test_the_ninth_letter_of_a_lettered_list_stays_a_letter():
    items = "\n".join(f"{ch}. 乙方办理事务{n}。" for n, ch in enumerate("abcdefghij", 1))
    r = clause_parser.parse_text("第一条 乙方事务\n" + items)
    assert [(c.number, c.value) for c in r.clauses if c.parent][8:] == [("i", 9), ("j", 10)]
    assert all(p == "第一条" for _, p in tree(r)[1:])


def test_articles_numbered_in_words_with_decimals_and_in_brackets():
    r = clause_parser.parse_text("【第一条】定义\n本合同所称设备指附件所列设备。\n【第二条】甲方义务\n"
                                 "第2.1条 甲方应提供必要的工作条件。\n第2.2条 甲方应按本合同第3.1条的约定支付费用。\n"
                                 "【第三条】费用\n第3.1条 服务费为人民币二万元。")
    assert tree(r) == [("【第一条】", None), ("【第二条】", None), ("第2.1条", "【第二条】"), ("第2.2条", "【第二条】"),
                       ("【第三条】", None), ("第3.1条", "【第三条】")]
    assert "第3.1条的约定" in r.find("第2.2条").text  # a reference in a sentence, not a clause
    assert r.find("第一条").heading == "定义" and r.find("3.1").number == "第3.1条"


def test_an_article_marker_closed_by_a_comma_mark_is_an_article_not_a_reference():
    r = clause_parser.parse_text("第一条、租赁物。甲方将房屋出租给乙方。\n第二条、租赁期限。租期一年。\n"
                                 "第三条、租金。乙方按第一条、第二条的约定使用房屋并支付租金。")
    assert numbers(r) == ["第一条", "第二条", "第三条"]
    assert "第一条、第二条的约定" in r.find("第三条").text


def test_a_reference_right_after_a_marker_is_not_a_clause():
    r = clause_parser.parse_text("2.1 甲方授予乙方复制权。\n2.2　除第2.1条列明的权利外，其他权利由甲方保留。\n"
                                 "2.3 就第五条所述事项，双方另行协商。")
    assert numbers(r) == ["2.1", "2.2", "2.3"]


def test_recitals_after_a_party_block_are_their_own_entry():
    r = clause_parser.parse_text("著作权许可使用合同\n许可方：某某文化公司\n地址：北京市某区某路1号\n被许可方：某某传媒公司\n"
                                 "地址：上海市某区某路2号\n鉴于：许可方拥有某作品的著作权，被许可方希望使用该作品。\n第一条 许可内容\n"
                                 "许可方许可被许可方以出版方式使用该作品。")
    pre = [c.text for c in r.clauses if c.kind == "preamble"]
    assert pre[-1].startswith("鉴于") and pre[-2] == "被许可方：某某传媒公司\n地址：上海市某区某路2号"


def _hard_wrapped(paragraphs: list[str], width: int = 30, indent: str = "") -> str:
    lines = []
    for p in paragraphs:
        first = True
        while p:
            lines.append((indent if first else "") + p[:width])
            p, first = p[width:], False
    return "\n".join(lines)


LONG_RECITAL = ("为保障乙方校舍冬季供热，明确双方在供用热过程中的权利和义务，根据《中华人民共和国民法典》和本市城市供热"
                "管理的有关规定，甲乙双方经平等协商，订立本合同。")
ARTICLES = [f"第{ch}条 乙方应当按照本合同附件所列的标准完成第{n}阶段的工作，完成后五个工作日内书面通知甲方；"
            f"甲方应当在收到通知后十日内组织验收，验收合格的签署验收单。" for n, ch in enumerate("一二三四五六", 1)]


def test_a_hard_wrapped_recital_stays_one_entry():
    r = clause_parser.parse_text("供用热合同\n供热方（甲方）：某热力公司\n用热方（乙方）：某学校\n" + _hard_wrapped([LONG_RECITAL] + ARTICLES))
    pre = [c.text for c in r.clauses if c.kind == "preamble"]
    assert pre[-1].replace("\n", "") == LONG_RECITAL
    # an item cut at the wrap width right after "；" goes on in the next line
    assert all(c.text.replace("\n", "").endswith("签署验收单。") for c in r.clauses if c.number)
    assert len([c for c in r.clauses if c.kind == "clause" and not c.number]) == 0


def test_an_indented_line_of_a_hard_wrapped_text_starts_a_paragraph():
    body = _hard_wrapped([LONG_RECITAL, "双方确认已经仔细阅读本合同全部条款，对各方的权利义务理解一致，自愿签订本合同并共同遵守。"] + ARTICLES,
                         indent="　　")
    r = clause_parser.parse_text("供用热合同\n供热方（甲方）：某热力公司\n用热方（乙方）：某学校\n" + body)
    pre = [c.text.replace("\n", "").strip() for c in r.clauses if c.kind == "preamble"]
    assert pre[-2:] == [LONG_RECITAL, "双方确认已经仔细阅读本合同全部条款，对各方的权利义务理解一致，自愿签订本合同并共同遵守。"]


def test_chained_references_inside_a_sentence_are_not_clauses():
    r = clause_parser.parse_text("第五条 付款\n1. 甲方应支付首付款。\n2. 甲方支付前款第1项费用后，乙方开始施工。\n"
                                 "3. 乙方违反第三条第一款约定的，应支付违约金。\n4. 尾款在验收后支付。")
    assert numbers(r) == ["第五条", "1", "2", "3", "4"]


def test_a_table_of_contents_without_page_numbers_is_no_clause():
    body = "第一章 定义与解释\n第一条 本协议所称产品指附件一所列药品。\n第二章 经销授权\n第二条 甲方授权乙方在湖南省内经销产品。\n"
    toc = "目  录\n\n第一章  定义与解释\n第二章  经销授权\n附件一  产品价格表\n\n"
    r = clause_parser.parse_text("药品区域经销协议\n" + toc + "甲方：恒川制药股份有限公司\n乙方：湘南医药有限公司\n" + body)
    assert numbers(r) == ["第一章", "第一条", "第二章", "第二条"]
    assert [x.reason for x in r.removed] == ["toc"] * 3
    assert r.clauses[1].text == "目  录"  # the heading stays in the preamble, where a reader sees it
    # the body may follow the contents at once: it starts where a heading comes round again
    r = clause_parser.parse_text("目录\n第一章 定义与解释\n第二章 经销授权\n第三章 其他\n" + body)
    assert numbers(r) == ["第一章", "第一条", "第二章", "第二条"]
    # contents with page numbers end at the first heading without one
    r = clause_parser.parse_text("目录\n第一章 定义与解释 …… 1\n第二章 经销授权 …… 2\n第三章 其他 …… 3\n" + body)
    assert numbers(r) == ["第一章", "第一条", "第二章", "第二条"]


def test_a_cover_page_title_set_over_centred_lines_is_one_entry():
    cover = "\n\n              关于\n      杭州某某生物科技有限公司\n               之\n          增资扩股协议\n\n\n        二〇二四年六月\n\n"
    r = clause_parser.parse_text(cover + "甲方：苏州某某创业投资合伙企业\n乙方：杭州某某生物科技有限公司\n第一条 甲方以现金认购新增注册资本。")
    assert [c.text.split() for c in r.clauses[:2]] == [["关于", "杭州某某生物科技有限公司", "之", "增资扩股协议"], ["二〇二四年六月"]]
    # party lines set far in under a title are each their own entry
    r = clause_parser.parse_text("房屋租赁契约书\n立契约书人　出租人　林某（以下简称甲方）\n"
                                 "　　　　　　承租人　某某实业有限公司（以下简称乙方）\n　　　　　　连带保证人　陈某（以下简称丙方）\n"
                                 "第一条 租赁房屋坐落于某市某路。")
    assert len([c for c in r.clauses if c.kind == "preamble"]) == 4


def test_a_figure_repeating_a_number_in_words_is_no_marker_even_after_a_line_break():
    r = clause_parser.parse_text("第六条 董事会\n6.1 乙方有权向丙方委派一\n（1）名董事，任期三\n（3）年。\n6.2 丙方应于三十（30）日内办理变更登记。")
    assert numbers(r) == ["第六条", "6.1", "6.2"]
    # a list item after a line that ends in a number word is still an item
    r = clause_parser.parse_text("第一条 付款方式：\n（1）首期支付总价的百分之二\n（2）余款于验收后支付。")
    assert numbers(r) == ["第一条", "（1）", "（2）"]


def test_a_bilingual_contract_gives_each_clause_once_with_its_translation():
    r = clause_parser.parse_text(
        "第一条 货物 / Article 1 Goods\n1.1 货物为数控加工中心六台。\n1.1 The Goods are six CNC machining centers.\n"
        "第二条 付款\nArticle 2 Payment\n2.1 买方应在装运前支付全部货款。\n2.1 The Buyer shall pay in full before shipment.\n"
        "2.2 卖方应提供商业发票。\n2.2 The Seller shall provide a commercial invoice.")
    assert numbers(r) == ["第一条", "1.1", "第二条", "2.1", "2.2"]
    assert r.find("2.1").text.endswith("The Buyer shall pay in full before shipment.")
    # an English contract numbered the same way is not a translation of anything
    en = clause_parser.parse_text("Article 1 Goods\n1.1 The Goods are six machines.\n1.2 The price is fixed.")
    assert numbers(en) == ["Article 1", "1.1", "1.2"]


def test_grades_counted_in_words_are_no_marker_after_a_line_break():
    r = clause_parser.parse_text("第一条 乙方负责机械的小修和\n一、二级技术保养，费用自理。\n第二条 其他未尽事宜另行协商。")
    assert numbers(r) == ["第一条", "第二条"]
    assert "一、二级技术保养" in r.find("第一条").text


def test_hand_typed_markers_closed_by_a_colon_or_dash_and_bracketed_numerals():
    r = clause_parser.parse_text("装修合同\n甲方：张三\n乙方：李四\n【一】工程概况\n1- 工程地址：某小区5栋。\n2- 工期30天。\n"
                                 "【二】付款\n1：开工付10%；\n2：完工付清。\n甲乙双方按3:1分担，9:30前进场。")
    assert tree(r) == [("【一】", None), ("1", "【一】"), ("2", "【一】"), ("【二】", None), ("1", "【二】"), ("2", "【二】")]
    # a ratio or a time at a line's start is no marker
    r = clause_parser.parse_text("第一条 双方按下列比例分担：\n3:1由甲方承担。\n9:30前进场。")
    assert numbers(r) == ["第一条"]


def test_articles_numbered_in_traditional_financial_numerals():
    r = clause_parser.parse_text("第壹條 租金\n第貳條 按金\n第參條 通知\n第肆條 其他\n第伍條 擔保\n第陸條 修繕\n第柒條 轉租\n"
                                 "第捌條 保險\n第玖條 終止\n第拾條 不可抗力\n第拾壹條 爭議\n第拾貳條 擔保\n第拾參條 通知")
    assert [c.value for c in r.clauses] == list(range(1, 14))


def test_a_typed_heading_in_another_style_takes_its_place_in_the_count():
    r = clause_parser.parse_text("门面转让协议\n甲方：张三\n乙方：李四\n第一条 门面基本情况\n1、位置：某路8号。\n2、面积：50平方米。\n"
                                 "二、转让内容\n1、剩余租期的承租权。\n第三条 转让费\n1、转让费5万元。")
    assert [n for n, parent in tree(r) if parent is None] == ["第一条", "二", "第三条"]
    # an item numbered on from its article in another style is no heading: it says something
    r = clause_parser.parse_text("第一条 甲方的义务\n（1）提供场地；\n2、提供水电，并按时付款。\n第二条 其他")
    assert [n for n, parent in tree(r) if parent is None] == ["第一条", "第二条"]


def test_a_model_texts_special_part_cites_the_general_parts_numbers_sparsely():
    general = "第二部分 通用条款\n第一条 定义\n第二条 适用法律\n第三条 监理范围\n第四条 监理内容\n第五条 报酬\n第六条 争议\n"
    special = ("第三部分 专用条款\n第二条 本合同适用的法律：________。\n1. 国家法律；\n2. 地方法规。\n"
               "第五条 监理报酬：________元。\n（1）签约后支付30%；\n（2）竣工后付清。\n第六条 争议提交________仲裁委员会。")
    r = clause_parser.parse_text("委托监理合同\n甲方：某建设公司\n乙方：某监理公司\n第一部分 协议书\n本合同一式两份。\n" + general + special)
    part = [(n, p) for n, p in tree(r)][tree(r).index(("第三部分", None)):]
    assert part == [("第三部分", None), ("第二条", "第三部分"), ("1", "第二条"), ("2", "第二条"), ("第五条", "第三部分"),
                    ("（1）", "第五条"), ("（2）", "第五条"), ("第六条", "第三部分")]
    # outside such a part, a number used before is still no new article
    r = clause_parser.parse_text(general + "第二条 适用法律另行约定。")
    assert numbers(r).count("第二条") == 1


def test_a_reference_wrapped_after_its_di_is_no_marker():
    r = clause_parser.parse_text("一、解除\n（一）双方协商一致的，可以解除本合同。\n（二）乙方有下列情形之一的，甲方可解除本合同：\n"
                                 "1. 逾期超过30日的；\n2. 违反第四条第\n（四）项约定的。\n"
                                 "（三）任何一方需提前解除的，应提前30日通知对方。\n（四）本合同解除不影响结算条款的效力。")
    assert tree(r) == [("一", None), ("（一）", "一"), ("（二）", "一"), ("1", "（二）"), ("2", "（二）"), ("（三）", "一"),
                       ("（四）", "一")]
    assert r.find("2").text.endswith("（四）项约定的。")


def test_numbered_recitals_belong_to_the_preamble():
    r = clause_parser.parse_text("合作协议\n甲方：某科技公司\n乙方：某医院\n鉴于：\n1. 甲方系依法设立的医疗器械企业；\n"
                                 "2. 乙方拟采购甲方的设备并委托甲方提供维护服务。\n"
                                 "第一条 合作内容\n1. 甲方向乙方提供设备维护服务。\n2. 乙方提供场地。")
    kinds = [(c.number, c.kind) for c in r.clauses if c.number]
    assert kinds == [("1", "preamble"), ("2", "preamble"), ("第一条", "heading"), ("1", "clause"), ("2", "clause")]
    assert [c.label for c in r.clauses if c.kind == "preamble"] == ["other"] * 6


@pytest.mark.parametrize("rows, last_row", [
    ("序号 | 节点 | 比例\n1    | 预付款 | 10%\n2    | 到货款 | 40%", "2    | 到货款 | 40%"),  # cells between rules
    ("序号　　品名　　　规格　　　单位　　数量\n1　　球阀　　　DN50　　　台　　200\n2　　闸阀　　　DN100　　台　　120",
     "2　　闸阀　　　DN100　　台　　120"),  # cells set apart by spaces
])
def test_rows_of_a_table_typed_in_text_stay_in_their_clause(rows, last_row):
    r = clause_parser.parse_text(f"第八条 付款\n8.1 付款节点如下：\n{rows}\n8.2 每期付款前乙方应开具发票。")
    assert numbers(r) == ["第八条", "8.1", "8.2"]
    assert r.find("8.1").text.endswith(last_row)


def test_a_list_of_annexes_wrapped_in_a_sentence_opens_no_attachment():
    r = clause_parser.parse_text("第一条 服务\n乙方提供运维服务。\n第二条 其他\n2.1 下列文件构成本合同的组成部分：附件一《技术规范》、\n"
                                 "附件二《考核办法》、附件三《报价单》。\n2.2 本合同附件包括：\n"
                                 "附件1《设备清单》；附件2《保密承诺书》。附件与本合同具有同等效力。\n\n附件一：技术规范\n1. 系统可用率不低于99.9%。")
    assert [(c.number, c.kind) for c in r.clauses if c.kind == "attachment"] == [("附件一", "attachment")]
    assert r.find("2.2").text.endswith("附件与本合同具有同等效力。")


def test_a_number_closing_a_bracket_in_a_heading_is_no_marker():
    r = clause_parser.parse_text("1. 里程碑\n(1) 里程碑一（M1）：原型设计经甲方确认，期限为第30日；\n(2) 里程碑二（M2）：开发完成。")
    assert tree(r) == [("1", None), ("(1)", "1"), ("(2)", "1")]


def test_a_questions_points_before_the_contract_are_not_its_clauses():
    qa = ("我和朋友合伙开店，想问：\n1.赚了钱怎么分；\n2.以后有人想退出怎么办；\n3.他会不会另开一家。\n求一份范本！\n"
          "合伙协议\n甲方：张三\n乙方：李四\n第一条 合伙经营餐馆。\n第二条 盈余按出资比例分配。\n第三条 退伙应提前三十日通知。")
    r = clause_parser.parse_text(qa)
    assert numbers(r) == ["第一条", "第二条", "第三条"] and len(r.contracts) == 1
    assert [p.role for p in r.contracts[0].parties] == ["甲方", "乙方"]
    # a model text's own numbered notes before it are its clauses, as its annotators read them
    notes = "使用说明\n1．本文本为示范文本。\n2．空白处由双方填写。\n3．□为选择项。\n" + qa.split("求一份范本！\n")[1]
    assert numbers(clause_parser.parse_text(notes))[:3] == ["1", "2", "3"]


def test_two_parties_named_with_numbers_are_no_marker():
    r = clause_parser.parse_text("第一条 赠与\n1. 甲方一、甲方二对本次赠与意思表示一致。\n2. 乙方应当对甲方一、甲方二履行赡养义务。")
    assert tree(r) == [("第一条", None), ("1", "第一条"), ("2", "第一条")]


def test_a_schedules_lettered_dotted_numbers_nest_under_it():
    r = clause_parser.parse_text("1. 服务\n1.1 乙方提供云主机服务。\n附件一 服务等级协议\nA.1 适用范围：云主机。\nA.2 服务可用性\n"
                                 "A.2.1 可用性按月计算。\nA.2.2 乙方承诺可用性不低于A.1条所述标准。\nA.3 服务抵扣")
    assert tree(r) == [("1", None), ("1.1", "1"), ("附件一", None), ("A.1", "附件一"), ("A.2", "附件一"),
                       ("A.2.1", "A.2"), ("A.2.2", "A.2"), ("A.3", "附件一")]


def test_an_article_put_in_later_and_a_company_forms_letters():
    r = clause_parser.parse_text("第九條 服務年限\n乙方應服務滿二年。\n第九條之一 禁止招攬\n乙方不得勸誘甲方員工離職。\n"
                                 "第十條 違約\n乙方違反第九條之一之約定者，應賠償損失。\n"
                                 "第十一條 甲方為XX有限公司（XX Limitada / XX S.A.），住所設於澳門。")
    assert numbers(r)[:4] == ["第九條", "第九條之一", "第十條", "第十一條"] and len(numbers(r)) == 4
    assert "第九條之一之約定" in r.find("第十條").text


def test_markers_as_ocr_reads_them():
    middle = "".join(f"第{n}条 约定事项。\n" for n in "三四五六七八九十")
    r = clause_parser.parse_text("笫一条 租赁房屋\n甲方将房屋出租给乙方。\n第二条 租期\n租期一年。\n" + middle
                                 + "第十 一条 其他\n本合同一式两份。")
    assert numbers(r)[:2] == ["笫一条", "第二条"] and numbers(r)[-1] == "第十 一条"
    assert [c.value for c in r.clauses if c.number] == list(range(1, 12))
    r = clause_parser.parse_text("— 、合同标的\n乙方供应水泵。\n二、价款\n总价十万元。")
    assert numbers(r) == ["—", "二"] and [c.value for c in r.clauses] == [1, 2]


def test_an_l_that_ocr_made_of_a_one_starts_a_numbered_list_but_follows_k_as_a_letter():
    r = clause_parser.parse_text("第一条 付款方式\nl.签约后支付30%；\n2.到货后支付60%；\n3.验收后支付10%。\n第二条 交付")
    assert tree(r) == [("第一条", None), ("l", "第一条"), ("2", "第一条"), ("3", "第一条"), ("第二条", None)]
    letters = "".join(f"{ch}. 事项。\n" for ch in "abcdefghijkl")
    r = clause_parser.parse_text("第一条 下列事项：\n" + letters)
    assert [c.value for c in r.clauses if c.parent] == list(range(1, 13))
