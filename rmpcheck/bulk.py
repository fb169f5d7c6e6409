"""Which writes of a bulk update (``forall`` statement) have an order-free meaning.

``forall x: S { body }`` runs ``body`` for every element of ``S`` in one step.
A write ``m[x] := e`` then touches a different entry for each element. A write
that does not name ``x`` in its indices (``flag := mark[x]``) is made by every
element to one location; the interpreter applies the writes in element order
and the last one wins. That result depends on how the elements happen to be
numbered, which is not a property of the model: renaming elements (symmetry
reduction) changes it, and a proof for all sizes cannot fix an order. The
writes below are the ones whose result does not depend on that order:

* every enclosing ``forall`` variable appears as an index of the write itself
  (``rmp_gpa[p, h] := ...`` under ``forall h``), so different elements write
  different entries; or
* for the variables that do not appear, the written value does not depend on
  them (directly, or through a ``choose`` made inside their scope), and no
  other write to the same state variable lies in their scope. Then every
  element that writes the location writes the same value
  (``forall r { if mark[r] { flag := true } }`` is an "exists").

This is the rule the EPR encoding of a step needs as well
(smt/epr/transition.py), so a model the checker accepts never meets it there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from rmpcheck import ir


@dataclass(frozen=True)
class OrderDependentWrite:
    """A write under ``forall`` whose result would depend on the elements' order."""

    write: ir.Assign
    unindexed: tuple[ir.BoundVar, ...]  # enclosing forall variables no index names
    rival: ir.Assign | None  # another write of the variable in their scope, if that is why

    def message(self) -> str:
        names = " and ".join(f"'{v.name}'" for v in self.unindexed)
        loc = self.write.target.name
        if self.rival is not None:
            r = self.rival.span
            why = f"'{loc}' is also written at {r.line}:{r.col} in the same forall"
        else:
            why = f"the value written depends on {names}"
        return (
            f"every {names} of the enclosing forall writes '{loc}' here and {why}, "
            "so the result would depend on the order of the elements"
        )

    def hint(self) -> str:
        v = self.unindexed[0].name
        if self.rival is not None:
            return (
                f"write '{self.write.target.name}' once in this forall, under one condition "
                f"on {v}, or move the other write out of the forall"
            )
        index = (
            f"make {v} an index of the entry written, or "
            if isinstance(self.write.target.type, ir.MapType)
            else ""
        )
        return (
            f"{index}write a value that does not depend on {v}, under a condition that "
            f"does: 'if mark[{v}] {{ flag := true }}' sets flag when some {v} is marked"
        )


@dataclass(frozen=True)
class _Write:
    stmt: ir.Assign
    over: tuple[ir.BoundVar, ...]  # enclosing forall variables, outermost first
    chosen: dict[ir.BoundVar, frozenset[ir.BoundVar]]  # choose var -> foralls around it


def order_dependent_writes(body: Sequence[ir.Stmt]) -> list[OrderDependentWrite]:
    """Every write of ``body`` (an action's) whose bulk-update result is order-dependent."""
    writes = list(_writes(tuple(body), (), {}))
    out = []
    for w in writes:
        named = {i for i in w.stmt.indices if isinstance(i, ir.BoundVar)}
        rest = tuple(x for x in w.over if x not in named)
        if not rest:
            continue
        rest_set = frozenset(rest)
        rival = next(
            (
                o.stmt
                for o in writes
                if o is not w
                and o.stmt.target.name == w.stmt.target.name
                and rest_set & frozenset(o.over)
            ),
            None,
        )
        if rival is not None or _depends(w.stmt.value, rest_set, w.chosen):
            out.append(OrderDependentWrite(w.stmt, rest, rival))
    return out


def order_dependent_sorts(model: ir.Model) -> dict[str, OrderDependentWrite]:
    """Sorts whose element order some write's result depends on, with one such write."""
    out: dict[str, OrderDependentWrite] = {}
    for a in model.actions:
        for odw in order_dependent_writes(a.body):
            for v in odw.unindexed:
                if isinstance(v.type, ir.SortType):
                    out.setdefault(v.type.name, odw)
    return out


def _writes(
    body: tuple[ir.Stmt, ...],
    over: tuple[ir.BoundVar, ...],
    chosen: dict[ir.BoundVar, frozenset[ir.BoundVar]],
) -> Iterator[_Write]:
    for st in body:
        if isinstance(st, ir.Assign):
            yield _Write(st, over, chosen)
        elif isinstance(st, ir.If):
            yield from _writes(st.then + st.else_, over, chosen)
        elif isinstance(st, ir.Choose):
            inner = {**chosen, st.var: frozenset(over)}
            yield from _writes(st.body, over, inner)
        elif isinstance(st, ir.ForallStmt):
            yield from _writes(st.body, over + st.vars, chosen)


def _depends(
    e: ir.Expr, rest: frozenset[ir.BoundVar], chosen: dict[ir.BoundVar, frozenset[ir.BoundVar]]
) -> bool:
    for v in ir.free_vars(e):
        if v in rest or rest & chosen.get(v, frozenset()):
            return True
    return False
