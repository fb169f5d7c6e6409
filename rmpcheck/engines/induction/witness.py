"""Forall-exists candidate lemmas read off the actions: "a flag set under a guard
that names other parameters was set because some such parameters existed".

``learner.decide(v, q)`` sets ``decided[v] := true`` under ``require forall n.
member[n, q] -> vote[n, v]``; ``q`` is not an index of ``decided``, so the
flag can only remember that *some* quorum voted for ``v``: the candidate is
``forall v. decided[v] -> exists q. forall n. member[n, q] -> vote[n, v]``.
No clause template reaches it (it has an ``exists``), and the voting proof
needs exactly it. The guard must still hold later for the lemma to be true
(votes are never withdrawn): the sample and Houdini decide that, as for every
other candidate.

Such a lemma Skolemises a function from the flag's index sorts to the
witness sorts; the caller keeps only candidates that leave consecution in
EPR (smt/epr/fragment), so inference never trades a decidable query for one
Z3 may give up on.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from rmpcheck import ir
from rmpcheck.interp import Instance
from rmpcheck.interp.codegen import Compiler


def proposals(model: ir.Model) -> list[ir.Expr]:
    """One closed candidate per (action, bool flag it sets to true at its parameters)
    whose top-level ``require``s mention parameters the flag's index does not."""
    out: list[ir.Expr] = []
    for act in model.actions:
        for f in _from_action(act):
            if f not in out:
                out.append(f)
    return out


def _from_action(act: ir.Action) -> Iterator[ir.Expr]:
    params = set(act.params)
    writes = [st for st in ir.walk_stmts(act.body) if isinstance(st, ir.Assign)]
    written = {st.target.name for st in writes}
    # guard conjuncts over state the action leaves alone: one it writes (``!assigned[p]``
    # before ``assigned[p] := true``) says nothing about the state after
    guard = [
        c
        for st in act.body
        if isinstance(st, ir.Require)
        for c in conjuncts(st.cond)
        if ir.free_vars(c) <= params
        and not any(isinstance(x, ir.StateVar) and x.name in written for x in ir.walk(c))
    ]
    once = [st.target.name for st in writes]
    # the flags the step surely sets at its parameters: top-level writes of true, the
    # only write to their variable in the action
    flags = [
        st
        for st in act.body
        if isinstance(st, ir.Assign)
        and st.value == ir.BoolLit(True)
        and once.count(st.target.name) == 1
        and all(isinstance(k, ir.BoundVar) and k in params for k in st.indices)
        and len(set(st.indices)) == len(st.indices)
    ]
    for st in ir.walk_stmts(act.body):
        if not isinstance(st, ir.Assign) or st.value != ir.BoolLit(True):
            continue
        keys = st.indices
        if not all(isinstance(k, ir.BoundVar) and k in params for k in keys):
            continue
        if len(set(keys)) < len(keys):
            continue  # m[a, a] := true says nothing about m[a, b]
        index = frozenset(k for k in keys if isinstance(k, ir.BoundVar))
        head = _read(st)
        # the guard's witness; then the same with what the step itself set at it (the
        # firewall admits ``d`` after an inside node sent to it: ``allowed_in[d] ->
        # exists i. internal[i] && sent[i, d]``), for flags set together with this one
        effects = [_read(f) for f in flags if f is not st] if st in flags else []
        for conds in (guard + effects, guard) if effects else (guard,):
            body = _one_point([c for c in conds if ir.free_vars(c) - index], index)
            others = tuple(sorted(ir.free_vars(ir.conj(body)) - index, key=lambda v: v.name))
            if not others:
                continue  # a plain clause: the clause templates cover those
            ex = ir.Quant("exists", others, ir.conj(body))
            f: ir.Expr = ir.BinOp("implies", head, ex, ir.BOOL)
            vs = tuple(sorted(index, key=lambda v: v.name))
            yield ir.Quant("forall", vs, f) if vs else f


def miniscoped(f: ir.Expr) -> ir.Expr | None:
    """``forall vs. flag -> exists ws. body`` with the ``exists`` moved out past the
    variables of ``vs`` that ``body`` does not read (None for a formula not of that
    shape, or whose body reads them all).

    ``forall r, v. exists q. forall n. decision[n, r, v] -> quorum q voted v in r``
    says the same as ``forall n, r, v. decision[n, r, v] -> exists q. ...``, but
    Skolemises a quorum per round and value, not per node, round and value: no edge
    from nodes to quorums, which with the quorum axiom's edge back would be a cycle,
    outside EPR. Asked for only where the witness itself closes such a cycle: the
    two forms send Houdini's queries different ways, and where both are decidable the
    plain one is what earlier proofs were found with."""
    got = _flag_witness(f)
    if got is None:
        return None
    f, imp, ex = got
    read = ir.free_vars(ex.body)
    outer = tuple(v for v in f.vars if v in read)
    inner = tuple(v for v in f.vars if v not in read)
    if not inner:
        return None
    body: ir.Expr = ir.Quant(
        "exists",
        ex.vars,
        ir.Quant("forall", inner, ir.BinOp("implies", imp.left, ex.body, ir.BOOL)),
    )
    return ir.Quant("forall", outer, body) if outer else body


def hoisted(f: ir.Expr) -> ir.Expr | None:
    """``forall v. flag[v] -> exists q. g(v, q)`` as ``exists q. forall v. flag[v] ->
    g(v, q)``: one witness for every index (None for a formula not of that shape).

    Stronger than the witness it comes from, and true when the flag holds at one index
    at a time (consensus: at most one leader, so one quorum voted for every leader);
    its ``exists`` is outermost, so it Skolemises a constant, not a function from the
    flag's index, and adds no edge to the sort graph: asked for when the witness itself
    would close a cycle of sorts (a quorum per node, a node per two quorums)."""
    got = _flag_witness(f)
    if got is None:
        return None
    f, imp, ex = got
    inner = ir.Quant("forall", f.vars, ir.BinOp("implies", imp.left, ex.body, ir.BOOL))
    return ir.Quant("exists", ex.vars, inner)


def _flag_witness(f: ir.Expr) -> tuple[ir.Quant, ir.BinOp, ir.Quant] | None:
    """A witness's parts, ``forall vs. flag -> exists ws. body``: the forall, the
    implication and the exists (None for a formula not of that shape)."""
    if not (isinstance(f, ir.Quant) and f.kind == "forall"):
        return None
    imp = f.body
    if not (isinstance(imp, ir.BinOp) and imp.op == "implies"):
        return None
    ex = imp.right
    if not (isinstance(ex, ir.Quant) and ex.kind == "exists"):
        return None
    return f, imp, ex


def _read(st: ir.Assign) -> ir.Expr:
    return ir.Select(st.target, st.indices) if st.indices else st.target


def conjuncts(e: ir.Expr) -> list[ir.Expr]:
    """The top-level conjuncts of a guard (``a && (b && c)``: a, b, c)."""
    if isinstance(e, ir.BinOp) and e.op == "and":
        return conjuncts(e.left) + conjuncts(e.right)
    return [e]


def _one_point(conds: list[ir.Expr], index: frozenset[ir.BoundVar]) -> list[ir.Expr]:
    """``exists p. p == npt[g] && c(p)`` is ``c(npt[g])``: substitute every witness a
    conjunct pins to a term over other variables (fewer quantifier alternations)."""
    conds = list(conds)
    while True:
        for i, c in enumerate(conds):
            pin = _pinned(c, index)
            if pin is not None:
                v, t = pin
                conds = [ir.substitute(d, {v: t}) for j, d in enumerate(conds) if j != i]
                break
        else:
            return conds


def _pinned(c: ir.Expr, index: frozenset[ir.BoundVar]) -> tuple[ir.BoundVar, ir.Expr] | None:
    if not (isinstance(c, ir.BinOp) and c.op == "=="):
        return None
    for v, t in ((c.left, c.right), (c.right, c.left)):
        if isinstance(v, ir.BoundVar) and v not in index and v not in ir.free_vars(t):
            return v, t
    return None


def plausible(
    system_samples: Sequence[tuple[Instance, Sequence[tuple]]],
    noise: Sequence[tuple[Instance, Sequence[tuple]]],
    formulas: Sequence[ir.Expr],
) -> list[ir.Expr]:
    """The closed ``formulas`` true on every sampled state and false on some noise state
    (one true on all of those follows from the assumptions alone)."""

    def on_all(f: ir.Expr, groups: Sequence[tuple[Instance, Sequence[tuple]]]) -> bool:
        for inst, states in groups:
            fn = Compiler(inst.system, inst.sizes).function(f, [])
            if not all(fn(s) for s in states):
                return False
        return True

    return [
        f
        for f in formulas
        if system_samples and on_all(f, system_samples) and not (noise and on_all(f, noise))
    ]
