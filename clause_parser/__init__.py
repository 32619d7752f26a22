"""clause_parser: Chinese contracts → a lossless tree of numbered, labelled clauses.

>>> import clause_parser
>>> r = clause_parser.parse_text("一、费用\\n1. 甲方应于签约后五日内支付服务费人民币5000元。\\n二、争议解决\\n1. 争议提交上海仲裁委员会仲裁。")
>>> [(c.number, c.label) for c in r.clauses]
[('一', 'fee'), ('1', 'fee'), ('二', 'dispute'), ('1', 'dispute')]
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import ClauseParserError  # noqa: E402  (cheap: no heavy imports)

__all__ = ["parse", "parse_text", "parse_many", "BatchError", "ParseResult", "Clause", "ClauseParserError", "register_loader", "__version__"]


def __getattr__(name):
    # Import what a call needs when it needs it: `import clause_parser` stays fast.
    if name in ("parse", "parse_text"):
        from . import api

        return getattr(api, name)
    if name in ("parse_many", "BatchError"):
        from . import batch

        return getattr(batch, name)
    if name in ("ParseResult", "Clause", "LabelScore", "Evidence", "Removed", "ContractInfo"):
        from . import model

        return getattr(model, name)
    if name == "register_loader":
        from .loaders import register_loader

        return register_loader
    if name == "errors":
        from . import errors

        return errors
    raise AttributeError(f"module 'clause_parser' has no attribute {name!r}")
