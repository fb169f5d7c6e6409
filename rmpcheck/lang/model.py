"""Type checking a model: declarations, init, actions and their statements."""

from __future__ import annotations

from rmpcheck import ir
from rmpcheck.bounds import MAX_SORT_SIZE
from rmpcheck.bulk import order_dependent_writes
from rmpcheck.errors import Span
from rmpcheck.lang import liveness
from rmpcheck.lang import syntax as S
from rmpcheck.lang.exprs import ExprChecker
from rmpcheck.lang.scope import DefInfo, Globals, Scope, bind, describe
from rmpcheck.lang.source import Reporter, did_you_mean

# Declarations only a model file may hold (a property file may not declare
# state or behaviour); properties are the converse.
MODEL_ONLY = (S.SortD, S.EnumD, S.StateD, S.InitD, S.ActorD, S.ActionD)


def a_kind(kind: str) -> str:
    """ "an invariant", "a lemma": a property kind with its article."""
    if kind == "liveness":
        return "a liveness claim"
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def declare_types(g: Globals, rep: Reporter, decls: list[S.Decl]) -> None:
    """Sorts and enums first: every other declaration may use them, in any order."""
    for d in decls:
        if isinstance(d, S.SortD):
            if g.declare(rep, "type", d.name, "a sort", d.span):
                g.sorts[d.name] = ir.SortType(d.name)
        elif isinstance(d, S.EnumD):
            _declare_enum(g, rep, d)


def _declare_enum(g: Globals, rep: Reporter, d: S.EnumD) -> None:
    if not d.members:
        rep.error(d.span, f"enum {d.name} has no members", "list them: enum Name { a, b }")
    seen: dict[str, Span] = {}
    for m, span in d.members:
        if m in seen:
            rep.error(span, f"'{m}' is listed twice in enum {d.name}")
        seen.setdefault(m, span)
    if not g.declare(rep, "type", d.name, "an enum", d.span) or not d.members:
        return
    t = ir.EnumType(d.name, tuple(seen))
    g.enums[d.name] = t
    for m, span in seen.items():
        others = g.members.setdefault(m, [])
        # Several enums may share a member name (qualify it: Step.idle), but it
        # may not also name a state variable or def.
        if not others:
            g.declare(rep, "value", m, f"a member of enum {d.name}", span)
        others.append(t)


def declare_values(g: Globals, rep: Reporter, decls: list[S.Decl], in_property: bool) -> None:
    """State variables and defs (their bodies are checked later, on first use)."""
    for d in decls:
        if isinstance(d, S.StateD):
            t = g.type(rep, d.type)
            if g.declare(rep, "value", d.name, "a state variable", d.span) and t is not None:
                g.state[d.name] = ir.StateDecl(d.name, t, d.span)
        elif isinstance(d, S.DefD):
            params = [g.scalar_type(rep, p.type) for p in d.params or ()]
            result = g.scalar_type(rep, d.type)
            if not g.declare(rep, "value", d.name, "a def", d.span):
                continue
            info = DefInfo(d.name, (), result or ir.BOOL, d.span, d, in_property)
            if result is None or any(p is None for p in params):
                info.status = "failed"
            else:
                info.params = tuple(
                    ir.BoundVar(b.name, t, b.span)
                    for b, t in zip(d.params or (), params, strict=True)
                    if t is not None
                )
            g.defs[d.name] = info


def check_defs(ex: ExprChecker) -> tuple[ir.Def, ...]:
    """Check every def body (used or not) and return them as IR."""
    out = []
    for d in ex.g.defs.values():
        if d.status == "todo":
            ex.check_def(d)
        if d.body is not None:
            out.append(ir.Def(d.name, d.params, d.type, d.body, d.span))
    return tuple(out)


def check_instances(g: Globals, rep: Reporter, decls: list[S.Decl]) -> tuple[ir.Instance, ...]:
    out = []
    for d in decls:
        if not isinstance(d, S.InstanceD):
            continue
        if not g.declare(rep, "instance", d.name, "an instance", d.span):
            continue
        sizes: dict[str, int] = {}
        ok = True
        for sort, n, span in d.sizes:
            ok = _check_size(g, rep, sort, n, span, sizes) and ok
            sizes.setdefault(sort, n)
        if ok:
            out.append(ir.Instance(d.name, tuple(sizes.items()), d.span))
    return tuple(out)


def _check_size(
    g: Globals, rep: Reporter, sort: str, n: int, span: Span, sizes: dict[str, int]
) -> bool:
    if sort not in g.sorts:
        hint = did_you_mean(sort, g.sorts)
        if sort in g.enums:
            hint = f"'{sort}' is an enum: its members fix its size"
        rep.error(span, f"unknown sort '{sort}' in instance", hint)
        return False
    if sort in sizes:
        rep.error(span, f"sort {sort} is given a size twice in this instance")
        return False
    if n < 1:
        rep.error(span, f"sort {sort} must have at least 1 element, not {n}")
        return False
    if n > MAX_SORT_SIZE:
        rep.error(
            span,
            f"sort {sort} has {n:,} elements: at most {MAX_SORT_SIZE:,} in an instance",
            "an instance is for finite search; the inductive engine proves for every size",
        )
        return False
    return True


class ModelChecker:
    """Checks one flattened model: every declaration, reporting all errors."""

    def __init__(self, rep: Reporter) -> None:
        self.rep = rep
        self.g = Globals()
        self.ex = ExprChecker(self.g, rep, in_property=False)

    def check(
        self, header: S.ModelHeader, path: str, decls: list[S.Decl], includes: tuple[str, ...]
    ) -> ir.Model:
        rep, g = self.rep, self.g
        for d in decls:
            if isinstance(d, S.PropertyD):
                rep.error(
                    d.span,
                    f"{a_kind(d.kind)} belongs in a property file (.prop), not in a model file",
                )
        declare_types(g, rep, decls)
        declare_values(g, rep, decls, in_property=False)
        defs = check_defs(self.ex)
        actors = tuple(self._actor(d) for d in decls if isinstance(d, S.ActorD))
        init = tuple(x for d in decls if isinstance(d, S.InitD) for x in self._init(d))
        actions = tuple(
            a for d in decls if isinstance(d, S.ActionD) if (a := self._action(d)) is not None
        )
        instances = check_instances(g, rep, decls)
        names = [a.full_name for a in actions]
        fair = liveness.fairness(rep, decls, names, [a.name for a in actors if a is not None])
        terminal = liveness.terminal(self.ex, decls, state_only=False)
        return ir.Model(
            header.name,
            header.doc,
            tuple(g.sorts.values()),
            tuple(g.enums.values()),
            tuple(g.state.values()),
            init,
            tuple(a for a in actors if a is not None),
            actions,
            instances,
            path,
            header.span,
            defs,
            includes,
            fair,
            terminal,
        )

    def _actor(self, d: S.ActorD) -> ir.Actor | None:
        if not self.g.declare(self.rep, "actor", d.name, "an actor", d.span):
            return None
        if d.per and d.per not in self.g.sorts and d.per not in self.g.enums:
            hint = did_you_mean(d.per, [*self.g.sorts, *self.g.enums])
            self.rep.error(
                d.per_span or d.span,
                f"unknown sort '{d.per}' after per: an actor's instances are the elements "
                "of a sort or enum",
                hint or "declare it first: sort " + d.per,
            )
        a = ir.Actor(d.name, d.role, d.span, d.per)
        self.g.actors[d.name] = a
        return a

    def _init(self, d: S.InitD) -> list[ir.Expr]:
        out = []
        for item in d.items:
            x = self.ex.check_bool(item, {}, "an init condition")
            if x is not None:
                out.append(x)
        return out

    def _action(self, d: S.ActionD) -> ir.Action | None:
        rep, g = self.rep, self.g
        if d.actor not in g.actors:
            hint = did_you_mean(d.actor, g.actors) or f"declare it: actor {d.actor}"
            rep.error(d.name_span, f"unknown actor '{d.actor}'", hint)
        dup = not g.declare(rep, "action", d.full_name, "an action", d.name_span)
        scope: Scope = {}
        params = []
        for b in d.params:
            scope, v = bind(rep, g, scope, b, g.scalar_type(rep, b.type), "parameter")
            if v is not None:
                params.append(v)
        body = self.stmts(d.body, scope)
        for odw in order_dependent_writes(body):
            rep.error(odw.write.span, odw.message(), odw.hint())
        if dup:
            return None
        return ir.Action(d.actor, d.name, tuple(params), body, d.doc, d.name_span)

    # ------------------------------------------------------------ statements

    def stmts(self, body: tuple[S.Stmt, ...], scope: Scope) -> tuple[ir.Stmt, ...]:
        out = []
        for s in body:
            x = self._stmt(s, scope)
            if x is not None:
                out.append(x)
        return tuple(out)

    def _stmt(self, s: S.Stmt, scope: Scope) -> ir.Stmt | None:
        ex, rep = self.ex, self.rep
        if isinstance(s, S.RequireS):
            c = ex.check_bool(s.cond, scope, "a require")
            return None if c is None else ir.Require(c, s.span)
        if isinstance(s, S.AssignS):
            return self._assign(s, scope)
        if isinstance(s, S.IfS):
            c = ex.check_bool(s.cond, scope, "the condition of 'if'")
            then, else_ = self.stmts(s.then, scope), self.stmts(s.else_, scope)
            return None if c is None else ir.If(c, then, else_, s.span)
        if isinstance(s, S.ChooseS):
            inner, v = bind(
                rep,
                self.g,
                scope,
                s.binder,
                self.g.scalar_type(rep, s.binder.type),
                "chosen variable",
            )
            if v is None:
                return None
            where = None if s.where is None else ex.check_bool(s.where, inner, "'where'")
            body = self.stmts(s.body, inner)
            if s.where is not None and where is None:
                return None
            return ir.Choose(v, where, body, s.span)
        inner, vs = scope, []
        for b in s.binders:
            inner, v = bind(
                rep, self.g, inner, b, self.g.scalar_type(rep, b.type), "forall variable"
            )
            if v is None:
                return None
            vs.append(v)
        return ir.ForallStmt(tuple(vs), self.stmts(s.body, inner), s.span)

    def _assign(self, s: S.AssignS, scope: Scope) -> ir.Stmt | None:
        rep, g = self.rep, self.g
        if s.primed:
            rep.error(
                s.target_span,
                "an assignment already sets the post-state: write "
                f"'{s.target} := ...' without the prime",
            )
            return None
        d = g.state.get(s.target)
        if d is None:
            if s.target in scope:
                what = scope[s.target].what
                rep.error(
                    s.target_span, f"'{s.target}' is a {what}; only state variables can be assigned"
                )
            else:
                rep.error(
                    s.target_span,
                    f"unknown state variable '{s.target}'",
                    did_you_mean(s.target, g.state),
                )
            return None
        target = ir.StateVar(d.name, d.type, False, s.target_span)
        indices: tuple[ir.Expr, ...] | None = ()
        if isinstance(d.type, ir.MapType):
            if s.indices is None:
                keys = ", ".join("_" for _ in d.type.keys)
                rep.error(
                    s.target_span,
                    f"'{d.name}' is a map ({d.type}); assign one entry: {d.name}[{keys}] := ...",
                    "use forall to update every entry",
                )
                return None
            indices = self.ex.keys(s, d, s.indices, scope)
            value_type: ir.Type = d.type.value
        else:
            if s.indices is not None:
                rep.error(
                    s.target_span, f"'{d.name}' is {describe(d.type)}, not a map: it has no entries"
                )
                return None
            value_type = d.type
        # An int outside the target's range is an implicit guard (see ir), not an error.
        value = self.ex.check_value(s.value, scope, value_type, f"the value of '{d.name}'")
        if value is None or indices is None:
            return None
        return ir.Assign(target, indices, value, s.span)
