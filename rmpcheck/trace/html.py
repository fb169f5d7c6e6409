"""A trace as one self-contained HTML page: a sequence diagram and a state table.

Everything is inline (CSS in a style element, the diagram as inline SVG, system
fonts only) and nothing refers to the network, so the file can be mailed,
attached to a bug or opened offline. No script either: hovering a step box
shows what it changed through SVG's own title element.
"""

from __future__ import annotations

from html import escape
from typing import Any

from rmpcheck.trace import layout
from rmpcheck.trace.model import Trace

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24;
  margin: 24px; background: #ffffff; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
p.meta { color: #57606a; margin: 0 0 8px; }
p.verdict { font-weight: 600; color: #b42318; }
p.verdict.witness { color: #1a7f37; }
code, .mono, svg text { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas,
  "Liberation Mono", monospace; }
.scroll { overflow: auto; max-width: 100%; border: 1px solid #d0d7de; border-radius: 6px; }
svg { display: block; background: #f6f8fa; }
table { border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; white-space: nowrap; }
thead th { background: #f6f8fa; position: sticky; top: 0; }
tbody th { background: #f6f8fa; position: sticky; left: 0; font-weight: 500; }
td.chg { background: #fff1b8; font-weight: 600; }
td.last { border-left: 2px solid #b42318; border-right: 2px solid #b42318; }
th.act { font-weight: 400; color: #57606a; }
"""

_CHAR_W = 7.3  # width of one 12px monospace character, generously
_ROW_H = 46
_TOP = 64


def render(trace: Trace) -> str:
    """The whole HTML document."""
    title = layout.headline(trace)
    verdict_cls = "verdict witness" if trace.kind == "witness" else "verdict"
    versions = ", ".join(f"{k} {v}" for k, v in sorted(trace.versions.items()))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">{escape(layout.instance_line(trace))}'
        + (f"; {escape(versions)}" if versions else "")
        + "</p>",
        f'<p class="{verdict_cls}">{escape(_verdict(trace))}</p>',
        *_first_state_note(trace),
        "<h2>Sequence</h2>",
        f'<div class="scroll">{sequence_svg(trace)}</div>',
        "<h2>State</h2>",
        f'<div class="scroll">{state_table(trace)}</div>',
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _first_state_note(trace: Trace) -> list[str]:
    """The diagram starts at step 1, so say what step 0 is when it is not an initial state."""
    if not layout.is_cti(trace):
        return []
    return [f'<p class="meta">step 0 is a {escape(layout.first_state(trace))}</p>']


def _verdict(trace: Trace) -> str:
    if trace.kind == "witness":
        return f"{trace.property} is reached after step {trace.length}"
    return f"{trace.property} is violated after step {trace.length}"


def sequence_svg(trace: Trace) -> str:
    """Actor lifelines left to right (guest first), one box per step on its actor's
    line, and an arrow from each step to the next: the order of the interleaving."""
    cols = layout.columns(trace)
    labels = {
        s.index: f"{s.index}. {layout.call(s, with_actor=False)}"
        for s in trace.steps
        if s.action is not None
    }
    widest = max([len(c.title) for c in cols] + [len(v) for v in labels.values()] + [12])
    box_w = widest * _CHAR_W + 20
    lane = box_w + 28
    notes = {i: _note(trace, i) for i in range(1, len(trace.steps))}
    note_x = lane * max(1, len(cols)) + 8
    note_w = max([len(n) for n in notes.values()] + [0]) * _CHAR_W * 11 / 12
    width = int(max(note_x + note_w + 16, 320))
    height = _TOP + _ROW_H * (len(trace.steps)) + 24
    x_of = {c.actor: lane * i + lane / 2 for i, c in enumerate(cols)}
    out = [
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(_verdict(trace), quote=True)}">',
        "<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" "
        'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" fill="#57606a"/></marker></defs>',
    ]
    for c in cols:
        x = x_of[c.actor]
        out.append(
            f'<rect x="{x - box_w / 2:.1f}" y="8" width="{box_w:.1f}" height="30" rx="6" '
            'fill="#0969da"/>'
            f'<text x="{x:.1f}" y="28" text-anchor="middle" font-size="13" fill="#ffffff" '
            f'font-weight="600">{escape(c.title)}</text>'
            f'<line x1="{x:.1f}" y1="38" x2="{x:.1f}" y2="{height - 8}" stroke="#8c959f" '
            'stroke-dasharray="4 4"/>'
        )
    prev: tuple[float, float] | None = None
    for i, step in enumerate(trace.steps):
        if step.action is None:
            continue
        x = x_of[step.actor or ""]
        y = _TOP + _ROW_H * i - _ROW_H / 2
        last = step.index == trace.length
        fill, stroke = ("#ffebe9", "#b42318") if last and trace.kind != "witness" else (
            ("#dafbe1", "#1a7f37") if last else ("#ffffff", "#0969da")
        )
        if prev is not None:
            px, py = prev
            out.append(_arrow(px, py + 15, x, y - 15, same=px == x, box_w=box_w))
        changed = "; ".join(str(c) for c in layout.changes(trace.steps[i - 1], step))
        out.append(
            f'<text x="{note_x:.1f}" y="{y + 4:.1f}" font-size="11" fill="#57606a">'
            f"{escape(notes[i])}</text>"
        )
        out.append(
            f'<g><title>{escape(changed or "no change")}</title>'
            f'<rect x="{x - box_w / 2:.1f}" y="{y - 15:.1f}" width="{box_w:.1f}" height="30" '
            f'rx="4" fill="{fill}" stroke="{stroke}" stroke-width="1.5"/>'
            f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="12">'
            f"{escape(labels[step.index])}</text></g>"
        )
        prev = (x, y)
    out.append("</svg>")
    return "".join(out)


_NOTE_MAX = 64


def _note(trace: Trace, i: int) -> str:
    """What step i changed, beside the diagram (elided; the box's title has it all)."""
    text = "; ".join(str(c) for c in layout.changes(trace.steps[i - 1], trace.steps[i]))
    return text if len(text) <= _NOTE_MAX else text[: _NOTE_MAX - 3] + "..."


def _arrow(x1: float, y1: float, x2: float, y2: float, same: bool, box_w: float) -> str:
    if same:
        return (
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#57606a" '
            'stroke-width="1.5" marker-end="url(#arrow)"/>'
        )
    # leave the previous box from its side, enter the next one from its side
    sx = x1 + (box_w / 2 if x2 > x1 else -box_w / 2)
    ex = x2 - (box_w / 2 if x2 > x1 else -box_w / 2)
    return (
        f'<path d="M{sx:.1f},{y1 - 15:.1f} C{sx + (ex - sx) / 2:.1f},{y1 - 15:.1f} '
        f'{sx + (ex - sx) / 2:.1f},{y2 + 15:.1f} {ex:.1f},{y2 + 15:.1f}" fill="none" '
        'stroke="#57606a" stroke-width="1.5" marker-end="url(#arrow)"/>'
    )


def state_table(trace: Trace) -> str:
    """One row per variable (map entries flattened), one column per step; cells a
    step changed are highlighted, the last column outlined."""
    flat = [layout.fields(s.state) for s in trace.steps]
    names = list(flat[0]) if flat else []
    head = ['<th class="mono">variable</th>']
    acts = ['<th class="act">action</th>']
    for s in trace.steps:
        head.append(f"<th>{s.index}</th>")
        if s.action is None:
            full = escape(layout.first_state(trace), quote=True)
            acts.append(f'<th class="act" title="{full}">{layout.first_state(trace, True)}</th>')
        else:
            call = escape(layout.call(s, with_actor=False))
            acts.append(f'<th class="act mono">{escape(s.actor or "")}<br>{call}</th>')
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
