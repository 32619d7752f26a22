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
        body = c.heading if c.heading else " ".join(c.text.split())
        if c.number and not c.heading and body.startswith(c.number):
            body = body[len(c.number):].lstrip("、.．，, ")
        head = f"{c.number} " if c.number else f"[{c.kind}] "
        body = body if len(body) <= width else body[: width - 1] + "…"
        tag = f"  [{c.label} {c.labels[0].score:.2f}]" if labels and c.labels else ""
        lines.append("  " * c.level + head + body + tag)
    return "\n".join(lines)
