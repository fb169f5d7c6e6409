"""Breadth-first search over packed states, a chunk of the frontier at a time.

Per state the search keeps its word (8 bytes), its parent's index (4) and
the action instance that reached it (4), in discovery order, plus the sorted
visited set (8): 24 bytes where the interpreter's tuples took about 400.
The visited set is a sorted array merged once per chunk (timsort merges the
two runs in linear time). Its size is bounded by the memory the search is
given: past it the search stops with a reason, which the engine reports as
"unknown", never "proved". A level is finished before the next starts, so
the first violating state found is at the least depth, as in engines/explicit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from rmpcheck.engines.base import Deadline
from rmpcheck.engines.packed.canon import Canon
from rmpcheck.engines.packed.layout import Layout
from rmpcheck.engines.packed.stabiliser import Stabiliser
from rmpcheck.engines.packed.step import Ground, Stepper
from rmpcheck.engines.packed.vector import Batch, Env, ev, is_const
from rmpcheck.ir import Expr

# States expanded per array pass: large enough that numpy's per-call overhead
# vanishes, small enough that a chunk's successors stay a few tens of MB.
CHUNK = 1 << 16

# What one stored state costs (word, parent, action instance, visited entry),
# and the headroom for a chunk's successors, for the memory bound.
BYTES_PER_STATE = 24


@dataclass
class Found:
    """The search's result: states in discovery order, parent pointers, limits."""

    words: np.ndarray
    parent: np.ndarray
    via: np.ndarray  # index into Searcher.instances
    levels: list[int] = field(default_factory=list)  # index where each depth starts
    hit: int | None = None
    stopped: str = ""
    transitions: int = 0

    @property
    def diameter(self) -> int:
        return max(len(self.levels) - 1, 0)

    def depth_of(self, i: int) -> int:
        return int(np.searchsorted(np.asarray(self.levels), i, side="right")) - 1


class _Store:
    """Growable parallel arrays of the discovered states."""

    def __init__(self) -> None:
        self.n = 0
        self.words = np.empty(1024, dtype=np.uint64)
        self.parent = np.empty(1024, dtype=np.int32)
        self.via = np.empty(1024, dtype=np.int32)

    def add(self, words: np.ndarray, parent: np.ndarray, via: np.ndarray) -> None:
        k = len(words)
        if self.n + k > len(self.words):
            cap = max(2 * len(self.words), self.n + k)
            for name in ("words", "parent", "via"):
                old = getattr(self, name)
                new = np.empty(cap, dtype=old.dtype)
                new[: self.n] = old[: self.n]
                setattr(self, name, new)
        self.words[self.n : self.n + k] = words
        self.parent[self.n : self.n + k] = parent
        self.via[self.n : self.n + k] = via
        self.n += k


def search(
    lay: Layout,
    instances: list[Ground],
    initial: np.ndarray,
    target: Expr,
    bad: bool,
    canon: Canon | None,
    deadline: Deadline,
    max_states: int | None,
    memory_bytes: int | None,
    progress: Callable[[str], None] | None = None,
) -> Found:
    """BFS from ``initial`` (packed, canonical if ``canon``) until a state where
    ``target`` is ``bad``, the whole space, or a limit."""
    store = _Store()
    init = np.unique(canon(initial) if canon is not None else initial)
    store.add(init, np.full(len(init), -1, dtype=np.int32), np.full(len(init), -1, np.int32))
    seen = init.copy()
    found = Found(store.words, store.parent, store.via, levels=[0])
    found.hit = _first_hit(lay, init, target, bad, 0)
    stab = Stabiliser(canon, instances) if canon is not None and canon.sorted_sort else None
    limits = _Limits(target, bad, canon, stab, deadline, max_states, memory_bytes, progress)
    try:
        _bfs(lay, Stepper(lay), store, seen, found, instances, limits)
    except MemoryError:
        found.stopped = "out of memory"
    found.words, found.parent, found.via = (
        store.words[: store.n],
        store.parent[: store.n],
        store.via[: store.n],
    )
    return found


@dataclass(frozen=True)
class _Limits:
    """What the search looks for and when it gives up."""

    target: Expr
    bad: bool
    canon: Canon | None
    stabiliser: Stabiliser | None
    deadline: Deadline
    max_states: int | None
    memory_bytes: int | None
    progress: Callable[[str], None] | None


def _bfs(
    lay: Layout,
    step: Stepper,
    store: _Store,
    seen: np.ndarray,
    found: Found,
    instances: list[Ground],
    q: _Limits,
) -> None:
    """Expand level after level into ``store`` until a hit, the whole space or a limit."""
    head = 0
    while found.hit is None and head < store.n:
        level_end = store.n
        if q.progress is not None:
            q.progress(f"explicit: {store.n:,} states, depth {len(found.levels) - 1}")
        while head < level_end and found.hit is None:
            if q.deadline.expired():
                found.stopped = f"timeout after {q.deadline.elapsed():.1f} s"
                break
            hi = min(head + CHUNK, level_end)
            batch = Batch(lay, store.words[head:hi].copy())
            live = q.stabiliser.live(batch) if q.stabiliser is not None else None
            succ, par, via = _expand(step, batch, instances, head, live)
            found.transitions += len(succ)
            if q.canon is not None and len(succ):
                succ, first = np.unique(succ, return_index=True)
                par, via = par[first], via[first]
                # a stored state is canonical already (and not fresh): no canon needed
                new = ~_member(seen, succ)
                succ, par, via = succ[new], par[new], via[new]
                succ = q.canon(succ)
                # per orbit, the least instance and then the least parent reaching it
                # (not the first raw word's: those the stabiliser skips may be first)
                order = np.lexsort((par, via, succ))
                succ, par, via = succ[order], par[order], via[order]
            # the first occurrence keeps the parent: the least instance, then the least
            # parent (successors come instance by instance)
            succ, first = np.unique(succ, return_index=True)
            par, via = par[first], via[first]
            fresh = ~_member(seen, succ)
            succ, par, via = succ[fresh], par[fresh], via[fresh]
            if len(succ):
                order = np.lexsort((via, par))  # discovery order: by parent, then instance
                succ, par, via = succ[order], par[order], via[order]
                start = store.n
                store.add(succ, par, via)
                if found.levels[-1] < level_end:
                    found.levels.append(level_end)  # the first state of this depth
                seen = np.sort(np.concatenate([seen, np.sort(succ)]), kind="stable")
                hit = _first_hit(lay, succ, q.target, q.bad, start)
                if hit is not None:
                    found.hit = hit
            head = hi
            if q.max_states is not None and store.n >= q.max_states:
                found.stopped = f"state limit of {q.max_states:,} reached"
            elif q.memory_bytes is not None and store.n * BYTES_PER_STATE > q.memory_bytes:
                found.stopped = f"visited set past its memory bound of {q.memory_bytes >> 20:,} MB"
            if found.stopped:
                break
        if found.stopped:
            break


def _expand(
    step: Stepper,
    batch: Batch,
    instances: list[Ground],
    base: int,
    live: list[np.ndarray | None] | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    words, parents, vias = [], [], []
    for k, g in enumerate(instances):
        pos, post = step.successors(batch, g, live[k] if live is not None else None)
        if len(pos):
            words.append(post)
            parents.append(pos.astype(np.int32) + np.int32(base))
            vias.append(np.full(len(pos), k, dtype=np.int32))
    if not words:
        e = np.empty(0, dtype=np.int32)
        return np.empty(0, dtype=np.uint64), e, e
    return np.concatenate(words), np.concatenate(parents), np.concatenate(vias)


def _member(seen: np.ndarray, xs: np.ndarray) -> np.ndarray:
    """Which of ``xs`` are in the sorted array ``seen``."""
    if not len(seen) or not len(xs):
        return np.zeros(len(xs), dtype=bool)
    pos = np.minimum(np.searchsorted(seen, xs), len(seen) - 1)
    return seen[pos] == xs


def _first_hit(lay: Layout, words: np.ndarray, target: Expr, bad: bool, base: int) -> int | None:
    val = ev(target, Env(Batch(lay, words)))
    if is_const(val):
        return base if bool(val) == bad and len(words) else None
    idx = np.flatnonzero(val == bad)
    return base + int(idx[0]) if len(idx) else None
