"""Explicit-state breadth-first search on one finite instance.

The interpreter is the semantics, so this engine is the reference the others
are tested against. Every reachable state (one per symmetry orbit, see
symmetry.py) is generated and the obligation's target is evaluated on it, so
exhausting the state space *is* the proof for this instance: the certificate is
the explored state space. States are checked when first discovered, in BFS
order, so the first violation found is at minimal depth and its trace is a
shortest one. Any limit (time, states, memory) gives "unknown", never "proved".

``check`` searches over packed states a frontier at a time (engines/packed)
when the instance fits in 64 bits per state, and with the interpreter's
tuples otherwise (or with ``extra={"explicit.packed": False}``); both find the
same states (tests/engines/test_packed.py), and every trace is replayed on the
interpreter. ``explore`` (vacuity, state graphs, the tests' reference) is
always the interpreter's search.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from rmpcheck import ir
from rmpcheck.engines import fixed_params, free_init
from rmpcheck.engines.base import Deadline, Options, instance_scope, unknown, verdict_for
from rmpcheck.engines.limits import too_large
from rmpcheck.engines.symmetry import Symmetry, reducible_sorts
from rmpcheck.engines.twins import Twins
from rmpcheck.errors import InternalError
from rmpcheck.interp import Instance, State
from rmpcheck.monitor import Obligation
from rmpcheck.result import Certificate, Result
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import build_trace

ENGINE = "explicit"

# The deadline is polled once per this many expanded states (time.monotonic
# per state would cost more than the check itself on small states), and on every
# state under symmetry, where one state's successors can take long to canonicalise.
POLL_EVERY = 256

# Concrete successors remembered with their representatives (many successors
# recur); cleared when full so it never outgrows the state set by much.
CACHE_LIMIT = 1_000_000

Edge = tuple[int, tuple[Any, ...], tuple[Any, ...]]  # action index, args, choices


class Watch(Protocol):
    """Sees every state a search adds and every step it takes (rmpcheck.vacuity decides
    many covers in one search this way); the search stops once ``done`` is true."""

    @property
    def done(self) -> bool: ...

    @property
    def exprs(self) -> Sequence[ir.Expr]:
        """What it evaluates (symmetry reduction must respect it)."""
        ...

    def state(self, s: State) -> None: ...

    def step(self, s: State, action: int, args: tuple[Any, ...], t: State) -> None:
        """Action ``action`` with ``args`` leads from ``s`` (stored) to ``t`` (concrete)."""


@dataclass
class Space:
    """What a search found: the states (representatives), BFS parent pointers, limits."""

    inst: Instance
    symmetry: Symmetry | None
    states: list[State] = field(default_factory=list)
    parent: list[int] = field(default_factory=list)
    via: list[Edge | None] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)
    hit: int | None = None  # first state violating the claim (or reaching the cover)
    stopped: str = ""  # why the search stopped early, "" if it finished
    transitions: int = 0
    edges: list[tuple[int, int, Edge]] | None = None

    @property
    def diameter(self) -> int:
        return self.depth[-1] if self.depth else 0


def explore(
    inst: Instance,
    ob: Obligation,
    opts: Options,
    deadline: Deadline,
    *,
    stop_at_hit: bool = True,
    record_edges: bool = False,
    watch: Watch | None = None,
    pinned: Mapping[int, Any] | None = None,
) -> Space:
    """Breadth-first search from the initial states, checking the target on each state.

    A ``pinned`` never-written variable takes only the value given: the caller says
    that every initial state is a renaming of one with that value (a total order:
    engines/fixed_params.Order), so the search still sees every orbit."""
    seen = (ob.target, *(watch.exprs if watch is not None else ()))
    sym = Symmetry(inst, seen) if opts.symmetry else None
    if sym is not None and not sym.active:
        sym = None
    space = Space(inst, sym, edges=[] if record_edges else None)
    max_states = opts.extra.get("max_states")
    target = inst.predicate(ob.target)
    bad = ob.kind == "reach"  # the value of target that ends the search
    expanders = [c.expand for c in inst.actions]
    index: dict[State, int] = {}
    cache: dict[State, State] = {}  # concrete successor -> representative
    canon = sym.canon_exact if sym is not None else None
    exact: set[State] = set()  # representatives canonical for their whole orbit
    # successors that a state's twins make redundant are skipped (engines/twins): the
    # same states in the same order; not where every edge or step is wanted
    twins = Twins(inst, sym) if sym is not None and not record_edges and watch is None else None
    states, parent, via, depth = space.states, space.parent, space.via, space.depth
    edges = space.edges

    def add(s: State, par: int, edge: Edge | None, d: int) -> int:
        i = len(states)
        index[s] = i
        states.append(s)
        parent.append(par)
        via.append(edge)
        depth.append(d)
        if space.hit is None and bool(target(s)) == bad:
            space.hit = i
        if watch is not None:
            watch.state(s)
        return i

    try:
        for s in _initial(inst, sym, pinned):
            if canon is not None and deadline.expired():
                space.stopped = f"timeout after {deadline.elapsed():.1f} s"
                break
            r = s
            if canon is not None:
                r, ok = canon(s)
                if ok:
                    exact.add(r)
            if r not in index:
                add(r, -1, None, 0)
        head = 0
        while head < len(states):
            if (space.hit is not None and stop_at_hit) or (watch is not None and watch.done):
                break
            if head % POLL_EVERY == 0 or canon is not None:
                if opts.progress is not None and head % (POLL_EVERY * 256) == 0 and head:
                    opts.progress(f"{ENGINE}: {len(states):,} states, depth {depth[head]}")
                if deadline.expired():
                    space.stopped = f"timeout after {deadline.elapsed():.1f} s"
                    break
                if max_states is not None and len(states) >= max_states:
                    space.stopped = f"state limit of {max_states:,} reached"
                    break
            s, d = states[head], depth[head] + 1
            mine = twins.twins(s) if twins is not None else []
            for a, expand in enumerate(expanders):
                assert expand is not None
                succ = expand(s)
                space.transitions += len(succ)
                for args, ch, t in succ:
                    if watch is not None:
                        watch.step(s, a, args, t)
                    if mine and _met(twins, a, args, t, mine, index, cache, exact):
                        continue
                    j = index.get(t)
                    if j is None and canon is not None:
                        # a successor that is itself a stored representative needs no canon
                        rep = cache.get(t)
                        if rep is None:
                            if len(cache) >= CACHE_LIMIT:
                                cache.clear()  # only a speed-up: bound its memory
                            rep, ok = canon(t)
                            cache[t] = rep
                            if ok:
                                exact.add(rep)
                        t = rep
                        j = index.get(t)
                    if j is None:
                        j = add(t, head, (a, args, ch), d)
                    if edges is not None:
                        edges.append((head, j, (a, args, ch)))
            head += 1
        if max_states is not None and len(states) > max_states and not space.stopped:
            space.stopped = f"state limit of {max_states:,} reached"
    except MemoryError:
        cache.clear()
        index.clear()
        gc.collect()
        space.stopped = "out of memory"
    return space


def _met(
    twins: Twins | None,
    a: int,
    args: tuple[Any, ...],
    t: State,
    mine: list[Any],
    index: dict[State, int],
    cache: dict[State, State],
    exact: set[State],
) -> bool:
    """Whether successor ``t`` (of action ``a`` with ``args``) is a renaming of one met
    just before, whose representative is canonical and so stored already."""
    assert twins is not None
    swap = twins.lowering(a, args, mine)
    if swap is None:
        return False
    u = twins.sym.apply(t, swap)
    rep = u if u in index else cache.get(u)
    return rep is not None and rep in exact


def _initial(
    inst: Instance, sym: Symmetry | None, pinned: Mapping[int, Any] | None = None
) -> Iterator[State]:
    """The initial states to start from: all of them, or with symmetry at least one
    per orbit (fixed parameters and a free map enumerated up to renaming)."""
    pinned = pinned or {}
    if sym is None:
        return inst.initial_states((), None, pinned)
    first, keep = _fixed(inst, sym, pinned)
    return free_init.initial_states(inst, _unpinned(inst, sym, pinned), first, keep, pinned)


def _fixed(
    inst: Instance, sym: Symmetry | None, pinned: Collection[int] = ()
) -> tuple[list[int], Callable[[Sequence[Any]], bool] | None]:
    """The never-written variables, enumerated first and one value per orbit when the
    search is reduced by symmetry (engines/fixed_params); ``pinned`` ones keep theirs."""
    if sym is None:
        return [], None
    params = [i for i in fixed_params.parameters(inst.model) if i not in pinned]
    sorts = _unpinned(inst, sym, pinned)
    keep = fixed_params.least_filter(inst, sorts, params) if params and sorts else None
    return (params, keep) if keep is not None else ([], None)


def _unpinned(inst: Instance, sym: Symmetry, pinned: Collection[int]) -> list[ir.SortType]:
    """The reduced sorts no pinned variable mentions: renaming them keeps a pinned value,
    so one value per orbit of theirs is still every orbit."""
    held = {
        t
        for i in pinned
        for t in fixed_params.scalar_types(inst.model.state[i].type)
        if isinstance(t, ir.SortType)
    }
    return [s for s in sym.sorts if s not in held]


def check(ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Decide ``ob`` on the instance ``sizes`` by exhaustive search."""
    deadline = Deadline(opts.timeout_s)
    big = too_large(ob, sizes)
    if big is not None:
        return unknown(ob, ENGINE, big, deadline)
    inst = Instance(ob.system, sizes)
    start = time.perf_counter()
    packed = _packed(inst, ob, opts, deadline)
    if packed is not None:
        return packed
    space = explore(inst, ob, opts, deadline)
    stats = search_stats(space, time.perf_counter() - start)
    trace = None
    if space.hit is not None:
        trace = build_trace(inst, ob, *concrete_run(space, space.hit), ENGINE)
    detail = f"{len(space.states):,} states explored{_reduced(stats)}, diameter {space.diameter}"
    return _verdict(ob, sizes, deadline, trace, space.stopped, stats, detail)


def _packed(inst: Instance, ob: Obligation, opts: Options, deadline: Deadline) -> Result | None:
    """The search over packed states (engines/packed), None where it does not apply."""
    if opts.extra.get("explicit.packed", True) is False:
        return None
    # imported here so that numpy loads only when an explicit search runs
    from rmpcheck.engines.packed import run
    from rmpcheck.engines.packed.search import BYTES_PER_STATE

    start = time.perf_counter()
    sorts = reducible_sorts(inst, (ob.target,)) if opts.symmetry else []

    def initial() -> list[State]:
        return list(_initial(inst, Symmetry(inst, (ob.target,)) if sorts else None))

    space = run.explore(inst, ob, opts, deadline, sorts, initial)
    if space is None:
        return None
    f = space.found
    n = len(f.words)
    stats = _counts(n, f.transitions, f.diameter, time.perf_counter() - start, sorts)
    stats.update(packed=True, bytes_per_state=BYTES_PER_STATE)
    trace = None
    if f.hit is not None:
        trace = build_trace(inst, ob, *run.concrete_run(inst, space, f.hit), ENGINE)
    detail = f"{n:,} states explored{_reduced(stats)}, diameter {f.diameter}"
    return _verdict(ob, inst.sizes.sizes, deadline, trace, f.stopped, stats, detail)


def _reduced(stats: Mapping[str, Any]) -> str:
    return " (one per symmetry orbit)" if stats["symmetry"] else ""


def _verdict(
    ob: Obligation,
    sizes: Mapping[str, int],
    deadline: Deadline,
    trace: Trace | None,
    stopped: str,
    stats: dict[str, Any],
    detail: str,
) -> Result:
    """Refuted/covered with ``trace``; unknown when the search ``stopped``; else proved
    for the instance, the explored state space as the certificate."""
    if trace is None and stopped:
        return unknown(ob, ENGINE, stopped, deadline, **stats)
    return Result(
        ob.model.name,
        ob.prop.name,
        ob.prop.kind,
        verdict_for(ob, trace is not None),
        ENGINE,
        scope=instance_scope(sizes),
        trace=trace,
        certificate=None
        if trace is not None
        else Certificate("state-space", (), rechecked=True, detail=detail),
        time_s=deadline.elapsed(),
        stats=stats,
    )


def concrete_run(space: Space, i: int) -> tuple[list[State], list[tuple[str, tuple[Any, ...]]]]:
    """The states and actions of a real run from an initial state to (a member of the
    orbit of) state ``i``, by following parent pointers.

    Without symmetry the stored states are the run. With it, each stored step
    r -> t has t only in the orbit of the next representative r' = pi(t). We
    keep sigma with the concrete state c = sigma(r); the same action renamed by
    sigma leads from c to sigma(t), which is the next concrete state, and then
    sigma' = sigma . pi^-1. The resulting states are matched to real
    successors here and replayed once more by build_trace.
    """
    chain = []
    while i >= 0:
        chain.append(i)
        i = space.parent[i]
    chain.reverse()
    inst, sym = space.inst, space.symmetry
    names = [c.action.full_name for c in inst.actions]
    states: list[State] = [space.states[chain[0]]]
    actions: list[tuple[str, tuple[Any, ...]]] = []
    sigma = sym.identity if sym is not None else None
    for prev, nxt in zip(chain, chain[1:], strict=False):
        edge = space.via[nxt]
        assert edge is not None
        a, args, ch = edge
        # the stored step, re-run from its representative
        t = _post(inst, space.states[prev], a, args, ch)
        if sym is None or sigma is None:
            states.append(t)
            actions.append((names[a], args))
            continue
        want = sym.apply(t, sigma)
        step = _find_successor(inst, states[-1], a, want)
        if step is None:
            raise InternalError("explicit: a symmetric trace could not be made concrete")
        states.append(step[1])
        actions.append((names[a], step[0]))
        # canon is deterministic, so this is the permutation that stored states[nxt]
        rep, pi = sym.canon_perm(t)
        if rep != space.states[nxt]:
            raise InternalError("explicit: representative is not the successor's canon")
        sigma = sym.compose(sigma, sym.inverse(pi))
    return states, actions


def _post(inst: Instance, s: State, a: int, args: tuple[Any, ...], ch: tuple[Any, ...]) -> State:
    t = inst.actions[a].fn(s, *args, *ch)
    if t is None:
        raise InternalError("explicit: a stored step is not enabled on replay")
    return t


def _find_successor(
    inst: Instance, s: State, a: int, want: State
) -> tuple[tuple[Any, ...], State] | None:
    expand = inst.actions[a].expand
    assert expand is not None
    for args, _, t in expand(s):
        if t == want:
            return args, t
    return None


def state_graph(ob: Obligation, sizes: Mapping[str, int], opts: Options | None = None) -> Any:
    """The reachable state graph as a networkx DiGraph (for DOT export).

    Nodes are 0..N-1 with attributes ``state`` (display values of the model's
    variables), ``initial``, ``depth`` and ``violates`` (the claim fails there,
    or the cover holds); edges carry ``action``, ``args`` and a ``label``. With
    symmetry on (the default) a node stands for its whole orbit. Graph
    attributes record the model, property, sizes and whether the search
    finished (``complete``). Built only on request: it costs memory.
    """
    import networkx as nx

    opts = opts or Options()
    deadline = Deadline(opts.timeout_s)
    inst = Instance(ob.system, sizes)
    space = explore(inst, ob, opts, deadline, stop_at_hit=False, record_edges=True)
    target = inst.predicate(ob.target)
    bad = ob.kind == "reach"
    n = len(inst.model.state)
    g = nx.DiGraph(
        model=ob.model.name,
        property=ob.prop.name,
        sizes=dict(sizes),
        symmetry=space.symmetry is not None,
        complete=not space.stopped,
    )
    for i, s in enumerate(space.states):
        shown = {
            d.name: inst.sizes.show(d.type, v) for d, v in zip(inst.decls[:n], s[:n], strict=True)
        }
        g.add_node(
            i,
            state=shown,
            initial=space.parent[i] < 0,
            depth=space.depth[i],
            violates=bool(target(s)) == bad,
        )
    assert space.edges is not None
    for u, v, (a, args, _) in space.edges:
        code = inst.actions[a]
        shown_args = {
            p.name: inst.sizes.show(p.type, x)
            for p, x in zip(code.action.params, args, strict=True)
        }
        label = f"{code.action.full_name}({', '.join(map(str, shown_args.values()))})"
        g.add_edge(u, v, action=code.action.full_name, args=shown_args, label=label)
    return g


def search_stats(space: Space, elapsed: float) -> dict[str, Any]:
    sorts = space.symmetry.sorts if space.symmetry is not None else []
    return _counts(len(space.states), space.transitions, space.diameter, elapsed, sorts)


def _counts(
    n: int, transitions: int, diameter: int, elapsed: float, sorts: Sequence[ir.SortType]
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "states": n,
        "transitions": transitions,
        "states_per_s": round(n / elapsed) if elapsed > 0 else n,
        "diameter": diameter,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
        "symmetry": bool(sorts),
    }
    if sorts:
        out["symmetry_sorts"] = [s.name for s in sorts]
    return out


def _peak_rss_mb() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
