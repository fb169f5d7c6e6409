"""Name tables: what a model (and its property files) declares, and local bindings.

Types (sorts, enums) have their own namespace. Values share one: state
variables, defs and enum members; a bound name (parameter, quantified,
chosen or implicit variable) may not reuse any of them nor an enclosing
bound name, so every name means one thing wherever it appears.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rmpcheck import ir
from rmpcheck.bounds import MAX_RANGE_VALUES
from rmpcheck.errors import Span
from rmpcheck.lang import syntax as S
from rmpcheck.lang.source import Reporter, did_you_mean


@dataclass
class DefInfo:
    """A def: its signature, and its body once checked (inlined at every use)."""

    name: str
    params: tuple[ir.BoundVar, ...]
    type: ir.ScalarType
    span: Span
    syntax: S.DefD | None = None  # None for defs taken ready-made from a model
    in_property: bool = False  # a property-file def may use primes and past-time operators
    body: ir.Expr | None = None
    status: Literal["todo", "busy", "done", "failed"] = "todo"


@dataclass(frozen=True, slots=True)
class Local:
    var: ir.BoundVar | None  # None: a name whose error is reported already; stay silent
    what: str  # "parameter", "quantified variable", ... for messages
    span: Span


Scope = dict[str, Local]  # never mutated once built: binders make a copy


@dataclass
class Globals:
    """Everything declared at the top level, with where, for lookups and messages."""

    sorts: dict[str, ir.SortType] = field(default_factory=dict)
    enums: dict[str, ir.EnumType] = field(default_factory=dict)
    members: dict[str, list[ir.EnumType]] = field(default_factory=dict)
    state: dict[str, ir.StateDecl] = field(default_factory=dict)
    defs: dict[str, DefInfo] = field(default_factory=dict)
    actors: dict[str, ir.Actor] = field(default_factory=dict)
    # action full name -> parameters; enough to check an action pattern
    actions: dict[str, tuple[ir.BoundVar, ...]] = field(default_factory=dict)
    # (namespace, name) -> (what it is, where): for "already declared" messages
    where: dict[tuple[str, str], tuple[str, Span]] = field(default_factory=dict)

    def declare(self, rep: Reporter, ns: str, name: str, what: str, span: Span) -> bool:
        """Record a declaration; report and return False when the name is taken."""
        prev = self.where.get((ns, name))
        if prev is not None:
            pwhat, pspan = prev
            rep.error(
                span,
                f"'{name}' is already declared as {pwhat} at {_at(pspan, span)}",
                "rename one of them",
            )
            return False
        self.where[(ns, name)] = (what, span)
        return True

    def value_names(self) -> list[str]:
        return [*self.state, *self.defs, *self.members]

    def global_value(self, name: str) -> tuple[str, Span] | None:
        """What the global value ``name`` is and where, if it is one."""
        return self.where.get(("value", name))

    # ------------------------------------------------------------- types

    def scalar_type(self, rep: Reporter, t: S.ScalarT) -> ir.ScalarType | None:
        if isinstance(t, S.BoolT):
            return ir.BOOL
        if isinstance(t, S.RangeT):
            if t.lo > t.hi:
                rep.error(t.span, f"empty range {t.lo}..{t.hi}: the lower bound is above the upper")
                return None
            if t.hi - t.lo + 1 > MAX_RANGE_VALUES:
                rep.error(
                    t.span,
                    f"range {t.lo}..{t.hi} has {t.hi - t.lo + 1:,} values: "
                    f"at most {MAX_RANGE_VALUES:,}",
                    "every engine enumerates a range's values; model a large number "
                    "abstractly (a sort, or an enum of the cases that matter)",
                )
                # the type still serves the rest of the check: no cascade of unknown names
            return ir.IntType(t.lo, t.hi)
        if t.name in self.sorts:
            return self.sorts[t.name]
        if t.name in self.enums:
            return self.enums[t.name]
        hint = did_you_mean(t.name, [*self.sorts, *self.enums, "bool"])
        if hint is None and t.name in self.value_names():
            hint = f"'{t.name}' is a value, not a type"
        rep.error(
            t.span, f"unknown type '{t.name}': expected bool, a sort, an enum or lo..hi", hint
        )
        return None

    def type(self, rep: Reporter, t: S.TypeT) -> ir.Type | None:
        if not isinstance(t, S.MapT):
            return self.scalar_type(rep, t)
        keys = [self.scalar_type(rep, k) for k in t.keys]
        value = self.scalar_type(rep, t.value)
        if value is None or any(k is None for k in keys):
            return None
        return ir.MapType(tuple(k for k in keys if k is not None), value)


def _at(span: Span, other: Span) -> str:
    """``line:col``, with the file too when it differs from ``other``'s."""
    if span.file != other.file:
        return str(span)
    return f"{span.line}:{span.col}"


def bind(
    rep: Reporter, g: Globals, scope: Scope, b: S.Binder, t: ir.ScalarType | None, what: str
) -> tuple[Scope, ir.BoundVar | None]:
    """``scope`` extended with binder ``b``; reports a name that is already taken."""
    if t is None:
        return scope, None
    var = ir.BoundVar(b.name, t, b.span)
    if b.name == "_":
        rep.error(
            b.span, "'_' cannot be a variable's name: it means 'any value' in action patterns"
        )
        return scope, None
    earlier = scope.get(b.name)
    if earlier is not None:
        rep.error(
            b.span,
            f"'{b.name}' is already bound: the {earlier.what} at {_at(earlier.span, b.span)}",
            "pick another name; shadowing is not allowed",
        )
        return scope, None
    glob = g.global_value(b.name)
    if glob is not None:
        rep.error(
            b.span,
            f"'{b.name}' is already the name of {glob[0]} declared at {_at(glob[1], b.span)}",
            "pick another name; shadowing is not allowed",
        )
        return scope, None
    new = dict(scope)
    new[b.name] = Local(var, what, b.span)
    return new, var


def compatible(a: ir.Type, b: ir.Type) -> bool:
    """The same type, where any two int ranges count as the same."""
    return a == b or (isinstance(a, ir.IntType) and isinstance(b, ir.IntType))


def describe(t: ir.Type) -> str:
    if isinstance(t, ir.IntType):
        return f"an int in {t}"
    if isinstance(t, ir.SortType):
        return f"a {t.name}"
    if isinstance(t, ir.EnumType):
        return f"a {t.name} (enum)"
    if isinstance(t, ir.MapType):
        return f"a map {t}"
    return "a bool"
