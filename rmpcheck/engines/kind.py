"""k-induction with simple-path constraints, on one finite instance.

For k = 0, 1, ..., opts.depth: the base case (bmc's unrolling) asks for a
bad state at depth k; then the induction step asks for a path u0 .. u_{k+1}
of pairwise distinct states, Q holding at u0 .. u_k and failing at u_{k+1}.
If the base finds no violation of Q up to k and the step is unsat, Q holds:
a shortest run to a violation is simple and Q holds before its end, so its
last k + 1 transitions would satisfy the step. Distinctness makes this
complete on a finite instance (k eventually exceeds the longest simple path).

Q is the claim P (for a cover, "not target") conjoined with the obligation's
lemmas: they are assumed at the step's pre-states and proved with P, so the
proof stands on its own even before the gate checks each lemma. When the base
case finds a lemma violated, the lemmas are dropped and Q is P alone. The
Result names the lemmas used (``stats["assumed_lemmas"]``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial

import z3

from rmpcheck import ir
from rmpcheck.engines.base import Deadline, Options, unknown
from rmpcheck.engines.bmc import Unrolling, decided, progress, unknown_reason
from rmpcheck.engines.limits import too_large
from rmpcheck.ir_text import ExprPrinter
from rmpcheck.monitor import Obligation
from rmpcheck.result import Certificate, Result
from rmpcheck.smt import solving
from rmpcheck.smt.system import Encoding, encoding
from rmpcheck.smt.vocab import Vocabulary

ENGINE = "kind"

Lemmas = tuple[tuple[str, ir.Expr], ...]


def claim(ob: Obligation, enc: Encoding, v: Vocabulary, lemmas: Lemmas = ()) -> z3.BoolRef:
    """Q at ``v``: the invariant (for a cover, that its target does not hold) and the lemmas."""
    hit = enc.holds(ob.target, v)
    p = z3.Not(hit) if ob.kind == "reach" else hit
    return z3.And(p, *(enc.holds(e, v) for _, e in lemmas))


def violates(ob: Obligation, enc: Encoding, lemmas: Lemmas, v: Vocabulary) -> z3.BoolRef:
    return z3.Not(claim(ob, enc, v, lemmas))


def distinct(a: Vocabulary, b: Vocabulary) -> z3.BoolRef:
    return z3.Or([x != y for x, y in zip(a.flat(), b.flat(), strict=True)])


class InductionStep:
    """The step query built incrementally: each :meth:`extend` makes the last
    state a pre-state (Q holds there) and appends a successor distinct from
    every state before it."""

    def __init__(self, ob: Obligation, enc: Encoding, lemmas: Lemmas, k: int = 0) -> None:
        self.ob, self.enc, self.lemmas = ob, enc, lemmas
        self.solver = solving.new_solver()
        self.states = [enc.vocab("u0")]
        self.solver.add(enc.state_ok(self.states[0]))
        for _ in range(k):
            self.extend()

    @property
    def k(self) -> int:
        return len(self.states) - 1

    def extension(self, states: list[Vocabulary]) -> list[z3.BoolRef]:
        """Constraints that grow ``states`` by one (appended to it)."""
        enc, last = self.enc, states[-1]
        nxt = enc.vocab(f"u{len(states)}")
        parts = [
            claim(self.ob, enc, last, self.lemmas),
            enc.trans(last, nxt, enc.labels(f"u{len(states) - 1}")).formula,
            *(distinct(u, nxt) for u in states),
        ]
        states.append(nxt)
        return parts

    def extend(self) -> None:
        self.solver.add(*self.extension(self.states))

    def query(self, deadline: Deadline) -> solving.Outcome:
        self.solver.push()
        try:
            self.solver.add(violates(self.ob, self.enc, self.lemmas, self.states[-1]))
            return solving.check(self.solver, deadline)
        finally:
            self.solver.pop()

    def recheck(self, deadline: Deadline) -> solving.Outcome:
        """The same step query, built anew on a fresh solver."""
        states = [self.enc.vocab("u0")]
        parts = [self.enc.state_ok(states[0])]
        while len(states) < len(self.states):
            parts += self.extension(states)
        fresh = solving.new_solver()
        fresh.add(*parts)
        fresh.add(violates(self.ob, self.enc, self.lemmas, states[-1]))
        return solving.check(fresh, deadline)


def certificate(ob: Obligation, k: int, lemmas: Sequence[tuple[str, ir.Expr]]) -> Certificate:
    from rmpcheck.engines.induction.past import readable

    printer = ExprPrinter(ob.model.enums)

    def show(e: ir.Expr) -> str:
        return printer.expr(readable(ob, e))

    text = show(ob.target)
    formulas = (f"!({text})" if ob.kind == "reach" else text, *(show(e) for _, e in lemmas))
    names = ", ".join(name for name, _ in lemmas)
    detail = f"{k}-inductive" + (f" together with the lemmas {names}" if names else "")
    return Certificate("k-induction", formulas, rechecked=True, detail=detail)


def check(ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Proved (instance) when the claim is k-inductive for some k <= opts.depth + 1."""
    deadline = Deadline(opts.timeout_s)
    big = too_large(ob, sizes)
    if big is not None:
        return unknown(ob, ENGINE, big, deadline)
    enc = encoding(ob.system, sizes)
    base = Unrolling(ob, enc)
    use = ob.lemmas if opts.extra.get("kind.lemmas", True) else ()
    step = InductionStep(ob, enc, use)
    dropped: list[str] = []
    for k in range(opts.depth + 1):
        progress(opts, f"{ENGINE}: base case at depth {k}")
        base.extend_to(k)
        out = base.probe(deadline)
        if out.status == "sat":
            return base.found(out, sizes, ENGINE, deadline)
        if out.status == "unsat" and step.lemmas:
            out = base.probe(deadline, partial(violates, ob, enc, step.lemmas))
            if out.status == "sat":
                # a lemma fails on a real run: it is no strengthening; go on without
                dropped = [name for name, _ in step.lemmas]
                step = InductionStep(ob, enc, (), step.k)
        if out.status == "unknown":
            reason = unknown_reason(out, deadline, f"in the base case at depth {k}")
            return unknown(ob, ENGINE, reason, deadline, k=k)
        progress(opts, f"{ENGINE}: induction step with k = {k + 1}")
        step.extend()
        out = step.query(deadline)
        if out.status == "unknown":
            reason = unknown_reason(out, deadline, f"in the induction step at k = {k + 1}")
            return unknown(ob, ENGINE, reason, deadline, k=k + 1)
        if out.status == "unsat":
            return proved(ob, sizes, step, deadline, dropped)
    reason = f"no violation up to depth {opts.depth}, and not k-inductive for k <= {opts.depth + 1}"
    return unknown(ob, ENGINE, reason, deadline, k=opts.depth + 1, dropped_lemmas=dropped)


def proved(
    ob: Obligation,
    sizes: Mapping[str, int],
    step: InductionStep,
    deadline: Deadline,
    dropped: list[str],
) -> Result:
    again = step.recheck(deadline)
    if again.status != "unsat":
        why = again.reason or "it was satisfiable"
        reason = f"certificate failed its re-check ({again.status}: {why})"
        return unknown(ob, ENGINE, reason, deadline, k=step.k)
    return decided(
        ob,
        sizes,
        ENGINE,
        deadline,
        certificate=certificate(ob, step.k, step.lemmas),
        k=step.k,
        assumed_lemmas=tuple(name for name, _ in step.lemmas),
        dropped_lemmas=tuple(dropped),
    )
