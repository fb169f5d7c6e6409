"""pdr and kind on liveness claims, through the liveness-to-safety reduction.

rmpcheck.liveness.l2s turns the claim into a safety obligation of a larger
system (a saved copy of the state and the loop's bookkeeping); pdr or kind
answers it with its own certificate, re-checked by a fresh solver as for any
safety claim. A counterexample of the reduced system is a lasso: its states,
projected on the model's variables, with the loop starting where the copy was
saved, are replayed and checked as a lasso of the claim itself
(trace/lasso.py) before the refutation is reported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from rmpcheck.engines import kind, pdr
from rmpcheck.engines.base import Options
from rmpcheck.interp import Instance
from rmpcheck.liveness import LiveObligation
from rmpcheck.liveness.l2s import loop_of, reduce
from rmpcheck.monitor import Obligation
from rmpcheck.result import Result
from rmpcheck.trace.lasso import build_lasso
from rmpcheck.trace.model import Trace

Check = Callable[[Obligation, Mapping[str, int], Options], Result]


def check_pdr(ob: LiveObligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Proved for the instance with an inductive invariant of the reduced system, or a lasso."""
    return _via(pdr.check, ob, sizes, opts)


def check_kind(ob: LiveObligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """k-induction on the reduced system."""
    return _via(kind.check, ob, sizes, opts)


def _via(check: Check, ob: LiveObligation, sizes: Mapping[str, int], opts: Options) -> Result:
    reduced = reduce(ob)
    r = check(reduced, sizes, opts)
    stats = {**r.stats, "reduction": "liveness to safety (saved state)"}
    if r.trace is None:
        return dataclasses.replace(r, stats=stats)
    lasso = _lasso(ob, sizes, r.trace, r.engine)
    return dataclasses.replace(r, trace=lasso, stats=stats)


def _lasso(ob: LiveObligation, sizes: Mapping[str, int], trace: Trace, engine: str) -> Trace:
    """The reduced system's counterexample as a lasso of ``ob``, replayed and checked."""
    inst = Instance(ob.system, sizes)
    decls = ob.model.state
    states = [tuple(inst.sizes.read(d.type, s.state[d.name]) for d in decls) for s in trace.steps]
    actions: list[tuple[str, tuple[Any, ...]]] = []
    for s in trace.steps[1:]:
        assert s.action is not None
        params = ob.model.action(s.action).params
        actions.append((s.action, tuple(inst.sizes.read(p.type, s.args[p.name]) for p in params)))
    return build_lasso(inst, ob, states, actions, loop_of(trace), engine)
