"""Houdini over a pool of candidate lemmas, and a small inductive subset of what survives.

Houdini keeps the largest subset of the candidates that, together with the
goals (target and user lemmas, which may not be dropped), is inductive:
whenever Z3 finds a state satisfying everything kept whose successor violates
some candidate, that state is read back and re-run on the interpreter, and
every candidate false in any of its successors is dropped (each such
successor is a counterexample to that candidate's induction, so no inductive
subset can contain it). If a goal is violated that way, no subset can help:
the goals' counterexample to induction is returned instead.

The surviving set is then cut down with unsat cores: starting from the goals,
add only the candidates some consecution proof actually used. What comes out
is a proposal; ``engines/inductive`` re-checks it with a fresh solver before
anything is called proved.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import z3

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.induction import relevance
from rmpcheck.engines.induction.cti import Cti, Named, instance, make_cti, shrink
from rmpcheck.engines.induction.generalize import Excluder
from rmpcheck.errors import InternalError
from rmpcheck.interp import Instance, State
from rmpcheck.monitor import Obligation
from rmpcheck.smt.epr import readback
from rmpcheck.smt.epr.induction import Induction, ask
from rmpcheck.smt.epr.transition import Transition

CHUNK = 24  # candidates per initiation query
CONE_CHUNK = 4  # candidates per consecution query: each shares the query's unsat core
TRIMS = 3  # re-asks that shrink a core which brings new candidates into Houdini's closure
QUERY_S = 10.0  # one Houdini query; past it, inference gives up ("unknown")
# a solver's counterexample with more elements than this in a sort is shrunk before its
# successors are replayed: the replay enumerates every action instance, and Z3 can answer
# with 15 nodes (consensus: 14 s of Python for one state)
REPLAY_ELEMENTS = 4


INSTANCES = 8  # interpreter instances (one per size the solver's models have) kept

GOALS = -1  # the goals' entry in Houdini.proofs
EXCLUSIONS = 6  # goal CTIs excluded by new clauses in one Houdini run
EXCLUDE_SHARE = 0.1  # of the time left at the first such CTI: for excluding more of them
EXCLUDE_BEAM = 6  # clauses added per CTI excluded (shortest first)


def _has_exists(f: ir.Expr) -> bool:
    """Whether ``f`` reads an ``exists`` (or a ``forall`` under a negation): one that a
    Skolem function stands for where ``f`` is assumed."""

    def walk(e: ir.Expr, positive: bool) -> bool:
        if isinstance(e, ir.Quant):
            if (e.kind == "exists") == positive:
                return True
            return walk(e.body, positive)
        if isinstance(e, ir.Not):
            return walk(e.arg, not positive)
        if isinstance(e, ir.BinOp) and e.op == "implies":
            return walk(e.left, not positive) or walk(e.right, positive)
        if isinstance(e, ir.BinOp) and e.op in ("and", "or"):
            return walk(e.left, positive) or walk(e.right, positive)
        # anything else (==, ite) reads its quantifiers both ways
        return any(isinstance(x, ir.Quant) for x in ir.walk(e))

    return walk(f, True)


def _flag_index(flag: z3.ExprRef) -> int:
    return int(str(flag).split("!")[1])


def query_ms(deadline: Deadline) -> int:
    r = deadline.remaining()
    return int(1000 * (QUERY_S if r is None else min(r, QUERY_S))) or 1


@dataclass
class Inferred:
    status: Literal["found", "failed", "unknown"]
    lemmas: list[Named] = field(default_factory=list)
    reason: str = ""
    cti: Cti | None = None
    stats: dict[str, Any] = field(default_factory=dict)


class Houdini:
    def __init__(
        self,
        ob: Obligation,
        ind: Induction,
        goals: Sequence[Named],
        cands: Sequence[ir.Expr],
        insts: dict[tuple[tuple[str, int], ...], Instance],
        given: int = 0,
    ) -> None:
        self.ob, self.ind, self.goals = ob, ind, list(goals)
        self.cands = list(cands)
        self.given = given  # the first candidates are lemmas the property file gives
        self.active = set(range(len(cands)))
        self.insts = insts
        self.rounds = 0
        u = ind.u
        self.flags = [z3.Bool(f"cand!{i}", u.ctx) for i in range(len(cands))]
        self.solvers: dict[int, z3.Solver] = {}
        # told every initial state Z3 finds (a real state, at sizes the sample may lack)
        self.on_initial: Callable[[Instance, State], None] | None = None
        # (action, candidate or GOALS) -> the kept candidates a proof of its consecution used
        self.proofs: dict[tuple[int, int], frozenset[int]] = {}
        # per candidate: whether it reads an ``exists`` (see _plain), found when asked
        self._existential: dict[int, bool] | None = None

    def inst(self, sizes: dict[str, int]) -> Instance:
        key = tuple(sorted(sizes.items()))
        got = self.insts.pop(key, None)
        if got is None:
            got = instance(self.ob, sizes)
            # each instance compiles every candidate it checks: keep the latest few
            while len(self.insts) >= INSTANCES:
                self.insts.pop(next(iter(self.insts)))
        self.insts[key] = got  # (most recently used last)
        return got

    def solver(self, k: int, tr: Transition, timeout_ms: int | None) -> z3.Solver:
        """Per action: pre-state axioms, goals, ``flag_i -> candidate_i`` and the step."""
        s = self.solvers.get(k)
        if s is None:
            s = self.ind.step_solver([f for _, f in self.goals], tr, timeout_ms)
            for flag, c in zip(self.flags, self.cands, strict=True):
                s.add(z3.Implies(flag, self.ind.now(c)))
            self.solvers[k] = s
        elif timeout_ms is not None:
            s.set("timeout", timeout_ms)
        return s

    def extend(self, cands: Sequence[ir.Expr]) -> list[int]:
        """Add candidates to the pool (kept), in every solver made so far; their indices."""
        u = self.ind.u
        start = len(self.cands)
        for i, c in enumerate(cands, start):
            flag = z3.Bool(f"cand!{i}", u.ctx)
            self.cands.append(c)
            self.flags.append(flag)
            self.active.add(i)
            for s in self.solvers.values():
                s.add(z3.Implies(flag, self.ind.now(c)))
        return list(range(start, len(self.cands)))

    def assumptions(self) -> list[z3.BoolRef]:
        return [self.flags[i] for i in sorted(self.active)]

    def drop_false(
        self, inst: Instance, states: Sequence[State], deadline: Deadline | None = None
    ) -> int:
        """Drop the kept candidates some state violates; with a deadline, stop when it
        passes (each drop alone is sound: the candidate is false in that state)."""
        gone: set[int] = set()
        for i in sorted(self.active):
            if deadline is not None and deadline.expired():
                break
            if not all(inst.holds(self.cands[i], t) for t in states):
                gone.add(i)
        self.active -= gone
        return len(gone)

    # ------------------------------------------------------------ phases

    def chunks(self, only: Sequence[int] | None = None) -> list[list[int]]:
        """The kept candidates (of ``only``) in groups: one disjunction over hundreds of
        negated quantified formulas is much harder for Z3 than a few dozen small ones."""
        act = sorted(self.active if only is None else self.active & set(only))
        return [act[i : i + CHUNK] for i in range(0, len(act), CHUNK)] or [[]]

    def initiation(self, deadline: Deadline, only: Sequence[int] | None = None) -> str | None:
        """Drop candidates (of ``only``) some initial state violates; a reason if stuck."""
        for chunk in self.chunks(only):
            # a state found for an earlier chunk may have dropped some of this one
            chunk = [i for i in chunk if i in self.active]
            while chunk:
                out = self.ind.initiation([self.cands[i] for i in chunk], query_ms(deadline))
                if out.status == "unknown":
                    return f"initiation of candidates: {out.reason}"
                if out.status == "holds":
                    break
                st = readback.structure(self.ind.u, out.model)
                s = readback.state(self.ind.u, st, self.ind.init_vocab, self.ob.system.state)
                if self.on_initial is not None:
                    self.on_initial(self.inst(st.sizes), s)
                if not self.drop_false(self.inst(st.sizes), [s]):
                    raise InternalError("houdini: an initial state from Z3 violates no candidate")
                chunk = [i for i in chunk if i in self.active]
        return None

    def cone(self, deadline: Deadline) -> Cti | str | set[int]:
        """The candidates the goals' induction needs, each shown inductive in turn.

        Lazy Houdini: prove the goals' consecution assuming every kept candidate; the
        unsat cores name the candidates those proofs used, whose consecution is proved
        next, and so on until the used set is closed. It is then inductive with the
        goals: each member's proofs used only members. A candidate whose proof fails
        is dropped, with everything else the counterexample's successors violate, and
        only the proofs that used a dropped candidate are redone. Most candidates are
        never asked about: Houdini over all of them costs a query per candidate and
        action, and one over hundreds of quantified assumptions is not cheap."""
        while True:
            need = self._closure()
            work = [
                (k, [i for i in sorted(need) if not self._proved(k, i)])
                for k in range(len(self.ind.transitions))
            ]
            work = [(k, w) for k, w in work if w or not self._proved(k, GOALS)]
            if not work:
                return need
            for k, pending in work:
                tr = self.ind.transitions[k]
                if deadline.expired():
                    return f"timeout after {deadline.elapsed():.1f} s"
                got = self._step(k, tr, pending[:CONE_CHUNK], deadline, need)
                if isinstance(got, (Cti, str)):
                    return got
                if got:
                    break  # candidates went: recompute what is needed

    def _closure(self) -> set[int]:
        """The kept candidates reachable from the goals through valid proofs' cores."""
        need: set[int] = set()
        todo = [GOALS]
        while todo:
            i = todo.pop()
            for k in range(len(self.ind.transitions)):
                if self._proved(k, i):
                    for j in self.proofs[(k, i)] - need:
                        need.add(j)
                        todo.append(j)
        return need

    def _proved(self, k: int, i: int) -> bool:
        core = self.proofs.get((k, i))
        return core is not None and core <= self.active

    def _step(
        self,
        k: int,
        tr: Transition,
        chunk: Sequence[int],
        deadline: Deadline,
        need: set[int] | None = None,
    ) -> Cti | str | bool:
        """One query for action ``tr``: can it break a goal or a candidate of ``chunk``?
        False if not (the proof's core is recorded), True if candidates were dropped, a
        goal's CTI, or why it is stuck.

        The query first assumes only what the closure already needs (``need``) and the
        chunk: a proof from those adds nothing to the closure. Only if that fails are
        all kept candidates assumed, and a core that brings new candidates in is then
        trimmed (asked again with its own members only, which gives a smaller core): an
        unsat core over two thousand assumptions names hundreds, each of which the
        closure would then have to prove for every action."""
        self.rounds += 1
        s = self.solver(k, tr, query_ms(deadline))
        posts = [z3.Not(self.ind.after(f, tr)) for _, f in self.goals]
        posts += [z3.Not(self.ind.after(self.cands[i], tr)) for i in chunk]
        s.push()
        s.add(self.ind.u.disj(posts))
        try:
            inside = (need or set()) | set(chunk)
            if need is not None:
                out = ask(s, [self.flags[i] for i in sorted(inside & self.active)])
                if out.status == "holds":
                    self._record(k, chunk, s.unsat_core())
                    return False
                self.rounds += 1
            out = ask(s, self.assumptions())
            if out.status == "holds":
                core = s.unsat_core()
                for _ in range(TRIMS):
                    if need is None or {_flag_index(f) for f in core} <= inside:
                        break
                    self.rounds += 1
                    if ask(s, list(core)).status != "holds":
                        break  # (the solver gave up on the smaller query: keep the core)
                    smaller = s.unsat_core()
                    if len(smaller) >= len(core):
                        break
                    core = smaller
                self._record(k, chunk, core)
                return False
            if out.status == "unknown":
                plain = self._plain(s, inside, deadline)
                if plain is not None:
                    self._record(k, chunk, plain)
                    return False
                bounded = self._bounded(s, deadline)
                if bounded is None:
                    return f"consecution of {tr.action.full_name}: {out.reason}"
                return self._learn(tr, bounded, deadline)
            model = out.model
            if (
                max(readback.structure(self.ind.u, model).sizes.values(), default=0)
                > REPLAY_ELEMENTS
            ):
                model = shrink(self.ind, out, deadline, self.assumptions())
            return self._learn(tr, model, deadline)
        finally:
            s.pop()

    def _plain(self, s: z3.Solver, inside: set[int], deadline: Deadline) -> list[z3.BoolRef] | None:
        """The core of a proof that assumes, besides ``inside``, only the kept candidates
        with no ``exists`` (None if there is none): hundreds of assumptions Z3 gave up
        on can be decided once the Skolem functions of the forall-exists ones are out
        (Paxos: three hundred clauses and one quorum lemma). A proof from fewer
        assumptions is a proof; no model of the smaller query is used, since its
        pre-state need not satisfy what was left out."""
        if deadline.expired():
            return None
        if self._existential is None:
            self._existential = {}
        flags = []
        for i in sorted(self.active):
            ex = self._existential.get(i)
            if ex is None:
                ex = self._existential[i] = _has_exists(self.cands[i])
            if i in inside or not ex:
                flags.append(self.flags[i])
        if len(flags) == len(self.active):
            return None  # the same query again
        s.set("timeout", query_ms(deadline))
        return list(s.unsat_core()) if ask(s, flags).status == "holds" else None

    def _bounded(self, s: z3.Solver, deadline: Deadline) -> z3.ModelRef | None:
        """A model of the query Z3 gave up on, asked again with at most REPLAY_ELEMENTS
        elements per sort (a finite model is easier to find; any model is a
        counterexample to learn from: Houdini's drops need a state, not a smallest
        one); None if there is none within the bound, which proves nothing."""
        if deadline.expired():
            return None
        s.push()
        try:
            for name in self.ind.u.sorts:
                s.add(self.ind.u.cardinality(name, REPLAY_ELEMENTS))
            s.set("timeout", query_ms(deadline))
            return s.model() if ask(s, self.assumptions()).status == "fails" else None
        finally:
            s.pop()

    def _record(self, k: int, chunk: Sequence[int], flags: Sequence[z3.BoolRef]) -> None:
        core = frozenset(_flag_index(f) for f in flags)
        for i in (*chunk, GOALS):
            self.proofs[(k, i)] = core

    def _learn(self, tr: Transition, model: z3.ModelRef, deadline: Deadline) -> Cti | str | bool:
        """Drop what the model's successors violate (True), or a goal's CTI. A model that
        does not check on the interpreter stops inference as "unknown": Houdini's drops are
        sound only for states the interpreter confirms."""
        u, decls = self.ind.u, self.ob.system.state
        st = readback.structure(u, model)
        pre = readback.state(u, st, self.ind.pre, decls)
        inst = self.inst(st.sizes)
        kept = [f for _, f in self.goals] + [self.cands[i] for i in self.active]
        if not all(inst.holds(f, pre) for f in kept):
            return f"a pre-state from the solver ({tr.action.full_name}) does not check"
        # the replay is Python over the solver's structure, which can be large (Paxos):
        # it honours the deadline as the queries do. Successors are checked as they come,
        # not kept: at the solver's sizes an action can have hundreds of thousands
        goals = [(n, inst.predicate(f)) for n, f in self.goals]
        left = {i: inst.predicate(self.cands[i]) for i in sorted(self.active)}
        gone: set[int] = set()
        for ai, t in inst.successors(pre):
            if deadline.expired():
                break
            bad = tuple(n for n, g in goals if not g(t))
            if bad:
                return make_cti(inst, self.ob, pre, ai, t, bad)
            for i in [i for i, p in left.items() if not p(t)]:
                gone.add(i)
                del left[i]
        # each drop alone is sound (the candidate is false in a successor of a state
        # satisfying everything kept), even when the deadline cut the replay short
        self.active -= gone
        if gone:
            return True
        if deadline.expired():
            return f"timeout after {deadline.elapsed():.1f} s"
        return f"the solver's successor under {tr.action.full_name} breaks nothing on replay"

    # --------------------------------------------------------- minimising

    def minimal(self, need: set[int], deadline: Deadline) -> list[int]:
        """A small subset of ``need`` (inductive with the goals) that still is: the
        closure of the goals under minimised unsat cores over ``need`` alone, then
        greedily without each longest candidate. Removing one re-proves only the
        consecutions whose core used it, and keeps the new cores."""
        forms: dict[int, ir.Expr] = {GOALS - j: f for j, (_, f) in enumerate(self.goals)}
        cores: dict[tuple[int, int], set[int]] = {}
        keep: set[int] = set()
        todo = list(forms)
        while todo:
            fid = todo.pop()
            for k, tr in enumerate(self.ind.transitions):
                core = self._core(k, tr, forms.get(fid, self.cands[fid]), need, deadline)
                if isinstance(core, str):
                    return sorted(need)  # the solver gave up: keep what is known to work
                cores[(fid, k)] = core
                for i in core - keep:
                    keep.add(i)
                    todo.append(i)
        # the given lemmas (first in the pool) go last: a certificate reuses what the
        # property file already states rather than adding a new lemma for it
        for i in sorted(keep, key=lambda j: (j < self.given, -len(repr(self.cands[j])))):
            rest = keep - {i}
            redo: dict[tuple[int, int], set[int]] = {}
            for (fid, k), core in cores.items():
                if i not in core or fid == i:
                    continue
                tr = self.ind.transitions[k]
                got = self._core(k, tr, forms.get(fid, self.cands[fid]), rest, deadline)
                if isinstance(got, str):
                    break
                redo[(fid, k)] = got
            else:
                keep = rest
                cores = {key: c for key, c in cores.items() if key[0] != i}
                cores.update(redo)
        return sorted(keep)

    def _core(
        self, k: int, tr: Transition, f: ir.Expr, using: set[int], deadline: Deadline
    ) -> set[int] | str:
        """The candidates (among ``using``) that one proof of ``f``'s consecution used."""
        s = self.solver(k, tr, query_ms(deadline))
        s.set("core.minimize", True)  # small cores make a small certificate
        s.push()
        s.add(z3.Not(self.ind.after(f, tr)))
        out = ask(s, [self.flags[i] for i in sorted(using)])
        core = s.unsat_core() if out.status == "holds" else []
        s.pop()
        if out.status != "holds":
            return f"re-deriving the proof of {tr.action.full_name}: {out.status} {out.reason}"
        return {_flag_index(flag) for flag in core}


def houdini(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    pool: Sequence[Named],
    deadline: Deadline,
    insts: dict[tuple[tuple[str, int], ...], Instance] | None = None,
    given: int = 0,
    excluder: Excluder | None = None,
) -> Inferred:
    """A small subset of ``pool`` that is inductive with ``goals``: found (the subset,
    named: a pool entry without a name is called ``inferred_N``), failed (with the
    goals' CTI relative to every candidate that survived) or unknown. The first
    ``given`` entries are kept in preference to the others. With an ``excluder``, a
    goal's CTI that every kept candidate allows brings in clauses that exclude it and
    hold on the sample (at most EXCLUSIONS times, while EXCLUDE_SHARE of the time
    lasts), and Houdini goes on with what it has proved and dropped so far, where the
    CTI-guided search (engines/induction/search) starts from nothing assumed."""
    h = Houdini(ob, ind, goals, [f for _, f in pool], {} if insts is None else insts, given)
    stuck = h.initiation(deadline)
    got = h.cone(deadline) if stuck is None else stuck
    excluded = 0
    # a claim that is false ends with a CTI nothing excludes: a short leash for all of
    # it (the clauses, their initiation, the cone again), so that what comes after (the
    # search, the instance's bmc) keeps its time however loaded the machine is
    left = deadline.remaining()
    leash = Deadline(None if left is None else left * EXCLUDE_SHARE)
    last = got
    while isinstance(got, Cti) and excluder is not None and excluded < EXCLUSIONS:
        new = _exclude(h, got, excluder, leash)
        if not new or leash.expired():
            break
        excluded += 1
        stuck = h.initiation(leash, new)
        got = h.cone(leash) if stuck is None else stuck
        if isinstance(got, Cti):
            last = got
    if isinstance(got, str) and leash.expired() and not deadline.expired():
        # out of its share, not of the caller's time: Houdini's answer is the CTI it had
        # (no subset of what it kept excludes it), and the caller's next phase goes on
        got = last
    stats: dict[str, Any] = {"houdini_pool": len(pool), "houdini_queries": h.rounds}
    if excluder is not None:
        stats["excluded_ctis"] = excluded
    stats["kept"] = len(h.active)
    return conclude(h, got, [n for n, _ in pool], deadline, stats)


def _exclude(h: Houdini, cti: Cti, excluder: Excluder, deadline: Deadline) -> list[int]:
    """Add to ``h`` a few clauses false at the CTI's pre-state and true on the sample,
    those about what its bad step depends on first; their indices."""
    inst = h.inst(dict(cti.sizes))
    succ = list(inst.successors(cti.pre))
    goals = [f for _, f in h.goals]
    focus = relevance.focus(inst, cti.pre, succ, goals, excluder.table.xs)
    known = set(h.cands)
    made = excluder.excluding(inst, cti.pre, deadline, known, focus) if focus else []
    if not made:
        made = excluder.excluding(inst, cti.pre, deadline, known)
    return h.extend([c.formula for c in made[:EXCLUDE_BEAM]])


def conclude(
    h: Houdini,
    got: Cti | str | set[int],
    names: Sequence[str],
    deadline: Deadline,
    stats: dict[str, Any],
) -> Inferred:
    """The outcome of a search over ``h``'s pool: a goal's CTI (failed), a reason
    (unknown), or a set inductive with the goals, minimised and named (a pool entry
    without a name, and every candidate made during the search, is ``inferred_N``)."""
    if isinstance(got, Cti):
        reason = f"no subset of the {len(h.cands)} candidates is inductive"
        return Inferred("failed", reason=reason, cti=got, stats=stats)
    if isinstance(got, str):
        return Inferred("unknown", reason=got, stats=stats)
    need = h.minimal(got, deadline)
    taken = set(names)
    fresh = (f"inferred_{k}" for k in itertools.count(1) if f"inferred_{k}" not in taken)
    lemmas = [((names[i] if i < len(names) else "") or next(fresh), h.cands[i]) for i in need]
    stats["used"] = len(lemmas)
    return Inferred("found", lemmas, stats=stats)
