"""PDR/IC3 with Z3 Spacer on a CHC encoding of one finite instance.

    Inv(v) <- init(v)            Inv(w) <- Inv(v) /\\ T(v, w, L)
    query: Inv(v) /\\ bad(v)      (bad: not target for safety, target for a cover)

"unsat" means no bad state is reachable. Spacer's invariant for Inv is then
not trusted: it is read back in model vocabulary, and a fresh ordinary solver
re-checks initiation, consecution and safety of (Inv /\\ state_ok) before the
verdict is "proved" (or "uncoverable"); a failed re-check is "unknown".
"sat" means a bad state is reachable: the number of transition rules in
Spacer's derivation gives the depth, and bmc rebuilds (and the interpreter
replays) the counterexample there; Spacer's own trace is not used.
"""

from __future__ import annotations

from collections.abc import Mapping

import z3

from rmpcheck.engines.base import Deadline, Options, unknown
from rmpcheck.engines.bmc import Unrolling, decided, goal, progress, unknown_reason
from rmpcheck.engines.limits import too_large
from rmpcheck.monitor import Obligation
from rmpcheck.result import Certificate, Result
from rmpcheck.smt import solving
from rmpcheck.smt.readable import show_conjuncts
from rmpcheck.smt.system import Encoding, encoding
from rmpcheck.smt.vocab import Vocabulary, shown_locations

ENGINE = "pdr"
# only the transition rule has this name: counting it along a derivation gives the depth
_STEP_RULE = "step"


class Chc:
    """The CHC system of an obligation, and its Spacer context."""

    def __init__(self, ob: Obligation, enc: Encoding, deadline: Deadline, seed: int) -> None:
        self.ob, self.enc = ob, enc
        self.error = ""
        self.pre, self.post = enc.vocab("pre"), enc.vocab("post")
        pre_vars = self.pre.flat()
        sorts = [c.sort() for c in pre_vars]
        self.inv = z3.Function("Inv", *sorts, z3.BoolSort())
        fp = self.fp = z3.Fixedpoint()
        fp.set(engine="spacer")
        fp.set("spacer.random_seed", seed)
        # equality propagation costs more than it saves on these ground encodings:
        # off, the known-answer models and the race run ~17% faster (bench_symbolic.py)
        fp.set("spacer.eq_prop", False)
        ms = deadline.z3_ms()
        if ms is not None:
            fp.set(timeout=ms)
        fp.register_relation(self.inv)
        tr = enc.trans(self.pre, self.post, enc.labels("step"))
        fp.declare_var(*pre_vars, *self.post.flat(), *tr.aux)
        fp.rule(self.inv(*pre_vars), enc.init(self.pre), name="init")
        fp.rule(self.inv(*self.post.flat()), [self.inv(*pre_vars), tr.formula], name=_STEP_RULE)

    def query(self) -> z3.CheckSatResult:
        bad = goal(self.ob, self.enc, self.pre)
        try:
            return self.fp.query(z3.And(self.inv(*self.pre.flat()), bad))
        except z3.Z3Exception as e:
            # Spacer reports a timeout by raising "canceled"
            self.error = e.value.decode() if isinstance(e.value, bytes) else str(e.value)
            return z3.unknown

    def reason_unknown(self) -> str:
        why = self.error or self.fp.reason_unknown() or "Spacer gave no reason"
        return "timeout" if why in ("timeout", "canceled") else why

    def depth(self) -> int:
        return sum(1 for r in self.fp.get_rule_names_along_trace() if r == _STEP_RULE)


def invariant(chc: Chc, deadline: Deadline | None = None) -> z3.ExprRef:
    """Spacer's inductive invariant for Inv, quantifier-free, over ``Var(i)`` = the i-th location.

    The answer defines ``forall xs. Inv(xs) == body``; the lemmas at level
    infinity (get_cover_delta) miss whatever Spacer's preprocessing settled
    without lemmas, so they are only the fallback. A body that still holds
    quantifiers (inlined rules leave ``exists`` over a step's labels) has them
    eliminated, which is exact on these bounded integers. The re-check
    catches anything misread here."""
    body = _answer(chc)
    if body is not None:
        qf = _quantifier_free(chc.enc, body, deadline)
        if qf is not None:
            return qf
    return chc.fp.get_cover_delta(-1, chc.inv)


def _answer(chc: Chc) -> z3.ExprRef | None:
    ans = chc.fp.get_answer()
    for part in ans.children() if z3.is_and(ans) else [ans]:
        body = part.body() if z3.is_quantifier(part) else part
        if not (z3.is_eq(body) and body.arg(0).decl().eq(chc.inv)):
            continue
        args = body.arg(0).children()
        if not all(z3.is_var(a) for a in args):
            continue
        n = part.num_vars() if z3.is_quantifier(part) else 0
        subs: list[z3.ExprRef] = [z3.BoolVal(True)] * n
        for i, a in enumerate(args):
            subs[z3.get_var_index(a)] = z3.Var(i, a.sort())
        return z3.substitute_vars(body.arg(1), *subs) if n else body.arg(1)
    return None


def _quantified(t: z3.ExprRef, seen: set[int] | None = None) -> bool:
    seen = set() if seen is None else seen
    if t.get_id() in seen:
        return False
    seen.add(t.get_id())
    return z3.is_quantifier(t) or any(_quantified(c, seen) for c in t.children())


# Quantifier elimination can run away on some answers (seen on random models):
# it gets a slice of the time left, and the cover-delta fallback the rest.
QE_MAX_S = 5.0


def _quantifier_free(
    enc: Encoding, inv: z3.ExprRef, deadline: Deadline | None = None
) -> z3.ExprRef | None:
    if not _quantified(inv):
        return inv
    consts = enc.vocab("qe").flat()
    left = None if deadline is None else deadline.remaining()
    budget = QE_MAX_S if left is None else min(QE_MAX_S, left / 2)
    try:
        qe = z3.TryFor(z3.Tactic("qe"), max(1, int(budget * 1000)))
        goals = qe(z3.substitute_vars(inv, *consts))
    except z3.Z3Exception:  # includes running out of the budget
        return None
    out = z3.And([g.as_expr() for g in goals])
    if _quantified(out):
        return None
    return z3.substitute(out, *((c, z3.Var(i, c.sort())) for i, c in enumerate(consts)))


def recheck(
    enc: Encoding, ob: Obligation, inv: z3.ExprRef, deadline: Deadline
) -> tuple[str, solving.Outcome] | None:
    """Initiation, consecution and safety of ``inv`` on fresh solvers; the first
    failing check (name, outcome), or None when all three hold."""
    v, w = enc.vocab("cert"), enc.vocab("cert'")

    def at(x: Vocabulary) -> z3.BoolRef:
        j = z3.substitute_vars(inv, *x.flat())
        assert isinstance(j, z3.BoolRef)
        return z3.And(j, enc.state_ok(x))

    tr = enc.trans(v, w, enc.labels("cert"))
    good = z3.Not(goal(ob, enc, v))
    checks = [
        ("initiation", at(v), [enc.init(v)]),
        ("consecution", at(w), [at(v), tr.formula]),
        ("safety", good, [at(v)]),
    ]
    for name, claim, hyps in checks:
        out = solving.valid(claim, *hyps, deadline=deadline)
        if out.status != "unsat":
            return name, out
    return None


def readable(enc: Encoding, inv: z3.ExprRef) -> tuple[str, ...]:
    """The invariant's conjuncts in model vocabulary."""
    shown = enc.vocab("shown")
    locs = shown_locations(enc.lay, shown)
    body = z3.simplify(z3.substitute_vars(inv, *shown.flat()))
    assert isinstance(body, z3.BoolRef)
    return show_conjuncts(body, locs, enc.sizes, enc.lay.system.model.enums)


def check(ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Proved/uncoverable with a re-checked inductive invariant, or a bmc-rebuilt trace."""
    deadline = Deadline(opts.timeout_s)
    big = too_large(ob, sizes)
    if big is not None:
        return unknown(ob, ENGINE, big, deadline)
    enc = encoding(ob.system, sizes)
    progress(opts, f"{ENGINE}: running Spacer")
    chc = Chc(ob, enc, deadline, opts.seed)
    r = chc.query()
    if r == z3.unsat:
        progress(opts, f"{ENGINE}: re-checking the invariant")
        return proved(ob, sizes, enc, invariant(chc, deadline), deadline)
    if r == z3.sat:
        return rebuild(ob, sizes, enc, chc.depth(), opts, deadline)
    why = "timeout" if deadline.expired() else chc.reason_unknown()
    reason = unknown_reason(solving.Outcome("unknown", why), deadline, "in Spacer")
    return unknown(ob, ENGINE, reason, deadline)


def proved(
    ob: Obligation, sizes: Mapping[str, int], enc: Encoding, inv: z3.ExprRef, deadline: Deadline
) -> Result:
    failed = recheck(enc, ob, inv, deadline)
    if failed is not None:
        name, out = failed
        what = "it does not hold" if out.status == "sat" else out.reason
        reason = f"certificate failed its re-check ({name}: {what})"
        return unknown(ob, ENGINE, reason, deadline)
    cert = Certificate("inductive-invariant", readable(enc, inv), rechecked=True)
    return decided(ob, sizes, ENGINE, deadline, certificate=cert, invariant_size=len(cert.formulas))


def rebuild(
    ob: Obligation,
    sizes: Mapping[str, int],
    enc: Encoding,
    depth: int,
    opts: Options,
    deadline: Deadline,
) -> Result:
    """bmc at Spacer's depth; if that misses, the shortest run (Spacer's depth is a hint)."""
    progress(opts, f"{ENGINE}: rebuilding the trace with bmc at depth {depth}")
    unroll = Unrolling(ob, enc)
    unroll.extend_to(depth)
    out = unroll.probe(deadline)
    if out.status == "sat":
        return unroll.found(out, sizes, ENGINE, deadline)
    bound = max(depth, opts.depth)
    unroll = Unrolling(ob, enc)
    for k in range(bound + 1):
        unroll.extend_to(k)
        out = unroll.probe(deadline)
        if out.status == "sat":
            return unroll.found(out, sizes, ENGINE, deadline)
        if out.status == "unknown":
            reason = unknown_reason(out, deadline, "while bmc rebuilt the counterexample")
            return unknown(ob, ENGINE, reason, deadline, depth=depth)
    reason = f"Spacer reported a reachable bad state, but bmc found none up to depth {bound}"
    return unknown(ob, ENGINE, reason, deadline, depth=depth)
