"""Reading files: encodings, line endings, noise, errors a user can act on."""
import io

import pytest

import clause_parser
from clause_parser.errors import ClauseParserError, DecodingError, InputNotFound, OptionError
from helpers import check_result

CONTRACT = "房屋租赁合同\n甲方：张三\n乙方：李四\n第一条 租金\n乙方每月支付租金人民币三千元。\n第二条 争议\n争议提交仲裁委员会仲裁。\n"
TRAD = "房屋租賃合同\n甲方：張三\n乙方：李四\n第一條 租金\n乙方每月支付租金人民幣三千元。\n第二條 爭議\n爭議提交仲裁委員會仲裁。\n"


@pytest.mark.parametrize("encoding, text, expected", [
    ("utf-8", CONTRACT, "utf-8"),
    ("utf-8-sig", CONTRACT, "utf-8"),
    ("utf-16", CONTRACT, "utf-16"),
    ("gb18030", CONTRACT, "gb18030"),
    ("gbk", CONTRACT, "gb18030"),
    ("big5", TRAD, "big5"),
])
def test_encodings_are_detected(tmp_path, encoding, text, expected):
    f = tmp_path / "contract.txt"
    f.write_bytes(text.encode(encoding))
    r = clause_parser.parse(f)
    assert r.text == text
    assert r.source.encoding.replace("_", "-").startswith(expected.split("-")[0])
    assert [c.number for c in r.clauses if c.number] in (["第一条", "第二条"], ["第一條", "第二條"])
    assert r.find("2").label == "dispute"


def test_encoding_override_and_line_endings(tmp_path):
    f = tmp_path / "c.txt"
    f.write_bytes(CONTRACT.replace("\n", "\r\n").encode("gb18030"))
    r = clause_parser.parse(f, encoding="gb18030")
    assert "\r" not in r.text and r.source.encoding == "gb18030"
    with pytest.raises(DecodingError, match="c.txt: not valid utf-8"):
        clause_parser.parse(f, encoding="utf-8")


def test_traditional_text_keeps_its_characters_but_matches_simplified_rules():
    r = clause_parser.parse_text(TRAD)
    assert r.text == TRAD
    assert r.find("第二條").label == "dispute" and r.find("第一條").label == "fee"


def test_binary_file_gets_a_clear_error(tmp_path):
    f = tmp_path / "image.txt"
    f.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(DecodingError) as e:
        clause_parser.parse(f)
    assert "image.txt" in str(e.value) and "\n" not in str(e.value)


def test_missing_file_and_wrong_argument_types(tmp_path):
    with pytest.raises(InputNotFound, match="nope.txt: no such file"):
        clause_parser.parse(tmp_path / "nope.txt")
    with pytest.raises(InputNotFound):
        clause_parser.parse(tmp_path)
    with pytest.raises(OptionError):
        clause_parser.parse_text(b"bytes")
    with pytest.raises(OptionError, match="text mode"):
        clause_parser.parse(io.StringIO("第一条"))
    assert issubclass(OptionError, ClauseParserError)


def test_binary_file_object(tmp_path):
    r = clause_parser.parse(io.BytesIO(CONTRACT.encode("gb18030")))
    assert r.text == CONTRACT and r.source.path is None


def test_empty_document_is_valid_json_with_no_clauses(schema):
    r = clause_parser.parse_text("")
    check_result(r, schema)
    assert r.clauses == [] and len(r.contracts) == 1


NOISY = """当前位置：首页 > 合同范本 > 租赁合同
房屋租赁合同范本（精选12篇）
作者：admin   发布时间：2023-04-05 10:22:31   浏览次数：1024
本文档由合同网用户上传，VIP会员可免费下载
房屋租赁合同
甲方：张三
乙方：李四
第一条 租金
乙方每月支付租金人民币三千元，
第 1 页 共 3 页
于每月五日前支付。
- 2 -
第二条 争议
争议提交仲裁委员会仲裁。
文档评论(0)
目录
第一章 总则..........1
"""


def test_web_and_print_noise_is_removed_with_reasons(schema):
    r = clause_parser.parse_text(NOISY)
    check_result(r, schema)
    reasons = {x.reason for x in r.removed}
    assert {"breadcrumb", "collection-title", "author-date", "web-banner", "page-number", "counter", "toc"} <= reasons
    art = r.find("第一条")
    assert art.text == "第一条 租金\n乙方每月支付租金人民币三千元，\n\n于每月五日前支付。" or "第 1 页" not in art.text
    assert "第 1 页" not in art.text and "于每月五日前支付" in art.text
    assert art.span[0] < next(x for x in r.removed if x.reason == "page-number").span[0] < art.span[1]
    assert not any("文档评论" in c.text or "浏览次数" in c.text for c in r.clauses)


def test_contract_sentences_with_web_words_are_kept():
    r = clause_parser.parse_text("第一条 乙方应在平台上提供软件下载服务。\n第二条 甲方上传的资料归甲方所有。")
    assert not r.removed
    assert len([c for c in r.clauses if c.number]) == 2


def _pdf_like_text(header: str, in_sentence: bool = False) -> str:
    body = []
    for n in range(1, 10):
        body.append(f"第{'一二三四五六七八九'[n - 1]}条 乙方应当按照本合同附件所列的标准完成第{n}阶段的工作，并在完成后")
        if n % 3 == 0 and in_sentence:
            body.append(header)  # a page break in the middle of a sentence
        body.append("五个工作日内书面通知甲方验收。")
        if n % 3 == 0 and not in_sentence:
            body.append(header)
    return "借款合同\n甲方：某银行\n乙方：某公司\n" + "\n".join(body)


def test_a_running_header_repeated_at_page_breaks_is_removed():
    header = "某某银行股份有限公司　　　　个人借款合同（2023年版）"
    r = clause_parser.parse_text(_pdf_like_text(header))
    assert [x.reason for x in r.removed] == ["page-header"] * 3
    assert not any("2023年版" in c.text for c in r.clauses)
    assert [c.number for c in r.clauses if c.number][:9] == [f"第{ch}条" for ch in "一二三四五六七八九"]


def test_a_centred_title_repeated_inside_sentences_is_a_running_header():
    r = clause_parser.parse_text(_pdf_like_text("个人借款合同（2023年版）", in_sentence=True))
    assert [x.reason for x in r.removed] == ["page-header"] * 3
    assert all(c.text.replace("\n", "").endswith("验收。") for c in r.clauses if c.number)


def test_a_section_heading_repeated_in_every_sample_contract_is_kept():
    sample = ("房屋租赁合同\n出租方：＿＿＿＿\n承租方：＿＿＿＿\n第一条 租金每月人民币＿＿元。\n违约责任\n"
              "第二条 逾期付租的，每日按租金的千分之一支付违约金。\n第三条 租期一年。\n第四条 本合同一式两份。\n")
    r = clause_parser.parse_text("\n".join([sample] * 3))
    assert not r.removed and sum("违约责任" in c.text for c in r.clauses) == 3


def test_repeated_titles_of_sample_contracts_and_table_rows_are_kept():
    sample = "房屋租赁合同\n出租方：＿＿＿＿\n承租方：＿＿＿＿\n第一条 租金每月人民币＿＿元。\n第二条 租期一年。\n第三条 押金两千元。\n"
    r = clause_parser.parse_text("\n".join([sample] * 3))
    assert not r.removed and len(r.contracts) == 3
    table = "第一条 货物清单如下：\n" + "\n".join(["│ 名称 │ 数量 │", "├──────┼──────┤"] * 3)
    assert not clause_parser.parse_text(table).removed
    form = "第一条 乙方意见：\n" + "\n".join(["（1）是否同意延期", "□同意　□不同意"] * 3)
    assert not clause_parser.parse_text(form).removed


def test_a_running_header_above_the_parties_on_the_first_page_is_still_a_header():
    page = "\n\n- {n} -\n\n　　　　　　　　　　　　增资扩股协议 · 保密\n\n"
    text = ("增资扩股协议" + page.format(n=1) + "甲方：某某创业投资合伙企业\n乙方：某某生物科技有限公司\n"
            "第一条 甲方以现金认购丙方新增注册资本。" + page.format(n=2) + "第二条 乙方应于交割日办理登记。"
            + page.format(n=3) + "第三条 本协议一式四份。")
    r = clause_parser.parse_text(text)
    assert [x.reason for x in r.removed].count("page-header") == 3
    assert [c.number for c in r.clauses if c.number] == ["第一条", "第二条", "第三条"]


def test_a_commentators_box_between_clauses_is_noise():
    r = clause_parser.parse_text("1. 拍摄内容\n1.1 乙方应拍摄短视频十条。\n\n【律师解读】\n“拍几条、多长”最容易写得模糊，建议：\n"
                                 "1. 写明数量和时长；\n2. 写明交付格式。\n\n2. 费用\n2.1 总价款为人民币五万元。")
    assert [c.number for c in r.clauses if c.number] == ["1", "1.1", "2", "2.1"]
    assert [x.reason for x in r.removed] == ["commentary"] * 4


@pytest.mark.parametrize("text", ["\ufeff", "\ufeff第一条 甲方应按时付款。", "第一条 甲方应当\n\u200b按时付款。\u200b\n\u200b"])
def test_zero_width_characters_at_a_line_edge_are_listed_as_removed(text):
    r = clause_parser.parse_text(text)
    check_result(r)
    assert {x.reason for x in r.removed} == {"invisible"}
    assert all(set(x.text) <= {"\ufeff", "\u200b"} for x in r.removed)


def test_samples_on_one_page_are_separated_by_their_numbers_with_a_colon():
    sample = "{t}\n甲方：张三\n乙方：李四\n第一条 借款金额为人民币一万元。\n第二条 借款期限一年。\n第三条 利率为年3%。\n"
    r = clause_parser.parse_text("借款合同范本3篇\n本文目录：篇一 个人借款合同　篇二 企业借款合同\n"
                                 "篇一：" + sample.format(t="个人借款合同") + "篇二：" + sample.format(t="企业借款合同"))
    assert [c.title for c in r.contracts] == ["个人借款合同", "企业借款合同"]
    assert [x.reason for x in r.removed] == ["collection-title", "toc", "sample-separator", "sample-separator"]


def test_the_end_of_a_scraped_article_is_noise():
    r = clause_parser.parse_text("第一条 本合同一式两份。\n甲方（盖章）：　　乙方（盖章）：\n（完）\n"
                                 "本文来源：某某法律网，仅供学习参考。\n温馨提示：本文为网友分享，请结合实际使用。\n相关推荐\n"
                                 "· 房屋租赁合同（个人版）\n· 借款协议书范本\n上一篇：借款合同范本　　下一篇：租房合同怎么写")
    assert [x.reason for x in r.removed] == ["end-mark"] + ["web-banner"] * 6
    assert r.clauses[-1].text.endswith("乙方（盖章）：")


def test_a_list_of_links_under_its_heading_is_noise():
    r = clause_parser.parse_text("第一条 本合同一式两份。\n甲方（签字）：　　乙方（签字）：\n猜你喜欢：\n"
                                 "车位买卖合同范本\n2. 房屋租赁合同（2024版） 03-05\n\n二手房买卖协议怎么写\n网友评论")
    assert [x.text for x in r.removed] == ["猜你喜欢：", "车位买卖合同范本", "2. 房屋租赁合同（2024版） 03-05",
                                           "二手房买卖协议怎么写", "网友评论"]
    # the same titles without the heading of a link list are the contract's own lines
    kept = clause_parser.parse_text("车位租赁合同\n甲方：张三\n乙方：李四\n第一条 本合同一式两份。\n附件：\n车位平面图\n车位使用管理协议")
    assert not kept.removed and kept.clauses[-1].text.endswith("车位使用管理协议")


def test_a_list_of_article_links_with_bare_numbers_and_questions_is_noise():
    r = clause_parser.parse_text("第一条 本合同一式两份。\n甲方（盖章）：　　乙方（盖章）：\n热门文章\n"
                                 "1 广告合同违约金过高怎么办\n2 广告法禁止使用哪些绝对化用语\n更多>>")
    assert [x.text for x in r.removed] == ["热门文章", "1 广告合同违约金过高怎么办", "2 广告法禁止使用哪些绝对化用语", "更多>>"]
    assert [c.number for c in r.clauses] == ["第一条", None]


def test_a_note_heading_is_noise_only_over_footnotes():
    draft = clause_parser.parse_text("第一条 服务费每月一万元。\n甲方（盖章）：　乙方（盖章）：\n注：\n[1] 服务费标准见附件一。\n")
    assert [(x.reason, x.text) for x in draft.removed] == [("footnote", "注："), ("footnote", "[1] 服务费标准见附件一。")]
    form = clause_parser.parse_text("第一条 保险金额一百万元。\n投保人（盖章）：　保险人（盖章）：\n注：\n"
                                    "(1) 保险金额应逐项填写，不得涂改。\n(2) 未选用的条款应以横线划去。\n")
    assert not form.removed
    assert "注：" in "".join(c.text for c in form.clauses)
    assert [c.number for c in form.clauses if c.number] == ["第一条", "(1)", "(2)"]


def test_a_question_and_answer_pages_furniture_is_noise():
    page = ("求律师代理的合同范本，公司被员工申请仲裁了\n6个回答　　按热度排序 ▼\n最佳答案\n委托代理合同\n甲方：某公司\n乙方：某律所\n"
            "第一条 乙方指派律师担任代理人。\n第二条 代理费五万元。\n查看更多回答 (2) ▼")
    r = clause_parser.parse_text(page)
    assert [x.text for x in r.removed] == ["6个回答　　按热度排序 ▼", "最佳答案", "查看更多回答 (2) ▼"]
    assert r.contracts[0].title == "委托代理合同"


def test_readers_comments_under_their_names_are_noise_when_noise_closes_them():
    page = ("第一条 本合同一式两份。\n甲方（签字）：　　乙方（签字）：\n"
            "路人甲乙丙　　2023-04-12 08:17\n1、先看律所有没有执业许可证；2、律师费要开发票。\n赞(1)　回复\n"
            "记账达人　2024-03-20 20:45\n很实用，谢谢分享！\n老王　2024-03-21 10:00\n已下载。\n"
            "关于我们 | 联系我们 | 网站地图")
    r = clause_parser.parse_text(page)
    assert [x.reason for x in r.removed] == ["comment"] * 7 + ["site-footer"]
    assert [c.number for c in r.clauses] == ["第一条", None]
    # a name and a date over the contract's own text, with no noise after it, leave the text alone
    kept = clause_parser.parse_text("张小明　2024-03-20\n房屋租赁合同\n甲方：张小明\n乙方：李四\n第一条 租金每月两千元。")
    assert [x.text for x in kept.removed] == ["张小明　2024-03-20"]
    assert kept.contracts[0].title == "房屋租赁合同"


def test_a_sites_tips_box_between_sample_contracts_is_noise():
    page = ("范本一：房屋租赁合同\n甲方：张三\n乙方：李四\n第一条 租金每月两千元。\n第二条 租期一年。\n第三条 本合同一式两份。\n\n温馨提示：\n"
            "1. 签订前请查验房产证原件；\n2. 押金最好通过银行转账支付。\n\n范本二：房屋租赁合同\n出租方：王五\n承租方：赵六\n"
            "1. 租金每月三千元。\n2. 押金一个月。")
    r = clause_parser.parse_text(page)
    assert [x.text for x in r.removed if x.reason == "commentary"] == [
        "温馨提示：", "1. 签订前请查验房产证原件；", "2. 押金最好通过银行转账支付。"]
    assert [c.number for c in r.clauses if c.number and c.contract == 1] == ["1", "2"]


def test_an_articles_further_reading_and_readers_comments_are_noise():
    page = ("第一条 本合同一式两份。\n甲方（签字）：　　乙方（签字）：\n👇往期推荐👇\n01 健身房跑路了，预付卡的钱还能追回吗？\n"
            "02 在健身房受伤，谁来赔？\n\n留言精选\nMia\n👍 212\n想问下：1. 协议一定要公证吗？2. 婚后签还来得及吗？\n"
            "作者回复：1. 不公证也有效。")
    r = clause_parser.parse_text(page)
    assert [x.reason for x in r.removed] == ["web-banner"] * 3 + ["comment"] * 5
    assert [c.number for c in r.clauses] == ["第一条", None]


def test_a_law_databases_related_laws_are_noise():
    page = ("第一条 本合同一式两份。\n甲方（签字）：　　乙方（签字）：\n法宝联想\n【相关法规】\n1. 中华人民共和国民法典\n"
            "2. 中华人民共和国城市房地产管理法（2019修正）\n3. 商品房销售管理办法")
    r = clause_parser.parse_text(page)
    assert [x.reason for x in r.removed] == ["web-banner"] * 5
    assert [c.number for c in r.clauses] == ["第一条", None]


def test_a_template_pages_file_box_comments_and_footer_are_noise():
    page = ("第一条 本合同一式两份。\n甲方（签字）：　　乙方（签字）：\n日期：2024-04-18\n"
            "车位租赁合同范本（通用版）.doc　　文档为doc格式　　推荐度：★★★★☆\n"
            "第1页 / 共2页　首页　上一页　[1]　2　下一页　尾页\n"
            "健身小白　2024-04-18\n第一条写得很细，学到了。\n回复 | 赞 6\n"
            "文章链接：https://www.example.com/a/1.html\n"
            "关于我们 | 联系我们 | 免责声明 | 网站地图\nCopyright © 2016-2024 某某范文网 版权所有　京ICP备12345678号")
    r = clause_parser.parse_text(page)
    assert [x.reason for x in r.removed] == ["web-banner", "web-banner", "comment", "comment", "comment", "web-banner",
                                             "site-footer", "site-footer"]
    assert r.clauses[-1].text.endswith("日期：2024-04-18")
    assert [c.number for c in r.clauses] == ["第一条", None]
    # a signature line with a date, and a licence clause that names a copyright notice, are contract text
    kept = clause_parser.parse_text("第一条 乙方不得删除软件中的版权声明（Copyright © 甲方）。\n甲方代表　2024-04-18")
    assert not kept.removed


def test_bulleted_contract_text_is_not_a_link():
    r = clause_parser.parse_text("第一条 乙方的义务：\n· 乙方应按时交付货物。\n· 乙方应提供安装服务合同约定的培训。")
    assert not r.removed


def test_a_template_pages_editor_tips_download_notice_and_one_line_comments_are_noise():
    page = ("个人借款合同范本\n小编提醒，签订借款合同时要注意以下几点：\n1、借款金额应大小写一致；\n2、利率不要超过法定上限。\n\n"
            "借款合同\n出借人（甲方）：张三\n借款人（乙方）：李四\n第一条 借款金额为人民币一万元。\n第二条 借款期限一年。\n"
            "第三条 本合同一式两份。\n甲方（签字）：　　乙方（签字）：\n"
            "相关合同范本：\n1. 简单个人借款合同下载（Word版）\n[借款合同] 企业借款合同范本（2024版）\n\n"
            "下载须知：\n1．本站文档均为DOC格式，可直接编辑；\n2．普通用户每日可免费下载3篇。\n\n用户留言（2）\n"
            "采购部的老刘：第一条写得很清楚，直接就能用。　　2024-05-06\n　　商务君 回复：感谢支持。")
    r = clause_parser.parse_text(page)
    assert [c.number for c in r.clauses if c.number] == ["第一条", "第二条", "第三条"]
    assert len(r.contracts) == 1
    assert [x.reason for x in r.removed] == ["commentary"] * 3 + ["web-banner"] * 6 + ["counter", "comment", "comment"]
    # a signature line with a date and a colon is contract text
    kept = clause_parser.parse_text("第一条 本合同一式两份。\n甲方代表：张三　　2024-04-18")
    assert not kept.removed


def test_a_drafts_footnotes_and_reviewers_comments_after_the_contract_are_noise():
    draft = ("第一条 乙方应于每月5日前支付服务费[1]。\n第二条 本协议一式两份。\n甲方（盖章）：　　乙方（盖章）：\n\n"
             "注：\n[1] 服务费标准见附件一。\n\n批注汇总（导出自审阅窗格）：\n1. 张律师 2024-05-08：第一条付款日待确认。\n"
             "2. 王律师：第二条可接受。")
    r = clause_parser.parse_text(draft)
    assert [c.number for c in r.clauses if c.number] == ["第一条", "第二条"]
    assert [x.reason for x in r.removed] == ["footnote"] * 2 + ["comment"] * 3
