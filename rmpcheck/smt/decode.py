"""Z3 models -> raw interpreter values, for rmpcheck.trace.replay.build_trace."""

from __future__ import annotations

from collections.abc import Sequence

import z3

from rmpcheck import ir
from rmpcheck.errors import InternalError
from rmpcheck.interp.values import Raw, State
from rmpcheck.smt.system import Encoding
from rmpcheck.smt.terms import literal
from rmpcheck.smt.vocab import Labels, Vocabulary


def _raw(m: z3.ModelRef, c: z3.ExprRef) -> Raw:
    x = literal(m.eval(c, model_completion=True))
    if x is None:
        raise InternalError(f"model gives no literal value for {c}")
    return x


def state_of(enc: Encoding, m: z3.ModelRef, v: Vocabulary) -> State:
    """The raw state (model variables and monitors, ``System.state`` order) at ``v``."""
    out: list[Raw] = []
    for d in enc.system.state:
        vals = tuple(_raw(m, c) for c in v.values[d.name])
        out.append(vals if isinstance(d.type, ir.MapType) else vals[0])
    return tuple(out)


def action_of(enc: Encoding, m: z3.ModelRef, lab: Labels) -> tuple[str, tuple[Raw, ...]]:
    """The action that fired at a step, with its raw arguments."""
    i = _raw(m, lab.selector)
    a = enc.system.model.actions[i]
    return a.full_name, tuple(_raw(m, c) for c in lab.params[i])


def run_of(
    enc: Encoding, m: z3.ModelRef, states: Sequence[Vocabulary], steps: Sequence[Labels]
) -> tuple[list[State], list[tuple[str, tuple[Raw, ...]]]]:
    """States and actions of an unrolling, ready for build_trace."""
    return [state_of(enc, m, v) for v in states], [action_of(enc, m, lab) for lab in steps]
