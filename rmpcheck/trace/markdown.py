"""A trace as Markdown: a heading, one table row per step with the action in its
actor's column and the values it changed, then the final state."""

from __future__ import annotations

from typing import Literal

from rmpcheck.trace import layout
from rmpcheck.trace.model import Trace

Show = Literal["changed", "all"]


def render(trace: Trace, show: Show = "changed") -> str:
    """The trace as GitHub-flavoured Markdown; ``show="all"`` adds the whole state per row."""
    cols = layout.columns(trace)
    out = [f"### {_esc(layout.headline(trace))}", "", _esc(layout.instance_line(trace)), ""]
    head = ["#", *(_esc(c.title) for c in cols), "changes"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---:"] + ["---"] * (len(head) - 1)) + "|")
    where = {c.actor: i for i, c in enumerate(cols)}
    for i, step in enumerate(trace.steps):
        cells = [""] * len(cols)
        if step.action is None:
            what = [_code(layout.summarize(k, v)) for k, v in step.state.items()]
            first = f"*{_esc(layout.first_state(trace))}*"
            if cols:
                cells[0] = first
            else:
                what.insert(0, first)
        else:
            call = _code(layout.call(step, with_actor=False))
            if step.choices:
                call += f" (chose {_code(layout.choices(step))})"
            cells[where[step.actor or ""]] = call
            what = [_code(str(c)) for c in layout.changes(trace.steps[i - 1], step)]
            what = what or ["(no change)"]
            if show == "all":
                what += [
                    _mark(k in step.changed, layout.summarize(k, v))
                    for k, v in step.state.items()
                ]
        row = [str(step.index), *cells, "<br>".join(what)]
        out.append("| " + " | ".join(row) + " |")
    last = trace.steps[-1]
    verdict = "reached" if trace.kind == "witness" else "violated"
    prop = _esc(trace.property)
    out += ["", f"**{prop}** is {verdict} in the state after step {last.index}:", ""]
    out += [f"- {_code(layout.summarize(k, v))}" for k, v in last.state.items()]
    return "\n".join(out) + "\n"


def _esc(text: str) -> str:
    """Keep table cells intact: pipes split cells, and a few characters start markup
    (GitHub leaves underscores inside words alone, so names stay readable)."""
    for ch in "\\|*<>`":
        text = text.replace(ch, "\\" + ch)
    return text


def _mark(changed: bool, text: str) -> str:
    """A whole-state entry; the ones the step changed in bold."""
    return f"**{_code(text)}**" if changed else _code(text)


def _code(text: str) -> str:
    return "`" + text.replace("`", "'").replace("|", "\\|") + "`"
