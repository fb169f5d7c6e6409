"""The typed transition system every consumer reads.

``lang`` produces these nodes from text (or ``rmpcheck.build`` from Python);
``monitor`` compiles properties into extra state; ``interp``, ``smt`` and every
engine read the same frozen tree. Every node a user wrote carries its span.

Semantics in brief (docs/language.md has the long form):

* One step runs one action instance; its parameters are chosen
  nondeterministically. Every right-hand side and condition in a step reads
  the pre-state. Two writes to the same location in one step: the later one
  in program order wins.
* ``require`` is a guard. A ``require`` under an ``if`` branch guards only the
  executions that take that branch; under a ``forall``, it must hold for
  every element; after a ``choose``, it constrains the choice.
* An assignment that would put a bounded int outside its range disables the
  action instance (it is an implicit guard), so every engine agrees on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Literal

from rmpcheck.errors import NO_SPAN, Span

# --------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class BoolType:
    def __str__(self) -> str:
        return "bool"


@dataclass(frozen=True, slots=True)
class IntType:
    """The integers lo..hi inclusive."""

    lo: int
    hi: int

    def __str__(self) -> str:
        return f"{self.lo}..{self.hi}"


@dataclass(frozen=True, slots=True)
class EnumType:
    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class SortType:
    """An uninterpreted sort: finite in an instance, unbounded in a parametric proof."""

    name: str

    def __str__(self) -> str:
        return self.name


ScalarType = BoolType | IntType | EnumType | SortType


@dataclass(frozen=True, slots=True)
class MapType:
    """A total map from one or more finite key types to a scalar value type."""

    keys: tuple[ScalarType, ...]
    value: ScalarType

    def __str__(self) -> str:
        return f"{', '.join(map(str, self.keys))} -> {self.value}"


Type = BoolType | IntType | EnumType | SortType | MapType

BOOL = BoolType()


# --------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class BoolLit:
    value: bool
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def type(self) -> Type:
        return BOOL


@dataclass(frozen=True, slots=True)
class IntLit:
    value: int
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def type(self) -> Type:
        return IntType(self.value, self.value)


@dataclass(frozen=True, slots=True)
class EnumLit:
    enum: EnumType
    member: str
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def type(self) -> Type:
        return self.enum

    @property
    def index(self) -> int:
        return self.enum.members.index(self.member)


@dataclass(frozen=True, slots=True)
class StateVar:
    """A state variable (or monitor) read in the pre-state, or the post-state if primed."""

    name: str
    type: Type
    primed: bool = False
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class BoundVar:
    """An action parameter, a quantified variable, a choice, or a property's free variable."""

    name: str
    type: ScalarType
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Select:
    """``m[k1, ..., kn]``: read a map-typed state variable at keys."""

    map: StateVar
    args: tuple[Expr, ...]
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def type(self) -> Type:
        assert isinstance(self.map.type, MapType)
        return self.map.type.value


@dataclass(frozen=True, slots=True)
class Not:
    arg: Expr
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def type(self) -> Type:
        return BOOL


BoolOp = Literal["and", "or", "implies", "iff"]
CmpOp = Literal["==", "!=", "<", "<=", ">", ">="]
ArithOp = Literal["+", "-"]


@dataclass(frozen=True, slots=True)
class BinOp:
    """Boolean connectives, comparisons and bounded-int arithmetic.

    ``type`` is the result type: BOOL for connectives and comparisons; for
    arithmetic, an IntType wide enough for every result (unbounded ints are
    never needed because operands are bounded).
    """

    op: str
    left: Expr
    right: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Ite:
    cond: Expr
    then: Expr
    else_: Expr
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Quant:
    """``forall``/``exists`` over sorts, enums, bool or bounded ints."""

    kind: Literal["forall", "exists"]
    vars: tuple[BoundVar, ...]
    body: Expr
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def type(self) -> Type:
        return BOOL


@dataclass(frozen=True, slots=True)
class ActionIs:
    """In a property: the step that just ran is ``action`` with these arguments.

    ``None`` in ``args`` is a wildcard (``_``). False at the initial state.
    """

    action: str
    args: tuple[Expr | None, ...]
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def type(self) -> Type:
        return BOOL


@dataclass(frozen=True, slots=True)
class Past:
    """A past-time operator: ``prev a``, ``once a``, ``historically a``, ``a since b``.

    Only in properties; :mod:`rmpcheck.monitor` replaces each with monitor state.
    For ``since``, ``args`` is (a, b): b held at some position, and a at every
    position after it.
    """

    op: Literal["prev", "once", "historically", "since"]
    args: tuple[Expr, ...]
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def type(self) -> Type:
        return BOOL


Expr = (
    BoolLit | IntLit | EnumLit | StateVar | BoundVar | Select
    | Not | BinOp | Ite | Quant | ActionIs | Past
)


def expr_type(e: Expr) -> Type:
    return e.type


# ---------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class Require:
    cond: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Assign:
    """``x := e`` or ``m[k1, ..., kn] := e``; ``e`` reads the pre-state."""

    target: StateVar
    indices: tuple[Expr, ...]
    value: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class If:
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Choose:
    """``choose x: T where e { body }``: pick any x satisfying e; none disables the step.

    The choice is nondeterministic and recorded in traces. Under a ``forall``
    each element makes its own choice (a havoc of a whole map).
    """

    var: BoundVar
    where: Expr | None
    body: tuple[Stmt, ...]
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class ForallStmt:
    """A bulk update: run ``body`` for every element of the variables' types at once."""

    vars: tuple[BoundVar, ...]
    body: tuple[Stmt, ...]
    span: Span = field(default=NO_SPAN, compare=False)


Stmt = Require | Assign | If | Choose | ForallStmt


# -------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class StateDecl:
    name: str
    type: Type
    span: Span = field(default=NO_SPAN, compare=False)

    def ref(self, primed: bool = False) -> StateVar:
        return StateVar(self.name, self.type, primed)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who performs actions; ``role`` picks the trace column (guest, hypervisor, ...).

    ``per`` names the sort (or enum) whose elements are the actor's instances:
    ``actor host : host per Thread`` draws each host thread in a column of its own
    (trace/lanes.py); "" leaves it to the default there.
    """

    name: str
    role: str = ""
    span: Span = field(default=NO_SPAN, compare=False)
    per: str = ""


@dataclass(frozen=True, slots=True)
class Action:
    actor: str
    name: str
    params: tuple[BoundVar, ...]
    body: tuple[Stmt, ...]
    doc: str = ""
    span: Span = field(default=NO_SPAN, compare=False)

    @property
    def full_name(self) -> str:
        return f"{self.actor}.{self.name}"


@dataclass(frozen=True, slots=True)
class Instance:
    """Sizes for the sorts: ``instance small { Page = 3, Thread = 2 }``."""

    name: str
    sizes: tuple[tuple[str, int], ...]
    span: Span = field(default=NO_SPAN, compare=False)

    def as_dict(self) -> dict[str, int]:
        return dict(self.sizes)


@dataclass(frozen=True, slots=True)
class Def:
    """A ``def`` macro. Already inlined at every use; kept so property files can use it."""

    name: str
    params: tuple[BoundVar, ...]
    type: ScalarType
    body: Expr
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Model:
    """A transition system.

    ``defs`` and ``includes`` (the names of the models whose files this one
    includes, for ``properties for NAME``) serve property files only: no
    engine reads them and they take no part in equality or hashing.
    """

    name: str
    doc: str
    sorts: tuple[SortType, ...]
    enums: tuple[EnumType, ...]
    state: tuple[StateDecl, ...]
    init: tuple[Expr, ...]
    actors: tuple[Actor, ...]
    actions: tuple[Action, ...]
    instances: tuple[Instance, ...] = ()
    file: str = ""
    span: Span = field(default=NO_SPAN, compare=False)
    defs: tuple[Def, ...] = field(default=(), compare=False)
    includes: tuple[str, ...] = field(default=(), compare=False)
    # declared in the model file: which actions are fair, which states are meant to be final
    fairness: tuple[Fairness, ...] = ()
    terminal: tuple[Expr, ...] = ()

    def action(self, full_name: str) -> Action:
        for a in self.actions:
            if a.full_name == full_name:
                return a
        raise KeyError(full_name)

    def state_decl(self, name: str) -> StateDecl:
        for d in self.state:
            if d.name == name:
                return d
        raise KeyError(name)

    def actor(self, name: str) -> Actor:
        for a in self.actors:
            if a.name == name:
                return a
        raise KeyError(name)


PropertyKind = Literal["invariant", "always", "cover", "assume", "lemma", "liveness", "deadlock"]

FairKind = Literal["weak", "strong"]


@dataclass(frozen=True, slots=True)
class Fairness:
    """``fair a.x`` (weak) or ``strong_fair a.x``, for each instance of the action.

    Per instance: every argument tuple is its own fairness constraint (weak: an
    instance enabled from some point on is taken infinitely often; strong: one
    enabled infinitely often is). ``fair a`` gives one entry per action of a.
    """

    kind: FairKind
    action: str  # the action's full name
    span: Span = field(default=NO_SPAN, compare=False)


# The name of the built-in deadlock check's claim (rmpcheck.liveness.deadlock)
DEADLOCK_CLAIM = "deadlock_free"

# A liveness claim's runs stay forever in a state where no action is enabled: the
# compiled system (rmpcheck.liveness) has this extra action, enabled exactly there,
# which changes nothing. Traces show it as "no action is enabled".
STUTTER_ACTOR = "__deadlocked"
STUTTER_ACTION = f"{STUTTER_ACTOR}.stutter"

LiveOp = Literal["eventually", "always_eventually", "leads_to"]


@dataclass(frozen=True, slots=True)
class Temporal:
    """The temporal shape of a liveness claim (docs/liveness.md).

    ``eventually goal``, ``always eventually goal`` or ``trigger ~> goal``;
    ``trigger`` and ``goal`` are state or step formulas. ``params`` are the
    variables of the claim's leading ``forall``s: fixed for the whole run.
    """

    op: LiveOp
    goal: Expr
    trigger: Expr | None = None
    params: tuple[BoundVar, ...] = ()
    span: Span = field(default=NO_SPAN, compare=False)


@dataclass(frozen=True, slots=True)
class Property:
    """A claim about a model.

    ``invariant``/``lemma``: the formula holds in every reachable state.
    ``always``: it holds at every step (unprimed = pre-state, primed = post).
    ``cover``: some reachable state (or step) satisfies it.
    ``assume``: only executions where it holds at every state/step count.
    Free variables of a formula (bound by action patterns such as
    ``host.write(t)``) are universally quantified, existentially for ``cover``;
    ``free`` lists them.
    ``liveness``: ``temporal`` holds the claim; ``formula`` is its goal.
    ``deadlock``: the built-in deadlock check (rmpcheck.liveness.deadlock).
    """

    kind: PropertyKind
    name: str
    formula: Expr
    free: tuple[BoundVar, ...] = ()
    doc: str = ""
    span: Span = field(default=NO_SPAN, compare=False)
    temporal: Temporal | None = None


@dataclass(frozen=True, slots=True)
class PropertySet:
    model: str
    properties: tuple[Property, ...]
    file: str = ""
    instances: tuple[Instance, ...] = ()
    # declared in the property file, beside the model's own
    fairness: tuple[Fairness, ...] = ()
    terminal: tuple[Expr, ...] = ()

    def get(self, name: str) -> Property:
        for p in self.properties:
            if p.name == name:
                return p
        raise KeyError(name)


# ------------------------------------------------------------------ walkers


def children(e: Expr) -> Iterator[Expr]:
    """Direct subexpressions, in source order."""
    if isinstance(e, Select):
        yield e.map
        yield from e.args
    elif isinstance(e, Not):
        yield e.arg
    elif isinstance(e, BinOp):
        yield e.left
        yield e.right
    elif isinstance(e, Ite):
        yield e.cond
        yield e.then
        yield e.else_
    elif isinstance(e, Quant):
        yield e.body
    elif isinstance(e, ActionIs):
        yield from (a for a in e.args if a is not None)
    elif isinstance(e, Past):
        yield from e.args


def walk(e: Expr) -> Iterator[Expr]:
    """Every subexpression, pre-order."""
    yield e
    for c in children(e):
        yield from walk(c)


def free_vars(e: Expr) -> frozenset[BoundVar]:
    """Bound variables that occur free in ``e``."""
    if isinstance(e, BoundVar):
        return frozenset([e])
    if isinstance(e, Quant):
        return free_vars(e.body) - frozenset(e.vars)
    out: frozenset[BoundVar] = frozenset()
    for c in children(e):
        out |= free_vars(c)
    return out


def stmt_children(s: Stmt) -> tuple[Stmt, ...]:
    if isinstance(s, If):
        return s.then + s.else_
    if isinstance(s, (Choose, ForallStmt)):
        return s.body
    return ()


def walk_stmts(body: tuple[Stmt, ...]) -> Iterator[Stmt]:
    for s in body:
        yield s
        yield from walk_stmts(stmt_children(s))


def scalar_types(t: Type) -> tuple[ScalarType, ...]:
    return (*t.keys, t.value) if isinstance(t, MapType) else (t,)


def rebuild(e: Expr, kids: list[Expr]) -> Expr:
    """``e`` with its direct subexpressions (in :func:`children` order) replaced."""
    if isinstance(e, Select):
        m = kids[0]
        assert isinstance(m, StateVar)
        return Select(m, tuple(kids[1:]), e.span)
    if isinstance(e, Not):
        return Not(kids[0], e.span)
    if isinstance(e, BinOp):
        return BinOp(e.op, kids[0], kids[1], e.type, e.span)
    if isinstance(e, Ite):
        return Ite(kids[0], kids[1], kids[2], e.type, e.span)
    if isinstance(e, Quant):
        return Quant(e.kind, e.vars, kids[0], e.span)
    if isinstance(e, ActionIs):
        it = iter(kids)
        return ActionIs(e.action, tuple(None if a is None else next(it) for a in e.args), e.span)
    if isinstance(e, Past):
        return Past(e.op, tuple(kids), e.span)
    return e


def transform(e: Expr, f: Callable[[Expr], Expr | None]) -> Expr:
    """Rewrite top-down: where ``f`` returns an expression it replaces the node
    (and is not descended into); where it returns None, recurse into children."""
    r = f(e)
    if r is not None:
        return r
    kids = list(children(e))
    if not kids:
        return e
    new = [transform(k, f) for k in kids]
    if all(a is b for a, b in zip(new, kids, strict=True)):
        return e
    return rebuild(e, new)


def substitute(e: Expr, env: Mapping[BoundVar, Expr]) -> Expr:
    """Replace free bound variables by expressions (capture is impossible: the
    type checker gives every binder a name unique within its formula)."""
    if not env:
        return e

    def f(x: Expr) -> Expr | None:
        if isinstance(x, BoundVar):
            return env.get(x, x)
        if isinstance(x, Quant) and any(v in env for v in x.vars):
            inner = {k: v for k, v in env.items() if k not in x.vars}
            return Quant(x.kind, x.vars, substitute(x.body, inner), x.span)
        return None

    return transform(e, f)


def prime(e: Expr) -> Expr:
    """Read every state variable of ``e`` in the post-state."""

    def f(x: Expr) -> Expr | None:
        if isinstance(x, StateVar):
            return StateVar(x.name, x.type, True, x.span)
        return None

    return transform(e, f)


def conj(parts: Iterable[Expr]) -> Expr:
    items = [p for p in parts if not (isinstance(p, BoolLit) and p.value)]
    if not items:
        return BoolLit(True)
    out = items[0]
    for p in items[1:]:
        out = BinOp("and", out, p, BOOL)
    return out


def has(e: Expr, kind: type | tuple[type, ...]) -> bool:
    return any(isinstance(x, kind) for x in walk(e))
