"""Classifiers, by name. A classifier labels a list of clauses in place.

>>> from clause_parser.classify import classifier_names
>>> "rules" in classifier_names()
True
"""
from __future__ import annotations

from typing import Callable

from ..errors import OptionError

_REGISTRY: dict[str, Callable] = {}


def register_classifier(name: str):
    """Decorator: register a factory ``make(**options) -> classifier`` under ``name``.

    A classifier has ``classify(text, folded, clauses, contracts=None) -> None`` and sets
    ``label``/``labels`` of each clause; ``contracts`` are the document's ``ContractInfo`` with
    their ``type`` (the kind of contract) already known.
    """

    def deco(factory):
        _REGISTRY[name] = factory
        return factory

    return deco


def classifier_names() -> list[str]:
    _ensure_builtins()
    return sorted(_REGISTRY)


def get_classifier(name: str, **options):
    _ensure_builtins()
    if name not in _REGISTRY:
        raise OptionError(None, f"unknown classifier {name!r}", f"use one of {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[name](**options)


def _ensure_builtins():
    # importing these registers them; none imports spaCy until a model is really used
    if "rules" not in _REGISTRY:
        from . import ensemble, model, rules  # noqa: F401
