"""A proof that assumed lemmas stands only on lemmas proved in the same run."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from gate_solvers import faulty

from rmpcheck.gate.config import Expectation, load_config
from rmpcheck.gate.lemmas import settle
from rmpcheck.gate.plan import Job, make_plan
from rmpcheck.gate.run import GateOptions, run_gate
from rmpcheck.result import Result, Scope

SMALL = (("Page", 2),)


def job(prop: str, sizes: tuple[tuple[str, int], ...] = SMALL) -> Job:
    return Job(Path("m.rmp"), Path("p.prop"), "m", prop, "invariant", "small", sizes,
               "kind", 10.0, 100, 5, Expectation("proved"), 0, prop)


def proved(prop: str, scope: str = "all-sizes", uses: tuple[str, ...] = ()) -> Result:
    sc = Scope("all-sizes") if scope == "all-sizes" else Scope("instance", SMALL)
    stats = {"assumed_lemmas": list(uses)} if uses else {}
    return Result("m", prop, "invariant", "proved", "kind", sc, stats=stats)


def unknown(prop: str) -> Result:
    return Result("m", prop, "lemma", "unknown", "kind", reason="timeout")


def test_a_proof_on_proved_lemmas_stands() -> None:
    jobs = [job("safe"), job("l1"), job("l2")]
    results = {0: proved("safe", uses=("l1", "l2")), 1: proved("l1"), 2: proved("l2")}
    assert settle(jobs, results) == results


def test_a_proof_on_an_unproved_lemma_is_unknown() -> None:
    jobs = [job("safe"), job("l1"), job("l2")]
    results = {0: proved("safe", uses=("l1", "l2")), 1: proved("l1"), 2: unknown("l2")}
    out = settle(jobs, results)
    assert out[0].verdict == "unknown"
    assert out[0].reason == "depends on unproved lemma l2"
    assert out[0].stats["downgraded_from"] == "proved"
    assert out[1] == results[1]


def test_a_lemma_missing_from_the_run_does_not_count() -> None:
    jobs = [job("safe")]
    out = settle(jobs, {0: proved("safe", uses=("l9",))})
    assert out[0].verdict == "unknown" and "l9" in out[0].reason


def test_lemmas_leaning_on_each_other_stand_together() -> None:
    jobs = [job("safe"), job("l1"), job("l2")]
    results = {0: proved("safe", uses=("l1",)), 1: proved("l1", uses=("l2",)),
               2: proved("l2", uses=("l1",))}
    assert settle(jobs, results) == results


def test_a_cycle_through_an_unproved_lemma_falls_whole() -> None:
    jobs = [job("safe"), job("l1"), job("l2"), job("l3")]
    results = {0: proved("safe", uses=("l1",)), 1: proved("l1", uses=("l2",)),
               2: proved("l2", uses=("l1", "l3")), 3: unknown("l3")}
    out = settle(jobs, results)
    assert [out[i].verdict for i in range(4)] == ["unknown", "unknown", "unknown", "unknown"]
    assert out[2].reason == "depends on unproved lemma l3"
    assert out[0].reason == "depends on unproved lemma l1"


def test_a_lemma_proved_for_the_instance_narrows_the_scope() -> None:
    jobs = [job("safe"), job("l1")]
    results = {0: proved("safe", uses=("l1",)), 1: proved("l1", scope="instance")}
    out = settle(jobs, results)
    assert out[0].verdict == "proved"
    assert out[0].scope == Scope("instance", SMALL)
    # ...but not for another instance's sizes
    jobs = [job("safe", (("Page", 3),)), job("l1")]
    out = settle(jobs, results)
    assert out[0].verdict == "unknown" and "proved only for other sizes" in out[0].reason


FAULTS = """properties for lock

lemma consulted_unassigned: forall t: Thread. step[t] == consulted -> !assigned[target[t]]
lemma lock_held: forall t: Thread. step[t] == consulted -> lock
invariant uses_lemmas: true
"""


def test_end_to_end_a_refuted_lemma_takes_the_proof_down(project: Path) -> None:
    (project / "properties" / "lemmas.prop").write_text(FAULTS)
    cfg = project / "lemmas.toml"
    cfg.write_text("""[tool.rmpcheck]
engine = "explicit"
vacuity = "off"  # its claims are "true" on purpose: what runs is tested here, not what it means
instance = { Page = 2, Thread = 2 }

[[tool.rmpcheck.check]]
model = "models/*.rmp"
properties = "properties/lemmas.prop"
expect = { consulted_unassigned = "proved", lock_held = "proved", uses_lemmas = "proved" }
""")
    plan = make_plan(load_config(cfg))
    report = run_gate(plan, GateOptions(read_cache=False, solve=faulty))
    got = {o.job.name: (o.status, o.result.verdict if o.result else None, o.note)
           for o in report.outcomes}
    assert got["lock::uses_lemmas"][:2] == ("ok", "proved")
    # in the racy variant the lemmas are false, so the proof that assumed them is not a proof
    assert got["racy::lock_held"][:2] == ("mismatch", "refuted")
    assert got["racy::uses_lemmas"][1] == "unknown"
    assert "depends on unproved lemma" in got["racy::uses_lemmas"][2]
    assert report.exit_code == 1

    # pytest-style: one obligation alone still checks its lemmas (running them itself)
    racy = [j for j in plan.jobs if j.name == "racy::uses_lemmas"]
    alone = run_gate(plan, GateOptions(select=lambda j: j is racy[0], solve=faulty))
    (o,) = alone.outcomes
    assert o.result is not None and o.result.verdict == "unknown"
    assert dataclasses.replace(o.job) == racy[0]


LEMMAS = """properties for lock

lemma lock_held: forall t: Thread. step[t] == consulted -> lock
lemma one_consulting: forall t: Thread. forall u: Thread.
  step[t] == consulted && step[u] == consulted -> t == u
invariant write_checked: forall t: Thread. step[t] == consulted -> !assigned[target[t]]
"""


def test_kind_names_its_lemmas_and_the_gate_proves_them_too(project: Path) -> None:
    import json

    from click.testing import CliRunner

    from rmpcheck.cli import cli

    (project / "properties" / "lemmas.prop").write_text(LEMMAS)
    (project / "kind.toml").write_text("""engine = "kind"
depth = 4
instance = { Page = 2, Thread = 2 }
[[check]]
model = "models/lock.rmp"
properties = "properties/lemmas.prop"
expect = { lock_held = "proved", one_consulting = "proved", write_checked = "proved" }
""")
    args = ["prove", "--config", "kind.toml", "--json", "-p", "write_checked"]
    r = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    (o,) = json.loads(r.stdout)["obligations"]
    assert o["result"]["verdict"] == "proved"
    assert sorted(o["result"]["stats"]["assumed_lemmas"]) == ["lock_held", "one_consulting"]
    # the lemmas were proved in the same run (and cached), though only the claim was asked for
    r = CliRunner().invoke(cli, ["prove", "--config", "kind.toml", "--json"])
    doc = json.loads(r.stdout)
    assert r.exit_code == 0 and doc["summary"]["cached"] == 3
