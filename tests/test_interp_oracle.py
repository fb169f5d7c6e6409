"""The compiled interpreter agrees with a direct, tree-walking reading of ir.py's semantics.

The oracle below is deliberately naive: it evaluates expressions by recursion
and runs statements as sets of outcomes. Hypothesis generates random actions
over a fixed signature and random states; both must give the same successors.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from profiles import examples

from rmpcheck import ir
from rmpcheck.build import BOOL
from rmpcheck.interp import Instance

S = ir.SortType("S")
E = ir.EnumType("E", ("a", "b", "c"))
SMALL = ir.IntType(0, 2)
DECLS = (
    ir.StateDecl("x", BOOL),
    ir.StateDecl("n", SMALL),
    ir.StateDecl("m", ir.MapType((S,), BOOL)),
    ir.StateDecl("f", ir.MapType((S,), E)),
    ir.StateDecl("g", ir.MapType((S,), S)),
    ir.StateDecl("k", ir.MapType((S, E), SMALL)),
)
SIZE = 2
DOM: dict[Any, tuple[Any, ...]] = {
    BOOL: (False, True),
    SMALL: (0, 1, 2),
    E: (0, 1, 2),
    S: tuple(range(SIZE)),
}
P = ir.BoundVar("p", S)  # the action's parameter


# ------------------------------------------------------------------ oracle


def keys_of(t: ir.MapType) -> list[tuple[Any, ...]]:
    return list(itertools.product(*(DOM[k] for k in t.keys)))


def ev(e: ir.Expr, s: dict[str, Any], env: dict[ir.BoundVar, Any]) -> Any:
    if isinstance(e, ir.BoolLit | ir.IntLit):
        return e.value
    if isinstance(e, ir.EnumLit):
        return e.index
    if isinstance(e, ir.StateVar):
        return s[e.name]
    if isinstance(e, ir.BoundVar):
        return env[e]
    if isinstance(e, ir.Select):
        return s[e.map.name][tuple(ev(a, s, env) for a in e.args)]
    if isinstance(e, ir.Not):
        return not ev(e.arg, s, env)
    if isinstance(e, ir.Ite):
        return ev(e.then, s, env) if ev(e.cond, s, env) else ev(e.else_, s, env)
    if isinstance(e, ir.Quant):
        results = (
            ev(e.body, s, {**env, **dict(zip(e.vars, vals, strict=True))})
            for vals in itertools.product(*(DOM[v.type] for v in e.vars))
        )
        return all(results) if e.kind == "forall" else any(results)
    assert isinstance(e, ir.BinOp)
    a, b = ev(e.left, s, env), ev(e.right, s, env)
    ops = {
        "and": lambda: a and b,
        "or": lambda: a or b,
        "implies": lambda: (not a) or b,
        "iff": lambda: a == b,
        "==": lambda: a == b,
        "!=": lambda: a != b,
        "<": lambda: a < b,
        "<=": lambda: a <= b,
        ">": lambda: a > b,
        ">=": lambda: a >= b,
        "+": lambda: a + b,
        "-": lambda: a - b,
    }
    return ops[e.op]()


def run(
    body: tuple[ir.Stmt, ...], s: dict[str, Any], env: dict[ir.BoundVar, Any]
) -> list[list[Any]]:
    """Every outcome of a statement list: the writes in program order; [] if disabled."""
    outcomes: list[list[Any]] = [[]]
    for stmt in body:
        outcomes = [w + w2 for w in outcomes for w2 in run_one(stmt, s, env)]
    return outcomes


def run_one(stmt: ir.Stmt, s: dict[str, Any], env: dict[ir.BoundVar, Any]) -> list[list[Any]]:
    if isinstance(stmt, ir.Require):
        return [[]] if ev(stmt.cond, s, env) else []
    if isinstance(stmt, ir.Assign):
        key = tuple(ev(i, s, env) for i in stmt.indices)
        return [[(stmt.target.name, key, ev(stmt.value, s, env), stmt.target.type)]]
    if isinstance(stmt, ir.If):
        return run(stmt.then if ev(stmt.cond, s, env) else stmt.else_, s, env)
    if isinstance(stmt, ir.Choose):
        out = []
        for v in DOM[stmt.var.type]:
            inner = {**env, stmt.var: v}
            if stmt.where is None or ev(stmt.where, s, inner):
                out += run(stmt.body, s, inner)
        return out
    assert isinstance(stmt, ir.ForallStmt)
    outcomes: list[list[Any]] = [[]]
    for vals in itertools.product(*(DOM[v.type] for v in stmt.vars)):
        inner = {**env, **dict(zip(stmt.vars, vals, strict=True))}
        outcomes = [w + w2 for w in outcomes for w2 in run(stmt.body, s, inner)]
    return outcomes


def oracle_posts(action: ir.Action, s: dict[str, Any], arg: int) -> set[tuple[Any, ...]]:
    posts = set()
    for writes in run(action.body, s, {P: arg}):
        t = {k: (dict(v) if isinstance(v, dict) else v) for k, v in s.items()}
        ok = True
        for name, key, val, typ in writes:
            vt = typ.value if isinstance(typ, ir.MapType) else typ
            if isinstance(vt, ir.IntType) and not vt.lo <= val <= vt.hi:
                ok = False
            if key:
                t[name][key] = val
            else:
                t[name] = val
        if ok:
            posts.add(flatten(t))
    return posts


def flatten(s: dict[str, Any]) -> tuple[Any, ...]:
    out = []
    for d in DECLS:
        v = s[d.name]
        out.append(tuple(v[k] for k in keys_of(d.type)) if isinstance(d.type, ir.MapType) else v)
    return tuple(out)


# -------------------------------------------------------------- generators


def sv(name: str) -> ir.StateVar:
    return next(d for d in DECLS if d.name == name).ref()


def exprs(
    t: ir.ScalarType, scope: tuple[ir.BoundVar, ...], depth: int
) -> st.SearchStrategy[ir.Expr]:
    bound = [v for v in scope if v.type == t]
    leaves: list[st.SearchStrategy[ir.Expr]] = [st.sampled_from(bound)] if bound else []
    if t == BOOL:
        leaves += [st.builds(ir.BoolLit, st.booleans()), st.just(sv("x"))]
    elif t == SMALL:
        leaves += [st.builds(ir.IntLit, st.integers(0, 2)), st.just(sv("n"))]
    elif t == E:
        leaves += [st.sampled_from([ir.EnumLit(E, m) for m in E.members])]
    if depth <= 0:
        return st.one_of(leaves)
    sub = lambda u: exprs(u, scope, depth - 1)  # noqa: E731
    compound: list[st.SearchStrategy[ir.Expr]] = []
    if t == BOOL:
        compound += [
            st.builds(ir.Not, sub(BOOL)),
            st.builds(
                lambda o, a, b: ir.BinOp(o, a, b, BOOL),
                st.sampled_from(["and", "or", "implies", "iff"]),
                sub(BOOL),
                sub(BOOL),
            ),
            st.builds(
                lambda o, a, b: ir.BinOp(o, a, b, BOOL),
                st.sampled_from(["==", "!="]),
                sub(E),
                sub(E),
            ),
            st.builds(
                lambda o, a, b: ir.BinOp(o, a, b, BOOL),
                st.sampled_from(["<", "<=", "==", ">"]),
                sub(SMALL),
                sub(SMALL),
            ),
            st.builds(lambda a, b: ir.BinOp("==", a, b, BOOL), sub(S), sub(S)),
            st.builds(lambda k: ir.Select(sv("m"), (k,)), sub(S)),
        ]
        q = ir.BoundVar(f"q{depth}", S)
        compound.append(
            st.builds(
                lambda kind, body: ir.Quant(kind, (q,), body),
                st.sampled_from(["forall", "exists"]),
                exprs(BOOL, (*scope, q), depth - 1),
            )
        )
    elif t == SMALL:
        compound += [
            st.builds(lambda a, b: ir.Select(sv("k"), (a, b)), sub(S), sub(E)),
            st.builds(lambda a, b: ir.BinOp("+", a, b, ir.IntType(0, 4)), sub(SMALL), sub(SMALL)),
        ]
    elif t == E:
        compound += [st.builds(lambda k: ir.Select(sv("f"), (k,)), sub(S))]
    elif t == S:
        compound += [st.builds(lambda k: ir.Select(sv("g"), (k,)), sub(S))]
    compound.append(st.builds(lambda c, a, b: ir.Ite(c, a, b, t), sub(BOOL), sub(t), sub(t)))
    return st.one_of(*leaves, *compound)


def stmts(scope: tuple[ir.BoundVar, ...], depth: int) -> st.SearchStrategy[tuple[ir.Stmt, ...]]:
    def assign(name: str) -> st.SearchStrategy[ir.Stmt]:
        d = next(x for x in DECLS if x.name == name)
        t = d.type
        if isinstance(t, ir.MapType):
            return st.builds(
                lambda ks, v: ir.Assign(d.ref(), ks, v),
                st.tuples(*(exprs(k, scope, 1) for k in t.keys)),
                exprs(t.value, scope, 1),
            )
        value = exprs(t, scope, 1)
        if t == SMALL:  # sometimes out of range: the implicit guard
            value = st.one_of(
                value,
                st.builds(
                    lambda a: ir.BinOp("+", a, ir.IntLit(1), ir.IntType(1, 3)),
                    exprs(SMALL, scope, 0),
                ),
            )
        return st.builds(lambda v: ir.Assign(d.ref(), (), v), value)

    simple = st.one_of(
        st.builds(ir.Require, exprs(BOOL, scope, 2)),
        *(assign(d.name) for d in DECLS),
    )
    if depth <= 0:
        return st.lists(simple, max_size=3).map(tuple)
    q = ir.BoundVar(f"r{depth}", S)
    c = ir.BoundVar(f"c{depth}", E)
    nested = st.one_of(
        st.builds(ir.If, exprs(BOOL, scope, 1), stmts(scope, depth - 1), stmts(scope, depth - 1)),
        st.builds(lambda body: ir.ForallStmt((q,), body), stmts((*scope, q), depth - 1)),
        st.builds(
            lambda where, body: ir.Choose(c, where, body),
            st.one_of(st.none(), exprs(BOOL, (*scope, c), 1)),
            stmts((*scope, c), depth - 1),
        ),
    )
    return st.lists(st.one_of(nested, simple), min_size=1, max_size=4).map(tuple)


def choose_first() -> st.SearchStrategy[tuple[ir.Stmt, ...]]:
    """Bodies that start with a choice, so nondeterministic outcomes are common."""
    c = ir.BoundVar("pick", S)
    use = st.sampled_from(
        [
            ir.Assign(sv("g"), (P,), c),
            ir.Assign(sv("m"), (c,), ir.BoolLit(True)),
            ir.Assign(sv("f"), (c,), ir.EnumLit(E, "b")),
        ]
    )
    return st.builds(
        lambda where, first, rest, tail: (ir.Choose(c, where, (first, *rest)), *tail),
        st.one_of(st.none(), exprs(BOOL, (P, c), 1)),
        use,
        stmts((P, c), 1),
        stmts((P,), 1),
    )


def states() -> st.SearchStrategy[dict[str, Any]]:
    def value(t: ir.Type) -> st.SearchStrategy[Any]:
        if isinstance(t, ir.MapType):
            ks = keys_of(t)
            return st.tuples(*(st.sampled_from(DOM[t.value]) for _ in ks)).map(
                lambda vs: dict(zip(ks, vs, strict=True))
            )
        return st.sampled_from(DOM[t])

    return st.fixed_dictionaries({d.name: value(d.type) for d in DECLS})


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(body=st.one_of(stmts((P,), 2), choose_first()), s=states(), arg=st.integers(0, SIZE - 1))
def test_compiled_steps_agree_with_the_oracle(body, s, arg):
    action = ir.Action("env", "act", (P,), body)
    model = ir.Model("oracle", "", (S,), (E,), DECLS, (), (ir.Actor("env"),), (action,))
    inst = Instance(model, {"S": SIZE})
    got = {t for _, t in inst.step(flatten(s), "env.act", (arg,))}
    assert got == oracle_posts(action, s, arg)


@settings(
    max_examples=examples(300),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(e=exprs(BOOL, (), 3), s=states())
def test_compiled_predicates_agree_with_the_oracle(e, s):
    model = ir.Model("oracle", "", (S,), (E,), DECLS, (), (), ())
    inst = Instance(model, {"S": SIZE})
    assert inst.holds(e, flatten(s)) == bool(ev(e, s, {}))
