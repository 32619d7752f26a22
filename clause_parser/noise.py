"""Web and print noise: recognised by shape (rules/noise.yaml), listed in ``removed`` with a reason.

Works line by line on the folded text; returns spans into the document text. Nothing here
deletes text: the segmenter skips removed spans and the result lists them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .errors import RulesError


@dataclass(frozen=True)
class NoiseRule:
    id: str
    reason: str
    scope: str  # "line" | "match"
    regex: re.Pattern
    unless: re.Pattern | None = None
    max_len: int | None = None


def load_noise_rules(path: Path) -> list[NoiseRule]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as e:
        raise RulesError(str(path), f"cannot read noise rules: {e}", "fix the YAML") from None
    rules = []
    for i, r in enumerate(data.get("rules", [])):
        try:
            rules.append(NoiseRule(
                id=r["id"], reason=r.get("reason", r["id"]), scope=r.get("scope", "line"),
                regex=re.compile(r["regex"]), unless=re.compile(r["unless"]) if r.get("unless") else None,
                max_len=r.get("max_len")))
        except (KeyError, TypeError, re.error) as e:
            raise RulesError(str(path), f"noise rule #{i + 1} is invalid: {e}", "each rule needs id and regex") from None
    return rules


@lru_cache(maxsize=8)
def _cached_rules(path: str) -> tuple[NoiseRule, ...]:
    return tuple(load_noise_rules(Path(path)))


def find_noise(text: str, folded: str, rules_path: Path) -> list[tuple[int, int, str]]:
    """``(start, end, reason)`` of every noise span, in document order."""
    rules = _cached_rules(str(rules_path))
    line_rules = [r for r in rules if r.scope == "line"]
    match_rules = [r for r in rules if r.scope == "match"]
    out: list[tuple[int, int, str]] = []
    pos = 0
    n = len(folded)
    while pos <= n:
        nl = folded.find("\n", pos)
        end = n if nl < 0 else nl
        s, e = pos, end
        while s < e and folded[s].isspace():
            s += 1
        while e > s and folded[e - 1].isspace():
            e -= 1
        if s < e:
            out.extend(_line_noise(folded, s, e, line_rules, match_rules))
        pos = end + 1
    return out


def _line_noise(folded, s, e, line_rules, match_rules):
    line = folded[s:e]
    for r in line_rules:
        if r.max_len is not None and len(line) > r.max_len:
            continue
        if r.regex.search(line) and not (r.unless and r.unless.search(line)):
            return [(s, e, r.reason)]
    found = []
    cur = s
    progressed = True
    while progressed and cur < e:
        progressed = False
        rest = folded[cur:e]
        for r in match_rules:
            m = r.regex.search(rest)
            if m and m.end() > m.start():
                a, b = cur + m.start(), cur + m.end()
                while a < b and folded[a].isspace():
                    a += 1
                while b > a and folded[b - 1].isspace():
                    b -= 1
                found.append((a, b, r.reason))
                cur = cur + m.end()
                while cur < e and folded[cur].isspace():
                    cur += 1
                progressed = True
                break
    return found
