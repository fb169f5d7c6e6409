"""Inlining a def at a use: substitute the arguments, renaming binders apart first.

``ir.substitute`` relies on every binder having a name unique within its
formula. A def's body is checked once, on its own, so its quantified
variables may reuse names bound at the call site (``forall t: Thread.
f(t)`` with ``def f(p: Page): bool = exists t: Thread. ...``); inlining such a
body as is would capture the call site's ``t``.
"""

from __future__ import annotations

from rmpcheck import ir


def inline(
    params: tuple[ir.BoundVar, ...],
    body: ir.Expr,
    args: tuple[ir.Expr, ...],
    bound_here: set[str],
    reserved: set[str],
) -> ir.Expr:
    """``body`` with ``params`` replaced by ``args``.

    ``bound_here`` are the names bound at the call site; ``reserved`` are names
    no new binder may take (state variables, defs, enum members), so that the
    inlined formula still prints as text that parses.
    """
    taken = set(bound_here)
    for a in args:
        taken |= _names(a)
    used = taken | reserved | _names(body)
    return ir.substitute(_freshen(body, taken, used), dict(zip(params, args, strict=True)))


def _names(e: ir.Expr) -> set[str]:
    """Every bound variable name in ``e``, free or bound."""
    out = set()
    for x in ir.walk(e):
        if isinstance(x, ir.BoundVar):
            out.add(x.name)
        elif isinstance(x, ir.Quant):
            out |= {v.name for v in x.vars}
    return out


def _freshen(e: ir.Expr, taken: set[str], used: set[str]) -> ir.Expr:
    """``e`` with every quantified variable named in ``taken`` renamed to a name not in ``used``."""

    def f(x: ir.Expr) -> ir.Expr | None:
        if not isinstance(x, ir.Quant) or not any(v.name in taken for v in x.vars):
            return None
        renamed: dict[ir.BoundVar, ir.BoundVar] = {}
        for v in x.vars:
            if v.name in taken:
                i = 1
                while f"{v.name}_{i}" in used:
                    i += 1
                used.add(f"{v.name}_{i}")
                renamed[v] = ir.BoundVar(f"{v.name}_{i}", v.type, v.span)
        body = _freshen(ir.substitute(x.body, dict(renamed)), taken, used)
        return ir.Quant(x.kind, tuple(renamed.get(v, v) for v in x.vars), body, x.span)

    return ir.transform(e, f)
