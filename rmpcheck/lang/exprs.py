"""Type checking expressions: syntax to typed IR, with defs inlined.

Every method returns the IR expression, or None after reporting why there is
none; a None operand silences further errors about its parent, so one mistake
gives one message.
"""

from __future__ import annotations

from rmpcheck import ir
from rmpcheck.build import arith
from rmpcheck.lang import syntax as S
from rmpcheck.lang.inline import inline
from rmpcheck.lang.liveness import misplaced
from rmpcheck.lang.scope import DefInfo, Globals, Scope, bind, compatible, describe
from rmpcheck.lang.source import Reporter, did_you_mean

_CONNECTIVES = {"&&": "and", "||": "or", "->": "implies", "<->": "iff"}
_ORDER = {"<", "<=", ">", ">="}
_PAST = {"prev", "once", "historically"}


class ExprChecker:
    """Checks expressions of one model or property set.

    ``in_property`` allows what only properties may say: primes, action
    patterns and past-time operators.
    """

    def __init__(self, g: Globals, rep: Reporter, in_property: bool) -> None:
        self.g, self.rep, self.in_property = g, rep, in_property

    def for_property(self, in_property: bool) -> ExprChecker:
        return (
            self if in_property == self.in_property else ExprChecker(self.g, self.rep, in_property)
        )

    # ------------------------------------------------------------ entry points

    def check(self, e: S.Expr, scope: Scope, expected: ir.Type | None = None) -> ir.Expr | None:
        method = getattr(self, "_" + type(e).__name__.lower())
        result: ir.Expr | None = method(e, scope, expected)
        return result

    def check_bool(
        self, e: S.Expr, scope: Scope, role: str, hint: str | None = None
    ) -> ir.Expr | None:
        """``e`` as a condition; ``role`` names it in the message ("a require")."""
        x = self.check(e, scope, ir.BOOL)
        if x is not None and x.type != ir.BOOL:
            self.rep.error(e.span, f"{role} must be a bool, but this is {describe(x.type)}", hint)
            return None
        return x

    def check_value(
        self, e: S.Expr, scope: Scope, want: ir.Type, role: str, fit: bool = False
    ) -> ir.Expr | None:
        """``e`` where a value of type ``want`` goes; with ``fit``, an int must stay in range."""
        x = self.check(e, scope, want)
        if x is None:
            return None
        if not compatible(x.type, want):
            self.rep.error(
                e.span, f"{role} must be {describe(want)}, but this is {describe(x.type)}"
            )
            return None
        t = x.type
        if (
            fit
            and isinstance(t, ir.IntType)
            and isinstance(want, ir.IntType)
            and not (want.lo <= t.lo and t.hi <= want.hi)
        ):
            self.rep.error(
                e.span,
                f"{role} must be in {want}, but this can be anything in {t}",
                "choose a variable of the right range and compare it instead",
            )
            return None
        return x

    def check_def(self, d: DefInfo) -> None:
        """Check a def's body once, the first time it is needed."""
        assert d.syntax is not None and d.status == "todo"
        d.status = "busy"
        scope: Scope = {}
        for p, b in zip(d.params, d.syntax.params or (), strict=True):
            scope, _ = bind(self.rep, self.g, scope, b, p.type, "parameter")
        checker = self.for_property(d.in_property)
        # the result type is a promise to every use, so an int body must fit it
        body = checker.check_value(
            d.syntax.body, scope, d.type, f"the body of '{d.name}'", fit=True
        )
        if body is not None and len(scope) == len(d.params):
            d.body, d.status = body, "done"
        else:
            d.status = "failed"

    # ------------------------------------------------------------ atoms

    def _lit(self, e: S.Lit, scope: Scope, expected: ir.Type | None) -> ir.Expr:
        if isinstance(e.value, bool):
            return ir.BoolLit(e.value, e.span)
        return ir.IntLit(e.value, e.span)

    def _name(self, e: S.Name, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        n = e.name
        if n == "_":
            self.rep.error(
                e.span,
                "'_' (any value) is only allowed as an argument of an action "
                "pattern such as host.write(_)",
            )
            return None
        if n in scope:
            v = scope[n].var
            return None if v is None else ir.BoundVar(v.name, v.type, e.span)
        if n in self.g.state:
            return self._state_read(e, n, primed=False)
        if n in self.g.defs:
            d = self.g.defs[n]
            if d.params:
                self.rep.error(
                    e.span,
                    f"'{n}' takes {_count(len(d.params), 'argument')}: "
                    f"{n}({', '.join(p.name for p in d.params)})",
                )
                return None
            return self._inline(d, (), scope, e)
        if n in self.g.members:
            return self._member(e, n, expected)
        self._unknown(e, n, scope)
        return None

    def _unknown(self, e: S.Name, n: str, scope: Scope) -> None:
        hint = did_you_mean(n, [*scope, *self.g.value_names()])
        if hint is None and (n in self.g.sorts or n in self.g.enums):
            hint = f"'{n}' is a type; a value of it is a bound variable or an enum member"
        self.rep.error(e.span, f"unknown name '{n}'", hint)

    def _member(self, e: S.Name, n: str, expected: ir.Type | None) -> ir.Expr | None:
        enums = self.g.members[n]
        if isinstance(expected, ir.EnumType) and expected in enums:
            return ir.EnumLit(expected, n, e.span)
        if len(enums) == 1:
            return ir.EnumLit(enums[0], n, e.span)
        options = " or ".join(f"{t.name}.{n}" for t in enums)
        self.rep.error(e.span, f"'{n}' is a member of several enums; write {options}")
        return None

    def _state_read(self, e: S.Expr, n: str, primed: bool) -> ir.Expr | None:
        d = self.g.state[n]
        if isinstance(d.type, ir.MapType):
            keys = ", ".join("_" for _ in d.type.keys)
            self.rep.error(e.span, f"'{n}' is a map ({d.type}); read one entry: {n}[{keys}]")
            return None
        return ir.StateVar(n, d.type, primed, e.span)

    def _primed(self, e: S.Primed, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        if self._only_in_property(e, f"the post-state value {e.name}'"):
            return None
        if e.name not in self.g.state:
            what = "a bound variable" if e.name in scope else "not a state variable"
            self.rep.error(
                e.span,
                f"only state variables can be primed, and '{e.name}' is {what}",
                did_you_mean(e.name, self.g.state),
            )
            return None
        return self._state_read(e, e.name, primed=True)

    def _qualified(self, e: S.Qualified, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        t = self.g.enums.get(e.enum)
        if t is None:
            self.rep.error(e.span, f"unknown enum '{e.enum}'", did_you_mean(e.enum, self.g.enums))
            return None
        if e.member not in t.members:
            self.rep.error(
                e.span,
                f"enum {t.name} has no member '{e.member}' (its members: {', '.join(t.members)})",
                did_you_mean(e.member, t.members),
            )
            return None
        return ir.EnumLit(t, e.member, e.span)

    def _index(self, e: S.Index, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        base = e.base
        if not isinstance(base, (S.Name, S.Primed)) or base.name not in self.g.state:
            if isinstance(base, (S.Name, S.Primed)) and base.name not in scope:
                if isinstance(base, S.Primed) and self._only_in_property(base, "a primed map"):
                    return None
                self.rep.error(
                    base.span, f"unknown map '{base.name}'", did_you_mean(base.name, self.g.state)
                )
            else:
                self.rep.error(e.span, "only a map-typed state variable can be indexed")
            return None
        primed = isinstance(base, S.Primed)
        if primed and self._only_in_property(base, f"the post-state value {base.name}'"):
            return None
        d = self.g.state[base.name]
        if not isinstance(d.type, ir.MapType):
            self.rep.error(
                e.span, f"'{d.name}' is {describe(d.type)}, not a map: it has no entries"
            )
            return None
        args = self.keys(e, d, e.args, scope)
        if args is None:
            return None
        return ir.Select(ir.StateVar(d.name, d.type, primed, base.span), args, e.span)

    def keys(
        self, e: S.Expr | S.AssignS, d: ir.StateDecl, args: tuple[S.Expr, ...], scope: Scope
    ) -> tuple[ir.Expr, ...] | None:
        """The checked keys of an entry of map ``d`` (a read or an assignment target)."""
        assert isinstance(d.type, ir.MapType)
        if len(args) != len(d.type.keys):
            self.rep.error(
                e.span,
                f"'{d.name}' has {_count(len(d.type.keys), 'key')} "
                f"({d.type}), but {len(args)} given",
            )
            return None
        out = [
            self.check_value(a, scope, k, f"key {i + 1} of '{d.name}'", fit=True)
            for i, (a, k) in enumerate(zip(args, d.type.keys, strict=True))
        ]
        return None if any(x is None for x in out) else tuple(x for x in out if x is not None)

    # ----------------------------------------------------------- defs and patterns

    def _call(self, e: S.Call, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        d = self.g.defs.get(e.name)
        if d is None:
            hint = did_you_mean(e.name, self.g.defs)
            if e.name in self.g.state:
                hint = f"'{e.name}' is a state variable; read a map entry with {e.name}[...]"
            self.rep.error(e.span, f"unknown def '{e.name}'", hint)
            return None
        if len(e.args) != len(d.params):
            self.rep.error(
                e.span,
                f"'{d.name}' takes {_count(len(d.params), 'argument')}, but {len(e.args)} given",
            )
            return None
        args = [
            self.check_value(a, scope, p.type, f"argument '{p.name}' of '{d.name}'", fit=True)
            for a, p in zip(e.args, d.params, strict=True)
        ]
        if any(a is None for a in args):
            return None
        return self._inline(d, tuple(a for a in args if a is not None), scope, e)

    def _inline(
        self, d: DefInfo, args: tuple[ir.Expr, ...], scope: Scope, e: S.Expr
    ) -> ir.Expr | None:
        if d.status == "todo":
            self.check_def(d)
        if d.status == "busy":
            self.rep.error(
                e.span, f"'{d.name}' is used in its own definition; defs cannot be recursive"
            )
            d.status = "failed"
            return None
        if d.body is None:
            return None  # its own errors are reported where it is declared
        if d.in_property and not self.in_property:
            self.rep.error(e.span, f"'{d.name}' is a property-file def; a model cannot use it")
            return None
        return inline(d.params, d.body, args, set(scope), set(self.g.value_names()))

    def _pattern(self, e: S.Pattern, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        if self._only_in_property(e, f"the action pattern {e.full_name}(...)"):
            return None
        params = self.g.actions.get(e.full_name)
        if params is None:
            self.rep.error(
                e.span, f"unknown action '{e.full_name}'", did_you_mean(e.full_name, self.g.actions)
            )
            return None
        if len(e.args) != len(params):
            sig = ", ".join(f"{p.name}: {p.type}" for p in params)
            self.rep.error(
                e.span,
                f"action {e.full_name} takes {_count(len(params), 'argument')} "
                f"({sig}), but {len(e.args)} given",
                "'_' matches any value",
            )
            return None
        args: list[ir.Expr | None] = []
        ok = True
        for a, p in zip(e.args, params, strict=True):
            if isinstance(a, S.Name) and a.name == "_":
                args.append(None)
                continue
            x = self.check_value(a, scope, p.type, f"argument '{p.name}' of {e.full_name}")
            ok = ok and x is not None
            args.append(x)
        return ir.ActionIs(e.full_name, tuple(args), e.span) if ok else None

    def _only_in_property(self, e: S.Expr, what: str) -> bool:
        """Report and return True when ``e`` is outside a property."""
        if self.in_property:
            return False
        self.rep.error(
            e.span,
            f"{what} is only allowed in properties",
            "a model's actions and init read and write the current state only",
        )
        return True

    # ------------------------------------------------------------ operators

    def _unary(self, e: S.Unary, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        if e.op in ("eventually", "always eventually"):
            misplaced(self.rep, e)
            return None
        if e.op in _PAST and self._only_in_property(e, f"the past-time operator '{e.op}'"):
            return None
        # `!x == y` and `prev x == y` apply the operator to x alone
        hint = f"'{e.op}' binds tighter than comparisons: write {e.op} (a == b)"
        arg = self.check_bool(e.arg, scope, f"the operand of '{e.op}'", hint)
        if arg is None:
            return None
        if e.op == "!":
            return ir.Not(arg, e.span)
        return ir.Past(e.op, (arg,), e.span)  # type: ignore[arg-type]

    def _binary(self, e: S.Binary, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        op = e.op
        if op == "~>":
            misplaced(self.rep, e)
            return None
        if op in _CONNECTIVES or op == "since":
            if op == "since" and self._only_in_property(e, "the past-time operator 'since'"):
                return None
            left = self.check_bool(e.left, scope, f"the left operand of '{op}'")
            right = self.check_bool(e.right, scope, f"the right operand of '{op}'")
            if left is None or right is None:
                return None
            if op == "since":
                return ir.Past("since", (left, right), e.span)
            return ir.BinOp(_CONNECTIVES[op], left, right, ir.BOOL, e.span)
        if op in ("==", "!="):
            return self._equality(e, scope)
        left = self._int_operand(e.left, scope, op)
        right = self._int_operand(e.right, scope, op)
        if left is None or right is None:
            return None
        if op in _ORDER:
            return ir.BinOp(op, left, right, ir.BOOL, e.span)
        out = arith(op, left, right)
        assert isinstance(out, ir.BinOp)
        return ir.BinOp(out.op, left, right, out.type, e.span)

    def _int_operand(self, e: S.Expr, scope: Scope, op: str) -> ir.Expr | None:
        x = self.check(e, scope)
        if x is not None and not isinstance(x.type, ir.IntType):
            self.rep.error(e.span, f"'{op}' needs ints, but this is {describe(x.type)}")
            return None
        return x

    def _equality(self, e: S.Binary, scope: Scope) -> ir.Expr | None:
        # An enum member that several enums share takes its type from the other side.
        if self._shared_member(e.left, scope):
            right = self.check(e.right, scope)
            left = self.check(e.left, scope, right.type if right else None)
        else:
            left = self.check(e.left, scope)
            right = self.check(e.right, scope, left.type if left else None)
        if left is None or right is None:
            return None
        if not compatible(left.type, right.type):
            self.rep.error(
                e.span,
                f"'{e.op}' compares values of one type, but the left is "
                f"{describe(left.type)} and the right {describe(right.type)}",
            )
            return None
        return ir.BinOp(e.op, left, right, ir.BOOL, e.span)

    def _shared_member(self, e: S.Expr, scope: Scope) -> bool:
        return (
            isinstance(e, S.Name)
            and e.name not in scope
            and e.name not in self.g.state
            and e.name not in self.g.defs
            and len(self.g.members.get(e.name, ())) > 1
        )

    def _ifexpr(self, e: S.IfExpr, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        cond = self.check_bool(e.cond, scope, "the condition of 'if'")
        then = self.check(e.then, scope, expected)
        else_ = self.check(e.else_, scope, then.type if then else expected)
        if cond is None or then is None or else_ is None:
            return None
        a, b = then.type, else_.type
        if not compatible(a, b):
            self.rep.error(
                e.span,
                f"the branches of 'if' must have one type, but 'then' is "
                f"{describe(a)} and 'else' {describe(b)}",
            )
            return None
        if isinstance(a, ir.IntType) and isinstance(b, ir.IntType):
            a = ir.IntType(min(a.lo, b.lo), max(a.hi, b.hi))
        return ir.Ite(cond, then, else_, a, e.span)

    def _quante(self, e: S.QuantE, scope: Scope, expected: ir.Type | None) -> ir.Expr | None:
        inner, bound = scope, []
        for b in e.binders:
            inner, v = bind(
                self.rep,
                self.g,
                inner,
                b,
                self.g.scalar_type(self.rep, b.type),
                "quantified variable",
            )
            if v is None:
                return None
            bound.append(v)
        body = self.check_bool(e.body, inner, f"the body of '{e.kind}'")
        if body is None:
            return None
        return ir.Quant(e.kind, tuple(bound), body, e.span)  # type: ignore[arg-type]


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
