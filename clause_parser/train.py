"""Training and cross-validation of the ``model`` and ``ensemble`` classifiers on an annotated corpus.

Training data are the corpus's clauses as clause_parser itself segments them: every raw file is
parsed, each gold row is matched to the predicted clause holding its snippet (the rule of
``clause_parser.evaluate.score_document``), and that clause takes the row's labels. The first
(preferred) label is a positive (1.0), every label the row does not list a negative (0.0). The other
labels a row lists are acceptable answers, neither right nor wrong as the top label, so by default
(``SECONDARY = None``) they are left out of the loss for that clause: the model is neither pushed
towards them nor away from them. (spaCy's multi-label textcat takes only 0 or 1 as targets;
``SECONDARY = 1.0`` makes them full positives instead.) Clauses no gold row points at are not used.

``train`` then

1. fits the spaCy pipeline of ``configs/textcat.cfg`` on all documents (fixed seed);
2. runs k-fold cross-validation by document to get out-of-fold model scores for every clause, and
   fits on them the per-label calibration of the model's scores and the ensemble's weights;
3. writes ``textcat/`` and ``meta.json`` (corpus sha256, calibration, weights, settings).

From the command line::

    clause-parser train --corpus corpus                  # writes clause_parser/models/
    clause-parser eval corpus --cv 5 --classifier ensemble
    clause-parser eval ../shared/devset --classifier ensemble
"""
from __future__ import annotations

import hashlib
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .model import BUILTIN_LABELS

SEED = 0
FOLDS = 5
SECONDARY: float | None = None
L2_CALIBRATION = 1.0
L2_ENSEMBLE = 1.0


@dataclass
class Document:
    """One annotated contract, parsed: the model's words and gold labels per predicted clause."""

    name: str
    result: object  # ParseResult from the rules; clauses are re-labelled by other classifiers
    gold_rows: list[dict]
    words: list[list[str]]
    gold: list[tuple[str, ...] | None]  # labels, preferred first; None where no gold row points
    rules_raw: list[dict[str, float]]


def corpus_sha256(folder: str | Path) -> str:
    """sha256 over ``raw/`` and ``gold/`` of an annotated folder (relative paths and bytes, sorted)."""
    folder = Path(folder)
    h = hashlib.sha256()
    files = sorted(p for sub in ("raw", "gold") if (folder / sub).is_dir() for p in (folder / sub).rglob("*") if p.is_file())
    for f in files:
        h.update(f.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        h.update(f.read_bytes())
    return h.hexdigest()


def aligned_labels(result, gold_rows: list[dict]) -> list[tuple[str, ...] | None]:
    """Per predicted clause, the gold labels of the rows whose snippet it holds (as scoring matches them)."""
    from .evaluate import _squash

    texts = [_squash(c.text) for c in result.clauses]
    out: list[list[str] | None] = [None] * len(texts)
    ptr = 0
    for g in gold_rows:
        snip = _squash(g["snippet"])
        hit = next((i for i in range(ptr, len(texts)) if snip in texts[i]), None)
        if hit is None:
            continue
        ptr = hit
        have = out[hit] if out[hit] is not None else []
        out[hit] = have + [l for l in g["labels"] if l not in have]
    return [tuple(x) if x else None for x in out]


def read_corpus(folder: str | Path, names: list[str] | None = None, rules_dir=None) -> list[Document]:
    """Parse and align every annotated document of ``folder`` (or only those named)."""
    from .api import parse
    from .classify.rules import RuleClassifier
    from .classify.model import clause_words
    from .evaluate import annotated_documents, read_gold
    from .errors import OptionError
    from .normalize import fold

    pairs = annotated_documents(folder)
    if not pairs:
        raise OptionError(str(folder), "no annotated documents (raw/NAME.txt with gold/NAME.jsonl)",
                          "point --corpus at a folder laid out like corpus/ (see corpus/README.md)")
    missing = sorted(set(names or ()) - {raw.stem for raw, _ in pairs})
    if missing:
        raise OptionError(str(folder), f"no annotated document named {', '.join(missing)}",
                          "name documents by their file stem, e.g. c05_house_lease")
    rules = RuleClassifier(rules_dir=rules_dir)
    docs = []
    for raw, gold_path in pairs:
        if names is not None and raw.stem not in names:
            continue
        result = parse(raw, classifier="rules", rules=rules_dir)
        folded = fold(result.text)
        gold_rows = read_gold(gold_path)
        raws, _ = rules.raw_scores(result.text, folded, result.clauses, result.contracts)
        docs.append(Document(raw.stem, result, gold_rows, clause_words(result.text, folded, result.clauses),
                             aligned_labels(result, gold_rows), raws))
    return docs


def targets(labels: tuple[str, ...], secondary: float | None = SECONDARY) -> dict[str, float]:
    """The textcat targets of one clause: preferred label 1.0, unlisted labels 0.0, other listed
    labels ``secondary`` (None: absent, i.e. no loss).

    >>> t = targets(("term", "breach"))
    >>> t["term"], t["fee"], "breach" in t
    (1.0, 0.0, False)
    """
    cats = {l: 0.0 for l in BUILTIN_LABELS if l not in labels}
    cats[labels[0]] = 1.0
    for l in labels[1:]:
        if secondary is not None and l in BUILTIN_LABELS:
            cats[l] = float(secondary)
    return {l: cats[l] for l in BUILTIN_LABELS if l in cats}


# ------------------------------------------------------------------------------------ the textcat
def train_pipeline(docs: list[Document], *, config: str | Path | None = None, seed: int = SEED,
                   max_epochs: int | None = None, secondary: float | None = SECONDARY):
    """A spaCy pipeline trained on the aligned clauses of ``docs`` (same input → same weights)."""
    from spacy import registry, util
    from spacy.training import Example

    from .classify.model import CONFIG_PATH, blank_nlp, make_doc

    overrides = {"system.seed": seed}
    if max_epochs is not None:
        overrides["training.max_epochs"] = max_epochs
    nlp = blank_nlp(config or CONFIG_PATH, overrides)
    cfg = nlp.config.interpolate()["training"]
    util.fix_random_seed(seed)
    optimizer = registry.resolve({"o": cfg["optimizer"]})["o"]
    batcher = registry.resolve({"b": cfg["batcher"]})["b"]
    examples = [Example.from_dict(make_doc(nlp.vocab, w), {"cats": targets(g, secondary)})
                for d in docs for w, g in zip(d.words, d.gold) if g]
    if not examples:
        from .errors import OptionError

        raise OptionError(None, "no clause of the corpus matched a gold annotation", "check the corpus's gold files")
    textcat = nlp.get_pipe("textcat_multilabel")
    for label in BUILTIN_LABELS:  # a fixed column order, whatever the first examples hold
        textcat.add_label(label)
    nlp.initialize(lambda: examples, sgd=optimizer)
    rng = random.Random(seed)
    for _ in range(int(cfg["max_epochs"])):
        rng.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in batcher(examples):
            # the pipeline has this one trainable component; updating it directly skips
            # Language.update's defensive copy of every example
            textcat.update(batch, drop=float(cfg["dropout"]), losses=losses)
            textcat.finish_update(optimizer)
    return nlp


def folds_of(docs: list[Document], k: int) -> list[list[int]]:
    """Document indices per fold: sorted by name, dealt round-robin (contract types spread out)."""
    order = sorted(range(len(docs)), key=lambda i: docs[i].name)
    return [order[f::k] for f in range(k)]


# ------------------------------------------------------------------------------------ small fits
def fit_logistic(x, y, l2: float = 1.0, iters: int = 50):
    """Weights (…, bias) of an L2-regularised logistic regression, by Newton's method.

    ``y`` may be soft (0…1). The bias is not regularised.
    """
    import numpy as np

    x = np.asarray(x, dtype="float64")
    y = np.asarray(y, dtype="float64")
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    reg = np.full(xb.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (p - y) + reg * w
        hess = (xb * (p * (1 - p))[:, None]).T @ xb + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.max(np.abs(step)) < 1e-8:
            break
    return [float(v) for v in w]


def fit_meta(docs: list[Document], oof: list, labels: list[str]) -> dict:
    """Calibration of the model and the ensemble's weights, from out-of-fold model scores."""
    import numpy as np

    from .classify.ensemble import FEATURES, features
    from .classify.model import calibrate, logit

    rows = [(j, i) for j, d in enumerate(docs) for i, g in enumerate(d.gold) if g]
    raw = np.array([oof[j][i] for j, i in rows]).reshape(len(rows), len(labels))
    right = np.array([[float(lab in docs[j].gold[i]) for lab in labels] for j, i in rows]).reshape(len(rows), len(labels))
    calibration = {}
    for k, lab in enumerate(labels):
        a, b = fit_logistic(logit(raw[:, k])[:, None], right[:, k], L2_CALIBRATION)
        calibration[lab] = [a, b]
    probs = calibrate(raw, labels, calibration)
    x = features(probs, [docs[j].rules_raw[i] for j, i in rows], labels)
    weights = {lab: fit_logistic(x[:, k, :], right[:, k], L2_ENSEMBLE) for k, lab in enumerate(labels)}
    return {"calibration": calibration, "ensemble": {"features": list(FEATURES), "weights": weights}}


def out_of_fold(docs: list[Document], k: int, log: Callable[[str], None] = lambda s: None, **train_options) -> list:
    """Model scores of every clause from a pipeline that did not see its document (k folds by document)."""
    from .classify.model import Bundle

    oof: list = [None] * len(docs)
    for f, held in enumerate(folds_of(docs, k)):
        held_set = set(held)
        nlp = train_pipeline([d for j, d in enumerate(docs) if j not in held_set], **train_options)
        bundle = Bundle(nlp=nlp, meta={})
        for j in held:
            oof[j] = bundle.raw_scores(docs[j].words)
        log(f"fold {f + 1}/{k}: held out {', '.join(docs[j].name for j in held)}")
    return oof


def fit(docs: list[Document], folds: int = FOLDS, log: Callable[[str], None] = lambda s: None, **train_options):
    """A complete in-memory model (pipeline, calibration, ensemble weights) trained on ``docs``."""
    from .classify.model import Bundle

    if len(docs) < 2:
        from .errors import OptionError

        raise OptionError(None, f"{len(docs)} annotated document(s)", "training needs at least 2 (cross-validation by document)")
    folds = max(2, min(folds, len(docs)))
    nlp = train_pipeline(docs, **train_options)
    labels = list(nlp.get_pipe("textcat_multilabel").labels)
    oof = out_of_fold(docs, folds, log, **train_options)
    meta = fit_meta(docs, oof, labels)
    return Bundle(nlp=nlp, meta=meta)


def train(corpus: str | Path = "corpus", output: str | Path | None = None, *, folds: int = FOLDS,
          config: str | Path | None = None, max_epochs: int | None = None, seed: int = SEED,
          names: list[str] | None = None, log: Callable[[str], None] = lambda s: None) -> Path:
    """Train on ``corpus`` and write the model folder ``output`` (default: the package's ``models/``).

    ``names`` limits training to those documents (a quick check of the whole procedure).
    """
    from .classify.model import CONFIG_PATH, MODEL_DIR, directory_sha256

    docs = read_corpus(corpus, names)
    import spacy

    log(f"{len(docs)} documents, {sum(1 for d in docs for g in d.gold if g)} annotated clauses")
    bundle = fit(docs, folds, log, config=config, max_epochs=max_epochs, seed=seed)
    out = Path(output) if output is not None else MODEL_DIR
    out.mkdir(parents=True, exist_ok=True)
    if (out / "textcat").exists():
        shutil.rmtree(out / "textcat")
    bundle.nlp.to_disk(out / "textcat")
    meta = {
        "corpus_sha256": corpus_sha256(corpus),
        "documents": [d.name for d in docs],
        "clauses": sum(1 for d in docs for g in d.gold if g),
        "spacy_version": spacy.__version__,
        "config_sha256": hashlib.sha256(Path(config or CONFIG_PATH).read_bytes()).hexdigest(),
        "seed": seed,
        "folds": max(2, min(folds, len(docs))),
        "secondary_target": SECONDARY,
        "labels": list(bundle.labels),
        **bundle.meta,
    }
    (out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    log(f"wrote {out} (model sha256 {directory_sha256(out)[:12]}…)")
    return out


# ------------------------------------------------------------------------------------ evaluation
def classifier_for(name: str, bundle=None, rules_dir=None):
    """A classifier instance by name, using ``bundle`` (an in-memory model) where it needs one."""
    from .classify import get_classifier
    from .classify.ensemble import EnsembleClassifier
    from .classify.model import ModelClassifier

    if bundle is not None and name == "model":
        return ModelClassifier(bundle=bundle)
    if bundle is not None and name == "ensemble":
        return EnsembleClassifier(bundle=bundle, rules_dir=rules_dir)
    return get_classifier(name, rules_dir=rules_dir)


def score_documents(docs: list[Document], classifier):
    """Re-label each parsed document with ``classifier``; the ``Scores`` against their gold rows."""
    from .evaluate import Scores, score_document
    from .normalize import fold

    total = Scores()
    for d in docs:
        classifier.classify(d.result.text, fold(d.result.text), d.result.clauses, contracts=d.result.contracts)
        total.add(score_document(d.result, d.gold_rows))
    return total


def cross_validate(corpus: str | Path, k: int, classifiers: tuple[str, ...] = ("ensemble",), *,
                   log: Callable[[str], None] = lambda s: None, names: list[str] | None = None, rules_dir=None,
                   **train_options) -> dict:
    """k-fold cross-validation by document: per classifier, Scores over the held-out folds.

    Each outer fold trains a complete model (its own inner cross-validation for calibration and
    ensemble weights) on the other folds only.
    """
    from .errors import OptionError
    from .evaluate import Scores, annotated_documents

    n = len([r for r, _ in annotated_documents(corpus) if names is None or r.stem in names])
    if not 2 <= k <= n:
        raise OptionError(str(corpus), f"{k}-fold cross-validation with {n} documents", f"use 2 to {n} folds")
    docs = read_corpus(corpus, names, rules_dir)
    totals = {name: Scores() for name in classifiers}
    needs_model = any(name in ("model", "ensemble") for name in classifiers)
    for f, held in enumerate(folds_of(docs, k)):
        held_set = set(held)
        train_docs = [d for j, d in enumerate(docs) if j not in held_set]
        bundle = fit(train_docs, min(k - 1, FOLDS), **train_options) if needs_model else None
        for name in classifiers:
            totals[name].add(score_documents([docs[j] for j in held], classifier_for(name, bundle, rules_dir)))
        log(f"fold {f + 1}/{k}: held out {', '.join(docs[j].name for j in held)}")
    return totals


def report(scores, title: str = "") -> str:
    """The figures of ``../shared/devset/score.py`` as text, with per-label P/R/F1 and the confusion matrix."""
    labels = list(BUILTIN_LABELS) + sorted({g for g, _ in scores.pairs} - set(BUILTIN_LABELS))
    f1 = scores.label_f1()
    lines = [title] if title else []
    lines.append(f"gold_clauses={len(scores.pairs)} unmatched={scores.unmatched} contracts_split={scores.split_ok}/{scores.split_docs}")
    lines.append(f"seg_P={scores.seg_precision:.3f} seg_R={scores.seg_recall:.3f} seg_F1={scores.seg_f1:.3f} "
                 f"label_acc={scores.accuracy:.3f} label_macroF1={scores.macro_f1:.3f}")
    lines.append("per-label F1: " + " ".join(f"{k}={v:.2f}" for k, v in f1.items()))
    lines.append(f"{'label':<16}{'P':>7}{'R':>7}{'F1':>7}{'gold':>6}")
    for lab in labels:
        if lab not in f1:
            continue
        tp = sum(1 for g, p in scores.pairs if g == lab and p == lab)
        npred = sum(1 for _, p in scores.pairs if p == lab)
        ngold = sum(1 for g, _ in scores.pairs if g == lab)
        lines.append(f"{lab:<16}{tp / max(npred, 1):>7.3f}{tp / max(ngold, 1):>7.3f}{f1[lab]:>7.3f}{ngold:>6}")
    confusion = scores.confusion()
    predicted = labels + sorted({p for _, p in scores.pairs} - set(labels))
    lines.append("confusion (rows: gold, columns: predicted)")
    lines.append(" " * 16 + "".join(f"{p[:6]:>7}" for p in predicted))
    for g in labels:
        if g in confusion:
            lines.append(f"{g:<16}" + "".join(f"{confusion[g].get(p, 0):>7}" for p in predicted))
    return "\n".join(lines)
