"""Typed fields inside clauses, contract facts, and review findings."""
import pytest

import clause_parser
from helpers import check_result


def fields_of(text, type_=None):
    r = clause_parser.parse_text(text)
    check_result(r)
    return [f for c in r.clauses for f in c.fields if type_ is None or f.type == type_]


@pytest.mark.parametrize("text, amount, currency", [
    ("第一条 总价为¥123,000.00。", "123000.00", "CNY"),
    ("第一条 总价为12.5万元。", "125000.00", "CNY"),
    ("第一条 总价为人民币100,000元。", "100000.00", "CNY"),
    ("第一条 总价为US$5,000。", "5000.00", "USD"),
    ("第一条 总价为人民币壹拾贰万叁仟元整。", "123000.00", "CNY"),
    ("第一条 总价为人民币十万元。", "100000.00", "CNY"),
    ("第一条 总价为伍佰元伍角。", "500.50", "CNY"),
])
def test_amounts(text, amount, currency):
    (f,) = fields_of(text, "amount")
    assert f.value["amount"] == amount and f.value["currency"] == currency
    assert isinstance(f.value["amount"], str)


@pytest.mark.parametrize("text", ["第一条 乙方应派出3名工程师。", "第一条 详见第5.2条。", "第一条 面积为186.5平方米。"])
def test_numbers_that_are_not_amounts(text):
    assert fields_of(text, "amount") == []


@pytest.mark.parametrize("text, percent", [("按20%计", 20), ("按百分之二十计", 20), ("按0.05%计", 0.05), ("按千分之三计", 0.3),
                                           ("按万分之五计", 0.05)])
def test_percentages(text, percent):
    (f,) = fields_of("第一条 违约金" + text + "。", "percentage")
    assert f.value == {"percent": percent}


@pytest.mark.parametrize("text, value, unit", [("三十日", 30, "day"), ("30天", 30, "day"), ("15个工作日", 15, "working_day"),
                                               ("3年", 3, "year"), ("六个月", 6, "month"), ("两周", 2, "week")])
def test_durations(text, value, unit):
    (f,) = fields_of(f"第一条 乙方应在{text}内完成。", "duration")
    assert f.value == {"value": value, "unit": unit} and f.text == text


@pytest.mark.parametrize("text", ["第一条 每月5日前支付。", "第一条 2024年3月1日交付。", "第一条 自第二个租赁年度起，每年在上一年度基础上递增。",
                                  "第一条 3月份结算。"])
def test_points_in_time_are_not_durations(text):
    assert fields_of(text, "duration") == []


@pytest.mark.parametrize("text", ["2024年3月1日", "2024-03-01", "2024.3.1", "2024/3/1", "二〇二四年三月一日"])
def test_dates(text):
    (f,) = fields_of(f"第一条 于{text}交付。", "date")
    assert f.value == "2024-03-01"


def test_date_range_gives_both_ends():
    (f,) = fields_of("第一条 租期自2024年3月1日起至2027年2月28日止。", "date")
    assert f.value == {"start": "2024-03-01", "end": "2027-02-28"}


def test_invalid_dates_are_not_dates():
    assert fields_of("第一条 编号2024.13.45。", "date") == []


@pytest.mark.parametrize("text, kind, name", [
    ("争议提交上海仲裁委员会仲裁。", "arbitration", "上海仲裁委员会"),
    ("争议提交中国国际经济贸易仲裁委员会仲裁。", "arbitration", "中国国际经济贸易仲裁委员会"),
    ("任何一方均可向甲方所在地有管辖权的人民法院提起诉讼。", "court", "甲方所在地有管辖权的人民法院"),
    # names wrapped at a line end (PDF and web text): the name is whole, without the line break
    ("协商不成的，可向房屋所在地人民\n法院提起诉讼。", "court", "房屋所在地人民法院"),
    ("任何一方均可\n向甲方所在地有管辖权的人民法院提起诉讼。", "court", "甲方所在地有管辖权的人民法院"),
    ("争议提交\n北京仲裁委员会仲裁。", "arbitration", "北京仲裁委员会"),
])
def test_forums(text, kind, name):
    (f,) = fields_of("第一条 " + text, "forum")
    assert f.value == {"kind": kind, "name": name}
    assert "".join(f.text.split()) == name


@pytest.mark.parametrize("text, length", [("甲方：________", 8), ("甲方：＿＿＿＿", 4), ("数量：【    】台", 4), ("××公司", 2),
                                          ("签订日期：    年   月   日", 10)])
def test_blanks(text, length):
    (f,) = fields_of("第一条 " + text, "blank")
    assert f.value == {"length": length}


def test_filled_dates_are_not_blanks():
    assert fields_of("第一条 签订日期：2024年3月1日", "blank") == []


def test_field_spans_index_the_document_text():
    r = clause_parser.parse_text("第一条 总价为人民币壹拾贰万叁仟元整（¥123,000元），于2024年3月1日前支付30%。")
    for f in r.clauses[0].fields:
        assert r.text[f.span[0]:f.span[1]] == f.text


def test_parties_and_contract_type():
    r = clause_parser.parse_text("房屋租赁合同\n出租方（甲方）：陈某某\n承租方（乙方）：________\n"
                                 "北京某某科技有限公司（以下简称“丙方”）\n第一条 租金每月三千元。")
    info = r.contracts[0]
    assert info.type == "租赁" and info.type_score >= 0.9
    parties = {p.role: p for p in info.parties}
    assert parties["甲方"].alias == "出租方" and parties["甲方"].name == "陈某某"
    assert parties["乙方"].name is None
    assert parties["丙方"].name == "北京某某科技有限公司"
    assert r.text[parties["甲方"].span[0]:parties["甲方"].span[1]] == "陈某某"


def test_two_parties_on_one_line():
    r = clause_parser.parse_text("劳务派遣协议书\n甲方(用工单位)：某某电子有限公司 乙方(派遣单位)：某某人力资源有限公司\n"
                                 "一、派遣人员须年满18周岁。二、甲方每月支付劳务费用五千元。")
    parties = {p.role: p for p in r.contracts[0].parties}
    assert (parties["甲方"].alias, parties["甲方"].name) == ("用工单位", "某某电子有限公司")
    assert (parties["乙方"].alias, parties["乙方"].name) == ("派遣单位", "某某人力资源有限公司")
    assert r.text[parties["乙方"].span[0]:parties["乙方"].span[1]] == "某某人力资源有限公司"
    assert fields_of("第一条 派遣人员须年满18周岁，试用期为两周。", "duration")[0].text == "两周"  # 18周岁 is an age


@pytest.mark.parametrize("head, kind", [
    ("货物运输保险条款", "保险"),  # the kind is named last in a title
    ("保险代理合同", "委托/代理"),
    ("社会保险信息系统运维服务合同", "服务"),
    ("技术开发（委托）合同书", "技术开发"),  # a bracketed qualifier does not name the kind
    ("某某市社会保险事业管理中心\n系统运维项目\n政府采购合同", "买卖"),  # the issuer's name above the title
])
def test_contract_type_from_the_title(head, kind):
    r = clause_parser.parse_text(head + "\n第一条 甲方应按约定履行。\n第二条 乙方应按约定履行。", classifier="rules")
    assert (r.contracts[0].type, r.contracts[0].type_score) == (kind, 0.9)


@pytest.mark.parametrize("head, title", [
    ("法律快问 > 问题详情\n最佳答案\n周律师　　【已认证】\n委托代理合同\n委托人（甲方）：某公司", "委托代理合同"),
    ("（此处为广告）\n汽 车 租 赁 服 务 合 同\n出租方（甲方）：某公司", "汽 车 租 赁 服 务 合 同"),
    ("首页　　合规专栏　　合同范本　　关于我们\n广告发布合同\n甲方：某公司", "广告发布合同"),
])
def test_the_title_is_the_line_that_names_a_kind_of_document(head, title):
    r = clause_parser.parse_text(head + "\n第一条 甲方应按约定履行。\n第二条 乙方应按约定履行。", classifier="rules")
    assert r.contracts[0].title == title


def test_unknown_contract_type_is_null():
    assert clause_parser.parse_text("第一条 甲。\n第二条 乙。").contracts[0].type is None


CLEAN = """设备买卖合同
甲方：上海某某机械有限公司
乙方：苏州某某制造有限公司
第一条 标的
乙方向甲方出售数控机床两台，型号为XK-500。
第二条 价款及支付
合同总价为人民币贰拾万元整（¥200,000元），甲方于2024年3月1日前支付。
第三条 交付与验收
乙方应于2024年4月1日前交货，甲方在收货后五日内验收。
第四条 违约责任
乙方逾期交货的，每日按合同总价的千分之一支付违约金。
第五条 争议解决
因本合同发生的争议，提交上海仲裁委员会仲裁。如有疑问，参见本合同第三条。
甲方（盖章）：              乙方（盖章）：
"""


def test_a_clean_contract_raises_no_finding():
    r = clause_parser.parse_text(CLEAN)
    check_result(r)
    assert r.findings == []
    assert r.find("第五条").references == [r.find("第三条").id]


def finding_types(text):
    return [f.type for f in clause_parser.parse_text(text).findings]


def test_missing_clause_type():
    text = CLEAN.replace("第四条 违约责任\n乙方逾期交货的，每日按合同总价的千分之一支付违约金。\n", "第四条 包装\n乙方应采用木箱包装。\n")
    r = clause_parser.parse_text(text)
    missing = [f for f in r.findings if f.type == "missing_clause_type"]
    assert len(missing) == 1 and "breach" in missing[0].message and missing[0].clause is None


def test_an_nda_needs_no_fee_clause():
    nda = ("保密协议\n甲方：某甲\n乙方：某乙\n第一条 保密信息包括技术资料。\n第二条 乙方不得泄露保密信息。\n第三条 保密期限为三年。\n"
           "第四条 乙方违反本协议的，应支付违约金十万元。\n第五条 争议提交北京仲裁委员会仲裁。\n")
    assert "missing_clause_type" not in finding_types(nda)


def test_unfilled_blanks():
    r = clause_parser.parse_text(CLEAN.replace("XK-500", "________"))
    (f,) = [f for f in r.findings if f.type == "unfilled_blank"]
    assert f.clause == r.find("第一条").id and "1 blank" in f.message


def test_numbering_gap_and_duplicate():
    assert "numbering_gap" in finding_types("第三条 甲\n3.1 子项一\n3.3 子项三\n")
    assert "numbering_duplicate" in finding_types("第四条 甲\n第五条 乙\n第五条 丙\n第六条 丁\n")
    assert not {"numbering_gap", "numbering_duplicate"} & set(finding_types("第三条 甲\n3.1 一\n3.2 二\n第四条 乙\n4.1 一\n"))


def test_dangling_reference():
    r = clause_parser.parse_text("第一条 甲方按本合同第九条的约定付款。\n第二条 乙方按第一条履行。")
    (f,) = [f for f in r.findings if f.type == "dangling_reference"]
    assert f.clause == r.find("第一条").id and r.text[f.span[0]:f.span[1]] == "第九条"
    assert r.find("第二条").references == [r.find("第一条").id]


def test_amount_mismatch():
    r = clause_parser.parse_text("第一条 总价为人民币壹拾贰万元整（¥123,000元）。")
    (f,) = [f for f in r.findings if f.type == "amount_mismatch"]
    assert "120000.00" in f.message and "123000.00" in f.message
    assert "amount_mismatch" not in finding_types("第一条 总价为人民币壹拾贰万叁仟元整（¥123,000元）。")


def test_text_format_shows_fields_and_findings():
    out = clause_parser.parse_text(CLEAN.replace("XK-500", "____")).outline(fields=True)
    assert "· amount 200000.00 CNY" in out and "# type: 买卖" in out and "findings:" in out and "unfilled_blank" in out


@pytest.mark.parametrize("run", [" " * 6000 + "1", "1" * 20000, "9" * 20000 + "%", "9" * 20000 + "元", "9" * 20000 + "天"])
def test_long_runs_are_quick_and_never_crash(run):
    import time

    start = time.monotonic()
    clause_parser.parse_text("第一条 " + run, classifier="rules")
    assert time.monotonic() - start < 10
