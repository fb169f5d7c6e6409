"""Lemma inference: the sample, the candidate pool, and the search that picks lemmas.

First the invariants earlier claims of the model were proved with
(engines/induction/shared), if any. Where the user's instance is larger than
the templates need, Houdini over the short clauses of a cut-down instance's
sample (_small_first: only a proof counts). Then Houdini over the sampled clauses of
at most two literals, forall-exists witnesses and the property file's
lemmas, and again with the clauses that follow the model's maps
(engines/induction/images): Houdini proves a candidate from what its closure
already needs (engines/induction/houdini), so two thousand candidates cost
seconds. Only if no subset of those is inductive does the CTI-guided search
(engines/induction/search) run: it assumes candidates only as
counterexamples to induction ask for them, and has clauses of any length
made on demand for a CTI no candidate excludes (engines/induction/generalize).
Where the assumptions make a relation a total order (rounds, epochs), a richer
sample with the order pinned and clauses guarded by "one round strictly below
another" come next (engines/induction/ordered). Longer enumerated templates
(three literals, guarded injectivity, three variables of a sort) stay as
fallbacks. What comes out is a proposal;
``engines/inductive`` re-checks it with a fresh solver before anything is
called proved.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from rmpcheck import ir
from rmpcheck.engines.base import Deadline
from rmpcheck.engines.induction import (
    candidates,
    guards,
    images,
    inclusion,
    ordered,
    past,
    projections,
    quorums,
    sample,
    search,
    triples,
    witness,
)
from rmpcheck.engines.induction.cti import Named
from rmpcheck.engines.induction.generalize import Excluder
from rmpcheck.engines.induction.houdini import Inferred, houdini
from rmpcheck.interp import Instance
from rmpcheck.monitor import Obligation
from rmpcheck.smt.epr import fragment
from rmpcheck.smt.epr.induction import Induction

BUDGET_S = 60.0  # the whole inference, when the caller sets no timeout
WIDE_VARS = 4  # variables per sort of the wider templates (two binary relation entries)
WIDE_ATOMS = 200  # past this many atoms the wider templates are not tried
ORDERED_SHARE = 0.5  # of the time left, for the family of engines/induction/ordered
# the first try on a small sample (_small_first): at most this share of the time left,
# and at most this long, so that a claim it cannot prove loses little
SMALL_SHARE = 0.05
SMALL_MAX_S = 2.0


def infer(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    deadline: Deadline,
    sample_sizes: Sequence[int] = sample.SAMPLE_SIZES,
    hint: Mapping[str, int] | None = None,
    given: Sequence[Named] = (),
    known: Sequence[ir.Expr] = (),
) -> Inferred:
    """Lemmas that, with ``goals``, make an inductive set (or why none were found).

    ``known`` are invariants proved for earlier claims of the model (the caller's
    engines/induction/shared store): tried first, alone.

    ``given`` (the property file's lemmas) are candidates like the sampled ones, and
    keep their names when used. Short clauses first: Houdini over the clauses of at
    most two literals, and only if no subset of those works are the three-literal
    clauses enumerated and added (fewer candidates: easier queries; and enumerating
    long clauses is the costly part of sampling). ``hint`` is the instance the user
    checks: it is sampled first.
    """
    if deadline.remaining() is None:
        deadline = Deadline(BUDGET_S)  # a caller that sets a timeout gives inference all of it
    insts: dict[tuple[tuple[str, int], ...], Instance] = {}
    spent: dict[str, float] = {}  # CPU seconds per phase, for the stats
    # what earlier claims of this model were proved with: often all a further claim
    # needs, found by a few queries instead of the whole search
    targets = {f for _, f in goals} | {f for _, f in given}
    known = _decidable(ob, ind, goals, [f for f in known if f not in targets])
    if known:
        proved = [*given, *[("", f) for f in known]]
        with _phase(spent, "shared"):
            quick = houdini(ob, ind, goals, proved, deadline, insts, len(given))
        quick.stats = {"shared": len(known), **quick.stats, "cpu_s": spent}
        if quick.status == "found" or deadline.expired():
            return quick
    # monitors that read back as past-time formulas are vocabulary like any state
    printable = past.sources(ob)
    with _phase(spent, "small_first"):
        small = _small_first(ob, ind, goals, given, deadline, sample_sizes, hint, printable, insts)
    if small is not None:
        small.stats = {**small.stats, "cpu_s": spent}
        return small
    with _phase(spent, "sample"):
        gen = candidates.generate(ob.system, deadline, sample_sizes, hint, printable)
        stats: dict[str, Any] = dict(gen.stats)
        stats["cpu_s"] = spent
    if known:
        stats["shared"] = len(known)
    witnesses = _decidable(ob, ind, goals, gen.witnesses)
    # a witness left out for closing a cycle of sorts may leave it open with its
    # exists moved out past the indices its body does not read (witness.miniscoped:
    # the same formula); or hold with one witness for every index: its exists-forall
    # form Skolemises a constant, no function
    scoped = {f: m for f in gen.witnesses if f not in witnesses and (m := witness.miniscoped(f))}
    kept = set(_decidable(ob, ind, goals, list(scoped.values())))
    scoped = {f: m for f, m in scoped.items() if m in kept}
    stats["miniscoped_witnesses"] = len(scoped)
    witnesses += list(scoped.values())
    hoisted = [h for f, h in gen.hoisted.items() if f not in witnesses and f not in scoped]
    hoisted = _decidable(ob, ind, goals, hoisted)
    stats["witnesses"] = len(witnesses)
    stats["hoisted_witnesses"] = len(hoisted)
    witnesses += hoisted
    levels = iter(gen.levels)
    short = next(levels, (0, []))[1]  # the clauses of one literal
    start: list[tuple[Named, int]] = [(g, 0) for g in given]
    # proved invariants of this model: ranked with the shortest clauses
    start += [(("", f), 1) for f in known]
    start += [(("", f), 2) for f in witnesses]
    start += [(("", c.formula), c.literals) for c in short]
    excluder = Excluder(gen.table, gen.atoms) if gen.table is not None else None
    # Houdini over the clauses of at most two literals, then with the families that
    # follow the model's maps (engines/induction/images), when it has any: Houdini
    # proves a candidate from what its closure already needs, so a pool of two thousand
    # costs seconds, where the CTI-guided search can spend its whole share and fail
    pool: list[Named] = [n for n, _ in start]
    with _phase(spent, "templates"):
        got = next(levels, None)
        two = got[1] if got is not None else []
        # partial maps' lemmas, guarded by their flags (engines/induction/guards)
        pairs = guards.guarded_maps(ob.model)
        guarded = guards.clauses(gen.table, pairs, short) if gen.table and pairs else []
    pool += [("", c.formula) for c in [*two, *guarded]]
    stats["candidates"] = len(pool) - len(given)
    stats["guarded"] = len(guarded)
    with _phase(spent, "houdini"):
        result = houdini(ob, ind, goals, pool, deadline, insts, len(given), excluder)
    result.stats = {**stats, **result.stats}
    if result.status == "found" or deadline.expired():
        return result
    with _phase(spent, "images_sample"):
        imaged = images.clauses(ob.system, deadline, sample_sizes, hint, printable)
    with _phase(spent, "images_houdini"):
        result, pool = _images(
            ob, ind, goals, pool, imaged, deadline, insts, given, result, stats, excluder
        )
    if result.status == "found" or deadline.expired():
        return result
    # a quorum guard and rounds: choosability lemmas, with the clauses of up to three
    # literals that such proofs need beside them (a round has one proposal), over a
    # sample with random runs: breadth-first search stops before any quorum decides,
    # and the clauses of its shallow states would swamp Houdini (Paxos: 495 of three
    # literals, 274 with the runs)
    with _phase(spent, "quorum"):
        chosen = _choosable(ob, ind, goals, deadline, hint)
    stats["quorum"] = len(chosen)
    if chosen:
        with _phase(spent, "quorum_sample"):
            deep = candidates.generate(
                ob.system, deadline, sample_sizes, hint, printable, runs=True
            )
        with _phase(spent, "templates"):
            pool = [n for n, _ in start] + [("", f) for f in chosen]
            for _, level in itertools.islice(deep.levels, 3):
                pool += [("", c.formula) for c in level]
        stats["candidates"] = len(pool) - len(given)
        with _phase(spent, "houdini"):
            result = houdini(ob, ind, goals, pool, deadline, insts, len(given), excluder)
        result.stats = {**stats, **result.stats}
        if result.status == "found" or deadline.expired():
            return result
    # what no subset of those does: the CTI-guided search, which assumes candidates
    # only as counterexamples ask for them and makes clauses of any length for a CTI
    # no candidate excludes (engines/induction/search)
    with _phase(spent, "search"):
        result = search.search(ob, ind, goals, start, deadline, insts, excluder, len(given))
    result.stats = {**stats, **result.stats}
    if result.status == "found" or deadline.expired():
        return result
    # a query the search asked with many candidates chosen can be one Z3 gives up on
    # ("unknown"): the templates below ask other queries, so they still get their turn.
    # More variables per sort (two messages are four nodes), where the vocabulary
    # stays small enough to sample: the search again, with the wider templates
    # (only when a CTI was left that nothing excluded, not when time ran out)
    wide = _wider(ob, deadline, sample_sizes, hint, printable) if result.cti else None
    if wide is not None and wide.table is not None:
        ex = Excluder(wide.table, wide.atoms)
        again = search.search(ob, ind, goals, start, deadline, insts, ex, len(given))
        stats["wide_atoms"] = len(wide.atoms)
        if again.status == "found" or deadline.expired():
            again.stats = {**stats, **again.stats}
            return again
    # rounds in a total order: a richer sample with the order pinned, and clauses guarded
    # by "x1 strictly below x2" (engines/induction/ordered), in a fresh pool. It holds
    # the three-literal clauses below over a better sample, so it goes before them; with
    # part of the time, so that they still get their turn when it finds nothing
    seed = [*given, *[("", f) for f in known], *[("", f) for f in witnesses]]
    left = deadline.remaining()
    share = Deadline(None if left is None else left * ORDERED_SHARE)
    with _phase(spent, "ordered"):
        rounds = _ordered(ob, ind, goals, seed, share, insts, len(given), stats, hint)
    if rounds is not None and rounds.status == "found":
        return rounds
    # the longer enumerated templates, by length, with Houdini over all of them
    while True:
        with _phase(spent, "templates"):
            got = next(levels, None)
        if got is None:
            break
        pool += [("", c.formula) for c in got[1]]
        stats["candidates"] = len(pool) - len(given)
        with _phase(spent, "houdini"):
            result = houdini(ob, ind, goals, pool, deadline, insts, len(given))
        result.stats = {**stats, **result.stats}
        if result.status != "failed":
            return result
    if result.status != "failed" or deadline.expired():
        return result
    # on demand only, each family added to the pool for one more Houdini run: existential
    # projections (a key has an owner or is in flight), then a third variable of one sort
    # (an element between two others; a relation read at one node and two others), then
    # inclusions between relations read at up to four variables of a sort (a packet in
    # flight implies a route back): their samples are larger, and their clauses many
    # more than those over two variables
    forms = [f for _, f in goals]
    args = (deadline, sample_sizes, hint)
    families = (
        ("exists_projection", lambda: projections.projected(ob.system, forms, *args)),
        ("three_variable", lambda: triples.three_variable(ob.system, *args)),
        ("inclusion", lambda: inclusion.inclusions(ob.system, *args)),
    )
    for name, family in families:
        with _phase(spent, name):
            extra = [c.formula for c in family()]
        if name == "exists_projection":
            extra = _decidable(ob, ind, goals, extra)
        stats[name] = len(extra)
        if deadline.expired():
            return result
        if not extra:
            continue
        pool += [("", f) for f in extra]
        with _phase(spent, "houdini"):
            result = houdini(ob, ind, goals, pool, deadline, insts, len(given))
        result.stats = {**stats, **result.stats}
        if result.status != "failed" or deadline.expired():
            return result
    return result


def _small_first(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    given: Sequence[Named],
    deadline: Deadline,
    sample_sizes: Sequence[int],
    hint: Mapping[str, int] | None,
    printable: Collection[str],
    insts: dict[tuple[tuple[str, int], ...], Instance],
) -> Inferred | None:
    """Houdini over the short clauses of a sample with every sort of ``hint`` cut to one
    more element than the templates have variables for it; None unless that proves the
    claim. Where the user's instance is larger, its sample can cost more than the whole
    proof (the PSC race at 6 pages: explicit search with symmetry over 376 orbits takes
    as long as every Z3 query of the proof), while the small sample already lets through
    the lemmas a proof needs: clauses it should have refuted are dropped by Houdini's
    queries instead. Only a proof counts (a wrong candidate cannot get through Houdini
    and the re-check); anything else falls through to the full sample, with at most a
    small share of the time spent."""
    if hint is None:
        return None
    small = {k: min(v, sample.VARS_PER_SORT + 1) for k, v in hint.items()}
    if small == dict(hint):
        return None
    left = deadline.remaining()
    sub = Deadline(SMALL_MAX_S if left is None else min(SMALL_MAX_S, SMALL_SHARE * left))
    # the cut instance alone: the uniform sizes come with the full sample
    gen = candidates.generate(ob.system, sub, (), small, printable)
    levels = iter(gen.levels)
    pool = list(given)
    for _ in range(2):  # the clauses of one literal, then of two
        got = next(levels, None)
        pool += [("", c.formula) for c in (got[1] if got is not None else [])]
    if sub.expired() or len(pool) == len(given):
        return None
    result = houdini(ob, ind, goals, pool, sub, insts, len(given))
    if result.status != "found":
        return None
    result.stats = {**gen.stats, "small_first": small, **result.stats}
    return result


def _choosable(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    deadline: Deadline,
    hint: Mapping[str, int] | None,
) -> list[ir.Expr]:
    """The quorum family's clauses (engines/induction/quorums) that keep consecution
    decidable; none unless the model has a quorum guard and a total order."""
    if not quorums.shapes(ob.model):
        return []
    orders = ordered.total_orders(ob.system)
    if not orders:
        return []
    found = quorums.clauses(ob.system, orders, deadline, hint)
    return _decidable(ob, ind, goals, [c.formula for c in found])


def _ordered(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    seed: Sequence[Named],
    deadline: Deadline,
    insts: dict[tuple[tuple[str, int], ...], Instance],
    given: int,
    stats: dict[str, Any],
    hint: Mapping[str, int] | None,
) -> Inferred | None:
    """Houdini over ``seed`` and the clauses of a sample with the model's total orders
    pinned (engines/induction/ordered), guarded ones included; None when the model has
    no total order, nothing was sampled or no guarded clause holds on it."""
    orders = ordered.total_orders(ob.system)
    if not orders:
        return None
    got = ordered.pool(ob.system, orders, deadline, hint)
    stats["ordered"] = {"orders": len(orders)}
    if got is None or deadline.expired():
        return None
    stats["ordered"].update(clauses=len(got.clauses), guarded=len(got.guarded))
    pool = [*seed, *[("", c.formula) for c in [*got.clauses, *got.guarded]]]
    result = houdini(ob, ind, goals, pool, deadline, insts, given)
    result.stats = {**stats, **result.stats}
    return result


@contextmanager
def _phase(spent: dict[str, float], name: str) -> Iterator[None]:
    """Add the CPU seconds of the block to ``spent[name]``."""
    t0 = time.process_time()
    try:
        yield
    finally:
        spent[name] = round(spent.get(name, 0.0) + time.process_time() - t0, 2)


def _images(
    ob: Obligation,
    ind: Induction,
    goals: Sequence[Named],
    pool: list[Named],
    found: Sequence[candidates.Candidate],
    deadline: Deadline,
    insts: dict[tuple[tuple[str, int], ...], Instance],
    given: Sequence[Named],
    failed: Inferred,
    stats: dict[str, Any],
    excluder: Excluder | None,
) -> tuple[Inferred, list[Named]]:
    """Houdini again with ``found`` (clauses over composed terms and shared images) added."""
    stats["image_clauses"] = len(found)
    if not found:
        return failed, pool
    pool = pool + [("", c.formula) for c in found]
    result = houdini(ob, ind, goals, pool, deadline, insts, len(given), excluder)
    result.stats = {**stats, **result.stats}
    return result, pool


def _wider(
    ob: Obligation,
    deadline: Deadline,
    sizes: Sequence[int],
    hint: Mapping[str, int] | None,
    monitors: Collection[str],
) -> candidates.Generated | None:
    """The templates with WIDE_VARS variables per sort, if their atoms stay few."""
    for per_sort in (WIDE_VARS, WIDE_VARS - 1):
        xs = candidates.template_vars(ob.model, per_sort)
        if len(candidates.atoms(ob.system, xs, monitors)) <= WIDE_ATOMS:
            return candidates.generate(ob.system, deadline, sizes, hint, monitors, per_sort)
    return None


def _decidable(
    ob: Obligation, ind: Induction, goals: Sequence[Named], forms: Sequence[ir.Expr]
) -> list[ir.Expr]:
    """The forall-exists candidates that leave consecution as decidable as the goals
    alone do: a Skolem function closing a cycle of sorts would make Houdini's queries
    ones Z3 may give up on, for every candidate at once."""
    skolems = [k for tr in ind.transitions for k in tr.skolems]

    def outside(fs: Sequence[Named]) -> int:
        return sum(f.queries != "initiation" for f in fragment.findings(ob.system, fs, skolems))

    base = outside(goals)
    return [f for f in forms if outside([*goals, ("candidate", f)]) <= base]
