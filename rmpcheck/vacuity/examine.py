"""Examine proved claims: automatic covers (vacuity) and the "by construction" tests.

:func:`examine` takes claims of one model at one instance, possibly from
several property files, and returns each claim's findings. Claims whose
property files assume the same things share every search: one explicit
search decides all their covers without past-time operators, one transition
relation serves every step restatement query, one unrolling of the
relaxation every claim's bmc (docs/vacuity.md).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rmpcheck import ir
from rmpcheck.engines.base import Deadline, instance_scope
from rmpcheck.errors import EngineError
from rmpcheck.ir_text import ExprPrinter
from rmpcheck.monitor import context_of
from rmpcheck.result import Finding, FindingKind, FindingStatus
from rmpcheck.vacuity import construction
from rmpcheck.vacuity.construction import Test
from rmpcheck.vacuity.covers import Cover, Decision, Limits, decide
from rmpcheck.vacuity.parts import Part, parts

# Explicit search for covers stops here and calls the instance too large: the
# SNP library's instances have 1,500-6,200 states, searched in under a second;
# 100,000 states take about 10 s of Python, where a symbolic engine is faster.
MAX_STATES = 100_000

# bmc depth on the guard-free relaxation: with every guard gone, every write is
# a step or two away (the SNP library's refutations there are all at depth <= 2;
# each depth costs a transition relation, and pdr still refutes what is deeper)
RELAX_DEPTH = 3

CLAIMS = ("invariant", "always", "lemma", "liveness")
# the claims the "by construction" tests restate as a step or a relaxed search
SAFETY = ("invariant", "always", "lemma")

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Claim:
    props: ir.PropertySet
    prop: ir.Property


@dataclass(frozen=True, slots=True)
class Budget:
    """What examining may spend; only ``timeout_s`` depends on the machine's speed."""

    timeout_s: float | None = None  # wall clock for everything: past it, unknown
    max_states: int = MAX_STATES
    depth: int = 30  # bmc bound for covers when the instance is too large
    fallback: str = "pdr"  # may prove a cover uncoverable when the instance is too large
    relax_depth: int = RELAX_DEPTH


def examine(
    model: ir.Model,
    claims: Sequence[Claim],
    sizes: Mapping[str, int],
    budget: Budget = Budget(),  # noqa: B008 - frozen
) -> list[tuple[Finding, ...]]:
    """The findings of each claim (``()`` for a cover, or a claim with none), in order."""
    deadline = Deadline(budget.timeout_s)
    out: list[tuple[Finding, ...]] = [() for _ in claims]
    empty = _no_initial_state(model, sizes)
    if empty is not None:
        # an instance without an initial state proves every safety claim: nothing
        # else found here would mean anything
        return [(empty,) if c.prop.kind in CLAIMS else () for c in claims]
    groups: dict[object, list[int]] = {}
    for i, c in enumerate(claims):
        if c.prop.kind in CLAIMS:
            groups.setdefault(_assumptions(c.props), []).append(i)
    for members in groups.values():
        group = [claims[i] for i in members]
        for i, found in zip(members, _group(model, group, sizes, budget, deadline), strict=True):
            out[i] = found
    return out


def _no_initial_state(model: ir.Model, sizes: Mapping[str, int]) -> Finding | None:
    """The finding for an instance whose init no state satisfies (a model's init
    asking for more pages than the sizes have, say); None when a state exists or
    the instance is too large to tell by enumeration."""
    from rmpcheck.interp import Instance

    try:
        for _ in Instance(model, sizes).initial_states():
            return None
    except EngineError:
        return None
    return Finding("initial", "vacuous", verdict="uncoverable", scope=instance_scope(sizes))


def _assumptions(props: ir.PropertySet) -> object:
    """What a property set assumes (claims with equal assumptions share a search)."""
    return tuple((p.formula, p.free) for p in props.properties if p.kind == "assume")


def _group(
    model: ir.Model,
    claims: Sequence[Claim],
    sizes: Mapping[str, int],
    budget: Budget,
    deadline: Deadline,
) -> list[tuple[Finding, ...]]:
    printer = ExprPrinter(model.enums)
    props = claims[0].props
    split = [parts(c.prop, printer) for c in claims]
    # claims of several property files may share a name: covers are numbered instead
    covers = [
        Cover(f"__cover{n}", part.body, part.free, context_of(c.prop))
        for n, (c, part) in enumerate(
            (c, part) for c, ps in zip(claims, split, strict=True) for part in ps
        )
    ]
    limits = Limits(budget.max_states, budget.depth, budget.fallback, deadline)
    decisions = _guarded(
        lambda: decide(model, props, covers, sizes, limits),
        len(covers),
        lambda why: Decision("unknown", reason=why),
    )
    # a liveness proof is examined for vacuity only: neither restatement applies to
    # a claim about whole runs
    safety = [c for c in claims if c.prop.kind in SAFETY]
    steps = _guarded(
        lambda: construction.step_restatement(
            model, props, [c.prop for c in safety], sizes, deadline
        )
        if safety
        else [],
        len(safety),
        lambda why: Test("unknown", why),
    )
    loose = _guarded(
        lambda: construction.guard_free(
            model, [(c.props, c.prop) for c in safety], sizes, budget.relax_depth, deadline
        )
        if safety
        else [],
        len(safety),
        lambda why: Test("unknown", why),
    )
    tests = iter(zip(steps, loose, strict=True))
    out = []
    it = iter(decisions)
    for c, ps in zip(claims, split, strict=True):
        mine = [next(it) for _ in ps]
        found = _vacuity(ps, mine)
        if c.prop.kind in SAFETY:
            step, relaxed = next(tests)
            found += _construction(c.prop, step, relaxed, sizes)
        out.append(tuple(found))
    return out


def _guarded(run: Callable[[], list[T]], n: int, unknown: Callable[[str], T]) -> list[T]:
    """``run()``, or ``n`` unknowns with the reason when the model is beyond the engine."""
    try:
        return run()
    except EngineError as e:
        return [unknown(str(e)) for _ in range(n)]


def _vacuity(ps: Sequence[Part], decisions: Sequence[Decision]) -> list[Finding]:
    """A finding per uncoverable or undecided cover. A part under an uncoverable one
    is uncoverable too and says nothing new; one undecided under an undecided one
    neither."""
    out = []
    dead: set[int] = set()
    vague: set[int] = set()
    for k, (part, d) in enumerate(zip(ps, decisions, strict=True)):
        up = part.parent
        if up is not None and up in dead:
            dead.add(k)
        elif d.verdict == "uncoverable":
            dead.add(k)
            out.append(_finding(part, "vacuous", d))
        elif d.verdict != "covered":
            if up is None or up not in vague:
                out.append(_finding(part, "unknown", d))
            vague.add(k)
    return out


def _finding(part: Part, status: FindingStatus, d: Decision) -> Finding:
    return Finding(
        part.kind, status, part.text, part.span, part.index, d.verdict, d.scope, d.reason
    )


def _construction(
    prop: ir.Property, step: Test, relaxed: Test, sizes: Mapping[str, int]
) -> list[Finding]:
    out = []
    tests: tuple[tuple[FindingKind, Test], ...] = (("step", step), ("guard-free", relaxed))
    for kind, t in tests:
        if t.verdict == "proved":
            scope = instance_scope(sizes)
            out.append(Finding(kind, "by-construction", "", prop.span, 0, "proved", scope))
        elif t.verdict == "unknown":
            out.append(Finding(kind, "unknown", "", prop.span, reason=t.reason))
    return out
