"""Compile properties into monitor state, so every engine checks plain state predicates.

Positions. A run is s0 -a1-> s1 -a2-> ... -an-> sn. A *state* formula
(invariant, lemma, state cover or assume) is evaluated at positions 0..n:
unprimed variables read s_i and ``host.write(t)`` asks whether a_i was that
action instance (false at position 0). A *step* formula (``always``, a cover or
assume with primes or a bare action pattern) is evaluated at positions 1..n:
unprimed variables read s_{i-1}, primed ones s_i, and actions match a_i.

Every past-time node P gets a monitor m_P holding P's value at the current
position, updated inside every step from the pre-state monitors and the
step itself (no unrolling): ``once a``: m' = m or a; ``historically a``:
m' = m and a; ``a since b``: m' = b or (a and m); ``prev a``: m' = a at the
previous position. A node with free variables (``once host.psc(p)`` under
``forall p``) gets a map from their types to bool.

A step property ``always f`` becomes a monitor ``ok`` with ``ok' = f`` at each
step; the obligation is then the state predicate ``ok``. A step cover becomes
``hit' = c`` and the reach goal ``hit``. After compilation an obligation is a
transition system plus one state predicate: every engine needs nothing more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from rmpcheck import ir
from rmpcheck.ir import (
    BOOL,
    ActionIs,
    BinOp,
    BoolLit,
    BoundVar,
    Expr,
    MapType,
    Model,
    Past,
    Property,
    PropertySet,
    Quant,
    Select,
    StateDecl,
    StateVar,
)

Context = Literal["state", "step"]


@dataclass(frozen=True, slots=True)
class Monitor:
    """Extra state that a property needs: a bool, or a map from ``params``' types to bool.

    ``init`` is its value in the initial state (unprimed vocabulary, may read
    monitors listed before it). ``next`` is its value after a step: it may read
    the pre-state (unprimed), the post-state including the post-values of
    monitors listed before it (primed), and the step itself (``ActionIs``).
    Both are expressions over ``params``.
    """

    decl: StateDecl
    params: tuple[BoundVar, ...]
    init: Expr
    next: Expr
    origin: str = ""
    # the past-time formula (over params) whose value this is, for showing it to a
    # person; None for a step claim's flag and other helpers
    source: Expr | None = None

    def ref(self, primed: bool = False) -> Expr:
        v = self.decl.ref(primed)
        return Select(v, self.params) if self.params else v

    def shown(self, args: Sequence[Expr] | None = None) -> Expr:
        """The monitor's value as a person reads it, at ``args`` (default: its parameters):
        its past-time formula, or a phrase naming the claim (never an internal name)."""
        if self.source is not None:
            at = dict(zip(self.params, args or self.params, strict=True))
            return ir.substitute(self.source, at)
        base = self.decl.name.lstrip("_").rstrip("0123456789_")
        what = {"ok": "held at the last step", "hit": "was reached at the last step"}
        phrase = f"({self.origin} {what.get(base, base)})"
        return StateVar(phrase, BOOL)  # printed as it is: a phrase in parentheses


@dataclass(frozen=True, slots=True)
class System:
    """The model plus monitors and assumptions: the transition system engines check.

    Its state is ``model.state`` followed by the monitors' variables. Runs
    count only where every state satisfies ``state_assumes`` and every step
    ``step_assumes`` (a transition predicate in the vocabulary of ``Monitor.next``).
    """

    model: Model
    monitors: tuple[Monitor, ...] = ()
    state_assumes: tuple[Expr, ...] = ()
    step_assumes: tuple[Expr, ...] = ()

    @property
    def state(self) -> tuple[StateDecl, ...]:
        return self.model.state + tuple(m.decl for m in self.monitors)


@dataclass(frozen=True, slots=True)
class Obligation:
    """One question for an engine.

    ``safety``: ``target`` holds in every reachable state (proved/refuted).
    ``reach``: some reachable state satisfies ``target`` (covered/uncoverable).
    ``lemmas`` are state predicates over the same system that a prover may
    assume as strengthening; each is its own obligation too, so using them is
    sound only once they are all proved (the gate checks that).
    """

    system: System
    prop: Property
    kind: Literal["safety", "reach", "liveness"]
    target: Expr
    lemmas: tuple[tuple[str, Expr], ...] = field(default=())

    @property
    def model(self) -> Model:
        return self.system.model


def context_of(prop: Property) -> Context:
    """``always`` is a step formula; a cover or assume is one when it needs a step."""
    if prop.kind == "always":
        return "step"
    if prop.kind in ("cover", "assume") and _needs_step(prop.formula):
        return "step"
    return "state"


def _needs_step(e: Expr) -> bool:
    """Primes anywhere, or an action pattern outside any past-time operator.

    ``once host.free(p)`` is a fine state formula (a monitor remembers the
    step), but ``once x'`` reads a post-state, which only a step has.
    """
    if isinstance(e, StateVar):
        return e.primed
    if isinstance(e, ActionIs):
        return True
    if isinstance(e, Past):
        return any(isinstance(x, StateVar) and x.primed for a in e.args for x in ir.walk(a))
    return any(_needs_step(c) for c in ir.children(e))


class _Compiler:
    def __init__(self, taken: set[str]) -> None:
        self.monitors: list[Monitor] = []
        self.taken = taken

    def fresh(self, base: str) -> str:
        name, i = f"__{base}", 0
        while name in self.taken:
            i += 1
            name = f"__{base}_{i}"
        self.taken.add(name)
        return name

    def new_monitor(
        self,
        base: str,
        params: tuple[BoundVar, ...],
        init: Expr,
        nxt: Expr,
        origin: str,
        source: Expr | None = None,
    ) -> Monitor:
        name = self.fresh(base)
        t = MapType(tuple(p.type for p in params), BOOL) if params else BOOL
        m = Monitor(StateDecl(name, t), params, init, nxt, origin, source)
        self.monitors.append(m)
        return m

    def at_step(self, e: Expr, ctx: Context, origin: str) -> Expr:
        """``e`` at position i as a transition predicate (pre = s_{i-1}, post = s_i)."""

        def f(x: Expr) -> Expr | None:
            if isinstance(x, Past):
                return self.past(x, ctx, origin).ref(primed=True)
            if isinstance(x, StateVar) and ctx == "state":
                return ir.prime(x)
            return None

        return ir.transform(e, f)

    def at_init(self, e: Expr, origin: str) -> Expr:
        """A state formula at position 0: no step has run, so no action matches."""

        def f(x: Expr) -> Expr | None:
            if isinstance(x, Past):
                return self.past(x, "state", origin).ref()
            if isinstance(x, ActionIs):
                return BoolLit(False, x.span)
            return None

        return ir.transform(e, f)

    def at_state(self, e: Expr, origin: str) -> Expr:
        """A state formula at the current position, as a predicate on the extended state."""

        def f(x: Expr) -> Expr | None:
            if isinstance(x, Past):
                return self.past(x, "state", origin).ref()
            return None

        return ir.transform(e, f)

    def past(self, p: Past, ctx: Context, origin: str) -> Monitor:
        params = tuple(sorted(ir.free_vars(p), key=lambda v: v.name))
        a = p.args[0]
        now = self.at_step(a, ctx, origin)
        first = self.at_init(a, origin) if ctx == "state" else None
        if p.op == "once":
            init = first if first is not None else BoolLit(False)
            nxt = _or(_self_ref(params), now)
            return self.new_monitor("once", params, init, nxt, origin, p)
        if p.op == "historically":
            init = first if first is not None else BoolLit(True)
            nxt = _and(_self_ref(params), now)
            return self.new_monitor("hist", params, init, nxt, origin, p)
        if p.op == "since":
            b = p.args[1]
            b_now = self.at_step(b, ctx, origin)
            init = self.at_init(b, origin) if ctx == "state" else BoolLit(False)
            nxt = _or(b_now, _and(now, _self_ref(params)))
            return self.new_monitor("since", params, init, nxt, origin, p)
        assert p.op == "prev"
        if ctx == "state" and not ir.has(a, (ActionIs, Past)):
            # a's value one position back is a itself read in the pre-state
            return self.new_monitor("prev", params, BoolLit(False), a, origin, p)
        last_init = first if first is not None else BoolLit(False)
        last = self.new_monitor("last", params, last_init, now, origin, a)
        return self.new_monitor("prev", params, BoolLit(False), last.ref(), origin, p)


# A monitor's own pre-value, written before its name exists; see _resolve_self.
_SELF = "__self__"


def _self_ref(params: tuple[BoundVar, ...]) -> Expr:
    if not params:
        return StateVar(_SELF, BOOL)
    return Select(StateVar(_SELF, MapType(tuple(p.type for p in params), BOOL)), params)


def _or(a: Expr, b: Expr) -> Expr:
    return BinOp("or", a, b, BOOL)


def _and(a: Expr, b: Expr) -> Expr:
    return BinOp("and", a, b, BOOL)


def _resolve_self(m: Monitor) -> Monitor:
    def f(x: Expr) -> Expr | None:
        if isinstance(x, StateVar) and x.name == _SELF:
            return StateVar(m.decl.name, m.decl.type, False, x.span)
        return None

    return Monitor(m.decl, m.params, m.init, ir.transform(m.next, f), m.origin, m.source)


def _close(prop: Property, body: Expr) -> Expr:
    if not prop.free:
        return body
    kind: Literal["forall", "exists"] = "exists" if prop.kind == "cover" else "forall"
    return Quant(kind, prop.free, body, prop.span)


def compile_obligation(
    model: Model,
    props: PropertySet,
    name: str,
    use_lemmas: bool = True,
    context: Context | None = None,
) -> Obligation:
    """The obligation for property ``name``: its monitors, the set's assumptions,
    and (if ``use_lemmas``) the set's lemmas other than itself. ``context``
    overrides the formula's own (rmpcheck.vacuity asks, at a step, covers
    derived from an ``always`` claim that read one state)."""
    prop = props.get(name)
    if prop.kind == "assume":
        raise ValueError(f"{name} is an assumption, not a claim")
    if prop.kind == "liveness":
        raise ValueError(f"{name} is a liveness claim: rmpcheck.liveness compiles it")
    comp = _Compiler({d.name for d in model.state})
    state_assumes, step_assumes = _assumptions(comp, props)
    lemmas: list[tuple[str, Expr]] = []
    if use_lemmas:
        for lem in props.properties:
            if lem.kind == "lemma" and lem.name != name:
                lemmas.append((lem.name, comp.at_state(_close(lem, lem.formula), lem.name)))
    target = _target(comp, prop, context or context_of(prop))
    system = _system(model, comp, state_assumes, step_assumes)
    kind: Literal["safety", "reach"] = "reach" if prop.kind == "cover" else "safety"
    return Obligation(system, prop, kind, target, tuple(lemmas))


def compile_together(
    model: Model, props: PropertySet, claims: Sequence[tuple[Property, Context]]
) -> tuple[System, tuple[Expr, ...]]:
    """One system with the monitors of every claim (named apart) and ``props``'
    assumptions, and each claim's target in it: for symbolic engines, which
    pay per transition relation built, not per monitor."""
    comp = _Compiler({d.name for d in model.state})
    state_assumes, step_assumes = _assumptions(comp, props)
    targets = tuple(_target(comp, p, ctx) for p, ctx in claims)
    return _system(model, comp, state_assumes, step_assumes), targets


def compile_predicates(
    model: Model,
    props: PropertySet,
    preds: Sequence[tuple[Expr, tuple[BoundVar, ...], str]],
    lemmas: bool = False,
) -> tuple[System, tuple[Expr, ...], tuple[tuple[str, Expr], ...]]:
    """One system with ``props``' assumptions and each predicate (formula, variables it
    may keep free, origin) as a state predicate over it, for liveness claims: a step
    formula becomes a monitor over its free variables that each step sets to the
    formula's value at that step (false in the initial state: no step has run).
    With ``lemmas``, the set's lemmas too."""
    comp = _Compiler({d.name for d in model.state})
    state_assumes, step_assumes = _assumptions(comp, props)
    out: list[Expr] = []
    for e, keep, origin in preds:
        if not _needs_step(e):
            out.append(comp.at_state(e, origin))
            continue
        params = tuple(v for v in keep if v in ir.free_vars(e))
        now = comp.at_step(e, "step", origin)
        out.append(comp.new_monitor("now", params, BoolLit(False), now, origin, e).ref())
    found = [
        (lem.name, comp.at_state(_close(lem, lem.formula), lem.name))
        for lem in props.properties
        if lemmas and lem.kind == "lemma"
    ]
    return _system(model, comp, state_assumes, step_assumes), tuple(out), tuple(found)


def _assumptions(comp: _Compiler, props: PropertySet) -> tuple[list[Expr], list[Expr]]:
    state_assumes: list[Expr] = []
    step_assumes: list[Expr] = []
    for a in props.properties:
        if a.kind != "assume":
            continue
        f = _close(a, a.formula)
        if context_of(a) == "step":
            step_assumes.append(comp.at_step(f, "step", a.name))
        else:
            state_assumes.append(comp.at_state(f, a.name))
    return state_assumes, step_assumes


def _target(comp: _Compiler, prop: Property, context: Context) -> Expr:
    """The state predicate that answers ``prop``: the formula, or for a step
    formula the monitor (ok, or hit for a cover) that the last step set."""
    formula = _close(prop, prop.formula)
    if context == "step":
        step_value = comp.at_step(formula, "step", prop.name)
        if prop.kind != "cover":
            return comp.new_monitor("ok", (), BoolLit(True), step_value, prop.name).ref()
        return comp.new_monitor("hit", (), BoolLit(False), step_value, prop.name).ref()
    return comp.at_state(formula, prop.name)


def _system(
    model: Model, comp: _Compiler, state_assumes: list[Expr], step_assumes: list[Expr]
) -> System:
    monitors = tuple(_resolve_self(m) for m in comp.monitors)
    return System(model, monitors, tuple(state_assumes), tuple(step_assumes))
