"""Compile IR into Python source, once per instance: the interpreter's fast path.

Generated code reads the pre-state tuple ``s`` and, in monitor updates and
step predicates, the post-state ``t``. An action becomes one function
``(s, *params, *choices) -> post-state tuple | None`` (None: not enabled).
Simultaneous assignment falls out of the layout: every expression reads ``s``
and writes go to fresh locals, so no write is visible within its own step.
The generated source is kept on the result (``.source``) for debugging.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import CodeType
from typing import Any

from rmpcheck import ir
from rmpcheck.errors import InternalError
from rmpcheck.interp.values import Sizes
from rmpcheck.monitor import System


@dataclass
class ActionCode:
    """One action compiled: its function, and the domains of params and hidden choices."""

    action: ir.Action
    fn: Callable[..., tuple[Any, ...] | None]
    param_domains: list[tuple[Any, ...]]
    choice_vars: list[ir.BoundVar]
    choice_domains: list[tuple[Any, ...]]
    source: str = ""
    # every enabled instance at once: s -> [(args, choices, post-state)]; see Compiler.expander
    expand: (
        Callable[[tuple[Any, ...]], list[tuple[tuple[Any, ...], tuple[Any, ...], Any]]] | None
    ) = None


@dataclass
class _Ctx:
    """Where an expression is compiled: names for bound variables, the current action."""

    names: dict[ir.BoundVar, str] = field(default_factory=dict)
    action: ir.Action | None = None
    action_args: Sequence[str] = ()


class Compiler:
    def __init__(self, system: System, sizes: Sizes) -> None:
        self.system = system
        self.sizes = sizes
        self.index = {d.name: i for i, d in enumerate(system.state)}
        self._fresh = itertools.count()

    # ----------------------------------------------------------- expressions

    def fresh(self, base: str) -> str:
        return f"_{base}{next(self._fresh)}"

    def domain_src(self, t: ir.ScalarType) -> str:
        d = self.sizes.domain(t)
        if isinstance(t, ir.BoolType):
            return "(False, True)"
        return f"range({d.values[0]}, {d.values[-1] + 1})" if d.values else "()"

    def key_src(self, t: ir.MapType, keys: Sequence[str]) -> str:
        """Row-major index of a key tuple into a flattened map."""
        out = ""
        for kt, k in zip(t.keys, keys, strict=True):
            d = self.sizes.domain(kt)
            term = f"({k} - {d.offset})" if d.offset else k
            out = term if not out else f"({out}) * {d.size} + {term}"
        return out

    def expr(self, e: ir.Expr, ctx: _Ctx) -> str:
        if isinstance(e, ir.BoolLit):
            return "True" if e.value else "False"
        if isinstance(e, ir.IntLit):
            return str(e.value)
        if isinstance(e, ir.EnumLit):
            return str(e.index)
        if isinstance(e, ir.StateVar):
            return f"{'t' if e.primed else 's'}[{self.index[e.name]}]"
        if isinstance(e, ir.BoundVar):
            try:
                return ctx.names[e]
            except KeyError:
                raise InternalError(f"unbound variable {e.name} in compiled code") from None
        if isinstance(e, ir.Select):
            assert isinstance(e.map.type, ir.MapType)
            keys = [self.expr(a, ctx) for a in e.args]
            return f"{self.expr(e.map, ctx)}[{self.key_src(e.map.type, keys)}]"
        if isinstance(e, ir.Not):
            return f"(not {self.expr(e.arg, ctx)})"
        if isinstance(e, ir.BinOp):
            a, b = self.expr(e.left, ctx), self.expr(e.right, ctx)
            if e.op in ("and", "or"):
                return f"({a} {e.op} {b})"
            if e.op == "implies":
                return f"((not {a}) or {b})"
            if e.op == "iff":
                return f"({a} == {b})"
            return f"({a} {e.op} {b})"
        if isinstance(e, ir.Ite):
            c, a, b = (self.expr(x, ctx) for x in (e.cond, e.then, e.else_))
            return f"({a} if {c} else {b})"
        if isinstance(e, ir.Quant):
            inner = _Ctx(dict(ctx.names), ctx.action, ctx.action_args)
            loops = []
            for v in e.vars:
                inner.names[v] = self.fresh("q")
                loops.append(f"for {inner.names[v]} in {self.domain_src(v.type)}")
            fn = "all" if e.kind == "forall" else "any"
            return f"{fn}({self.expr(e.body, inner)} {' '.join(loops)})"
        if isinstance(e, ir.ActionIs):
            act = ctx.action
            if act is None or act.full_name != e.action:
                return "False"
            parts = [
                f"({self.expr(a, ctx)} == {p})"
                for a, p in zip(e.args, ctx.action_args, strict=True)
                if a is not None
            ]
            return "(" + " and ".join(parts) + ")" if parts else "True"
        if isinstance(e, ir.Past):
            raise InternalError("past-time operator reached the interpreter uncompiled")
        raise InternalError(f"unknown expression {e!r}")

    def predicate(self, e: ir.Expr, *, step: bool = False) -> Callable[..., Any]:
        """A state predicate ``f(s)``; with ``step``, a step predicate ``f(s, t)`` (no action)."""
        params = "s, t" if step else "s"
        src = f"def _pred({params}):\n    return {self.expr(e, _Ctx())}\n"
        return _exec(src, "_pred")

    def function(self, e: ir.Expr, params: Sequence[ir.BoundVar]) -> Callable[..., Any]:
        """``f(s, *params)``: an expression with free bound variables, on a state."""
        ctx = _Ctx()
        for p in params:
            ctx.names[p] = self.fresh("a")
        args = ", ".join(["s", *(ctx.names[p] for p in params)])
        src = f"def _fn({args}):\n    return {self.expr(e, ctx)}\n"
        return _exec(src, "_fn")

    def row_function(
        self, e: ir.Expr, params: Sequence[ir.BoundVar], valuations: Sequence[tuple[Any, ...]]
    ) -> Callable[[Any], tuple[bool, ...]]:
        """``f(s)``: ``bool(e)`` on a state at each of ``valuations`` of ``params``, in
        order, in one call (the loop in the generated code: a sample's atoms are read
        this way for every state and valuation)."""
        ctx = _Ctx()
        for p in params:
            ctx.names[p] = self.fresh("a")
        target = "(" + "".join(f"{ctx.names[p]}, " for p in params) + ")"
        src = (
            "def _make(_V):\n    def _fn(s):\n"
            f"        return tuple([bool({self.expr(e, ctx)}) for {target} in _V])\n"
            "    return _fn\n"
        )
        return _exec(src, "_make")(list(valuations))

    def step_function(self, e: ir.Expr, a: ir.Action) -> Callable[..., Any]:
        """``f(s, t, *params)``: a step formula (primes, action patterns) at a step of
        action ``a`` with these arguments, from pre-state ``s`` to post-state ``t``."""
        ctx = _Ctx(action=a)
        ctx.action_args = [self.fresh("p") for _ in a.params]
        src = f"def _fn({', '.join(['s', 't', *ctx.action_args])}):\n"
        src += f"    return {self.expr(e, ctx)}\n"
        return _exec(src, "_fn")

    # --------------------------------------------------------------- actions

    def action(self, a: ir.Action) -> ActionCode:
        ctx = _Ctx()
        params = []
        for p in a.params:
            ctx.names[p] = self.fresh("p")
            params.append(ctx.names[p])
        ctx.action, ctx.action_args = a, params
        writes = _written(a.body)
        lines: list[str] = []
        for name in writes:
            i = self.index[name]
            if isinstance(self.system.state[i].type, ir.MapType):
                lines.append(f"w{i} = list(s[{i}])")
            else:
                lines.append(f"w{i} = s[{i}]")
        choices: list[tuple[ir.BoundVar, list[ir.BoundVar], str]] = []
        self.block(a.body, ctx, lines, 1, choices, [])
        choice_names = [name for _, _, name in choices]
        post = []
        for i, d in enumerate(self.system.model.state):
            if d.name in writes:
                post.append(f"tuple(w{i})" if isinstance(d.type, ir.MapType) else f"w{i}")
            else:
                post.append(f"s[{i}]")
        post += ["None"] * len(self.system.monitors)
        lines.append(f"t = [{', '.join(post)}]")
        self.monitor_updates(ctx, lines)
        lines.append("t = tuple(t)")
        for asm in self.system.state_assumes:
            lines.append(f"if not {self.expr(ir.prime(asm), ctx)}: return None")
        for asm in self.system.step_assumes:
            lines.append(f"if not {self.expr(asm, ctx)}: return None")
        lines.append("return t")
        header = f"def _step({', '.join(['s', *params, *choice_names])}):"
        src = header + "\n" + "\n".join("    " + ln for ln in lines) + "\n"
        fn = _exec(src, "_step")
        code = ActionCode(
            a,
            fn,
            [tuple(self.sizes.domain(p.type).values) for p in a.params],
            [c for c, _, _ in choices],
            [self.choice_domain(c, over) for c, over, _ in choices],
            src,
        )
        code.expand = self.expander(code, ctx)
        return code

    def expander(self, code: ActionCode, ctx: _Ctx) -> Callable[..., Any]:
        """All enabled instances of an action from one state, in one call.

        The explicit engine's hot loop. A top-level ``require`` is an
        unconditional guard that reads only the pre-state, so it is tested as
        soon as the parameters it mentions are bound, pruning whole inner loops
        (``translate(t, p)`` tests ``step[t] == idle`` once per t, not per p).
        The step function still runs every guard, so the hoisted tests only
        filter and cannot change the semantics. Post-states are deduplicated
        per argument tuple, as :meth:`Instance.successors` does.
        """
        a = code.action
        params = list(ctx.action_args)
        level: dict[ir.BoundVar, int] = {p: i for i, p in enumerate(a.params)}
        guards: list[list[str]] = [[] for _ in range(len(params) + 1)]
        for st in a.body:
            if not isinstance(st, ir.Require):
                continue
            free = ir.free_vars(st.cond)
            if all(v in level for v in free):  # else it reads a choice: leave it to fn
                deps = [level[v] for v in free]
                guards[max(deps) + 1 if deps else 0].append(self.expr(st.cond, ctx))
        lines = ["out = []"]
        pad = ""
        for g in guards[0]:
            lines.append(f"if not {g}: return out")
        for i, (p, name) in enumerate(zip(a.params, params, strict=True)):
            lines.append(f"{pad}for {name} in {self.domain_src(p.type)}:")
            pad += "    "
            for g in guards[i + 1]:
                lines.append(f"{pad}if not {g}: continue")
        args = "(" + "".join(f"{n}, " for n in params) + ")"
        call = ", ".join(["s", *params])
        if not code.choice_domains:
            lines.append(f"{pad}t = fn({call})")
            lines.append(f"{pad}if t is not None: out.append(({args}, (), t))")
        else:
            lines.append(f"{pad}seen = set()")
            lines.append(f"{pad}for ch in product(*cdoms):")
            lines.append(f"{pad}    t = fn({call}, *ch)")
            lines.append(f"{pad}    if t is not None and t not in seen:")
            lines.append(f"{pad}        seen.add(t)")
            lines.append(f"{pad}        out.append(({args}, ch, t))")
        lines.append("return out")
        # a closure, so the step function and domains are fast local lookups
        body = "\n".join("        " + ln for ln in lines)
        src = f"def _make(fn, cdoms, product):\n    def _expand(s):\n{body}\n    return _expand\n"
        expand = _exec(src, "_make")(code.fn, code.choice_domains, itertools.product)
        expand.source = src
        return expand

    def choice_domain(self, c: ir.BoundVar, over: list[ir.BoundVar]) -> tuple[Any, ...]:
        """A choice's values; under a forall, one value per element (a tuple over them)."""
        vals = tuple(self.sizes.domain(c.type).values)
        if not over:
            return vals
        n = 1
        for v in over:
            n *= self.sizes.domain(v.type).size
        return tuple(itertools.product(vals, repeat=n))

    def block(
        self,
        body: Sequence[ir.Stmt],
        ctx: _Ctx,
        out: list[str],
        depth: int,
        choices: list[tuple[ir.BoundVar, list[ir.BoundVar], str]],
        over: list[ir.BoundVar],
    ) -> None:
        pad = "    " * (depth - 1)
        if not body:
            out.append(pad + "pass")
        for st in body:
            if isinstance(st, ir.Require):
                out.append(f"{pad}if not {self.expr(st.cond, ctx)}: return None")
            elif isinstance(st, ir.Assign):
                self.assign(st, ctx, out, pad)
            elif isinstance(st, ir.If):
                out.append(f"{pad}if {self.expr(st.cond, ctx)}:")
                self.block(st.then, ctx, out, depth + 1, choices, over)
                if st.else_:
                    out.append(f"{pad}else:")
                    self.block(st.else_, ctx, out, depth + 1, choices, over)
            elif isinstance(st, ir.ForallStmt):
                inner = pad
                for v in st.vars:
                    ctx.names[v] = self.fresh("f")
                    out.append(f"{inner}for {ctx.names[v]} in {self.domain_src(v.type)}:")
                    inner += "    "
                self.block(st.body, ctx, out, depth + len(st.vars), choices, over + list(st.vars))
            elif isinstance(st, ir.Choose):
                name = self.fresh("c")
                choices.append((st.var, list(over), name))
                ctx.names[st.var] = name
                if over:
                    # the hidden parameter holds one choice per forall element
                    out.append(f"{pad}{name}_v = {name}[{self._flat_index(over, ctx)}]")
                    ctx.names[st.var] = f"{name}_v"
                if st.where is not None:
                    out.append(f"{pad}if not {self.expr(st.where, ctx)}: return None")
                self.block(st.body, ctx, out, depth, choices, over)
            else:
                raise InternalError(f"unknown statement {st!r}")

    def _flat_index(self, over: list[ir.BoundVar], ctx: _Ctx) -> str:
        out = ""
        for v in over:
            d = self.sizes.domain(v.type)
            term = f"({ctx.names[v]} - {d.offset})" if d.offset else f"int({ctx.names[v]})"
            out = term if not out else f"({out}) * {d.size} + {term}"
        return out

    def assign(self, st: ir.Assign, ctx: _Ctx, out: list[str], pad: str) -> None:
        i = self.index[st.target.name]
        t = st.target.type
        vt = t.value if isinstance(t, ir.MapType) else t
        val = self.expr(st.value, ctx)
        vt_src = st.value.type
        if isinstance(vt, ir.IntType) and not (
            isinstance(vt_src, ir.IntType) and vt.lo <= vt_src.lo and vt_src.hi <= vt.hi
        ):
            # out-of-range writes disable the step (the implicit guard of ir.py)
            tmp = self.fresh("v")
            out.append(f"{pad}{tmp} = {val}")
            out.append(f"{pad}if not ({vt.lo} <= {tmp} <= {vt.hi}): return None")
            val = tmp
        if isinstance(t, ir.MapType):
            keys = [self.expr(k, ctx) for k in st.indices]
            out.append(f"{pad}w{i}[{self.key_src(t, keys)}] = {val}")
        else:
            out.append(f"{pad}w{i} = {val}")

    def monitor_updates(self, ctx: _Ctx, lines: list[str]) -> None:
        base = len(self.system.model.state)
        for j, m in enumerate(self.system.monitors):
            lines.append(f"t[{base + j}] = {self.monitor_value(m, m.next, ctx)}")

    def monitor_value(self, m: Any, e: ir.Expr, ctx: _Ctx) -> str:
        if not m.params:
            return self.expr(e, ctx)
        inner = _Ctx(dict(ctx.names), ctx.action, ctx.action_args)
        loops = []
        for p in m.params:
            inner.names[p] = self.fresh("m")
            loops.append(f"for {inner.names[p]} in {self.domain_src(p.type)}")
        return f"tuple({self.expr(e, inner)} {' '.join(loops)})"

    def monitor_init(self) -> Callable[[list[Any]], None]:
        """``f(state_list)``: fill in the monitors' initial values in place."""
        base = len(self.system.model.state)
        lines = ["s = t"]
        for j, m in enumerate(self.system.monitors):
            lines.append(f"t[{base + j}] = {self.monitor_value(m, m.init, _Ctx())}")
        src = "def _minit(t):\n" + "\n".join("    " + ln for ln in lines) + "\n"
        return _exec(src, "_minit")


@functools.lru_cache(maxsize=4096)
def _code(src: str, name: str) -> CodeType:
    """Compiled once per source: the same atom, action or predicate is generated again
    for every instance of a size and every sample that reads it (a sample's atoms twice,
    for the reachable states and for the noise), and compiling costs more than running
    it there."""
    return compile(src, f"<rmpcheck:{name}>", "exec")


def _written(body: Sequence[ir.Stmt]) -> list[str]:
    seen: dict[str, None] = {}
    for st in ir.walk_stmts(tuple(body)):
        if isinstance(st, ir.Assign):
            seen[st.target.name] = None
    return list(seen)


def _exec(src: str, name: str) -> Callable[..., Any]:
    ns: dict[str, Any] = {}
    exec(_code(src, name), ns)  # noqa: S102 - our own generated code
    fn = ns[name]
    fn.source = src
    return fn
