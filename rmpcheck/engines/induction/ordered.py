"""Lemmas about two rounds at once, and the sample they need.

Protocols that number their rounds (epochs, ballots, tickets) keep them in a
never-written relation that the assumptions make a total order (``le : Epoch,
Epoch -> bool``). Two things then stop the templates:

- **The sample is thin.** Explicit search enumerates a never-written relation's
  values as fixed parameters (engines/fixed_params): 2^25 values of an order
  on five epochs, too many, so sampling stops at four, where the IronFleet lock
  has 23 reachable states and 1,220 clauses of three literals hold on them.
  But every total order is a renaming of the canonical one (the elements by
  number), so pinned to it (fixed_params.Order) the search still sees every
  orbit, and larger instances come in reach: 76 states at five epochs, 367 at
  six epochs and three nodes, and the clauses that hold there are invariants.
- **The lemmas are long.** Of two transfer messages, the older one is stale:
  ``le[e1, e2] && e1 != e2 && transfer[e1, n1] && transfer[e2, n2] -> le[e1,
  ep[n1]]``, five literals. Here the guard, "``x1`` strictly below ``x2``"
  (``!le[x1, x2] || x1 == x2``, or ``!lt[x1, x2]`` for a strict order), is fixed
  and only the rest is searched: minimal covers, by two or three other literals,
  of the sampled valuations where the guard is false; each of them speaks of
  one of the two rounds, and together of both.

Asked for on demand (engines/induction/infer): after Houdini over the clauses of
two literals and the CTI-guided search failed, and before the three-literal
clauses, which its own pool holds over the better sample (the thin sample's
pool holds hundreds of clauses this one refutes). Only where the assumptions
make some relation a total order (Z3 decides, not the relation's name), and
only if some guarded clause holds on the sample; with part of the time left.
As for every candidate, Houdini and the engine's fresh re-check decide what is
proved.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import z3

from rmpcheck import ir
from rmpcheck.engines import fixed_params
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.fixed_params import Order
from rmpcheck.engines.induction import candidates, sample
from rmpcheck.engines.induction.candidates import Candidate, Cover, Literals
from rmpcheck.monitor import System
from rmpcheck.smt.epr.expr import Reading, encode
from rmpcheck.smt.epr.induction import ask, new_solver
from rmpcheck.smt.epr.universe import Universe
from rmpcheck.smt.epr.vocab import free_vocab, range_axioms

ORDER_MS = 2_000  # the query that the assumptions make a relation a total order
MAX_REST = 3  # literals besides the guard
MAX_GUARDED = 600  # guarded clauses at most, the shortest first
# An order's sort gets this many elements more than the instance sampled first (the
# user's, or every sort at the largest of sample.SAMPLE_SIZES), the other sorts one
# more: rounds between and after two others, where stale messages show. What is kept
# is bounded by SAMPLE_BITS.
MORE_ROUNDS = 2
# The sample's (state, valuation) bits: enumerating clauses costs in proportion, and with
# the order pinned a few thousand already tell (the IronFleet lock: 7,600 bits at five
# epochs and two nodes keep only invariants), so a quarter of the templates' budget
SAMPLE_BITS = sample.MAX_SAMPLE_BITS // 4


def total_orders(system: System) -> list[Order]:
    """The never-written relations ``r : S, S -> bool`` that every state the assumptions
    allow orders totally (reflexive or strict), at most one per sort: a second order on
    a sort is no renaming of the first, so it cannot be pinned too."""
    model = system.model
    written = fixed_params.written(model)
    found = [
        (i, d) for i, d in enumerate(model.state) if d.name not in written and _relation(d.type)
    ]
    if not found:
        return []
    # a Z3 context of its own: terms made here do not change how the engine's solver
    # goes about its queries (they are sensitive to the order terms are made in)
    u = Universe(model)
    pre = free_vocab(u, system.state, "")
    here = Reading(pre)
    assumed = range_axioms(u, system.state, pre)
    assumed += [encode(u, a, here) for a in system.state_assumes]
    out: list[Order] = []
    taken: set[ir.ScalarType] = set()
    for i, d in found:
        assert isinstance(d.type, ir.MapType)
        if d.type.keys[0] in taken:
            continue
        for strict in (False, True):
            axioms = [encode(u, a, here) for a in order_axioms(d, strict)]
            if _forced(u, assumed, axioms):
                out.append(Order(i, strict))
                taken.add(d.type.keys[0])
                break
    return out


def _relation(t: ir.Type) -> bool:
    return (
        isinstance(t, ir.MapType)
        and isinstance(t.value, ir.BoolType)
        and len(t.keys) == 2
        and isinstance(t.keys[0], ir.SortType)
        and t.keys[0] == t.keys[1]
    )


def order_axioms(d: ir.StateDecl, strict: bool) -> list[ir.Expr]:
    """That ``d`` is a total order: reflexive (irreflexive when ``strict``), transitive,
    antisymmetric and total (any two distinct elements related)."""
    assert isinstance(d.type, ir.MapType) and isinstance(d.type.keys[0], ir.SortType)
    s = d.type.keys[0]
    x, y, z = (ir.BoundVar(n, s) for n in ("x", "y", "z"))

    def r(a: ir.Expr, b: ir.Expr) -> ir.Expr:
        return ir.Select(d.ref(), (a, b))

    def forall(vs: tuple[ir.BoundVar, ...], body: ir.Expr) -> ir.Expr:
        return ir.Quant("forall", vs, body)

    def implies(a: ir.Expr, b: ir.Expr) -> ir.Expr:
        return ir.BinOp("implies", a, b, ir.BOOL)

    def either(*parts: ir.Expr) -> ir.Expr:
        out = parts[0]
        for p in parts[1:]:
            out = ir.BinOp("or", out, p, ir.BOOL)
        return out

    same = ir.BinOp("==", x, y, ir.BOOL)
    out = [
        forall((x,), ir.Not(r(x, x)) if strict else r(x, x)),
        forall((x, y, z), implies(ir.conj([r(x, y), r(y, z)]), r(x, z))),
        forall((x, y), either(same, r(x, y), r(y, x))),
    ]
    if not strict:  # irreflexive and transitive is already asymmetric
        out.append(forall((x, y), implies(ir.conj([r(x, y), r(y, x)]), same)))
    return out


def _forced(u: Universe, assumed: Sequence[z3.BoolRef], axioms: Sequence[z3.BoolRef]) -> bool:
    """Z3 shows that every state satisfying ``assumed`` satisfies ``axioms``."""
    s = new_solver(u, ORDER_MS)
    s.add(*assumed)
    s.add(z3.Not(z3.And(list(axioms))))
    return ask(s).status == "holds"


def plan(
    model: ir.Model, orders: Sequence[Order], hint: Mapping[str, int] | None
) -> list[dict[str, int]]:
    """The instances to sample, most telling first: the user's sizes (every sort at
    least as large as the templates have variables for it) with MORE_ROUNDS more
    elements in each ordered sort and one more in the others, then the others as they
    were."""
    ordered = {_sort(model, o) for o in orders}
    names = [s.name for s in model.sorts]
    if hint and all(n in hint for n in names):
        base = {n: max(hint[n], sample.VARS_PER_SORT) for n in names}
    else:
        base = {n: sample.SAMPLE_SIZES[-1] for n in names}
    wide = {n: v + (MORE_ROUNDS if n in ordered else 1) for n, v in base.items()}
    narrow = {n: v + (MORE_ROUNDS if n in ordered else 0) for n, v in base.items()}
    return [wide] if wide == narrow else [wide, narrow]


def _sort(model: ir.Model, o: Order) -> str:
    t = model.state[o.var].type
    assert isinstance(t, ir.MapType) and isinstance(t.keys[0], ir.SortType)
    return t.keys[0].name


def table(
    system: System,
    orders: Sequence[Order],
    deadline: Deadline,
    hint: Mapping[str, int] | None = None,
) -> Literals | None:
    """The templates' literals over a sample with ``orders`` pinned (:func:`plan`); None
    when nothing was sampled."""
    xs = candidates.template_vars(system.model)
    atom_list = candidates.atoms(system, xs)
    at = plan(system.model, orders, hint)
    return candidates.sampled_table(
        system, xs, atom_list, deadline, plan=at, orders=orders, bits=SAMPLE_BITS, runs=True
    )


@dataclass(frozen=True)
class Pool:
    """The family's candidates: every clause of the templates over the sample with the
    orders pinned (up to three literals, and guarded injectivity), and the guarded ones."""

    clauses: list[Candidate]
    guarded: list[Candidate]


def pool(
    system: System,
    orders: Sequence[Order],
    deadline: Deadline,
    hint: Mapping[str, int] | None = None,
) -> Pool | None:
    """The candidates of the family, or None when nothing was sampled or no guarded
    clause holds on the sample (then the family has nothing of its own to offer, and
    enumerating the rest is not worth its time)."""
    got = table(system, orders, deadline, hint)
    if got is None:
        return None
    found = guarded(got, system.model, orders, deadline)
    if not found or deadline.expired():
        return None
    levels = candidates.clause_levels(got, deadline)
    return Pool([c for _, level in levels for c in level], found)


def guarded(
    table: Literals,
    model: ir.Model,
    orders: Sequence[Order],
    deadline: Deadline,
    must: Collection[ir.Expr] = (),
) -> list[Candidate]:
    """The minimal clauses ``x1 strictly below x2 -> C`` (``C`` of two or three literals
    over both) that hold on the sample and not on every noise state, one per renaming
    class, shortest first; with ``must``, only those that read exactly one of its atoms
    (and their other literals need not speak of either round)."""
    wanted = {j for j, (a, _) in enumerate(table.lits) if a in must} if must else None
    ids: dict[ir.Expr, int] = {}
    atom = [ids.setdefault(a, len(ids)) for a, _ in table.lits]
    prefixes = candidates.prefixes(table.xs)
    found: list[tuple[int, ...]] = []
    for guard in _guards(table, model, orders):
        held = 0
        for j in guard:
            held |= table.masks[j]
        miss = table.full & ~held  # the valuations with x1 strictly below x2
        both = table.vars[guard[0]]  # the bits of x1 and x2
        fixed = {atom[j] for j in guard}
        # the rest reads the guard's atoms no more (``le[x1, x2]`` is decided), and each
        # of its literals speaks of one of the two rounds: a zero mask is never chosen
        # (with ``must``, its atom anchors the clause: a literal such as ``v1 != v2``
        # may speak of neither round)
        masks = [
            m if (table.vars[j] & both or wanted is not None) and atom[j] not in fixed else 0
            for j, m in enumerate(table.masks)
        ]
        cover = Cover(masks, table.full, deadline)
        for k in range(2, MAX_REST + 1):
            for rest in cover.combos(k, miss):
                if deadline.expired() or len(found) >= MAX_GUARDED:
                    return candidates.closed(table.lits, found, table.xs, set())
                if len({atom[j] for j in rest} | fixed) < k + len(fixed):
                    continue  # a guard's atom again, or a literal and its negation
                if wanted is not None and len(wanted.intersection(rest)) != 1:
                    continue
                used = 0
                for j in rest:
                    used |= table.vars[j]
                if used & both != both or not candidates.in_order(used, prefixes):
                    continue  # about one of the two only; or a renaming of another
                combo = tuple(sorted((*rest, *guard)))
                if table.telling(combo) and _minimal(table, combo):
                    found.append(combo)
    return candidates.closed(table.lits, found, table.xs, set())


def _guards(table: Literals, model: ir.Model, orders: Sequence[Order]) -> list[tuple[int, ...]]:
    """Per order, the literals false exactly where ``x1`` is strictly below ``x2``:
    ``!le[x1, x2]`` and ``x1 == x2``, or ``!lt[x1, x2]``."""
    out: list[tuple[int, ...]] = []
    for o in orders:
        d = model.state[o.var]
        xs = [x for x in table.xs if x.type.name == _sort(model, o)]  # type: ignore[union-attr]
        if len(xs) < 2:
            continue
        x1, x2 = xs[0], xs[1]
        below = table.index.get((ir.Select(d.ref(), (x1, x2)), False))
        if below is None:
            continue
        if o.strict:
            out.append((below,))
            continue
        same = table.index.get((ir.BinOp("==", x1, x2, ir.BOOL), True))
        if same is not None:
            out.append((below, same))
    return out


def _minimal(table: Literals, combo: tuple[int, ...]) -> bool:
    """No literal can go: a shorter clause (tried before this family) says more."""
    return not any(table.holds([j for j in combo if j != i]) for i in combo)
