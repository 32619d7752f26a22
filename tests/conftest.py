import json
from importlib import resources

import pytest


@pytest.fixture(scope="session")
def schema():
    return json.loads(resources.files("clause_parser").joinpath("schema.json").read_text(encoding="utf-8"))
