"""Which elements make a claim false at the end of a trace: the thread, the page.

The last line of a text trace names them (``for t=Thread0: target[Thread0] =
Page1, assigned[Page1] = true``). They come from evaluating the claim on the
trace's end, the way a reader would: variables an action pattern binds
(``host.write(t)``) take the arguments of the last step; below a ``forall``
that is false (an ``exists`` that is true, for a cover) the first elements
that make the body so are picked, and the search goes on into the part of an
implication or conjunction that decides the value. The state reads in that
part (map entries whose keys are now known) are listed with their values, so
the reader sees the page, not only the thread.

Everything here is best effort: a claim this does not understand (past-time
operators under a quantifier, say) gives fewer culprits, never an error.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from rmpcheck import ir
from rmpcheck.interp import Instance, State
from rmpcheck.interp.codegen import Compiler
from rmpcheck.ir_text import select
from rmpcheck.monitor import Obligation

Env = dict[ir.BoundVar, Any]  # raw values, as the interpreter holds them
# at most this many state reads are named: a claim over ten maps is not helped
# by listing all of them
MAX_READS = 4


def culprits(
    inst: Instance, ob: Obligation, pre: State | None, post: State, last_action: Any
) -> tuple[tuple[str, Any], ...]:
    """(name, display value) pairs: bound variables first, then the state reads."""
    try:
        return _Finder(inst, ob, pre, post, last_action).run()
    except Exception:  # best effort by design: a trace is never lost to its last line
        return ()


class _Finder:
    def __init__(
        self, inst: Instance, ob: Obligation, pre: State | None, post: State, last: Any
    ) -> None:
        self.inst, self.ob, self.pre, self.post, self.last = inst, ob, pre, post, last
        self.compiler = Compiler(inst.system, inst.sizes)
        self.n = len(inst.model.state)
        self.want = ob.kind == "reach"  # a cover is true at the end, a claim false

    def run(self) -> tuple[tuple[str, Any], ...]:
        prop = self.ob.prop
        env: Env = dict(self._pattern_bindings(prop.formula))
        focus = prop.formula
        if _is_state_formula(focus):
            env, focus = self._descend(focus, env, self.want)
        shown = [(v.name, self.inst.sizes.show(v.type, x)) for v, x in env.items()]
        return tuple(shown) + tuple(self._reads(focus, env))

    def _pattern_bindings(self, e: ir.Expr) -> Iterator[tuple[ir.BoundVar, Any]]:
        """``host.write(t)`` in the claim and host.write(Thread0) as the last step: t."""
        if self.last is None:
            return
        for node in ir.walk(e):
            if isinstance(node, ir.ActionIs) and node.action == self.last.action:
                for arg, val in zip(node.args, self.last.args, strict=False):
                    if isinstance(arg, ir.BoundVar):
                        yield arg, val

    def value(self, e: ir.Expr, env: Env) -> Any:
        names = [v for v in env if v in ir.free_vars(e)]
        fn = self.compiler.function(e, names)
        return fn(self.post, *(env[v] for v in names))

    def _descend(self, e: ir.Expr, env: Env, want: bool) -> tuple[Env, ir.Expr]:
        """Follow ``e`` (which evaluates to ``want``) to the part that decides it."""
        if isinstance(e, ir.Not):
            return self._descend(e.arg, env, not want)
        if isinstance(e, ir.Quant) and (e.kind == "exists") == want:
            domains = [self.inst.sizes.domain(v.type).values for v in e.vars]
            for combo in itertools.product(*domains):
                inner = {**env, **dict(zip(e.vars, combo, strict=True))}
                if self.value(e.body, inner) == want:
                    return self._descend(e.body, inner, want)
            return env, e
        if isinstance(e, ir.BinOp) and e.op in ("and", "or", "implies"):
            if e.op == "implies" and not want:  # a true premise, a false conclusion
                return self._descend(e.right, env, False)
            if (e.op == "and") != want:  # one side decides: the first that does
                for side in (e.left, e.right):
                    if self.value(side, env) == want:
                        return self._descend(side, env, want)
        return env, e

    def _reads(self, e: ir.Expr, env: Env) -> Iterator[tuple[str, Any]]:
        seen: set[str] = set()
        for node in _inner_first(e):
            if len(seen) >= MAX_READS:
                return
            if not isinstance(node, ir.Select) or not ir.free_vars(node) <= set(env):
                continue
            if any(isinstance(x, (ir.Past, ir.ActionIs)) for x in ir.walk(node)):
                continue
            state = self.post if node.map.primed or self.pre is None else self.pre
            if _is_state_formula(self.ob.prop.formula):
                state = self.post
            keys = [self._show(a, env, state) for a in node.args]
            name = select(node.map.name + ("'" if node.map.primed else ""), keys)
            if name in seen:
                continue
            seen.add(name)
            yield name, self._shown_value(node, env, state)

    def _raw(self, e: ir.Expr, env: Env, state: State) -> Any:
        names = [v for v in env if v in ir.free_vars(e)]
        unprimed = _unprime(e)
        fn = self.compiler.function(unprimed, names)
        return fn(state, *(env[v] for v in names))

    def _show(self, e: ir.Expr, env: Env, state: State) -> str:
        from rmpcheck.trace.layout import show

        return show(self.inst.sizes.show(_type(e), self._raw(e, env, state)))

    def _shown_value(self, node: ir.Select, env: Env, state: State) -> Any:
        t = node.map.type
        return self.inst.sizes.show(t.value if isinstance(t, ir.MapType) else t,
                                    self._raw(node, env, state))


def _inner_first(e: ir.Expr) -> Iterator[ir.Expr]:
    """Post-order, so ``target[Thread0]`` is named before ``assigned[Page1]`` it selects."""
    for k in ir.children(e):
        yield from _inner_first(k)
    yield e


def _type(e: ir.Expr) -> ir.Type:
    t = getattr(e, "type", None)
    if t is None and isinstance(e, ir.EnumLit):
        return e.enum
    assert t is not None
    return t


def _is_state_formula(e: ir.Expr) -> bool:
    return not any(
        isinstance(x, (ir.ActionIs, ir.Past)) or (isinstance(x, ir.StateVar) and x.primed)
        for x in ir.walk(e)
    )


def _unprime(e: ir.Expr) -> ir.Expr:
    """Reads of the post-state are evaluated on the post-state itself."""

    def f(x: ir.Expr) -> ir.Expr | None:
        return ir.StateVar(x.name, x.type) if isinstance(x, ir.StateVar) and x.primed else None

    return ir.transform(e, f)
