"""A trace as plain text columns, one per actor, ready to paste into a commit message.

::

    psc_vs_host_io: invariant write_only_shared is violated after 3 step(s)
    instance Page=1, Thread=1; engine explicit

     #  guest                                   | host
    --  --------------------------------------- | ---------------------------------------
     0  initial state
          assigned[*] = false
     1                                          | translate(t=Thread0, p=Page0)
          step[Thread0]: idle -> translated

At most :data:`WIDTH` characters per line, no trailing blanks, and the same
trace always gives the same text.
"""

from __future__ import annotations

import textwrap
from typing import Literal

from rmpcheck.trace import layout
from rmpcheck.trace.model import Step, Trace

WIDTH = 100
_SEP = " | "
_MAX_COL = 44  # two actors should not stretch across the whole page
_MIN_COL = 8

Show = Literal["changed", "all"]


def render(trace: Trace, show: Show = "changed", width: int = WIDTH) -> str:
    """The trace as text; ``show="all"`` lists the whole state after every step."""
    cols = layout.columns(trace)
    gutter = max(2, len(str(trace.length)))
    lead = gutter + 2
    widths = _widths(trace, cols, width - lead - len(_SEP) * max(0, len(cols) - 1))
    out = _wrap(layout.headline(trace), width, "", "  ")
    out += [_elide(layout.instance_line(trace), width), ""]
    if cols:
        titles = _SEP.join(_elide(c.title, w).ljust(w) for c, w in zip(cols, widths, strict=True))
        out.append("#".rjust(gutter) + "  " + titles)
        out.append("-" * gutter + "  " + _SEP.join("-" * w for w in widths))
    where = {(c.actor, c.lane): i for i, c in enumerate(cols)}
    detail = lead + 2
    for i, step in enumerate(trace.steps):
        num = str(step.index).rjust(gutter) + "  "
        if step.index == 0:
            label = textwrap.wrap(layout.first_state(trace), width - len(num))
            out += [num + label[0], *(" " * detail + ln for ln in label[1:])]
            items = [layout.summarize(k, v) for k, v in step.state.items()]
            out += _pack(items, width, " " * detail)
            continue
        if trace.loop is not None and step.index == trace.loop + 1:
            out.append(f"-- loop: {layout.loop_text(trace)}")
        if layout.stutters(step):
            out.append(num + layout.STUTTER)
            continue
        else:
            out += _row(num, step, where.get(layout.column_of(step), 0), widths)
            lines = [str(c) for c in layout.changes(trace.steps[i - 1], step)]
            if step.choices:
                lines.insert(0, f"(chose {layout.choices(step)})")
            if not lines:
                lines = ["(no change)"]
        for ln in lines:
            out += _wrap(ln, width, " " * detail, " " * (detail + 2))
        if show == "all" and step.index > 0:
            # the whole state after the step; a star marks what it changed
            for k, v in step.state.items():
                mark = "* " if k in step.changed else "  "
                pad = " " * (detail + 2)
                out += _wrap(layout.summarize(k, v), width, pad[:-2] + mark, pad + "  ")
    if trace.params:
        out[2:2] = _pack([f"{k} = {layout.show(v)}" for k, v in trace.params.items()],
                         width, "params: ")
    out += ["", *_wrap(f"=> {layout.verdict(trace)}", width, "", "   ")]
    return "\n".join(ln.rstrip() for ln in out) + "\n"


def _row(num: str, step: Step, col: int, widths: list[int]) -> list[str]:
    """The step's number and its call in its actor's column, wrapped to the column."""
    cell = _fill(_tokens(step), widths[col])
    blank = " " * len(num)
    rows = []
    for j, text in enumerate(cell):
        parts = [" " * w for w in widths]
        parts[col] = text.ljust(widths[col])
        rows.append((num if j == 0 else blank) + _SEP.join(parts))
    return rows


def _widths(trace: Trace, cols: list[layout.Column], room: int) -> list[int]:
    """Column widths: what each actor's longest call needs, capped at _MAX_COL; when
    they do not fit in ``room``, the widest are cut down to a common cap first, so
    a column of short calls never wraps to make room for a long one."""
    if not cols:
        return []
    need = {(c.actor, c.lane): max(_MIN_COL, min(len(c.title), _MAX_COL)) for c in cols}
    for s in trace.steps:
        key = layout.column_of(s)
        if s.index > 0 and key in need:
            need[key] = max(need[key], min(_MAX_COL, len(layout.call(s, False))))
    want = [need[(c.actor, c.lane)] for c in cols]
    if sum(want) <= room:
        return want
    cap = max(_MIN_COL, room // len(cols))
    while cap < max(want) and sum(min(w, cap + 1) for w in want) <= room:
        cap += 1
    return [min(w, cap) for w in want]


def _tokens(step: Step) -> list[str]:
    """Break points of a call: after the open paren and after each argument."""
    name = layout.call(step, with_actor=False)
    head, _, rest = name.partition("(")
    args = [f"{k}={layout.show(v)}" for k, v in step.args.items()]
    if not args:
        return [name]
    toks = [head + "("]
    toks += [a + ", " for a in args[:-1]]
    toks.append(args[-1] + ")")
    return toks


def _fill(tokens: list[str], width: int) -> list[str]:
    """Greedy fill; continuation lines indent by two; a token too long for a line is
    split (after an underscore where possible), never dropped."""
    lines: list[str] = []
    cur = ""
    for tok in tokens:
        room = width - (2 if lines else 0)
        if cur and len(cur) + len(tok.rstrip()) > room:
            lines.append(cur.rstrip())
            cur, room = "", width - 2
        cur += tok
        while len(cur.rstrip()) > room:
            cut = _cut(cur, room)
            lines.append(cur[:cut])
            cur, room = cur[cut:], width - 2
    if cur.strip():
        lines.append(cur.rstrip())
    return [ln if j == 0 else "  " + ln for j, ln in enumerate(lines)]


def _cut(text: str, room: int) -> int:
    under = text.rfind("_", 1, room)
    return under + 1 if under >= room // 2 else max(1, room)


def _elide(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(1, width - 3)] + "..."


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    """Wrap at spaces outside keys and tuples, so ``m[Thread0, Page1]`` stays whole."""
    lines: list[str] = []
    pre, cur = first, ""
    for w in _words(text):
        cand = w if not cur else f"{cur} {w}"
        if cur and len(pre) + len(cand) > width:
            lines.append(pre + cur)
            pre, cur = rest, w
        else:
            cur = cand
    lines.append(pre + cur)
    return [_elide(ln, width) for ln in lines]


def _words(text: str) -> list[str]:
    words: list[str] = []
    depth = 0
    for w in text.split(" "):
        if depth > 0 and words:
            words[-1] += " " + w
        else:
            words.append(w)
        depth = max(0, depth + w.count("[") + w.count("(") - w.count("]") - w.count(")"))
    return words


def _pack(items: list[str], width: int, indent: str) -> list[str]:
    """Several short items per line, separated by "; "; a long one wraps on its own."""
    out: list[str] = []
    cur = ""
    for it in items:
        cand = f"{cur}; {it}" if cur else it
        if len(indent) + len(cand) <= width:
            cur = cand
            continue
        if cur:
            out.append(indent + cur)
        if len(indent) + len(it) <= width:
            cur = it
        else:
            out += _wrap(it, width, indent, indent + "  ")
            cur = ""
    if cur:
        out.append(indent + cur)
    return out
