"""Random walks on the interpreter, checking every claim along the way.

The walk runs on one obligation's system (every obligation of a property set
carries the same assumptions, so any of them restricts runs the same way) and
the other obligations follow it step by step on their own instances, whose
extra state is only their monitors. The first state where a safety claim
fails ends the walk with that claim's counterexample, replayed like any
engine's; covers reached on the way are noted.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from rmpcheck import ir
from rmpcheck.errors import InternalError, Interrupted
from rmpcheck.interp import ActionInstance, Instance, State
from rmpcheck.monitor import Obligation, System, compile_obligation
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import build_trace, trace_of_run

ENGINE = "simulate"

# An interrupted walk is reported with at most this many of its steps: replaying
# and printing a million steps after Ctrl-C would make the interrupt wait.
SHOWN_WHEN_INTERRUPTED = 1000


@dataclass(frozen=True)
class Walk:
    """What a random walk did: its trace, the first violation, covers reached, why it ended."""

    trace: Trace
    violated: str | None = None  # name of the first claim found violated
    covered: dict[str, int] = field(default_factory=dict)  # cover -> first step reaching it
    ended: str = ""  # "deadlock", "violation", "steps" or "interrupted"
    steps: int = 0  # steps taken (the trace may show fewer when interrupted)


# seeds are drawn below this bound, so that one reads and retypes easily
SEED_BOUND = 2**32


def fresh_seed() -> int:
    """A seed for a walk nobody asked to repeat (``simulate`` prints it, so it can be)."""
    return secrets.randbelow(SEED_BOUND)


def walk(
    model: ir.Model,
    props: ir.PropertySet | None,
    sizes: Mapping[str, int],
    steps: int,
    seed: int,
) -> Walk:
    """Take up to ``steps`` random steps from a random initial state. Ctrl-C raises
    :class:`~rmpcheck.errors.Interrupted` with the walk so far (its first steps)."""
    rng = random.Random(seed)
    # a finite walk cannot show a liveness claim false (that takes an infinite run)
    asked = [p for p in (props.properties if props else ())]
    claims = [p for p in asked if p.kind not in ("assume", "liveness")]
    obs = [compile_obligation(model, props, p.name) for p in claims] if props else []
    lead = Instance(obs[0].system if obs else System(model), sizes)
    followers = [Instance(ob.system, sizes) for ob in obs]
    n = len(model.state)

    inits = list(lead.initial_states())
    if not inits:
        raise InternalError("simulate: the model has no initial state") from None
    cur = rng.choice(inits)
    run: list[tuple[ActionInstance | None, State]] = [(None, cur)]
    mine = [inst.complete(cur[:n]) for inst in followers]
    covered: dict[str, int] = {}
    ended = "steps"
    try:
        for i in range(steps + 1):
            hit = _check(obs, followers, mine, covered, i)
            if hit is not None:
                ob, inst = obs[hit], followers[hit]
                states = [s for _, s in run]
                actions = [(ai.action, ai.args) for ai, _ in run[1:] if ai is not None]
                trace = build_trace(inst, ob, states, actions, ENGINE)
                return Walk(trace, ob.prop.name, covered, "violation", len(actions))
            if i == steps:
                break
            succ = list(lead.successors(cur))
            if not succ:
                ended = "deadlock"
                break
            ai, cur = rng.choice(succ)
            run.append((ai, cur))
            mine = [_follow(inst, s, ai, cur[:n]) for inst, s in zip(followers, mine, strict=True)]
    except KeyboardInterrupt:
        taken = len(run) - 1
        done = _finish(lead, model, run[: SHOWN_WHEN_INTERRUPTED + 1], seed, "interrupted")
        raise Interrupted(replace(done, covered=covered, steps=taken)) from None
    return replace(_finish(lead, model, run, seed, ended), covered=covered)


def _finish(
    lead: Instance,
    model: ir.Model,
    run: list[tuple[ActionInstance | None, State]],
    seed: int,
    ended: str,
) -> Walk:
    """The walk of ``run``, which violated nothing."""
    trace = trace_of_run(lead, _walk_obligation(model, lead.system), run, ENGINE)
    how = {"deadlock": "stopped at a deadlock", "interrupted": "interrupted"}.get(
        ended, "no claim violated"
    )
    trace = replace(
        trace,
        kind="witness",
        summary=f"random walk of {trace.length} step(s), seed {seed}: {how}",
    )
    return Walk(trace, None, {}, ended, trace.length)


def _check(
    obs: list[Obligation],
    insts: list[Instance],
    states: list[State | None],
    covered: dict[str, int],
    i: int,
) -> int | None:
    """Index of the first safety claim violated at this position; covers are noted."""
    for k, (ob, inst, s) in enumerate(zip(obs, insts, states, strict=True)):
        if s is None:
            raise InternalError(f"simulate: {ob.prop.name}'s system cannot follow the walk")
        holds = inst.holds(ob.target, s)
        if ob.kind == "reach":
            if holds and ob.prop.name not in covered:
                covered[ob.prop.name] = i
        elif not holds:
            return k
    return None


def _follow(inst: Instance, s: State | None, ai: ActionInstance, want: tuple[Any, ...]) -> State:
    """The same step on another obligation's instance (its monitors may differ)."""
    assert s is not None
    for bi, t in inst.step(s, ai.action, ai.args):
        if bi.choices == ai.choices and t[: len(want)] == want:
            return t
    raise InternalError(f"simulate: step {ai.action}{ai.args} does not replay")


def _walk_obligation(model: ir.Model, system: System) -> Obligation:
    """A stand-in claim for a walk that violated nothing (trace_of_run needs one)."""
    prop = ir.Property("cover", "the end of the walk", ir.BoolLit(True))
    return Obligation(system, prop, "reach", ir.BoolLit(True))
