"""Type checking a property file against a checked model."""

from __future__ import annotations

from rmpcheck import ir
from rmpcheck.errors import Span
from rmpcheck.lang import liveness
from rmpcheck.lang import syntax as S
from rmpcheck.lang.exprs import ExprChecker
from rmpcheck.lang.loader import Flat
from rmpcheck.lang.model import MODEL_ONLY, a_kind, check_defs, check_instances, declare_values
from rmpcheck.lang.scope import DefInfo, Globals, Local, Scope
from rmpcheck.lang.source import Reporter, did_you_mean

_STATE_KINDS = ("invariant", "lemma")


def model_globals(model: ir.Model) -> Globals:
    """The names a model declares, as the property checker looks them up."""
    g = Globals()
    for s in model.sorts:
        g.sorts[s.name] = s
        g.where[("type", s.name)] = ("a sort of the model", model.span)
    for t in model.enums:
        g.enums[t.name] = t
        g.where[("type", t.name)] = ("an enum of the model", model.span)
        for m in t.members:
            g.members.setdefault(m, []).append(t)
            g.where.setdefault(("value", m), (f"a member of enum {t.name}", model.span))
    for d in model.state:
        g.state[d.name] = d
        g.where[("value", d.name)] = ("a state variable", d.span)
    for f in model.defs:
        g.defs[f.name] = DefInfo(f.name, f.params, f.type, f.span, body=f.body, status="done")
        g.where[("value", f.name)] = ("a def of the model", f.span)
    for a in model.actors:
        g.actors[a.name] = a
    for act in model.actions:
        g.actions[act.full_name] = act.params
    for i in model.instances:
        g.where[("instance", i.name)] = ("an instance of the model", i.span)
    return g


def check_properties(flat: Flat, model: ir.Model, rep: Reporter) -> ir.PropertySet:
    _check_for_clauses(flat, model, rep)
    g = model_globals(model)
    for d in flat.decls:
        if isinstance(d, MODEL_ONLY):
            rep.error(
                d.span,
                "this declaration belongs in a model file (.rmp), not in a property file",
                "a property file holds defs, instances and properties",
            )
    declare_values(g, rep, [d for d in flat.decls if isinstance(d, S.DefD)], in_property=True)
    ex = ExprChecker(g, rep, in_property=True)
    check_defs(ex)
    props = []
    for d in flat.decls:
        if isinstance(d, S.PropertyD) and d.name == liveness.DEADLOCK_CLAIM:
            rep.error(
                d.span,
                f"'{d.name}' is the name of the built-in deadlock check",
                "rename this claim; declare intended final states with 'terminal: ...'",
            )
        elif isinstance(d, S.PropertyD) and g.declare(
            rep, "property", d.name, a_kind(d.kind), d.span
        ):
            p = _property(ex, d)
            if p is not None:
                props.append(p)
    instances = check_instances(g, rep, flat.decls)
    fair = liveness.fairness(rep, flat.decls, list(g.actions), list(g.actors))
    terminal = liveness.terminal(ex, flat.decls, state_only=True)
    return ir.PropertySet(model.name, tuple(props), flat.root.path, instances, fair, terminal)


def _check_for_clauses(flat: Flat, model: ir.Model, rep: Reporter) -> None:
    known = (model.name, *model.includes)
    for h in flat.headers:
        if isinstance(h, S.PropsHeader) and h.model is not None and h.model not in known:
            where = f" ({model.file})" if model.file else ""
            hint = did_you_mean(h.model, known) or (
                f"check these properties together with the model file of {h.model}"
            )
            rep.error(
                h.span,
                f"these properties are for model '{h.model}', but the model "
                f"is '{model.name}'{where}",
                hint,
            )


def _property(ex: ExprChecker, d: S.PropertyD) -> ir.Property | None:
    scope = _implicit_vars(ex, d.formula)
    if scope is None:
        return None
    if d.kind == "liveness":
        return liveness.claim(ex, d, scope)
    f = ex.check_bool(d.formula, scope, f"the formula of {d.kind} {d.name}")
    if f is None:
        return None
    if d.kind in _STATE_KINDS and not _state_formula(ex.rep, d.kind, f):
        return None
    free = tuple(sorted((v for loc in scope.values() if (v := loc.var)), key=lambda v: v.name))
    return ir.Property(d.kind, d.name, f, free, d.doc, d.span)  # type: ignore[arg-type]


def _implicit_vars(ex: ExprChecker, formula: S.Expr) -> Scope | None:
    """Names in action patterns that nothing else binds: the property's free variables.

    Collected before checking, so they may be used anywhere in the formula
    (``!assigned[target[t]] || !host.write(t)``). Each takes the type of the
    action parameter it stands for. In a pattern that is itself wrong (unknown
    action, wrong arity) such names get no type and are not reported again.
    """
    found: dict[str, tuple[ir.ScalarType | None, Span, str]] = {}
    ok = True

    def note(a: S.Name, t: ir.ScalarType | None, action: str) -> None:
        nonlocal ok
        prev = found.get(a.name)
        if prev is None or prev[0] is None:
            found[a.name] = (t, a.span, action)
        elif t is not None and prev[0] != t:
            ex.rep.error(
                a.span,
                f"'{a.name}' stands for a {t} here, but for a "
                f"{prev[0]} in {prev[2]} at {prev[1].line}:{prev[1].col}",
                "use two names",
            )
            ok = False

    def visit(e: S.Expr, bound: frozenset[str]) -> None:
        if isinstance(e, S.QuantE):
            visit(e.body, bound | {b.name for b in e.binders})
            return
        if isinstance(e, S.Pattern):
            params = ex.g.actions.get(e.full_name)
            broken = params is None or len(params) != len(e.args)
            for i, a in enumerate(e.args):
                if not isinstance(a, S.Name) or a.name == "_" or a.name in bound:
                    continue
                if ex.g.global_value(a.name) is None:
                    note(a, None if broken or params is None else params[i].type, e.full_name)
        for child in _children(e):
            visit(child, bound)

    visit(formula, frozenset())
    if not ok:
        return None
    return {
        n: Local(
            None if t is None else ir.BoundVar(n, t, span), f"implicit variable of {act}", span
        )
        for n, (t, span, act) in found.items()
    }


def _children(e: S.Expr) -> tuple[S.Expr, ...]:
    if isinstance(e, (S.Call, S.Pattern)):
        return e.args
    if isinstance(e, S.Index):
        return (e.base, *e.args)
    if isinstance(e, S.Unary):
        return (e.arg,)
    if isinstance(e, S.Binary):
        return (e.left, e.right)
    if isinstance(e, S.IfExpr):
        return (e.cond, e.then, e.else_)
    if isinstance(e, S.QuantE):
        return (e.body,)
    return ()


def _state_formula(rep: Reporter, kind: str, f: ir.Expr) -> bool:
    """An invariant or lemma speaks of one state: no primes, no bare action pattern."""
    ok = True
    for x in ir.walk(f):
        if isinstance(x, ir.StateVar) and x.primed:
            rep.error(
                x.span,
                f"{a_kind(kind)} is about one state and cannot read the post-state {x.name}'",
                "state a step property with 'always'",
            )
            ok = False
    for x in liveness.outside_past(f):
        rep.error(
            x.span,
            f"{a_kind(kind)} is about one state; the action pattern {x.action}(...) "
            "needs a past-time operator here",
            f"write 'once {x.action}(...)' (or prev, "
            "historically, since), or state it with 'always'",
        )
        ok = False
    return ok
