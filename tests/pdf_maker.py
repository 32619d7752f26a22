"""Build Chinese contract PDFs for the tests and benchmarks, with reportlab's built-in CID font.

The maker lays text out itself (greedy wrapping, no line-breaking rules, so a "。" can wrap onto
a line of its own, as in real PDFs) and remembers where every block landed, so a test can compare
what the loader reads back with the plain text it came from.

>>> from pdf_maker import make_pdf, Para, Table                       # doctest: +SKIP
>>> made = make_pdf("c.pdf", [Para("房屋租赁合同", align="center"), "第一条 租金", Table([["项目", "金额"]])],
...                 header="房屋租赁合同", footer="第 {page} 页 共 {pages} 页")   # doctest: +SKIP
>>> made.plain_text, made.pages, made.start_page                          # doctest: +SKIP
('房屋租赁合同\\n第一条 租金\\n项目\\t金额', 1, [1, 1, 1])
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

FONT = "STSong-Light"
A4 = (595.2756, 841.8898)


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@dataclass
class Para:
    """A paragraph: wrapped to the frame width. ``bold`` draws it twice, slightly shifted (fake bold)."""

    text: str
    align: str = "left"  # left | center
    bold: bool = False
    space_before: float = 0.0


@dataclass
class Table:
    """A ruled table; each cell's text is wrapped inside its cell."""

    rows: list[list[str]]
    widths: list[float] | None = None  # fractions of the frame width; equal by default


class PageBreak:
    """Start the next block on a new page."""


@dataclass
class Made:
    """What was drawn: the plain text of the blocks, the page count, and where each block starts and ends."""

    path: Path
    plain_text: str
    pages: int
    start_page: list[int] = field(default_factory=list)  # per block (PageBreaks included, as None)
    end_page: list[int] = field(default_factory=list)
    block_text: list[str] = field(default_factory=list)  # per block, as in plain_text
    lines: list[tuple[int, str]] = field(default_factory=list)  # (page, text) of every drawn body line


_TOKEN = re.compile(r"[A-Za-z0-9_.,:;/%@#&+\-=$¥'\"]+|\s|.", re.S)


_NO_LINE_START = set("。，、；：！？）】》」』”’")


def wrap(text: str, width: float, size: float, kinsoku: bool = False) -> list[str]:
    """Greedy wrapping: CJK characters one by one, Latin words and numbers whole.

    With ``kinsoku`` (禁则, as word processors do) closing punctuation never starts a line (the
    character before it moves down with it) and a last line is never one lone character. Without
    it a "。" can wrap onto a line of its own.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    font = _font()
    lines, cur, w = [], "", 0.0
    for tok in _TOKEN.findall(text):
        tw = stringWidth(tok, font, size)
        if w + tw <= width + 1e-6:
            if cur or not tok.isspace():
                cur += tok
                w += tw
            continue
        if tok.isspace():
            lines.append(cur)
            cur, w = "", 0.0
            continue
        if cur:
            carry = ""
            if kinsoku and tok in _NO_LINE_START and len(cur) > 1 and not cur[-1].isspace():
                cur, carry = cur[:-1], cur[-1]
            lines.append(cur.rstrip())
            cur = carry
            w = stringWidth(carry, font, size)
        for ch in tok:  # a token longer than a whole line is split where it must be
            cw = stringWidth(ch, font, size)
            if w + cw > width + 1e-6 and cur:
                lines.append(cur)
                cur, w = "", 0.0
            cur += ch
            w += cw
    if cur or not lines:
        lines.append(cur.rstrip())
    if kinsoku and len(lines) > 1 and len(lines[-1]) == 1 and len(lines[-2]) > 2:
        # 孤字: a paragraph's last line is never a single character; one more comes down with it
        lines[-2], lines[-1] = lines[-2][:-1], lines[-2][-1] + lines[-1]
    return lines


def line_capacity(width: float = None, size: float = 11.0, margin: float = 72.0) -> int:
    """How many CJK characters fill one body line (for building text that wraps at a chosen place)."""
    width = width if width is not None else A4[0] - 2 * margin
    return int((width + 1e-6) // size)


def make_pdf(path, blocks, *, header=None, footer="第 {page} 页 共 {pages} 页", watermark=None, columns=1,
             password=None, owner_password=None, size=11.0, leading=None, margin=72.0, gutter=36.0,
             page_size=A4, header_rule=True, kinsoku=False, header_from=1) -> Made:
    """Lay ``blocks`` (str, Para, Table, PageBreak) out on A4 pages and write the PDF to ``path``.

    ``header`` and ``footer`` are format strings with ``{page}`` and ``{pages}``; ``watermark`` is
    drawn large, light grey and rotated under the text of every page; ``columns=2`` lays the body
    out in two columns; ``password`` encrypts the file (reportlab's standard encryption);
    ``kinsoku`` keeps closing punctuation off line starts (see ``wrap``); ``header_from`` is the
    first page with the header (2: a cover page without one).
    """
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen import canvas

    font = _font()
    leading = leading or size * 1.6
    pw, ph = page_size
    col_w = (pw - 2 * margin - (columns - 1) * gutter) / columns
    top, bottom = ph - margin, margin
    pages: list[list[tuple]] = [[]]
    frame, y = 0, top
    made = Made(Path(path), "", 0)
    plain: list[str] = []

    def frame_x():
        return margin + frame * (col_w + gutter)

    def next_frame():
        nonlocal frame, y
        frame += 1
        if frame >= columns:
            frame = 0
            pages.append([])
        y = top

    def room(h):
        if y - h < bottom - 1e-6:
            next_frame()

    for block in blocks:
        if isinstance(block, PageBreak):
            if y != top or frame:
                frame = columns - 1
                next_frame()
            made.start_page.append(None)
            made.end_page.append(None)
            made.block_text.append(None)
            continue
        if isinstance(block, str):
            block = Para(block)
        if isinstance(block, Para):
            plain.append(block.text)
            made.block_text.append(block.text)
            y -= block.space_before
            lines = wrap(block.text, col_w, size, kinsoku=kinsoku)
            first = True
            for line in lines:
                room(leading)
                if first:
                    made.start_page.append(len(pages))
                    first = False
                y -= leading
                x = frame_x()
                if block.align == "center":
                    x += (col_w - stringWidth(line, font, size)) / 2
                pages[-1].append(("text", x, y + leading * 0.3, line, size, block.bold))
                made.lines.append((len(pages), line))
            made.end_page.append(len(pages))
            continue
        # a table: row by row, a row never split across frames
        plain.extend("\t".join(r) for r in block.rows)
        made.block_text.append("\n".join("\t".join(r) for r in block.rows))
        ncol = max(len(r) for r in block.rows)
        fr = block.widths or [1.0 / ncol] * ncol
        cw = [f * col_w for f in fr]
        pad = 3.0
        first = True
        chunk_rows: list[tuple[float, float]] = []  # (top y, bottom y) of the rows in this frame

        def flush(chunk_rows, cw):
            if chunk_rows:
                xs = [frame_x()]
                for w in cw:
                    xs.append(xs[-1] + w)
                ys = [chunk_rows[0][0]] + [b for _, b in chunk_rows]
                pages[-1].append(("grid", xs, ys))
                chunk_rows.clear()

        for row in block.rows:
            cells = [wrap(t, w - 2 * pad, size, kinsoku=kinsoku) for t, w in zip(row, cw)]
            h = max(len(c) for c in cells) * leading + 2 * pad
            if y - h < bottom - 1e-6:
                flush(chunk_rows, cw)
                next_frame()
            if first:
                made.start_page.append(len(pages))
                first = False
            x = frame_x()
            for lines, w in zip(cells, cw):
                ly = y - pad
                for line in lines:
                    ly -= leading
                    pages[-1].append(("text", x + pad, ly + leading * 0.3, line, size, False))
                x += w
            chunk_rows.append((y, y - h))
            y -= h
        flush(chunk_rows, cw)
        made.end_page.append(len(pages))
        y -= leading * 0.5

    if not pages[-1] and len(pages) > 1:
        pages.pop()
    n = len(pages)
    enc = None
    if password is not None:  # "" with an owner password: encrypted, yet opens without a password
        enc = StandardEncryption(password, ownerPassword=owner_password or password + "-owner")
    c = canvas.Canvas(str(path), pagesize=page_size, encrypt=enc, pageCompression=1)
    c.setTitle("contract")
    for pno, ops in enumerate(pages, 1):
        if watermark:
            c.saveState()
            c.setFillGray(0.85)
            c.setFont(font, 64)
            c.translate(pw / 2, ph / 2)
            c.rotate(35)
            c.drawCentredString(0, 0, watermark)
            c.restoreState()
        if header and pno >= header_from:
            c.setFont(font, 9)
            c.drawString(margin, ph - margin / 2, header.format(page=pno, pages=n))
            if header_rule:
                c.setLineWidth(0.5)
                c.line(margin, ph - margin / 2 - 5, pw - margin, ph - margin / 2 - 5)
        if footer:
            c.setFont(font, 9)
            c.drawCentredString(pw / 2, margin / 2, footer.format(page=pno, pages=n))
        for op in ops:
            if op[0] == "text":
                _, x, y, line, sz, bold = op
                c.setFont(font, sz)
                c.drawString(x, y, line)
                if bold:
                    c.drawString(x + 0.3, y, line)
            else:
                _, xs, ys = op
                c.setLineWidth(0.6)
                c.grid(xs, ys)
        c.showPage()
    c.save()
    made.plain_text = "\n".join(plain)
    made.pages = n
    return made


def make_image_pdf(path, pages: int = 2, *, with_image: bool = True) -> Path:
    """A 'scanned' PDF: every page is a picture (a grey bitmap and ruled boxes), no text layer at all."""
    from reportlab.pdfgen import canvas

    pw, ph = A4
    c = canvas.Canvas(str(path), pagesize=A4)
    img = None
    if with_image:
        try:
            from PIL import Image, ImageDraw

            img = Image.new("L", (400, 560), 255)
            d = ImageDraw.Draw(img)
            for k in range(20, 540, 18):
                d.rectangle([30, k, 370 - (k * 7) % 90, k + 8], fill=40)
        except ImportError:  # a picture of boxes is scan enough without Pillow
            img = None
    for _ in range(pages):
        if img is not None:
            from reportlab.lib.utils import ImageReader

            c.drawImage(ImageReader(img), 60, 80, width=pw - 120, height=ph - 160)
        for k in range(12):
            c.rect(72, 100 + k * 50, pw - 144, 30, stroke=1, fill=k % 2)
        c.showPage()
    c.save()
    return Path(path)


def sample_contract(n_articles: int = 12, *, seed: int = 0, capacity: int | None = None) -> list:
    """A service contract of ``n_articles`` 第X条 with (一) items, long wrapped sentences and a fee table.

    The sentences are made to wrap mid-sentence, one article is a single long paragraph that
    crosses page breaks when ``n_articles`` is large, and one sentence ends in a lone "。" line
    (``capacity``: CJK characters per line of the layout the blocks are meant for).
    """
    import random

    rnd = random.Random(seed)
    cn = "一二三四五六七八九十"

    def num(k):
        if k <= 10:
            return cn[k - 1] if k < 10 else "十"
        if k < 20:
            return "十" + cn[k - 11]
        return cn[k // 10 - 1] + "十" + (cn[k % 10 - 1] if k % 10 else "")

    topics = [
        ("服务内容", "乙方应按照甲方的要求提供信息系统运行维护服务，包括日常巡检、故障处理、数据备份及系统升级等工作，"
                    "并于每月五日前向甲方提交上月的服务报告"),
        ("服务费用及支付", "本合同服务费总额为人民币捌拾万元整（¥800,000元），甲方应在收到乙方开具的合法有效增值税专用发票后"
                        "十五个工作日内以银行转账方式支付当期服务费"),
        ("保密条款", "乙方对在履行本合同过程中知悉的甲方商业秘密、技术资料及客户信息负有保密义务，未经甲方书面同意，"
                  "不得向任何第三方披露或用于本合同以外的目的"),
        ("违约责任", "任何一方违反本合同约定的，应当向守约方支付合同总额百分之十的违约金，违约金不足以弥补守约方损失的，"
                  "违约方还应赔偿守约方因此遭受的全部损失"),
        ("合同期限", "本合同有效期自双方签字盖章之日起至二〇二五年十二月三十一日止，期满前三十日双方可协商续签，"
                  "任何一方提前终止本合同的应提前三十日书面通知对方"),
        ("争议解决", "因本合同引起的或与本合同有关的任何争议，双方应友好协商解决，协商不成的，任何一方均可向甲方所在地"
                  "有管辖权的人民法院提起诉讼"),
        ("转包限制", "未经甲方事先书面同意，乙方不得将本合同项下的全部或部分服务转包或分包给任何第三方，"
                  "亦不得将本合同项下的权利义务转让给他人"),
        ("验收标准", "甲方应在乙方提交阶段性成果后十个工作日内组织验收，验收合格的由双方签署验收确认书，"
                  "验收不合格的乙方应在五个工作日内整改并重新提交验收"),
    ]
    blocks: list = [Para("信息系统运维服务合同", align="center", bold=True),
                    "合同编号：HT-2024-0815",
                    "甲方（委托方）：华东示例科技有限公司",
                    "乙方（服务方）：江南样本信息技术有限公司",
                    "根据《中华人民共和国民法典》及相关法律法规的规定，甲乙双方在平等、自愿、公平、诚实信用的基础上，"
                    "经友好协商，就甲方委托乙方提供信息系统运维服务事宜达成如下协议，以资共同遵守。"]
    for k in range(1, n_articles + 1):
        head, body = topics[(k - 1) % len(topics)]
        blocks.append(Para(f"第{num(k)}条 {head}", bold=(k % 3 == 1)))
        if k % 4 == 2:
            for j in range(1, 4):
                extra = "，" + "、".join(rnd.sample(["巡检记录", "故障工单", "备份日志", "变更申请", "会议纪要", "验收报告"], 3))
                blocks.append(f"（{cn[j - 1]}）{body}{extra}；" if j < 3 else f"（{cn[j - 1]}）{body}{extra}。")
        elif k % 4 == 3:
            blocks.append(f"{k}.1 {body}。")
            blocks.append(f"{k}.2 双方确认，{body}。")
        else:
            reps = 6 if k % 5 == 0 else 1
            blocks.append("，".join([body] * reps) + "。")
            if k == 4:  # exactly one full line, then the full stop wraps alone onto the next line
                filler = "守约方有权要求违约方继续履行合同并采取补救措施"
                cap = capacity or line_capacity()
                blocks.append((filler * (cap // len(filler) + 1))[:cap] + "。")
    return blocks
