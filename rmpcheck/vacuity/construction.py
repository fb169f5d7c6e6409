"""Is a claim true "by construction", whatever the design's logic?

Two tests, each on the claim's instance, each for many claims at once:

*Step restatement.* The claim holds on every single step from every state,
reachable or not: an ``always`` claim at a step whose pre-state (monitors
included) is arbitrary; an invariant initially, and after a step from an
arbitrary pre-state (without assuming it there). One SMT query per action on
the ground encoding (rmpcheck.smt), all claims' monitors in one transition
relation. Such a claim restates what the actions write: no run is needed.

*Guard-free relaxation.* The claim still holds in :func:`relax` of the model,
where every ``require``, ``where`` and ``if`` condition is a free choice. bmc
on the relaxation (all claims in one unrolling, one query per depth for all
claims left) refutes most claims within a few steps; a survivor that every
step preserves is proved at once (one transition relation for all), the
rest go to k-induction with a small bound, then to pdr. What none of them
decides is unknown.

Both are sound as stated at the instance: "proved" means the test holds
there (for all sizes is not claimed). They say nothing about whether the
claim is useful, only that its proof does not depend on the guards, or on
reachability, of the design.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

import z3

from rmpcheck import ir
from rmpcheck.engines import kind, pdr
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.bmc import Unrolling, unknown_reason
from rmpcheck.monitor import Obligation, compile_obligation, compile_together, context_of
from rmpcheck.result import Verdict
from rmpcheck.smt import solving
from rmpcheck.smt.system import Encoding, encoding
from rmpcheck.smt.vocab import Vocabulary
from rmpcheck.vacuity.relax import relax

# k-induction's bound on the relaxation: the survivors of bmc are mostly
# claims about variables nothing writes, inductive at once; pdr gets the rest
INDUCTION_DEPTH = 2


@dataclass(frozen=True, slots=True)
class Test:
    verdict: Verdict  # proved (the test holds: by construction), refuted, or unknown
    reason: str = ""


def step_restatement(
    model: ir.Model,
    props: ir.PropertySet,
    claims: Sequence[ir.Property],
    sizes: Mapping[str, int],
    deadline: Deadline,
) -> list[Test]:
    """Does each claim hold on every step from an arbitrary state (and, for an
    invariant, initially)? ``props`` gives the assumptions."""
    system, targets = compile_together(model, props, [(p, context_of(p)) for p in claims])
    enc = encoding(system, sizes)
    v, w, lab = enc.vocab("pre"), enc.vocab("post"), enc.labels("step")
    steps = solving.new_solver()
    steps.add(enc.state_ok(v), enc.trans(v, w, lab).formula)
    start = solving.new_solver()
    start.add(enc.init(v))
    out = []
    for p, target in zip(claims, targets, strict=True):
        queries: list[tuple[z3.Solver, list[z3.BoolRef]]] = []
        if context_of(p) == "state":
            queries.append((start, [z3.Not(enc.holds(target, v))]))
        bad = z3.Not(enc.holds(target, w))
        queries += [(steps, [bad, lab.selector == i]) for i in range(len(model.actions))]
        out.append(_all_unsat(queries, deadline))
    return out


def _all_unsat(queries: list[tuple[z3.Solver, list[z3.BoolRef]]], deadline: Deadline) -> Test:
    undecided = ""
    for solver, extra in queries:
        solver.push()
        solver.add(*extra)
        try:
            got = solving.check(solver, deadline)
        finally:
            solver.pop()
        if got.status == "sat":
            return Test("refuted")
        if got.status == "unknown":
            undecided = unknown_reason(got, deadline, "in the step restatement test")
    return Test("unknown", undecided) if undecided else Test("proved")


def guard_free(
    model: ir.Model,
    claims: Sequence[tuple[ir.PropertySet, ir.Property]],
    sizes: Mapping[str, int],
    depth: int,
    deadline: Deadline,
) -> list[Test]:
    """Does each claim hold in the guard-free relaxation? The claims share one
    set of assumptions (the first set's is used for the shared encoding)."""
    loose = relax(model)
    props = claims[0][0]
    system, targets = compile_together(loose, props, [(p, context_of(p)) for _, p in claims])
    enc = encoding(system, sizes)
    probe = Obligation(system, claims[0][1], "safety", ir.BoolLit(True))
    out = _refute(Unrolling(probe, enc), targets, depth, deadline)
    out.update(_inductive(enc, targets, [i for i in range(len(claims)) if i not in out], deadline))
    for i, (ps, p) in enumerate(claims):
        if i not in out:
            ob = compile_obligation(loose, ps, p.name, use_lemmas=False)
            out[i] = _prove(ob, sizes, deadline)
    return [out[i] for i in range(len(claims))]


def _refute(
    unroll: Unrolling, targets: Sequence[ir.Expr], depth: int, deadline: Deadline
) -> dict[int, Test]:
    """bmc for every claim at once: at each depth one query asks whether any claim
    still standing fails there; the model of a "sat" refutes every claim it violates."""
    enc = unroll.enc
    out: dict[int, Test] = {}
    for k in range(depth + 1):
        unroll.extend_to(k)
        last = unroll.states[-1]
        bad = {i: z3.Not(enc.holds(t, last)) for i, t in enumerate(targets) if i not in out}
        while bad:
            got = unroll.probe(deadline, bad=partial(_any, list(bad.values())))
            if got.status == "unsat":
                break
            if got.status == "unknown" or got.model is None:
                why = unknown_reason(got, deadline, f"at depth {k} of the relaxation")
                return out | {i: Test("unknown", why) for i in bad}
            for i, b in list(bad.items()):
                if z3.is_true(got.model.eval(b, model_completion=True)):
                    out[i] = Test("refuted")
                    del bad[i]
    return out


def _any(bad: list[z3.BoolRef], _: Vocabulary) -> z3.BoolRef:
    return z3.Or(bad)


def _inductive(
    enc: Encoding, targets: Sequence[ir.Expr], which: Sequence[int], deadline: Deadline
) -> dict[int, Test]:
    """Claims that bmc did not refute (so they hold initially) and that every step
    preserves, from any state where they hold: proved (the survivors of bmc are mostly
    claims about variables nothing writes). The others are left to :func:`_prove`."""
    if not which:
        return {}
    v, w = enc.vocab("pre"), enc.vocab("post")
    solver = solving.new_solver()
    solver.add(enc.state_ok(v), enc.trans(v, w, enc.labels("step")).formula)
    out = {}
    for i in which:
        solver.push()
        solver.add(enc.holds(targets[i], v), z3.Not(enc.holds(targets[i], w)))
        try:
            if solving.check(solver, deadline).status == "unsat":
                out[i] = Test("proved")
        finally:
            solver.pop()
    return out


def _prove(ob: Obligation, sizes: Mapping[str, int], deadline: Deadline) -> Test:
    """k-induction with a small bound, then pdr: proved, refuted, or unknown with why."""
    reasons = []
    for engine, depth in ((kind, INDUCTION_DEPTH), (pdr, 0)):
        if deadline.expired():
            reasons.append("timeout")
            break
        r = engine.check(ob, sizes, Options(depth=depth, timeout_s=deadline.remaining()))
        if r.verdict in ("proved", "refuted"):
            return Test(r.verdict)
        reasons.append(f"{engine.ENGINE}: {r.describe()}")
    return Test("unknown", "; ".join(reasons))
