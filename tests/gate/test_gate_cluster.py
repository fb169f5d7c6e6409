"""The gate on a Dask cluster (gate/cluster.py): a two-worker local cluster, started here,
gives the local run's verdicts, reports, cache and exit codes, under the same limits."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import Invoke

from rmpcheck.errors import ConfigError
from rmpcheck.gate import cluster
from rmpcheck.gate.config import load_config
from rmpcheck.gate.plan import make_plan
from rmpcheck.gate.run import GateOptions, run_gate

distributed = pytest.importorskip("distributed", reason="needs rmpcheck[cluster] (Dask)")

# what differs between any two runs, wherever they ran
VOLATILE = {"wall_s", "time_s", "peak_rss_mb", "states_per_s"}


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A local cluster of two worker processes, one thread each: what `dask scheduler` and
    two `dask worker`s give, on this machine."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as c:
        yield c.scheduler_address


def _same(doc: Any) -> Any:
    """A JSON report without what changes from run to run."""
    if isinstance(doc, dict):
        return {k: _same(v) for k, v in doc.items() if k not in VOLATILE}
    if isinstance(doc, list):
        return [_same(v) for v in doc]
    return doc


def _differences(a: Any, b: Any, at: str = "") -> list[str]:
    """Where two JSON documents differ, as paths (a failure then says where)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return [
            d
            for k in sorted(a.keys() | b.keys())
            for d in _differences(a.get(k), b.get(k), f"{at}.{k}")
        ]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _differences(x, y, f"{at}[{i}]")
        ]
    return [] if a == b else [f"{at}: {a!r} != {b!r}"]


def _report(prove: Invoke, *args: str) -> tuple[int, Any]:
    r = prove("--json", *args)
    return r.exit_code, _same(json.loads(r.stdout))


def test_the_cluster_gives_the_local_run(project: Path, prove: Invoke, scheduler: str) -> None:
    local = _report(prove, "--no-cache")
    remote = _report(prove, "--no-cache", "--scheduler", scheduler)
    assert _differences(list(remote), list(local)) == []
    assert local[0] == 0 and local[1]["summary"]["ok"] == 4
    verdicts = {
        o["model"] + "::" + o["property"]: o["result"]["verdict"] for o in remote[1]["obligations"]
    }
    assert verdicts["racy::write_checked"] == "refuted"  # not a run that proves everything
    # what the cluster found is in the cache: a local run reruns nothing
    code, cached = _report(prove)
    assert code == 0 and cached["summary"]["cached"] == 4


def test_a_verdict_that_differs_fails_alike(project: Path, prove: Invoke, scheduler: str) -> None:
    cfg = project / "pyproject.toml"
    cfg.write_text(cfg.read_text().replace('write_checked = "refuted"', 'write_checked = "proved"'))
    local = _report(prove, "--no-cache")
    remote = _report(prove, "--no-cache", "--scheduler", scheduler)
    assert _differences(list(remote), list(local)) == [] and local[0] == 1


LIMITS = """[tool.rmpcheck]
engine = "explicit"
vacuity = "off"  # the claims are "true": what runs is tested here, not what it means
timeout = 1
memory_mb = 512
instance = {{ Page = 2, Thread = 2 }}
scheduler = "{scheduler}"

[[tool.rmpcheck.check]]
model = "models/lock.rmp"
properties = "properties/faults.prop"
expect = {{ slow_forever = "proved", hog_memory = "proved", write_checked = "proved" }}
"""

FAULTS = """properties for lock

invariant slow_forever: true
invariant hog_memory: true
invariant write_checked: forall t: Thread. step[t] == consulted -> !assigned[target[t]]
"""


def test_limits_hold_on_the_workers(
    project: Path, scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An overrun is killed and a memory hog stopped, as locally: each gives unknown with
    the reason; the configuration's `scheduler` key sends the gate to the cluster."""
    import cloudpickle
    import gate_solvers

    cloudpickle.register_pickle_by_value(gate_solvers)  # the workers do not have tests/
    (project / "properties" / "faults.prop").write_text(FAULTS)
    cfg = project / "limits.toml"
    cfg.write_text(LIMITS.format(scheduler=scheduler))
    plan = make_plan(load_config(cfg))
    assert plan.config.scheduler == scheduler
    called: list[str] = []
    real = cluster.run_on_cluster

    def spy(address: str, *args: Any, **kwargs: Any) -> Any:
        called.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(cluster, "run_on_cluster", spy)
    report = run_gate(plan, GateOptions(read_cache=False, solve=gate_solvers.faulty))
    assert called == [scheduler]
    by_name = {o.job.prop: o for o in report.outcomes}
    slow, hog = by_name["slow_forever"].result, by_name["hog_memory"].result
    assert slow is not None and slow.verdict == "unknown" and "overran its 1 s" in slow.reason
    assert hog is not None and hog.verdict == "unknown"
    assert "memory" in hog.reason
    assert by_name["write_checked"].status == "ok"
    assert report.exit_code == 1


def test_without_dask_the_gate_says_which_extra(
    project: Path, prove: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import fails
    r = prove("--scheduler", "tcp://127.0.0.1:8786")
    assert r.exit_code == 2
    assert "rmpcheck[cluster]" in r.output and "Traceback" not in r.output


def test_an_unreachable_scheduler_exits_2(
    project: Path, prove: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "CONNECT_S", 1.0)
    r = prove("--scheduler", "tcp://127.0.0.1:9")  # discard: nobody listens
    assert r.exit_code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in r.output


def test_the_scheduler_key_must_be_an_address(project: Path) -> None:
    cfg = project / "pyproject.toml"
    text = cfg.read_text().replace("[tool.rmpcheck]\n", "[tool.rmpcheck]\nscheduler = 8786\n")
    cfg.write_text(text)
    with pytest.raises(ConfigError, match="'scheduler' must be a Dask scheduler's address"):
        load_config(cfg)


def test_scheduler_is_a_gate_option(project: Path, prove: Invoke) -> None:
    r = prove("models/lock.rmp", "properties/write.prop", "--scheduler", "tcp://x:1")
    assert r.exit_code == 2 and "--scheduler" in r.output and "only apply to the gate" in r.output


def test_a_worker_with_other_code_is_refused() -> None:
    here = cluster.worker_version()
    assert cluster.mismatch(here, {"tcp://a:1": here, "tcp://b:1": list(here)}) == ""
    edited = (here[0], "0" * 64, here[2])
    why = cluster.mismatch(here, {"tcp://a:1": here, "tcp://b:1": edited})
    assert why.startswith("worker tcp://b:1 runs rmpcheck") and "(source 000000000000)" in why
