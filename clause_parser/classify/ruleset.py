"""Rule files (``rules/*.yaml``): loading, validation, merging a user's folder over the built-in one.

Format (documented in rules/README.md)::

    label: fee
    keywords: {4: [价款, 报酬], 2: [人民币]}
    patterns: [{id: amount, regex: '人民币\\s*[\\d,.]+', weight: 2}]
    heading:  {4: [费用, 支付]}
    negative: {3: [违约金]}
    kind_prior: {preamble: 4}
    contract_types:           # cues that count only in contracts of a kind (rules/contract_types.yaml)
      保险: {keywords: {2: [赔偿]}, heading: {4: [赔偿处理]}, ignore: [损失]}
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import RulesError
from ..normalize import fold
from ..regex_guard import first_char_guarded

_KNOWN_KEYS = {"label", "name", "description", "keywords", "patterns", "heading", "negative", "kind_prior", "replace",
               "contract_types"}
_TYPE_KEYS = {"keywords", "heading", "ignore"}
NOT_LABEL_FILES = {"noise.yaml", "contract_types.yaml"}


def builtin_rules_dir() -> Path:
    """The rules shipped with the package (inside the wheel), or the repo's ``rules/`` in a checkout."""
    here = Path(__file__).resolve().parent.parent
    for cand in (here / "rules", here.parent / "rules"):
        if (cand / "other.yaml").is_file():
            return cand
    raise RulesError(str(here / "rules"), "built-in rules are missing", "reinstall clause_parser")


@dataclass
class Cue:
    text: str  # matching form
    weight: float
    rule: str


@dataclass
class Pattern:
    regex: re.Pattern
    weight: float
    rule: str


@dataclass
class LabelRules:
    label: str
    keywords: dict[str, Cue] = field(default_factory=dict)
    heading: dict[str, Cue] = field(default_factory=dict)
    negative: dict[str, Cue] = field(default_factory=dict)
    patterns: dict[str, Pattern] = field(default_factory=dict)
    kind_prior: dict[str, float] = field(default_factory=dict)
    by_type: dict[str, "TypeRules"] = field(default_factory=dict)  # contract kind -> its own cues


@dataclass
class TypeRules:
    """A label's cues in one kind of contract: extra keywords and heading cues, and the rules
    (by cue text or pattern id) that do not count there — in an insurance policy 赔偿 is what the
    insurer sells, not a liability for breach."""

    keywords: dict[str, Cue] = field(default_factory=dict)
    heading: dict[str, Cue] = field(default_factory=dict)
    ignore: set[str] = field(default_factory=set)  # rule ids, e.g. "breach.keywords:赔偿"


@dataclass(eq=False)  # hashed by identity: loaded once, cached
class RuleSet:
    labels: dict[str, LabelRules]
    sha256: str
    noise_file: Path
    types_file: Path

    @property
    def label_names(self) -> list[str]:
        return list(self.labels)


def _weighted(block, where: str, label: str, kind: str) -> list[tuple[str, float]]:
    if block is None:
        return []
    if not isinstance(block, dict):
        raise RulesError(where, f"'{kind}' must map weights to lists of cues", "write e.g. `keywords: {3: [价款, 报酬]}`")
    out = []
    for w, cues in block.items():
        try:
            weight = float(w)
        except (TypeError, ValueError):
            raise RulesError(where, f"'{kind}' weight {w!r} is not a number", "use numbers as keys, e.g. 3:") from None
        if isinstance(cues, str):
            cues = [cues]
        if not isinstance(cues, list) or not all(isinstance(c, (str, int)) for c in cues):
            raise RulesError(where, f"'{kind}' weight {w} must list strings", "write cues as a YAML list")
        out.extend((str(c), weight) for c in cues)
    return out


def _strict_loader():
    """A YAML loader that refuses duplicate keys: two `4:` lists would silently drop one."""
    import yaml

    class StrictLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader, node, deep=False):
        keys = set()
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=deep)
            if key in keys:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            keys.add(key)
        return yaml.SafeLoader.construct_mapping(loader, node, deep)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return StrictLoader


def _read(path: Path) -> dict:
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_strict_loader())
    except OSError as e:
        raise RulesError(str(path), f"cannot read rule file: {e.strerror}", "check the path") from None
    except yaml.YAMLError as e:
        first = " ".join(str(e).split())[:160]
        raise RulesError(str(path), f"invalid YAML: {first}", "fix the file's syntax") from None
    if not isinstance(data, dict) or not isinstance(data.get("label"), str):
        raise RulesError(str(path), "a rule file must be a mapping with a 'label'", "start the file with `label: NAME`")
    unknown = set(data) - _KNOWN_KEYS
    if unknown:
        raise RulesError(str(path), f"unknown key(s) {sorted(unknown)}", f"use only {sorted(_KNOWN_KEYS)}")
    return data


def _merge(rules: dict[str, LabelRules], data: dict, where: str) -> None:
    label = data["label"]
    if data.get("replace") or label not in rules:
        rules[label] = LabelRules(label)
    lr = rules[label]
    for kind in ("keywords", "heading", "negative"):
        target = getattr(lr, kind)
        for text, w in _weighted(data.get(kind), where, label, kind):
            key = fold(text)
            target[key] = Cue(key, w, f"{label}.{kind}:{text}")
    for i, p in enumerate(data.get("patterns") or []):
        if not isinstance(p, dict) or "regex" not in p:
            raise RulesError(where, f"pattern #{i + 1} needs a 'regex'", "write `- {id: NAME, regex: '...', weight: 2}`")
        pid = str(p.get("id", f"p{i + 1}"))
        try:
            rx = first_char_guarded(fold(p["regex"]), re.MULTILINE)  # same matches, found faster
        except re.error as e:
            raise RulesError(where, f"pattern {pid!r} is not a valid regular expression: {e}", "fix the regex") from None
        lr.patterns[pid] = Pattern(rx, float(p.get("weight", 1)), f"{label}.pattern:{pid}")
    for kind, w in (data.get("kind_prior") or {}).items():
        lr.kind_prior[str(kind)] = float(w)
    by_type = data.get("contract_types") or {}
    if not isinstance(by_type, dict):
        raise RulesError(where, "'contract_types' must map contract kinds to cues",
                         "write e.g. `contract_types: {保险: {keywords: {2: [赔偿]}, ignore: [损失]}}`")
    for ctype, block in by_type.items():
        if not isinstance(block, dict) or set(block) - _TYPE_KEYS:
            raise RulesError(where, f"contract_types.{ctype} must be a mapping with only {sorted(_TYPE_KEYS)}",
                             "write e.g. `保险: {keywords: {2: [赔偿]}, ignore: [损失]}`")
        tr = lr.by_type.setdefault(str(ctype), TypeRules())
        for kind in ("keywords", "heading"):
            for text, w in _weighted(block.get(kind), where, label, f"contract_types.{ctype}.{kind}"):
                key = fold(text)
                getattr(tr, kind)[key] = Cue(key, w, f"{label}.{kind}[{ctype}]:{text}")
        ignore = block.get("ignore") or []
        if not isinstance(ignore, list) or not all(isinstance(c, (str, int)) for c in ignore):
            raise RulesError(where, f"contract_types.{ctype}.ignore must list cues or pattern ids", "write a YAML list")
        for text in map(str, ignore):
            tr.ignore |= {f"{label}.keywords:{text}", f"{label}.heading:{text}", f"{label}.negative:{text}",
                          f"{label}.pattern:{text}"}


def load_rules(user_dir: str | Path | None = None) -> RuleSet:
    """The built-in rules, with the YAML files of ``user_dir`` merged over them."""
    return _load_rules(str(user_dir) if user_dir is not None else None)


@lru_cache(maxsize=16)
def _load_rules(user_dir: str | None) -> RuleSet:
    base = builtin_rules_dir()
    files = sorted(p for p in base.glob("*.yaml") if p.name not in NOT_LABEL_FILES)
    noise = base / "noise.yaml"
    types = base / "contract_types.yaml"
    if user_dir is not None:
        ud = Path(user_dir)
        if not ud.is_dir():
            raise RulesError(str(ud), "rules folder not found", "pass a folder of .yaml rule files")
        user_files = sorted(p for p in ud.glob("*.yaml") if p.name not in NOT_LABEL_FILES)
        if (ud / "noise.yaml").is_file():
            noise = ud / "noise.yaml"
        if (ud / "contract_types.yaml").is_file():
            types = ud / "contract_types.yaml"
        files += user_files
    h = hashlib.sha256()
    rules: dict[str, LabelRules] = {}
    for p in files:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
        _merge(rules, _read(p), str(p))
    h.update(noise.read_bytes())
    h.update(types.read_bytes())
    return RuleSet(rules, h.hexdigest(), noise, types)
