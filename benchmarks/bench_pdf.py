"""Speed of the PDF loader against pdfplumber's own text extraction, measured in the same run.

    python benchmarks/bench_pdf.py [FILE.pdf] [--pages N] [--repeat N]

Without a file it lays the corpus contracts out as one Chinese PDF of at least N pages (default 24)
with running headers and "第 N 页 共 M 页" footers (tests/pdf_maker.py, reportlab). It prints the
best time of: pdfplumber ``extract_text`` on every page alone; ``clause_parser.parse`` with the
pdfplumber backend; ``clause_parser.parse`` with the pdfium backend; and the ratios
parse(pdfplumber) / extract_text (the layout and parsing overhead) and extract_text / parse(pdfium)
(how much faster the whole pdfium parse is than pdfplumber merely extracting the text).
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def make_contract_pdf(path: Path, min_pages: int) -> int:
    """The corpus contracts, one paragraph per line, until the PDF has ``min_pages`` pages."""
    from pdf_maker import Para, make_pdf

    blocks: list = []
    made = None
    for src in sorted((ROOT / "corpus" / "raw").glob("*.txt")):
        lines = [ln.strip() for ln in src.read_text(encoding="utf-8").splitlines() if ln.strip()]
        blocks.append(Para(lines[0], align="center"))
        blocks.extend(lines[1:])
        if len(blocks) > 40 * min_pages // 2:
            made = make_pdf(path, blocks, header="合同文本（示例）", kinsoku=True)
            if made.pages >= min_pages:
                break
    if made is None or made.pages < min_pages:
        made = make_pdf(path, blocks, header="合同文本（示例）", kinsoku=True)
    return made.pages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pdf", nargs="?", help="a PDF to measure (default: one made from the corpus)")
    ap.add_argument("--pages", type=int, default=24)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    import pdfplumber
    import pypdfium2  # noqa: F401 - imported outside the timing, like pdfplumber

    import clause_parser

    if args.pdf:
        path = Path(args.pdf)
    else:
        path = Path(tempfile.mkdtemp()) / "contract.pdf"
        make_contract_pdf(path, args.pages)
    data = path.read_bytes()
    clause_parser.parse_text("第一条 租金\n乙方每月支付租金。")  # load rules and automata outside the timing

    def plumber_alone():
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            return "\n".join(p.extract_text() or "" for p in pdf.pages)

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        n_pages = len(pdf.pages)
    chars = len(plumber_alone())
    t_alone = best_of(plumber_alone, args.repeat)
    t_plumber = best_of(lambda: clause_parser.parse(path, pdf_backend="pdfplumber"), args.repeat)
    t_pdfium = best_of(lambda: clause_parser.parse(path, pdf_backend="pdfium"), args.repeat)
    r = clause_parser.parse(path, pdf_backend="pdfium")
    print(f"{path.name}: {n_pages} pages, {chars} chars, {len(r.clauses)} clauses, {len(r.removed)} removed")
    print(f"{'pdfplumber extract_text alone':<34} {t_alone:8.3f} s")
    print(f"{'parse, pdfplumber backend':<34} {t_plumber:8.3f} s")
    print(f"{'parse, pdfium backend':<34} {t_pdfium:8.3f} s")
    print(f"parse(pdfplumber) / extract_text alone: {t_plumber / t_alone:.2f}")
    print(f"extract_text alone / parse(pdfium):     {t_alone / t_pdfium:.1f}x  (pdfium speed-up)")


if __name__ == "__main__":
    main()
