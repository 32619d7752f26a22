"""regex_guard: a guarded pattern finds exactly what the plain pattern finds, a RunScan finds
the same matches scanning less, and the line pre-tests never turn away a line the pattern matches — for the package's real patterns (marker
grammar, field finders, the rule patterns and noise rules of rules/*.yaml) on random texts made
of the characters and words contracts are made of."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clause_parser.extract import fields
from clause_parser.normalize import fold
from clause_parser.regex_guard import RunScan, first_char_guarded, first_chars, line_prefilters
from clause_parser.segment import markers

RULES = Path(__file__).resolve().parent.parent / "rules"


def _rule_patterns() -> list[tuple[str, str, int]]:
    """``(name, pattern, flags)`` of every label rule pattern, as ``ruleset`` compiles it."""
    out = []
    for path in sorted(RULES.glob("*.yaml")):
        if path.name == "noise.yaml":
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for i, p in enumerate(data.get("patterns") or []):
            if isinstance(p, dict) and "regex" in p:
                out.append((f"{path.stem}:{p.get('id', i)}", fold(p["regex"]), re.MULTILINE))
    return out


def _noise_patterns() -> list[tuple[str, str, int]]:
    """``(name, pattern, flags)`` of every noise rule's ``regex`` and ``unless``."""
    data = yaml.safe_load((RULES / "noise.yaml").read_text(encoding="utf-8")) or {}
    out = []
    for r in data.get("rules", []):
        out.append((f"noise:{r['id']}", r["regex"], 0))
        if r.get("unless"):
            out.append((f"noise:{r['id']}:unless", r["unless"], 0))
    return out


CODE_PATTERNS = [
    ("marker", markers.MARKER_PATTERN, re.VERBOSE),
    ("amount", fields.AMOUNT_PATTERN, 0),
    ("percent", fields.PERCENT_PATTERN, 0),
    ("duration", fields.DURATION_PATTERN, 0),
    ("date", fields.DATE_PATTERN, 0),
    ("blank", fields.BLANK_PATTERN, 0),
    # shapes a user's rule may take: look-behinds, literal alternatives, \b, a verbose comment
    ("user:lookbehind", r"(?<!\d)(人民币|¥)\s*\d+|[一二]+元", 0),
    ("user:literals", "(甲方|乙方)应", 0),
    ("user:word", r"\b(?:article|section)\s+\d+", 0),
    ("user:verbose", "(?:第\\s*\\d+\\s*条)  # a titled article\n| [(]\\d+[)]", re.VERBOSE),
    ("user:optional-start", r"(?:人民币)?\d+(?:\.\d+)?元", 0),
]
ALL_PATTERNS = CODE_PATTERNS + _rule_patterns() + _noise_patterns()
NOISE_PATTERNS = _noise_patterns() + _rule_patterns()

# characters and words contracts are made of; every character of the patterns themselves too
_CHARS = sorted(set(
    "0123456789０１２３４５６７８９第条章节款项编篇一二三四五六七八九十百零〇两壹贰叁肆伍陆柒捌玖拾佰仟万亿千"
    "（）()、．.，,：:；;。\n\t 　元圆%‰＿_-—/·…×【】[]>›»¥$€角分整正年月日号天周个甲乙方应不得的"
    "abcdeilnrstuvxzABCIVX①②③⑴⑵⒈㈠")
    | {ch for _, p, _ in ALL_PATTERNS for ch in p if ch.isprintable() or ch in "\n\t"})
_WORDS = ["第三条", "第 十二 条", "第二章", "（一）", "(2)", "1.", "1.2", "3.2.1", "2-1", "①", "一、", "a)", "article 5",
          "附件一", "人民币", "rmb", "us$", "¥", "1,000.50", "壹拾贰万", "万元", "美元", "百分之", "千分之", "三个月",
          "工作日", "2024年3月1日", "2024-03-01", "____", "【 】", "年  月  日", "共 3 页", "第 2 页", "page 3",
          "首页>", "当前位置:", "小编", "下载", "篇二", "合同范本6篇", "......", "甲方:", "乙方应", "未经", "同意",
          "不得", "违约金", "仲裁委员会", "一式两份", "\n", "  ", "    "]
texts = st.lists(st.one_of(st.sampled_from(_CHARS), st.sampled_from(_WORDS)), max_size=40).map("".join)
lines = texts.map(lambda s: s.replace("\n", " ").strip()).filter(bool)

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])


@lru_cache(maxsize=None)
def _compiled(pattern: str, flags: int):
    return re.compile(pattern, flags), first_char_guarded(pattern, flags), line_prefilters(pattern, flags)


def _matches(rx, text: str, pos: int = 0):
    it = rx.finditer(text, pos) if pos else rx.finditer(text)
    return [_sig(m) for m in it]


def test_the_hot_patterns_are_guarded():
    # the test below compares something: the marker grammar and most field finders get a guard
    assert first_chars(markers.MARKER_PATTERN, re.VERBOSE) is not None
    assert markers.MARKER_RE.pattern != markers.MARKER_PATTERN
    assert sum(first_chars(p, f) is not None for _, p, f in CODE_PATTERNS) >= 4


@pytest.mark.parametrize("name,pattern,flags", ALL_PATTERNS, ids=[n for n, _, _ in ALL_PATTERNS])
@SETTINGS
@given(text=texts, data=st.data())
def test_guarded_pattern_finds_the_same_matches(name, pattern, flags, text, data):
    plain, guarded, _ = _compiled(pattern, flags)
    assert guarded.groupindex == plain.groupindex and guarded.groups == plain.groups
    assert _matches(guarded, text) == _matches(plain, text)
    pos = data.draw(st.integers(0, len(text)), label="pos")  # look-behinds see before pos
    assert _matches(guarded, text, pos) == _matches(plain, text, pos)
    m1, m2 = plain.search(text, pos), guarded.search(text, pos)
    assert (m1 and (m1.span(), m1.groups())) == (m2 and (m2.span(), m2.groups()))


@pytest.mark.parametrize("name,pattern,flags", NOISE_PATTERNS, ids=[n for n, _, _ in NOISE_PATTERNS])
@SETTINGS
@given(line=lines)
def test_line_prefilters_never_reject_a_matching_line(name, pattern, flags, line):
    plain, _, (ends, has) = _compiled(pattern, flags)
    if plain.search(line):
        assert ends is None or re.match(f"[{ends}]", line[-1], flags), (ends, line)
        assert has is None or re.search(f"[{has}]", line, flags), (has, line)


@pytest.mark.parametrize("name,pattern,flags", ALL_PATTERNS, ids=[n for n, _, _ in ALL_PATTERNS])
@SETTINGS
@given(text=texts)
def test_run_scan_finds_the_same_matches(name, pattern, flags, text):
    plain = _compiled(pattern, flags)[0]
    assert _matches(_run_scan(pattern, flags), text) == _matches(plain, text)


@pytest.mark.parametrize("scan,kept", [
    (fields.AMOUNT_SCAN, lambda m: m.group("pre") or m.group("suf")),  # what find_amounts keeps
    (fields.PERCENT_SCAN, lambda m: True),
], ids=["amount", "percent"])
@SETTINGS
@given(text=texts)
def test_field_scans_find_every_match_the_finder_keeps(scan, kept, text):
    assert scan.needs is not None
    plain = re.compile(scan.regex.pattern)
    everything = [m for m in plain.finditer(text)]
    found = _matches(scan, text)
    assert set(found) <= set(_sig(m) for m in everything)  # nothing else, in the same order
    assert found == sorted(found, key=lambda x: x[0])
    wanted = [_sig(m) for m in everything if kept(m)]
    assert [f for f in found if f in wanted] == wanted


def test_run_scan_is_used_where_it_pays():
    assert fields.AMOUNT_SCAN.needs and fields.PERCENT_SCAN.needs
    assert RunScan(fields.PERCENT_PATTERN).needs is not None
    assert RunScan(r"^\d+$").needs is None and RunScan(r"\d*").needs is None and RunScan(r"a.b").needs is None


@lru_cache(maxsize=None)
def _run_scan(pattern: str, flags: int) -> RunScan:
    return RunScan(pattern, flags)


def _sig(m):
    return (m.span(), m.groups(), tuple(sorted(m.groupdict().items(), key=lambda kv: kv[0])), m.lastgroup, m.lastindex)
