"""Candidate lemmas for Houdini: small universal clauses over the model's vocabulary,
kept only if they hold in every sampled reachable state.

Terms per sort: variables (two per sort), sort-valued scalars, and sort-valued
maps applied to variables (``target[t1]``). Atoms: bool scalars and maps read
at terms (``assigned[target[t1]]``), enum-valued reads equal to each member,
small-int reads equal to each value, and equalities between terms of one sort.
A candidate is a disjunction of up to three literals, universally closed; and,
only when no shorter clause will do, the four-literal guarded injectivity
``l(x1) || l(x2) || !e(x1, x2) || x1 == x2`` (waiting threads hold distinct
tickets): one shape, from atoms the sample already pairs, instead of every
four-literal clause.

Sampling (engines/induction/sample) is what makes this cheap: each atom is a bitmask over
the (state, valuation of the variables) pairs of reachable states, so a clause
holds on the sample exactly when the OR of its literals' masks is all ones.
Clauses implied by a smaller surviving clause and renamings of one another are
dropped. Whatever survives is only a
candidate: Houdini (infer.py) keeps what Z3 shows inductive for all sizes.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.fixed_params import Order
from rmpcheck.engines.induction import sample, witness
from rmpcheck.engines.induction.atoms import atoms, rename, template_vars
from rmpcheck.monitor import System

MAX_LITERALS = 3
MAX_CANDIDATES = 6_000  # past this many, stop enumerating (longer clauses are left out)
COMBO_FACTOR = 25  # sets of literals looked at per candidate still wanted (most fail a filter)


@dataclass(frozen=True)
class Candidate:
    formula: ir.Expr  # closed: forall over the variables it uses
    literals: int
    # the clause's literals (atom, positive), where it was made from a literal table:
    # what engines/induction/guards adds a guard to
    lits: tuple[tuple[ir.Expr, bool], ...] = ()


def negate(e: ir.Expr) -> ir.Expr:
    if isinstance(e, ir.BinOp) and e.op == "==":
        return ir.BinOp("!=", e.left, e.right, ir.BOOL)
    return ir.Not(e)


def clause_formula(lits: Sequence[tuple[ir.Expr, bool]]) -> ir.Expr:
    """``forall vs. (a && b) -> c`` reads better than ``!a || !b || c``."""
    neg = [a for a, pos in lits if not pos]
    pos = [a for a, p in lits if p]
    if not pos and neg:
        body: ir.Expr = negate(neg[-1])
        neg = neg[:-1]
    else:
        body = pos[0]
        for p in pos[1:]:
            body = ir.BinOp("or", body, p, ir.BOOL)
    if neg:
        body = ir.BinOp("implies", ir.conj(neg), body, ir.BOOL)
    vs = sorted(ir.free_vars(body), key=lambda v: v.name)
    return ir.Quant("forall", tuple(vs), body) if vs else body


# ------------------------------------------------------------------ sampling


# ---------------------------------------------------------------- enumeration


def prefixes(xs: Sequence[ir.BoundVar]) -> list[tuple[int, frozenset[int]]]:
    """Per sort: the bits of its variables, and the allowed uses (t1 before t2: fewer
    renamings of one clause to enumerate)."""
    groups: dict[str, list[int]] = {}
    for i, x in enumerate(xs):
        assert isinstance(x.type, ir.SortType)
        groups.setdefault(x.type.name, []).append(1 << i)
    out = []
    for bits in groups.values():
        allowed = {sum(bits[:k]) for k in range(len(bits) + 1)}
        out.append((sum(bits), frozenset(allowed)))
    return out


def in_order(used: int, firsts: Sequence[tuple[int, frozenset[int]]]) -> bool:
    """The variables ``used`` (bits) are the first of their sorts (``t1`` before ``t2``):
    any other use is a renaming of such a clause."""
    return all(used & group in allowed for group, allowed in firsts)


def renamings(xs: Sequence[ir.BoundVar]) -> list[dict[ir.BoundVar, ir.Expr]]:
    groups: dict[str, list[ir.BoundVar]] = {}
    for x in xs:
        assert isinstance(x.type, ir.SortType)
        groups.setdefault(x.type.name, []).append(x)
    out = []
    for perms in itertools.product(*(itertools.permutations(g) for g in groups.values())):
        env: dict[ir.BoundVar, ir.Expr] = {}
        for g, p in zip(groups.values(), perms, strict=True):
            env.update(zip(g, p, strict=True))
        out.append(env)
    return out


@dataclass(frozen=True)
class Literals:
    """The literals of the templates with their masks over the sample: what both the
    clause enumeration here and the CTI-directed clauses of ``generalize`` search."""

    xs: tuple[ir.BoundVar, ...]
    lits: list[tuple[ir.Expr, bool]]  # (atom, positive)
    masks: list[int]  # per literal: the (state, valuation) samples where it holds
    full: int
    noise: list[int]  # per literal, over the noise states (empty: no noise)
    noise_full: int
    index: dict[tuple[ir.Expr, bool], int]
    vars: list[int]  # per literal: bit i set when it mentions xs[i]
    reads: list[ir.Expr | None]  # per positive ``read == value`` literal: the read

    def holds(self, combo: Sequence[int]) -> bool:
        return _holds(combo, self.masks, self.full)

    def telling(self, combo: Sequence[int]) -> bool:
        return _telling(combo, self.noise, self.noise_full)


def literal_table(
    atom_list: Sequence[ir.Expr],
    atom_masks: Sequence[int],
    full: int,
    xs: Sequence[ir.BoundVar],
    noise: tuple[Sequence[int], int] = ((), 0),
) -> Literals:
    lits = [(a, True) for a in atom_list] + [
        # "x == y -> c(x, y)" is "c(x, x)": a smaller clause says the same
        (a, False)
        for a in atom_list
        if not _var_equality(a)
    ]
    amask = dict(zip(atom_list, atom_masks, strict=True))
    nmasks, nfull = noise
    namask = dict(zip(atom_list, nmasks, strict=True))
    pos = {x: 1 << i for i, x in enumerate(xs)}
    return Literals(
        tuple(xs),
        lits,
        [amask[a] if p else full ^ amask[a] for a, p in lits],
        full,
        [namask[a] if p else nfull ^ namask[a] for a, p in lits] if nmasks else [],
        nfull,
        {lit: j for j, lit in enumerate(lits)},
        [sum(pos[v] for v in ir.free_vars(a)) for a, _ in lits],
        [_value_read(a) if p else None for a, p in lits],
    )


def clause_levels(
    table: Literals, deadline: Deadline, max_literals: int = MAX_LITERALS
) -> Iterator[tuple[int, list[Candidate]]]:
    """The minimal clauses that hold on every sample, one per renaming class, by length
    and lazily: ``(k, the new clauses of k literals)`` (longer clauses cost far more to
    enumerate: a caller that needs only short ones stops early). Those that also hold on
    every noise sample (arbitrary states) are taken as valid and dropped."""
    xs, lits, index, lvars = table.xs, table.lits, table.index, table.vars
    lmask, full, nmask, nfull = table.masks, table.full, table.noise, table.noise_full
    firsts = prefixes(xs)
    # x == a || x == b over one enum read is a conjunction of shorter clauses (x != c ...)
    lread = table.reads
    cover = Cover(lmask, full, deadline)
    ren = renamings(xs)
    holding: set[tuple[int, ...]] = set()
    seen: set[frozenset[tuple[ir.Expr, bool]]] = set()
    total = 0
    for k in range(1, max_literals + 1):
        found: list[tuple[int, ...]] = []
        # a count, not only the deadline: three literals over the 640 of an SNP model
        # are millions of sets, and their enumeration would take whatever time is left
        for combo in cover.combos(k, limit=COMBO_FACTOR * (MAX_CANDIDATES - total)):
            if deadline.expired() or total + len(found) >= MAX_CANDIDATES:
                yield k, closed(lits, found, xs, seen)
                return
            if len({lits[j][0] for j in combo}) < k:
                continue  # a literal and its negation: a tautology
            if k > 1 and _subsumed(combo, holding):
                continue
            reads = [lread[j] for j in combo if lread[j] is not None]
            if len(set(reads)) < len(reads):
                continue
            used = 0
            for j in combo:
                used |= lvars[j]
            if not in_order(used, firsts):
                continue
            # every renaming holds too: it subsumes longer clauses just the same
            for env in ren:
                moved = [index.get((rename(lits[j][0], env), lits[j][1]), -1) for j in combo]
                if -1 not in moved:
                    holding.add(tuple(sorted(moved)))
            if _telling(combo, nmask, nfull):
                found.append(combo)
        if k == 2:
            # "at most one element is not l", three literals, comes with the short
            # clauses: it is cheap to enumerate and mutual exclusion is what locks give
            # (``l(x1) || l(x2) || x1 == x2`` for every literal ``l`` over ``x1`` alone)
            for _, _, eq, j, j2 in _pairs(lits, index, lvars, xs):
                c = tuple(sorted((j, j2, eq)))
                if _holds(c, lmask, full) and not _subsumed(c, holding):
                    if _telling(c, nmask, nfull):
                        found.append(c)
        level = closed(lits, found, xs, seen)
        total += len(level)
        yield k, level
    # four literals only in one shape, and only when asked for (after every shorter
    # clause failed): enumerating them all is what the cover search cannot afford
    found = [
        c
        for c in _injective(lits, index, lvars, xs)
        if _holds(c, lmask, full) and not _subsumed(c, holding) and _telling(c, nmask, nfull)
    ]
    yield MAX_LITERALS + 1, closed(lits, found, xs, seen)


def _pairs(
    lits: Sequence[tuple[ir.Expr, bool]],
    index: Mapping[tuple[ir.Expr, bool], int],
    lvars: Sequence[int],
    xs: Sequence[ir.BoundVar],
) -> Iterator[tuple[ir.BoundVar, ir.BoundVar, int, int, int]]:
    """Per sort with two variables: ``(x1, x2, eq, j, j2)`` for every literal ``j`` over
    ``x1`` alone, ``j2`` its copy over ``x2`` and ``eq`` the literal ``x1 == x2``."""
    by_sort: dict[str, list[ir.BoundVar]] = {}
    for x in xs:
        assert isinstance(x.type, ir.SortType)
        by_sort.setdefault(x.type.name, []).append(x)
    for vs in by_sort.values():
        if len(vs) < 2:
            continue
        x1, x2 = vs[0], vs[1]
        eq = index.get((rename(ir.BinOp("==", x1, x2, ir.BOOL), {}), True))
        if eq is None:
            continue
        bit = 1 << xs.index(x1)
        for j, (a, p) in enumerate(lits):
            if lvars[j] != bit:
                continue
            j2 = index.get((rename(a, {x1: x2}), p))
            if j2 is not None:
                yield x1, x2, eq, j, j2


def _injective(
    lits: Sequence[tuple[ir.Expr, bool]],
    index: Mapping[tuple[ir.Expr, bool], int],
    lvars: Sequence[int],
    xs: Sequence[ir.BoundVar],
) -> Iterator[tuple[int, ...]]:
    """``l(x1) || l(x2) || !e(x1, x2) || x1 == x2`` for every symmetric atom ``e`` over
    both (``ticket[t1] == ticket[t2]``): "``e`` relates no two elements where ``l`` is
    false", the guarded form of at-most-one (waiting threads hold distinct tickets).
    And, five literals, ``e`` a relation read at each and one more variable ``y``:
    ``l(x1) || l(x2) || !r(x1, y) || !r(x2, y) || x1 == x2`` (no two threads that
    took a ticket hold the same one: ``!pc1[t1] && !pc1[t2] && m[t1, k] && m[t2, k]
    -> t1 == t2``)."""
    for x1, x2, eq, j, j2 in _pairs(lits, index, lvars, xs):
        b1, b2 = 1 << xs.index(x1), 1 << xs.index(x2)
        swap = {x1: x2, x2: x1}
        for e, (a, p) in enumerate(lits):
            if p:
                continue
            if lvars[e] == b1 | b2 and rename(a, swap) == a:
                yield tuple(sorted((j, j2, e, eq)))
            elif (
                isinstance(a, ir.Select) and lvars[e] & b1 and not lvars[e] & b2 and lvars[e] & ~b1
            ):
                # a relation's read: ``ti == ticket[t1]`` pairs are the shape above
                e2 = index.get((rename(a, {x1: x2}), False))
                if e2 is not None:
                    yield tuple(sorted((j, j2, e, e2, eq)))


def _holds(combo: Sequence[int], lmask: Sequence[int], full: int) -> bool:
    v = 0
    for j in combo:
        v |= lmask[j]
    return v == full


def _subsumed(combo: Sequence[int], holding: set[tuple[int, ...]]) -> bool:
    return any(
        sub in holding for r in range(1, len(combo)) for sub in itertools.combinations(combo, r)
    )


def _telling(combo: Sequence[int], nmask: Sequence[int], nfull: int) -> bool:
    """False when the clause also holds on every noise state (it says nothing)."""
    return not nmask or not _holds(combo, nmask, nfull)


class Cover:
    """Sets of ``k`` literals whose masks cover every sample, found without trying them all:
    some literal must cover the lowest sample still uncovered."""

    def __init__(self, masks: Sequence[int], full: int, deadline: Deadline) -> None:
        self.masks, self.full, self.deadline = masks, full, deadline
        self._with: dict[int, list[int]] = {}

    def with_bit(self, b: int) -> list[int]:
        got = self._with.get(b)
        if got is None:
            got = self._with[b] = [j for j, m in enumerate(self.masks) if m >> b & 1]
        return got

    def combos(
        self, k: int, miss: int | None = None, limit: int | None = None
    ) -> list[tuple[int, ...]]:
        """Sets of ``k`` literals covering the samples of ``miss`` (all by default; fewer
        when other literals, such as an order's guard, cover the rest); at most about
        ``limit`` of them, the first the search meets."""
        miss = self.full if miss is None else miss
        if not miss:
            return []  # no sample at all (no reachable state): nothing to go by
        out: set[tuple[int, ...]] = set()
        self._extend((), miss, k, out, limit)
        return sorted(out)

    def _extend(
        self, combo: tuple[int, ...], miss: int, left: int, out: set, limit: int | None
    ) -> None:
        if self.deadline.expired() or (limit is not None and len(out) >= limit):
            return
        b = (miss & -miss).bit_length() - 1
        for j in self.with_bit(b):
            if j in combo:
                continue
            rest = miss & ~self.masks[j]
            if left == 1:
                if rest == 0:
                    out.add(tuple(sorted((*combo, j))))
            elif rest != 0:  # covering with fewer literals is a shorter clause
                self._extend((*combo, j), rest, left - 1, out, limit)


def _var_equality(a: ir.Expr) -> bool:
    return (
        isinstance(a, ir.BinOp)
        and a.op == "=="
        and isinstance(a.left, ir.BoundVar)
        and isinstance(a.right, ir.BoundVar)
    )


def _value_read(a: ir.Expr) -> ir.Expr | None:
    """The read of an atom ``read == value`` (enum member or int), else None."""
    if isinstance(a, ir.BinOp) and a.op == "==" and isinstance(a.right, (ir.EnumLit, ir.IntLit)):
        return a.left
    return None


def closed(
    lits: Sequence[tuple[ir.Expr, bool]],
    found: Sequence[tuple[int, ...]],
    xs: Sequence[ir.BoundVar],
    seen: set[frozenset[tuple[ir.Expr, bool]]],
    build: Callable[[Sequence[tuple[ir.Expr, bool]]], ir.Expr] = clause_formula,
) -> list[Candidate]:
    """One clause per renaming class (``seen`` holds the classes already given out), as
    a formula by ``build``."""
    out = []
    ren = renamings(xs)
    for combo in found:
        key = frozenset(lits[j] for j in combo)
        if key in seen:
            continue
        for env in ren:
            seen.add(frozenset((rename(a, env), p) for a, p in key))
        chosen = tuple(lits[j] for j in combo)
        out.append(Candidate(build(chosen), len(combo), chosen))
    return out


def sampled_table(
    system: System,
    xs: Sequence[ir.BoundVar],
    atom_list: Sequence[ir.Expr],
    deadline: Deadline,
    sizes: Sequence[int] = sample.SAMPLE_SIZES,
    hint: Mapping[str, int] | None = None,
    plan: Sequence[Mapping[str, int]] | None = None,
    orders: Sequence[Order] = (),
    bits: int = sample.MAX_SAMPLE_BITS,
    runs: bool = False,
) -> Literals | None:
    """The literals over ``atom_list`` with their masks over a fresh sample (and its
    noise), for the templates asked for on demand; None when nothing was sampled.
    ``plan``, ``orders``, ``bits`` and ``runs``: sample.take."""
    got = sample.take(system, xs, atom_list, deadline, sizes, hint, plan, orders, bits, runs)
    if got.full == 0:
        return None
    noise = (got.noise_masks, got.noise_full)
    return literal_table(atom_list, got.masks, got.full, xs, noise)


@dataclass
class Generated:
    """The sample's verdict on the templates: candidate clauses by length, made on demand."""

    levels: Iterator[tuple[int, list[Candidate]]]
    stats: dict[str, int]
    # forall-exists candidates (engines/induction/witness) that hold on the sample
    witnesses: list[ir.Expr] = field(default_factory=list)
    table: Literals | None = None  # None: no sample to go by
    atoms: list[ir.Expr] = field(default_factory=list)
    # witness -> its exists-forall form (witness.hoisted), where that holds on the sample too
    hoisted: dict[ir.Expr, ir.Expr] = field(default_factory=dict)


def generate(
    system: System,
    deadline: Deadline,
    sizes: Sequence[int] = sample.SAMPLE_SIZES,
    hint: Mapping[str, int] | None = None,
    monitors: Collection[str] = (),
    per_sort: int = sample.VARS_PER_SORT,
    runs: bool = False,
) -> Generated:
    """Candidate lemmas that hold on sampled reachable states (``levels`` yields them by
    number of literals, enumerated only when asked for), with counts for stats; ``runs``:
    sample.take."""
    xs = template_vars(system.model, per_sort)
    atom_list = atoms(system, xs, monitors)
    got = sample.take(system, xs, atom_list, deadline, sizes, hint, runs=runs)
    found = witness.plausible(got.states, got.noise, witness.proposals(system.model))
    pairs = [(f, h) for f in found if (h := witness.hoisted(f)) is not None]
    kept = witness.plausible(got.states, got.noise, [h for _, h in pairs])
    hoisted = {f: h for f, h in pairs if h in kept}
    if got.full == 0 or not atom_list:
        return Generated(iter(()), got.stats, found, hoisted=hoisted)
    table = literal_table(atom_list, got.masks, got.full, xs, (got.noise_masks, got.noise_full))
    return Generated(clause_levels(table, deadline), got.stats, found, table, atom_list, hoisted)
