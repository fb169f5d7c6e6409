"""An obligation's transition system at fixed sizes: init, transition relation, predicates.

``T(v, w, L)`` is a disjunction over the model's actions (grounded over
their argument tuples when there are few, see GROUND_LIMIT): the selector in
``L`` names the action, whose guard holds for its parameters in ``L``, whose
written locations take their post-values and whose other locations keep
their pre-values (the frame). Monitors are updated outside the disjunction:
``Monitor.next`` reads the pre-state, the post-state and the labels (an
action pattern is true only when the selector and arguments match), which is
the same value in every disjunct. Runs count only where every state satisfies
the state assumptions and every step the step assumptions (monitor.System),
so ``T`` requires both of its post-state and :func:`init` of its state.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from math import prod

import z3

from rmpcheck import ir
from rmpcheck.interp.values import Sizes
from rmpcheck.monitor import Monitor, System
from rmpcheck.smt.actions import encode_action
from rmpcheck.smt.terms import Env, formula
from rmpcheck.smt.vocab import (
    Labels,
    Layout,
    Vocabulary,
    labels,
    labels_domain,
    layout,
    state_domain,
    value,
    vocab,
)
from rmpcheck.smt.width import width

# An action with at most this many argument tuples gets one disjunct per tuple,
# its parameters pinned to literals: every map access at a parameter is then a
# plain constant instead of an if-then-else chain. On the race (Page=6,
# Thread=3) that made bmc to depth 10 five times faster and pdr no slower
# (benchmarks/bench_symbolic.py). Beyond it the disjuncts would outgrow the gain.
GROUND_LIMIT = 64


@dataclass(frozen=True, slots=True, eq=False)
class Transition:
    """``T(v, w, L)`` and its auxiliary constants (labels and hidden choices),
    which a CHC rule must quantify and a trace reads the action from."""

    formula: z3.BoolRef
    aux: tuple[z3.ExprRef, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Encoding:
    """The system of an obligation at fixed sizes, as pure functions of vocabularies."""

    system: System
    lay: Layout

    @property
    def sizes(self) -> Sizes:
        return self.lay.sizes

    def vocab(self, step: int | str) -> Vocabulary:
        return vocab(self.lay, step)

    def labels(self, step: int | str) -> Labels:
        return labels(self.lay, step)

    def holds(self, e: ir.Expr, v: Vocabulary) -> z3.BoolRef:
        """A state predicate at ``v`` (action patterns are false there, as in the interpreter)."""
        return formula(e, Env(self.lay, v))

    def state_ok(self, v: Vocabulary) -> z3.BoolRef:
        """``v`` is a state of the instance that the assumptions allow."""
        env = Env(self.lay, v)
        return z3.And(
            state_domain(self.lay, v), *(formula(a, env) for a in self.system.state_assumes)
        )

    def init(self, v: Vocabulary) -> z3.BoolRef:
        env = Env(self.lay, v)
        parts = [self.state_ok(v), *(formula(e, env) for e in self.system.model.init)]
        for m in self.system.monitors:
            parts += _monitor_eqs(self.lay, m, m.init, env, v)
        return z3.And(parts)

    def instances(self, a: ir.Action) -> list[tuple[z3.ExprRef, ...] | None]:
        """The argument tuples to ground ``a`` over, or [None]: keep them symbolic."""
        doms = [self.sizes.domain(p.type).values for p in a.params]
        if prod(len(d) for d in doms) > GROUND_LIMIT:
            return [None]
        return [
            tuple(value(p.type, x, self.lay.width) for p, x in zip(a.params, combo, strict=True))
            for combo in itertools.product(*doms)
        ]

    def trans(self, v: Vocabulary, w: Vocabulary, lab: Labels) -> Transition:
        model = self.system.model
        aux = {c.get_id(): c for c in lab.constants()}
        parts = [labels_domain(self.lay, lab)]
        disjuncts = []
        for i, a in enumerate(model.actions):
            for pinned in self.instances(a):
                args = lab.params[i] if pinned is None else pinned
                env = Env(self.lay, v, None, lab, dict(zip(a.params, args, strict=True)))
                st = encode_action(a, env)
                aux.update((c.get_id(), c) for c in st.choices)
                parts.append(st.choice_domain)
                pins = [c == x for c, x in zip(lab.params[i], pinned or (), strict=False)]
                frame = [
                    wc == post
                    for d in model.state
                    for wc, post in zip(
                        w.values[d.name], st.post.get(d.name, v.values[d.name]), strict=True
                    )
                ]
                disjuncts.append(z3.And(lab.selector == i, *pins, st.guard, *frame))
        parts.append(z3.Or(disjuncts))
        step = Env(self.lay, v, w, lab)
        for m in self.system.monitors:
            parts += _monitor_eqs(self.lay, m, m.next, step, w)
        parts += [formula(a, step) for a in self.system.step_assumes]
        parts.append(self.state_ok(w))
        return Transition(z3.And(parts), tuple(aux.values()))


def _monitor_eqs(
    lay: Layout, m: Monitor, e: ir.Expr, env: Env, out: Vocabulary
) -> list[z3.BoolRef]:
    """``out``'s entries of monitor ``m`` equal ``e`` at each key of its parameters."""
    eqs = []
    cs = out.values[m.decl.name]
    if not m.params:
        return [cs[0] == formula(e, env)]
    t = m.decl.type
    assert isinstance(t, ir.MapType)
    for c, key in zip(cs, lay.sizes.keys(t), strict=True):
        bound = [(p, value(p.type, k, lay.width)) for p, k in zip(m.params, key, strict=True)]
        eqs.append(c == formula(e, env.bind(bound)))
    return eqs


def encoding(
    system: System,
    sizes: Mapping[str, int] | Sizes,
    finite_for: Sequence[ir.Expr] | None = None,
) -> Encoding:
    """The encoding of ``system`` at ``sizes`` (checked against the model's sorts).

    Over Z3 Int unless ``finite_for`` is given: then over bit-vectors wide
    enough for the system and those expressions (the claim, its lemmas),
    to be solved by :func:`rmpcheck.smt.solving.finite_solver`.
    """
    sz = sizes if isinstance(sizes, Sizes) else Sizes(system.model, sizes)
    bits = None if finite_for is None else width(system, sz.sizes, finite_for)
    return Encoding(system, layout(system, sz, bits))
