"""Batch runs from the command line: order, workers, time limits, resuming, Dask."""
import json
import os
import time

import pytest

from clause_parser.cli import main
from clause_parser.loaders import Loaded, register_loader
from helpers import CORPUS


@register_loader("napping", extensions=(".napping",))
def _napping(data, *, name, **options):
    time.sleep(60)  # a document that hangs its parser
    return Loaded(text="", format="napping")


@pytest.fixture
def folder(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for p in sorted(CORPUS.glob("raw/*.txt"))[:5]:
        (docs / p.name).write_bytes(p.read_bytes())
    (docs / "zz_broken.txt").write_bytes(bytes(range(256)) * 8)
    return docs


def records(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_folder_in_parallel_gives_records_in_input_order(folder, tmp_path, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["parse", str(folder), "-o", str(out), "--workers", "2", "--classifier", "rules"]) == 1
    recs = records(out)
    names = sorted(p.name for p in folder.iterdir())
    assert [os.path.basename(r["source"]["path"]) for r in recs] == names
    assert "error" in recs[-1] and all("clauses" in r for r in recs[:-1])
    assert capsys.readouterr().err.count("\n") == 1  # one line for the one bad file
    serial = tmp_path / "serial.jsonl"
    main(["parse", str(folder), "-o", str(serial), "--workers", "0", "--classifier", "rules"])
    assert serial.read_bytes() == out.read_bytes()


def test_a_hung_document_times_out_and_the_rest_goes_on(folder, tmp_path, capsys):
    (folder / "stuck.napping").write_bytes(b"x")
    out = tmp_path / "out.jsonl"
    start = time.monotonic()
    assert main(["parse", str(folder), "-o", str(out), "--workers", "2", "--timeout", "3", "--classifier", "rules"]) == 1
    assert time.monotonic() - start < 50
    by_name = {os.path.basename(r["source"]["path"]): r for r in records(out)}
    assert by_name["stuck.napping"]["error"]["type"] == "Timeout"
    assert sum("clauses" in r for r in by_name.values()) == 5


def test_resume_skips_what_is_done_and_reparses_what_changed(folder, tmp_path, monkeypatch):
    out = tmp_path / "out.jsonl"
    args = ["parse", str(folder), "-o", str(out), "--workers", "0", "--classifier", "rules"]
    main(args)
    first = records(out)
    changed = sorted(folder.glob("c*.txt"))[1]
    changed.write_text(changed.read_text(encoding="utf-8") + "\n第九十九条 新增条款。", encoding="utf-8")
    parsed = []
    import clause_parser.batch as batch

    real = batch._parse_one
    monkeypatch.setattr(batch, "_parse_one", lambda path, options: parsed.append(path) or real(path, options))
    main(args + ["--resume"])
    assert sorted(os.path.basename(p) for p in parsed) == sorted([changed.name, "zz_broken.txt"])
    second = records(out)
    assert [r["source"]["path"] for r in second] == [r["source"]["path"] for r in first]
    assert second[0] == first[0] and second[1] != first[1]
    parsed.clear()
    main(["parse", str(folder), "-o", str(out), "--workers", "0", "--classifier", "ensemble", "--resume"])
    assert len(parsed) == 6  # other options: another producer, everything is parsed again


def test_resume_needs_an_output(folder):
    assert main(["parse", str(folder), "--resume"]) == 2


def test_dask_engine_gives_the_same_output_as_a_local_run(folder, tmp_path):
    pytest.importorskip("dask.distributed")
    local, remote = tmp_path / "local.jsonl", tmp_path / "dask.jsonl"
    main(["parse", str(folder), "-o", str(local), "--workers", "2", "--classifier", "rules"])
    assert main(["parse", str(folder), "-o", str(remote), "--engine", "dask", "--workers", "2", "--classifier", "rules"]) == 1
    assert remote.read_bytes() == local.read_bytes()
