"""Invariants already proved for a model, offered to its next claim as candidates.

The claims of one design need much the same strengthening: know_and_check's
``no_host_crash``, ``no_store_to_assigned`` and ``ghcb_stores_safe`` all rest
on the direct map being split around every Assigned page and on the pages a
thread or vCPU holds never being Assigned. Inferring that again for each
claim repeats minutes of sampling and Houdini queries. So every certificate
the engine has re-checked (engines/inductive) is remembered, per model, and
the next claim's inference first runs Houdini over those formulas alone
(engines/induction/infer): a few dozen candidates, each already known to hold
in every reachable state.

They are candidates, nothing more. A formula proved under one claim's
``assume`` need not hold without it, and none is trusted: whatever set is
chosen goes through initiation, consecution and the fresh solver's re-check
like any other. Only formulas over the model's own state are kept (a
monitor's variable belongs to one claim's system).

The store is the caller's (``Options.extra["proved"]``), never the
process's: a claim's lemmas, and whether inference finds them in its budget,
then depend only on what the caller chose to pass, not on which claims ran
before in the same process. The benchmark passes one store per design and
proves its claims one after another.
"""

from __future__ import annotations

from collections.abc import Sequence

from rmpcheck import ir

MAX_MODELS = 8  # designs remembered (the oldest go first)
MAX_FORMULAS = 200  # per design: the newest are kept

def _model_state_only(f: ir.Expr, names: set[str]) -> bool:
    return all(x.name in names for x in ir.walk(f) if isinstance(x, ir.StateVar))


class Proved:
    """Formulas of re-checked certificates, per model, newest last."""

    def __init__(self) -> None:
        self._by_model: dict[ir.Model, dict[ir.Expr, None]] = {}

    def remember(self, model: ir.Model, formulas: Sequence[ir.Expr]) -> None:
        """Record the formulas of a re-checked certificate for ``model``."""
        names = {d.name for d in model.state}
        known = self._by_model.pop(model, None)
        if known is None:
            known = {}
            while len(self._by_model) >= MAX_MODELS:
                self._by_model.pop(next(iter(self._by_model)))
        for f in formulas:
            if _model_state_only(f, names):
                known.pop(f, None)
                known[f] = None
        while len(known) > MAX_FORMULAS:
            known.pop(next(iter(known)))
        self._by_model[model] = known  # most recently used last

    def recall(self, model: ir.Model) -> list[ir.Expr]:
        """The formulas remembered for ``model``, oldest first."""
        return list(self._by_model.get(model, {}))
