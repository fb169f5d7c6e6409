"""Clauses that exclude one counterexample to induction, read off the sample.

A CTI's pre-state ``s`` satisfies everything assumed so far, yet one of its
successors breaks a goal or a lemma. A universal clause ``forall xs. C(xs)``
excludes ``s`` exactly when, for some valuation of ``xs`` in ``s``, every
literal of ``C`` is false there. So for each valuation the literals false at
``s`` are the only ones to choose from, and the clause must still hold on
every sampled reachable state: a set cover of the sample's (state, valuation)
bits by those literals' masks. Greedy covering (largest gain first, from a
few different first literals), then dropping every literal the rest can do
without, gives short clauses of any length, asked for only when a CTI needs
them (IC3's generalisation, with the sample standing in for the solver).

A clause may hold several literals ``read == value`` of one enum read: they
are one literal ``read in {values}`` and count once towards the length
(``!rmp_failed && assigned[p] -> use[p] == gmem_page || use[p] == vmsa_page``).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable, Collection, Sequence
from typing import Any

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.induction import sample
from rmpcheck.engines.induction.candidates import (
    Candidate,
    Literals,
    clause_formula,
    rename,
    renamings,
)
from rmpcheck.engines.induction.relevance import Entry, Reads, touching
from rmpcheck.interp import Instance, State
from rmpcheck.interp.codegen import Compiler

MAX_LENGTH = 6  # literals per generated clause, an enum read's values counting once
BEAM = 3  # new clauses wanted per valuation: a few different ones per CTI
BEAM_MAX = 12  # first literals tried per valuation, when the clauses found are known
MAX_NODES = 20_000  # steps of the exact search for minimal covers, per valuation
MAX_EXACT = 40  # minimal covers kept per valuation


class Excluder:
    """Clauses over ``table``'s literals that exclude given states and hold on the sample."""

    def __init__(self, table: Literals, atoms: Sequence[ir.Expr]) -> None:
        self.table = table
        self.atoms = list(atoms)
        self._fns: dict[
            tuple[tuple[str, int], ...], list[tuple[list[int], Callable[..., Any]]]
        ] = {}
        lit_of = {a: i for i, a in enumerate(self.atoms)}
        # per literal: its atom's position, and the truth value that makes it false
        self._atom_of = [lit_of[a] for a, _ in table.lits]
        self._false_when = [p for _, p in table.lits]
        self.made: dict[ir.Expr, tuple[int, ...]] = {}  # each clause made: its literals
        self._last: tuple[Any, list[tuple[tuple[Any, ...], frozenset[int]]]] | None = None

    def _functions(self, inst: Instance) -> list[tuple[list[int], Callable[..., Any]]]:
        key = tuple(sorted(inst.sizes.sizes.items()))
        got = self._fns.get(key)
        if got is None:
            comp = Compiler(inst.system, inst.sizes)
            xs = self.table.xs
            got = []
            for a in self.atoms:
                own = [x for x in xs if x in ir.free_vars(a)]
                got.append(([xs.index(x) for x in own], comp.function(a, own)))
            self._fns[key] = got
        return got

    def valuations(self, inst: Instance) -> list[tuple[tuple[Any, ...], int]]:
        """Valuations of the variables with distinct, increasing elements per sort (a
        renaming of the variables gives the same clauses), and the bits of the variables
        left without an element (a sort smaller than its variables)."""
        xs = self.table.xs
        by_sort: dict[str, list[int]] = {}
        for i, x in enumerate(xs):
            assert isinstance(x.type, ir.SortType)
            by_sort.setdefault(x.type.name, []).append(i)
        parts = []
        for name, idx in by_sort.items():
            n = inst.sizes.sizes[name]
            used = idx[: min(n, len(idx))]
            unused = sum(1 << i for i in idx[len(used) :])
            parts.append([(used, c, unused) for c in itertools.combinations(range(n), len(used))])
        out = []
        for choice in itertools.product(*parts):
            val: list[Any] = [0] * len(xs)
            blocked = 0
            for used, elems, unused in choice:
                for i, e in zip(used, elems, strict=True):
                    val[i] = e
                blocked |= unused
            out.append((tuple(val), blocked))
        return out

    def false_literals(
        self, inst: Instance, s: State, val: Sequence[Any], blocked: int
    ) -> list[int]:
        fns = self._functions(inst)
        truth = [bool(f(s, *(val[i] for i in pos))) for pos, f in fns]
        t = self.table
        return [
            j
            for j in range(len(t.lits))
            if truth[self._atom_of[j]] != self._false_when[j] and not t.vars[j] & blocked
        ]

    def excluding(
        self,
        inst: Instance,
        s: State,
        deadline: Deadline,
        known: Collection[ir.Expr] = (),
        focus: tuple[Reads, set[Entry]] | None = None,
    ) -> list[Candidate]:
        """Short clauses false at ``s`` (under some valuation), true on the sample and not
        among ``known``, shortest first, one per renaming class. With ``focus`` (the
        entries the CTI's bad step depends on): every minimal clause over the literals
        that read only those entries; without: greedy covers over all literals."""
        found: dict[frozenset[tuple[ir.Expr, bool]], Candidate] = {}
        for val, blocked in self.valuations(inst):
            if deadline.expired():
                break
            allowed = self.false_literals(inst, s, val, blocked)
            if focus is None:
                self._beam(found, allowed, known)
                continue
            near = touching(focus[0], self.table.lits, allowed, s, val, focus[1])
            for combo in self._exact(near, deadline):
                self._add(found, combo, known)
        out = [c for c in found.values() if c.formula not in known]
        out.sort(key=lambda c: (c.literals, len(repr(c.formula))))
        return out

    def relevant(
        self, f: ir.Expr, inst: Instance, s: State, focus: tuple[Reads, set[Entry]]
    ) -> bool:
        """Is ``f`` (a clause this excluder made) false at ``s`` by literals that read
        only the focus entries? A formula it did not make counts as relevant."""
        combo = self.made.get(f)
        if combo is None:
            return True
        for val, allowed in self._falsified(inst, s):
            if allowed.issuperset(combo):
                near = touching(focus[0], self.table.lits, list(combo), s, val, focus[1])
                if len(near) == len(combo):
                    return True
        return False

    def _falsified(self, inst: Instance, s: State) -> list[tuple[tuple[Any, ...], frozenset[int]]]:
        """Per valuation, the literals false at ``s``: the same for every clause asked
        about one state (an SNP model: hundreds of candidates, each over every valuation
        of 640 literals, took minutes), so kept for the last state asked about."""
        key = (tuple(sorted(inst.sizes.sizes.items())), s)
        if self._last is None or self._last[0] != key:
            rows = [
                (val, frozenset(self.false_literals(inst, s, val, blocked)))
                for val, blocked in self.valuations(inst)
            ]
            self._last = (key, rows)
        return self._last[1]

    def _add(
        self,
        found: dict[frozenset[tuple[ir.Expr, bool]], Candidate],
        combo: Sequence[int],
        known: Collection[ir.Expr],
    ) -> bool:
        """Record a clause; True if it is new (neither found nor known)."""
        t = self.table
        key = _canonical(t, combo)
        if key in found:
            return False
        chosen = tuple(t.lits[j] for j in combo)
        c = Candidate(clause_formula(chosen), self.length(combo), chosen)
        found[key] = c
        self.made.setdefault(c.formula, tuple(combo))
        return c.formula not in known

    def _beam(
        self,
        found: dict[frozenset[tuple[ir.Expr, bool]], Candidate],
        allowed: Sequence[int],
        known: Collection[ir.Expr],
    ) -> None:
        """Greedy covers from a few different first literals (largest gain first)."""
        t = self.table
        if not allowed or t.full == 0:
            return
        gains = sorted(allowed, key=lambda j: (-t.masks[j].bit_count(), t.vars[j].bit_count(), j))
        new = 0
        for first in gains[:BEAM_MAX]:
            combo = self._greedy([first], allowed, MAX_LENGTH)
            if combo is not None and self._add(found, self._minimal(combo), known):
                new += 1
                if new >= BEAM:
                    return

    def _exact(self, allowed: Sequence[int], deadline: Deadline) -> list[tuple[int, ...]]:
        """Every minimal cover of the sample by ``allowed`` literals, up to MAX_LENGTH
        (an enum read's values counting once), within MAX_NODES steps of search."""
        t = self.table
        out: set[tuple[int, ...]] = set()
        budget = [MAX_NODES]
        # the allowed literals that cover a sample bit, per bit asked: the search asks
        # few distinct bits, and testing one bit of a long mask costs the mask's length
        covering: dict[int, list[int]] = {}

        # the clause's length (an enum read's values counting once) is carried along as
        # the set of reads it holds: recounting it per extension was most of the search
        # (as small ints: hashing the reads' expression trees was the other part)
        ids: dict[ir.Expr, int] = {}
        key = [-1 - j if r is None else ids.setdefault(r, len(ids)) for j, r in enumerate(t.reads)]

        def grow(combo: tuple[int, ...], miss: int, held: frozenset[int]) -> None:
            if budget[0] <= 0 or len(out) >= MAX_EXACT:
                return
            budget[0] -= 1
            if not miss:
                if self._irreducible(combo):
                    out.add(tuple(sorted(combo)))
                return
            if len(held) >= MAX_LENGTH and not self._same_read_helps(combo):
                return
            low = miss & -miss
            b = low.bit_length() - 1
            cover = covering.get(b)
            if cover is None:
                cover = covering[b] = [j for j in allowed if t.masks[j] & low]
            for j in cover:
                if j in combo:
                    continue
                k = key[j]
                if k in held:
                    grow((*combo, j), miss & ~t.masks[j], held)
                elif len(held) < MAX_LENGTH:
                    grow((*combo, j), miss & ~t.masks[j], held | {k})

        if t.full and not deadline.expired():
            grow((), t.full, frozenset())
        return sorted(out, key=lambda c: (self.length(c), len(c)))

    def _same_read_helps(self, combo: Sequence[int]) -> bool:
        # at the length limit only another value of an enum read already used may join
        return any(self.table.reads[j] is not None for j in combo)

    def _irreducible(self, combo: Sequence[int]) -> bool:
        return all(not self.table.holds([k for k in combo if k != j]) for j in combo)

    def learn(self, inst: Instance, states: Sequence[State]) -> None:
        """Add reachable states (an initial state Z3 found at other sizes) to the sample:
        no clause they violate is proposed again."""
        t = self.table
        got = sample.masks(inst.system, t.xs, self.atoms, [(inst, list(states))])
        assert got is not None  # no deadline given
        am, full = got
        n = full.bit_length()
        masks = [
            (m << n) | (am[self._atom_of[j]] if p else full ^ am[self._atom_of[j]])
            for j, (m, (_, p)) in enumerate(zip(t.masks, t.lits, strict=True))
        ]
        self.table = dataclasses.replace(t, masks=masks, full=(t.full << n) | full)

    def length(self, combo: Sequence[int]) -> int:
        reads = [self.table.reads[j] for j in combo]
        return len({r if r is not None else ("lit", j) for r, j in zip(reads, combo, strict=True)})

    def _greedy(
        self, start: list[int], allowed: Sequence[int], max_length: int
    ) -> tuple[int, ...] | None:
        t = self.table
        combo = list(start)
        miss = t.full
        for j in combo:
            miss &= ~t.masks[j]
        while miss:
            if self.length(combo) > max_length:
                return None
            best, gain = -1, 0
            for j in allowed:
                g = (t.masks[j] & miss).bit_count()
                if g > gain:
                    best, gain = j, g
            if best < 0:
                return None  # some sampled state agrees with s on every allowed literal
            combo.append(best)
            miss &= ~t.masks[best]
        return tuple(combo) if self.length(combo) <= max_length else None

    def _minimal(self, combo: tuple[int, ...]) -> tuple[int, ...]:
        """Without every literal the others can do without (the last picked go first:
        the first ones covered the most)."""
        keep = list(combo)
        for j in reversed(combo):
            rest = [k for k in keep if k != j]
            if rest and self.table.holds(rest):
                keep = rest
        return tuple(sorted(keep))


def _canonical(t: Literals, combo: Sequence[int]) -> frozenset[tuple[ir.Expr, bool]]:
    """One key per renaming class of the clause (the least of its renamings)."""
    lits = [t.lits[j] for j in combo]
    best: frozenset[tuple[ir.Expr, bool]] | None = None
    best_text = ""
    for env in renamings(t.xs):
        key = frozenset((rename(a, env), p) for a, p in lits)
        text = repr(sorted(repr(k) for k in key))
        if best is None or text < best_text:
            best, best_text = key, text
    assert best is not None
    return best
