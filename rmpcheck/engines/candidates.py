"""Candidate lemmas for Houdini: small universal clauses over the model's vocabulary,
kept only if they hold in every sampled reachable state.

Terms per sort: variables (two per sort), sort-valued scalars, and sort-valued
maps applied to variables (``target[t1]``). Atoms: bool scalars and maps read
at terms (``assigned[target[t1]]``), enum-valued reads equal to each member,
small-int reads equal to each value, and equalities between terms of one sort.
A candidate is a disjunction of up to three literals, universally closed.

Sampling is what makes this cheap: each atom is evaluated once on every
(state, valuation of the variables) pair of small instances' reachable states
and stored as a bitmask; a clause holds on the samples exactly when the OR of
its literals' masks is all ones. Clauses implied by a smaller surviving clause
and renamings of one another are dropped. Whatever survives is only a
candidate: Houdini (infer.py) keeps what Z3 shows inductive for all sizes.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from rmpcheck import ir
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.explicit import explore
from rmpcheck.errors import EngineError
from rmpcheck.interp import Instance
from rmpcheck.interp.codegen import Compiler
from rmpcheck.monitor import Obligation, System

MAX_LITERALS = 3
VARS_PER_SORT = 2
SAMPLE_SIZES = (2, 3)  # every sort at this size, smallest first
MAX_SAMPLE_STATES = 2_000  # per instance; a partial sample only filters less
MAX_SAMPLE_BITS = 200_000  # (state, valuation) pairs over all instances: the masks' length
MAX_CANDIDATES = 2_000  # past this many, stop enumerating (longer clauses are left out)
NOISE_STATES = 200  # per sampled instance: states that spot valid clauses


@dataclass(frozen=True)
class Candidate:
    formula: ir.Expr  # closed: forall over the variables it uses
    literals: int


def template_vars(model: ir.Model, per_sort: int = VARS_PER_SORT) -> list[ir.BoundVar]:
    """``t1, t2`` for Thread, ``p1, p2`` for Page: names no declaration uses."""
    taken = {d.name for d in model.state} | {s.name for s in model.sorts}
    taken |= {m for e in model.enums for m in e.members} | {d.name for d in model.defs}
    out = []
    for s in model.sorts:
        base = s.name[0].lower()
        while any(f"{base}{i}" in taken for i in range(1, per_sort + 1)):
            base = s.name[: len(base) + 1].lower() if len(base) < len(s.name) else base + "_"
        names = [f"{base}{i}" for i in range(1, per_sort + 1)]
        taken.update(names)
        out += [ir.BoundVar(n, s) for n in names]
    return out


def _keys(t: ir.ScalarType, sort_terms: Mapping[str, list[ir.Expr]]) -> list[ir.Expr]:
    if isinstance(t, ir.SortType):
        return sort_terms.get(t.name, [])
    if isinstance(t, ir.EnumType):
        return [ir.EnumLit(t, m) for m in t.members]
    if isinstance(t, ir.BoolType):
        return [ir.BoolLit(False), ir.BoolLit(True)]
    if t.hi - t.lo < 4:
        return [ir.IntLit(v) for v in range(t.lo, t.hi + 1)]
    return []


def _reads(d: ir.StateDecl, sort_terms: Mapping[str, list[ir.Expr]]) -> Iterator[ir.Expr]:
    if not isinstance(d.type, ir.MapType):
        yield d.ref()
        return
    for args in itertools.product(*(_keys(k, sort_terms) for k in d.type.keys)):
        yield ir.Select(d.ref(), tuple(args))


def atoms(system: System, xs: Sequence[ir.BoundVar]) -> list[ir.Expr]:
    """Every atom over the model's own variables (monitors have no user syntax)."""
    decls = list(system.model.state)
    by_sort: dict[str, list[ir.Expr]] = {}
    for x in xs:
        assert isinstance(x.type, ir.SortType)
        by_sort.setdefault(x.type.name, []).append(x)
    terms = {k: list(v) for k, v in by_sort.items()}
    for d in decls:  # depth-1 terms: sort-valued reads at variables
        vt = d.type.value if isinstance(d.type, ir.MapType) else d.type
        if isinstance(vt, ir.SortType):
            terms.setdefault(vt.name, []).extend(_reads(d, by_sort))
    out: list[ir.Expr] = []
    for d in decls:
        vt = d.type.value if isinstance(d.type, ir.MapType) else d.type
        if isinstance(vt, ir.BoolType):
            out += list(_reads(d, terms))
        elif isinstance(vt, (ir.EnumType, ir.IntType)):
            vals = _keys(vt, {})
            if len(vals) == 2:
                vals = vals[:1]  # the other value is the negation
            for r in _reads(d, terms):
                out += [ir.BinOp("==", r, v, ir.BOOL) for v in vals]
    for ts in terms.values():
        out += [
            _rename(ir.BinOp("==", a, b, ir.BOOL), {}) for a, b in itertools.combinations(ts, 2)
        ]
    return out


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


def sample_states(
    system: System, sizes: Mapping[str, int], deadline: Deadline, max_states: int
) -> tuple[Instance, list[tuple]] | None:
    """Reachable states (one per symmetry orbit: candidates are symmetric) of one instance."""
    try:
        inst = Instance(system, sizes)
        probe = Obligation(
            system,
            ir.Property("invariant", "__sample", ir.BoolLit(True)),
            "safety",
            ir.BoolLit(True),
        )
        opts = Options(extra={"max_states": max_states})
        space = explore(inst, probe, opts, deadline, stop_at_hit=False)
    except EngineError:
        return None  # too many initial states to enumerate: sample other sizes
    return inst, space.states


def noise_states(inst: Instance, states: Sequence[tuple], n: int, seed: int) -> list[tuple]:
    """Sampled states with every variable some action writes re-randomised: what stays is
    the part no step changes (an order, a quorum system), so a clause true on all of these
    follows from that part alone and says nothing about the protocol."""
    rng = random.Random(seed)
    written = {
        st.target.name
        for act in inst.model.actions
        for st in ir.walk_stmts(act.body)
        if isinstance(st, ir.Assign)
    }
    out = []
    for _ in range(n):
        base = rng.choice(states)
        s = list(base)
        for i, d in enumerate(inst.model.state):
            if d.name not in written:
                continue
            if isinstance(d.type, ir.MapType):
                vals = inst.sizes.domain(d.type.value).values
                s[i] = tuple(rng.choice(vals) for _ in inst.sizes.keys(d.type))
            else:
                s[i] = rng.choice(inst.sizes.domain(d.type).values)
        out.append(tuple(s))
    return out


def masks(
    system: System,
    xs: Sequence[ir.BoundVar],
    atom_list: Sequence[ir.Expr],
    samples: Sequence[tuple[Instance, list[tuple]]],
) -> tuple[list[int], int]:
    """Per atom, the bitmask of the (state, valuation) samples where it holds; and all-ones.

    An atom is evaluated only over valuations of its own variables, then spread
    over the full valuations by projection (most atoms mention one or two).
    """
    bits: list[list[str]] = [[] for _ in atom_list]
    for inst, states in samples:
        comp = Compiler(system, inst.sizes)
        doms = [inst.sizes.domain(x.type).values for x in xs]
        full_vals = list(itertools.product(*doms))
        for i, a in enumerate(atom_list):
            own = [x for x in xs if x in ir.free_vars(a)]
            pos = [xs.index(x) for x in own]
            sub = list(itertools.product(*(doms[p] for p in pos)))
            where = {v: k for k, v in enumerate(sub)}
            spread = [where[tuple(v[p] for p in pos)] for v in full_vals]
            f = comp.function(a, own)
            for s in states:
                row = ["1" if f(s, *v) else "0" for v in sub]
                bits[i].append("".join([row[k] for k in spread]))
    n = sum(len(x) for x in bits[0]) if bits else 0
    return [int("".join(b) or "0", 2) for b in bits], (1 << n) - 1


# ---------------------------------------------------------------- enumeration


def _prefixes(xs: Sequence[ir.BoundVar]) -> list[tuple[int, frozenset[int]]]:
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


def _renamings(xs: Sequence[ir.BoundVar]) -> list[dict[ir.BoundVar, ir.Expr]]:
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


def clauses(
    atom_list: Sequence[ir.Expr],
    atom_masks: Sequence[int],
    full: int,
    xs: Sequence[ir.BoundVar],
    deadline: Deadline,
    noise: tuple[Sequence[int], int] = ((), 0),
    max_literals: int = MAX_LITERALS,
) -> list[Candidate]:
    """The minimal clauses that hold on every sample, one per renaming class; those that
    also hold on every ``noise`` sample (arbitrary states) are taken as valid and dropped."""
    lits = [(a, True) for a in atom_list] + [
        # "x == y -> c(x, y)" is "c(x, x)": a smaller clause says the same
        (a, False)
        for a in atom_list
        if not _var_equality(a)
    ]
    index = {lit: j for j, lit in enumerate(lits)}
    amask = dict(zip(atom_list, atom_masks, strict=True))
    lmask = [amask[a] if p else full ^ amask[a] for a, p in lits]
    nmasks, nfull = noise
    namask = dict(zip(atom_list, nmasks, strict=True))
    nmask = [namask[a] if p else nfull ^ namask[a] for a, p in lits] if nmasks else []
    pos = {x: 1 << i for i, x in enumerate(xs)}
    lvars = [sum(pos[v] for v in ir.free_vars(a)) for a, _ in lits]
    prefixes = _prefixes(xs)
    # x == a || x == b over one enum read is a conjunction of shorter clauses (x != c ...)
    lread = [_value_read(a) if p else None for a, p in lits]
    cover = _Cover(lmask, full, deadline)
    ren = _renamings(xs)
    holding: set[tuple[int, ...]] = set()
    found: list[tuple[int, ...]] = []
    for k in range(1, max_literals + 1):
        for combo in cover.combos(k):
            if deadline.expired() or len(found) >= MAX_CANDIDATES:
                return _closed(lits, found, xs)
            if len({lits[j][0] for j in combo}) < k:
                continue  # a literal and its negation: a tautology
            if k > 1 and any(
                sub in holding for r in range(1, k) for sub in itertools.combinations(combo, r)
            ):
                continue
            reads = [lread[j] for j in combo if lread[j] is not None]
            if len(set(reads)) < len(reads):
                continue
            used = 0
            for j in combo:
                used |= lvars[j]
            if any(used & group not in allowed for group, allowed in prefixes):
                continue
            # every renaming holds too: it subsumes longer clauses just the same
            for env in ren:
                moved = [index.get((_rename(lits[j][0], env), lits[j][1]), -1) for j in combo]
                if -1 not in moved:
                    holding.add(tuple(sorted(moved)))
            v = 0
            for j in combo:
                v |= nmask[j] if nmask else 0
            if not nmask or v != nfull:
                found.append(combo)
    return _closed(lits, found, xs)


class _Cover:
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

    def combos(self, k: int) -> list[tuple[int, ...]]:
        if not self.full:
            return []  # no sample at all (no reachable state): nothing to go by
        out: set[tuple[int, ...]] = set()
        self._extend((), self.full, k, out)
        return sorted(out)

    def _extend(self, combo: tuple[int, ...], miss: int, left: int, out: set) -> None:
        if self.deadline.expired():
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
                self._extend((*combo, j), rest, left - 1, out)


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


def _rename(e: ir.Expr, env: Mapping[ir.BoundVar, ir.Expr]) -> ir.Expr:
    """Rename variables, then orient equalities canonically (``t2 == t1`` is ``t1 == t2``)."""
    r = ir.substitute(e, env)
    if (
        isinstance(r, ir.BinOp)
        and r.op == "=="
        and isinstance(r.left.type, ir.SortType)
        and repr(r.right) < repr(r.left)
    ):
        return ir.BinOp("==", r.right, r.left, r.type)
    return r


def _closed(
    lits: Sequence[tuple[ir.Expr, bool]],
    found: Sequence[tuple[int, ...]],
    xs: Sequence[ir.BoundVar],
) -> list[Candidate]:
    seen: set[frozenset[tuple[ir.Expr, bool]]] = set()
    out = []
    ren = _renamings(xs)
    for combo in found:
        key = frozenset(lits[j] for j in combo)
        if key in seen:
            continue
        for env in ren:
            seen.add(frozenset((_rename(a, env), p) for a, p in key))
        out.append(Candidate(clause_formula([lits[j] for j in combo]), len(combo)))
    return out


def generate(
    system: System, deadline: Deadline, sizes: Sequence[int] = SAMPLE_SIZES
) -> tuple[list[Candidate], dict[str, int]]:
    """Candidate lemmas that hold on sampled reachable states, with counts for stats."""
    xs = template_vars(system.model)
    atom_list = atoms(system, xs)
    samples = []
    room = MAX_SAMPLE_BITS
    for n in sizes:
        got = sample_states(
            system, {s.name: n for s in system.model.sorts}, deadline, MAX_SAMPLE_STATES
        )
        if got is not None and got[1]:
            # every state counts once per valuation of the variables: keep the masks small
            inst, states = got
            per_state = 1
            for x in xs:
                per_state *= inst.sizes.domain(x.type).size
            keep = min(len(states), room // per_state)
            if keep:
                samples.append((inst, random.Random(n).sample(states, keep)))
                room -= keep * per_state
        if deadline.expired() or room <= 0:
            break
    if not samples or not atom_list:
        return [], {"atoms": len(atom_list), "sampled_states": 0, "candidates": 0}
    atom_masks, full = masks(system, xs, atom_list, samples)
    # arbitrary states of the smallest sampled instance are enough to expose valid clauses
    noise = [
        (inst, noise_states(inst, st, NOISE_STATES, seed=i))
        for i, (inst, st) in enumerate(samples)
        if st
    ]
    found = clauses(atom_list, atom_masks, full, xs, deadline, masks(system, xs, atom_list, noise))
    stats = {
        "atoms": len(atom_list),
        "sampled_states": sum(len(s) for _, s in samples),
        "candidates": len(found),
    }
    return found, stats
