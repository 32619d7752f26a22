"""Plain text files in any of the encodings Chinese contracts come in.

Byte-order marks decide first; then strict UTF-8; then charset-normalizer chooses among the
legacy encodings (GB18030/GBK, Big5/CP950, UTF-16 without BOM). The locale is never consulted.
"""
from __future__ import annotations

import codecs
import re

from ..errors import DecodingError
from . import Loaded, register_loader

_SURROGATE = re.compile("[\ud800-\udfff]")
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode(data: bytes, *, name: str, encoding: str | None = None) -> tuple[str, str]:
    """Decode ``data`` and return ``(text, encoding)``; line endings become ``\\n``."""
    if encoding is not None:
        try:
            text = data.decode(encoding)
        except (LookupError, TypeError):
            raise DecodingError(name, f"unknown encoding {encoding!r}", "pass a Python codec name such as gb18030 or big5") from None
        except UnicodeError as e:  # UnicodeDecodeError, or a codec's own complaint (punycode, undefined …)
            where = f" at byte {e.start}" if isinstance(e, UnicodeDecodeError) else ""
            raise DecodingError(name, f"not valid {encoding}{where}", "check --encoding, or omit it to detect") from None
        used = encoding
    else:
        text, used = _detect(data, name)
    lone = _SURROGATE.search(text)
    if lone:  # utf-7, unicode_escape … can decode to half a character, which no JSON or UTF-8 output can hold
        raise DecodingError(name, f"decodes to a broken character (a lone surrogate) at offset {lone.start()}",
                            "check --encoding, or omit it to detect")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), used


def _detect(data: bytes, name: str) -> tuple[str, str]:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc, errors="strict"), enc.replace("-sig", "")
            except UnicodeDecodeError as e:
                raise DecodingError(name, f"starts with a {enc.replace('-sig', '')} byte-order mark but is not "
                                    f"{enc.replace('-sig', '')} text (bad bytes at {len(bom) + e.start})",
                                    "check the file, or pass --encoding") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodingError(name, "not a text file (no text encoding fits its bytes)", "pass --encoding, or convert it to UTF-8")
    return str(best), best.encoding.replace("_", "-")


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if not sample:
        return False
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bad / len(sample) > 0.05


def _sniff_utf16(head: bytes) -> bool:
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


@register_loader("txt", extensions=(".txt", ".text"), sniff=_sniff_utf16)
def load_text(data: bytes, *, name: str, encoding: str | None = None, **_options) -> Loaded:
    """Load a plain-text contract."""
    text, used = decode(data, name=name, encoding=encoding)
    if _looks_binary(text):
        raise DecodingError(name, "looks like a binary file, not text", "check the file; supported formats are .txt, .docx and .pdf")
    return Loaded(text=text, format="txt", encoding=used)
