"""Inclusions between relations: ``A[x1, ..., xk] -> B[...]`` unless some keys are equal.

A relation read at distinct variables, one per key, implies (or excludes)
another relation read at some of those variables, except where up to
MAX_EXCEPTIONS pairs of them are equal. The learning switch needs two such
lemmas and the templates have neither: ``pending[ps, pd, s, d] && ps != s ->
table[ps, s, ps]`` (a packet in flight away from its source has taught the
switch it sits at the way back; four variables of one sort) and ``table[t, x,
y] && t != y && x != y -> table[t, y, t]`` (four literals over three).

Each written bool relation ``A`` of two to MAX_KEYS keys is read at fresh
variables, one per key, and every bool relation ``B`` at every choice of those
variables; one sample serves every ``A`` (their variables are the first of each
sort), with the equalities of the variables. A
candidate must hold on the sample, not on every noise state, and need every
literal: a clause without one of them that still holds on the sample says
more, and the templates or this family have it. Asked for only after every
other family failed (engines/induction/infer).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence

from rmpcheck import ir
from rmpcheck.engines import fixed_params
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.induction import candidates, sample
from rmpcheck.engines.induction.atoms import template_vars
from rmpcheck.monitor import System

MAX_KEYS = 4  # a relation with more keys is not read at fresh variables (too many valuations)
MAX_EXCEPTIONS = 2  # equalities of the variables that excuse the inclusion
MAX_ATOMS = 400  # in the one sample: a relation A whose reads would pass it is skipped
MAX_FOUND = 400  # candidates, at most


def _relations(model: ir.Model) -> list[ir.StateDecl]:
    return [
        d
        for d in model.state
        if isinstance(d.type, ir.MapType)
        and isinstance(d.type.value, ir.BoolType)
        and all(isinstance(k, ir.SortType) for k in d.type.keys)
    ]


def _fresh(model: ir.Model, keys: Sequence[ir.Type]) -> list[ir.BoundVar]:
    """One variable per key, distinct within each sort, in key order: the first of each
    sort first, so that relations share their variables and one sample serves them all."""
    pool: dict[ir.Type, list[ir.BoundVar]] = {}
    for v in template_vars(model, len(keys)):
        pool.setdefault(v.type, []).append(v)
    used: dict[ir.Type, int] = {}
    out = []
    for k in keys:
        out.append(pool[k][used.get(k, 0)])
        used[k] = used.get(k, 0) + 1
    return out


def _reads(rel: ir.StateDecl, xs: Sequence[ir.BoundVar]) -> list[ir.Expr]:
    """``rel`` read at every choice of ``xs`` of the right sorts."""
    assert isinstance(rel.type, ir.MapType)
    choices = [[x for x in xs if x.type == k] for k in rel.type.keys]
    return [ir.Select(rel.ref(), tuple(args)) for args in itertools.product(*choices)]


def _equalities(xs: Sequence[ir.BoundVar]) -> list[ir.Expr]:
    return [
        ir.BinOp("==", x, y, ir.BOOL) for x, y in itertools.combinations(xs, 2) if x.type == y.type
    ]


def inclusions(
    system: System,
    deadline: Deadline,
    sizes: Sequence[int] = sample.SAMPLE_SIZES,
    hint: Mapping[str, int] | None = None,
) -> list[candidates.Candidate]:
    """The inclusion clauses that hold on the sample (module docstring), at most MAX_FOUND.

    One sample for every relation ``A`` (its variables are the first of their sorts, so
    the valuations are the same), within a quarter of the templates' bits: four
    variables of a sort make many valuations per state, and a thinner sample only lets
    more clauses through to Houdini."""
    model = system.model
    relations = _relations(model)
    written = fixed_params.written(model)
    heads: list[tuple[ir.Expr, list[ir.BoundVar], list[ir.Expr]]] = []
    atom_list: dict[ir.Expr, None] = {}
    for a in sorted(relations, key=lambda d: len(_keys(d))):
        keys = _keys(a)
        if a.name not in written or not 2 <= len(keys) <= MAX_KEYS:
            continue
        xs = _fresh(model, keys)
        head: ir.Expr = ir.Select(a.ref(), tuple(xs))
        reads = [r for b in relations for r in _reads(b, xs) if r != head]
        more = [e for e in [head, *reads, *_equalities(xs)] if e not in atom_list]
        if len(atom_list) + len(more) > MAX_ATOMS:
            continue
        atom_list.update(dict.fromkeys(more))
        heads.append((head, xs, reads))
    if not heads:
        return []
    xs = sorted({x for _, vs, _ in heads for x in vs}, key=lambda v: (str(v.type), v.name))
    table = candidates.sampled_table(
        system, xs, list(atom_list), deadline, sizes, hint, bits=sample.MAX_SAMPLE_BITS // 4
    )
    if table is None:
        return []
    out: list[candidates.Candidate] = []
    for head, vs, reads in heads:
        out += _clauses(table, head, reads, _equalities(vs), deadline)
        if deadline.expired() or len(out) >= MAX_FOUND:
            break
    return out[:MAX_FOUND]


def _keys(d: ir.StateDecl) -> tuple[ir.Type, ...]:
    assert isinstance(d.type, ir.MapType)
    return tuple(d.type.keys)


def _clauses(
    table: candidates.Literals,
    head: ir.Expr,
    reads: Sequence[ir.Expr],
    eqs: Sequence[ir.Expr],
    deadline: Deadline,
) -> list[candidates.Candidate]:
    """``!head || (+/-)read || some equalities``: holding on the sample, needing every
    literal, and not valid (true on every noise state)."""
    full, nfull = table.full, table.noise_full

    def lit(atom: ir.Expr, positive: bool) -> int:
        return table.index[(atom, positive)]

    def holds(js: Sequence[int]) -> bool:
        m = 0
        for j in js:
            m |= table.masks[j]
        return m == full

    def valid(js: Sequence[int]) -> bool:
        if not table.noise:
            return False
        m = 0
        for j in js:
            m |= table.noise[j]
        return m == nfull

    not_head = lit(head, False)
    exceptions = [lit(e, True) for e in eqs]
    found: list[candidates.Candidate] = []
    for r in reads:
        if deadline.expired():
            break
        for positive in (True, False):
            key = (r, positive)
            if key not in table.index:
                continue
            body = table.index[key]
            minimal: list[frozenset[int]] = []
            for k in range(MAX_EXCEPTIONS + 1):
                for excuse in itertools.combinations(exceptions, k):
                    if any(m <= set(excuse) for m in minimal):
                        continue  # a smaller excuse already does
                    js = [not_head, body, *excuse]
                    if not holds(js) or valid(js):
                        continue
                    # every literal needed: without one, the rest must not hold
                    if any(holds(js[:i] + js[i + 1 :]) for i in range(len(js))):
                        continue
                    minimal.append(frozenset(excuse))
                    lits = tuple(table.lits[j] for j in js)
                    found.append(
                        candidates.Candidate(candidates.clause_formula(lits), len(js), lits)
                    )
    return found
