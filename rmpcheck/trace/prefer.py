"""``rmpcheck prove --prefer``: after the engines answer, trade each trace for an
equally short one with fewer actors or fewer changed variables (trace/simplify.py).

The verdict never changes: only the trace shown with it, and only for one that
the interpreter replays like the engine's. A counterexample to induction is left
alone: its first state is not an initial state, so there is no run to shorten.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

from rmpcheck import ir
from rmpcheck.errors import ConfigError, EngineError
from rmpcheck.interp import Instance
from rmpcheck.monitor import compile_obligation
from rmpcheck.result import Result
from rmpcheck.trace.simplify import (
    DEFAULT_BUDGET,
    DEFAULT_SECONDS,
    Budget,
    Criterion,
    criteria,
    prefer,
)


def prefer_results(
    model: ir.Model,
    props: ir.PropertySet,
    results: Sequence[Result],
    prefs: Sequence[str],
    seconds: float = DEFAULT_SECONDS,
    nodes: int = DEFAULT_BUDGET,
) -> list[Result]:
    """``results`` with each trace replaced by a preferred one where the search finds
    it within ``seconds`` and ``nodes`` per trace; ``stats["prefer"]`` says what
    happened. A ConfigError for an unknown preference."""
    crits = criteria(prefs)
    if not crits:
        return list(results)
    return [_one(model, props, r, crits, seconds, nodes) for r in results]


def _one(
    model: ir.Model,
    props: ir.PropertySet,
    r: Result,
    crits: Sequence[Criterion],
    seconds: float,
    nodes: int,
) -> Result:
    trace = r.trace
    if trace is None:
        return r
    start = time.monotonic()
    if trace.meta.get("cti"):
        note = "kept: a counterexample to induction does not start in an initial state"
    elif trace.loop is not None:
        note = "kept: a lasso's loop must close and stay fair, which the search does not keep"
    else:
        try:
            # lemmas do not restrict runs, so the obligation without them replays the same
            ob = compile_obligation(model, props, r.property, use_lemmas=False)
            inst = Instance(ob.system, trace.sizes)
            out = prefer(inst, ob, trace, crits, Budget(nodes, seconds))
        except (ConfigError, EngineError) as e:  # too big for the interpreter (init, sizes)
            note = f"kept the engine's trace: {e}"
        else:
            trace, note = out.trace, out.note
    stats = {**r.stats, "prefer": note, "prefer_s": round(time.monotonic() - start, 3)}
    return dataclasses.replace(r, trace=trace, stats=stats)
