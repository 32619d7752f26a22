"""The trained classifier: a spaCy ``textcat_multilabel`` over the jieba words of a clause.

A clause is read as the words of the headings above it (each marked with ``§`` so that 保密 in
a section heading and 保密 in the clause's own sentence are different features; a parent without
a heading lends the start of its text, "…有下列情形之一的，甲方有权解除合同："), a word for its kind
(preamble, clause, closing …) and the words of its own text. The words come from one jieba pass
over the (folded) text — the tokenizer of ``clause_parser.tokenize`` with the contract-term
dictionary of ``rules/userdict.txt``; every clause's own span is tokenised once, and its headings'
words are reused by the clauses below — and the model reads those words directly, never
tokenised a second time: the bag-of-words textcat of ``configs/textcat.cfg`` reads nothing of a
``Doc`` but its words' ORTH ids, so those are all it is given (any other architecture gets the
spaCy ``Doc``).

The shipped model lives in ``clause_parser/models/``: ``textcat/`` (the spaCy pipeline) and
``meta.json`` (the sha256 of the corpus it was trained on, per-label calibration, and the
ensemble's weights). It loads on first use, once per process; importing this module does not
import spaCy.

>>> from clause_parser import parse_text
>>> r = parse_text("第一条 保密\\n乙方不得向任何第三方泄露甲方的商业秘密。", classifier="model")
>>> r.clauses[0].label, r.clauses[0].labels[0].source
('confidentiality', 'model')
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from ..model import BUILTIN_LABELS, Clause, LabelScore
from . import register_classifier

PACKAGE_DIR = Path(__file__).resolve().parent.parent
MODEL_DIR = PACKAGE_DIR / "models"
CONFIG_PATH = PACKAGE_DIR / "configs" / "textcat.cfg"
TOKENIZER_NAME = "clause_parser.jieba_words.v1"
CONTEXT = "§"  # prefix of words taken from an ancestor's heading
LIST_CONTEXT_WORDS = 24  # words of a heading-less parent's lead-in ("…有权解除合同：") its items read
MIN_LISTED = 0.1  # labels scoring below this are left out of a clause's ``labels`` (the top one always stays)

_NUMBER = re.compile(r"[0-9][0-9.,%]*")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_WORDLIKE = re.compile(r"[^\W_]")  # a letter, digit or ideograph
_RUN = re.compile(r"\S+")


def word_form(token: str) -> str | None:
    """The feature a jieba token becomes: numbers collapse to ``0``; punctuation, blanks to fill
    in (``____``) and table rules disappear.

    >>> [word_form(t) for t in ("违约金", "2024", "，", "____", "3.5")]
    ['违约金', '0', None, None, '0']
    """
    if not _WORDLIKE.search(token):
        return None
    if _NUMBER.fullmatch(token):
        return "0"
    return token


_FORMS: dict[str, str | None] = {}  # token → word_form(token); a contract repeats its words
_FORMS_LIMIT = 200_000


def _word_form_cached(token: str) -> str | None:
    if len(_FORMS) >= _FORMS_LIMIT:
        _FORMS.clear()
    w = _FORMS[token] = word_form(token)
    return w


def squeeze(s: str) -> tuple[str, list[int]]:
    """``s`` without whitespace (kept only between two Latin letters or digits), and for every
    kept character its offset in ``s``.

    PDF extraction and line wrapping put spaces and line breaks inside words (验 收, 违\\n约金);
    jieba would split the word there.

    >>> squeeze("乙方 应当\\n验 收 Article 5")
    ('乙方应当验收Article 5', [0, 1, 3, 4, 6, 8, 10, 11, 12, 13, 14, 15, 16, 17, 18])
    """
    pieces: list[str] = []
    where: list[int] = []
    for m in _RUN.finditer(s):
        a, b = m.span()
        if pieces and _ASCII_WORD.match(s[a]) and _ASCII_WORD.match(pieces[-1][-1]):
            pieces.append(" ")
            where.append(where[-1] + 1)
        pieces.append(m.group())
        where.extend(range(a, b))
    return "".join(pieces), where


def tokens_of(folded: str, start: int, end: int) -> list[tuple[str, int]]:
    """``(word, offset)`` for the words of ``folded[start:end]``: one jieba pass over it, squeezed."""
    from ..tokenize import cut_words

    s, where = squeeze(folded[start:end])
    # jieba without its HMM (which guesses unknown words at ~30% more cost); a word's offset is
    # the sum of the lengths before it, as jieba's ``tokenize`` counts it
    toks = cut_words(s)
    out = []
    a = 0
    for tok, w in zip(toks, _forms(toks)):
        if w:
            out.append((w, start + where[a]))
        a += len(tok)
    return out


def _forms(toks: list[str]) -> list[str | None]:
    """``[word_form(t) for t in toks]``, each token's form computed once per process."""
    forms = _FORMS
    try:
        return [forms[t] for t in toks]
    except KeyError:
        return [forms[t] if t in forms else _word_form_cached(t) for t in toks]


def text_words(text: str) -> list[str]:
    """The words of a bare piece of text, as the model sees a clause's own text.

    >>> text_words("乙方应支付违约金1000元。")
    ['乙方', '应', '支付', '违约金', '0', '元']
    """
    from ..normalize import fold

    return [w for w, _ in tokens_of(fold(text), 0, len(text))]


def clause_words(text: str, folded: str, clauses: list[Clause]) -> list[list[str]]:
    """Per clause, the words the model reads: ancestors' headings (``§``-marked), kind, own text.

    Each clause's own span is tokenised once (its numbering marker left out: 第三条 says nothing
    about what the clause is about); the words of a heading are those of its clause.
    """
    from ..tokenize import cut_words

    index = {c.id: i for i, c in enumerate(clauses)}
    own, section = [], []
    for c in clauses:
        begin = c.span[0]
        if c.number and text.startswith(c.number, begin):
            begin += len(c.number)
        s, where = squeeze(folded[begin:c.span[1]])
        toks = cut_words(s)
        forms = _forms(toks)
        own.append([w for w in forms if w])
        if c.heading:
            at = text.find(c.heading, c.span[0], c.span[1])
            if at >= 0:  # the words of the heading's span (as tokens_of would place them)
                lo, hi = at - begin, at - begin + len(c.heading)
                sec, a = [], 0
                for tok, w in zip(toks, forms):
                    if where[a] >= hi:
                        break  # offsets only grow
                    if w and lo <= where[a]:
                        sec.append(w)
                    a += len(tok)
            else:
                sec = text_words(c.heading)
        else:
            sec = own[-1][:LIST_CONTEXT_WORDS] if c.kind == "clause" else []
        section.append([CONTEXT + w for w in sec])
    contexts: list[list[str] | None] = [None] * len(clauses)  # per clause, its ancestors' § words

    def context_of(i: int) -> list[str]:
        """section[root] + … + section[parent], each ancestor's context built once."""
        chain, k = [], i
        while contexts[k] is None:
            p = clauses[k].parent
            if p is None:
                contexts[k] = []
                break
            chain.append(k)
            k = index[p]
        for k in reversed(chain):
            j = index[clauses[k].parent]
            contexts[k] = contexts[j] + section[j]
        return contexts[i]

    return [context_of(i) + [f"<{c.kind}>"] + own[i] for i, c in enumerate(clauses)]


# ---------------------------------------------------------------------------------------- spaCy
def _register_tokenizer() -> None:
    """Register the tokenizer named in ``configs/textcat.cfg`` (once; needs spaCy imported)."""
    import spacy

    if TOKENIZER_NAME in spacy.registry.tokenizers:
        return

    class JiebaWords:
        """``nlp(text)`` → a Doc of ``text_words(text)``; what training and ``classify`` feed in."""

        def __init__(self, vocab):
            self.vocab = vocab

        def __call__(self, text):
            return make_doc(self.vocab, text_words(text))

        # the state is jieba's dictionary, which ships with the package: nothing to serialise
        def to_disk(self, path, **kwargs):
            Path(path).mkdir(parents=True, exist_ok=True)

        def from_disk(self, path, **kwargs):
            return self

        def to_bytes(self, **kwargs):
            return b""

        def from_bytes(self, data, **kwargs):
            return self

    def create():
        return lambda nlp: JiebaWords(nlp.vocab)

    spacy.registry.tokenizers.register(TOKENIZER_NAME, func=create)


def make_doc(vocab, words: list[str]):
    from spacy.tokens import Doc

    return Doc(vocab, words=words or ["<empty>"], spaces=[False] * max(len(words), 1))


def blank_nlp(config_path: Path | str = CONFIG_PATH, overrides: dict | None = None):
    """An untrained pipeline from the repository's spaCy config (``configs/textcat.cfg``)."""
    from spacy import util

    _register_tokenizer()
    config = util.load_config(Path(config_path), overrides=overrides or {}, interpolate=False)
    return util.load_model_from_config(config, auto_fill=True, validate=True)


@dataclass
class Bundle:
    """A trained pipeline with its metadata (calibration, ensemble weights, corpus hash)."""

    nlp: object
    meta: dict
    sha256: str | None = None

    @property
    def labels(self) -> list[str]:
        return list(self.nlp.get_pipe("textcat_multilabel").labels)

    def raw_scores(self, words: list[list[str]]):
        """Uncalibrated textcat scores, one row per clause, columns in ``labels`` order."""
        import numpy as np

        if not words:
            return np.zeros((0, len(self.labels)))
        textcat = self.nlp.get_pipe("textcat_multilabel")
        if self._reads_orth_only:
            # the bag of words reads nothing of a Doc but its ORTH ids: hand it those directly,
            # without the Doc and the lexemes (a new one per unseen word) spaCy would build
            docs = [_OrthIds(self._orth_ids(w or ["<empty>"])) for w in words]
            return np.asarray(textcat.model.ops.to_numpy(textcat.predict(docs)), dtype="float64")
        # words first seen here are forgotten afterwards: a long-running process does not grow
        with self.nlp.memory_zone():
            docs = [make_doc(self.nlp.vocab, w) for w in words]
            return np.asarray(textcat.model.ops.to_numpy(textcat.predict(docs)), dtype="float64")

    @cached_property
    def _reads_orth_only(self) -> bool:
        """Whether the textcat is the bag-of-words network of ``configs/textcat.cfg`` (spaCy's
        TextCatBOW: ngrams of ``doc.to_array([ORTH])`` → sparse linear → logistic), which reads a
        Doc through ``len(doc)`` and ``doc.to_array([ORTH])`` only."""
        from spacy.attrs import ORTH

        model = self.nlp.get_pipe("textcat_multilabel").model
        nodes = {n.name: n for n in model.walk()}
        return (sorted(nodes) == sorted(_BOW_NODES) and len(list(model.walk())) == len(_BOW_NODES)
                and nodes["extract_ngrams"].attrs.get("attr") == ORTH)

    def _orth_ids(self, words: list[str]):
        """``Doc(vocab, words).to_array([ORTH])``: the string-store hash of each word."""
        import numpy as np

        ids = self.__dict__.setdefault("_orth_memo", {})
        if len(ids) >= _ORTH_MEMO_LIMIT:
            ids.clear()
        try:
            hashes = [ids[w] for w in words]
        except KeyError:
            strings = self.nlp.vocab.strings
            for w in words:
                if w not in ids:
                    ids[w] = strings[w]  # the hash only: no string is added to the store, nothing grows
            hashes = [ids[w] for w in words]
        return np.array(hashes, dtype=np.uint64)

    def probabilities(self, words: list[list[str]]):
        """Calibrated scores: the chance each label is acceptable, from the cross-validated fit."""
        return calibrate(self.raw_scores(words), self.labels, self.meta.get("calibration", {}))


# the layers of spaCy's TextCatBOW.v3 (configs/textcat.cfg), as ``model.walk()`` names them
_BOW_NODES = ("with_cpu(extract_ngrams>>resizable(sparse_linear))>>with_cpu(logistic)",
              "with_cpu(extract_ngrams>>resizable(sparse_linear))", "with_cpu(logistic)",
              "extract_ngrams>>resizable(sparse_linear)", "logistic", "extract_ngrams",
              "resizable(sparse_linear)", "sparse_linear")
_ORTH_MEMO_LIMIT = 500_000


class _OrthIds:
    """What the bag-of-words textcat reads of a Doc: its length and its ORTH ids."""

    __slots__ = ("ids",)

    def __init__(self, ids):
        self.ids = ids

    def __len__(self) -> int:
        return len(self.ids)

    def to_array(self, attrs):
        from spacy.attrs import ORTH

        if list(attrs) != [ORTH]:
            raise ValueError(f"only ORTH ids are known here, not {attrs!r}")
        return self.ids


def calibrate(raw, labels: list[str], params: dict):
    """Per-label Platt scaling of raw scores: sigmoid(a · logit(raw) + b)."""
    import numpy as np

    out = np.array(raw, dtype="float64", copy=True)
    for k, lab in enumerate(labels):
        if lab in params:
            a, b = params[lab]
            out[:, k] = sigmoid(a * logit(out[:, k]) + b)
    return out


def logit(p):
    import numpy as np

    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def sigmoid(z):
    import numpy as np

    return 1.0 / (1.0 + np.exp(-np.asarray(z)))


def directory_sha256(folder: Path) -> str:
    """sha256 over every file under ``folder`` (relative path and bytes, in sorted order)."""
    h = hashlib.sha256()
    for f in sorted(p for p in Path(folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(f.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()


def load_bundle_from(folder: Path | str) -> Bundle:
    """Load a model folder written by ``clause-parser train`` (not cached; see ``load_bundle``)."""
    import spacy

    from ..errors import OptionError

    folder = Path(folder)
    meta_path, pipe_path = folder / "meta.json", folder / "textcat"
    if not meta_path.is_file() or not pipe_path.is_dir():
        raise OptionError(str(folder), "no trained model here (meta.json and textcat/ expected)",
                          "run 'clause-parser train' or use classifier='rules'")
    _register_tokenizer()
    nlp = spacy.load(pipe_path)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    return Bundle(nlp=nlp, meta=meta, sha256=directory_sha256(folder))


@lru_cache(maxsize=4)
def load_bundle(folder: str | None = None) -> Bundle:
    """The model in ``folder`` (default: the shipped one), loaded once per process."""
    return load_bundle_from(Path(folder) if folder else MODEL_DIR)


class ModelClassifier:
    """Labels clauses with the trained textcat model alone (source ``"model"``)."""

    name = "model"

    def __init__(self, bundle: Bundle | None = None, model_dir=None, **_):
        self._bundle = bundle
        self._model_dir = None if model_dir is None else str(model_dir)

    @property
    def bundle(self) -> Bundle:
        if self._bundle is None:
            self._bundle = load_bundle(self._model_dir)
        return self._bundle

    @property
    def model_sha256(self) -> str | None:
        return self.bundle.sha256

    def probabilities(self, text: str, folded: str, clauses: list[Clause]):
        return self.bundle.probabilities(clause_words(text, folded, clauses))

    def classify(self, text: str, folded: str, clauses: list[Clause], contracts=None) -> None:
        if not clauses:
            return
        probs = self.probabilities(text, folded, clauses)
        labels = self.bundle.labels
        for c, row in zip(clauses, probs):
            c.labels = ranked_scores(labels, row, "model")
            c.label = c.labels[0].label


def ranked_scores(labels: list[str], row, source: str, evidence: dict | None = None) -> list[LabelScore]:
    """LabelScores for one clause, best first (ties in the built-in label order), weak ones left out."""
    order, last = _LABEL_ORDER, len(_LABEL_ORDER)
    pairs = sorted(zip(labels, map(float, row)), key=lambda p: (-round(p[1], 4), order.get(p[0], last), p[0]))
    evidence = evidence or {}
    return [LabelScore(l, round(min(max(s, 0.0), 1.0), 4), source, list(evidence.get(l, ())))
            for k, (l, s) in enumerate(pairs) if k == 0 or s >= MIN_LISTED]


_LABEL_ORDER = {l: k for k, l in enumerate(BUILTIN_LABELS)}


@register_classifier("model")
def make_model(model_dir=None, **options):
    return ModelClassifier(model_dir=model_dir)
