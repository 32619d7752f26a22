"""Text renderings of a result (the JSON one is ``ParseResult.to_json``)."""
from __future__ import annotations

import json


def _field_value(f) -> str:
    v = f.value
    if f.type == "amount":
        return f"{v['amount']} {v['currency']}"
    if f.type == "percentage":
        return f"{v['percent']}%"
    if f.type == "duration":
        return f"{v['value']} {v['unit']}"
    if f.type == "date":
        return v if isinstance(v, str) else f"{v['start']} – {v['end']}"
    if f.type == "forum":
        return f"{v['kind']}: {v['name']}"
    if f.type == "blank":
        return f"{v['length']} wide"
    return json.dumps(v, ensure_ascii=False)


def outline(result, labels: bool = True, width: int = 60, fields: bool = False) -> str:
    """Indented outline, one line per clause: marker, heading or the start of the text, label.

    With ``fields=True`` each clause's fields follow it, the contracts' kinds and parties lead, and
    the review findings close the outline.
    """
    lines = []
    multi = len(result.contracts) > 1
    current = None
    for c in result.clauses:
        if c.contract != current:
            current = c.contract
            info = result.contracts[c.contract] if c.contract < len(result.contracts) else None
            if multi:
                lines.append(f"== contract {c.contract}" + (f": {info.title}" if info and info.title else ""))
            if fields and info is not None:
                if info.type:
                    lines.append(f"# type: {info.type} ({info.type_score:.2f})")
                for p in info.parties:
                    alias = f" ({p.alias})" if p.alias else ""
                    lines.append(f"# party {p.role}{alias}: {p.name or '(blank)'}")
        # a clause's text starts with its marker as written ("1." not "1"), so show the text itself
        body = " ".join(c.text.split())
        head = f"[{c.kind}] " if c.number is None else ""
        if c.heading and c.number:
            head, body = f"{c.number} ", c.heading
        body = body if len(body) <= width else body[: width - 1] + "…"
        tag = f"  [{c.label} {c.labels[0].score:.2f}]" if labels and c.labels else ""
        indent = "  " * c.level
        lines.append(indent + head + body + tag)
        if fields:
            for f in c.fields:
                lines.append(f"{indent}    · {f.type} {_field_value(f)}  «{f.text}»")
    if fields and result.findings:
        lines.append("")
        lines.append("findings:")
        numbers = {c.id: c.number or c.kind for c in result.clauses}
        for f in result.findings:
            where = f" [{numbers.get(f.clause, f.clause)}]" if f.clause else ""
            lines.append(f"- {f.type}{where}: {f.message}")
    return "\n".join(lines)
