"""What every human-readable exporter shares: columns, value text, and changes.

Columns follow the way RMP races are drawn on mailing lists: the guest on
the left, then the hypervisor, host threads, firmware (the PSP/ASP) and
devices; actors whose role is none of these come after, in order of first
appearance. An actor with instances (trace/lanes.py) has one column per
instance that acts, side by side in element order: ``host[Thread0] |
host[Thread1]``, the "CPU 0 | CPU 1" of a race report. Steps of a trace
from another tool name no actor; they share one column, ``action``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rmpcheck import ir
from rmpcheck.ir_text import scalar, select
from rmpcheck.trace import values
from rmpcheck.trace.model import Step, Trace

# a role is ranked by the first keyword it contains
_ROLE_KEYWORDS: tuple[tuple[str, ...], ...] = (
    ("guest", "vm", "vcpu"),
    ("hypervisor", "hv", "kvm", "vmm"),
    ("host", "thread", "kernel"),
    ("firmware", "fw", "psp", "asp", "sev"),
    ("device", "iommu", "dma", "io"),
)


def role_rank(role: str) -> int:
    """0 guest, 1 hypervisor, 2 host, 3 firmware, 4 device, 5 anything else."""
    words = role.lower().replace("-", "_").replace(" ", "_").split("_")
    for rank, keys in enumerate(_ROLE_KEYWORDS):
        if any(w in keys for w in words):
            return rank
    low = role.lower()
    for rank, keys in enumerate(_ROLE_KEYWORDS):
        if any(len(k) > 3 and k in low for k in keys):
            return rank
    return len(_ROLE_KEYWORDS)


@dataclass(frozen=True, slots=True)
class Column:
    actor: str
    role: str
    lane: Any = None

    @property
    def name(self) -> str:
        """``host``, ``host[Thread1]``, or ``action`` for steps that name no actor."""
        base = self.actor or "action"
        return base if self.lane is None else f"{base}[{show(self.lane)}]"

    @property
    def title(self) -> str:
        return self.name if self.role in ("", self.actor) else f"{self.name} ({self.role})"


def column_of(step: Step) -> tuple[str, Any]:
    """The key of the column a step is drawn in."""
    return (step.actor or "", step.lane)


def columns(trace: Trace) -> list[Column]:
    """One column per actor instance that acts in the trace, in role order; the
    instances of one actor side by side, in the order of their elements."""
    seen: dict[tuple[str, Any], Column] = {}
    for s in trace.steps:
        if s.index > 0 and column_of(s) not in seen and not stutters(s):
            seen[column_of(s)] = Column(s.actor or "", s.role or s.actor or "", s.lane)
    first: dict[str, int] = {}
    for i, c in enumerate(seen.values()):
        first.setdefault(c.actor, i)
    return sorted(
        seen.values(),
        key=lambda c: (role_rank(c.role), first[c.actor], c.lane is not None, natural(c.lane)),
    )


def natural(v: Any) -> tuple[Any, ...]:
    """Thread2 before Thread10: digits compare as numbers."""

    parts = re.split(r"(\d+)", show(v)) if v is not None else []
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts)


# -------------------------------------------------------------------- values


def show(v: Any) -> str:
    """A display value as it would be written in a model: ``true``, ``Page0``, ``3``."""
    if isinstance(v, values.Unserializable):
        return str(v)
    if isinstance(v, values.SetValue):
        return "{" + ", ".join(show(x) for x in v) + "}"
    if isinstance(v, values.Record):
        if set(v) == {"tag", "value"}:  # an ITF variant: Some(Thread0)
            inner = v["value"]
            empty = inner is None or (isinstance(inner, (tuple, dict)) and not inner)
            return f"{v['tag']}" + ("" if empty else f"({show(inner)})")
        return "{ " + ", ".join(f"{k}: {show(x)}" for k, x in v.items()) + " }"
    if isinstance(v, tuple):
        return "(" + ", ".join(show(x) for x in v) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(show(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{show(k)}: {show(x)}" for k, x in v.items()) + "}"
    if v == "":
        return '""'
    return scalar(v)


def show_key(k: Any) -> str:
    """A map key inside brackets: ``Thread0`` or ``Thread0, Page1``."""
    return ", ".join(show(x) for x in k) if isinstance(k, tuple) else show(k)


# how a step of ir.STUTTER_ACTION reads (a liveness lasso that ends in a deadlock)
STUTTER = "(no action is enabled: the run stays in this state)"


def stutters(step: Step) -> bool:
    return step.action == ir.STUTTER_ACTION


def loop_text(trace: Trace) -> str:
    """What a lasso's loop does, drawn where it starts: ``steps 2-4 repeat forever (state
    4 is state 1)``, or, for a run stuck where nothing is enabled, that it stays there."""
    k, n = trace.loop, trace.length
    if all(stutters(s) for s in trace.steps[(k or 0) + 1 :]):
        return f"the run stays in state {k} forever: no action is enabled"
    return f"steps {(k or 0) + 1}-{n} repeat forever (state {n} is state {k})"


def call(step: Step, with_actor: bool = True) -> str:
    """``host.write(t=Thread0)``; without the actor, ``write(t=Thread0)``."""
    if stutters(step):
        return STUTTER
    if step.action is None:  # a trace from another tool that does not say
        return "(a step)"
    name = step.action if with_actor else step.action.partition(".")[2] or step.action
    args = ", ".join(f"{k}={show(v)}" for k, v in step.args.items())
    return f"{name}({args})"


def choices(step: Step) -> str:
    """The hidden choices of a step (``choose``), or the empty string."""
    return ", ".join(f"{k}={show(v)}" for k, v in step.choices.items())


def fields(state: Mapping[str, Any]) -> dict[str, Any]:
    """The state flattened to one entry per map element: ``step[Thread0]`` -> ``idle``."""
    out: dict[str, Any] = {}
    for name, v in state.items():
        if _entrywise(v):
            for k, x in v.items():
                out[_entry(name, v, k)] = x
        else:
            out[name] = v
    return out


@dataclass(frozen=True, slots=True)
class Change:
    field: str
    old: Any
    new: Any

    def __str__(self) -> str:
        return f"{self.field}: {show(self.old)} -> {show(self.new)}"


def changes(prev: Step, step: Step) -> list[Change]:
    """What ``step`` changed relative to ``prev``, entry by entry for maps."""
    out: list[Change] = []
    for name in step.changed:
        old, new = prev.state.get(name), step.state.get(name)
        if isinstance(old, Mapping) and isinstance(new, Mapping) and _entrywise(old) \
                and _entrywise(new):
            for k, x in new.items():
                if old.get(k) != x:
                    out.append(Change(_entry(name, new, k), old.get(k), x))
        else:
            out.append(Change(name, old, new))
    return out


def _entrywise(v: Any) -> bool:
    """A map, or a record, changes entry by entry; a variant (``Some(3)``) as a whole."""
    variant = isinstance(v, values.Record) and set(v) == {"tag", "value"}
    return isinstance(v, Mapping) and not variant


def _entry(name: str, v: Any, k: Any) -> str:
    return f"{name}.{k}" if isinstance(v, values.Record) else select(name, [show_key(k)])


def summarize(name: str, v: Any) -> str:
    """One variable for a reader: a map with one value everywhere reads ``m[*] = v``."""
    if isinstance(v, Mapping) and v:
        vals = list(v.values())
        if len(vals) > 1 and all(x == vals[0] for x in vals):
            return f"{name}[*] = {show(vals[0])}"
    return f"{name} = {show(v)}"


def headline(trace: Trace) -> str:
    """``race: invariant safe is violated after 3 step(s)``."""
    if trace.kind == "run":  # another tool's trace: its source and description
        what = trace.summary or f"a run of {trace.length} step(s)"
        return f"{trace.model or trace.model_file or 'trace'}: {what}"
    what = trace.summary or f"{trace.kind} for {trace.property} ({trace.length} step(s))"
    return f"{trace.model}: {what}"


def verdict(trace: Trace) -> str:
    """The last line: what happens at the end, and to which elements.

    ``always no_write is violated at step 6, for t=Thread1: target[Thread1] =
    Page1, assigned[Page1] = true``."""
    last = trace.length
    if trace.kind == "run":
        out = f"the run ends after step {last}"
        if trace.loop is not None:
            out += f" and loops back to state {trace.loop}"
        return out
    if trace.property_kind == "liveness" and trace.loop is not None:
        return _liveness_verdict(trace)
    if trace.property_kind == "deadlock":
        return f"{trace.property} is violated at step {last}: no action is enabled there"
    if trace.kind == "witness":
        out = f"{trace.property} is reached at step {last}"
    else:
        kind = f"{trace.property_kind} " if trace.property_kind else ""
        out = f"{kind}{trace.property} is violated at step {last}"
    return out + culprit_text(trace)


def _liveness_verdict(trace: Trace) -> str:
    """``liveness served is violated, for p=Proc0: from step 1 on, pc[p] == critical
    never holds (steps 2-4 repeat forever)``."""
    out = f"liveness {trace.property} is violated{culprit_text(trace)}"
    since, goal = trace.meta.get("pending_from"), trace.meta.get("goal")
    if isinstance(since, int) and isinstance(goal, str):
        out += f": from step {since} on, {goal} never holds"
    assert trace.loop is not None
    if all(stutters(s) for s in trace.steps[trace.loop + 1 :]):
        return out + f" (no action is enabled in state {trace.loop})"
    return out + f" (steps {trace.loop + 1}-{trace.length} repeat forever)"


def culprit_text(trace: Trace) -> str:
    """``, for t=Thread1: target[Thread1] = Page1, assigned[Page1] = true`` or ""."""
    bound = [(k, v) for k, v in trace.culprits if k.isidentifier()]
    reads = [(k, v) for k, v in trace.culprits if not k.isidentifier()]
    out = ""
    if bound:
        out += ", for " + ", ".join(f"{k}={show(v)}" for k, v in bound)
    if reads:
        out += (": " if bound else ", where ") + ", ".join(f"{k} = {show(v)}" for k, v in reads)
    return out


# A counterexample to induction (engines/cti.py sets meta["cti"]) starts from a
# state that satisfies the invariant being checked but need not be reachable:
# calling it the initial state would tell the reader the bug is real.
CTI_PRE_STATE = "pre-state (satisfies every lemma and the claim; not necessarily reachable)"


def is_cti(trace: Trace) -> bool:
    return bool(trace.meta.get("cti"))


def first_state(trace: Trace, short: bool = False) -> str:
    """How step 0 is labelled: ``initial state``, or a CTI's pre-state; ``short`` for
    a table header (``initial`` / ``pre-state``)."""
    if is_cti(trace):
        return "pre-state" if short else CTI_PRE_STATE
    return "initial" if short else "initial state"


def instance_line(trace: Trace) -> str:
    if trace.kind == "run" and not trace.sizes and not trace.engine:
        return f"a trace from another tool ({trace.model_file or 'no source named'})"
    sizes = ", ".join(f"{k}={v}" for k, v in sorted(trace.sizes.items())) or "no sorts"
    return f"instance {sizes}; engine {trace.engine or 'unknown'}"
