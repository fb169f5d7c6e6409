"""Turn an engine's raw run into a Trace, replaying every step on the interpreter.

No engine reports a trace that this module has not re-executed: the initial
state must satisfy init, each step must be an enabled action instance whose
post-state matches, and the last state must violate the claim (or satisfy the
cover). A run that does not replay is an InternalError, never a result.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from rmpcheck.errors import InternalError
from rmpcheck.interp import ActionInstance, Instance, State
from rmpcheck.monitor import Obligation
from rmpcheck.trace.culprits import culprits
from rmpcheck.trace.lanes import lane_param
from rmpcheck.trace.model import Step, Trace


def build_trace(
    inst: Instance,
    ob: Obligation,
    states: Sequence[Sequence[Any]],
    actions: Sequence[tuple[str, Sequence[Any]]],
    engine: str,
) -> Trace:
    """Replay ``states[0] -actions[0]-> states[1] ...`` (raw values; only the model's
    own variables are compared, monitors are recomputed) and build the Trace."""
    run = replay_run(inst, states, actions, engine)
    cur = run[-1][1]
    holds = inst.holds(ob.target, cur)
    if ob.kind == "safety" and holds:
        raise InternalError(f"{engine}: counterexample ends in a state where the claim holds")
    if ob.kind == "reach" and not holds:
        raise InternalError(f"{engine}: witness ends in a state where the cover is false")
    return trace_of_run(inst, ob, run, engine)


def replay_run(
    inst: Instance,
    states: Sequence[Sequence[Any]],
    actions: Sequence[tuple[str, Sequence[Any]]],
    engine: str,
) -> list[tuple[ActionInstance | None, State]]:
    """The run ``states[0] -actions[0]-> ...`` re-executed on the interpreter, with
    monitors; an InternalError naming the first step that does not replay."""
    if len(states) != len(actions) + 1:
        raise InternalError(f"{engine}: {len(states)} states for {len(actions)} actions")
    n = len(inst.model.state)
    first = inst.complete(tuple(states[0][:n]))
    if first is None or not inst.is_initial(first):
        raise InternalError(f"{engine}: trace does not replay: state 0 is not initial")
    run: list[tuple[ActionInstance | None, State]] = [(None, first)]
    cur = first
    for i, (name, args) in enumerate(actions, start=1):
        want = tuple(states[i][:n])
        nxt = [(ai, t) for ai, t in inst.step(cur, name, tuple(args)) if t[:n] == want]
        if not nxt:
            raise InternalError(
                f"{engine}: trace does not replay: step {i} ({name}{tuple(args)}) "
                "is not enabled or does not reach the reported state"
            )
        ai, cur = nxt[0]
        run.append((ai, cur))
    return run


def trace_of_run(
    inst: Instance,
    ob: Obligation,
    run: Sequence[tuple[ActionInstance | None, State]],
    engine: str,
) -> Trace:
    """A Trace from an already replayed run (interp states and action instances)."""
    model = inst.model
    n = len(model.state)
    steps: list[Step] = []
    prev: dict[str, Any] | None = None
    for i, (ai, s) in enumerate(run):
        shown = {
            d.name: inst.sizes.show(d.type, v) for d, v in zip(model.state, s[:n], strict=True)
        }
        changed = tuple(k for k, v in shown.items() if prev is not None and prev[k] != v)
        if ai is None:
            steps.append(Step(i, None, None, None, {}, {}, shown, changed))
        else:
            act = model.action(ai.action)
            role = model.actor(act.actor).role or act.actor
            args = inst.show_args(ai)
            lane = args.get(lane_param(model, act)) if lane_param(model, act) else None
            steps.append(
                Step(
                    i, ai.action, act.actor, role, args, _choices(inst, ai), shown, changed, lane
                )
            )
        prev = shown
    pre = run[-2][1] if len(run) > 1 else None
    blame = culprits(inst, ob, pre, run[-1][1], run[-1][0])
    kind: Literal["counterexample", "witness", "run"] = (
        "witness" if ob.kind == "reach" else "counterexample"
    )
    what = "is reached" if ob.kind == "reach" else "is violated"
    return Trace(
        model=model.name,
        property=ob.prop.name,
        kind=kind,
        sizes=dict(inst.sizes.sizes),
        engine=engine,
        steps=tuple(steps),
        model_file=model.file,
        summary=f"{ob.prop.kind} {ob.prop.name} {what} after {len(run) - 1} step(s)",
        property_kind=ob.prop.kind,
        culprits=blame,
    )


def _choices(inst: Instance, ai: ActionInstance) -> dict[str, Any]:
    code = next(c for c in inst.actions if c.action.full_name == ai.action)
    out: dict[str, Any] = {}
    for var, val in zip(code.choice_vars, ai.choices, strict=True):
        if isinstance(val, tuple):
            out[var.name] = [inst.sizes.show(var.type, x) for x in val]
        else:
            out[var.name] = inst.sizes.show(var.type, val)
    return out
