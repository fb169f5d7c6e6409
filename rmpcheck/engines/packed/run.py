"""The packed search for one obligation, and a concrete run to the state it found.

``explore`` returns None when the instance does not suit it (states over 64
bits, too many action instances, a symmetry the vectorised canonical form
cannot handle); the explicit engine then searches with the interpreter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.packed import layout as packing
from rmpcheck.engines.packed.canon import Canon, canonicaliser
from rmpcheck.engines.packed.search import Found, search
from rmpcheck.engines.packed.step import ground
from rmpcheck.errors import InternalError
from rmpcheck.interp import Instance, State
from rmpcheck.monitor import Obligation

# The share of the engine's memory limit the visited set may take: the rest is
# the interpreter, numpy's temporaries for a chunk, and the process itself.
VISITED_SHARE = 0.5


@dataclass
class PackedSpace:
    found: Found
    lay: packing.Layout
    canon: Canon | None


def explore(
    inst: Instance,
    ob: Obligation,
    opts: Options,
    deadline: Deadline,
    sorts: Sequence[Any],
    initial: Callable[[], list[State]],
) -> PackedSpace | None:
    """Search ``ob`` on ``inst``; ``sorts`` are the sorts to reduce by symmetry."""
    lay = packing.layout(inst)
    if lay is None:
        return None
    instances = ground(lay)
    if instances is None:
        return None
    canon = canonicaliser(lay, sorts) if sorts else None
    if sorts and canon is None:
        return None
    memory = opts.memory_mb or opts.extra.get("explicit.memory_mb")
    found = search(
        lay,
        instances,
        lay.pack_all(initial()),
        ob.target,
        ob.kind == "reach",
        canon,
        deadline,
        opts.extra.get("max_states"),
        int(memory * (1 << 20) * VISITED_SHARE) if memory else None,
        opts.progress,
    )
    return PackedSpace(found, lay, canon)


def concrete_run(
    inst: Instance, space: PackedSpace, i: int
) -> tuple[list[State], list[tuple[str, tuple[Any, ...]]]]:
    """A real run from an initial state to a member of state ``i``'s orbit.

    The stored states are representatives; each stored step r -> r' says some
    successor of r is in the orbit of r'. A renaming of r has a successor in
    that orbit too (renaming commutes with the semantics), so from each
    concrete state the interpreter's successors are searched for one whose
    representative is r'. Without symmetry the representative is the state.
    """
    f, lay = space.found, space.lay
    chain = []
    while i >= 0:
        chain.append(i)
        i = int(f.parent[i])
    chain.reverse()
    states: list[State] = [lay.unpack(int(f.words[chain[0]]))]
    actions: list[tuple[str, tuple[Any, ...]]] = []
    for nxt in chain[1:]:
        want = f.words[nxt]
        succ = list(inst.successors(states[-1]))
        words = lay.pack_all([t for _, t in succ])
        reps = space.canon(words) if space.canon is not None else words
        hits = np.flatnonzero(reps == want)
        if not len(hits):
            raise InternalError("explicit: a packed step has no concrete counterpart")
        ai, t = succ[int(hits[0])]
        states.append(t)
        actions.append((ai.action, ai.args))
    return states, actions
