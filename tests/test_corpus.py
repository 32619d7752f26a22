"""The shipped corpus: valid annotations, and the parser measured on it."""
import json
import re
import unicodedata

import pytest

from clause_parser.evaluate import annotated_documents, evaluate_folder, read_gold
from clause_parser.model import BUILTIN_LABELS
from helpers import CORPUS, DEVSET

DOCS = annotated_documents(CORPUS)


def squash(s):
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s or ""))


def test_corpus_is_there():
    assert len(DOCS) >= 6
    assert (CORPUS / "README.md").is_file()


@pytest.mark.parametrize("raw, gold", DOCS, ids=[r.stem for r, _ in DOCS])
def test_annotation_is_valid(raw, gold):
    text = squash(raw.read_text(encoding="utf-8"))
    pos = 0
    for k, row in enumerate(read_gold(gold), 1):
        assert set(row) == {"contract", "number", "snippet", "labels"}, f"line {k}"
        assert row["labels"] and set(row["labels"]) <= set(BUILTIN_LABELS), f"line {k}: {row['labels']}"
        assert row["number"] is None or isinstance(row["number"], str)
        snip = squash(row["snippet"])
        at = text.find(snip, pos)
        assert len(snip) >= 2 and at >= 0, f"line {k}: snippet {row['snippet']!r} not found in order"
        pos = at


def test_corpus_is_original():
    """No devset text in the corpus: no long run of a devset line appears in a corpus file."""
    if not (DEVSET / "raw").is_dir():
        pytest.skip("devset not present")
    corpus = "".join(squash(r.read_text(encoding="utf-8")) for r, _ in DOCS)
    for f in (DEVSET / "raw").glob("*.txt"):
        for line in f.read_text(encoding="utf-8").splitlines():
            s = squash(line)
            s = re.sub(r"[_＿]+", "", s)
            if len(s) >= 30:
                assert s[:30] not in corpus, f"devset text in corpus: {s[:30]}"


def test_parser_on_the_corpus():
    total, per = evaluate_folder(CORPUS)
    print(total.summary())
    assert total.unmatched <= 0.01 * len(total.pairs)
    assert total.seg_f1 >= 0.95
    assert total.macro_f1 >= 0.85
    assert total.split_ok == total.split_docs
