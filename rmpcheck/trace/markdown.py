"""A trace as Markdown: a heading, a Mermaid sequence diagram, one table row per
step with the action in its actor instance's column and the values it changed,
then the verdict and the final state.

GitHub (and GitLab, and most Markdown viewers with Mermaid) draw the
```mermaid``` block as a sequence diagram: one participant per column of the
table, each step a note over its participant, so the interleaving reads top
to bottom as in a race report; elsewhere it stays a readable code block.
"""

from __future__ import annotations

from typing import Literal

from rmpcheck.trace import layout
from rmpcheck.trace.model import Trace

Show = Literal["changed", "all"]


def render(trace: Trace, show: Show = "changed") -> str:
    """The trace as GitHub-flavoured Markdown; ``show="all"`` adds the whole state per row."""
    cols = layout.columns(trace)
    out = [f"### {_esc(layout.headline(trace))}", "", _esc(layout.instance_line(trace)), ""]
    if trace.params:
        out += [", ".join(_code(f"{k} = {layout.show(v)}") for k, v in trace.params.items()), ""]
    if cols:
        out += [*mermaid(trace, cols), ""]
    head = ["#", *(_esc(c.title) for c in cols), "changes"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(["---:"] + ["---"] * (len(head) - 1)) + "|")
    where = {(c.actor, c.lane): i for i, c in enumerate(cols)}
    for i, step in enumerate(trace.steps):
        cells = [""] * len(cols)
        if trace.loop is not None and step.index == trace.loop + 1:
            mark = f"*loop: {_esc(layout.loop_text(trace))}*"
            out.append("| " + " | ".join(["", *cells, mark]) + " |")
        if layout.stutters(step):
            out.append("| " + " | ".join([str(step.index), *cells, _esc(layout.STUTTER)]) + " |")
            continue
        if step.index == 0:
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
            cells[where[layout.column_of(step)]] = call
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
    out += ["", f"**{_esc(layout.verdict(trace))}**", "", f"The state after step {last.index}:", ""]
    out += [f"- {_code(layout.summarize(k, v))}" for k, v in last.state.items()]
    return "\n".join(out) + "\n"


def mermaid(trace: Trace, cols: list[layout.Column]) -> list[str]:
    """A Mermaid ``sequenceDiagram``: a participant per column, a note per step."""
    ids = {(c.actor, c.lane): f"c{i}" for i, c in enumerate(cols)}
    out = ["```mermaid", "sequenceDiagram"]
    out += [f"    participant {ids[(c.actor, c.lane)]} as {_mer(c.title)}" for c in cols]
    for i, step in enumerate(trace.steps):
        if step.index == 0:
            continue
        if trace.loop is not None and step.index == trace.loop + 1:
            out.append(f"    loop {_mer(layout.loop_text(trace))}")
        if layout.stutters(step):
            span = f"{ids[(cols[0].actor, cols[0].lane)]},{ids[(cols[-1].actor, cols[-1].lane)]}"
            out.append(f"    Note over {span}: {step.index}. {_mer(layout.STUTTER)}")
            continue
        who = ids[layout.column_of(step)]
        what = [str(c) for c in layout.changes(trace.steps[i - 1], step)]
        note = "<br/>".join(_mer(x) for x in [f"{step.index}. {layout.call(step, False)}", *what])
        out.append(f"    Note over {who}: {note}")
    if trace.loop is not None:
        out.append("    end")
    out.append("```")
    return out


def _mer(text: str) -> str:
    """Mermaid text: ``#`` starts an entity code and ``;`` ends a statement."""
    for ch, code in (("#", "#35;"), (";", "#59;")):
        text = text.replace(ch, code)
    return text


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
