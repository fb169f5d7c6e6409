"""The sample that filters candidate lemmas: reachable states as bitmasks per atom.

Reachable states of small instances (one per symmetry orbit: every candidate
is symmetric) are enumerated with the interpreter, most telling instance
first. Each atom is evaluated once per (state, valuation of the template
variables) and kept as a bitmask; ``noise`` states, whose variables are
scrambled, expose the clauses that hold whatever the protocol does.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rmpcheck import ir
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.explicit import explore
from rmpcheck.engines.fixed_params import Order
from rmpcheck.errors import EngineError
from rmpcheck.interp import Instance
from rmpcheck.interp.codegen import Compiler
from rmpcheck.monitor import Obligation, System

VARS_PER_SORT = 2  # as many as the templates use (engines/induction/candidates)
SAMPLE_SIZES = (2, 3)  # every sort at this size, smallest first
MAX_SAMPLE_STATES = 20_000  # per instance; a partial sample only filters less
MAX_SAMPLE_BITS = 400_000  # (state, valuation) pairs over all instances: the masks' length
EXPLORE_FACTOR = 4  # states explored per state kept
NOISE_STATES = 200  # per sampled instance: states that spot valid clauses
WALK_STEPS = 40  # per random run, where breadth-first search stopped at its limit
WALK_COST = 2  # steps of all runs, per state wanted
WALK_STALE = 5  # a run ends after this many steps in a row to states seen before


SAMPLE_CACHE = 16  # instances whose reachable states are kept for later claims
_SAMPLED: dict[tuple, tuple[Instance, list[tuple]] | None] = {}


@dataclass(frozen=True)
class Sample:
    masks: list[int]  # per atom: the (state, valuation) pairs where it holds
    full: int  # all ones: as many bits as pairs (0: no sample at all)
    noise_masks: list[int]
    noise_full: int
    stats: dict[str, int]
    # the states themselves, per instance: for candidates no bitmask expresses
    states: list[tuple[Instance, list[tuple]]] = field(default_factory=list)
    noise: list[tuple[Instance, list[tuple]]] = field(default_factory=list)


def sample_sizes(
    model: ir.Model, hint: Mapping[str, int] | None, sizes: Sequence[int]
) -> list[dict[str, int]]:
    """The instances to sample, most telling first: the sizes the user checks (``hint``,
    typically the model's default instance) with every sort raised to at least as many
    elements as the templates have variables for it (else ``t1 == t2`` holds on every
    sample and hides every clause about two threads), the hint itself, then every sort
    at each of ``sizes``. Uniform sizes alone can miss whole behaviours: a model whose
    pages outnumber its frames needs a page left over to allocate a VMSA page at all."""
    sorts = [s.name for s in model.sorts]
    out: list[dict[str, int]] = []
    if hint and all(n in hint for n in sorts):
        base = {n: hint[n] for n in sorts}
        out.append({n: max(v, VARS_PER_SORT) for n, v in base.items()})
        # raising every sort at once can leave no initial state (each vCPU needs a VMSA
        # page of its own): then each sort alone, so that the others still vary
        out += [{**base, n: VARS_PER_SORT} for n in sorts if base[n] < VARS_PER_SORT]
        out.append(base)
        sizes = sizes[:1]  # larger uniform sizes only add states the hint already shows
    out += [{n: k for n in sorts} for k in sizes]
    unique: list[dict[str, int]] = []
    for d in out:
        if d not in unique:
            unique.append(d)
    return unique


def sample_states(
    system: System,
    sizes: Mapping[str, int],
    deadline: Deadline,
    max_states: int,
    orders: Sequence[Order] = (),
    runs: bool = False,
) -> tuple[Instance, list[tuple]] | None:
    """Reachable states (one per symmetry orbit: candidates are symmetric) of one instance,
    remembered for the next claim of the same system (most claims of a model add no
    monitor, so they share one sample). ``orders`` are pinned to their canonical value
    (engines/fixed_params.Order): still every orbit, without enumerating orders. With
    ``runs``, random runs go deeper where breadth-first search stops short (_explore)."""
    key = (system, tuple(sorted(sizes.items())), max_states, tuple(orders), runs)
    if key in _SAMPLED:
        return _SAMPLED[key]
    got = _explore(system, sizes, deadline, max_states, orders, runs)
    if deadline.expired():
        return got  # cut short by this caller's time: not the sample a later claim would get
    if len(_SAMPLED) >= SAMPLE_CACHE:
        _SAMPLED.pop(next(iter(_SAMPLED)))
    _SAMPLED[key] = got
    return got


def _explore(
    system: System,
    sizes: Mapping[str, int],
    deadline: Deadline,
    max_states: int,
    orders: Sequence[Order],
    runs: bool = False,
) -> tuple[Instance, list[tuple]] | None:
    try:
        inst = Instance(system, sizes)
        pinned = {o.var: o.canonical(inst) for o in orders}
        probe = Obligation(
            system,
            ir.Property("invariant", "__sample", ir.BoolLit(True)),
            "safety",
            ir.BoolLit(True),
        )
        # with runs, breadth-first search gets half of the states: the runs, the rest
        bfs = max(1, max_states // 2) if runs and WALK_STEPS > 0 else max_states
        space = explore(
            inst,
            probe,
            Options(extra={"max_states": bfs}),
            deadline,
            stop_at_hit=False,
            pinned=pinned,
        )
    except EngineError:
        return None  # too many initial states to enumerate: sample other sizes
    states = space.states
    if bfs < max_states and space.stopped and not deadline.expired():
        # breadth-first search stopped at its limit has seen only shallow states: at
        # Paxos's Round=3, Node=2, Quorum=2, thousands of ways to join rounds and
        # propose, and no quorum that all voted. Random runs from the same initial
        # states go deeper, so that clauses only shallow states satisfy ("a node votes
        # one value only") are refuted by the sample, not by Z3 queries. Only where
        # asked for (the rounds' and quorums' samples): elsewhere they take the kept
        # sample's room from breadth-first states that refute more (an SNP claim's
        # Houdini took a fifth longer over the pool they let through)
        roots = [s for s, d in zip(states, space.depth, strict=True) if d == 0]
        seen = set(states)
        more = walks(inst, roots, max_states - len(states), deadline)
        states = states + [s for s in more if s not in seen]
    return inst, states


def walks(
    inst: Instance, roots: Sequence[tuple], most: int, deadline: Deadline, seed: int = 0
) -> list[tuple]:
    """Distinct states of random runs from ``roots``, at most ``most``, in at most
    WALK_COST times as many steps: each step picks an enabled action uniformly, then one
    of its successors (not one successor among all: an action with many parameters would
    crowd out the others), for WALK_STEPS steps, until no action is enabled, or until
    the run has met only states seen before for a while (a decided consensus steps in
    place: its runs would cost without adding a state)."""
    rng = random.Random(seed)
    expanders = [c.expand for c in inst.actions if c.expand is not None]
    out: dict[tuple, None] = {}
    steps = 0
    while len(out) < most and steps < WALK_COST * most and not deadline.expired():
        s = rng.choice(roots)
        stale = 0
        steps += 1  # (a run that cannot step still costs)
        for _ in range(WALK_STEPS):
            steps += 1
            enabled = [succ for succ in (expand(s) for expand in expanders) if succ]
            if not enabled:
                break
            s = rng.choice(rng.choice(enabled))[2]
            stale = stale + 1 if s in out else 0
            out[s] = None
            if len(out) >= most or stale >= WALK_STALE:
                break
    return list(out)


def noise_states(inst: Instance, states: Sequence[tuple], n: int, seed: int) -> list[tuple]:
    """Sampled states with every variable re-randomised except those an ``assume``
    constrains: what stays is the background the runs are restricted to (an order, a
    quorum system), so a clause true on all of these follows from the assumptions alone
    and says nothing about the protocol. A variable no action writes but only ``init``
    constrains (a fixed one-to-one map) is scrambled too: facts about it are lemmas."""
    rng = random.Random(seed)
    system = inst.system
    background = {
        x.name
        for a in (*system.state_assumes, *system.step_assumes)
        for x in ir.walk(a)
        if isinstance(x, ir.StateVar)
    }
    # per scrambled variable: its values, and how many entries (None: a scalar); looked
    # up once, not per state (a type's hash is recomputed at every lookup)
    scrambled: list[tuple[int, Sequence[Any], int | None]] = []
    for i, d in enumerate(inst.model.state):
        if d.name in background:
            continue
        if isinstance(d.type, ir.MapType):
            values = inst.sizes.domain(d.type.value).values
            scrambled.append((i, values, len(inst.sizes.keys(d.type))))
        else:
            scrambled.append((i, inst.sizes.domain(d.type).values, None))
    out = []
    for _ in range(n):
        s = list(rng.choice(states))
        for i, vals, entries in scrambled:
            if entries is None:
                s[i] = rng.choice(vals)
            else:
                s[i] = tuple(rng.choice(vals) for _ in range(entries))
        out.append(tuple(s))
    return out


def masks(
    system: System,
    xs: Sequence[ir.BoundVar],
    atom_list: Sequence[ir.Expr],
    samples: Sequence[tuple[Instance, list[tuple]]],
    deadline: Deadline | None = None,
) -> tuple[list[int], int] | None:
    """Per atom, the bitmask of the (state, valuation) samples where it holds; and all-ones;
    None when ``deadline`` expires first (a partial row would be a wrong one).

    An atom is evaluated only over valuations of its own variables, then spread
    over the full valuations by projection (most atoms mention one or two).
    """
    bits: list[list[str]] = [[] for _ in atom_list]
    for inst, states in samples:
        comp = Compiler(system, inst.sizes)
        doms = [inst.sizes.domain(x.type).values for x in xs]
        full_vals = list(itertools.product(*doms))
        width = len(full_vals)
        spreads: dict[tuple[int, ...], list[int]] = {}  # per projection: see _spreads
        for i, a in enumerate(atom_list):
            if deadline is not None and deadline.expired():
                return None
            own = [x for x in xs if x in ir.free_vars(a)]
            pos = tuple(xs.index(x) for x in own)
            sub = list(itertools.product(*(doms[p] for p in pos)))
            sel = spreads.get(pos)
            if sel is None:
                sel = spreads[pos] = _spreads(full_vals, pos, sub)
            row_of = comp.row_function(a, own, sub)
            spread_of: dict[tuple[bool, ...], str] = {}  # few distinct rows: spread each once
            for s in states:
                row = row_of(s)
                text = spread_of.get(row)
                if text is None:
                    spread = 0
                    for k, on in enumerate(row):
                        if on:
                            spread |= sel[k]
                    text = spread_of[row] = format(spread, f"0{width}b")
                bits[i].append(text)
    n = sum(len(x) for x in bits[0]) if bits else 0
    return [int("".join(b) or "0", 2) for b in bits], (1 << n) - 1


def _spreads(
    full_vals: Sequence[tuple[Any, ...]], pos: Sequence[int], sub: Sequence[tuple[Any, ...]]
) -> list[int]:
    """Per valuation of the variables at ``pos`` (in ``sub`` order), the bits of the full
    valuations that project to it, the first full valuation leftmost: an atom's row of
    values over ``sub`` spreads over the full valuations as the OR of these (in C, where
    joining a character per full valuation cost seconds at 18,000 valuations a state)."""
    where = {v: k for k, v in enumerate(sub)}
    texts = [bytearray(b"0" * len(full_vals)) for _ in sub]
    for j, v in enumerate(full_vals):
        texts[where[tuple(v[p] for p in pos)]][j] = ord("1")
    return [int(t, 2) for t in texts]


def take(
    system: System,
    xs: Sequence[ir.BoundVar],
    atom_list: Sequence[ir.Expr],
    deadline: Deadline,
    sizes: Sequence[int] = SAMPLE_SIZES,
    hint: Mapping[str, int] | None = None,
    plan: Sequence[Mapping[str, int]] | None = None,
    orders: Sequence[Order] = (),
    bits: int = MAX_SAMPLE_BITS,
    runs: bool = False,
) -> Sample:
    """Sample the instances of ``plan`` (by default :func:`sample_sizes`) within the bit
    budget and mask the atoms; ``orders`` pinned and ``runs`` (:func:`sample_states`)."""
    samples: list[tuple[Instance, list[tuple]]] = []
    room = bits
    if plan is None:
        plan = sample_sizes(system.model, hint, sizes)
    for n, at in enumerate(plan):
        # every state counts once per valuation of the variables: keep the masks small,
        # and leave room for the instances still to come
        per_state = 1
        for x in xs:
            per_state *= at[x.type.name] if isinstance(x.type, ir.SortType) else 1
        share = room if n == len(plan) - 1 else room // 2
        want = max(share, per_state) // per_state
        # explore a few times what is kept, not more: the kept states are drawn from
        # deeper in the state space, and explicit search is the cost of sampling
        most = min(MAX_SAMPLE_STATES, EXPLORE_FACTOR * want)
        got = sample_states(system, at, deadline, most, orders, runs)
        if got is not None and got[1]:
            inst, states = got
            keep = min(len(states), want)
            if keep:
                samples.append((inst, random.Random(n).sample(states, keep)))
                room -= keep * per_state
        if deadline.expired() or room <= 0:
            break
    stats = {
        "atoms": len(atom_list),
        "sampled_states": sum(len(s) for _, s in samples),
        "sampled_instances": len(samples),
    }
    if not samples or not atom_list:
        return Sample([], 0, [], 0, stats)
    got_masks = masks(system, xs, atom_list, samples, deadline)
    noise = [
        (inst, noise_states(inst, st, NOISE_STATES, seed=i))
        for i, (inst, st) in enumerate(samples)
        if st
    ]
    got_noise = masks(system, xs, atom_list, noise, deadline)
    if got_masks is None or got_noise is None:
        # the states are whole: only the masks are not (witness proposals are judged on
        # the states, and with none every proposal would look plausible)
        return Sample([], 0, [], 0, stats, samples, noise)
    (atom_masks, full), (nmasks, nfull) = got_masks, got_noise
    return Sample(atom_masks, full, nmasks, nfull, stats, samples, noise)
