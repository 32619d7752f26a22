"""The CLI as a review pipeline calls it."""
import json
import subprocess
import sys

import pytest

CONTRACT = "第一条 费用\n甲方支付服务费人民币一万元。\n第二条 争议\n争议提交仲裁委员会仲裁。\n"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "clause_parser", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "a.txt"
    good.write_text(CONTRACT, encoding="utf-8")
    other = tmp_path / "b.txt"
    other.write_text(CONTRACT.replace("一万", "两万"), encoding="gb18030")
    bad = tmp_path / "c.txt"
    bad.write_bytes(bytes(range(256)) * 10)
    return good, other, bad


def test_one_file_gives_one_json_object(files, schema):
    import jsonschema

    p = run("parse", str(files[0]))
    assert p.returncode == 0 and p.stderr == ""
    d = json.loads(p.stdout)
    jsonschema.validate(d, schema)
    assert [c["label"] for c in d["clauses"]] == ["fee", "dispute"]


def test_several_files_give_jsonl_with_error_records_and_exit_1(files):
    p = run("parse", *map(str, files))
    assert p.returncode == 1
    records = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(records) == 3
    assert records[0]["clauses"] and records[1]["source"]["encoding"] == "gb18030"
    assert records[2]["error"]["type"] == "DecodingError" and "c.txt" in records[2]["error"]["message"]
    err_lines = p.stderr.strip().splitlines()
    assert len(err_lines) == 1 and "c.txt" in err_lines[0] and "Traceback" not in p.stderr


def test_folder_input_and_output_file(files, tmp_path):
    out = tmp_path / "out.jsonl"
    files[2].unlink()
    p = run("parse", str(files[0].parent), "-o", str(out))
    assert p.returncode == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2


def test_format_text_prints_the_outline(files):
    p = run("parse", str(files[0]), "--format", "text")
    assert p.returncode == 0
    assert p.stdout.splitlines()[0].startswith("第一条 费用") and "[fee" in p.stdout


def test_format_json_always_wins(files):
    p = run("parse", str(files[0]), str(files[1]), "--format", "json")
    assert p.stdout.count('"schema_version"') == 2


def test_usage_errors_exit_2_and_version():
    assert run("parse").returncode == 2
    assert run("frobnicate").returncode == 2
    p = run("--version")
    assert p.returncode == 0 and p.stdout.startswith("clause-parser ")


def test_missing_file_is_one_line_exit_1(tmp_path):
    p = run("parse", str(tmp_path / "missing.txt"))
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr.strip().count("\n") == 0 and "missing.txt: no such file" in p.stderr


def test_user_rules_and_classifier_options(tmp_path, files):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "insurance.yaml").write_text("label: insurance\nkeywords:\n  9: [保险]\n", encoding="utf-8")
    f = tmp_path / "ins.txt"
    f.write_text("第一条 乙方应为货物投保财产保险。\n", encoding="utf-8")
    p = run("parse", str(f), "--rules", str(tmp_path / "rules"))
    assert json.loads(p.stdout)["clauses"][0]["label"] == "insurance"
    p = run("parse", str(f), "--classifier", "nonsense")
    assert p.returncode == 1 and "unknown classifier" in p.stderr
    p = run("parse", str(f), "--rules", str(tmp_path / "nowhere"))
    assert p.returncode == 1 and "rules folder not found" in p.stderr


def test_limits_from_the_command_line(tmp_path):
    f = tmp_path / "long.txt"
    f.write_text("第一条 " + "甲方应付款。" * 200, encoding="utf-8")
    p = run("parse", str(f), "--max-chars", "100")
    assert p.returncode == 1 and "long.txt" in p.stderr and p.stderr.count("\n") == 1
    p = run("parse", str(f), "--max-bytes", "1k")
    assert p.returncode == 1 and "long.txt" in p.stderr
    assert run("parse", str(f), "--max-bytes", "lots").returncode == 2
    assert run("parse", str(f), "--max-bytes", "1MB", "--classifier", "rules").returncode == 0
