"""Many claims of one property file decided by one explicit-state search.

Proving a claim by explicit search visits every reachable state; so does
proving the next claim of the same file at the same instance. Here the claims'
monitors are compiled into one system, named apart (monitors only observe, so
the model's reachable states are the same and each claim's monitors see the
runs they would see alone), the search runs once, and each claim's target is
evaluated on every state as it is found. A claim no state breaks (a cover no
state reaches) is decided by that search; a claim some state breaks is then
searched for alone, so its trace is the shortest one, and the very one that
``check`` gives for it by itself. Symmetry reduction respects every claim's
target at once. The shared search is one obligation's worth of time; a limit
hit before a claim was decided gives that claim "unknown".
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from rmpcheck import ir
from rmpcheck.engines import explicit
from rmpcheck.engines.base import Deadline, Options, instance_scope, unknown, verdict_for
from rmpcheck.engines.limits import too_large
from rmpcheck.interp import Instance, State
from rmpcheck.monitor import Obligation, compile_obligation, compile_together, context_of
from rmpcheck.result import Certificate, Result


class _FirstHits:
    """Records, for each target, the index of the first state (in BFS order) where it
    is decided: broken for a safety claim, met for a cover."""

    def __init__(self, inst: Instance, targets: Sequence[ir.Expr], reach: Sequence[bool]) -> None:
        self._preds = [inst.predicate(t) for t in targets]
        self._bad = list(reach)
        self._exprs = tuple(targets)
        self.first: list[int | None] = [None] * len(targets)
        self._open = set(range(len(targets)))
        self._count = 0

    @property
    def done(self) -> bool:
        return not self._open

    @property
    def exprs(self) -> Sequence[ir.Expr]:
        return self._exprs

    def state(self, s: State) -> None:
        for k in list(self._open):
            if bool(self._preds[k](s)) == self._bad[k]:
                self.first[k] = self._count
                self._open.discard(k)
        self._count += 1

    def step(self, s: State, action: int, args: tuple[Any, ...], t: State) -> None:
        pass


def check_together(
    model: ir.Model,
    props: ir.PropertySet,
    names: Sequence[str],
    sizes: Mapping[str, int],
    opts: Options,
) -> dict[str, Result]:
    """Each claim of ``names`` (of ``props``, about ``model``) decided at ``sizes``."""
    obs = {n: compile_obligation(model, props, n) for n in names}
    deadline = Deadline(opts.timeout_s)
    big = too_large(next(iter(obs.values())), sizes)
    if big is not None:
        return {n: unknown(ob, explicit.ENGINE, big, deadline) for n, ob in obs.items()}
    claims = [props.get(n) for n in names]
    system, targets = compile_together(model, props, [(p, context_of(p)) for p in claims])
    inst = Instance(system, sizes)
    watch = _FirstHits(inst, targets, [p.kind == "cover" for p in claims])
    # the whole search's own target never ends it: the watch decides every claim
    whole = Obligation(system, claims[0], "safety", ir.BoolLit(True))
    start = time.perf_counter()
    space = explicit.explore(inst, whole, opts, deadline, watch=watch)
    stats = explicit.search_stats(space, time.perf_counter() - start)
    reduced = " (one per symmetry orbit)" if space.symmetry is not None else ""
    out: dict[str, Result] = {}
    for n, first in zip(names, watch.first, strict=True):
        ob = obs[n]
        if first is not None:
            # its own search: the shortest trace, the same as a run of this claim alone
            out[n] = explicit.check(ob, sizes, opts)
        elif space.stopped:
            out[n] = unknown(ob, explicit.ENGINE, space.stopped, deadline, **stats)
        else:
            out[n] = Result(
                model.name,
                n,
                ob.prop.kind,
                verdict_for(ob, False),
                explicit.ENGINE,
                scope=instance_scope(sizes),
                certificate=Certificate(
                    "state-space",
                    (),
                    rechecked=True,
                    detail=f"{len(space.states):,} states explored{reduced}, "
                    f"diameter {space.diameter}, shared by {len(names)} claims",
                ),
                time_s=deadline.elapsed(),
                stats=stats,
            )
    return out
