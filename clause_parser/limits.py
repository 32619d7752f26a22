"""What one document may cost: input bytes, characters, PDF pages, and a .docx's unpacked size and entries.

The defaults let any real contract through and stop a zip bomb, a 100,000-page PDF or a
multi-gigabyte text file before it takes the machine's memory. Each limit is an option of
``parse()`` / ``parse_text()`` (``max_bytes=``, ``max_chars=``, ``max_pages=``, ``max_unpacked=``,
``max_entries=``); a number, ``float("inf")`` for no limit. Going over one raises ``TooLarge``.

Time is not a limit here: a call into a PDF or XML library cannot be interrupted safely in the
same process, so ``parse_many(..., timeout=)`` runs each document in a worker process and ends
the worker when it overruns.

>>> from clause_parser.limits import Limits
>>> Limits.from_options({"max_pages": 50}).max_pages
50
>>> Limits(max_chars=10).check_chars(11, "a.txt")
Traceback (most recent call last):
...
clause_parser.errors.TooLarge: a.txt: the text has 11 characters, more than the limit of 10; split the document, or raise max_chars (CLI: --max-chars)
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Mapping

from .errors import OptionError, TooLarge

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Limits on one document; every field is a positive number (``float("inf")``: no limit)."""

    max_bytes: float = 100 * MB  # the input file as it is on disk
    # ~2,000 pages of dense Chinese text. Memory and time grow with characters and clauses: on a
    # 2-core machine 1.4 million characters in 20,000 clauses took 20 s and 410 MB over the
    # baseline, 1.6 million in 100,000 clauses 28 s and 1 GB.
    max_chars: float = 2_000_000
    max_pages: float = 2_000  # PDF pages
    # .docx: python-docx holds every part unpacked in memory (briefly twice while reading it) and
    # parses the XML into larger trees; a contract's parts unpack to a few MB, pictures included.
    max_unpacked: float = 100 * MB
    max_entries: float = 10_000  # .docx: files in the ZIP; a Word document has a few dozen

    @classmethod
    def option_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    @classmethod
    def from_options(cls, options: Mapping, name: str | None = None) -> "Limits":
        """The limits given among ``options`` (other keys are ignored; None means the default)."""
        given = {}
        for key in cls.option_names():
            value = options.get(key)
            if value is None:
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
                raise OptionError(name, f"{key} must be a positive number, not {value!r}",
                                  f"pass e.g. {key}={_num(getattr(cls, key))}, or float('inf') for no limit")
            given[key] = value
        return cls(**given)

    def check_bytes(self, size: int, name: str | None) -> None:
        if size > self.max_bytes:
            raise TooLarge(name, f"the file is larger than the limit of {_size(self.max_bytes)}", _raise("max_bytes"))

    def check_chars(self, count: int, name: str | None) -> None:
        if count > self.max_chars:
            raise TooLarge(name, f"the text has {count} characters, more than the limit of {_num(self.max_chars)}",
                           _raise("max_chars"))

    def check_pages(self, count: int, name: str | None) -> None:
        if count > self.max_pages:
            # the count may stop just past the limit: counting a hostile page tree to its end costs too
            raise TooLarge(name, f"the PDF has more than {_num(self.max_pages)} pages (the limit)", _raise("max_pages"))

    def check_entries(self, count: int, name: str | None) -> None:
        if count > self.max_entries:
            raise TooLarge(name, f"the .docx holds {count} files, more than the limit of {_num(self.max_entries)} "
                           "(a Word document holds a few dozen: a zip bomb?)", _raise("max_entries", "check the file"))

    def check_unpacked(self, size: int, name: str | None) -> None:
        if size > self.max_unpacked:
            raise TooLarge(name, f"the .docx unpacks to more than {_size(self.max_unpacked)} "
                           "(a zip bomb, or a document full of pictures?)", _raise("max_unpacked", "check the file"))


def _raise(option: str, first: str = "split the document") -> str:
    return f"{first}, or raise {option} (CLI: --{option.replace('_', '-')})"


def _num(n: float) -> str:
    return str(int(n)) if n != float("inf") and n == int(n) else f"{n:g}"


def _size(n: float) -> str:
    if n == float("inf"):
        return "no limit"
    return f"{n / MB:.1f} MB" if n >= MB else f"{int(n)} bytes"


def parse_size(text: str) -> float:
    """A size as people write it, for command-line options: ``"200MB"``, ``"1.5G"``, ``"4096"``, ``"inf"``.

    >>> parse_size("200MB"), parse_size("1k"), parse_size("inf")
    (209715200, 1024, inf)
    """
    units = {"": 1, "K": 1024, "M": MB, "G": 1024 * MB}
    raw = text.strip().upper().removesuffix("B").removesuffix("I")
    if raw in ("INF", "NONE", "UNLIMITED"):
        return float("inf")
    unit = raw[-1:] if raw[-1:] in ("K", "M", "G") else ""
    try:
        value = float(raw[: len(raw) - len(unit)])
    except ValueError:
        raise ValueError(f"not a size: {text!r} (write e.g. 200MB, 1.5G or 4096)") from None
    if not value > 0:
        raise ValueError(f"not a positive size: {text!r}")
    return int(value * units[unit])
