"""CTI-guided search: assume candidate lemmas only as counterexamples ask for them.

Houdini over a large pool asks Z3 about every candidate and keeps hundreds of
true but irrelevant ones; a proof then drags them in through unsat cores. Here
nothing is assumed at first. Each round asks, per action, whether a state
satisfying the goals and the candidates chosen so far has a successor breaking
one of them. Such a state ``s`` (read back and re-run on the interpreter) is
a counterexample to induction, and it is excluded:

1. by a candidate of the pool false at ``s`` (the shortest first): it is
   chosen, once no initial state violates it;
2. else by new clauses false at ``s`` that hold on the sample, of any length
   (engines/induction/generalize), added to the pool;
3. else ``s`` satisfies every candidate there is. If a successor breaks a
   goal, no subset of the pool helps: that CTI is the answer. Otherwise
   every candidate false in a successor is dropped, as Houdini would (no
   inductive subset of the pool contains it).

Each round adds a candidate or drops one, so the search ends; what is chosen
when no action has a CTI left is inductive with the goals, and goes on to
Houdini's minimisation and then to the engine's fresh re-check.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import z3

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.induction import relevance
from rmpcheck.engines.induction.candidates import Candidate
from rmpcheck.engines.induction.cti import Cti, Named, make_cti, shrink
from rmpcheck.engines.induction.generalize import Excluder
from rmpcheck.engines.induction.houdini import Houdini, Inferred, conclude, query_ms
from rmpcheck.interp import Instance
from rmpcheck.monitor import Obligation
from rmpcheck.smt.epr import readback
from rmpcheck.smt.epr.induction import Induction, ask
from rmpcheck.smt.epr.transition import Transition

SEARCH_SHARE = 0.25  # of inference's time; the enumerated templates get the rest
# and at most this many seconds: on the protocol suite every search that succeeded took
# under 1 CPU s, and every one that failed used its whole share (30 s of a 120 s budget)
# before the families after it found the proof
SEARCH_CAP_S = 6.0
INIT_MS = 2_000  # one candidate's initiation query
PICK = 1  # candidates chosen per CTI: more converges in fewer rounds, but drags more in


class Search(Houdini):
    def __init__(
        self,
        ob: Obligation,
        ind: Induction,
        goals: Sequence[Named],
        cands: Sequence[ir.Expr],
        sizes: Sequence[int],
        insts: dict[tuple[tuple[str, int], ...], Instance],
        excluder: Excluder | None,
        given: int = 0,
    ) -> None:
        super().__init__(ob, ind, goals, cands, insts, given)
        self.size = list(sizes)  # per candidate: its length, for picking the shortest
        self.excluder = excluder
        self.chosen: set[int] = set()
        self.known = set(self.cands)
        self.generated = 0
        if excluder is not None:
            self.on_initial = lambda inst, s: excluder.learn(inst, [s])

    def run(self, deadline: Deadline) -> Cti | str | set[int]:
        """Rounds over the actions until none has a CTI: the chosen set, a goal's CTI
        that nothing in reach excludes, or why the search is stuck."""
        while True:
            quiet = True
            for k, tr in enumerate(self.ind.transitions):
                while True:
                    if deadline.expired():
                        return f"timeout after {deadline.elapsed():.1f} s"
                    got = self._round(k, tr, deadline)
                    if got is None:
                        break
                    quiet = False
                    if not isinstance(got, bool):
                        return got
            if quiet:
                return set(self.chosen)

    def _round(self, k: int, tr: Transition, deadline: Deadline) -> Cti | str | bool | None:
        """One query for ``tr``; None if it breaks nothing assumed."""
        self.rounds += 1
        s = self.solver(k, tr, query_ms(deadline))
        chosen = sorted(self.chosen)
        posts = [z3.Not(self.ind.after(f, tr)) for _, f in self.goals]
        posts += [z3.Not(self.ind.after(self.cands[i], tr)) for i in chosen]
        s.push()
        s.add(self.ind.u.disj(posts))
        out = ask(s, [self.flags[i] for i in chosen])
        # the fewest elements per sort: a small CTI is read faster, and its clauses are
        # about the few elements the bad step needs
        flags = [self.flags[i] for i in chosen]
        model = shrink(self.ind, out, deadline, flags) if out.status == "fails" else None
        s.pop()
        if out.status == "holds":
            return None
        if model is None:
            return f"consecution of {tr.action.full_name}: {out.reason}"
        return self._exclude(tr, model, deadline)

    def _exclude(self, tr: Transition, model: z3.ModelRef, deadline: Deadline) -> Cti | str | bool:
        u, decls = self.ind.u, self.ob.system.state
        st = readback.structure(u, model)
        pre = readback.state(u, st, self.ind.pre, decls)
        inst = self.inst(st.sizes)
        kept = [f for _, f in self.goals] + [self.cands[i] for i in self.chosen]
        if not all(inst.holds(f, pre) for f in kept):
            return f"a pre-state from the solver ({tr.action.full_name}) does not check"
        options = [i for i in self.active - self.chosen if not inst.holds(self.cands[i], pre)]
        succ = list(inst.successors(pre))
        ex = self.excluder
        focus = relevance.focus(inst, pre, succ, kept, ex.table.xs) if ex is not None else None
        # most telling first: what the bad step depends on, from the pool, then made
        # for it; only then anything that excludes the state at all
        tiers: list[Callable[[], list[int]]] = []
        if ex is not None and focus is not None:
            tiers.append(lambda: self._relevant(ex, options, inst, pre, focus, deadline))
            tiers.append(lambda: self._made(ex.excluding(inst, pre, deadline, self.known, focus)))
        tiers.append(lambda: options)
        if ex is not None:
            tiers.append(lambda: self._made(ex.excluding(inst, pre, deadline, self.known)))
        for tier in tiers:
            picks = tier()
            while picks:
                pick = self._initial(sorted(picks, key=self._rank)[:PICK], deadline)
                if pick:
                    self.chosen.update(pick)
                    return True
                picks = [i for i in picks if i in self.active]
        for ai, t in succ:
            bad = tuple(n for n, f in self.goals if not inst.holds(f, t))
            if bad:
                return make_cti(inst, self.ob, pre, ai, t, bad)
        if self.drop_false(inst, [t for _, t in succ], deadline):
            self.chosen &= self.active
            return True
        if deadline.expired():
            # the candidates were not all checked: nothing is known to disagree
            return f"timeout after {deadline.elapsed():.1f} s"
        return f"the solver's successor under {tr.action.full_name} breaks nothing on replay"

    def _relevant(
        self,
        ex: Excluder,
        options: Sequence[int],
        inst: Instance,
        pre: Any,
        focus: Any,
        deadline: Deadline,
    ) -> list[int]:
        """The candidates of ``options`` false at ``pre`` by what the bad step depends on;
        as many as the deadline allows."""
        out = []
        for i in options:
            if deadline.expired():
                break
            if ex.relevant(self.cands[i], inst, pre, focus):
                out.append(i)
        return out

    def _made(self, made: Sequence[Candidate]) -> list[int]:
        """Add clauses the excluder made to the pool; their indices."""
        self.known.update(c.formula for c in made)
        self.size += [c.literals for c in made]
        self.generated += len(made)
        return self.extend([c.formula for c in made])

    def _initial(self, pick: Sequence[int], deadline: Deadline) -> list[int]:
        """The candidates of ``pick`` no initial state violates; the others are dropped.
        One query each, briefly: an initial condition with a quantifier alternation can
        keep Z3 long on a false candidate, and one it cannot decide is of no use anyway
        (the final re-check would have to decide it too)."""
        for i in pick:
            if i not in self.active:
                continue
            out = self.ind.initiation([self.cands[i]], min(query_ms(deadline), INIT_MS))
            if out.status == "holds":
                continue
            if out.status == "fails":
                st = readback.structure(self.ind.u, out.model)
                s = readback.state(self.ind.u, st, self.ind.init_vocab, self.ob.system.state)
                if self.on_initial is not None:
                    self.on_initial(self.inst(st.sizes), s)
                self.drop_false(self.inst(st.sizes), [s])
            self.active.discard(i)
        return [i for i in pick if i in self.active]

    def _rank(self, i: int) -> tuple[int, int, int]:
        """The property file's lemmas first, then the shortest, the fewest variables."""
        f = self.cands[i]
        return (0 if i < self.given else self.size[i], len(ir.free_vars(_body(f))), len(repr(f)))


def _body(f: ir.Expr) -> ir.Expr:
    return f.body if isinstance(f, ir.Quant) else f


def search(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    pool: Sequence[tuple[Named, int]],
    deadline: Deadline,
    insts: dict[tuple[tuple[str, int], ...], Instance],
    excluder: Excluder | None,
    given: int = 0,
) -> Inferred:
    """Lemmas from ``pool`` (each with its length) and clauses made for CTIs that, with
    ``goals``, are inductive: found, failed (a goal's CTI nothing excludes) or unknown."""
    names = [n for (n, _), _ in pool]
    h = Search(
        ob, ind, goals, [f for (_, f), _ in pool], [k for _, k in pool], insts, excluder, given
    )
    left = deadline.remaining()
    share = Deadline(None if left is None else min(left * SEARCH_SHARE, SEARCH_CAP_S))
    got = h.run(share)
    if isinstance(got, str) and share.expired() and not deadline.expired():
        # out of its share: the caller's other templates get the rest of the time
        got = f"the search ran out of its share of the time ({share.elapsed():.1f} s)"
        return Inferred("failed", reason=got, stats={"search_queries": h.rounds})
    stats: dict[str, Any] = {"search_pool": len(pool), "search_queries": h.rounds}
    stats.update(generated=h.generated, chosen=len(h.chosen), dropped=len(h.cands) - len(h.active))
    return conclude(h, got, names, deadline, stats)
