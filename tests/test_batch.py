"""Many documents at once: order, isolation of failures, time limits."""
import time

import pytest

import clause_parser
from clause_parser.loaders import Loaded, register_loader
from helpers import CORPUS


@register_loader("sleepy", extensions=(".sleepy",))
def _sleepy(data, *, name, **options):
    # stands for a PDF library that hangs on a broken file
    time.sleep(float(data.decode() or 30))
    return Loaded(text="第一条 甲", format="sleepy")


@pytest.fixture
def docs(tmp_path):
    good = sorted(CORPUS.glob("raw/*.txt"))[:4]
    bad = tmp_path / "binary.txt"
    bad.write_bytes(bytes(range(256)) * 8)
    return [good[0], bad, good[1], tmp_path / "missing.txt", good[2], good[3]]


@pytest.mark.parametrize("workers", [0, 2])
def test_results_in_input_order_and_failures_isolated(docs, workers):
    out = list(clause_parser.parse_many(docs, workers=workers))
    assert [o.ok for o in out] == [True, False, True, False, True, True]
    assert [o.source.path for o in out if o.ok] == [str(p) for p in docs if p.exists() and "binary" not in p.name]
    assert out[1].type == "DecodingError" and "binary.txt" in out[1].message
    assert out[3].to_dict() == {"source": {"path": str(docs[3])},
                                "error": {"type": "InputNotFound", "message": f"{docs[3]}: no such file; check the path"}}
    single = clause_parser.parse(docs[0])
    assert out[0].to_json() == single.to_json()


def test_a_hung_document_is_stopped_by_its_time_limit(tmp_path, docs):
    slow = tmp_path / "hang.sleepy"
    slow.write_text("60")
    start = time.monotonic()
    out = list(clause_parser.parse_many([docs[0], slow, docs[2]], workers=2, timeout=2))
    assert time.monotonic() - start < 30
    assert [o.ok for o in out] == [True, False, True]
    assert out[1].type == "Timeout" and "hang.sleepy" in out[1].message
