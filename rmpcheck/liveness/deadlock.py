"""The built-in deadlock check: in every reachable state some action is enabled.

It is a claim like any other, named ``deadlock_free`` (kind ``deadlock``), so
every engine answers it and it is reported, cached and expected like any
claim: its formula is ``t1 || ... || tn || enabled_any`` over the ``terminal``
conditions of the model and of the property file, and it is checked under
the property file's assumptions (docs/liveness.md, "Deadlock"). An action is
enabled when its guards hold (rmpcheck.liveness.enabled); assumptions that
rule out every step of a state do not make it a deadlock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from rmpcheck import ir
from rmpcheck.liveness.enabled import disj, enabled_any

DOC = "some action is enabled in every reachable state that is not terminal"


def claim(model: ir.Model, props: ir.PropertySet, extra: Sequence[ir.Expr] = ()) -> ir.Property:
    """The deadlock claim of ``model`` with ``props``' terminal conditions (and ``extra``)."""
    formula = disj([*model.terminal, *props.terminal, *extra, enabled_any(model)])
    return ir.Property("deadlock", ir.DEADLOCK_CLAIM, formula, (), DOC, model.span)


def with_claim(
    model: ir.Model, props: ir.PropertySet, extra: Sequence[ir.Expr] = ()
) -> ir.PropertySet:
    """``props`` with the deadlock claim added (last), unless it has one already."""
    if any(p.kind == "deadlock" for p in props.properties):
        return props
    added = (*props.properties, claim(model, props, extra))
    return dataclasses.replace(props, properties=added)
