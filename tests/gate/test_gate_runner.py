"""Child processes under limits: a death, a memory blow-up, an overrun, a crash, each reported."""

from __future__ import annotations

import json
import resource
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from conftest import DATA
from gate_solvers import faulty
from lxml import etree

from rmpcheck.gate import junit, runner, sarif
from rmpcheck.gate import run as run_module
from rmpcheck.gate.config import load_config
from rmpcheck.gate.plan import Plan, make_plan
from rmpcheck.gate.run import GateOptions, GateReport, run_gate

FAULTS = """properties for lock

invariant dies_at_once: true
invariant hog_memory: true
invariant slow_forever: true
invariant crash_badly: true
invariant starve_quietly: true
invariant write_checked: forall t: Thread. step[t] == consulted -> !assigned[target[t]]
"""


def faults_plan(root: Path, memory_mb: int = 2048, timeout: float = 30) -> Plan:
    (root / "properties" / "faults.prop").write_text(FAULTS)
    cfg = root / "faults.toml"
    cfg.write_text(f"""[tool.rmpcheck]
engine = "explicit"
vacuity = "off"  # its claims are "true" on purpose: what runs is tested here, not what it means
timeout = {timeout}
memory_mb = {memory_mb}
instance = {{ Page = 2, Thread = 2 }}

[[tool.rmpcheck.check]]
model = "models/lock.rmp"
properties = "properties/faults.prop"

[tool.rmpcheck.check.expect]
dies_at_once = "proved"
hog_memory = "proved"
slow_forever = "proved"
crash_badly = "proved"
starve_quietly = "proved"
write_checked = "proved"
""")
    return make_plan(load_config(cfg))


def run(plan: Plan, *names: str) -> GateReport:
    return run_gate(plan, GateOptions(jobs=2, read_cache=False, select=lambda j: j.prop in names,
                                      solve=faulty))


def test_a_child_that_dies_gives_unknown_with_the_reason(project: Path) -> None:
    report = run(faults_plan(project), "dies_at_once", "write_checked")
    dies, ok = report.outcomes
    assert dies.result is not None and dies.result.verdict == "unknown"
    assert "killed by SIGKILL" in dies.result.reason
    assert dies.status == "mismatch" and report.exit_code == 1
    # the other obligation is unaffected
    assert ok.status == "ok" and ok.result is not None and ok.result.verdict == "proved"


def _address_space_mb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) // 1024
    pytest.skip("no /proc/self/status")
    return 0


def test_memory_limit_gives_unknown(project: Path) -> None:
    if resource.getrlimit(resource.RLIMIT_AS)[1] != resource.RLIM_INFINITY:
        pytest.skip("address space already limited")
    # the child starts as a copy of this process; allow it a little more, not 640 GB more
    plan = faults_plan(project, memory_mb=_address_space_mb() + 300)
    (hog,) = run(plan, "hog_memory").outcomes
    assert hog.result is not None and hog.result.verdict == "unknown"
    assert "memory limit" in hog.result.reason
    assert hog.status == "mismatch"


def test_an_odd_failure_at_the_memory_limit_is_unknown(project: Path) -> None:
    if resource.getrlimit(resource.RLIMIT_AS)[1] != resource.RLIM_INFINITY:
        pytest.skip("address space already limited")
    plan = faults_plan(project, memory_mb=_address_space_mb() + 200)
    (starved,) = run(plan, "starve_quietly").outcomes
    assert starved.result is not None and starved.result.verdict == "unknown", starved.note
    assert "memory limit" in starved.result.reason and "ValueError" in starved.result.reason


def test_an_overrun_is_killed(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "GRACE_S", 0.5)
    monkeypatch.setenv("RMPCHECK_TEST_SLEEP", "60")
    plan = faults_plan(project, timeout=0.5)
    (slow,) = run(plan, "slow_forever").outcomes
    assert slow.result is not None and slow.result.verdict == "unknown"
    assert "overran its 0.5 s timeout" in slow.result.reason
    assert slow.wall_s < 10


def test_an_engine_crash_is_an_internal_error_exit_3(project: Path) -> None:
    report = run(faults_plan(project), "crash_badly", "write_checked")
    crash, ok = report.outcomes
    assert crash.status == "error" and crash.result is None
    assert "internal error" in crash.note and "RuntimeError: an engine bug" in crash.note
    assert ok.status == "ok"
    assert report.exit_code == 3  # our bug, not bad input (2) nor a verdict that differs (1)
    # reported as a tool notification in SARIF, as an <error> in JUnit; both stay valid
    doc = sarif.document(report)
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    assert list(jsonschema.Draft4Validator(schema).iter_errors(doc)) == []
    run0 = doc["runs"][0]
    assert run0["results"] == [] and not run0["invocations"][0]["executionSuccessful"]
    (note,) = run0["invocations"][0]["toolExecutionNotifications"]
    assert "crash_badly" in note["message"]["text"]
    xml = etree.fromstring(ET.tostring(junit.document(report)))
    etree.XMLSchema(etree.parse(str(DATA / "junit-10.xsd"))).assertValid(xml)
    assert xml.find(".//testcase[@name='crash_badly']/error") is not None


def test_identical_obligations_run_once(project: Path) -> None:
    plan = faults_plan(project)
    twice = Plan(plan.config, plan.jobs + plan.jobs[-1:], plan.models, plan.props)
    started: list[str] = []

    class Count(runner.Events):
        def started(self, job: object) -> None:
            started.append(str(job))

    report = run_gate(twice, GateOptions(read_cache=False, solve=faulty,
                                         select=lambda j: j.prop == "write_checked"), Count())
    assert [o.status for o in report.outcomes] == ["ok", "ok"]
    assert len(started) == 1


def test_no_process_to_be_had_is_an_error(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = runner._start

    def start(ctx, index, job, *rest):  # type: ignore[no-untyped-def]
        if job.prop == "crash_badly":
            raise BlockingIOError(11, "Resource temporarily unavailable")
        return real(ctx, index, job, *rest)

    monkeypatch.setattr(runner, "_start", start)
    report = run(faults_plan(project), "crash_badly", "write_checked")
    failed, ok = report.outcomes
    assert failed.status == "error" and "could not start a process" in failed.note
    assert ok.status == "ok" and report.exit_code == 3  # not the input's fault


def test_bad_input_for_an_obligation_is_exit_2_and_our_bug_exit_3(project: Path) -> None:
    import dataclasses

    from rmpcheck.gate.judge import Outcome

    report = run(faults_plan(project), "write_checked")
    (ok,) = report.outcomes
    bad_input = dataclasses.replace(ok, status="error", result=None, note="m.rmp:1:1: error: x")
    bug = dataclasses.replace(bad_input, note="internal error (please report): boom")
    assert isinstance(bug, Outcome)
    assert dataclasses.replace(report, outcomes=(ok, bad_input)).exit_code == 2
    assert dataclasses.replace(report, outcomes=(ok, bad_input, bug)).exit_code == 3


def test_explicit_claims_of_one_file_share_a_search_and_get_their_own_verdicts(
    project: Path,
) -> None:
    # with the registry's engines, the claims of one property file at one instance
    # run as one task (engines/explicit_together.py); with any other solver, each
    # alone: the outcomes must be the same, proofs, refutations and traces alike
    plan = make_plan(load_config(project / "pyproject.toml"))
    tasks = run_module._share(plan.jobs, list(range(len(plan.jobs))), engines=True)
    assert len(tasks) == 2 and all(isinstance(t, runner.SharedJob) for _, t in tasks)
    assert run_module._share(plan.jobs, list(range(len(plan.jobs))), engines=False) == [
        (i, j) for i, j in enumerate(plan.jobs)
    ]

    def alone(engine, ob, sizes, opts):
        return runner.engine_solve(engine, ob, sizes, opts)

    shared = run_gate(plan, GateOptions(jobs=2, read_cache=False))
    single = run_gate(plan, GateOptions(jobs=2, read_cache=False, solve=alone))
    assert shared.exit_code == single.exit_code == 0
    for a, b in zip(shared.outcomes, single.outcomes, strict=True):
        assert a.job == b.job and a.status == b.status == "ok"
        assert a.result is not None and b.result is not None
        assert (a.result.verdict, a.result.scope) == (b.result.verdict, b.result.scope)
        assert (a.result.trace is None) == (b.result.trace is None)
        if a.result.trace is not None and b.result.trace is not None:
            assert a.result.trace.steps == b.result.trace.steps
    verdicts = {(o.job.model, o.job.prop): o.result.verdict for o in shared.outcomes if o.result}
    assert verdicts[("racy", "write_checked")] == "refuted"
    assert verdicts[("lock", "write_checked")] == "proved"
