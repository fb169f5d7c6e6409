"""Lark's parse exceptions as located diagnostics in human words.

A raw lark message lists terminal names (``__ANON_3``, ``RBRACE``); users get
"expected an expression, found '}'" or "expected '}' to close the block
opened at 12:3, found end of file" instead. Parsing stops at the first syntax
error of a file (LALR cannot resynchronise reliably), so one file gives at
most one syntax diagnostic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken
from lark.lexer import PatternStr

from rmpcheck.errors import Diagnostic, Span

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

# Terminals that are not spelled the same every time.
_KIND_WORDS = {
    "NAME": "a name",
    "PRIMED_NAME": "a primed name",
    "INT": "a number",
    "STRING": "a string",
    "$END": "end of file",
}

_EXPR_START = {
    "NAME",
    "PRIMED_NAME",
    "INT",
    "LPAR",
    "BANG",
    "MINUS",
    "TRUE",
    "FALSE",
    "IF",
    "FORALL",
    "EXISTS",
    "PREV",
    "ONCE",
    "HISTORICALLY",
    "EVENTUALLY",
    "ALWAYS",  # always eventually
}
_STMT_START = {"REQUIRE", "IF", "CHOOSE", "FORALL", "NAME", "PRIMED_NAME", "SEMICOLON"}
_DECL_START = {
    "INCLUDE",
    "SORT",
    "ENUM",
    "STATE",
    "DEF",
    "INIT",
    "ACTOR",
    "ACTION",
    "OVERRIDE",
    "INSTANCE",
    "INVARIANT",
    "ALWAYS",
    "COVER",
    "ASSUME",
    "LEMMA",
    "LIVENESS",
    "FAIR",
    "STRONG_FAIR",
    "TERMINAL",
    "SEMICOLON",
}
_TYPE_START = {"BOOL", "NAME", "INT", "MINUS"}
_OPERATORS = {
    "LEADSTO",
    "IFF",
    "IMPLIES",
    "OR",
    "AND",
    "SINCE",
    "EQ",
    "NE",
    "LE",
    "GE",
    "LT",
    "GT",
    "PLUS",
    "MINUS",
    "LSQB",
}

# (terminal that identifies the category, what to call it, terminals it stands for)
_CATEGORIES = [
    (
        "SORT",
        "a declaration (sort, enum, state, def, init, actor, action, instance, "
        "include or a property)",
        _DECL_START,
    ),
    ("REQUIRE", "a statement (require, if, choose, forall or an assignment)", _STMT_START),
    ("BOOL", "a type (bool, a sort, an enum or lo..hi)", _TYPE_START),
    ("BANG", "an expression", _EXPR_START),
    ("AND", "an operator", _OPERATORS),
]

_OPENERS = {
    "LBRACE": ("RBRACE", "'}' to close the block opened at @"),
    "LPAR": ("RPAR", "')' to close the '(' at @"),
    "LSQB": ("RSQB", "']' to close the '[' at @"),
}
_CLOSERS = {close: opener for opener, (close, _) in _OPENERS.items()}


@dataclass
class _Context:
    """What the tokens before the error tell: the last two and the unclosed brackets."""

    before_last: Token | None
    last: Token | None
    open_brackets: list[Token]


def _context(text: str, parser: Lark, line: int, col: int) -> _Context:
    before_last: Token | None = None
    last: Token | None = None
    stack: list[Token] = []
    try:
        for tok in parser.lex(text):
            if (tok.line, tok.column) >= (line, col):
                break
            before_last, last = last, tok
            if tok.type in _OPENERS:
                stack.append(tok)
            elif tok.type in _CLOSERS and stack and stack[-1].type == _CLOSERS[tok.type]:
                stack.pop()
    except UnexpectedInput:
        pass  # the lexer stops at the bad character itself; what came before is enough
    return _Context(before_last, last, stack)


def _spelling(parser: Lark) -> dict[str, str]:
    out = dict(_KIND_WORDS)
    for t in parser.terminals:
        if isinstance(t.pattern, PatternStr):
            out[t.name] = f"'{t.pattern.value}'"
    return out


def _keywords(parser: Lark) -> set[str]:
    return {
        t.name
        for t in parser.terminals
        if isinstance(t.pattern, PatternStr) and _WORD.match(t.pattern.value)
    }


def _expected_words(expected: set[str], ctx: _Context, spell: dict[str, str]) -> str:
    if expected == {"MODEL", "PROPERTIES"}:
        return "'model NAME' or 'properties for NAME' at the start of the file"
    words: list[str] = []
    rest = set(expected)
    top = ctx.open_brackets[-1] if ctx.open_brackets else None
    if top is not None and _OPENERS[top.type][0] in rest:
        words.append(_OPENERS[top.type][1].replace("@", f"{top.line}:{top.column}"))
        rest.discard(_OPENERS[top.type][0])
    categories = []
    for trigger, phrase, members in _CATEGORIES:
        if trigger in rest:
            categories.append(phrase)
            rest -= members
    end = ["end of file"] if "$END" in rest else []
    rest.discard("$END")
    words = [spell.get(t, t) for t in sorted(rest)] + categories + words + end
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _acceptable(e: UnexpectedToken) -> set[str]:
    """The tokens that could have come instead.

    ``e.expected`` holds the LALR state's lookaheads, which state merging
    inflates (after a name it lists every token that may follow any
    expression); asking the interactive parser which tokens it would take
    gives the exact set.
    """
    if e.interactive_parser is not None:
        return set(e.interactive_parser.accepts())
    return set(e.expected or ())


def _found_words(tok: Token, spell: dict[str, str], keywords: set[str]) -> str:
    if tok.type == "$END":
        return "end of file"
    if tok.type == "NAME":
        return f"name '{tok}'"
    if tok.type == "INT":
        return f"number {tok}"
    if tok.type == "STRING":
        return f"string {tok}"
    if tok.type in keywords:
        return f"keyword '{tok}'"
    return f"'{tok}'"


_PROPERTY_KINDS = {"INVARIANT", "ALWAYS", "COVER", "ASSUME", "LEMMA", "LIVENESS"}


def _hint(tok: Token, expected: set[str], keywords: set[str], ctx: _Context) -> str | None:
    if tok.type == "EQUAL" and expected & {"_ASSIGN", "EQ"}:
        return "':=' assigns a state variable and '==' compares"
    if tok.type in keywords and "NAME" in expected:
        return f"'{tok}' is a reserved word; pick another name"
    kind = ctx.before_last
    if tok.type == "DOT" and kind is not None and kind.type in _PROPERTY_KINDS:
        # `always host.write(t) -> ...`: the formula was written where the name goes
        return f"every property needs a name: '{kind} NAME: formula'"
    return None


def _end_span(path: str, ctx: _Context) -> Span:
    """Just after the last token: where the missing text should have been."""
    if ctx.last is None or ctx.last.end_line is None or ctx.last.end_column is None:
        return Span(path, 1, 1)
    return Span(path, ctx.last.end_line, ctx.last.end_column)


def describe_syntax_error(e: UnexpectedInput, text: str, path: str, parser: Lark) -> Diagnostic:
    """``e`` as a diagnostic that says what was found and what was expected."""
    lines = text.splitlines()

    def located(span: Span, message: str, hint: str | None = None) -> Diagnostic:
        src = lines[span.line - 1] if 0 < span.line <= len(lines) else None
        return Diagnostic(span, message, hint, src)

    if isinstance(e, UnexpectedCharacters):
        rest = lines[e.line - 1][e.column :] if 0 < e.line <= len(lines) else ""
        return located(Span(path, e.line, e.column), *_bad_character(e.char, rest))
    if isinstance(e, UnexpectedToken):
        tok = e.token
        spell, keywords = _spelling(parser), _keywords(parser)
        if tok.type == "$END":
            ctx = _context(text, parser, len(lines) + 1, 0)
            span = _end_span(path, ctx)
        else:
            ctx = _context(text, parser, tok.line or 1, tok.column or 1)
            span = Span(
                path, tok.line or 1, tok.column or 1, tok.end_line or 0, tok.end_column or 0
            )
        expected = _acceptable(e)
        message = (
            f"expected {_expected_words(expected, ctx, spell)}, "
            f"found {_found_words(tok, spell, keywords)}"
        )
        return located(span, message, _hint(tok, expected, keywords, ctx))
    # UnexpectedEOF: lark's LALR reports end of input as a $END token, but be safe
    ctx = _context(text, parser, len(lines) + 1, 0)
    return located(_end_span(path, ctx), "unexpected end of file")


def _bad_character(char: str, rest: str) -> tuple[str, str | None]:
    """What to say about ``char``, which no token can start; ``rest`` follows it."""
    if char == '"' and '"' in rest:
        return "bad escape in string", 'the escapes are \\" \\\\ \\n and \\t'
    if char == '"':
        return "unterminated string", "a string ends with '\"' on the same line"
    if char in "&|":
        return f"unexpected character '{char}'", f"did you mean '{char * 2}'?"
    if char == "'":
        return "unexpected prime", "a prime goes directly after a state variable: x' or m'[k]"
    if char == "=":
        return "unexpected '='", "':=' assigns and '==' compares"
    shown = char if char.isprintable() else repr(char)
    return f"unexpected character '{shown}'", None
