"""The Python API: what a reviewer reaches for."""
import doctest
import json

import pytest

import clause_parser
from helpers import check_result

TEXT = """软件开发合同
甲方：某某科技有限公司
乙方：某某软件有限公司
一、开发内容
1.1 乙方为甲方开发客户管理系统。
1.2 乙方应于2024年6月30日前交付并通过验收。
二、费用及支付
2.1 合同总价为人民币十万元。
2.2 甲方应在验收合格后十日内支付全部款项。
三、保密
3.1 乙方不得向任何第三方泄露甲方的商业秘密。
四、争议解决
因本合同引起的争议，提交上海仲裁委员会仲裁。
甲方（盖章）：        乙方（盖章）：
"""


def test_result_helpers(schema):
    r = clause_parser.parse_text(TEXT, name="dev.txt")
    check_result(r, schema)
    assert r.source.path == "dev.txt"
    assert [c.number for c in r.by_label("fee")] == ["二", "2.1", "2.2"]
    assert r.find("3.1").label == "confidentiality"
    assert r.find("2.2").parent == r.find("二").id
    assert r.get(r.find("2.2").id) is r.find("2.2")
    assert [c.number for c in r.children(r.find("一"))] == ["1.1", "1.2"]
    lines = r.outline().splitlines()
    assert any(line.startswith("  2.1") and "[fee" in line for line in lines)
    assert len(r) == len(r.clauses) and list(r) == r.clauses


@pytest.mark.parametrize("classifier", ["rules", "ensemble"])
def test_labels_carry_scores_sources_and_evidence(classifier):
    r = clause_parser.parse_text(TEXT, classifier=classifier)
    c = r.find("3.1")
    top = c.labels[0]
    assert top.label == "confidentiality" and 0 < top.score <= 1 and top.source == classifier
    assert any(ev.text in ("商业秘密", "泄露", "不得泄露") and ev.rule for ev in top.evidence)
    for ev in top.evidence:
        assert r.text[ev.span[0]:ev.span[1]] == ev.text
    assert c.score("confidentiality") == top.score and c.score("nonexistent") == 0.0


def test_the_default_classifier_is_the_ensemble_of_rules_and_model():
    r = clause_parser.parse_text(TEXT)
    assert r.producer.options["classifier"] == "ensemble" and len(r.producer.model_sha256) == 64
    assert {ls.source for c in r.clauses for ls in c.labels} == {"ensemble"}


def test_to_json_round_trips_and_names_its_producer():
    r = clause_parser.parse_text(TEXT)
    d = json.loads(r.to_json())
    assert d == r.to_dict()
    assert d["producer"]["name"] == "clause_parser" and d["producer"]["version"] == clause_parser.__version__
    assert len(d["producer"]["rules_sha256"]) == 64 and d["producer"]["options"]["classifier"] == "ensemble"


@pytest.mark.parametrize("module", ["clause_parser", "clause_parser.api", "clause_parser.model", "clause_parser.errors",
                                    "clause_parser.normalize", "clause_parser.classify", "clause_parser.loaders"])
def test_docstring_examples_run(module):
    import importlib

    mod = importlib.import_module(module)
    failures, _ = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, clause_parser; print(any(m in sys.modules for m in ('jieba', 'spacy', 'yaml', 'ahocorasick')))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


def test_parsing_leaves_the_garbage_collector_as_it_found_it():
    import gc

    assert gc.isenabled()
    clause_parser.parse_text(TEXT, classifier="rules")
    assert gc.isenabled()  # resumed after the parse
    gc.disable()
    try:
        clause_parser.parse_text(TEXT, classifier="rules")
        assert not gc.isenabled()  # a caller's pause is theirs
    finally:
        gc.enable()
    # a pre-forking server freezes its heap to share pages with its workers: parsing must not thaw it
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        clause_parser.parse_text(TEXT, classifier="rules")
        assert gc.get_freeze_count() == frozen and gc.isenabled()
    finally:
        gc.unfreeze()
