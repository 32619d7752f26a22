"""The shipped model and the "model" and "ensemble" classifiers, as a user calls them."""
import json
import re
from importlib import resources

import pytest

import clause_parser
from clause_parser.evaluate import annotated_documents, read_gold, score_document
from helpers import CORPUS, DEVSET, check_result

CONTRACT = """技术服务合同

第一条 服务内容
1.1 乙方负责甲方业务系统的日常运维，按月提交运维报告。
1.2 乙方应于每个工作日九时至十八时提供远程技术支持。
第二条 服务费用
2.1 服务费为每月人民币贰万元（¥20,000元），甲方于每季度首月十日前支付。
第三条 保密
乙方不得向任何第三方披露在服务中知悉的甲方商业秘密和客户资料。
第四条 违约责任
甲方逾期付款的，每逾期一日按应付金额的万分之五向乙方支付违约金。
第五条 争议解决
因本合同引起的争议，提交杭州仲裁委员会仲裁。
"""
EXPECTED = {"1.1": "service", "2.1": "fee", "3": "confidentiality", "4": "breach", "5": "dispute"}


def shipped_meta():
    return json.loads(resources.files("clause_parser").joinpath("models/meta.json").read_text(encoding="utf-8"))


def test_shipped_model_was_trained_on_this_corpus_and_config():
    import hashlib

    from clause_parser.classify.model import CONFIG_PATH
    from clause_parser.train import corpus_sha256

    meta = shipped_meta()
    assert meta["corpus_sha256"] == corpus_sha256(CORPUS), \
        "corpus/ changed since the model was trained: run `clause-parser train` and ship clause_parser/models/"
    assert meta["config_sha256"] == hashlib.sha256(CONFIG_PATH.read_bytes()).hexdigest(), \
        "configs/textcat.cfg changed since the model was trained: run `clause-parser train`"


def test_shipped_model_is_small_and_matches_the_pinned_spacy():
    import spacy

    folder = resources.files("clause_parser").joinpath("models")
    size = sum(f.stat().st_size for f in __import__("pathlib").Path(str(folder)).rglob("*") if f.is_file())
    assert 0 < size <= 20 * 2**20
    trained = shipped_meta()["spacy_version"].split(".")[:2]
    assert spacy.__version__.split(".")[:2] == trained, "pyproject pins spaCy to the minor version the model was trained with"


@pytest.mark.parametrize("classifier", ["model", "ensemble"])
def test_trained_classifiers_label_a_contract(classifier):
    r = clause_parser.parse_text(CONTRACT, classifier=classifier)
    check_result(r)
    for number, label in EXPECTED.items():
        c = r.find(number)
        assert c.label == label, (number, c.labels)
        assert all(ls.source == classifier for ls in c.labels)
        assert 0.5 < c.labels[0].score <= 1
    assert re.fullmatch(r"[0-9a-f]{64}", r.producer.model_sha256)
    assert r.producer.options["classifier"] == classifier


def test_rules_alone_name_no_model():
    r = clause_parser.parse_text(CONTRACT, classifier="rules")
    assert r.producer.model_sha256 is None and r.clauses[0].labels[0].source == "rules"


def test_ensemble_records_what_each_source_said():
    r = clause_parser.parse_text(CONTRACT, classifier="ensemble")
    c = r.find("2.1")
    top = c.labels[0]
    said = {e.rule.split(":")[0]: float(e.rule.split(":")[1]) for e in top.evidence if e.text == ""}
    assert set(said) == {"fee.rules", "fee.model"} and all(0 <= v <= 1 for v in said.values())
    assert said["fee.rules"] == clause_parser.parse_text(CONTRACT, classifier="rules").find("2.1").score("fee")
    assert said["fee.model"] == pytest.approx(clause_parser.parse_text(CONTRACT, classifier="model").find("2.1").score("fee"), abs=1e-4)
    cues = [e for e in top.evidence if e.text]  # the rules' evidence travels with the ensemble's label
    assert cues and all(r.text[e.span[0]:e.span[1]] == e.text for e in cues)


def test_same_input_same_json():
    a = clause_parser.parse_text(CONTRACT, classifier="ensemble").to_json()
    assert a == clause_parser.parse_text(CONTRACT, classifier="ensemble").to_json()


def test_model_loads_once_per_process():
    from clause_parser.classify.model import load_bundle

    clause_parser.parse_text(CONTRACT, classifier="model")
    before = load_bundle.cache_info()
    clause_parser.parse_text(CONTRACT, classifier="ensemble")
    after = load_bundle.cache_info()
    assert after.misses == before.misses and after.hits > before.hits


def test_user_rule_labels_survive_the_ensemble(tmp_path):
    (tmp_path / "insurance.yaml").write_text("label: insurance\nkeywords:\n  9: [保险]\n", encoding="utf-8")
    r = clause_parser.parse_text("第一条 乙方应为货物投保财产保险。\n", rules=tmp_path, classifier="ensemble")
    check_result(r)
    assert r.clauses[0].label == "insurance"


def test_empty_and_clause_free_text():
    for text in ("", "\n\n"):
        check_result(clause_parser.parse_text(text, classifier="ensemble"))


def test_missing_model_folder_is_a_typed_error(tmp_path):
    from clause_parser.classify.model import ModelClassifier

    with pytest.raises(clause_parser.ClauseParserError, match="no trained model here"):
        ModelClassifier(model_dir=tmp_path).bundle


def test_corpus_scores_with_the_trained_classifiers():
    """On its own training corpus the ensemble must not be worse than the rules it was built from."""
    from clause_parser.evaluate import evaluate_folder

    rules, _ = evaluate_folder(CORPUS, classifier="rules")
    ensemble, _ = evaluate_folder(CORPUS, classifier="ensemble")
    assert ensemble.macro_f1 >= rules.macro_f1


@pytest.mark.skipif(not (DEVSET / "gold").is_dir(), reason="../shared/devset not present")
def test_devset_ensemble_beats_rules_and_high_scores_are_right():
    """Measured on held-out public contracts (never trained or tuned on)."""
    from clause_parser.evaluate import Scores

    totals = {name: Scores() for name in ("rules", "ensemble")}
    confident = right = 0
    for raw, gold_path in annotated_documents(DEVSET):
        gold = read_gold(gold_path)
        for name in totals:
            result = clause_parser.parse(raw, classifier=name)
            totals[name].add(score_document(result, gold))
        from clause_parser.train import aligned_labels

        for c, labels in zip(result.clauses, aligned_labels(result, gold)):  # the ensemble's result
            if labels and c.labels[0].score >= 0.9:
                confident += 1
                right += c.label in labels
    print({k: round(v.macro_f1, 3) for k, v in totals.items()}, f"score>=0.9: {right}/{confident}")
    assert totals["ensemble"].macro_f1 > totals["rules"].macro_f1
    assert totals["ensemble"].macro_f1 >= 0.92 and min(totals["ensemble"].label_f1().values()) >= 0.85
    assert confident >= 100 and right >= 0.9 * confident
