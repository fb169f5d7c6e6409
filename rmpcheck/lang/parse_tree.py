"""Text to :mod:`rmpcheck.lang.syntax`: the cached lark parser and the tree builder."""

from __future__ import annotations

import functools
import os
from importlib import resources
from typing import Any

from lark import Lark, Token, Transformer_NonRecursive, v_args
from lark.exceptions import UnexpectedInput, VisitError
from lark.tree import Meta

from rmpcheck import bounds
from rmpcheck.errors import Diagnostic, Span
from rmpcheck.lang import syntax as S
from rmpcheck.lang.syntax_errors import describe_syntax_error

TOO_DEEP = "expressions nest too deeply (hundreds of levels) to be checked"


@functools.cache
def parser() -> Lark:
    """The LALR parser, built once per process.

    Building the tables takes about a second, so lark caches them on disk
    (keyed by a hash of the grammar, the options and lark's version);
    loading the cache takes a few milliseconds.
    """
    grammar = resources.files("rmpcheck.lang").joinpath("rmp.lark").read_text("utf-8")
    return Lark(
        grammar, parser="lalr", lexer="basic", propagate_positions=True, cache=_cache_file()
    )


def _cache_file() -> str | bool:
    """A per-user cache file (not lark's default in the shared temp directory,
    since the cache is a pickle); False, for no cache, when there is no such place."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "rmpcheck")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return False
    return os.path.join(folder, "rmp-grammar.lark-cache")


def parse_source(text: str, path: str) -> S.SourceFile | Diagnostic:
    """The syntax tree of ``text``, or the first syntax error as a diagnostic."""
    text = text.removeprefix("\ufeff")  # a byte-order mark is not text
    try:
        tree = parser().parse(text)
    except UnexpectedInput as e:
        return describe_syntax_error(e, text, path, parser())
    try:
        result = _Builder(path).transform(tree)
    except RecursionError:
        return Diagnostic(Span(path, 1, 1), TOO_DEEP)
    except VisitError as e:
        if not isinstance(e.orig_exc, TooLarge):
            raise
        span = e.orig_exc.span
        lines = text.splitlines()
        line = lines[span.line - 1] if 0 < span.line <= len(lines) else None
        return Diagnostic(span, e.orig_exc.message, e.orig_exc.hint, line)
    assert isinstance(result, S.SourceFile)
    return result


class TooLarge(Exception):
    """A number in the text past :mod:`rmpcheck.bounds`, found while building the tree."""

    def __init__(self, span: Span, message: str, hint: str) -> None:
        super().__init__(message)
        self.span, self.message, self.hint = span, message, hint


_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}


def unquote(token: str) -> str:
    """The value of a STRING token (the grammar admits only these four escapes)."""
    body, out, i = token[1:-1], [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            out.append(_ESCAPES[body[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


@v_args(meta=True)
class _Builder(Transformer_NonRecursive):
    """Lark tree to syntax nodes. Each method gets the rule's meta and children."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def span(self, meta: Meta) -> Span:
        return Span(self.path, meta.line, meta.column, meta.end_line, meta.end_column)

    def tspan(self, tok: Token) -> Span:
        assert tok.line is not None and tok.column is not None
        return Span(self.path, tok.line, tok.column, tok.end_line or 0, tok.end_column or 0)

    # ------------------------------------------------------------ file level

    def start(self, meta: Meta, c: list[Any]) -> S.SourceFile:
        return S.SourceFile(self.path, c[0], tuple(x for x in c[1:] if x is not None))

    def model_header(self, meta: Meta, c: list[Any]) -> S.ModelHeader:
        return S.ModelHeader(str(c[0]), unquote(c[1]) if c[1] else "", self.span(meta))

    def props_header(self, meta: Meta, c: list[Any]) -> S.PropsHeader:
        return S.PropsHeader(str(c[0]) if c[0] else None, self.span(meta))

    def include(self, meta: Meta, c: list[Any]) -> S.IncludeD:
        return S.IncludeD(unquote(c[0]), self.span(meta))

    def sort(self, meta: Meta, c: list[Any]) -> S.SortD:
        return S.SortD(str(c[0]), self.tspan(c[0]))

    def enum(self, meta: Meta, c: list[Any]) -> S.EnumD:
        members = tuple((str(t), self.tspan(t)) for t in c[1:] if t is not None)
        return S.EnumD(str(c[0]), members, self.tspan(c[0]))

    def state(self, meta: Meta, c: list[Any]) -> S.StateD:
        return S.StateD(str(c[0]), c[1], self.tspan(c[0]))

    def def_decl(self, meta: Meta, c: list[Any]) -> S.DefD:
        return S.DefD(str(c[0]), c[1], c[2], c[3], self.tspan(c[0]))

    def init(self, meta: Meta, c: list[Any]) -> S.InitD:
        return S.InitD(tuple(c), self.span(meta))

    def actor(self, meta: Meta, c: list[Any]) -> S.ActorD:
        role = str(c[1]) if c[1] else str(c[0])
        per, per_span = (str(c[2]), self.tspan(c[2])) if c[2] else ("", None)
        return S.ActorD(str(c[0]), role, self.tspan(c[0]), per, per_span)

    def action(self, meta: Meta, c: list[Any]) -> S.ActionD:
        override, actor, name, params, doc, body = c
        full = Span(self.path, actor.line, actor.column, name.end_line, name.end_column)
        return S.ActionD(
            override is not None,
            str(actor),
            str(name),
            params or (),
            unquote(doc) if doc else "",
            body,
            self.span(meta),
            full,
        )

    def instance(self, meta: Meta, c: list[Any]) -> S.InstanceD:
        return S.InstanceD(str(c[0]), tuple(x for x in c[1:] if x is not None), self.tspan(c[0]))

    def size(self, meta: Meta, c: list[Any]) -> tuple[str, int, Span]:
        return (str(c[0]), c[1], self.tspan(c[0]))

    def prop_decl(self, meta: Meta, c: list[Any]) -> S.PropertyD:
        kind, name, doc, formula = c
        return S.PropertyD(
            str(kind), str(name), unquote(doc) if doc else "", formula, self.tspan(name)
        )

    def prop_kind(self, meta: Meta, c: list[Any]) -> str:
        return str(c[0])

    def fairness(self, meta: Meta, c: list[Any]) -> S.FairnessD:
        kind, actor, action = c
        end = action if action is not None else actor
        span = Span(self.path, actor.line, actor.column, end.end_line, end.end_column)
        return S.FairnessD(kind == "strong_fair", str(actor), action and str(action), span)

    def fair_kind(self, meta: Meta, c: list[Any]) -> str:
        return str(c[0])

    def terminal(self, meta: Meta, c: list[Any]) -> S.TerminalD:
        return S.TerminalD(c[0], self.span(meta))

    def params(self, meta: Meta, c: list[Any]) -> tuple[S.Binder, ...]:
        return tuple(b for b in c if b is not None)

    def binder(self, meta: Meta, c: list[Any]) -> S.Binder:
        return S.Binder(str(c[0]), c[1], self.tspan(c[0]))

    # ----------------------------------------------------------------- types

    def map_type(self, meta: Meta, c: list[Any]) -> S.MapT:
        return S.MapT(tuple(c[:-1]), c[-1], self.span(meta))

    def state_type(self, meta: Meta, c: list[Any]) -> S.ScalarT:
        t: S.ScalarT = c[0]
        return t

    def bool_type(self, meta: Meta, c: list[Any]) -> S.BoolT:
        return S.BoolT(self.span(meta))

    def named_type(self, meta: Meta, c: list[Any]) -> S.NamedT:
        return S.NamedT(str(c[0]), self.span(meta))

    def range_type(self, meta: Meta, c: list[Any]) -> S.RangeT:
        return S.RangeT(c[0], c[1], self.span(meta))

    def int_lit(self, meta: Meta, c: list[Any]) -> int:
        return -self.number(c[1]) if len(c) == 2 else self.number(c[0])

    def number(self, tok: Token) -> int:
        """An INT token's value, refused (located) past bounds.MAX_INT."""
        if bounds.too_many_digits(str(tok)):
            raise TooLarge(
                self.tspan(tok),
                f"integer literal {bounds.literal_text(str(tok))} is too large: "
                f"at most {bounds.MAX_INT}",
                "ints are small bounded ranges (say 0..255); a size goes in an instance block",
            )
        return int(tok)

    # ------------------------------------------------------------ statements

    def block(self, meta: Meta, c: list[Any]) -> tuple[S.Stmt, ...]:
        return tuple(c)

    def require(self, meta: Meta, c: list[Any]) -> S.RequireS:
        return S.RequireS(c[0], self.span(meta))

    def assign(self, meta: Meta, c: list[Any]) -> S.AssignS:
        target, indices, value = c
        primed = target.type == "PRIMED_NAME"
        name = str(target)[:-1] if primed else str(target)
        return S.AssignS(name, self.tspan(target), primed, indices, value, self.span(meta))

    def if_stmt(self, meta: Meta, c: list[Any]) -> S.IfS:
        cond, then, else_ = c
        if isinstance(else_, S.IfS):
            else_ = (else_,)
        return S.IfS(cond, then, else_ or (), self.span(meta))

    def choose(self, meta: Meta, c: list[Any]) -> S.ChooseS:
        return S.ChooseS(c[0], c[1], c[2], self.span(meta))

    def forall_stmt(self, meta: Meta, c: list[Any]) -> S.ForallS:
        *binders, body = c
        if not isinstance(body, tuple):  # the one-statement form `forall q: T. stmt`
            body = (body,)
        return S.ForallS(tuple(binders), body, self.span(meta))

    # ----------------------------------------------------------- expressions

    def binary(self, meta: Meta, c: list[Any]) -> S.Binary:
        return S.Binary(str(c[1]), c[0], c[2], self.span(meta))

    def unary(self, meta: Meta, c: list[Any]) -> S.Unary:
        return S.Unary(str(c[0]), c[1], self.span(meta))

    def always_eventually(self, meta: Meta, c: list[Any]) -> S.Unary:
        return S.Unary("always eventually", c[2], self.span(meta))

    def neg_int(self, meta: Meta, c: list[Any]) -> S.Lit:
        return S.Lit(-self.number(c[1]), self.span(meta))

    def index(self, meta: Meta, c: list[Any]) -> S.Index:
        return S.Index(c[0], c[1], self.span(meta))

    def exprs(self, meta: Meta, c: list[Any]) -> tuple[S.Expr, ...]:
        return tuple(c)

    def true(self, meta: Meta, c: list[Any]) -> S.Lit:
        return S.Lit(True, self.span(meta))

    def false(self, meta: Meta, c: list[Any]) -> S.Lit:
        return S.Lit(False, self.span(meta))

    def int(self, meta: Meta, c: list[Any]) -> S.Lit:
        return S.Lit(self.number(c[0]), self.span(meta))

    def name(self, meta: Meta, c: list[Any]) -> S.Name:
        return S.Name(str(c[0]), self.span(meta))

    def primed(self, meta: Meta, c: list[Any]) -> S.Primed:
        return S.Primed(str(c[0])[:-1], self.span(meta))

    def qualified(self, meta: Meta, c: list[Any]) -> S.Qualified:
        return S.Qualified(str(c[0]), str(c[1]), self.span(meta))

    def call(self, meta: Meta, c: list[Any]) -> S.Call:
        return S.Call(str(c[0]), c[1] or (), self.span(meta))

    def pattern(self, meta: Meta, c: list[Any]) -> S.Pattern:
        return S.Pattern(str(c[0]), str(c[1]), c[2] or (), self.span(meta))

    def ite(self, meta: Meta, c: list[Any]) -> S.IfExpr:
        return S.IfExpr(c[0], c[1], c[2], self.span(meta))

    def quant(self, meta: Meta, c: list[Any]) -> S.QuantE:
        return S.QuantE(str(c[0]), tuple(c[1:-1]), c[-1], self.span(meta))
