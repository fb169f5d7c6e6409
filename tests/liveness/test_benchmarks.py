"""The classic liveness benchmarks of tests/models/liveness, each with a broken twin.

Every engine that proves a claim here must refute the twin's, with a lasso
that replays: a proof path that could not fail would prove nothing.

* mutex (one lock, strongly fair enter): no starvation and the lock is
  released; twins: weak fairness starves a process, no fairness lets the
  others think forever;
* ticket lock: starvation freedom; twin: leave forgets to serve the next ticket;
* election by elimination: a leader is elected (termination); twin: a
  comparison drops both nodes, and none is left.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from liveness_gate import run_gate

from rmpcheck import api
from rmpcheck.trace.recheck import recheck

DIR = Path(__file__).resolve().parent.parent / "models" / "liveness"


def _prove(model: str, props: str, claim: str, engine: str) -> api.Result:
    m = api.load_model(DIR / f"{model}.rmp")
    ps = api.load_properties(DIR / f"{props}.prop", m)
    (r,) = api.prove(m, ps, property=claim, engine=engine)
    if r.trace is not None:
        assert r.trace.loop is not None
        assert recheck(r.trace, m, ps).ok
    return r


CASES = [  # (model, good props, twin model, twin props, claim, engine, proof scope)
    ("mutex", "mutex", "mutex", "mutex_weak", "no_starvation", "explicit", "instance"),
    ("mutex", "mutex", "mutex", "mutex_unfair", "released", "explicit", "instance"),
    ("ticket", "ticket", "ticket_broken", "ticket", "served", "explicit", "instance"),
    ("election", "election", "election_broken", "election", "elected", "explicit", "instance"),
    ("mutex", "mutex", "mutex", "mutex_unfair", "released", "pdr", "instance"),
    ("election", "election", "election_broken", "election", "elected", "pdr", "instance"),
    ("mutex", "mutex", "mutex", "mutex_unfair", "lock_used", "kind", "instance"),
    ("election", "election", "election_broken", "election", "elected", "inductive", "all-sizes"),
    ("mutex", "mutex", "mutex", "mutex_unfair", "released", "inductive", "all-sizes"),
]


ARGS = ("model", "props", "twin", "twin_props", "claim", "engine", "scope")


@pytest.mark.parametrize(ARGS, CASES)
def test_proved_and_the_twin_refuted(model, props, twin, twin_props, claim, engine, scope):
    good = _prove(model, props, claim, engine)
    assert good.verdict == "proved", good.describe()
    assert good.scope is not None and good.scope.kind == scope
    assert good.certificate is not None and good.certificate.rechecked
    bad = _prove(twin, twin_props, claim, engine)
    assert bad.verdict == "refuted", bad.describe()


@pytest.mark.parametrize(
    ("model", "props", "claim"),
    [("mutex", "mutex_weak", "no_starvation"), ("ticket_broken", "ticket", "served"),
     ("election_broken", "election", "elected")],
)  # fmt: skip
def test_bmc_finds_the_twins_lassos_and_only_bounds_the_benchmarks(model, props, claim):
    assert _prove(model, props, claim, "bmc").verdict == "refuted"
    good = {"mutex_weak": "mutex", "ticket_broken": "ticket", "election_broken": "election"}
    fixed = good.get(model, model)
    fixed_props = good.get(props, props)
    assert _prove(fixed, fixed_props, claim, "bmc").verdict == "bounded-safe"


def test_weak_fairness_starves_a_waiting_process_while_the_other_takes_the_lock():
    r = _prove("mutex", "mutex_weak", "no_starvation", "explicit")
    assert r.trace is not None and r.trace.loop is not None
    loop = r.trace.steps[r.trace.loop + 1 :]
    # the other process goes round enter and leave while this one waits
    assert {s.action for s in loop} >= {"proc.enter", "proc.leave"}
    assert dict(r.trace.culprits)["p"] not in {s.args.get("p") for s in loop}


def test_the_broken_election_stops_with_no_node_left():
    r = _prove("election_broken", "election", "elected", "explicit")
    assert r.trace is not None and r.trace.steps[-1].action == "__deadlocked.stutter"
    assert all(not v for v in r.trace.steps[-1].state["active"].values())


GATE = """[[tool.rmpcheck.check]]
model = "mutex.rmp"
properties = "mutex_weak.prop"
expect = {{ no_starvation = "{verdict}", released = "proved", held = "proved" }}
"""


@pytest.mark.parametrize(("verdict", "code"), [("refuted", 0), ("proved", 1)])
def test_the_gate_reads_back_a_lasso_from_its_process(tmp_path, monkeypatch, verdict, code):
    r = run_gate(
        tmp_path, monkeypatch, ["mutex.rmp", "mutex_weak.prop"], GATE.format(verdict=verdict)
    )
    assert r.exit_code == code, r.output
    assert "internal error" not in r.output
    (itf,) = Path("traces").rglob("*.itf.json")
    assert '"loop": 1' in itf.read_text()
