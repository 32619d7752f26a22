"""Result dataclasses: what parse() returns and what the JSON export serialises.

The JSON layout is fixed by ``schema.json``; ``ParseResult.to_dict()`` produces exactly that.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Iterator

SCHEMA_VERSION = "1.0"
BUILTIN_LABELS = ("service", "term", "fee", "confidentiality", "breach", "dispute", "restriction", "other")


@dataclass(slots=True)
class Evidence:
    """Why a label was given: the matched text, where it is in ``ParseResult.text``, and which rule."""

    text: str
    span: tuple[int, int]
    rule: str | None = None


@dataclass(slots=True)
class LabelScore:
    label: str
    score: float
    source: str
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class Field:
    """A typed value inside a clause: an amount, percentage, duration, date, forum or blank.

    ``value`` depends on ``type``: amount → ``{"amount": "123000.00", "currency": "CNY"}`` (a decimal
    string, never a float); percentage → ``{"percent": 20}``; duration → ``{"value": 30, "unit": "day"}``;
    date → ``"2024-03-01"`` or ``{"start": …, "end": …}``; forum → ``{"kind": "court", "name": …}``;
    blank → ``{"length": 8}``.
    """

    type: str
    text: str
    span: tuple[int, int]
    value: object


@dataclass(slots=True)
class Finding:
    """Something a reviewer should look at. ``clause`` is a clause id, or None for the whole contract."""

    type: str
    message: str
    clause: str | None = None
    span: tuple[int, int] | None = None


@dataclass
class Party:
    role: str  # 甲方 / 乙方 … (or the contract's own word for the side, e.g. 托运方)
    alias: str | None  # the other name the contract gives it: 委托方, 出租人 …
    name: str | None  # None when the template leaves it blank
    span: tuple[int, int]


@dataclass(slots=True)
class Clause:
    """One entry of the clause tree. ``text`` is ``ParseResult.text[span]`` minus removed noise."""

    id: str
    parent: str | None
    level: int
    contract: int
    kind: str  # preamble | heading | clause | closing | attachment
    number: str | None
    value: int | None
    path: list[int]
    heading: str | None
    text: str
    span: tuple[int, int]
    page: int | None = None
    label: str = "other"
    labels: list[LabelScore] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # ids of clauses this one cites ("见第九条")

    def score(self, label: str) -> float:
        """The score this clause has for ``label`` (0.0 when the label was not given)."""
        return next((ls.score for ls in self.labels if ls.label == label), 0.0)


@dataclass
class Removed:
    """Text that is not part of any clause: web or print noise, with the reason it was removed."""

    span: tuple[int, int] | None
    text: str
    reason: str
    page: int | None = None


@dataclass
class ContractInfo:
    index: int
    title: str | None
    span: tuple[int, int]
    type: str | None = None  # 买卖, 租赁, 服务 … (rules/contract_types.yaml)
    type_score: float | None = None
    parties: list[Party] = field(default_factory=list)


@dataclass
class Source:
    path: str | None
    format: str
    sha256: str
    encoding: str | None = None


@dataclass
class Producer:
    name: str
    version: str
    rules_sha256: str
    model_sha256: str | None
    options: dict


@dataclass
class ParseResult:
    """A parsed contract.

    >>> import clause_parser
    >>> r = clause_parser.parse_text("第一条 费用\\n乙方应于每月5日前支付服务费人民币1000元。")
    >>> r.clauses[0].number, r.clauses[0].label
    ('第一条', 'fee')
    >>> r.find("1").heading
    '费用'
    """

    producer: Producer
    source: Source
    text: str
    removed: list[Removed]
    contracts: list[ContractInfo]
    clauses: list[Clause]
    findings: list[Finding] = field(default_factory=list)
    schema_version: str = SCHEMA_VERSION

    # -- navigation ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses)

    def __len__(self) -> int:
        return len(self.clauses)

    def get(self, clause_id: str) -> Clause | None:
        """The clause with this ``id``, or None."""
        return next((c for c in self.clauses if c.id == clause_id), None)

    def children(self, clause: Clause | str) -> list[Clause]:
        """Direct children of a clause (or of a clause id), in document order."""
        cid = clause if isinstance(clause, str) else clause.id
        return [c for c in self.clauses if c.parent == cid]

    def by_label(self, label: str) -> list[Clause]:
        """Clauses whose primary label is ``label``, in document order."""
        return [c for c in self.clauses if c.label == label]

    def find(self, number: str, contract: int | None = None) -> Clause | None:
        """The first clause whose marker means ``number``.

        Matching ignores width, brackets and the 第…条 wrapper, so ``find("3")`` finds 第三条,
        ``find("3.2")`` finds １．２ under 第三条's sibling numbering, and ``find("（二）")`` finds (二).
        A dotted number is also matched against the clause's path of markers ("3.2" = the second
        child of clause 3), so it works for documents that number 第三条 → （二）.
        """
        from .normalize import fold, squash_spaces
        from .segment.markers import number_key

        exact = squash_spaces(fold(number))
        for c in self.clauses:
            if (contract is None or c.contract == contract) and c.number is not None \
                    and squash_spaces(fold(c.number)).rstrip(".、") == exact.rstrip(".、"):
                return c
        want = number_key(number)
        for c in self.clauses:
            if contract is not None and c.contract != contract:
                continue
            if c.number is not None and number_key(c.number) == want:
                return c
        if "." in want:  # path-style lookup: 3.2 = second child of clause 3
            head, _, tail = want.rpartition(".")
            parent = self.find(head, contract)
            if parent is not None:
                for c in self.children(parent):
                    if c.number is not None and number_key(c.number).rpartition(".")[2] == tail:
                        return c
        return None

    def outline(self, labels: bool = True, width: int = 60, fields: bool = False) -> str:
        """The clause tree as indented text, one line per clause, with labels and scores.

        >>> import clause_parser
        >>> print(clause_parser.parse_text("一、保密\\n1. 乙方不得泄露甲方商业秘密。").outline())
        一 保密  [confidentiality ...]
          1. 乙方不得泄露甲方商业秘密。  [confidentiality ...]
        """
        from .export import outline

        return outline(self, labels=labels, width=width, fields=fields)

    # -- export -------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        """The result as plain JSON-ready data, in the layout of ``schema.json``."""
        d = asdict(self)
        return {
            "schema_version": d["schema_version"],
            "producer": d["producer"],
            "source": d["source"],
            "text": d["text"],
            "removed": [_spans_to_lists(r) for r in d["removed"]],
            "contracts": [_contract_dict(c) for c in d["contracts"]],
            "clauses": [_clause_dict(c) for c in d["clauses"]],
            "findings": [_spans_to_lists(f) for f in d["findings"]],
        }

    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON text; the same input and options give byte-identical output."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)


def _spans_to_lists(d: dict) -> dict:
    if d.get("span") is not None:
        d["span"] = list(d["span"])
    return d


def _clause_dict(c: dict) -> dict:
    c = _spans_to_lists(c)
    for ls in c["labels"]:
        for ev in ls["evidence"]:
            ev["span"] = list(ev["span"])
    for f in c["fields"]:
        f["span"] = list(f["span"])
    return c


def _contract_dict(c: dict) -> dict:
    c = _spans_to_lists(c)
    for p in c["parties"]:
        p["span"] = list(p["span"])
    return c
