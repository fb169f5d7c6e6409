"""Replay a saved trace against the current model: does the bug still reproduce?

``rmpcheck replay`` calls :func:`recheck`. The trace names its model, property
and instance sizes; each recorded step is re-executed on the interpreter. A
model that changed since the trace was saved yields the first step that no
longer applies and why (a ``require`` that is now false, a variable that
changed type, an action that is gone); input that is not this model's trace
at all (another model, a property missing from the property file) is a
:class:`TraceError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rmpcheck import ir
from rmpcheck.errors import ConfigError, TraceError
from rmpcheck.interp import ActionInstance, Instance, State
from rmpcheck.ir_text import ExprPrinter, binders
from rmpcheck.liveness import LiveObligation, compile_claim, deadlock
from rmpcheck.liveness.obligation import with_stutter
from rmpcheck.monitor import Obligation, System
from rmpcheck.trace import layout
from rmpcheck.trace.lasso import examine, goal_text
from rmpcheck.trace.model import Step, Trace
from rmpcheck.trace.why import why_disabled


@dataclass(frozen=True, slots=True)
class Outcome:
    """What replaying a saved trace found: ``ok``, or the first step that fails and why."""

    ok: bool
    message: str
    failed_step: int | None = None
    checked_property: bool = False

    def __str__(self) -> str:
        return self.message


class _Fail(Exception):
    def __init__(self, step: int, why: str) -> None:
        super().__init__(why)
        self.step = step
        self.why = why


def recheck(trace: Trace, model: ir.Model, props: ir.PropertySet | None = None) -> Outcome:
    """Re-execute every step of ``trace`` on ``model``; with ``props``, also check
    that the trace's property is still violated (or its cover still reached) at the end."""
    if not trace.model:
        source = f" ({trace.model_file})" if trace.model_file else ""
        raise TraceError(
            f"this trace names no rmpcheck model: another tool wrote it{source}; "
            "`rmpcheck trace show` reads it, replay needs one that rmpcheck wrote"
        )
    if trace.model != model.name:
        raise TraceError(
            f"the trace is for model {trace.model!r}, but the model file defines {model.name!r}"
        )
    ob = _obligation(trace, model, props)
    if any(layout.stutters(s) for s in trace.steps):
        model = with_stutter(model)  # the trace stays where no action is enabled
    try:
        inst = Instance(ob.system if ob is not None else System(model), trace.sizes)
    except ConfigError as e:
        return Outcome(False, f"step 0: the instance no longer fits the model: {e}", 0)
    try:
        run = _replay(inst, trace)
        if isinstance(ob, LiveObligation):
            _check_lasso(inst, ob, trace, run)
        elif ob is not None:
            _check_end(inst, ob, trace, run[-1][1])
    except _Fail as f:
        return Outcome(False, f"step {f.step}: {f.why}", f.step, ob is not None)
    what = f"{trace.length} step(s) replay on {model.name}"
    if ob is None:
        return Outcome(True, what)
    verdict = "reached" if ob.kind == "reach" else "violated"
    if isinstance(ob, LiveObligation):
        verdict = "violated by the loop"
    return Outcome(True, f"{what}; {trace.property} is still {verdict} at the end", None, True)


def _obligation(trace: Trace, model: ir.Model, props: ir.PropertySet | None) -> Obligation | None:
    if props is None:
        return None
    if trace.property_kind == "deadlock":
        props = deadlock.with_claim(model, props)
    names = [p.name for p in props.properties if p.kind != "assume"]
    if trace.property not in names:
        have = ", ".join(names) or "none"
        raise TraceError(
            f"the trace is for property {trace.property!r}, which the property file does not "
            f"define (it has: {have})"
        )
    return compile_claim(model, props, trace.property)


def _replay(inst: Instance, trace: Trace) -> list[tuple[ActionInstance | None, State]]:
    model = inst.model
    n = len(model.state)
    first = _read_state(inst, trace.steps[0], 0)
    cur = inst.complete(first)
    if cur is None:
        raise _Fail(0, "the initial state is ruled out by an assumption of the property file")
    for c in (c for e in model.init for c in _conjuncts(e)):
        if not inst.holds(c, cur):
            text = ExprPrinter(model.enums).expr(c)
            raise _Fail(0, f"the initial state does not satisfy init: {text} is false")
    run: list[tuple[ActionInstance | None, State]] = [(None, cur)]
    for i, step in enumerate(trace.steps[1:], start=1):
        action, args = _read_call(inst, step, i)
        want = _read_state(inst, step, i)
        succ = inst.step(cur, action.full_name, args)
        match = [(ai, t) for ai, t in succ if t[:n] == want]
        if match:
            run.append(match[0])
            cur = match[0][1]
            continue
        call = layout.call(step)
        if not succ:
            raise _Fail(i, f"{call} is not enabled: {why_disabled(inst, action, args, cur)}")
        raise _Fail(i, f"{call} no longer reaches the recorded state: "
                    + _difference(inst, succ[0][1], step))
    return run


def _check_lasso(
    inst: Instance, ob: LiveObligation, trace: Trace, run: list[tuple[ActionInstance | None, State]]
) -> None:
    """The trace's loop must still close, stay pending and be fair (trace/lasso.py)."""
    n = trace.length
    if trace.loop is None:
        raise _Fail(n, f"the trace has no loop, so it cannot refute liveness claim {ob.prop.name}")
    seen = examine(inst, ob, run, trace.loop)
    if not seen.closes:
        raise _Fail(n, f"every step replays, but state {n} is no longer state {trace.loop}: "
                    "the loop does not close")
    if seen.values is None:
        raise _Fail(n, f"every step replays, but {goal_text(ob)} now holds on the loop (or "
                    "nothing is pending there): the lasso no longer refutes the claim")
    if seen.starved:
        raise _Fail(n, f"every step replays, but the loop is no longer fair to "
                    f"{', '.join(seen.starved)}")


def _check_end(inst: Instance, ob: Obligation, trace: Trace, end: State) -> None:
    holds = inst.holds(ob.target, end)
    if ob.kind == "safety" and holds:
        raise _Fail(trace.length, f"every step replays, but {ob.prop.kind} {ob.prop.name} "
                    "now holds at the end: this trace no longer refutes it")
    if ob.kind == "reach" and not holds:
        raise _Fail(trace.length, f"every step replays, but cover {ob.prop.name} is not "
                    "reached at the end any more")


def _read_state(inst: Instance, step: Step, i: int) -> tuple[Any, ...]:
    """The model's variables of a recorded state as raw values."""
    model = inst.model
    names = [d.name for d in model.state]
    gone = [k for k in step.state if k not in names]
    if gone:
        raise _Fail(i, f"the trace records variable {gone[0]!r}, which the model no longer has")
    out = []
    for d in model.state:
        if d.name not in step.state:
            raise _Fail(i, f"the trace has no value for variable {d.name!r} (new in the model?)")
        try:
            out.append(inst.sizes.read(d.type, step.state[d.name]))
        except (ValueError, TypeError) as e:
            raise _Fail(i, f"the recorded state does not fit the model: {d.name}: {e}") from None
    return tuple(out)


def _read_call(inst: Instance, step: Step, i: int) -> tuple[ir.Action, tuple[Any, ...]]:
    model = inst.model
    name = step.action or ""
    try:
        action = model.action(name)
    except KeyError:
        actor = name.partition(".")[0]
        same = [a.full_name for a in model.actions if a.actor == actor]
        have = f" ({actor} now has: {', '.join(same)})" if same else ""
        raise _Fail(i, f"action {name} no longer exists in the model{have}") from None
    params = [p.name for p in action.params]
    if list(step.args) != params:
        now = binders(action.params)
        raise _Fail(i, f"{name} now takes ({now}); the trace gives ({', '.join(step.args)})")
    args = []
    for p in action.params:
        try:
            args.append(inst.sizes.read(p.type, step.args[p.name]))
        except (ValueError, TypeError) as e:
            raise _Fail(i, f"{name}: argument {p.name}: {e}") from None
    return action, tuple(args)


def _difference(inst: Instance, got: State, step: Step) -> str:
    """The first field where the model's post-state differs from the recorded one."""
    shown = inst.show(got[: len(inst.model.state)])
    mine, theirs = layout.fields(shown), layout.fields(step.state)
    diffs = [k for k in mine if mine[k] != theirs.get(k)]
    if not diffs:
        return "the states differ"
    k = diffs[0]
    more = f" (and {len(diffs) - 1} more)" if len(diffs) > 1 else ""
    return (f"{k} would be {layout.show(mine[k])}, the trace has "
            f"{layout.show(theirs.get(k))}{more}")


def _conjuncts(e: ir.Expr) -> list[ir.Expr]:
    if isinstance(e, ir.BinOp) and e.op == "and":
        return _conjuncts(e.left) + _conjuncts(e.right)
    return [e]

