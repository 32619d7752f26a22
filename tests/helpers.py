"""Checks shared by the tests: what a user relies on in every result."""
from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
DEVSET = REPO.parent / "shared" / "devset"


_SCHEMA = []


def check_result(result, schema=None):
    """The JSON contract: schema-valid, spans exact, nothing lost, ids and parents consistent."""
    import jsonschema
    from importlib import resources

    d = result.to_dict()
    if not _SCHEMA:
        _SCHEMA.append(json.loads(resources.files("clause_parser").joinpath("schema.json").read_text(encoding="utf-8")))
    jsonschema.validate(d, schema or _SCHEMA[0])
    text = d["text"]
    removed = [r for r in d["removed"] if r["span"] is not None]
    spans = sorted([tuple(c["span"]) for c in d["clauses"]])
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert e1 <= s2, f"clause spans overlap: {(s1, e1)} {(s2, e2)}"
    covered = [False] * len(text)
    for s, e in spans:
        for i in range(s, e):
            covered[i] = True
    for r in removed:
        s, e = r["span"]
        assert text[s:e] == r["text"]
        inside = any(cs <= s and e <= ce for cs, ce in spans)
        overlaps = any(cs < e and s < ce for cs, ce in spans)
        assert inside or not overlaps, f"removed span {r['span']} straddles a clause"
        for i in range(s, e):
            covered[i] = True
    lost = [i for i, ch in enumerate(text) if not ch.isspace() and not covered[i]]
    assert not lost, f"characters in no clause and not removed: {text[lost[0]:lost[0] + 20]!r}"
    ids = [c["id"] for c in d["clauses"]]
    assert len(ids) == len(set(ids))
    pos = {cid: k for k, cid in enumerate(ids)}
    for k, c in enumerate(d["clauses"]):
        s, e = c["span"]
        assert c["text"].strip(), "empty clause"
        assert not text[s:e][:1].isspace() and not text[s:e][-1:].isspace()
        if c["number"] is not None and c["kind"] != "attachment":
            assert text[s:e].startswith(c["number"]), "a clause's text starts with its own marker"
        assert c["label"] == c["labels"][0]["label"]
        scores = [ls["score"] for ls in c["labels"]]
        assert scores == sorted(scores, reverse=True)
        for ls in c["labels"]:
            for ev in ls["evidence"]:
                a, b = ev["span"]
                assert text[a:b] == ev["text"]
        if c["parent"] is not None:
            assert pos[c["parent"]] < k, "parents come before their children"
            parent = d["clauses"][pos[c["parent"]]]
            assert c["level"] == parent["level"] + 1
            assert c["path"][:-1] == parent["path"]
            assert c["contract"] == parent["contract"]
        else:
            assert c["level"] == 0
    return d


def load_gold(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
