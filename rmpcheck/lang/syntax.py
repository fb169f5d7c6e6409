"""The untyped syntax tree of one source file, every node with its span.

:mod:`rmpcheck.lang.parse_tree` builds it from lark's tree; the checker turns
it into :mod:`rmpcheck.ir`. Names are plain strings here: nothing is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass

from rmpcheck.errors import Span

# --------------------------------------------------------------------- types


@dataclass(frozen=True, slots=True)
class BoolT:
    span: Span


@dataclass(frozen=True, slots=True)
class NamedT:
    """A sort or enum name."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class RangeT:
    lo: int
    hi: int
    span: Span


ScalarT = BoolT | NamedT | RangeT


@dataclass(frozen=True, slots=True)
class MapT:
    keys: tuple[ScalarT, ...]
    value: ScalarT
    span: Span


TypeT = ScalarT | MapT


# --------------------------------------------------------------- expressions


@dataclass(frozen=True, slots=True)
class Lit:
    value: bool | int
    span: Span


@dataclass(frozen=True, slots=True)
class Name:
    """A bare name: bound variable, state variable, enum member or zero-arity def."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Primed:
    """``x'``: a state variable in the post-state."""

    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class Qualified:
    """``Step.idle``."""

    enum: str
    member: str
    span: Span


@dataclass(frozen=True, slots=True)
class Call:
    """``f(a, b)``: a def applied to arguments."""

    name: str
    args: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Pattern:
    """``host.write(t, _)``: the step that just ran (properties only)."""

    actor: str
    action: str
    args: tuple[Expr, ...]
    span: Span

    @property
    def full_name(self) -> str:
        return f"{self.actor}.{self.action}"


@dataclass(frozen=True, slots=True)
class Index:
    """``m[k1, k2]``."""

    base: Expr
    args: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Unary:
    op: str  # "!", "prev", "once", "historically"; "eventually", "always eventually"
    arg: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Binary:
    op: str  # the operator as written: "&&", "->", "==", "+", "since", ...
    left: Expr
    right: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class IfExpr:
    cond: Expr
    then: Expr
    else_: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Binder:
    name: str
    type: ScalarT
    span: Span  # of the name


@dataclass(frozen=True, slots=True)
class QuantE:
    kind: str  # "forall" or "exists"
    binders: tuple[Binder, ...]
    body: Expr
    span: Span


Expr = Lit | Name | Primed | Qualified | Call | Pattern | Index | Unary | Binary | IfExpr | QuantE


# ---------------------------------------------------------------- statements


@dataclass(frozen=True, slots=True)
class RequireS:
    cond: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class AssignS:
    target: str
    target_span: Span
    primed: bool  # written as x' := e, which is an error we explain
    indices: tuple[Expr, ...] | None
    value: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class IfS:
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ChooseS:
    binder: Binder
    where: Expr | None
    body: tuple[Stmt, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ForallS:
    binders: tuple[Binder, ...]
    body: tuple[Stmt, ...]
    span: Span


Stmt = RequireS | AssignS | IfS | ChooseS | ForallS


# -------------------------------------------------------------- declarations


@dataclass(frozen=True, slots=True)
class ModelHeader:
    name: str
    doc: str
    span: Span


@dataclass(frozen=True, slots=True)
class PropsHeader:
    model: str | None  # the `for NAME` clause
    span: Span


Header = ModelHeader | PropsHeader


@dataclass(frozen=True, slots=True)
class IncludeD:
    path: str
    span: Span


@dataclass(frozen=True, slots=True)
class SortD:
    name: str
    span: Span


@dataclass(frozen=True, slots=True)
class EnumD:
    name: str
    members: tuple[tuple[str, Span], ...]
    span: Span


@dataclass(frozen=True, slots=True)
class StateD:
    name: str
    type: TypeT
    span: Span


@dataclass(frozen=True, slots=True)
class DefD:
    name: str
    params: tuple[Binder, ...] | None  # None: written without parentheses
    type: ScalarT
    body: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class InitD:
    items: tuple[Expr, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class ActorD:
    name: str
    role: str
    span: Span
    per: str = ""  # `actor host : host per Thread`: one trace column per Thread
    per_span: Span | None = None


@dataclass(frozen=True, slots=True)
class ActionD:
    override: bool
    actor: str
    name: str
    params: tuple[Binder, ...]
    doc: str
    body: tuple[Stmt, ...]
    span: Span
    name_span: Span

    @property
    def full_name(self) -> str:
        return f"{self.actor}.{self.name}"


@dataclass(frozen=True, slots=True)
class InstanceD:
    name: str
    sizes: tuple[tuple[str, int, Span], ...]
    span: Span


@dataclass(frozen=True, slots=True)
class PropertyD:
    kind: str
    name: str
    doc: str
    formula: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class FairnessD:
    """``fair kvm.resume``, ``strong_fair host`` (every action of actor host)."""

    strong: bool
    actor: str
    action: str | None  # None: every action of the actor
    span: Span  # of the name(s)


@dataclass(frozen=True, slots=True)
class TerminalD:
    """``terminal: vm == vm_dead``: states the deadlock check accepts as final."""

    cond: Expr
    span: Span


Decl = (
    IncludeD
    | SortD
    | EnumD
    | StateD
    | DefD
    | InitD
    | ActorD
    | ActionD
    | InstanceD
    | PropertyD
    | FairnessD
    | TerminalD
)


@dataclass(frozen=True, slots=True)
class SourceFile:
    path: str
    header: Header
    items: tuple[Decl, ...]

    @property
    def is_model(self) -> bool:
        return isinstance(self.header, ModelHeader)
