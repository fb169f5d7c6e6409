"""The guard-free relaxation of a model: every condition becomes a free choice.

``require c`` is dropped (a choice of false would only disable the step,
which adds no run); ``if c {A} else {B}`` becomes ``choose b: bool { if b
{A} else {B} }``, so both branches are possible whatever the state (under a
``forall`` each element chooses for itself, as any choice there does);
``choose x: T where e`` loses ``where``. Writes, ``init``, the implicit
range guard of bounded-int writes, and the property file's ``assume``s stay.
The relaxation has every run of the model and more, so a claim that still
holds in it holds because of what the actions write and the initial state,
not because of when they may run: it holds "by construction".
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator

from rmpcheck import ir


def relax(model: ir.Model) -> ir.Model:
    """``model`` with every guard and branch condition replaced by a free choice."""
    taken = _names(model)
    fresh = (f"__branch{i}" for i in itertools.count() if f"__branch{i}" not in taken)
    actions = tuple(
        dataclasses.replace(a, body=tuple(_stmts(a.body, fresh))) for a in model.actions
    )
    return dataclasses.replace(model, actions=actions)


def _stmts(body: tuple[ir.Stmt, ...], fresh: Iterator[str]) -> Iterator[ir.Stmt]:
    for st in body:
        if isinstance(st, ir.Require):
            continue
        if isinstance(st, ir.If):
            b = ir.BoundVar(next(fresh), ir.BOOL, st.span)
            then, else_ = tuple(_stmts(st.then, fresh)), tuple(_stmts(st.else_, fresh))
            branch = ir.If(b, then, else_, st.span)
            yield ir.Choose(b, None, (branch,), st.span)
        elif isinstance(st, ir.Choose):
            yield ir.Choose(st.var, None, tuple(_stmts(st.body, fresh)), st.span)
        elif isinstance(st, ir.ForallStmt):
            yield ir.ForallStmt(st.vars, tuple(_stmts(st.body, fresh)), st.span)
        else:
            yield st


def _names(model: ir.Model) -> set[str]:
    """Every bound name of the model's actions (fresh choices must not shadow one)."""
    out: set[str] = {d.name for d in model.state}
    for a in model.actions:
        out.update(p.name for p in a.params)
        for st in ir.walk_stmts(a.body):
            if isinstance(st, ir.Choose):
                out.add(st.var.name)
            elif isinstance(st, ir.ForallStmt):
                out.update(v.name for v in st.vars)
    return out
