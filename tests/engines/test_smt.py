"""The SMT encoding against the interpreter: same initial states, same successors.

For every reachable state of small instances, the Z3 models of T(s, w, L)
(with s fixed) are enumerated and compared with ``Instance.successors(s)``
as sets of (action, arguments, post-state), monitors included.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import z3
from known_models import FILES, SMALL, obligation

from rmpcheck import ir
from rmpcheck.interp import Instance
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import Obligation, compile_obligation
from rmpcheck.smt import system
from rmpcheck.smt.decode import action_of, state_of
from rmpcheck.smt.readable import show_conjuncts
from rmpcheck.smt.system import Encoding, encoding
from rmpcheck.smt.vocab import Vocabulary, locations_of, value
from rmpcheck.trace.replay import build_trace

FEATURES = Path(__file__).resolve().parents[1] / "models" / "features"


def features(prop: str) -> Obligation:
    model = load_model(FEATURES.with_suffix(".rmp"))
    props = load_properties(FEATURES.with_suffix(".prop"), model)
    return compile_obligation(model, props, prop)


def fix(enc: Encoding, v: Vocabulary, s: tuple) -> list[z3.BoolRef]:
    """``v`` equals the raw state ``s``."""
    out = []
    for d, raw in zip(enc.system.state, s, strict=True):
        raws = raw if isinstance(raw, tuple) else (raw,)
        for loc, c, x in zip(enc.lay.slots[d.name], v.values[d.name], raws, strict=True):
            out.append(c == value(loc.type, x))
    return out


def all_models(solver: z3.Solver, keys: list[z3.ExprRef], limit: int = 2000):
    """Every model, distinct on ``keys`` (blocking clauses)."""
    for _ in range(limit):
        if solver.check() != z3.sat:
            return
        m = solver.model()
        yield m
        solver.add(z3.Or([k != m.eval(k, model_completion=True) for k in keys]))
    raise AssertionError("too many models")


def smt_initial(enc: Encoding) -> set[tuple]:
    v = enc.vocab(0)
    s = z3.Solver()
    s.add(enc.init(v))
    return {state_of(enc, m, v) for m in all_models(s, v.flat())}


def smt_successors(enc: Encoding, state: tuple) -> set[tuple]:
    v, w, lab = enc.vocab(0), enc.vocab(1), enc.labels(0)
    s = z3.Solver()
    s.add(*fix(enc, v, state), enc.trans(v, w, lab).formula)
    out = set()
    for m in all_models(s, [lab.selector, *w.flat()]):
        name, args = action_of(enc, m, lab)
        post = state_of(enc, m, w)
        out.add((name, args, post))
        # the other arguments of the same action and post-state are separate models
        i = m.eval(lab.selector).as_long()
        s.push()
        s.add(lab.selector == i, *fix(enc, w, post))
        for m2 in all_models(s, list(lab.params[i])):
            out.add((name, action_of(enc, m2, lab)[1], post))
        s.pop()
    return out


def agree(ob: Obligation, sizes: dict[str, int], max_states: int = 60) -> int:
    """Compare init and successors on up to ``max_states`` reachable states."""
    inst = Instance(ob.system, sizes)
    enc = encoding(ob.system, sizes)
    init = set(inst.initial_states())
    assert smt_initial(enc) == init
    seen, frontier = set(init), list(init)
    while frontier and len(seen) < max_states:
        s = frontier.pop(0)
        want = {(ai.action, tuple(ai.args), t) for ai, t in inst.successors(s)}
        assert smt_successors(enc, s) == want, f"successors differ at {inst.show(s)}"
        for _, _, t in want:
            if t not in seen:
                seen.add(t)
                frontier.append(t)
    return len(seen)


@pytest.mark.parametrize(
    "prop", ["reclaim_after_assign", "flag_history", "since_assign", "toggled"]
)
def test_features_model_agrees_with_interpreter(prop: str) -> None:
    ob = features(prop)
    assert ob.system.monitors and ob.system.state_assumes and ob.system.step_assumes
    assert agree(ob, {"Page": 2, "Asid": 2}, max_states=40) > 10


@pytest.mark.parametrize("prop", ["reclaim_after_assign", "toggled"])
def test_symbolic_parameters_agree_with_interpreter(
    monkeypatch: pytest.MonkeyPatch, prop: str
) -> None:
    # actions with many argument tuples keep their parameters symbolic
    monkeypatch.setattr(system, "GROUND_LIMIT", 0)
    assert agree(features(prop), {"Page": 2, "Asid": 2}, max_states=40) > 10


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("broken", [False, True])
def test_known_models_agree_with_interpreter(name: str, broken: bool) -> None:
    assert agree(obligation(name, broken=broken), SMALL[name], max_states=25) > 3


def test_single_element_sorts_and_no_choice_disable_steps() -> None:
    # with one Asid, fw.scramble's `choose a where a != cur` has no choice
    ob = features("flag_history")
    enc = encoding(ob.system, {"Page": 1, "Asid": 1})
    inst = Instance(ob.system, {"Page": 1, "Asid": 1})
    for s in inst.initial_states():
        got = smt_successors(enc, s)
        assert not any(name == "fw.scramble" for name, _, _ in got)
        assert got == {(ai.action, tuple(ai.args), t) for ai, t in inst.successors(s)}


def readable(name: str, build) -> tuple[str, ...]:
    """``build(values)`` (a formula over a vocabulary) printed in model vocabulary."""
    ob = obligation(name)
    enc = encoding(ob.system, SMALL[name])
    v = enc.vocab("shown")
    locs = locations_of(enc.lay, v)
    return show_conjuncts(build(v.values), locs, enc.sizes)


def test_invariant_reads_back_in_model_vocabulary() -> None:
    def race(x):
        step, tgt, lock = x["step"], x["target"], x["psc_lock"][0]
        return z3.And(
            z3.Or(z3.Not(step[1] >= 2), lock),
            z3.Not(step[0] <= 0),
            z3.Or(step[0] == 0, step[0] == 1),
            step[1] <= 2,  # only restates the type: left out
            z3.Not(tgt[0] == tgt[1]),
            z3.Or(z3.Not(step[1] >= 2), step[0] < step[1]),  # Spacer orders enum values
            tgt[0] + -1 * tgt[1] >= 0,
        )

    assert readable("race", race) == (
        "step[Thread1] != consulted || psc_lock",
        "step[Thread0] != idle",
        "step[Thread0] != consulted",
        "target[Thread0] != target[Thread1]",
        "!(step[Thread0] == consulted && step[Thread1] == consulted)",
        "!(target[Thread0] == Page0 && target[Thread1] == Page1)",
    )

    def ticket(x):
        nxt, serving, ticket = x["next_ticket"][0], x["serving"][0], x["ticket"]
        return z3.And(
            z3.Not(serving + -1 * nxt >= 0),
            z3.Not(ticket[0] + -1 * ticket[1] == 0),
            ticket[1] + -1 * nxt <= -1,
        )

    assert readable("ticket_lock", ticket) == (
        "serving < next_ticket",
        "ticket[Thread0] != ticket[Thread1]",
        "ticket[Thread1] <= next_ticket - 1",
    )


def test_trace_decoding_replays_through_every_action() -> None:
    # a run that uses every action of the features model, found by z3, replays
    ob = features("flag_history")
    sizes = {"Page": 2, "Asid": 2}
    enc = encoding(ob.system, sizes)
    n = len(ob.model.actions)
    states = [enc.vocab(i) for i in range(n + 1)]
    steps = [enc.labels(i) for i in range(n)]
    s = z3.Solver()
    s.add(enc.init(states[0]))
    for i, (a, b) in enumerate(itertools.pairwise(states)):
        s.add(enc.trans(a, b, steps[i]).formula)
    s.add(z3.Distinct([lab.selector for lab in steps]))
    assert s.check() == z3.sat
    m = s.model()
    # replayed as a witness of "true", which every state satisfies
    witness = Obligation(ob.system, ob.prop, "reach", ir.BoolLit(True))
    raw_states = [state_of(enc, m, v) for v in states]
    actions = [action_of(enc, m, lab) for lab in steps]
    trace = build_trace(Instance(ob.system, sizes), witness, raw_states, actions, "test")
    assert {st.action for st in trace.steps[1:]} == {a.full_name for a in ob.model.actions}
