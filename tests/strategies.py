"""Hypothesis strategies: random small models and properties, as IR.

Everything drawn here is a model the type checker accepts: printing it with
:mod:`rmpcheck.lang.pretty` and parsing the text gives back the same IR
(tests/lang/test_roundtrip.py holds that), so an engine may treat a drawn model
exactly like a parsed one. Shapes covered: sorts (1 to 3 elements in the
instance ``small``), enums, bools, small int ranges, maps with one or two
keys, actions with parameters, ``require``, ``if``/``else``, ``choose ..
where``, ``forall`` bulk updates, init constraints, and properties of every
kind (step properties with action patterns, primes and past-time operators).

Use::

    from hypothesis import given
    from strategies import models, model_and_properties, properties_for

    @given(model_and_properties(kinds=("invariant",)))
    def test_engines_agree(mp): model, props = mp; ...

``tests/`` is on pytest's ``pythonpath`` (pyproject.toml), so ``strategies``
imports from any test directory.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from hypothesis import strategies as st

from rmpcheck import ir
from rmpcheck.build import arith, ite
from rmpcheck.bulk import order_dependent_writes
from rmpcheck.ir import BOOL

PropertyKinds = Sequence[str]
ALL_KINDS: tuple[str, ...] = ("invariant", "always", "cover", "assume", "lemma")


@dataclass
class Ctx:
    """What a drawn expression may refer to; bound names are fresh model-wide."""

    sorts: list[ir.SortType]
    enums: list[ir.EnumType]
    state: list[ir.StateDecl]
    bound: list[ir.BoundVar] = field(default_factory=list)
    counter: list[int] = field(default_factory=lambda: [0])
    actions: list[ir.Action] = field(default_factory=list)
    in_property: bool = False  # primes and action patterns allowed
    implicit: list[ir.BoundVar] = field(default_factory=list)

    def fresh(self, t: ir.ScalarType) -> ir.BoundVar:
        self.counter[0] += 1
        return ir.BoundVar(f"x{self.counter[0]}", t)

    def with_bound(self, *vs: ir.BoundVar) -> Ctx:
        return replace(self, bound=[*self.bound, *vs])

    def finite_types(self) -> list[ir.ScalarType]:
        return [*self.sorts, *self.enums, BOOL, ir.IntType(0, 2)]


def _fits(t: ir.Type, want: ir.ScalarType, fit: bool) -> bool:
    """May a value of type ``t`` stand where ``want`` goes (``fit``: ints stay in range)?"""
    if isinstance(t, ir.IntType) and isinstance(want, ir.IntType):
        return not fit or (want.lo <= t.lo and t.hi <= want.hi)
    return t == want


def _direct(ctx: Ctx, t: ir.ScalarType) -> bool:
    """Whether ``t`` has a value that needs no map read (sorts have no literals)."""
    if not isinstance(t, ir.SortType):
        return True
    return any(v.type == t for v in ctx.bound) or any(d.type == t for d in ctx.state)


def _readable_maps(ctx: Ctx, t: ir.ScalarType, fit: bool) -> list[ir.StateDecl]:
    """Maps whose entries can stand for a ``t``, with keys that need no map read."""
    return [
        d
        for d in ctx.state
        if isinstance(d.type, ir.MapType)
        and _fits(d.type.value, t, fit)
        and all(_direct(ctx, k) for k in d.type.keys)
    ]


def _makeable(ctx: Ctx, t: ir.ScalarType) -> bool:
    """Whether :func:`exprs` can make a ``t`` here."""
    return _direct(ctx, t) or bool(_readable_maps(ctx, t, True))


@st.composite
def exprs(draw: st.DrawFn, ctx: Ctx, t: ir.ScalarType, depth: int = 2, fit: bool = True) -> ir.Expr:
    """An expression of type ``t``; with ``fit`` false an int may range wider."""
    leaves = _leaves(ctx, t, depth, fit)
    composite = _composites(ctx, t, fit) if depth > 0 else []
    choices = leaves + composite
    assert choices, f"nothing of type {t} can be made here"
    make = draw(st.sampled_from(choices))
    result: ir.Expr = draw(make(depth))
    return result


def _leaves(ctx: Ctx, t: ir.ScalarType, depth: int, fit: bool) -> list:  # type: ignore[type-arg]
    out = []
    if t == BOOL:
        out.append(lambda d: st.builds(ir.BoolLit, st.booleans()))
    elif isinstance(t, ir.IntType):
        out.append(lambda d: st.integers(t.lo, t.hi).map(ir.IntLit))
    elif isinstance(t, ir.EnumType):
        out.append(lambda d: st.sampled_from(t.members).map(lambda m: ir.EnumLit(t, m)))
    vs = [v for v in ctx.bound if _fits(v.type, t, fit)]
    if vs:
        out.append(lambda d: st.sampled_from(vs))
    scalars = [d for d in ctx.state if _fits(d.type, t, fit)]
    if scalars:
        out.append(lambda d: _state_read(ctx, scalars))
    maps = _readable_maps(ctx, t, fit)
    # At depth 0 a map read is the last resort; its keys need no map read, so
    # the recursion ends.
    if maps and (depth > 0 or not out):
        out.append(lambda d: _map_read(ctx, maps, d))
    return out


@st.composite
def _state_read(draw: st.DrawFn, ctx: Ctx, decls: list[ir.StateDecl]) -> ir.Expr:
    d = draw(st.sampled_from(decls))
    return d.ref(primed=ctx.in_property and draw(st.booleans()))


@st.composite
def _map_read(draw: st.DrawFn, ctx: Ctx, maps: list[ir.StateDecl], depth: int) -> ir.Expr:
    d = draw(st.sampled_from(maps))
    assert isinstance(d.type, ir.MapType)
    keys = tuple(draw(exprs(ctx, k, max(depth - 1, 0))) for k in d.type.keys)
    return ir.Select(d.ref(primed=ctx.in_property and draw(st.booleans())), keys)


def _composites(ctx: Ctx, t: ir.ScalarType, fit: bool) -> list:  # type: ignore[type-arg]
    out = [lambda d: _ite(ctx, t, d, fit)]
    if t == BOOL:
        out += [
            lambda d: exprs(ctx, BOOL, d - 1).map(ir.Not),
            lambda d: _connective(ctx, d),
            lambda d: _comparison(ctx, d),
            lambda d: _quantifier(ctx, d),
        ]
        if ctx.in_property:
            out += [lambda d: _pattern(ctx), lambda d: _past(ctx, d)]
    elif isinstance(t, ir.IntType) and not fit:
        out.append(lambda d: _arith(ctx, d))
    return out


@st.composite
def _ite(draw: st.DrawFn, ctx: Ctx, t: ir.ScalarType, depth: int, fit: bool) -> ir.Expr:
    c = draw(exprs(ctx, BOOL, depth - 1))
    a = draw(exprs(ctx, t, depth - 1, fit))
    b = draw(exprs(ctx, t, depth - 1, fit))
    return ite(c, a, b).x


@st.composite
def _connective(draw: st.DrawFn, ctx: Ctx, depth: int) -> ir.Expr:
    op = draw(st.sampled_from(["and", "or", "implies", "iff"]))
    return ir.BinOp(op, draw(exprs(ctx, BOOL, depth - 1)), draw(exprs(ctx, BOOL, depth - 1)), BOOL)


@st.composite
def _comparison(draw: st.DrawFn, ctx: Ctx, depth: int) -> ir.Expr:
    t = draw(st.sampled_from([x for x in ctx.finite_types() if _makeable(ctx, x)]))
    ops = ["==", "!="] + (["<", "<=", ">", ">="] if isinstance(t, ir.IntType) else [])
    op = draw(st.sampled_from(ops))
    fit = not isinstance(t, ir.IntType)
    left = draw(exprs(ctx, t, depth - 1, fit))
    right = draw(exprs(ctx, t, depth - 1, fit))
    return ir.BinOp(op, left, right, BOOL)


@st.composite
def _arith(draw: st.DrawFn, ctx: Ctx, depth: int) -> ir.Expr:
    t = ir.IntType(0, 3)
    op = draw(st.sampled_from(["+", "-"]))
    return arith(op, draw(exprs(ctx, t, depth - 1, False)), draw(exprs(ctx, t, depth - 1, False)))


@st.composite
def _quantifier(draw: st.DrawFn, ctx: Ctx, depth: int) -> ir.Expr:
    v = ctx.fresh(draw(st.sampled_from(ctx.finite_types())))
    body = draw(exprs(ctx.with_bound(v), BOOL, depth - 1))
    return ir.Quant(draw(st.sampled_from(["forall", "exists"])), (v,), body)


@st.composite
def _pattern(draw: st.DrawFn, ctx: Ctx) -> ir.Expr:
    """``actor.action(args)``: each argument an implicit variable, ``_`` or a bound one."""
    act = draw(st.sampled_from(ctx.actions))
    args: list[ir.Expr | None] = []
    for p in act.params:
        known = [v for v in [*ctx.bound, *ctx.implicit] if v.type == p.type]
        how = draw(st.sampled_from(["new", "any"] + (["known"] if known else [])))
        if how == "new":
            v = ctx.fresh(p.type)
            ctx.implicit.append(v)  # shared list: becomes the property's free variable
            args.append(v)
        elif how == "any":
            args.append(None)
        else:
            args.append(draw(st.sampled_from(known)))
    return ir.ActionIs(act.full_name, tuple(args))


@st.composite
def _past(draw: st.DrawFn, ctx: Ctx, depth: int) -> ir.Expr:
    op = draw(st.sampled_from(["prev", "once", "historically", "since"]))
    n = 2 if op == "since" else 1
    return ir.Past(op, tuple(draw(exprs(ctx, BOOL, depth - 1)) for _ in range(n)))


# ---------------------------------------------------------------- statements


@st.composite
def stmts(draw: st.DrawFn, ctx: Ctx, depth: int = 2, max_size: int = 3) -> tuple[ir.Stmt, ...]:
    n = draw(st.integers(1, max_size))
    return tuple(draw(_stmt(ctx, depth)) for _ in range(n))


@st.composite
def _stmt(draw: st.DrawFn, ctx: Ctx, depth: int) -> ir.Stmt:
    kinds = ["require"] + (["assign", "assign"] if _targets(ctx) else [])
    kinds += ["if", "choose", "forall"] if depth > 0 else []
    kind = draw(st.sampled_from(kinds))
    if kind == "require":
        return ir.Require(draw(exprs(ctx, BOOL, 1)))
    if kind == "assign":
        return draw(_assign(ctx))
    if kind == "if":
        cond = draw(exprs(ctx, BOOL, 1))
        else_ = draw(st.one_of(st.just(()), stmts(ctx, depth - 1, 2)))
        return ir.If(cond, draw(stmts(ctx, depth - 1, 2)), else_)
    v = ctx.fresh(draw(st.sampled_from(ctx.finite_types())))
    inner = ctx.with_bound(v)
    if kind == "choose":
        where = draw(st.one_of(st.none(), exprs(inner, BOOL, 1)))
        return ir.Choose(v, where, draw(stmts(inner, depth - 1, 2)))
    return ir.ForallStmt((v,), draw(stmts(inner, depth - 1, 2)))


def order_free(body: tuple[ir.Stmt, ...]) -> tuple[ir.Stmt, ...]:
    """``body`` with every write the checker rejects as order-dependent made a no-op."""
    bad = {id(w.write) for w in order_dependent_writes(body)}
    if not bad:
        return body

    def fix(sts: tuple[ir.Stmt, ...]) -> tuple[ir.Stmt, ...]:
        out: list[ir.Stmt] = []
        for x in sts:
            if id(x) in bad:
                out.append(ir.Require(ir.BoolLit(True)))
            elif isinstance(x, ir.If):
                out.append(ir.If(x.cond, fix(x.then), fix(x.else_)))
            elif isinstance(x, ir.Choose):
                out.append(ir.Choose(x.var, x.where, fix(x.body)))
            elif isinstance(x, ir.ForallStmt):
                out.append(ir.ForallStmt(x.vars, fix(x.body)))
            else:
                out.append(x)
        return tuple(out)

    return order_free(fix(body))


def _targets(ctx: Ctx) -> list[ir.StateDecl]:
    """State variables an assignment here can write (keys and value makeable)."""
    return [d for d in ctx.state if all(_makeable(ctx, t) for t in ir.scalar_types(d.type))]


@st.composite
def _assign(draw: st.DrawFn, ctx: Ctx) -> ir.Stmt:
    targets = _targets(ctx)
    d = draw(st.sampled_from(targets))
    keys: tuple[ir.Expr, ...] = ()
    if isinstance(d.type, ir.MapType):
        keys = tuple(draw(exprs(ctx, k, 1)) for k in d.type.keys)
    value_t = ir.scalar_types(d.type)[-1]
    # a wider int may leave the range: an implicit guard, which engines must honour
    value = draw(exprs(ctx, value_t, 1, fit=draw(st.booleans())))
    return ir.Assign(d.ref(), keys, value)


# ---------------------------------------------------------------- models


def _scalar_types(sorts: list[ir.SortType], enums: list[ir.EnumType]) -> st.SearchStrategy:  # type: ignore[type-arg]
    ranges = st.builds(lambda lo, w: ir.IntType(lo, lo + w), st.integers(0, 1), st.integers(0, 3))
    return st.one_of(st.just(BOOL), st.sampled_from([*sorts, *enums]), ranges)


@st.composite
def _state_type(draw: st.DrawFn, sorts: list[ir.SortType], enums: list[ir.EnumType]) -> ir.Type:
    value = draw(_scalar_types(sorts, enums))
    if draw(st.integers(0, 2)) == 0:
        return value
    n_keys = draw(st.integers(1, 2))
    key_types = st.one_of(
        st.sampled_from([*sorts, *enums]), st.just(BOOL), st.just(ir.IntType(0, 2))
    )
    return ir.MapType(tuple(draw(key_types) for _ in range(n_keys)), value)


@st.composite
def _init(draw: st.DrawFn, ctx: Ctx, d: ir.StateDecl) -> list[ir.Expr]:
    """Pins a variable (every entry of a map) to a constant, or leaves it free."""
    value_t = ir.scalar_types(d.type)[-1]
    if isinstance(value_t, ir.SortType) or draw(st.integers(0, 3)) == 0:
        return []
    value = draw(exprs(ctx, value_t, 0))
    if not isinstance(d.type, ir.MapType):
        return [ir.BinOp("==", d.ref(), value, BOOL)]
    vs = tuple(ctx.fresh(k) for k in d.type.keys)
    return [ir.Quant("forall", vs, ir.BinOp("==", ir.Select(d.ref(), vs), value, BOOL))]


@st.composite
def models(draw: st.DrawFn, max_state: int = 5, max_actions: int = 3) -> ir.Model:
    """A random model that type-checks, with the instance ``small`` sizing every sort."""
    sorts = [ir.SortType(f"S{i}") for i in range(draw(st.integers(1, 2)))]
    enums = []
    for i in range(draw(st.integers(0, 2))):
        members = tuple(f"{c}{i}" for c in "abc"[: draw(st.integers(2, 3))])
        enums.append(ir.EnumType(f"E{i}", members))
    state = [
        ir.StateDecl(f"v{i}", draw(_state_type(sorts, enums)))
        for i in range(draw(st.integers(1, max_state)))
    ]
    ctx = Ctx(sorts, enums, state)
    init = tuple(e for d in state for e in draw(_init(ctx, d)))
    if draw(st.booleans()):
        init += (draw(exprs(ctx, BOOL, 1)),)
    actors = [ir.Actor(f"ac{i}", f"ac{i}") for i in range(draw(st.integers(1, 2)))]
    actions = []
    for i in range(draw(st.integers(1, max_actions))):
        params = tuple(
            ctx.fresh(draw(st.sampled_from(ctx.finite_types())))
            for _ in range(draw(st.integers(0, 2)))
        )
        body = order_free(draw(stmts(ctx.with_bound(*params))))
        actor = draw(st.sampled_from(actors)).name
        actions.append(ir.Action(actor, f"act{i}", params, body))
    sizes = tuple((s.name, draw(st.integers(1, 3))) for s in sorts)
    return ir.Model(
        "random",
        "",
        tuple(sorts),
        tuple(enums),
        tuple(state),
        init,
        tuple(actors),
        tuple(actions),
        (ir.Instance("small", sizes),),
    )


@st.composite
def properties_for(
    draw: st.DrawFn, model: ir.Model, kinds: PropertyKinds = ALL_KINDS, max_size: int = 3
) -> ir.PropertySet:
    """Properties of ``model`` of the given kinds, each as the checker would type it."""
    props = []
    counter = [10_000]  # bound names apart from the model's
    for i in range(draw(st.integers(1, max_size))):
        kind = draw(st.sampled_from(list(kinds)))
        step = kind in ("always", "cover", "assume")
        ctx = Ctx(
            list(model.sorts),
            list(model.enums),
            list(model.state),
            counter=counter,
            actions=list(model.actions),
            in_property=step,
            implicit=[],
        )
        if kind in ("invariant", "lemma") and draw(st.booleans()):
            # a pattern is allowed in a state property only under a past-time operator
            past_ctx = replace(ctx, in_property=True)
            f: ir.Expr = ir.BinOp(
                "implies",
                ir.Past("once", (draw(_pattern(past_ctx)),)),
                draw(exprs(ctx.with_bound(*past_ctx.implicit), BOOL)),
                BOOL,
            )
            ctx.implicit = past_ctx.implicit
        else:
            f = draw(exprs(ctx, BOOL, 2))
        free = tuple(sorted(ctx.implicit, key=lambda v: v.name))
        props.append(ir.Property(kind, f"prop{i}", f, free))  # type: ignore[arg-type]
    return ir.PropertySet(model.name, tuple(props))


@st.composite
def model_and_properties(
    draw: st.DrawFn, kinds: PropertyKinds = ALL_KINDS, max_state: int = 5, max_actions: int = 3
) -> tuple[ir.Model, ir.PropertySet]:
    model = draw(models(max_state, max_actions))
    return model, draw(properties_for(model, kinds))
