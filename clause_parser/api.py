"""The public entry points: ``parse`` (a file) and ``parse_text`` (a string).

load → normalise → remove noise → segment → classify → export
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import BinaryIO

from .errors import DecodingError, InputNotFound, OptionError
from .model import ParseResult, Producer, Removed, Source

DEFAULT_CLASSIFIER = "ensemble"


def parse(source: str | os.PathLike | BinaryIO, *, encoding: str | None = None, format: str | None = None,
          rules: str | os.PathLike | None = None, classifier: str = DEFAULT_CLASSIFIER, **options) -> ParseResult:
    """Parse a contract file (.txt; see ``loader_names()`` for the rest) into labelled clauses.

    >>> import clause_parser
    >>> result = clause_parser.parse("corpus/raw/c05_house_lease.txt")   # doctest: +SKIP
    >>> [c.number for c in result.by_label("fee")][:3]                     # doctest: +SKIP
    ['第三条', '3.1', '3.2']

    ``source`` is a path or a binary file object. ``encoding`` overrides detection for text files,
    ``format`` overrides format detection, ``rules`` is a folder of YAML rule files merged over the
    built-in ones, ``classifier`` picks a registered classifier by name.
    Raises a ``ClauseParserError`` subclass naming the file and what to do.

    Limits (``TooLarge`` beyond them; see ``clause_parser.limits`` for the defaults): ``max_bytes``
    (the file, checked before it is read), ``max_chars`` (the loaded text), ``max_pages`` (PDF),
    ``max_unpacked`` and ``max_entries`` (.docx, checked before anything is inflated).

    There is no time limit in-process: a PDF or XML library busy on a hostile file cannot be
    interrupted from Python, and neither can a regular expression. For untrusted files use
    ``parse_many(paths, timeout=…)``, which parses in worker processes and ends one that overruns.
    """
    from .limits import Limits
    from .loaders import choose_loader

    if hasattr(source, "read"):
        name = str(getattr(source, "name", "<stream>"))
        limits = Limits.from_options(options, name)
        data = _read_at_most(source, limits.max_bytes)
        if isinstance(data, str):
            raise OptionError(name, "the file object is open in text mode", "open it with 'rb', or call parse_text()")
        limits.check_bytes(len(data), name)
        path = None if name == "<stream>" else name
    else:
        try:
            path = os.fsdecode(os.fspath(source))
        except TypeError:
            raise OptionError(None, f"parse() takes a path or a binary file object, not {type(source).__name__}",
                              "pass a path, or call parse_text() for a string") from None
        name = path if len(path) <= 200 else path[:40] + "…"
        limits = Limits.from_options(options, name)
        p = Path(path)
        try:
            if not p.exists():
                raise InputNotFound(name, "no such file", "check the path")
            if not p.is_file():
                raise InputNotFound(name, "not a file", "pass a file, or use the CLI with a folder")
            limits.check_bytes(p.stat().st_size, name)
            with p.open("rb") as f:  # st_size can be 0 (/proc) or stale: read no more than the limit
                data = _read_at_most(f, limits.max_bytes)
        except (OSError, ValueError) as e:  # ValueError: a NUL in the path
            what = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise InputNotFound(name, f"cannot read: {what}",
                                "check the path and the file's permissions; for contract text call parse_text()") from None
        limits.check_bytes(len(data), name)
    entry = choose_loader(data, name, format)
    loaded = entry.load(data, name=name, encoding=encoding, **options)
    limits.check_chars(len(loaded.text), name)
    source_info = Source(path=_json_safe(path), format=loaded.format, sha256=hashlib.sha256(data).hexdigest(),
                         encoding=loaded.encoding)
    return _build(loaded.text, source_info, list(loaded.removed), rules=rules, classifier=classifier,
                  options=dict(encoding=encoding, format=format, **options), name=name, pages=loaded.pages)


def parse_text(text: str, *, name: str | None = None, rules: str | os.PathLike | None = None,
               classifier: str = DEFAULT_CLASSIFIER, **options) -> ParseResult:
    """Parse contract text already in memory.

    >>> import clause_parser
    >>> r = clause_parser.parse_text("第一条 保密\\n乙方不得向任何第三方泄露甲方的商业秘密。")
    >>> r.clauses[0].label
    'confidentiality'
    """
    from .limits import Limits

    if not isinstance(text, str):
        raise OptionError(name, f"parse_text() takes str, not {type(text).__name__}", "decode bytes first, or call parse()")
    Limits.from_options(options, name).check_chars(len(text), name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError as e:
        # A lone surrogate (e.g. from os.fsdecode or errors="surrogateescape") is no character: JSON cannot hold it.
        raise DecodingError(name, f"the text holds a lone surrogate {text[e.start]!r} at offset {e.start}, not a character",
                            "decode the source strictly, or with errors='replace'") from None
    source_info = Source(path=name, format="text", sha256=hashlib.sha256(encoded).hexdigest(), encoding=None)
    return _build(text, source_info, [], rules=rules, classifier=classifier, options=dict(options), name=name)


def _build(text: str, source: Source, removed: list[Removed], *, rules, classifier: str, options: dict,
           name: str | None, pages: list[tuple[int, int]] | None = None) -> ParseResult:
    from .gc_pause import cyclic_gc_paused

    with cyclic_gc_paused():
        return _build_result(text, source, removed, rules=rules, classifier=classifier, options=options,
                             pages=pages)


def _build_result(text: str, source: Source, removed: list[Removed], *, rules, classifier: str, options: dict,
                  pages: list[tuple[int, int]] | None = None) -> ParseResult:
    from .classify import get_classifier
    from .classify.ruleset import load_rules
    from .extract import annotate
    from .extract.contract import contract_type, load_types
    from .findings import review
    from .noise import find_noise
    from .normalize import fold
    from .segment.assemble import assemble
    from .segment.tree import segment

    ruleset = load_rules(rules)
    folded = fold(text)
    noise = find_noise(text, folded, ruleset.noise_file)
    spans = [(s, e) for s, e, _ in noise]
    separators = [_line_start(text, s) for s, _, reason in noise if reason == "sample-separator"]
    nodes = segment(text, folded, spans, separators)
    clauses, contracts = assemble(text, nodes, spans)
    types = load_types(str(ruleset.types_file))
    for info in contracts:  # the kind of contract first: some rules count only in some kinds
        info.type, info.type_score = contract_type(info, folded, types)
    clf = get_classifier(classifier, rules_dir=rules)
    clf.classify(text, folded, clauses, contracts=contracts)
    annotate(text, folded, clauses, contracts, spans)
    findings = review(text, folded, contracts, clauses, types)
    removed = removed + [Removed(span=(s, e), text=text[s:e], reason=reason, page=_page_at(pages, s)) for s, e, reason in noise]
    if pages:
        for c in clauses:
            c.page = _page_at(pages, c.span[0])
    return ParseResult(producer=_producer(ruleset, clf, classifier, rules, options), source=source, text=text,
                       removed=removed, contracts=contracts, clauses=clauses, findings=findings)


def producer(*, classifier: str = DEFAULT_CLASSIFIER, rules: str | os.PathLike | None = None, **options) -> Producer:
    """The ``producer`` record that parsing with these options writes (what ``--resume`` compares)."""
    from .classify import get_classifier
    from .classify.ruleset import load_rules

    return _producer(load_rules(rules), get_classifier(classifier, rules_dir=rules), classifier, rules, options)


def _producer(ruleset, clf, classifier: str, rules, options: dict) -> Producer:
    from . import __version__

    opts = {"classifier": classifier, "rules": os.fspath(rules) if rules is not None else None}
    # a password is a secret, not a setting: it must not travel into every output record
    opts.update({k: v for k, v in options.items() if v is not None and k != "password"})
    return Producer(name="clause_parser", version=__version__, rules_sha256=ruleset.sha256,
                    model_sha256=getattr(clf, "model_sha256", None), options=dict(sorted(opts.items())))


def _json_safe(path: str | None) -> str | None:
    """The path as UTF-8 JSON can hold it: the bytes of a name that is not UTF-8 (a GBK name unpacked
    on Linux arrives as lone surrogates) become U+FFFD."""
    if path is None:
        return None
    try:
        path.encode("utf-8")
        return path
    except UnicodeEncodeError:
        try:
            return os.fsencode(path).decode("utf-8", "replace")
        except UnicodeEncodeError:
            return path.encode("utf-8", "replace").decode("utf-8")


def _read_at_most(f, limit: float) -> bytes:
    """The stream's bytes, but never more than ``limit`` + 1 of them (enough to tell it is over)."""
    return f.read() if limit == float("inf") else f.read(int(limit) + 1)


def _page_at(pages: list[tuple[int, int]] | None, pos: int) -> int | None:
    """The 1-based page holding offset ``pos``, from a loader's ``(offset, page)`` list."""
    if not pages:
        return None
    import bisect

    i = bisect.bisect_right([o for o, _ in pages], pos) - 1
    return pages[i][1] if i >= 0 else pages[0][1]


def _line_start(text: str, pos: int) -> int:
    return text.rfind("\n", 0, pos) + 1
