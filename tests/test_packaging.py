"""What `pip install .` puts in the wheel: every subpackage, the rules, the schema."""
import re
from pathlib import Path

from helpers import REPO


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(re.findall(r'"(clause_parser(?:\.\w+)*)"', (REPO / "pyproject.toml").read_text(encoding="utf-8")))
    pkg = REPO / "clause_parser"
    found = {".".join(p.parent.relative_to(REPO).parts) for p in pkg.rglob("__init__.py")}
    assert found <= listed, f"missing from [tool.setuptools] packages: {sorted(found - listed)}"


def test_rules_and_schema_ship_with_the_package():
    import clause_parser
    from clause_parser.classify.ruleset import builtin_rules_dir

    rules = builtin_rules_dir()
    assert {p.stem for p in rules.glob("*.yaml")} >= {"service", "term", "fee", "confidentiality", "breach", "dispute",
                                                      "restriction", "other", "noise", "contract_types"}
    assert (rules / "userdict.txt").is_file()
    assert (Path(clause_parser.__file__).parent / "schema.json").is_file()
