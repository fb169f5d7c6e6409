"""Liveness and deadlock: what the engines under engines/liveness/ are asked.

``compile_claim`` is the one entry point that turns any claim of a property
set into what an engine checks: an :class:`~rmpcheck.monitor.Obligation` for
safety claims and covers (the deadlock check among them), a
:class:`~rmpcheck.liveness.obligation.LiveObligation` for liveness claims.
"""

from __future__ import annotations

from rmpcheck import ir
from rmpcheck.liveness.obligation import LiveObligation, compile_liveness
from rmpcheck.monitor import Obligation, compile_obligation

__all__ = ["LiveObligation", "compile_claim", "compile_liveness"]


def compile_claim(
    model: ir.Model, props: ir.PropertySet, name: str, use_lemmas: bool = True
) -> Obligation:
    """The obligation for claim ``name`` of ``props``, whatever its kind."""
    if props.get(name).kind == "liveness":
        return compile_liveness(model, props, name, use_lemmas)
    return compile_obligation(model, props, name, use_lemmas=use_lemmas)
