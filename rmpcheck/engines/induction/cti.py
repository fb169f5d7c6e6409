"""Counterexamples to induction: find, shrink, cross-check on the interpreter, show.

A CTI is a state satisfying every formula of the candidate invariant, one step
(an action with its arguments) and a successor violating one of them. It is
not a bug by itself: the pre-state may be unreachable, and then a lemma is
missing. It is shrunk to the fewest elements per sort (sorts in declaration
order, each the smallest size that still has a CTI), then the step is re-run
on the interpreter at those sizes: the encoding and the reference semantics
must agree, or it is our bug (InternalError), never a result.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import z3

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.induction.past import merged
from rmpcheck.errors import InternalError
from rmpcheck.interp import ActionInstance, Instance, State
from rmpcheck.monitor import Obligation
from rmpcheck.smt.epr import fragment, readback
from rmpcheck.smt.epr.induction import Induction, Outcome, ask
from rmpcheck.smt.epr.transition import Transition
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import trace_of_run

Named = tuple[str, ir.Expr]


@dataclass(frozen=True)
class Cti:
    """A counterexample to induction, as raw interpreter values and as a 2-state trace."""

    sizes: dict[str, int]
    pre: State
    step: ActionInstance
    post: State
    violated: tuple[str, ...]
    trace: Trace

    def describe(self) -> str:
        sizes = ", ".join(f"{k}={v}" for k, v in sorted(self.sizes.items()))
        args = ", ".join(str(v) for v in self.trace.steps[1].args.values())
        return (
            f"{self.step.action}({args}) leads from a state satisfying every formula "
            f"to one violating {', '.join(self.violated)} ({sizes})"
        )

    def summary(self) -> dict[str, Any]:
        """JSON-friendly facts for Result.stats."""
        return {
            "action": self.step.action,
            "args": self.trace.steps[1].args,
            "violated": list(self.violated),
            "sizes": dict(self.sizes),
        }


@dataclass(frozen=True)
class BadInit:
    """An initial state violating some formulas: a real counterexample of length 0."""

    sizes: dict[str, int]
    state: State
    violated: tuple[str, ...]


@dataclass(frozen=True)
class Stuck:
    """The solver gave up (or the deadline passed)."""

    reason: str


def goals_of(ob: Obligation) -> list[Named]:
    """What must be inductive: the claim (a cover's negation) and the given lemmas."""
    claim = ob.target if ob.kind == "safety" else ir.Not(ob.target)
    return [(ob.prop.name, claim), *ob.lemmas]


def find(ob: Obligation, deadline: Deadline) -> BadInit | Cti | Stuck | None:
    """The first failure of induction for the claim with its lemmas (None: inductive).
    Raises transition.Unsupported for a model the parametric encoding cannot express."""
    ob = merged(ob)
    return check_set(ob, Induction(ob.system), goals_of(ob), deadline)


def outside_epr(ob: Obligation) -> list[str]:
    """What takes the claim's induction queries outside EPR, and where (engines/inductive
    reports the same in ``stats["fragment"]``)."""
    ind = Induction(ob.system)
    skolems = [k for tr in ind.transitions for k in tr.skolems]
    return [f.message for f in fragment.findings(ob.system, goals_of(ob), skolems)]


def instance(ob: Obligation, sizes: dict[str, int]) -> Instance:
    return Instance(ob.system, sizes)


def check_set(
    ob: Obligation, ind: Induction, formulas: Sequence[Named], deadline: Deadline
) -> BadInit | Cti | Stuck | None:
    """None if ``formulas`` together are inductive; else the first failure found."""
    exprs = [f for _, f in formulas]
    out = ind.initiation(exprs, deadline.z3_ms())
    if out.status == "unknown":
        return Stuck(f"initiation: {out.reason}")
    if out.status == "fails":
        st = readback.structure(ind.u, out.model)
        s = readback.state(ind.u, st, ind.init_vocab, ob.system.state)
        inst = instance(ob, st.sizes)
        bad = tuple(n for n, f in formulas if not inst.holds(f, s))
        if not bad or not inst.is_initial(s):
            raise InternalError(
                "inductive: an initial state from Z3 does not check on the interpreter"
            )
        return BadInit(st.sizes, s, bad)
    # the claim first: a CTI that breaks the claim itself says most, and is the one
    # most likely to be reachable
    for goals in (exprs[:1], exprs[1:]):
        for tr in ind.transitions if goals else ():
            if deadline.expired():
                return Stuck(f"timeout after {deadline.elapsed():.1f} s")
            s = ind.step_solver(exprs, tr, deadline.z3_ms())
            s.add(ind.u.disj(z3.Not(ind.after(f, tr)) for f in goals))
            out = ask(s)
            if out.status == "unknown":
                return Stuck(f"consecution of {tr.action.full_name}: {out.reason}")
            if out.status == "fails":
                return extract(ob, ind, formulas, tr, shrink(ind, out, deadline))
    return None


def shrink(
    ind: Induction,
    out: Outcome,
    deadline: Deadline,
    assumptions: Sequence[z3.BoolRef] = (),
) -> z3.ModelRef:
    """The model with the fewest elements per sort, sorts in declaration order. The
    solver is left with the scopes it had (its checks use ``assumptions``)."""
    s, best = out.solver, out.model
    pushed = 0
    try:
        for name in ind.u.sorts:
            have = readback.structure(ind.u, best).sizes[name]
            for n in range(1, have):
                if deadline.expired():
                    return best
                s.push()
                s.add(ind.u.cardinality(name, n))
                if s.check(*assumptions) == z3.sat:
                    best = s.model()
                    pushed += 1
                    break
                s.pop()
    finally:
        for _ in range(pushed):
            s.pop()
    return best


def extract(
    ob: Obligation,
    ind: Induction,
    formulas: Sequence[Named],
    tr: Transition,
    model: z3.ModelRef,
) -> Cti:
    """Read a consecution model back and re-run its step on the interpreter."""
    u, decls = ind.u, ob.system.state
    st = readback.structure(u, model)
    pre = readback.state(u, st, ind.pre, decls)
    post = readback.state(u, st, tr.post, decls)
    args = tuple(
        readback.value(u, st, p.type, x) for p, x in zip(tr.action.params, tr.params, strict=True)
    )
    inst = instance(ob, st.sizes)
    steps = [(ai, t) for ai, t in inst.step(pre, tr.action.full_name, args) if t == post]
    if not steps or not all(inst.holds(f, pre) for _, f in formulas):
        raise InternalError(
            f"inductive: the parametric encoding and the interpreter disagree on "
            f"{tr.action.full_name}{args} at {st.sizes}"
        )
    ai = steps[0][0]
    violated = tuple(n for n, f in formulas if not inst.holds(f, post))
    return make_cti(inst, ob, pre, ai, post, violated)


def make_cti(
    inst: Instance,
    ob: Obligation,
    pre: State,
    ai: ActionInstance,
    post: State,
    violated: tuple[str, ...],
) -> Cti:
    trace = trace_of_run(inst, ob, [(None, pre), (ai, post)], "inductive")
    trace = dataclasses.replace(
        trace,
        summary=f"counterexample to induction: {ai.action} breaks {', '.join(violated)}",
        meta={**trace.meta, "cti": True, "violated": list(violated)},
    )
    return Cti(dict(inst.sizes.sizes), pre, ai, post, violated, trace)
