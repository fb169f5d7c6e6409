"""Why an action instance is not enabled in a state: the first ``require`` that fails.

Every condition in a step reads the pre-state (ir.py), so the guards can be
evaluated one by one on it, following the branch an ``if`` takes, every
element of a ``forall``, and every candidate value of a ``choose``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from rmpcheck import ir
from rmpcheck.interp import Instance, State
from rmpcheck.interp.codegen import Compiler
from rmpcheck.ir_text import ExprPrinter, binders
from rmpcheck.monitor import System

Env = dict[ir.BoundVar, Any]


def why_disabled(inst: Instance, action: ir.Action, args: Sequence[Any], s: State) -> str:
    """A reason for people: ``require step[t] == consulted is false``."""
    ev = _Evaluator(inst, s)
    env: Env = dict(zip(action.params, args, strict=True))
    reason = ev.block(action.body, env)
    if reason is not None:
        return reason
    if inst.system.state_assumes or inst.system.step_assumes:
        bare = Instance(System(inst.model), inst.sizes.sizes)
        if bare.step(s[: len(inst.model.state)], action.full_name, tuple(args)):
            return "an assumption of the property file rules the step out"
    return "its guards hold, but the step is ruled out (an internal inconsistency)"


class _Evaluator:
    def __init__(self, inst: Instance, s: State) -> None:
        self.inst = inst
        self.s = s
        self.compiler = Compiler(inst.system, inst.sizes)
        self.printer = ExprPrinter(inst.model.enums)
        self.text = self.printer.expr

    def value(self, e: ir.Expr, env: Env) -> Any:
        names = [v for v in env if v in ir.free_vars(e)]
        fn = self.compiler.function(e, names)
        return fn(self.s, *(env[v] for v in names))

    def shown(self, env: Mapping[ir.BoundVar, Any], vs: Sequence[ir.BoundVar]) -> str:
        return ", ".join(f"{v.name}={self.inst.sizes.show(v.type, env[v])}" for v in vs)

    def block(self, body: Sequence[ir.Stmt], env: Env) -> str | None:
        """The first reason this block cannot run, or None if it can."""
        for st in body:
            reason = self.stmt(st, env)
            if reason is not None:
                return reason
        return None

    def stmt(self, st: ir.Stmt, env: Env) -> str | None:
        if isinstance(st, ir.Require):
            if not self.value(st.cond, env):
                return f"require {self.text(st.cond)} is false{_where(st.span)}"
            return None
        if isinstance(st, ir.If):
            return self.block(st.then if self.value(st.cond, env) else st.else_, env)
        if isinstance(st, ir.ForallStmt):
            domains = [self.inst.sizes.domain(v.type).values for v in st.vars]
            for combo in itertools.product(*domains):
                inner = {**env, **dict(zip(st.vars, combo, strict=True))}
                reason = self.block(st.body, inner)
                if reason is not None:
                    return f"{reason} (for {self.shown(inner, st.vars)})"
            return None
        if isinstance(st, ir.Choose):
            return self.choose(st, env)
        if isinstance(st, ir.Assign):
            return self.assign(st, env)
        return None

    def choose(self, st: ir.Choose, env: Env) -> str | None:
        first: str | None = None
        candidates = 0
        for v in self.inst.sizes.domain(st.var.type).values:
            inner = {**env, st.var: v}
            if st.where is not None and not self.value(st.where, inner):
                continue
            candidates += 1
            reason = self.block(st.body, inner)
            if reason is None:
                return None
            first = first or reason
        if candidates == 0:
            cond = f" where {self.text(st.where)}" if st.where is not None else ""
            return f"no {binders((st.var,))} satisfies choose {st.var.name}{cond}"
        return f"{first} for every choice of {st.var.name}"

    def assign(self, st: ir.Assign, env: Env) -> str | None:
        """Out-of-range writes to bounded ints disable the step (ir.py's implicit guard)."""
        t = st.target.type
        vt = t.value if isinstance(t, ir.MapType) else t
        if not isinstance(vt, ir.IntType):
            return None
        v = self.value(st.value, env)
        if vt.lo <= v <= vt.hi:
            return None
        target = self.printer.lvalue(st.target, st.indices)
        return f"{target} := {self.text(st.value)} would be {v}, outside {vt}{_where(st.span)}"


def _where(span: Any) -> str:
    return f" ({span})" if getattr(span, "file", "<builtin>") != "<builtin>" and span.line else ""
