"""The one Trace type every engine produces and every exporter reads.

States hold display values (see interp/values.py): ``Page0``, enum member
names, maps as dicts. Monitor variables are not shown; replay recomputes them.
"""

from __future__ import annotations

import builtins
import sys
from dataclasses import dataclass, field
from typing import Any, Literal

from rmpcheck import __version__


@dataclass(frozen=True, slots=True)
class Step:
    """One row of a trace. Step 0 is the initial state and has no action."""

    index: int
    action: str | None
    actor: str | None
    role: str | None
    args: dict[str, Any]
    choices: dict[str, Any]
    state: dict[str, Any]
    changed: tuple[str, ...]
    # which instance of the actor acted (trace/lanes.py): Thread1 draws the step
    # under host[Thread1]; None for an actor drawn in one column
    lane: Any = None


@dataclass(frozen=True, slots=True)
class Trace:
    """A run of the model: a counterexample to a claim, or a witness of a cover."""

    model: str
    property: str
    # "run": a trace from another tool (Apalache, Quint) that claims nothing
    kind: Literal["counterexample", "witness", "run"]
    sizes: dict[str, int]
    engine: str
    steps: tuple[Step, ...]
    model_file: str = ""
    property_file: str = ""
    summary: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    # the claim's kind (invariant, always, cover, lemma): replay and reports use it
    property_kind: str = ""
    versions: dict[str, str] = field(default_factory=lambda: tool_versions())
    # the elements that make the claim false at the end (or the cover true):
    # ("t", "Thread0"), ("target[Thread0]", "Page1"); see trace/culprits.py
    culprits: tuple[tuple[str, Any], ...] = ()
    # ITF's lasso: the index of the state the run loops back to after the last
    loop: int | None = None
    # ITF's params (constants set in the initial state), by name
    params: dict[str, Any] = field(default_factory=dict)

    @builtins.property  # the field named property shadows the builtin here
    def length(self) -> int:
        """Number of actions (the initial state is not a step)."""
        return len(self.steps) - 1

    @builtins.property
    def actors(self) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for s in self.steps:
            if s.actor is not None:
                seen[s.actor] = None
        return tuple(seen)


def tool_versions() -> dict[str, str]:
    """rmpcheck's version, and z3's only if some engine already imported it
    (importing z3 here would slow every command that never needs it)."""
    out = {"rmpcheck": __version__}
    z3 = sys.modules.get("z3")
    if z3 is not None:
        try:
            out["z3"] = str(z3.get_version_string())
        except Exception:  # a partially imported or stub module; the version is optional
            pass
    return out
