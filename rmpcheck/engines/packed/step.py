"""Action instances (an action with its arguments and hidden choices fixed) run over
a frontier: which states enable each one, and their packed post-states.

Grounding mirrors the interpreter's enumeration (Instance.successors):
arguments over the product of their domains, choices over the domains the
interpreter compiled for them (one tuple per element under a ``forall``).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rmpcheck import ir
from rmpcheck.engines.packed.layout import Layout
from rmpcheck.engines.packed.vector import (
    Batch,
    Env,
    Val,
    assignments,
    ev,
    flat_key,
    is_const,
    v_and,
    v_not,
    v_or,
    where,
)
from rmpcheck.errors import InternalError

# Past this many ground instances (arguments x choices) of the whole model the
# packed search is not used: one array pass per instance would cost more than
# the interpreter's per-state enumeration, which prunes by guards as it binds.
MAX_INSTANCES = 4096


@dataclass(frozen=True, slots=True)
class Ground:
    """One action instance: the action's index, its raw arguments and choices."""

    action: int
    args: tuple[Any, ...]
    choices: tuple[Any, ...]


def ground(lay: Layout) -> list[Ground] | None:
    """Every action instance of the model, or None when there are too many."""
    out: list[Ground] = []
    for i, code in enumerate(lay.inst.actions):
        for args in itertools.product(*code.param_domains):
            for ch in itertools.product(*code.choice_domains):
                out.append(Ground(i, tuple(args), tuple(ch)))
                if len(out) > MAX_INSTANCES:
                    return None
    return out


@dataclass
class _Run:
    lay: Layout
    g: Ground
    choose_index: dict[int, int]  # id(Choose) -> position in the instance's choices
    enabled: Val = True
    post: dict[int, Val] | None = None


class Stepper:
    """Successors of a batch under each action instance."""

    def __init__(self, lay: Layout) -> None:
        self.lay = lay
        inst = lay.inst
        self.choose_index: list[dict[int, int]] = []
        self.guards: list[list[ir.Expr]] = []
        for a in inst.model.actions:
            chooses = [st for st in ir.walk_stmts(a.body) if isinstance(st, ir.Choose)]
            self.choose_index.append({id(st): k for k, st in enumerate(chooses)})
            # top-level requires read only the pre-state and the arguments: tested
            # first, they shrink the batch the rest of the body runs on
            self.guards.append([st.cond for st in a.body if isinstance(st, ir.Require)])

    def successors(
        self, batch: Batch, g: Ground, live: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(positions in ``batch`` of the states ``g`` is enabled in, their post-states);
        with ``live``, only of the states it marks."""
        inst = self.lay.inst
        a = inst.model.actions[g.action]
        params = dict(zip(a.params, g.args, strict=True))
        env = Env(batch, None, a, g.args, params)
        ok: Val = True if live is None else live
        for c in self.guards[g.action]:
            ok = v_and(ok, ev(c, env))
            if is_const(ok) and not ok:
                return _none()
        pos = np.arange(batch.n) if is_const(ok) else np.flatnonzero(ok)
        if not len(pos):
            return _none()
        sub = batch if is_const(ok) else batch.subset(pos)
        run = _Run(self.lay, g, self.choose_index[g.action], True, {})
        env = Env(sub, run.post, a, g.args, params)
        self._block(a.body, True, env, run)
        self._monitors(env)
        for asm in inst.system.state_assumes:
            run.enabled = v_and(run.enabled, ev(ir.prime(asm), env))
        for asm in inst.system.step_assumes:
            run.enabled = v_and(run.enabled, ev(asm, env))
        if is_const(run.enabled) and not run.enabled:
            return _none()  # e.g. a constant out-of-range write: nothing to pack
        words = self._pack(sub, env.post or {})
        if is_const(run.enabled):
            return pos, words
        return pos[run.enabled], words[run.enabled]

    # -------------------------------------------------------------- statements

    def _block(self, body: Sequence[ir.Stmt], pc: Val, env: Env, run: _Run) -> None:
        for st in body:
            if isinstance(st, ir.Require):
                run.enabled = v_and(run.enabled, v_or(v_not(pc), ev(st.cond, env)))
            elif isinstance(st, ir.Assign):
                self._assign(st, pc, env, run)
            elif isinstance(st, ir.If):
                c = ev(st.cond, env)
                then_pc = v_and(pc, c)
                if not (is_const(then_pc) and not then_pc):
                    self._block(st.then, then_pc, env, run)
                else_pc = v_and(pc, v_not(c))
                if st.else_ and not (is_const(else_pc) and not else_pc):
                    self._block(st.else_, else_pc, env, run)
            elif isinstance(st, ir.ForallStmt):
                for asg in assignments(self.lay, st.vars):
                    inner = env.bind(asg)
                    self._block(st.body, pc, inner, run)
            elif isinstance(st, ir.Choose):
                inner = env.bind({st.var: self._choice(st, env, run)})
                if st.where is not None:
                    run.enabled = v_and(run.enabled, v_or(v_not(pc), ev(st.where, inner)))
                self._block(st.body, pc, inner, run)
            else:
                raise InternalError(f"unknown statement {st!r}")

    def _choice(self, st: ir.Choose, env: Env, run: _Run) -> Any:
        c = run.g.choices[run.choose_index[id(st)]]
        if not isinstance(c, tuple):
            return c
        # under a forall: one choice per element of the enclosing forall variables,
        # indexed as the interpreter does (codegen._flat_index), outermost first
        over = [v for v in (env.bound or {}) if v in self._forall_vars(run)]
        k = 0
        for v in over:
            d = self.lay.inst.sizes.domain(v.type)
            k = k * d.size + d.index(env.bound[v])  # type: ignore[index]
        return c[k]

    def _forall_vars(self, run: _Run) -> list[ir.BoundVar]:
        a = self.lay.inst.model.actions[run.g.action]
        return [v for st in ir.walk_stmts(a.body) if isinstance(st, ir.ForallStmt) for v in st.vars]

    def _assign(self, st: ir.Assign, pc: Val, env: Env, run: _Run) -> None:
        lay, t = self.lay, st.target.type
        vt = t.value if isinstance(t, ir.MapType) else t
        val = ev(st.value, env)
        src = st.value.type
        if isinstance(vt, ir.IntType) and not (
            isinstance(src, ir.IntType) and vt.lo <= src.lo and src.hi <= vt.hi
        ):
            # an out-of-range write disables the step (the implicit guard of ir.py)
            fits = v_and(vt.lo <= val, val <= vt.hi)
            fits = bool(fits) if isinstance(fits, np.bool_) else fits
            run.enabled = v_and(run.enabled, v_or(v_not(pc), fits))
        fields = lay.by_decl[lay.inst.index[st.target.name]]
        assert env.post is not None
        if isinstance(t, ir.MapType):
            j = flat_key(lay, t, [ev(k, env) for k in st.indices])
            if not is_const(j):
                for cand, fi in enumerate(fields):
                    hit = v_and(pc, j == cand)
                    env.post[fi] = where(hit, val, env.field(fi, True))
                return
            fi = fields[j]
        else:
            fi = fields[0]
        env.post[fi] = where(pc, val, env.field(fi, True))

    def _monitors(self, env: Env) -> None:
        lay = self.lay
        base = len(lay.inst.model.state)
        assert env.post is not None
        for j, m in enumerate(lay.inst.system.monitors):
            fields = lay.by_decl[base + j]
            if not m.params:
                env.post[fields[0]] = ev(m.next, env)
                continue
            for fi, asg in zip(fields, assignments(lay, m.params), strict=True):
                env.post[fi] = ev(m.next, env.bind(asg))

    def _pack(self, sub: Batch, post: dict[int, Val]) -> np.ndarray:
        words = sub.words.copy()
        for fi, val in post.items():
            f = self.lay.fields[fi]
            if f.bits == 0:
                continue
            if is_const(val):
                idx: Any = np.uint64(f.domain.index(val))
            else:
                off = f.domain.offset
                idx = (val - off if off else val).astype(np.uint64)
            clear = np.uint64(~(f.mask << f.shift) & 0xFFFF_FFFF_FFFF_FFFF)
            words &= clear
            words |= idx << np.uint64(f.shift)
        return words


def _none() -> tuple[np.ndarray, np.ndarray]:
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint64)
