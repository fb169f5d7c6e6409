"""A trace as one self-contained HTML page: a sequence diagram and a state table.

Everything is inline (CSS in a style element, system fonts only) and nothing
refers to the network, so the file can be mailed, attached to a bug or opened
offline. No script either.

The sequence diagram is a CSS grid, not a fixed-size picture: one column per
actor instance (``host[Thread0] | host[Thread1]``) with a dashed lifeline,
each step a box in its column, and what the step changed in a note under it
(beside it, in a column of its own, on a window wide enough). Boxes and notes
wrap their text, so the page reads at 800 px as well as at 1400 px; the tests
render it in headless Chromium at both widths and check every note is on
screen.
"""

from __future__ import annotations

from html import escape
from typing import Any

from rmpcheck.trace import layout
from rmpcheck.trace.model import Step, Trace

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24;
  margin: 16px; background: #ffffff; }
h1 { font-size: 20px; margin: 0 0 4px; overflow-wrap: anywhere; }
h2 { font-size: 16px; margin: 24px 0 8px; }
p.meta { color: #57606a; margin: 0 0 8px; }
p.verdict { font-weight: 600; color: #b42318; overflow-wrap: anywhere; }
p.verdict.witness { color: #1a7f37; }
p.verdict.run { color: #57606a; }
code, .mono, .step, .note, .actor { font-family: ui-monospace, "SFMono-Regular", Menlo,
  Consolas, "Liberation Mono", monospace; }
.seq { display: grid; grid-template-columns: 2.2em repeat(var(--cols), minmax(0, 1fr));
  column-gap: 10px; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px;
  padding: 10px; }
.seq > * { min-width: 0; }
.actor { background: #0969da; color: #ffffff; font-weight: 600; border-radius: 6px;
  padding: 4px 8px; text-align: center; overflow-wrap: anywhere; font-size: 13px; }
.num { color: #57606a; text-align: right; padding-top: 10px; font-size: 12px; }
.life { background: linear-gradient(#8c959f, #8c959f) center / 1px 100% no-repeat;
  min-height: 12px; }
.step { justify-self: center; max-width: 100%; margin: 6px 0 2px; padding: 5px 8px;
  background: #ffffff; border: 1.5px solid #0969da; border-radius: 4px; font-size: 12px;
  overflow-wrap: anywhere; position: relative; }
.step.bad { background: #ffebe9; border-color: #b42318; }
.step.good { background: #dafbe1; border-color: #1a7f37; }
.note { grid-column: 2 / -1; color: #57606a; font-size: 11.5px; padding: 0 0 6px 6px;
  overflow-wrap: anywhere; border-bottom: 1px solid #eaeef2; }
.note span { display: inline-block; margin-right: 1.2em; }
@media (min-width: 1100px) {
  .seq { grid-template-columns: 2.2em repeat(var(--cols), minmax(0, 1fr)) minmax(16em, 1.2fr); }
  .note { grid-column: auto; border-bottom: none; padding-top: 10px; }
  .note span { display: block; }
  .seq .corner { display: block; }
}
.corner { display: none; }
.scroll { overflow: auto; max-width: 100%; border: 1px solid #d0d7de; border-radius: 6px; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; white-space: nowrap; }
thead th { background: #f6f8fa; position: sticky; top: 0; }
tbody th { background: #f6f8fa; position: sticky; left: 0; font-weight: 500; }
td.chg { background: #fff1b8; font-weight: 600; }
td.last { border-left: 2px solid #b42318; border-right: 2px solid #b42318; }
th.act { font-weight: 400; color: #57606a; }
.loop { grid-column: 1 / -1; color: #8250df; font-weight: 600; font-size: 12px;
  border-top: 2px dashed #8250df; margin-top: 6px; padding-top: 2px; overflow-wrap: anywhere; }
"""


def render(trace: Trace) -> str:
    """The whole HTML document."""
    title = layout.headline(trace)
    verdict_cls = {"witness": "verdict witness", "run": "verdict run"}.get(trace.kind, "verdict")
    versions = ", ".join(f"{k} {v}" for k, v in sorted(trace.versions.items()))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(layout.instance_line(trace))}'
        + (f"; {escape(versions)}" if versions else "")
        + "</p>",
        *_params(trace),
        f'<p class="{verdict_cls}">{escape(layout.verdict(trace))}</p>',
        *_first_state_note(trace),
        "<h2>Sequence</h2>",
        sequence(trace),
        "<h2>State</h2>",
        f'<div class="scroll">{state_table(trace)}</div>',
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _params(trace: Trace) -> list[str]:
    if not trace.params:
        return []
    text = ", ".join(f"{k} = {layout.show(v)}" for k, v in trace.params.items())
    return [f'<p class="meta">params: {escape(text)}</p>']


def _first_state_note(trace: Trace) -> list[str]:
    """The diagram starts at step 1, so say what step 0 is when it is not an initial state."""
    if not layout.is_cti(trace):
        return []
    return [f'<p class="meta">step 0 is a {escape(layout.first_state(trace))}</p>']


def sequence(trace: Trace) -> str:
    """The diagram: a header per column, then per step a row of lifelines with the
    step's box in its column, and the note of what it changed."""
    cols = layout.columns(trace)
    where = {(c.actor, c.lane): i for i, c in enumerate(cols)}
    out = [f'<div class="seq" style="--cols: {max(1, len(cols))}">', '<div class="num">#</div>']
    out += [f'<div class="actor">{escape(c.title)}</div>' for c in cols]
    out.append('<div class="corner"></div>')
    for i, step in enumerate(trace.steps):
        if step.index == 0:
            continue
        if trace.loop is not None and step.index == trace.loop + 1:
            text = escape(f"loop: {layout.loop_text(trace)}")
            out.append(f'<div class="loop" id="loop">{text}</div>')
        col = where.get(layout.column_of(step), 0)
        out.append(f'<div class="num">{step.index}</div>')
        for k in range(len(cols)):
            if k != col:
                out.append('<div class="life"></div>')
                continue
            out.append(f'<div class="life">{_box(trace, step)}</div>')
        changes = [str(c) for c in layout.changes(trace.steps[i - 1], step)] or ["(no change)"]
        if step.choices:
            changes.insert(0, f"(chose {layout.choices(step)})")
        spans = "".join(f"<span>{escape(c)}</span>" for c in changes)
        out.append(f'<div class="note" id="note-{step.index}">{spans}</div>')
    out.append("</div>")
    return "\n".join(out)


def _box(trace: Trace, step: Step) -> str:
    cls = "step"
    if step.index == trace.length and trace.kind != "run":
        cls += " good" if trace.kind == "witness" else " bad"
    call = escape(layout.call(step, with_actor=False))
    return f'<div class="{cls}" id="step-{step.index}">{call}</div>'


def state_table(trace: Trace) -> str:
    """One row per variable (map entries flattened), one column per step; cells a
    step changed are highlighted, the last column outlined."""
    flat = [layout.fields(s.state) for s in trace.steps]
    names = list(flat[0]) if flat else []
    head = ['<th class="mono">variable</th>']
    acts = ['<th class="act">action</th>']
    for s in trace.steps:
        head.append(f"<th>{s.index}</th>")
        if s.index == 0:
            full = escape(layout.first_state(trace), quote=True)
            acts.append(f'<th class="act" title="{full}">{layout.first_state(trace, True)}</th>')
        else:
            call = escape(layout.call(s, with_actor=False))
            who = escape(layout.Column(s.actor or "", "", s.lane).name)
            acts.append(f'<th class="act mono">{who}<br>{call}</th>')
    rows = []
    for name in names:
        cells = [f'<th class="mono">{escape(name)}</th>']
        for i, f in enumerate(flat):
            cls = []
            if i > 0 and flat[i - 1].get(name) != f.get(name):
                cls.append("chg")
            if i == len(flat) - 1:
                cls.append("last")
            attr = f' class="{" ".join(cls)}"' if cls else ""
            cells.append(f"<td{attr}>{escape(_cell(f.get(name)))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        "<table><thead><tr>" + "".join(head) + "</tr><tr>" + "".join(acts) + "</tr></thead>"
        "<tbody>" + "\n".join(rows) + "</tbody></table>"
    )


def _cell(v: Any) -> str:
    return layout.show(v)
