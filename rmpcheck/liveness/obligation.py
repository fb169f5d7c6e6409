"""A liveness claim compiled for the engines: a system, a trigger, a goal, fairness.

Every shape is ``P ~> Q``: ``eventually Q`` is "the initial position ~> Q" and
``always eventually Q`` is "true ~> Q". The claim fails on a fair infinite run
with a position where P holds and no position from there on where Q does.
Runs are infinite: the system gets one action (ir.STUTTER_ACTION) enabled
exactly where no action of the model is, which changes nothing, so a run that
reaches such a state stays there forever (docs/liveness.md).

P and Q become state predicates over the system (a step formula through a
monitor that each step sets), with the claim's variables (its leading
``forall``s and the variables of its action patterns) left free: they are
fixed for the whole run, and the claim must hold for every value of them.

Symbolic engines track the obligation with one more monitor, ``pending``:
P held at some position and Q at none since (including now). The claim fails
exactly on a fair run along which pending holds from some point on; in a
finite instance, on a fair lasso whose loop stays pending.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from rmpcheck import ir
from rmpcheck.ir import BOOL, BoolLit, Expr
from rmpcheck.liveness.enabled import enabled, enabled_any
from rmpcheck.monitor import Monitor, Obligation, System, compile_predicates

TRUE, FALSE = BoolLit(True), BoolLit(False)


@dataclass(frozen=True, slots=True)
class Fair:
    """One fairness constraint as engines need it: an action, how fair, when enabled."""

    kind: ir.FairKind
    action: ir.Action
    enabled: Expr  # over the pre-state, the action's parameters free


@dataclass(frozen=True, slots=True)
class LiveObligation(Obligation):
    """A liveness claim: ``target`` is the goal Q; the trigger P holds at position 0
    where ``trigger_init`` does and at later positions where ``trigger`` does."""

    trigger_init: Expr = TRUE
    trigger: Expr = TRUE
    params: tuple[ir.BoundVar, ...] = ()
    fair: tuple[Fair, ...] = ()

    @property
    def goal(self) -> Expr:
        return self.target


def compile_liveness(
    model: ir.Model, props: ir.PropertySet, name: str, use_lemmas: bool = True
) -> LiveObligation:
    """The obligation of liveness claim ``name`` of ``props`` about ``model``."""
    prop = props.get(name)
    t = prop.temporal
    if t is None:
        raise ValueError(f"{name} is not a liveness claim")
    params = (*t.params, *prop.free)
    preds = [(t.goal, params, name)]
    if t.trigger is not None:
        preds.append((t.trigger, params, name))
    system, compiled, lemmas = compile_predicates(with_stutter(model), props, preds, use_lemmas)
    goal = compiled[0]
    trigger_init, trigger = {
        "eventually": (TRUE, FALSE),
        "always_eventually": (TRUE, TRUE),
        "leads_to": (compiled[-1], compiled[-1]),
    }[t.op]
    return LiveObligation(
        system,
        prop,
        "liveness",
        goal,
        tuple((n, e) for n, e in lemmas if n != name),
        trigger_init,
        trigger,
        params,
        fairness(model, props),
    )


def with_stutter(model: ir.Model) -> ir.Model:
    """``model`` with the action that keeps a deadlocked run where it is."""
    if any(a.name == ir.STUTTER_ACTOR for a in model.actors):
        return model
    body = (ir.Require(ir.Not(enabled_any(model))),)
    doc = "no action is enabled: the run stays in this state forever"
    name = ir.STUTTER_ACTION.partition(".")[2]
    stutter = ir.Action(ir.STUTTER_ACTOR, name, (), body, doc)
    return dataclasses.replace(
        model,
        actors=(*model.actors, ir.Actor(ir.STUTTER_ACTOR, "stutter")),
        actions=(*model.actions, stutter),
    )


def fairness(model: ir.Model, props: ir.PropertySet) -> tuple[Fair, ...]:
    """The fair actions, each once, with the strongest fairness declared for it."""
    strongest: dict[str, ir.FairKind] = {}
    for f in (*model.fairness, *props.fairness):
        if strongest.get(f.action) != "strong":
            strongest[f.action] = f.kind
    by_name = {a.full_name: a for a in model.actions}
    return tuple(Fair(k, by_name[a], enabled(by_name[a])) for a, k in strongest.items())


def pending(ob: LiveObligation) -> tuple[System, Expr]:
    """The system with the ``pending`` monitor added last (a map over the claim's
    variables), and the state predicate reading it."""
    taken = {d.name for d in ob.system.state}
    name = next(n for i in itertools.count() if (n := f"__pending{i or ''}") not in taken)
    t: ir.Type = ir.MapType(tuple(v.type for v in ob.params), BOOL) if ob.params else BOOL
    decl = ir.StateDecl(name, t)
    me = decl.ref()
    ref: Expr = ir.Select(me, ob.params) if ob.params else me
    init = ir.conj([ob.trigger_init, ir.Not(ob.goal)])
    nxt = ir.conj([ir.BinOp("or", ir.prime(ob.trigger), ref, BOOL), ir.Not(ir.prime(ob.goal))])
    mon = Monitor(decl, ob.params, init, nxt, ob.prop.name)
    system = dataclasses.replace(ob.system, monitors=(*ob.system.monitors, mon))
    return system, ref


def instances(
    action: ir.Action, domains: Mapping[ir.ScalarType, tuple[object, ...]]
) -> Iterator[tuple[object, ...]]:
    """Every argument tuple of ``action`` over the given finite domains."""
    return itertools.product(*(domains[p.type] for p in action.params))
