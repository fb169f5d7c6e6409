"""Is a counterexample to induction a real bug, or a missing lemma?

At the CTI's own sizes, two questions: does bmc (explicit search, if bmc is
not available) refute the claim within the depth; and is the CTI's pre-state
itself reachable (searched up to sort symmetry among the reachable states of
that instance)? Either gives a replayed trace: a real bug. An exhausted state
space without the pre-state says "unreachable at these sizes": the
counterexample can only be excluded by a lemma. Anything short of that is
reported as not found within the limits, never as unreachable.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from rmpcheck import ir
from rmpcheck.engines import registry
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.explicit import concrete_run, explore
from rmpcheck.engines.induction.cti import Cti, goals_of, instance
from rmpcheck.engines.symmetry import Symmetry
from rmpcheck.errors import ConfigError, InternalError
from rmpcheck.interp import Instance, State
from rmpcheck.monitor import Obligation
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import build_trace

MAX_STATES = 200_000  # explicit search for the CTI's pre-state
MAX_ORBIT = 5_040  # permutations of the pre-state tried (7! for one sort)


@dataclass(frozen=True)
class Reachability:
    status: Literal["reachable", "unreachable", "not-found"]
    detail: str
    engine: str = ""
    trace: Trace | None = None  # a real counterexample (or witness), replayed


def reachability(ob: Obligation, cti: Cti, opts: Options) -> Reachability:
    """Decide, as far as the limits allow, whether ``cti`` is reachable at its sizes."""
    deadline = Deadline(opts.timeout_s)
    sizes = ", ".join(f"{k}={v}" for k, v in sorted(cti.sizes.items()))
    refuted = refute(ob, cti, opts)
    if refuted is not None:
        return refuted
    inst = instance(ob, cti.sizes)
    found = _search(inst, ob, cti, deadline)
    if isinstance(found, Reachability):
        return found
    if found:
        return Reachability("unreachable", f"unreachable at {sizes}: {found}", "explicit")
    return Reachability(
        "not-found", f"not reached within the limits at {sizes} (depth {opts.depth})", "bmc"
    )


def refute(ob: Obligation, cti: Cti, opts: Options) -> Reachability | None:
    """bmc (or explicit, if bmc is not built) on the claim at the CTI's sizes."""
    return at_sizes(ob, cti.sizes, opts)


def at_sizes(ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Reachability | None:
    """bmc (or explicit, if bmc is not built) on the claim at ``sizes``: a replayed trace
    that refutes it (or reaches the cover), or None when none was found in ``opts``."""
    for engine in ("bmc", "explicit"):
        try:
            registry.resolve(engine)
        except ConfigError:
            continue
        r = registry.run(engine, ob, sizes, opts)
        if r.verdict in ("refuted", "covered") and r.trace is not None:
            what = "refutes" if r.verdict == "refuted" else "covers"
            steps = r.trace.length
            return Reachability(
                "reachable", f"{engine} {what} {ob.prop.name} in {steps} step(s)", engine, r.trace
            )
        return None
    return None


def _search(inst: Instance, ob: Obligation, cti: Cti, deadline: Deadline) -> Reachability | str:
    """A run to (a renaming of) the CTI's pre-state, then its bad step; or why none exists
    ("" when the search stopped before exhausting the state space)."""
    probe = Obligation(ob.system, ob.prop, "safety", ir.BoolLit(True))
    space = explore(
        inst,
        probe,
        Options(symmetry=False, extra={"max_states": MAX_STATES}),
        deadline,
        stop_at_hit=False,
    )
    where = {s: i for i, s in enumerate(space.states)}
    for s in _orbit(inst, cti.pre):
        if s in where:
            states, actions = concrete_run(space, where[s])
            return _finish(inst, ob, cti, states, actions)
    if space.stopped:
        return ""
    return f"none of the {len(space.states):,} reachable states is the CTI's pre-state"


def _orbit(inst: Instance, s: State) -> list[State]:
    sym = Symmetry(inst)
    if not sym.active:
        return [s]
    perms = itertools.product(*(itertools.permutations(range(n)) for n in sym.sizes))
    return [sym.apply(s, p) for p in itertools.islice(perms, MAX_ORBIT)]


def _finish(
    inst: Instance,
    ob: Obligation,
    cti: Cti,
    states: list[State],
    actions: list[tuple[str, tuple]],
) -> Reachability:
    """Extend the run to the pre-state by a step that breaks what the CTI breaks."""
    name = cti.violated[0]
    goal = dict(goals_of(ob))[name]
    bad_ob = ob if name == ob.prop.name else _lemma_obligation(ob, name, goal)
    for ai, t in inst.successors(states[-1]):
        if not inst.holds(goal, t):
            trace = build_trace(
                inst, bad_ob, [*states, t], [*actions, (ai.action, ai.args)], "explicit"
            )
            what = "the claim" if bad_ob is ob else f"lemma {name}"
            detail = f"the CTI's pre-state is reachable in {len(actions)} step(s): {what} fails"
            return Reachability("reachable", detail, "explicit", trace)
    raise InternalError("cti: a renamed pre-state of a CTI has no bad step")


def _lemma_obligation(ob: Obligation, name: str, formula: ir.Expr) -> Obligation:
    prop = ir.Property("lemma", name, formula)
    return Obligation(ob.system, prop, "safety", formula)
