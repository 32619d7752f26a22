"""Nothing is lost, on generated contracts of every shape (hypothesis)."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import clause_parser
from helpers import check_result

CN = "一二三四五六七八九十"
STYLES = [
    lambda n: f"第{CN[n - 1] if n <= 10 else '十' + CN[n - 11]}条",
    lambda n: f"{CN[n - 1] if n <= 10 else '十' + CN[n - 11]}、",
    lambda n: f"（{CN[n - 1] if n <= 10 else '十' + CN[n - 11]}）",
    lambda n: f"{n}.",
    lambda n: f"({n})",
    lambda n: "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"[n - 1],
    lambda n: f"{chr(96 + n)})",
    lambda n: f"１．{'０１２３４５６７８９'[n % 10]}",
]
SENTENCES = ["乙方应按时交付货物并保证质量。", "甲方应于每月五日前支付服务费人民币五千元，", "任何一方不得向第三方泄露商业秘密；",
             "因本合同发生的争议，提交仲裁委员会仲裁。", "逾期付款的，每日按未付金额的万分之五支付违约金。", "本合同有效期为一年",
             "未经甲方书面同意，乙方不得转让本合同", "1.5万元", "2024.3.1", "见本合同第3.2条"]
NOISE = ["第 2 页 共 9 页", "- 3 -", "本文档由某某网用户上传，下载后可编辑", "浏览次数：88", "当前位置：首页 > 范本"]


@st.composite
def contracts(draw):
    styles = draw(st.lists(st.integers(0, len(STYLES) - 1), min_size=1, max_size=4, unique=True))
    lines = [draw(st.sampled_from(["服务合同", "租赁合同", "买卖合同"])), "甲方：某公司", "乙方：某人"]

    def block(depth, count):
        for n in range(1, count + 1):
            body = draw(st.sampled_from(SENTENCES))
            if draw(st.booleans()):  # a wrapped line
                cut = draw(st.integers(1, len(body) - 1))
                body = body[:cut] + "\n" + body[cut:]
            lines.append(STYLES[styles[depth]](n) + draw(st.sampled_from(["", " ", "　", "\t"])) + body)
            if draw(st.integers(0, 5)) == 0:
                lines.append(draw(st.sampled_from(NOISE)))
            if depth + 1 < len(styles) and draw(st.booleans()):
                block(depth + 1, draw(st.integers(1, 4)))

    block(0, draw(st.integers(1, 6)))
    lines.append("甲方（盖章）：     乙方（盖章）：")
    text = "\n".join(lines)
    if draw(st.booleans()):
        text = text + "\n篇二\n" + text
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(contracts())
def test_every_character_is_in_one_clause_or_removed(text):
    r = clause_parser.parse_text(text)
    check_result(r)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(list("第一二三条章、（）()1234567890.．①②\n 　甲乙方应不得支付：；。_") + ["篇二", "附件一", "\n第"]),
                max_size=200))
def test_arbitrary_marker_soup_never_breaks_the_invariants(pieces):
    check_result(clause_parser.parse_text("".join(pieces)))
