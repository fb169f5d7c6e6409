"""Which entries of a CTI's pre-state its bad step depends on, and which atoms read them.

A counterexample to induction is a state ``s`` with a step to a state that
breaks a formula. Most of ``s`` has nothing to do with it: a lemma that
excludes ``s`` by some unrelated entry (a vCPU's PSC operation, when a page
fault is the problem) is true, excludes this one state, and the next CTI
differs only there. IC3 lifts a CTI to the part that matters with the
solver; here the interpreter does it: an entry of ``s`` (one map key, or a
scalar) is *relevant* when some other value of it removes the violation (the
same action and arguments then are disabled, or no longer break the formula).
Candidate clauses are then built from literals that read relevant entries
(engines/induction/generalize), the way a person reads a trace: what made
this step bad?

A violation with two independent causes has no single relevant entry for
either; then nothing is relevant and the caller falls back to every literal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rmpcheck import ir
from rmpcheck.interp import ActionInstance, Instance, State
from rmpcheck.interp.codegen import Compiler

Entry = tuple[int, int]  # (state variable, row-major key index; 0 for a scalar)


def relevant(
    inst: Instance, s: State, ai: ActionInstance, bad: Callable[[State], bool]
) -> set[Entry]:
    """The entries of ``s`` that some other value of would make ``ai`` not lead to a
    state where ``bad`` holds."""
    out: set[Entry] = set()
    for i, d in enumerate(inst.decls):
        if isinstance(d.type, ir.MapType):
            vals = inst.sizes.domain(d.type.value).values
            for k, v in enumerate(s[i]):
                if len(vals) < 2:
                    # no other value to try (a sort shrunk to one element): a larger
                    # instance might well have one, so the entry may matter
                    out.add((i, k))
                for alt in vals:
                    if alt != v and not _still_bad(inst, _set(s, i, k, alt), ai, bad):
                        out.add((i, k))
                        break
        else:
            if inst.sizes.domain(d.type).size < 2:
                out.add((i, 0))
            for alt in inst.sizes.domain(d.type).values:
                if alt != s[i] and not _still_bad(inst, _set(s, i, None, alt), ai, bad):
                    out.add((i, 0))
                    break
    return out


def _set(s: State, i: int, k: int | None, v: Any) -> State:
    t = list(s)
    if k is None:
        t[i] = v
    else:
        row = list(s[i])
        row[k] = v
        t[i] = tuple(row)
    return tuple(t)


def _still_bad(inst: Instance, s: State, ai: ActionInstance, bad: Callable[[State], bool]) -> bool:
    return any(bad(t) for _, t in inst.step(s, ai.action, ai.args))


class Reads:
    """The entries an atom reads at a state under a valuation of its variables."""

    def __init__(self, inst: Instance, xs: Sequence[ir.BoundVar]) -> None:
        self.inst = inst
        self.xs = list(xs)
        self._comp = Compiler(inst.system, inst.sizes)
        self._index = {d.name: i for i, d in enumerate(inst.decls)}
        self._plans: dict[ir.Expr, list[tuple[int, list[Callable[..., Any]], dict]]] = {}

    def _plan(self, atom: ir.Expr) -> list[tuple[int, list[Callable[..., Any]], dict]]:
        got = self._plans.get(atom)
        if got is not None:
            return got
        got = []
        for x in ir.walk(atom):
            if isinstance(x, ir.Select) and isinstance(x.map, ir.StateVar):
                i = self._index[x.map.name]
                t = self.inst.decls[i].type
                assert isinstance(t, ir.MapType)
                where = {k: n for n, k in enumerate(self.inst.sizes.keys(t))}
                got.append((i, [self._comp.function(a, self.xs) for a in x.args], where))
            elif isinstance(x, ir.StateVar) and not isinstance(
                self.inst.decls[self._index[x.name]].type, ir.MapType
            ):
                got.append((self._index[x.name], [], {(): 0}))
        self._plans[atom] = got
        return got

    def of(self, atom: ir.Expr, s: State, val: Sequence[Any]) -> set[Entry]:
        out = set()
        for i, args, where in self._plan(atom):
            key = tuple(f(s, *val) for f in args)
            k = where.get(key)
            if k is not None:
                out.add((i, k))
        return out


def touching(
    reads: Reads,
    lits: Sequence[tuple[ir.Expr, bool]],
    allowed: Sequence[int],
    s: State,
    val: Sequence[Any],
    rel: set[Entry],
) -> list[int]:
    """The literals of ``allowed`` whose atom reads only relevant entries (or no state
    at all: ``g1 == g2``)."""
    cache: dict[ir.Expr, bool] = {}
    out = []
    for j in allowed:
        a = lits[j][0]
        if a not in cache:
            got = reads.of(a, s, val)
            cache[a] = got <= rel
        if cache[a]:
            out.append(j)
    return out


def focus(
    inst: Instance,
    pre: State,
    succ: Sequence[tuple[ActionInstance, State]],
    kept: Sequence[ir.Expr],
    xs: Sequence[ir.BoundVar],
) -> tuple[Reads, set[Entry]] | None:
    """The entries of ``pre`` its first step that breaks a formula of ``kept`` depends
    on, with a reader of atoms over ``xs`` at this instance; None if that step has no
    single cause (or no step breaks anything)."""
    for ai, t in succ:
        broken = [f for f in kept if not inst.holds(f, t)]
        if broken:
            preds = [inst.predicate(f) for f in broken]

            def bad(x: State, preds: list = preds) -> bool:
                return not all(p(x) for p in preds)

            rel = relevant(inst, pre, ai, bad)
            return (Reads(inst, xs), rel) if rel else None
    return None
