"""`clause-parser train` and `clause-parser eval` end to end, on a small slice of the corpus."""
import json
import shutil
import subprocess
import sys

import pytest

import clause_parser
from clause_parser.evaluate import annotated_documents, evaluate_folder
from helpers import CORPUS, check_result

SLICE = ["c05_house_lease", "c07_nda", "c08_loan", "c12_logistics"]


def run(*args):
    return subprocess.run([sys.executable, "-m", "clause_parser", *args], capture_output=True, text=True)


@pytest.fixture(scope="module")
def small_corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    for sub in ("raw", "gold"):
        (root / sub).mkdir()
    for raw, gold in annotated_documents(CORPUS):
        if raw.stem in SLICE:
            shutil.copy(raw, root / "raw" / raw.name)
            shutil.copy(gold, root / "gold" / gold.name)
    return root


@pytest.fixture(scope="module")
def trained(small_corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("model")
    p = run("train", "--corpus", str(small_corpus), "--output", str(out), "--max-epochs", "2", "--folds", "2",
            "--documents", *SLICE[:3])
    assert p.returncode == 0, p.stderr
    return out


def test_train_writes_a_loadable_model_that_names_its_corpus(trained, small_corpus):
    from clause_parser.classify.ensemble import EnsembleClassifier
    from clause_parser.classify.model import load_bundle_from
    from clause_parser.train import corpus_sha256

    meta = json.loads((trained / "meta.json").read_text(encoding="utf-8"))
    assert meta["corpus_sha256"] == corpus_sha256(small_corpus)
    assert meta["documents"] == sorted(SLICE[:3]) and meta["clauses"] > 100
    assert set(meta["calibration"]) == set(meta["ensemble"]["weights"]) == set(clause_parser.model.BUILTIN_LABELS)
    bundle = load_bundle_from(trained)
    result = clause_parser.parse(CORPUS / "raw" / "c12_logistics.txt", classifier="rules")
    from clause_parser.normalize import fold

    EnsembleClassifier(bundle=bundle).classify(result.text, fold(result.text), result.clauses)
    check_result(result)
    assert all(c.labels[0].source == "ensemble" for c in result.clauses)


def test_training_is_reproducible(trained, small_corpus, tmp_path):
    from clause_parser.classify.model import directory_sha256
    from clause_parser.train import train

    again = train(small_corpus, tmp_path / "again", folds=2, max_epochs=2, names=SLICE[:3])
    assert directory_sha256(again) == directory_sha256(trained)


def test_eval_prints_the_devset_metrics():
    p = run("eval", str(CORPUS), "--classifier", "rules")
    assert p.returncode == 0, p.stderr
    total, _ = evaluate_folder(CORPUS, classifier="rules")
    assert f"label_macroF1={total.macro_f1:.3f}" in p.stdout and f"seg_F1={total.seg_f1:.3f}" in p.stdout
    assert "confusion" in p.stdout and "per-label F1: service=" in p.stdout
    row = next(line for line in p.stdout.splitlines() if line.startswith("dispute "))
    assert len(row.split()) == 5  # label, P, R, F1, gold count


def test_eval_cross_validates_by_document(small_corpus):
    p = run("eval", str(small_corpus), "--classifier", "ensemble", "--cv", "2")
    assert p.returncode == 0, p.stderr
    assert "2-fold cross-validation" in p.stdout
    figures = dict(kv.split("=") for kv in p.stdout.split() if kv.startswith(("label_acc=", "gold_clauses=")))
    assert int(figures["gold_clauses"]) > 150 and float(figures["label_acc"]) > 0.5


@pytest.mark.parametrize("args, message", [
    (["eval", "{tmp}"], "no annotated documents"),
    (["eval", str(CORPUS), "--classifier", "nonsense"], "unknown classifier"),
    (["eval", str(CORPUS), "--classifier", "rules", "--cv", str(len(list((CORPUS / "gold").glob("*.jsonl"))) + 1)], "use 2 to"),
    (["train", "--corpus", "{tmp}", "--output", "{tmp}/out"], "no annotated documents"),
])
def test_bad_train_and_eval_input_is_one_line_exit_1(tmp_path, args, message):
    p = run(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr.strip().count("\n") == 0 and message in p.stderr
