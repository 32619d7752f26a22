"""``clause-parser``: parse contracts to JSON, JSONL or an outline."""
from __future__ import annotations

import argparse
import json
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
    p.add_argument("--classifier", default=None, help="classifier name (default: rules)")
    p.add_argument("--verbose", action="store_true", help="report progress on stderr")
    p.add_argument("--debug", action="store_true", help="show tracebacks")
    return ap


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

    files, many = _expand(args.inputs)
    if not files:
        print(f"clause-parser: {' '.join(args.inputs)}: no files found", file=sys.stderr)
        return EXIT_FAILED
    fmt = args.format or ("jsonl" if many else "json")
    out = open(args.output, "w", encoding="utf-8") if args.output else sys.stdout
    from .api import parse

    opts = {"encoding": args.encoding, "rules": args.rules}
    if args.pdf_backend:
        opts["pdf_backend"] = args.pdf_backend
    if args.password:
        opts["password"] = args.password
    if args.classifier:
        opts["classifier"] = args.classifier
    failed = 0
    try:
        for path in files:
            try:
                result = parse(path, **opts)
            except ClauseParserError as e:
                failed += 1
                if args.debug:
                    import traceback

                    traceback.print_exc()
                print(f"clause-parser: {e}", file=sys.stderr)
                if fmt == "jsonl":
                    out.write(json.dumps(_error_record(path, e), ensure_ascii=False) + "\n")
                continue
            except Exception as e:  # noqa: BLE001 - a bug must not stop the batch or print a traceback
                failed += 1
                if args.debug:
                    raise
                print(f"clause-parser: {path}: internal error {type(e).__name__}: {e}; please report it (rerun with --debug)",
                      file=sys.stderr)
                if fmt == "jsonl":
                    rec = {"source": {"path": path}, "error": {"type": "InternalError", "message": f"{path}: {e}"}}
                    out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                continue
            if args.verbose:
                print(f"clause-parser: {path}: {len(result.clauses)} clauses", file=sys.stderr)
            if fmt == "json":
                out.write(result.to_json() + "\n")
            elif fmt == "jsonl":
                out.write(result.to_json(indent=None) + "\n")
            else:
                if many:
                    out.write(f"# {path}\n")
                out.write(result.outline(fields=True) + "\n")
    finally:
        if out is not sys.stdout:
            out.close()
    return EXIT_FAILED if failed else EXIT_OK


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
