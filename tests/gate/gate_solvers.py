"""Stand-in solvers for gate tests: the real engines' interface, with faults on demand.

``bfs`` is a small explicit-state search on the reference interpreter (every
trace goes through trace_of_run, like a real engine's). The others misbehave
on purpose: sleep, die, exhaust memory, claim to have used lemmas. The
obligations they pick by property name, so one gate run can mix them.
"""

from __future__ import annotations

import os
import signal
import time
from collections import deque
from collections.abc import Mapping
from typing import Any

from rmpcheck.engines.base import Options, instance_scope, verdict_for
from rmpcheck.interp import Instance
from rmpcheck.monitor import Obligation
from rmpcheck.result import Result
from rmpcheck.trace.replay import trace_of_run


def bfs(engine: str, ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Shortest counterexample/witness by breadth-first search, or a proof for the instance."""
    t0 = time.monotonic()
    inst = Instance(ob.system, sizes)
    parent: dict[Any, Any] = {}
    queue: deque[Any] = deque()
    for s in inst.initial_states():
        if s not in parent:
            parent[s] = None
            queue.append(s)
    while queue:
        s = queue.popleft()
        hit = inst.holds(ob.target, s)
        if (ob.kind == "safety" and not hit) or (ob.kind == "reach" and hit):
            run = []
            cur: Any = s
            while cur is not None:
                link = parent[cur]
                run.append((None if link is None else link[1], cur))
                cur = None if link is None else link[0]
            run.reverse()
            trace = trace_of_run(inst, ob, run, engine)
            return Result(ob.model.name, ob.prop.name, ob.prop.kind, verdict_for(ob, True),
                          engine, instance_scope(sizes), trace, time_s=time.monotonic() - t0)
        for ai, t in inst.successors(s):
            if t not in parent:
                parent[t] = (s, ai)
                queue.append(t)
    return Result(ob.model.name, ob.prop.name, ob.prop.kind, verdict_for(ob, False), engine,
                  instance_scope(sizes), time_s=time.monotonic() - t0,
                  stats={"states": len(parent)})


def faulty(engine: str, ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Misbehave according to the property's name; otherwise behave like :func:`bfs`."""
    name = ob.prop.name
    if name.startswith("slow"):
        time.sleep(float(os.environ.get("RMPCHECK_TEST_SLEEP", "60")))
    if name.startswith("dies"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("hog"):
        hog = [bytearray(64 * 1024 * 1024) for _ in range(10_000)]
        return Result(ob.model.name, name, ob.prop.kind, "proved", engine, reason=str(len(hog)))
    if name.startswith("crash"):
        raise RuntimeError("an engine bug")
    if name.startswith("starve"):
        # fill the address space, then fail the way a parser short of memory does
        held = []
        try:
            while True:
                held.append(bytearray(8 * 1024 * 1024))
        except MemoryError:
            pass
        raise ValueError(f"field 'target' is required for AnnAssign ({len(held)} blocks)")
    r = bfs(engine, ob, sizes, opts)
    if name.startswith("uses_") and r.verdict == "proved":
        lemmas = [lem for lem, _ in ob.lemmas]
        return Result(r.model, r.property, r.kind, r.verdict, engine,
                      _all_sizes(), time_s=r.time_s, stats={"assumed_lemmas": lemmas})
    return r


def _all_sizes() -> Any:
    from rmpcheck.result import Scope

    return Scope("all-sizes")
