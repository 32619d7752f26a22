"""``clause-parser``: parse contracts to JSON, JSONL or an outline."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _build_parser() -> argparse.ArgumentParser:
    from . import __version__

    ap = argparse.ArgumentParser(prog="clause-parser", description="Chinese contracts → numbered, labelled clauses (JSON).")
    ap.add_argument("--version", action="version", version=f"clause-parser {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("parse", help="parse contract files or folders", description="Parse contracts. One file → one JSON "
                       "object; several files or a folder → JSON Lines, one record per document.")
    p.add_argument("inputs", nargs="+", metavar="FILE_OR_DIR")
    p.add_argument("-o", "--output", metavar="OUT", help="write here instead of standard output")
    p.add_argument("--format", choices=("json", "jsonl", "text"), help="json (one file), jsonl (several), or an indented outline")
    p.add_argument("--encoding", help="text encoding of .txt input (default: detected)")
    p.add_argument("--pdf-backend", choices=("pdfplumber", "pdfium"), help="PDF text extraction backend (default: pdfplumber)")
    p.add_argument("--password", help="password of encrypted PDF input")
    p.add_argument("--rules", metavar="DIR", help="folder of YAML rule files merged over the built-in rules")
    p.add_argument("--classifier", default=None, metavar="NAME", help=_classifier_help())
    p.add_argument("--max-bytes", type=_size, metavar="SIZE", help="refuse larger input files (default: 100MB)")
    p.add_argument("--max-unpacked", type=_size, metavar="SIZE", help="refuse .docx unpacking to more (default: 100MB)")
    p.add_argument("--max-entries", type=_at_least(1), metavar="N", help="refuse .docx with more ZIP entries (default: 10000)")
    p.add_argument("--max-chars", type=_at_least(1), metavar="N", help="refuse documents with more characters (default: 2000000)")
    p.add_argument("--max-pages", type=_at_least(1), metavar="N", help="refuse PDFs with more pages (default: 2000)")
    p.add_argument("--workers", type=_at_least(0), default=None, metavar="N",
                   help="parallel worker processes for several files (default: the number of cores; 0: in this process)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS",
                   help="time limit per document, enforced by the worker process (default: 120)")
    p.add_argument("--resume", action="store_true",
                   help="with -o: skip documents already in OUT with the same sha256 and producer")
    p.add_argument("--engine", choices=("local", "dask"), default="local", help="where to run a batch (default: local)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="with --engine dask: a Dask scheduler (default: a LocalCluster)")
    p.add_argument("--verbose", action="store_true", help="report progress on stderr")
    p.add_argument("--debug", action="store_true", help="show tracebacks")

    t = sub.add_parser("train", help="train the model classifier on an annotated corpus",
                       description="Train the spaCy text classifier and the ensemble's weights on an annotated "
                       "folder (raw/ + gold/, see corpus/README.md); fixed seed, reproducible.")
    t.add_argument("--corpus", default="corpus", metavar="DIR", help="annotated folder (default: corpus)")
    t.add_argument("--output", metavar="DIR", help="model folder to write (default: the package's models/)")
    t.add_argument("--folds", type=_at_least(2), default=None, metavar="K", help="cross-validation folds for calibration (default: 5)")
    t.add_argument("--max-epochs", type=_at_least(1), default=None, metavar="N", help="override the config's training.max_epochs")
    t.add_argument("--documents", nargs="+", metavar="NAME", help="train on these documents only (file stems)")
    t.add_argument("--debug", action="store_true", help="show tracebacks")

    e = sub.add_parser("eval", help="score a classifier on an annotated folder",
                       description="Segmentation P/R/F1, per-label P/R/F1, macro-F1 and the confusion matrix, "
                       "as ../shared/devset/score.py computes them. With --cv K: k-fold cross-validation by "
                       "document on DIR (train on k-1 folds, score the held-out fold).")
    e.add_argument("folder", metavar="DIR", help="annotated folder (raw/ + gold/)")
    e.add_argument("--classifier", default=None, metavar="NAME", help=_classifier_help())
    e.add_argument("--cv", type=_at_least(2), default=None, metavar="K", help="k-fold cross-validation by document")
    e.add_argument("--rules", metavar="DIR", help="folder of YAML rule files merged over the built-in rules")
    e.add_argument("--verbose", action="store_true", help="per-document scores and progress")
    e.add_argument("--debug", action="store_true", help="show tracebacks")
    return ap


def _size(value: str) -> int:
    from .limits import parse_size

    try:
        return parse_size(value)
    except Exception as e:  # noqa: BLE001 - argparse turns this into a usage error (exit 2)
        raise argparse.ArgumentTypeError(str(e)) from None


def _at_least(low: int):
    def convert(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            n = low - 1
        if n < low:
            raise argparse.ArgumentTypeError(f"expected a whole number of at least {low}, got {value!r}")
        return n

    return convert


def _classifier_help() -> str:
    from .api import DEFAULT_CLASSIFIER
    from .classify import classifier_names

    return f"classifier: {' | '.join(classifier_names())} (default: {DEFAULT_CLASSIFIER})"


def _expand(inputs: list[str]) -> tuple[list[str], bool]:
    files, many = [], len(inputs) > 1
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            many = True
            files.extend(str(f) for f in sorted(p.rglob("*")) if f.is_file() and not f.name.startswith("."))
        else:
            files.append(item)
    return files, many


def _error_record(path: str, err) -> dict:
    return {"source": {"path": path}, "error": err.to_dict()}


def main(argv: list[str] | None = None) -> int:
    ap = _build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as e:
        return EXIT_USAGE if e.code not in (0, None) else EXIT_OK
    from .errors import ClauseParserError

    if args.command in ("train", "eval"):
        try:
            return _train(args) if args.command == "train" else _eval(args)
        except ClauseParserError as e:
            if args.debug:
                raise
            print(f"clause-parser: {e}", file=sys.stderr)
            return EXIT_FAILED
        except Exception as e:  # noqa: BLE001 - one line, not a traceback (--debug shows it)
            if args.debug:
                raise
            print(f"clause-parser {args.command}: internal error {type(e).__name__}: {e}; please report it "
                  "(rerun with --debug)", file=sys.stderr)
            return EXIT_FAILED
    return _parse_command(args)


def _parse_command(args) -> int:
    from .errors import ClauseParserError

    files, many = _expand(args.inputs)
    if not files:
        print(f"clause-parser: {' '.join(args.inputs)}: no files found", file=sys.stderr)
        return EXIT_FAILED
    if args.resume and not args.output:
        print("clause-parser: --resume needs -o OUT (the output to resume)", file=sys.stderr)
        return EXIT_USAGE
    fmt = args.format or ("jsonl" if many else "json")
    opts = {"encoding": args.encoding, "rules": args.rules}
    if args.pdf_backend:
        opts["pdf_backend"] = args.pdf_backend
    if args.password:
        opts["password"] = args.password
    if args.classifier:
        opts["classifier"] = args.classifier
    for limit in ("max_bytes", "max_unpacked", "max_entries", "max_chars", "max_pages"):
        if getattr(args, limit) is not None:
            opts[limit] = getattr(args, limit)
    workers = args.workers if args.workers is not None else (os.cpu_count() or 1) if many else 0
    if args.debug:
        workers = 0  # in this process, so that a traceback can be shown
    try:
        reuse = _previous_records(args.output, files, opts) if args.resume else {}
    except ClauseParserError as e:
        print(f"clause-parser: {e}", file=sys.stderr)
        return EXIT_FAILED
    todo = [f for f in files if f not in reuse]
    bar = _progress_bar(len(todo))
    failed = 0
    out_path = Path(args.output) if args.output else None
    tmp = out_path.with_name(out_path.name + ".partial") if out_path else None
    out = open(tmp, "w", encoding="utf-8") if tmp else sys.stdout
    try:
        items = iter(_run(todo, workers, args, opts, bar))
        for path in files:
            if path in reuse:
                out.write(reuse[path] + "\n")
                continue
            item = next(items)
            if not item.ok:
                failed += 1
                print(f"clause-parser: {item.message}", file=sys.stderr)
                if fmt == "jsonl":
                    out.write(json.dumps(item.to_dict(), ensure_ascii=False) + "\n")
                continue
            if args.verbose:
                print(f"clause-parser: {path}: {len(item.clauses)} clauses", file=sys.stderr)
            if fmt == "json":
                out.write(item.to_json() + "\n")
            elif fmt == "jsonl":
                out.write(item.to_json(indent=None) + "\n")
            else:
                if many:
                    out.write(f"# {path}\n")
                out.write(item.outline(fields=True) + "\n")
    except ClauseParserError as e:  # the engine itself could not start (e.g. dask missing)
        print(f"clause-parser: {e}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if bar:
            bar.close()
        if out is not sys.stdout:
            out.close()
    if tmp is not None:
        os.replace(tmp, out_path)  # only a finished run replaces OUT; an interrupted one leaves OUT.partial
    return EXIT_FAILED if failed else EXIT_OK


def _run(paths, workers, args, opts, bar):
    if args.engine == "dask":
        from .dask_engine import parse_many_dask

        return parse_many_dask(paths, scheduler=args.scheduler, workers=workers or None, progress=bar, **opts)
    if args.debug:
        return _in_process_with_tracebacks(paths, opts, bar)
    from .batch import parse_many

    return _counted(parse_many(paths, workers=workers, timeout=args.timeout, **opts), bar)


def _counted(items, bar):
    for item in items:
        if bar:
            bar.update(1)
        yield item


def _in_process_with_tracebacks(paths, opts, bar):
    import traceback

    from .api import parse
    from .batch import BatchError
    from .errors import ClauseParserError

    for path in paths:
        try:
            result = parse(path, **opts)
            result.ok = True
            yield result
        except ClauseParserError as e:
            traceback.print_exc()
            yield BatchError(path, type(e).__name__, str(e))
        if bar:
            bar.update(1)


def _previous_records(output: str, files: list[str], opts: dict) -> dict[str, str]:
    """Records of OUT (and of an interrupted OUT.partial) that this run would write again unchanged:
    same path, same file sha256, same producer (an upgrade or other options re-parse)."""
    import hashlib
    from dataclasses import asdict

    from .api import producer

    current = asdict(producer(**opts))
    wanted = set(files)
    reuse: dict[str, str] = {}
    for candidate in (Path(output), Path(output + ".partial")):
        if not candidate.is_file():
            continue
        for line in candidate.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by an interruption
            src = rec.get("source") or {}
            path = src.get("path")
            if path in wanted and "error" not in rec and rec.get("producer") == current:
                try:
                    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
                except OSError:
                    continue
                if digest == src.get("sha256"):
                    reuse[path] = line
    return reuse


def _progress_bar(total: int):
    if total < 2 or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=sys.stderr)


def _progress(verbose: bool):
    return (lambda msg: print(f"clause-parser: {msg}", file=sys.stderr)) if verbose else (lambda msg: None)


def _train(args) -> int:
    from .train import FOLDS, train

    out = train(args.corpus, args.output, folds=args.folds or FOLDS, max_epochs=args.max_epochs,
                names=args.documents, log=_progress(True))
    print(out)
    return EXIT_OK


def _eval(args) -> int:
    from .api import DEFAULT_CLASSIFIER
    from .classify import get_classifier
    from .errors import InputNotFound
    from .evaluate import annotated_documents
    from .train import report

    name = args.classifier or DEFAULT_CLASSIFIER
    get_classifier(name, rules_dir=args.rules)  # an unknown name or rules folder fails here, before any work
    if not annotated_documents(args.folder):
        raise InputNotFound(args.folder, "no annotated documents (raw/NAME.* with gold/NAME.jsonl)",
                            "point it at a folder laid out like corpus/ (see corpus/README.md)")
    log = _progress(args.verbose)
    if args.cv:
        from .train import cross_validate

        total = cross_validate(args.folder, args.cv, (name,), log=log, rules_dir=args.rules)[name]
        title = f"{name}, {args.cv}-fold cross-validation by document on {args.folder}"
    else:
        from .evaluate import evaluate_folder

        total, per = evaluate_folder(args.folder, classifier=name, rules=args.rules)
        for doc, sc in per.items():
            log(f"{doc}: label_acc={sc.accuracy:.3f} seg_F1={sc.seg_f1:.3f}")
        title = f"{name} on {args.folder}"
    print(report(total, title))
    return EXIT_OK


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
