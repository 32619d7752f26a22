"""Text renderings of a result (the JSON one is ``ParseResult.to_json``)."""
from __future__ import annotations


def outline(result, labels: bool = True, width: int = 60) -> str:
    """Indented outline, one line per clause: marker, heading or the start of the text, label."""
    lines = []
    multi = len(result.contracts) > 1
    current = None
    for c in result.clauses:
        if multi and c.contract != current:
            current = c.contract
            title = result.contracts[c.contract].title if c.contract < len(result.contracts) else None
            lines.append(f"== contract {c.contract}" + (f": {title}" if title else ""))
        # a clause's text starts with its marker as written ("1." not "1"), so show the text itself
        body = " ".join(c.text.split())
        head = f"[{c.kind}] " if c.number is None else ""
        if c.heading and c.number:
            head, body = f"{c.number} ", c.heading
        body = body if len(body) <= width else body[: width - 1] + "…"
        tag = f"  [{c.label} {c.labels[0].score:.2f}]" if labels and c.labels else ""
        lines.append("  " * c.level + head + body + tag)
    return "\n".join(lines)
