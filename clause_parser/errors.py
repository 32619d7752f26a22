"""The one error catalogue: every failure the library raises is a ClauseParserError.

Each message names the file (or ``<text>`` for in-memory input) and says what to do, so a CLI
can print ``str(err)`` as its single line on stderr.
"""
from __future__ import annotations


class ClauseParserError(Exception):
    """Base class of every error clause_parser raises.

    >>> try:
    ...     raise UnsupportedFormat("a.xyz", "unknown format 'xyz'", "convert it to .txt, .docx or .pdf")
    ... except ClauseParserError as e:
    ...     print(e)
    a.xyz: unknown format 'xyz'; convert it to .txt, .docx or .pdf
    """

    def __init__(self, source: str | None, problem: str, hint: str | None = None):
        self.source = source or "<text>"
        self.problem = problem
        self.hint = hint
        super().__init__(self.source, problem, hint)

    def __str__(self) -> str:
        msg = f"{self.source}: {self.problem}"
        return f"{msg}; {self.hint}" if self.hint else msg

    def to_dict(self) -> dict:
        return {"type": type(self).__name__, "message": str(self)}


class InputNotFound(ClauseParserError):
    """The path does not exist or is not a readable file."""


class UnsupportedFormat(ClauseParserError):
    """No registered loader reads this kind of file."""


class DecodingError(ClauseParserError):
    """The bytes of a text file are not text in any encoding we recognise."""


class CorruptDocument(ClauseParserError):
    """The file claims a format but its content is broken."""


class TooLarge(ClauseParserError):
    """The input exceeds a configured limit."""


class RulesError(ClauseParserError):
    """A rule file is malformed (bad YAML, unknown key, invalid regular expression)."""


class OptionError(ClauseParserError):
    """An option passed to parse() has an invalid value."""


class EncryptedDocument(ClauseParserError):
    """The document is encrypted and no password (or a wrong one) was given."""


class NoTextLayer(ClauseParserError):
    """The PDF has no text to read (a scanned image without OCR)."""


class Timeout(ClauseParserError):
    """Parsing one document took longer than the batch's time limit (``parse_many(timeout=)``, ``--timeout``)."""
