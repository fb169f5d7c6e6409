"""What every human-readable exporter shares: columns, value text, and changes.

Columns follow the way RMP races are drawn on mailing lists: the guest on
the left, then the hypervisor, host threads, firmware (the PSP/ASP) and
devices; actors whose role is none of these come after, in order of first
appearance.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rmpcheck.ir_text import scalar, select
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

    @property
    def title(self) -> str:
        return self.actor if self.role in ("", self.actor) else f"{self.actor} ({self.role})"


def columns(trace: Trace) -> list[Column]:
    """One column per actor that acts in the trace, in role order."""
    seen: dict[str, Column] = {}
    for s in trace.steps:
        if s.actor is not None and s.actor not in seen:
            seen[s.actor] = Column(s.actor, s.role or s.actor)
    order = list(seen.values())
    return sorted(order, key=lambda c: (role_rank(c.role), order.index(c)))


# -------------------------------------------------------------------- values


def show(v: Any) -> str:
    """A display value as it would be written in a model: ``true``, ``Page0``, ``3``."""
    if isinstance(v, tuple):
        return "(" + ", ".join(show(x) for x in v) + ")"
    if isinstance(v, list):
        return "[" + ", ".join(show(x) for x in v) + "]"
    if isinstance(v, Mapping):
        return "{" + ", ".join(f"{show(k)}: {show(x)}" for k, x in v.items()) + "}"
    return scalar(v)


def show_key(k: Any) -> str:
    """A map key inside brackets: ``Thread0`` or ``Thread0, Page1``."""
    return ", ".join(show(x) for x in k) if isinstance(k, tuple) else show(k)


def call(step: Step, with_actor: bool = True) -> str:
    """``host.write(t=Thread0)``; without the actor, ``write(t=Thread0)``."""
    assert step.action is not None
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
        if isinstance(v, Mapping):
            for k, x in v.items():
                out[select(name, [show_key(k)])] = x
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
        if isinstance(old, Mapping) and isinstance(new, Mapping):
            for k, x in new.items():
                if old.get(k) != x:
                    out.append(Change(select(name, [show_key(k)]), old.get(k), x))
        else:
            out.append(Change(name, old, new))
    return out


def summarize(name: str, v: Any) -> str:
    """One variable for a reader: a map with one value everywhere reads ``m[*] = v``."""
    if isinstance(v, Mapping) and v:
        vals = list(v.values())
        if len(vals) > 1 and all(x == vals[0] for x in vals):
            return f"{name}[*] = {show(vals[0])}"
    return f"{name} = {show(v)}"


def headline(trace: Trace) -> str:
    """``race: invariant safe is violated after 3 step(s)``."""
    what = trace.summary or f"{trace.kind} for {trace.property} ({trace.length} step(s))"
    return f"{trace.model}: {what}"


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
    sizes = ", ".join(f"{k}={v}" for k, v in sorted(trace.sizes.items())) or "no sorts"
    return f"instance {sizes}; engine {trace.engine or 'unknown'}"
