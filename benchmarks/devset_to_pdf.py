"""Lay the shared devset's raw contracts out as PDFs, to score the PDF loader on the same gold.

    python benchmarks/devset_to_pdf.py OUTDIR [--devset ../shared/devset] [--plain]
    python ../shared/devset/score.py --cmd "clause-parser parse {path}" --raw OUTDIR/raw
    python ../shared/devset/score.py --cmd "clause-parser parse {path} --pdf-backend pdfium" --raw OUTDIR/raw

Every line of ``raw/NAME.txt`` becomes a paragraph wrapped to an A4 page (reportlab, STSong-Light;
closing punctuation kept off line starts as word processors do), blank lines become vertical space,
and every page gets a running header and a "第 N 页 共 M 页" footer (``--plain``: neither), so the
loader must rejoin the wrapped lines and drop the page furniture. Writes ``OUTDIR/raw/NAME.pdf``
and copies ``gold/`` to ``OUTDIR/gold``. It does not use clause_parser: only the text is carried over.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def read_text(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def to_blocks(text: str, leading: float) -> list:
    from pdf_maker import Para

    blocks, gap = [], 0.0
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.strip()
        if not line:
            gap = leading
            continue
        blocks.append(Para(line, space_before=gap))
        gap = 0.0
    return blocks


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--devset", default=str(ROOT.parent / "shared" / "devset"))
    ap.add_argument("--plain", action="store_true", help="no running header and page-number footer")
    args = ap.parse_args()

    from pdf_maker import make_pdf

    devset, out = Path(args.devset), Path(args.outdir)
    (out / "raw").mkdir(parents=True, exist_ok=True)
    size = 11.0
    for src in sorted((devset / "raw").glob("*.txt")):
        blocks = to_blocks(read_text(src), size * 1.6)
        made = make_pdf(out / "raw" / (src.stem + ".pdf"), blocks, size=size, kinsoku=True,
                        header=None if args.plain else "合同文本 · 仅供参考",
                        footer=None if args.plain else "第 {page} 页 共 {pages} 页")
        print(f"{src.name}: {made.pages} pages")
    if (out / "gold").exists():
        shutil.rmtree(out / "gold")
    shutil.copytree(devset / "gold", out / "gold")


if __name__ == "__main__":
    main()
