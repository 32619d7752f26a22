"""Rule-based labels: the hard cases of LABELS.md, user rules, and rule-file errors."""
import pytest

import clause_parser
from clause_parser.errors import RulesError
from clause_parser.tokenize import tokenize


def label_of(text, number, classifier="rules"):
    return clause_parser.parse_text(text, classifier=classifier).find(number).label


@pytest.mark.parametrize("text, number, expected", [
    # a clause is labelled by its own content, not only by its section
    ("一、服务内容\n1. 乙方负责系统的日常运维。\n2. 乙方不得向任何第三方泄露甲方的客户信息。", "2", "confidentiality"),
    ("一、服务内容\n1. 乙方负责系统的日常运维。\n2. 乙方不得向任何第三方泄露甲方的客户信息。", "1", "service"),
    # a heading takes the label of what its section is about
    ("一、服务费用\n1. 本合同总价为人民币十万元。\n2. 甲方按季度支付。", "一", "fee"),
    # a neutral list item leans to its section
    ("三、保密信息的范围\n（一）客户名单；\n（二）产品路线图；", "（二）", "confidentiality"),
    # termination granted because of breach is term; the liability is breach
    ("第九条 乙方逾期交货超过三十日的，甲方有权解除本合同。", "第九条", "term"),
    ("第九条 乙方逾期交货的，每逾期一日应按合同总价的千分之三向甲方支付违约金。", "第九条", "breach"),
    ("第九条 甲方逾期付款的，应按每日万分之五支付滞纳金。", "第九条", "breach"),
    # force majeure and IP ownership are other; limits on using IP are restriction
    ("第十条 因地震、台风等不可抗力导致不能履行的，受影响一方不承担责任。", "第十条", "other"),
    ("第十一条 本项目形成的知识产权归甲方所有。", "第十一条", "other"),
    ("第十二条 未经甲方书面同意，乙方不得使用甲方的商标和标识。", "第十二条", "restriction"),
    ("第十二条 未经甲方书面同意，乙方不得将本合同项下的权利义务转让给第三方。", "第十二条", "restriction"),
    ("第十三条 因本合同发生的争议，由甲方所在地有管辖权的人民法院管辖。", "第十三条", "dispute"),
    # the items of a list speak with the clause that leads into it
    ("第八条 未经投资方书面同意，公司不得从事下列行为：\n（1）修改公司章程；\n（2）对外提供借款或担保。", "（1）", "restriction"),
    ("第八条 乙方的义务：\n（1）按约定标准提供保洁服务；\n（2）对甲方的商业秘密负保密义务，不得向第三方泄露。", "（2）", "confidentiality"),
    # what a contractor pays over is a fee, whatever the old word for paying it
    ("第三条 承包金及交纳办法\n一、承包金每年分两次交纳，十二月底前交清。", "一", "fee"),
    ("第十四条 本合同适用中华人民共和国法律。", "第十四条", "dispute"),
    ("第十五条 本合同自双方签字盖章之日起生效，有效期一年。", "第十五条", "term"),
    ("第十六条 本合同一式两份，甲乙双方各执一份，具有同等法律效力。", "第十六条", "other"),
    ("第十七条 “工作日”是指中华人民共和国法定工作日。", "第十七条", "other"),
    ("第十七条 “服务费”是指甲方为本合同项下服务向乙方支付的全部款项。", "第十七条", "other"),
    ("第十八条 甲方应在验收合格后十日内开具增值税专用发票。", "第十八条", "fee"),
    ("第十九条 乙方应于2024年5月1日前交付设备并配合甲方验收。", "第十九条", "service"),
    ("第二十条 乙方在合同期满后两年内不得从事与甲方竞争的业务。", "第二十条", "restriction"),
    # how the contract is amended is other, though it says when an amendment takes effect
    ("第二十一条 对本合同的任何修改，须经双方书面确认后方可生效。", "第二十一条", "other"),
    # a disclaimer limits liability; transferring what the contract is about is its subject
    ("一、免责声明\n1.1 因黑客攻击、电信故障导致服务中断的，平台不承担责任。", "一", "breach"),
    ("一、应收账款转让\n1.1 乙方将其对买方的应收账款转让给甲方。", "一", "service"),
    ("一、转让限制\n1.1 未经甲方同意，乙方不得转让本合同项下的权利。", "一", "restriction"),
    ("第一条 特许经营期\n1.1 本项目特许经营期为三十年，自运营日起算。", "1.1", "term"),
    # what a list under "不得有下列行为：" names is prohibited, even in a section of duties
    ("第一章 业主的权利和义务\n第一条 业主在物业管理区域内不得有下列行为：\n（一）擅自改变房屋结构和设计用途；\n"
     "（二）占用物业共用部位。", "（一）", "restriction"),
    ("第一章 专项维修资金\n第一条 专项维修资金专项用于共用部位的维修和更新。", "第一章", "fee"),
])
def test_label_hard_cases(text, number, expected):
    assert label_of(text, number) == expected
    assert label_of(text, number, classifier="ensemble") == expected


def test_every_label_has_evidence_and_source():
    r = clause_parser.parse_text("第一条 乙方应于每月五日前支付租金人民币三千元。", classifier="rules")
    top = r.clauses[0].labels[0]
    assert top.label == "fee" and top.source == "rules"
    assert {e.rule for e in top.evidence} >= {"fee.keywords:支付", "fee.keywords:租金"}


def test_user_rules_add_a_label_and_override_weights(tmp_path):
    (tmp_path / "insurance.yaml").write_text("label: insurance\nkeywords:\n  9: [保险, 投保]\nheading:\n  9: [保险]\n",
                                              encoding="utf-8")
    (tmp_path / "fee.yaml").write_text("label: fee\nkeywords:\n  0.5: [支付]\n", encoding="utf-8")
    text = "第一条 保险\n乙方应为货物投保。\n第二条 乙方应支付运费。"
    r = clause_parser.parse_text(text, rules=tmp_path)
    assert r.find("第一条").label == "insurance"
    fee = r.find("第二条").labels[0]
    assert fee.label == "fee"
    default = clause_parser.parse_text(text).find("第二条").labels[0]
    assert fee.score < default.score  # the user's weight for 支付 replaced the built-in one
    assert r.producer.rules_sha256 != clause_parser.parse_text(text).producer.rules_sha256


@pytest.mark.parametrize("content, problem", [
    ("label: fee\nkeywords: [a, b]\n", "must map weights"),
    ("label: fee\nkeywords:\n  heavy: [a]\n", "is not a number"),
    ("label: fee\npatterns:\n  - {id: x, regex: '([', weight: 1}\n", "not a valid regular expression"),
    ("keywords:\n  3: [a]\n", "must be a mapping with a 'label'"),
    ("label: fee\nkeyword:\n  3: [a]\n", "unknown key"),
    ("label: fee\nkeywords:\n  3: [a]\n  3: [b]\n", "duplicate key"),
    ("label: fee\nkeywords: {3: [a]\n", "invalid YAML"),
    ("label: fee\ncontract_types: [保险]\n", "must map contract kinds"),
    ("label: fee\ncontract_types:\n  保险: {keyword: {3: [a]}}\n", "must be a mapping with only"),
    ("label: fee\ncontract_types:\n  保险: {ignore: 费用}\n", "must list cues"),
])
def test_bad_rule_files_say_which_file_and_what(tmp_path, content, problem):
    (tmp_path / "fee.yaml").write_text(content, encoding="utf-8")
    with pytest.raises(RulesError) as e:
        clause_parser.parse_text("第一条 甲", rules=tmp_path)
    assert problem in str(e.value) and "fee.yaml" in str(e.value)


@pytest.mark.parametrize("rule, problem", [
    ("{id: x, regex: 'a', after: y}", "'after' names no rule: ['y']"),
    ("{id: x, regex: 'a', after: x, scope: match}", "'after' needs scope: line"),
    ("{id: x, regex: 'a', after: 3}", "'after' must be a rule id or a list"),
    ("{id: x, regex: 'a', contiguous: true}", "'contiguous' needs 'after'"),
    ("{id: x, regex: 'a', heads: true}", "'heads' needs scope: line and a rule that follows it"),
    ("{id: x, regex: 'a', until_noise: true}", "'until_noise' needs 'after'"),
])
def test_bad_noise_rules_say_which_file_and_what(tmp_path, rule, problem):
    (tmp_path / "noise.yaml").write_text(f"rules:\n  - {rule}\n", encoding="utf-8")
    with pytest.raises(RulesError) as e:
        clause_parser.parse_text("第一条 甲", rules=tmp_path)
    assert problem in str(e.value) and "noise.yaml" in str(e.value)


def test_tokeniser_uses_the_contract_dictionary():
    words = [w for w, _, _ in tokenize("违反保密义务的一方应支付违约金并承担违约责任")]
    assert "违约金" in words and "违约责任" in words
    text = "争议提交上海仲裁委员会"
    assert all(text[s:e] == w for w, s, e in tokenize(text))


INSURANCE = "财产保险条款\n第一条 保险人对下列原因造成的损失负责赔偿：\n（一）火灾、爆炸造成的损失；\n第二条 保险期间\n本保险的保险期间为一年。\n"
SALE = "设备买卖合同\n第一条 卖方对下列原因造成的损失负责赔偿：\n（一）火灾、爆炸造成的损失；\n"


@pytest.mark.parametrize("classifier", ["rules", "ensemble"])
def test_insurer_paying_for_losses_is_its_service(classifier):
    """Indemnity words mean cover in an insurance contract and liability elsewhere (rules/*.yaml
    ``contract_types``); the evidence names the kind-specific rule."""
    r = clause_parser.parse_text(INSURANCE, classifier=classifier)
    assert r.contracts[0].type == "保险"
    assert [r.find(n).label for n in ("第一条", "（一）", "第二条")] == ["service", "service", "term"]
    rules = {e.rule for e in r.find("（一）").labels[0].evidence}
    assert "service.keywords[保险]:损失" in rules
    sale = clause_parser.parse_text(SALE, classifier=classifier)
    assert sale.contracts[0].type != "保险"
    assert sale.find("第一条").label == "breach"
    if classifier == "rules":  # the same words, read by the rules alone, in a sale contract
        assert sale.find("（一）").label == "breach"


def test_user_rules_can_add_cues_for_a_kind_of_contract(tmp_path):
    (tmp_path / "restriction.yaml").write_text(
        "label: restriction\ncontract_types:\n  买卖:\n    keywords:\n      9: [爆炸]\n", encoding="utf-8")
    assert clause_parser.parse_text(SALE, rules=tmp_path, classifier="rules").find("（一）").label == "restriction"
    # the cue counts only in that kind of contract
    assert clause_parser.parse_text(INSURANCE, rules=tmp_path, classifier="rules").find("（一）").label == "service"


DPA = ("个人信息委托处理协议\n甲方：某商贸有限公司\n乙方：某云计算有限公司\n"
       "第一条 委托处理的范围\n1. 处理方式：存储、检索、统计分析。\n2. 个人信息种类：姓名、手机号码、收货地址。\n"
       "第二条 安全保障措施\n1. 乙方应对委托数据进行加密存储，并建立访问控制和操作审计机制。\n"
       "2. 发生个人信息安全事件的，乙方应在24小时内通知甲方。\n"
       "第三条 费用\n本协议项下的处理费用已包含在主合同服务费中。")


@pytest.mark.parametrize("classifier", ["rules", "ensemble"])
def test_in_a_data_processing_agreement_protection_is_confidentiality_and_processing_its_service(classifier):
    r = clause_parser.parse_text(DPA, classifier=classifier)
    assert r.contracts[0].type == "数据处理"
    first, second = (c for c in r.clauses if c.parent is not None and c.number == "1")
    assert first.label == "service"  # what is processed mentions personal data, and is the work itself
    assert second.label == "confidentiality" and r.find("第二条").label == "confidentiality"
    rules = {e.rule for e in second.labels[0].evidence}
    assert rules & {"confidentiality.keywords[数据处理]:加密", "confidentiality.keywords[数据处理]:访问控制"}
