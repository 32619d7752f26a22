"""Loaders turn a file into document text. They are chosen from a registry by content and name.

A loader is a callable ``load(data: bytes, *, name: str, **options) -> Loaded``. Register your own:

>>> from clause_parser.loaders import register_loader, Loaded
>>> @register_loader("csvtext", extensions=(".csv",))
... def load_csv(data, *, name, **options):
...     return Loaded(text=data.decode("utf-8"), format="csvtext")
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..errors import UnsupportedFormat
from ..model import Removed


@dataclass
class Loaded:
    """What a loader hands on: the reader's text, plus what it took out before building it."""

    text: str
    format: str
    encoding: str | None = None
    removed: list[Removed] = field(default_factory=list)
    # (offset, page) pairs, ascending: text from offset on is on that 1-based page.
    pages: list[tuple[int, int]] | None = None


@dataclass
class _Entry:
    name: str
    load: Callable[..., Loaded]
    extensions: tuple[str, ...]
    sniff: Callable[[bytes], bool] | None


_REGISTRY: dict[str, _Entry] = {}


def register_loader(name: str, *, extensions: tuple[str, ...] = (), sniff: Callable[[bytes], bool] | None = None):
    """Decorator: register ``fn`` as the loader for format ``name``.

    ``sniff(data)`` recognises the format by content (magic bytes, a ZIP's member list); it wins over
    the extension. It gets the whole file's bytes and should look only at what it needs.
    """

    def deco(fn):
        _REGISTRY[name] = _Entry(name, fn, tuple(e.lower() for e in extensions), sniff)
        return fn

    return deco


def loader_names() -> list[str]:
    _ensure_builtins()
    return sorted(_REGISTRY)


def choose_loader(data: bytes, name: str, fmt: str | None = None) -> _Entry:
    """The loader for these bytes: an explicit ``fmt``, else content sniffing, else the extension."""
    _ensure_builtins()
    if fmt is not None:
        if fmt not in _REGISTRY:
            raise UnsupportedFormat(name, f"no loader named {fmt!r}", f"use one of {', '.join(sorted(_REGISTRY))}")
        return _REGISTRY[fmt]
    for entry in _REGISTRY.values():
        if entry.sniff is not None and entry.sniff(data):
            return entry
    lower = name.lower()
    for entry in _REGISTRY.values():
        if any(lower.endswith(ext) for ext in entry.extensions):
            return entry
    # Unknown extension: plain text is the only format we can recognise without a signature.
    return _REGISTRY["txt"]


# Built-in loader modules, imported on first use. Each registers itself and imports its heavy
# library (python-docx, pdfplumber …) only inside its load function.
_BUILTIN_MODULES = ("text", "docx", "pdf", "doc", "markup")
_loaded_builtins = False


def _ensure_builtins() -> None:
    global _loaded_builtins
    if _loaded_builtins:
        return
    import importlib
    import importlib.util

    for mod in _BUILTIN_MODULES:
        if importlib.util.find_spec(f"{__name__}.{mod}") is not None:
            importlib.import_module(f"{__name__}.{mod}")
    _loaded_builtins = True
