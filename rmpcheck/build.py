"""Build models and properties from Python, without text.

Tests and generated models use this; it produces the same IR as the parser::

    mb = ModelBuilder("race")
    Page = mb.sort("Page")
    assigned = mb.state("assigned", MapType((Page,), BOOL))
    lock = mb.state("psc_lock", BOOL)
    mb.init(forall([p := var("p", Page)], ~assigned[p]), ~lock)
    mb.actor("guest")
    q = var("q", Page)
    mb.action("guest.psc_to_private", [q], require(~lock), assign(assigned[q], True))
    model = mb.build()
    props = PropertySet("race", (invariant("no_lock", ~lock),))

Operators on :class:`E`: ``&``, ``|``, ``~``, ``==``, ``!=``, ``<``, ``<=``,
``>``, ``>=``, ``+``, ``-``, indexing for map reads; methods ``implies``,
``iff``, ``prime``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rmpcheck import ir
from rmpcheck.ir import BOOL, BoolType, EnumType, IntType, MapType, ScalarType, SortType


class E:
    """A wrapper that gives IR expressions Python operators."""

    __slots__ = ("x",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, x: ir.Expr) -> None:
        self.x = x

    def __and__(self, o: object) -> E:
        return E(ir.BinOp("and", self.x, lift(o), BOOL))

    def __rand__(self, o: object) -> E:
        return E(ir.BinOp("and", lift(o), self.x, BOOL))

    def __or__(self, o: object) -> E:
        return E(ir.BinOp("or", self.x, lift(o), BOOL))

    def __ror__(self, o: object) -> E:
        return E(ir.BinOp("or", lift(o), self.x, BOOL))

    def __invert__(self) -> E:
        return E(ir.Not(self.x))

    def implies(self, o: object) -> E:
        return E(ir.BinOp("implies", self.x, lift(o), BOOL))

    def iff(self, o: object) -> E:
        return E(ir.BinOp("iff", self.x, lift(o), BOOL))

    def _cmp(self, op: str, o: object) -> E:
        return E(ir.BinOp(op, self.x, lift(o, like=self.x.type), BOOL))

    def __eq__(self, o: object) -> E:  # type: ignore[override]
        return self._cmp("==", o)

    def __ne__(self, o: object) -> E:  # type: ignore[override]
        return self._cmp("!=", o)

    def __lt__(self, o: object) -> E:
        return self._cmp("<", o)

    def __le__(self, o: object) -> E:
        return self._cmp("<=", o)

    def __gt__(self, o: object) -> E:
        return self._cmp(">", o)

    def __ge__(self, o: object) -> E:
        return self._cmp(">=", o)

    def __add__(self, o: object) -> E:
        return E(arith("+", self.x, lift(o)))

    def __sub__(self, o: object) -> E:
        return E(arith("-", self.x, lift(o)))

    def __getitem__(self, keys: object) -> E:
        assert isinstance(self.x, ir.StateVar), "only state maps can be indexed"
        ks = keys if isinstance(keys, tuple) else (keys,)
        t = self.x.type
        assert isinstance(t, MapType)
        args = tuple(lift(k, like=kt) for k, kt in zip(ks, t.keys, strict=True))
        return E(ir.Select(self.x, args))

    def prime(self) -> E:
        return E(ir.prime(self.x))

    def __repr__(self) -> str:
        return f"E({self.x!r})"


def lift(o: object, like: ir.Type | None = None) -> ir.Expr:
    """Python values and wrappers to IR; a str is an enum member of ``like``."""
    if isinstance(o, E):
        return o.x
    if isinstance(o, bool):
        return ir.BoolLit(o)
    if isinstance(o, int):
        return ir.IntLit(o)
    if isinstance(o, str):
        assert isinstance(like, EnumType), f"{o!r} needs an enum context"
        return ir.EnumLit(like, o)
    assert not isinstance(o, (list, tuple)), "use a single expression"
    return o  # type: ignore[return-value]


def arith(op: str, a: ir.Expr, b: ir.Expr) -> ir.Expr:
    ta, tb = a.type, b.type
    assert isinstance(ta, IntType) and isinstance(tb, IntType)
    if op == "+":
        t = IntType(ta.lo + tb.lo, ta.hi + tb.hi)
    else:
        t = IntType(ta.lo - tb.hi, ta.hi - tb.lo)
    return ir.BinOp(op, a, b, t)


def var(name: str, t: ScalarType) -> E:
    """A bound variable: an action parameter, a quantified or chosen variable."""
    return E(ir.BoundVar(name, t))


def _bv(v: E) -> ir.BoundVar:
    assert isinstance(v.x, ir.BoundVar)
    return v.x


def forall(vs: Sequence[E], body: object) -> E:
    return E(ir.Quant("forall", tuple(_bv(v) for v in vs), lift(body)))


def exists(vs: Sequence[E], body: object) -> E:
    return E(ir.Quant("exists", tuple(_bv(v) for v in vs), lift(body)))


def ite(c: object, a: object, b: object) -> E:
    ea = lift(a)
    eb = lift(b, like=ea.type)
    t = ea.type
    if isinstance(t, IntType) and isinstance(eb.type, IntType):
        # wide enough for either branch, as the type checker makes it
        t = IntType(min(t.lo, eb.type.lo), max(t.hi, eb.type.hi))
    return E(ir.Ite(lift(c), ea, eb, t))


def enum_value(t: EnumType, member: str) -> E:
    return E(ir.EnumLit(t, member))


def did(action: str, *args: object) -> E:
    """``host.write(t)`` in a property; ``None`` is the wildcard ``_``."""
    return E(ir.ActionIs(action, tuple(None if a is None else lift(a) for a in args)))


def once(e: object) -> E:
    return E(ir.Past("once", (lift(e),)))


def historically(e: object) -> E:
    return E(ir.Past("historically", (lift(e),)))


def prev(e: object) -> E:
    return E(ir.Past("prev", (lift(e),)))


def since(a: object, b: object) -> E:
    return E(ir.Past("since", (lift(a), lift(b))))


# ---------------------------------------------------------------- statements


def require(c: object) -> ir.Stmt:
    return ir.Require(lift(c))


def assign(target: E, value: object) -> ir.Stmt:
    t = target.x
    if isinstance(t, ir.Select):
        vt = t.type
        return ir.Assign(t.map, t.args, lift(value, like=vt))
    assert isinstance(t, ir.StateVar), "assign to a state variable or a map entry"
    return ir.Assign(t, (), lift(value, like=t.type))


def if_(c: object, then: Iterable[ir.Stmt], else_: Iterable[ir.Stmt] = ()) -> ir.Stmt:
    return ir.If(lift(c), tuple(then), tuple(else_))


def choose(v: E, where: object | None, *body: ir.Stmt) -> ir.Stmt:
    return ir.Choose(_bv(v), None if where is None else lift(where), tuple(body))


def for_each(vs: Sequence[E], *body: ir.Stmt) -> ir.Stmt:
    return ir.ForallStmt(tuple(_bv(v) for v in vs), tuple(body))


# ---------------------------------------------------------------- properties


def _prop(kind: ir.PropertyKind, name: str, f: object) -> ir.Property:
    e = lift(f)
    free = tuple(sorted(ir.free_vars(e), key=lambda v: v.name))
    return ir.Property(kind, name, e, free)


def invariant(name: str, f: object) -> ir.Property:
    return _prop("invariant", name, f)


def always(name: str, f: object) -> ir.Property:
    return _prop("always", name, f)


def cover(name: str, f: object) -> ir.Property:
    return _prop("cover", name, f)


def assume(name: str, f: object) -> ir.Property:
    return _prop("assume", name, f)


def lemma(name: str, f: object) -> ir.Property:
    return _prop("lemma", name, f)


def properties(model: str, *props: ir.Property) -> ir.PropertySet:
    return ir.PropertySet(model, tuple(props))


# --------------------------------------------------------------------- model


class ModelBuilder:
    def __init__(self, name: str, doc: str = "") -> None:
        self.name, self.doc = name, doc
        self.sorts: list[SortType] = []
        self.enums: list[EnumType] = []
        self.decls: list[ir.StateDecl] = []
        self.inits: list[ir.Expr] = []
        self.actors: list[ir.Actor] = []
        self.actions: list[ir.Action] = []
        self.instances: list[ir.Instance] = []

    def sort(self, name: str) -> SortType:
        s = SortType(name)
        self.sorts.append(s)
        return s

    def enum(self, name: str, *members: str) -> EnumType:
        e = EnumType(name, tuple(members))
        self.enums.append(e)
        return e

    def state(self, name: str, t: ir.Type) -> E:
        d = ir.StateDecl(name, t)
        self.decls.append(d)
        return E(d.ref())

    def init(self, *conds: object) -> None:
        self.inits.extend(lift(c) for c in conds)

    def actor(self, name: str, role: str = "") -> None:
        self.actors.append(ir.Actor(name, role or name))

    def action(self, full_name: str, params: Sequence[E], *body: ir.Stmt) -> None:
        actor, _, name = full_name.partition(".")
        if actor not in {a.name for a in self.actors}:
            self.actor(actor)
        self.actions.append(ir.Action(actor, name, tuple(_bv(p) for p in params), tuple(body)))

    def instance(self, name: str, **sizes: int) -> None:
        self.instances.append(ir.Instance(name, tuple(sizes.items())))

    def build(self) -> ir.Model:
        return ir.Model(
            self.name,
            self.doc,
            tuple(self.sorts),
            tuple(self.enums),
            tuple(self.decls),
            tuple(self.inits),
            tuple(self.actors),
            tuple(self.actions),
            tuple(self.instances),
        )


def map_of(*keys_then_value: ScalarType) -> MapType:
    """``map_of(Page, BOOL)`` is ``Page -> bool``; ``map_of(Thread, Page, BOOL)`` has two keys."""
    *keys, value = keys_then_value
    return MapType(tuple(keys), value)


def int_range(lo: int, hi: int) -> IntType:
    return IntType(lo, hi)


__all__ = [
    "BOOL",
    "BoolType",
    "E",
    "ModelBuilder",
    "always",
    "assign",
    "assume",
    "choose",
    "cover",
    "did",
    "enum_value",
    "exists",
    "for_each",
    "forall",
    "historically",
    "if_",
    "int_range",
    "invariant",
    "ite",
    "lemma",
    "map_of",
    "once",
    "prev",
    "properties",
    "require",
    "since",
    "var",
]
