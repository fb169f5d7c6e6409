"""Existential literals: clauses that say some elements exist.

``forall k. (exists n. owner[n, k]) || (exists n, v. transfer_msg[n, k, v])``
(a key has an owner or is in flight) is no clause of the templates: it has an
``exists`` under the ``forall``. Here the literals are the templates' (two
variables per sort) and *existential atoms* over the template variables:

- projections of a bool relation: some of its keys at variables, the others
  bound (``exists n. owner[n, k1]``, ``exists n. t[i1, n]``);
- the ``exists`` subformulas of the goals, their free variables renamed to
  variables of the templates: the claim ``response_received[n, p] -> exists
  r. request_sent[n, r] && match[r, p]`` offers ``exists r. request_sent[n1,
  r] && match[r, p1]``, which earlier steps must already promise
  (``response_sent[n1, p1] -> ...``).

A candidate is a clause with at least one existential atom unnegated (a
negated one is universal: the templates have those) and at most MAX_OTHERS
other literals, true on the sample, false on some noise state, and minimal.
Asked for only after the templates failed (engines/induction/infer). Each
clause Skolemises a function from its variables' sorts to the bound sorts; the
caller keeps only those that leave consecution as decidable as the goals alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.induction import candidates, sample
from rmpcheck.monitor import System

MAX_OTHERS = 2  # literals beside the existential one
MAX_KEYS = 3  # relations with more keys are not projected (too many ways to)
MAX_FOUND = 400  # candidates, at most


def _bound_names(model: ir.Model) -> dict[str, list[ir.BoundVar]]:
    """Per sort: names for bound variables, distinct from the template variables."""
    per = sample.VARS_PER_SORT
    out: dict[str, list[ir.BoundVar]] = {}
    for v in candidates.template_vars(model, per + MAX_KEYS):
        assert isinstance(v.type, ir.SortType)
        out.setdefault(v.type.name, []).append(v)
    return {k: vs[per:] for k, vs in out.items()}


def _projections(
    model: ir.Model, xs: Sequence[ir.BoundVar], bound: Mapping[str, list[ir.BoundVar]]
) -> Iterator[ir.Expr]:
    """``exists ys. r[...]`` for every bool relation of sort keys, every nonempty proper
    subset of its keys at variables (every choice of them), the other keys bound."""
    for d in model.state:
        if not isinstance(d.type, ir.MapType) or not isinstance(d.type.value, ir.BoolType):
            continue
        keys = d.type.keys
        if not 2 <= len(keys) <= MAX_KEYS or not all(isinstance(k, ir.SortType) for k in keys):
            continue
        for kept in itertools.product((False, True), repeat=len(keys)):
            if all(kept) or not any(kept):
                continue
            choices: list[list[ir.BoundVar]] = []
            used: dict[str, int] = {}
            for k, keep in zip(keys, kept, strict=True):
                assert isinstance(k, ir.SortType)
                if keep:
                    choices.append([x for x in xs if x.type == k])
                else:
                    choices.append([bound[k.name][used.get(k.name, 0)]])
                    used[k.name] = used.get(k.name, 0) + 1
            ys = tuple(c[0] for c, keep in zip(choices, kept, strict=True) if not keep)
            for args in itertools.product(*choices):
                yield ir.Quant("exists", ys, ir.Select(d.ref(), tuple(args)))


def _from_goals(
    goals: Sequence[ir.Expr], xs: Sequence[ir.BoundVar], bound: Mapping[str, list[ir.BoundVar]]
) -> Iterator[ir.Expr]:
    """The goals' ``exists`` subformulas over sort variables, at the template variables."""
    for g in goals:
        for q in ir.walk(g):
            if not (isinstance(q, ir.Quant) and q.kind == "exists"):
                continue
            if not all(isinstance(v.type, ir.SortType) for v in q.vars):
                continue
            free = sorted(ir.free_vars(q), key=lambda v: v.name)
            if not free or not all(isinstance(v.type, ir.SortType) for v in free):
                continue
            used: dict[str, int] = {}
            renamed: dict[ir.BoundVar, ir.Expr] = {}
            for v in q.vars:
                assert isinstance(v.type, ir.SortType)
                names = bound[v.type.name]
                if used.get(v.type.name, 0) >= len(names):
                    break
                renamed[v] = names[used.get(v.type.name, 0)]
                used[v.type.name] = used.get(v.type.name, 0) + 1
            else:
                ys = tuple(renamed[v] for v in q.vars)
                options = [[x for x in xs if x.type == v.type] for v in free]
                for args in itertools.product(*options):
                    env = {**renamed, **dict(zip(free, args, strict=True))}
                    body = ir.substitute(q.body, env)
                    yield ir.Quant("exists", ys, body)  # type: ignore[arg-type]


def existential_atoms(
    model: ir.Model, goals: Sequence[ir.Expr], xs: Sequence[ir.BoundVar]
) -> list[ir.Expr]:
    bound = _bound_names(model)
    out: list[ir.Expr] = []
    for a in itertools.chain(_projections(model, xs, bound), _from_goals(goals, xs, bound)):
        if a not in out:
            out.append(a)
    return out


def projected(
    system: System,
    goals: Sequence[ir.Expr],
    deadline: Deadline,
    sizes: Sequence[int] = sample.SAMPLE_SIZES,
    hint: Mapping[str, int] | None = None,
) -> list[candidates.Candidate]:
    """Minimal clauses with an unnegated existential atom and at most MAX_OTHERS other
    literals (none a negated existential atom), true on the sample, not on the noise."""
    model = system.model
    xs = candidates.template_vars(model)
    exists = existential_atoms(model, goals, xs)
    if not exists:
        return []
    atom_list = candidates.atoms(system, xs) + exists
    table = candidates.sampled_table(system, xs, atom_list, deadline, sizes, hint)
    if table is None:
        return []
    ex = {a for a in exists}
    heads = [j for j, (a, p) in enumerate(table.lits) if p and a in ex]
    others = [j for j, (a, p) in enumerate(table.lits) if a not in ex or p]
    found: list[tuple[int, ...]] = []
    for e in heads:
        miss = table.full & ~table.masks[e]
        if miss == 0:
            continue  # the atom alone holds on every sample: nothing to guard
        cover = candidates.Cover(
            [table.masks[j] if j in others else 0 for j in range(len(table.lits))], miss, deadline
        )
        for k in range(1, MAX_OTHERS + 1):
            for combo in cover.combos(k):
                c = tuple(sorted((e, *combo)))
                if _minimal(table, c) and table.telling(c):
                    found.append(c)
            if deadline.expired() or len(found) >= MAX_FOUND:
                break
    return candidates.closed(table.lits, found, xs, set(), miniscoped)


def miniscoped(lits: Sequence[tuple[ir.Expr, bool]]) -> ir.Expr:
    """The clause with each variable no unnegated existential atom reads quantified over
    the other literals alone: ``forall d. (exists r. sent[d, r]) -> (exists n. t[d, n])``
    rather than ``forall d, r. sent[d, r] -> (exists n. t[d, n])``. The same formula,
    but its ``exists n`` is Skolemised by a function of ``d`` only, not of ``r``: fewer
    edges in the sort graph, so more such clauses keep consecution in EPR."""
    heads = [a for a, p in lits if p and isinstance(a, ir.Quant) and a.kind == "exists"]
    rest = [(a, p) for a, p in lits if not (p and a in heads)]
    outer = set().union(*(ir.free_vars(a) for a in heads))
    inner = set().union(*(ir.free_vars(a) for a, _ in rest)) - outer
    if not inner:
        return candidates.clause_formula(lits)
    body: ir.Expr = heads[0]
    for h in heads[1:]:
        body = ir.BinOp("or", body, h, ir.BOOL)
    ws = tuple(sorted(inner, key=lambda v: v.name))
    guard = ir.Quant("exists", ws, ir.conj([a if not p else candidates.negate(a) for a, p in rest]))
    f = ir.BinOp("implies", guard, body, ir.BOOL)
    vs = tuple(sorted(outer, key=lambda v: v.name))
    return ir.Quant("forall", vs, f) if vs else f


def _minimal(table: candidates.Literals, combo: Sequence[int]) -> bool:
    return not any(
        table.holds(sub) for r in range(1, len(combo)) for sub in itertools.combinations(combo, r)
    )
