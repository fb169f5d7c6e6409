"""Bounded model checking: the shortest counterexample (or witness) up to a depth.

One incremental solver holds the unrolling init(s0) /\\ T(s0, s1) /\\ ... ;
each depth k adds one transition, then asks under push/pop whether s_k is
bad, so depths are tried 0, 1, 2, ... and the first hit is a shortest run.
Finding nothing up to k is "bounded-safe" with a depth scope, never "proved":
a violation may need k + 1 steps.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import z3

from rmpcheck.engines.base import (
    Deadline,
    Options,
    instance_scope,
    sizes_scope,
    unknown,
    verdict_for,
)
from rmpcheck.engines.limits import too_large
from rmpcheck.interp import Instance
from rmpcheck.monitor import Obligation
from rmpcheck.result import Certificate, Result, Scope
from rmpcheck.smt import solving
from rmpcheck.smt.decode import run_of
from rmpcheck.smt.solving import Outcome
from rmpcheck.smt.system import Encoding, Transition, encoding
from rmpcheck.smt.vocab import Labels, Vocabulary
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import build_trace

ENGINE = "bmc"


def finite_encoding(ob: Obligation, sizes: Mapping[str, int]) -> Encoding:
    """The bit-vector encoding of ``ob``'s system, wide enough for its claim and lemmas."""
    return encoding(ob.system, sizes, finite_for=(ob.target, *(e for _, e in ob.lemmas)))


def goal(ob: Obligation, enc: Encoding, v: Vocabulary) -> z3.BoolRef:
    """What the search looks for at ``v``: a violation (safety) or the cover (reach)."""
    hit = enc.holds(ob.target, v)
    return hit if ob.kind == "reach" else z3.Not(hit)


class Unrolling:
    """init(s0) /\\ T(s0, s1) /\\ ... /\\ T(s_{k-1}, s_k) on one incremental solver:
    bmc's search, k-induction's base case, and pdr's counterexample rebuild."""

    def __init__(self, ob: Obligation, enc: Encoding) -> None:
        self.ob, self.enc = ob, enc
        self.solver = solving.solver_for(enc.lay.width)
        self.states: list[Vocabulary] = [enc.vocab(0)]
        self.steps: list[Labels] = []
        self.solver.add(enc.init(self.states[0]))
        self._first: Transition | None = None  # T(s0, s1), which later steps rename

    @property
    def depth(self) -> int:
        return len(self.steps)

    def extend(self) -> None:
        k = self.depth
        lab = self.enc.labels(k)
        nxt = self.enc.vocab(k + 1)
        self.solver.add(self._trans(self.states[-1], nxt, lab))
        self.states.append(nxt)
        self.steps.append(lab)

    def _trans(self, v: Vocabulary, w: Vocabulary, lab: Labels) -> z3.BoolRef:
        """T(v, w, lab): the first step built, every later one that step renamed
        (z3.substitute, in C: the same term as built afresh, for a fraction of the
        Python; tests/engines/test_bmc.py compares them)."""
        if self._first is None:
            self._first = self.enc.trans(v, w, lab)
            return self._first.formula
        v0, w0, lab0 = self.states[0], self.states[1], self.steps[0]
        pairs = [*zip(v0.flat(), v.flat(), strict=True), *zip(w0.flat(), w.flat(), strict=True)]
        pairs += zip(lab0.constants(), lab.constants(), strict=True)
        named = {c.get_id() for c in lab0.constants()}
        # the hidden choices: constants named for the step's labels (smt/actions)
        pairs += [(c, _retagged(c, lab.tag)) for c in self._first.aux if c.get_id() not in named]
        return z3.substitute(self._first.formula, *pairs)

    def extend_to(self, depth: int) -> None:
        while self.depth < depth:
            self.extend()

    def probe(
        self, deadline: Deadline, bad: Callable[[Vocabulary], z3.BoolRef] | None = None
    ) -> Outcome:
        """Is the goal (or ``bad``) reachable in exactly ``depth`` steps?"""
        last = self.states[-1]
        target = goal(self.ob, self.enc, last) if bad is None else bad(last)
        self.solver.push()
        try:
            self.solver.add(target)
            out = solving.check(self.solver, deadline)
        finally:
            self.solver.pop()
        if bad is None and out.status == "unsat":
            # no bad state at this depth: saying so helps every deeper probe
            # (twice as fast on the race) and loses no shortest run
            self.solver.add(z3.Not(target))
        return out

    def found(
        self, out: Outcome, sizes: Mapping[str, int], engine: str, deadline: Deadline
    ) -> Result:
        """The refuted/covered Result of a sat probe, its run replayed on the interpreter."""
        assert out.model is not None
        states, actions = run_of(self.enc, out.model, self.states, self.steps)
        inst = Instance(self.ob.system, sizes)
        trace = build_trace(inst, self.ob, states, actions, engine)
        return decided(self.ob, sizes, engine, deadline, trace=trace, depth=self.depth)


def _retagged(c: z3.ExprRef, tag: str) -> z3.ExprRef:
    """The constant named as ``c`` but for step ``tag`` (``name@tag``)."""
    name = c.decl().name()
    return z3.Const(f"{name[: name.rindex('@')]}@{tag}", c.sort())


def decided(
    ob: Obligation,
    sizes: Mapping[str, int],
    engine: str,
    deadline: Deadline,
    trace: Trace | None = None,
    certificate: Certificate | None = None,
    **stats: Any,
) -> Result:
    """A decisive Result on the instance: refuted/covered with a trace, else
    proved/uncoverable with a certificate."""
    return Result(
        ob.model.name,
        ob.prop.name,
        ob.prop.kind,
        verdict_for(ob, violated=trace is not None),
        engine,
        scope=instance_scope(sizes),
        trace=trace,
        certificate=certificate,
        time_s=deadline.elapsed(),
        stats=stats,
    )


def unknown_reason(out: Outcome, deadline: Deadline, where: str) -> str:
    if out.reason == "timeout" and deadline.end is not None:
        return f"timeout after {deadline.end - deadline.start:g} s {where}"
    return f"z3 returned unknown {where}: {out.reason}"


def progress(opts: Options, message: str) -> None:
    if opts.progress is not None:
        opts.progress(message)


def check(ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Shortest counterexample/witness up to ``opts.depth``; otherwise bounded-safe."""
    deadline = Deadline(opts.timeout_s)
    big = too_large(ob, sizes)
    if big is not None:
        return unknown(ob, ENGINE, big, deadline)
    unroll = Unrolling(ob, finite_encoding(ob, sizes))
    for k in range(opts.depth + 1):
        unroll.extend_to(k)
        progress(opts, f"{ENGINE}: depth {k}")
        out = unroll.probe(deadline)
        if out.status == "sat":
            return unroll.found(out, sizes, ENGINE, deadline)
        if out.status == "unknown":
            reason = unknown_reason(out, deadline, f"at depth {k}")
            return unknown(ob, ENGINE, reason, deadline, depth=k)
    return Result(
        ob.model.name,
        ob.prop.name,
        ob.prop.kind,
        "bounded-safe",
        ENGINE,
        scope=Scope("depth", sizes_scope(sizes), opts.depth),
        time_s=deadline.elapsed(),
        stats={"depth": opts.depth},
    )
