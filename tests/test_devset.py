"""Measured on ../shared/devset when it is beside the repository (skipped elsewhere)."""
import pytest

from clause_parser.evaluate import evaluate_folder
from helpers import DEVSET

pytestmark = pytest.mark.skipif(not (DEVSET / "gold").is_dir(), reason="../shared/devset not present")


def test_devset_scores():
    total, _ = evaluate_folder(DEVSET)
    print(total.summary())
    assert total.unmatched == 0
    assert total.seg_f1 >= 0.95
    assert total.macro_f1 >= 0.78
    assert total.split_ok == total.split_docs
