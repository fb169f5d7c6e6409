"""Deciding many automatic covers at one instance, sharing the search.

Covers without past-time operators need no monitor: a state cover is a
predicate on a reachable state, a step cover one on a reachable step (pre-state,
action instance, post-state). So one breadth-first search of the instance
decides all of them at once, evaluating each on every state and step it
meets until every cover is found or the state space is exhausted (then the
rest are uncoverable at the instance). A cover with a past-time operator
needs its monitors, which would multiply the states of a shared search: each
gets a search of its own. The searches are explicit (rmpcheck.engines.explicit)
under a state limit, so the answer never depends on the machine's speed;
past the limit the instance counts as too large, and the covers left go to
bmc (which can find a cover, never rule one out) and then to the fallback
engine, which can prove one uncoverable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rmpcheck import ir
from rmpcheck.engines import registry
from rmpcheck.engines.base import Deadline, Options, instance_scope
from rmpcheck.engines.explicit import explore
from rmpcheck.errors import EngineError
from rmpcheck.interp import Instance, State
from rmpcheck.monitor import Context, Obligation, compile_obligation
from rmpcheck.result import Scope, Verdict


@dataclass(frozen=True, slots=True)
class Cover:
    """A cover to decide: ``exists free. body``, at a state or at a step."""

    name: str
    body: ir.Expr
    free: tuple[ir.BoundVar, ...]
    context: Context

    @property
    def closed(self) -> ir.Expr:
        return ir.Quant("exists", self.free, self.body) if self.free else self.body

    @property
    def past(self) -> bool:
        return ir.has(self.body, ir.Past)


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict  # covered, uncoverable or unknown
    scope: Scope | None = None
    reason: str = ""
    engine: str = "explicit"


@dataclass(frozen=True, slots=True)
class Limits:
    """What deciding covers may spend."""

    max_states: int  # explicit search: past this many states the instance is too large
    depth: int  # bmc's bound when the instance is too large
    fallback: str  # the engine that may prove a cover uncoverable after bmc
    deadline: Deadline  # the wall-clock safety net: running out gives unknown


def decide(
    model: ir.Model,
    props: ir.PropertySet,
    covers: Sequence[Cover],
    sizes: Mapping[str, int],
    limits: Limits,
) -> list[Decision]:
    """A decision for each cover, in order; ``props`` gives the assumptions."""
    out: dict[int, Decision] = {}
    plain = [i for i, c in enumerate(covers) if not c.past]
    if plain:
        out.update(_shared(model, props, covers, plain, sizes, limits))
    for i, c in enumerate(covers):
        if c.past:
            out[i] = _alone(model, props, c, sizes, limits)
    for i, d in out.items():
        if d.verdict == "unknown" and not limits.deadline.expired():
            out[i] = _fallback(model, props, covers[i], sizes, limits, d.reason)
    return [out[i] for i in range(len(covers))]


def _options(limits: Limits) -> Options:
    return Options(timeout_s=limits.deadline.remaining(), extra={"max_states": limits.max_states})


def _shared(
    model: ir.Model,
    props: ir.PropertySet,
    covers: Sequence[Cover],
    which: Sequence[int],
    sizes: Mapping[str, int],
    limits: Limits,
) -> dict[int, Decision]:
    base = _base(model, props)
    try:
        inst = Instance(base.system, sizes)
        watch = _Watch(inst, [(i, covers[i]) for i in which])
        opts = _options(limits)
        space = explore(inst, base, opts, limits.deadline, stop_at_hit=False, watch=watch)
    except EngineError as e:
        return {i: Decision("unknown", reason=str(e)) for i in which}
    found = {i: Decision("covered", instance_scope(sizes)) for i in watch.hits}
    if space.stopped:
        rest = Decision("unknown", reason=f"explicit search stopped: {space.stopped}")
    else:
        rest = Decision("uncoverable", instance_scope(sizes))
    return {i: found.get(i, rest) for i in which}


def _alone(
    model: ir.Model, props: ir.PropertySet, c: Cover, sizes: Mapping[str, int], limits: Limits
) -> Decision:
    ob = obligation(model, props, c)
    try:
        inst = Instance(ob.system, sizes)
        space = explore(inst, ob, _options(limits), limits.deadline)
    except EngineError as e:
        return Decision("unknown", reason=str(e))
    if space.hit is not None:
        return Decision("covered", instance_scope(sizes))
    if space.stopped:
        return Decision("unknown", reason=f"explicit search stopped: {space.stopped}")
    return Decision("uncoverable", instance_scope(sizes))


def _fallback(
    model: ir.Model,
    props: ir.PropertySet,
    c: Cover,
    sizes: Mapping[str, int],
    limits: Limits,
    why: str,
) -> Decision:
    """The instance is too large to search: bmc may find the cover, the fallback
    engine may prove it uncoverable; else it stays unknown, with both reasons."""
    ob = obligation(model, props, c)
    reason = why
    for engine in ("bmc", limits.fallback):
        opts = Options(depth=limits.depth, timeout_s=limits.deadline.remaining())
        try:
            r = registry.run(engine, ob, sizes, opts)
        except EngineError as e:
            reason += f"; {engine}: {e}"
            continue
        if r.verdict in ("covered", "uncoverable"):
            return Decision(r.verdict, r.scope, engine=engine)
        reason += f"; {engine}: {r.describe()}"
        if limits.deadline.expired():
            break
    return Decision("unknown", reason=reason)


def obligation(model: ir.Model, props: ir.PropertySet, c: Cover) -> Obligation:
    """The cover as the engines take it: the claim's context, the set's assumptions."""
    prop = ir.Property("cover", c.name, c.body, c.free)
    return compile_obligation(model, _with(props, (prop,)), c.name, False, c.context)


def _base(model: ir.Model, props: ir.PropertySet) -> Obligation:
    """The model under the set's assumptions, with no property: what the shared search runs."""
    prop = ir.Property("cover", "__reach", ir.BoolLit(True))
    return compile_obligation(model, _with(props, (prop,)), prop.name, use_lemmas=False)


def _with(props: ir.PropertySet, covers: tuple[ir.Property, ...]) -> ir.PropertySet:
    assumes = tuple(p for p in props.properties if p.kind == "assume")
    return ir.PropertySet(props.model, assumes + covers, props.file, props.instances)


@dataclass
class _Watch:
    """Evaluates every cover on every state and step the search meets."""

    inst: Instance
    covers: list[tuple[int, Cover]]
    hits: set[int] = field(default_factory=set)
    on_state: list[tuple[int, Callable[[State], Any]]] = field(default_factory=list)
    on_step: list[list[tuple[int, Callable[..., Any]]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        actions = self.inst.model.actions
        self.on_step = [[] for _ in actions]
        for i, c in self.covers:
            e = c.closed
            if c.context == "state":
                self.on_state.append((i, self.inst.predicate(e)))
                continue
            for k, a in enumerate(actions):
                if possible(e, a.full_name):
                    self.on_step[k].append((i, self.inst.step_predicate(e, a)))

    @property
    def done(self) -> bool:
        return len(self.hits) == len(self.covers)

    @property
    def exprs(self) -> Sequence[ir.Expr]:
        return [c.closed for _, c in self.covers]

    def state(self, s: State) -> None:
        for i, f in self.on_state:
            if f(s):
                self._hit(i)

    def step(self, s: State, action: int, args: tuple[Any, ...], t: State) -> None:
        for i, f in self.on_step[action]:
            if f(s, t, *args):
                self._hit(i)

    def _hit(self, i: int) -> None:
        # a found cover is never evaluated again: drop it from every list
        self.hits.add(i)
        self.on_state = [x for x in self.on_state if x[0] != i]
        self.on_step = [[x for x in fs if x[0] != i] for fs in self.on_step]


def possible(e: ir.Expr, action: str) -> bool:
    """Can ``e`` hold at a step of ``action``? False when it needs another action's
    pattern to hold (syntactically: patterns of other actions are false there)."""
    return _fold(e, action) is not False


def _fold(e: ir.Expr, action: str) -> bool | None:
    """``e``'s value at any step of ``action`` when its connectives decide it, else None."""
    if isinstance(e, ir.BoolLit):
        return e.value
    if isinstance(e, ir.ActionIs):
        return False if e.action != action else None
    if isinstance(e, ir.Not):
        v = _fold(e.arg, action)
        return None if v is None else not v
    if isinstance(e, ir.Quant):
        return _fold(e.body, action)
    if isinstance(e, ir.BinOp) and e.op in ("and", "or", "implies"):
        a, b = _fold(e.left, action), _fold(e.right, action)
        if e.op == "implies":
            a = None if a is None else not a
        # one operand with this value decides (false for and, true for or);
        # both with the other value decide the other way
        decides = e.op != "and"
        if a is decides or b is decides:
            return decides
        if a is (not decides) and b is (not decides):
            return not decides
    return None
