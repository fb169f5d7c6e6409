"""The portfolio: first decisive answer wins, the rest are stopped, limits give unknown.

Fake members stand in for the real engines where a test needs a crash, a hang
or a slow loser; the processes are forked, so the fakes registered here are
visible to the children.
"""

from __future__ import annotations

import os
import time

import pytest
from race_model import SMALL, race_obligation

from rmpcheck.engines import auto, registry
from rmpcheck.engines.base import Options
from rmpcheck.result import Result, Scope

# ------------------------------------------------------------------ fakes


def crashing(ob, sizes, opts):
    os._exit(3)


def hanging(ob, sizes, opts):
    time.sleep(60)
    raise AssertionError("not reached")


def slow_proof(ob, sizes, opts):
    time.sleep(60)
    return Result(ob.model.name, ob.prop.name, ob.prop.kind, "proved", "slow")


def quick_bounded(ob, sizes, opts):
    return Result(
        ob.model.name,
        ob.prop.name,
        ob.prop.kind,
        "bounded-safe",
        "quick",
        scope=Scope("depth", (), 5),
    )


def hungry(ob, sizes, opts):
    hoard = []
    while True:
        hoard.append(bytearray(16 * 1024 * 1024))


FAKES = {
    "crash": crashing,
    "hang": hanging,
    "slow": slow_proof,
    "quick": quick_bounded,
    "hungry": hungry,
}


@pytest.fixture
def fakes(monkeypatch):
    real = registry.resolve

    def resolve(engine):
        return FAKES[engine] if engine in FAKES else real(engine)

    monkeypatch.setattr(registry, "resolve", resolve)


def _members(monkeypatch, *names):
    monkeypatch.setattr(auto, "members", lambda opts: list(names))


# ------------------------------------------------------------------ tests


def test_portfolio_refutes_the_broken_race_with_a_trace():
    r = auto.check(race_obligation(lock=False), SMALL, Options(timeout_s=60))
    assert r.verdict == "refuted"
    assert r.trace is not None and r.trace.length == 3
    assert (
        set(r.stats["portfolio"]) <= {"bmc", "pdr", "explicit"}
        and "refuted" in r.stats["portfolio"].values()
    )


def test_explicit_joins_where_the_written_state_is_small():
    ob = race_obligation(lock=False)
    assert auto.explicit_joins(ob, SMALL, Options())
    assert not auto.explicit_joins(ob, SMALL, Options(extra={"explicit": False}))
    assert not auto.explicit_joins(ob, {"Page": 40, "Thread": 40}, Options())


def test_portfolio_proves_the_fixed_race_for_all_sizes():
    # no wait budget: the answer depends on nothing but the members' own answers
    r = auto.check(race_obligation(), SMALL, Options(timeout_s=60, extra={"wait_s": None}))
    assert r.verdict == "proved", r.describe()
    assert r.engine == "inductive" and str(r.scope) == "for all sizes"
    assert r.certificate is not None and r.certificate.rechecked


def test_without_the_inductive_engine_pdr_proves_the_instance():
    opts = Options(timeout_s=60, extra={"inductive": False})
    assert auto.members(opts) == ["bmc", "pdr"]
    r = auto.check(race_obligation(), SMALL, opts)
    assert r.verdict == "proved", r.describe()
    assert r.engine == "pdr" and r.certificate is not None and r.scope.kind == "instance"


def test_kind_can_be_the_prover():
    import known_models as km

    opts = Options(timeout_s=60, extra={"prover": "kind", "inductive": False})
    assert auto.members(opts) == ["bmc", "kind"]
    r = auto.check(km.obligation("lock_server"), km.SMALL["lock_server"], opts)
    assert r.verdict == "proved" and r.engine == "kind"
    bad = auto.check(km.obligation("lock_server", broken=True), km.SMALL["lock_server"], opts)
    assert bad.verdict == "refuted" and bad.trace is not None


def test_a_final_answer_stops_the_others(fakes, monkeypatch):
    _members(monkeypatch, "bmc", "slow")
    start = time.monotonic()
    r = auto.check(race_obligation(lock=False), SMALL, Options(timeout_s=60))
    assert r.verdict == "refuted" and r.engine == "bmc"
    assert time.monotonic() - start < 30  # did not wait for the 60 s loser


def instance_proof(ob, sizes, opts):
    return Result(ob.model.name, ob.prop.name, ob.prop.kind, "proved", "quickpdr",
                  scope=Scope("instance", tuple(sizes.items())))


def all_sizes_soon(ob, sizes, opts):
    time.sleep(0.5)
    return Result(ob.model.name, ob.prop.name, ob.prop.kind, "proved", "inductive",
                  scope=Scope("all-sizes"))


def test_a_proof_for_the_instance_waits_for_one_for_all_sizes(fakes, monkeypatch):
    monkeypatch.setitem(FAKES, "quickpdr", instance_proof)
    monkeypatch.setitem(FAKES, "inductive", all_sizes_soon)
    _members(monkeypatch, "quickpdr", "inductive")
    r = auto.check(race_obligation(), SMALL, Options(timeout_s=60))
    assert r.verdict == "proved" and r.engine == "inductive"
    assert "budget" not in r.stats  # it came within the budget: the order decided


def test_when_the_wait_budget_decides_the_result_says_so(fakes, monkeypatch):
    monkeypatch.setitem(FAKES, "quickpdr", instance_proof)
    monkeypatch.setitem(FAKES, "inductive", hanging)
    _members(monkeypatch, "quickpdr", "inductive")
    start = time.monotonic()
    r = auto.check(race_obligation(), SMALL, Options(timeout_s=60, extra={"wait_s": 0.5}))
    assert r.verdict == "proved" and r.engine == "quickpdr"
    assert "0.5 s wait budget decided: inductive had not finished" in r.stats["budget"]
    assert time.monotonic() - start < 30  # not the 60 s of the hanging member


def test_bounded_safe_is_not_decisive_but_beats_unknown(fakes, monkeypatch):
    _members(monkeypatch, "quick", "crash")
    r = auto.check(race_obligation(), SMALL, Options(timeout_s=30))
    assert r.verdict == "bounded-safe" and r.engine == "quick"
    assert r.stats["portfolio"] == {"quick": "bounded-safe", "crash": "unknown"}


def test_a_child_that_dies_gives_unknown_with_the_reason(fakes, monkeypatch):
    _members(monkeypatch, "crash")
    r = auto.check(race_obligation(), SMALL, Options(timeout_s=30))
    assert r.verdict == "unknown"
    assert "crash process died (exit code 3)" in r.reason


def test_timeout_terminates_the_children_and_gives_unknown(fakes, monkeypatch):
    _members(monkeypatch, "hang", "slow")
    monkeypatch.setattr(auto, "GRACE_S", 0.2)
    start = time.monotonic()
    r = auto.check(race_obligation(), SMALL, Options(timeout_s=0.5))
    assert r.verdict == "unknown" and "timeout" in r.reason
    assert time.monotonic() - start < 10


def test_memory_limit_gives_unknown(fakes, monkeypatch):
    _members(monkeypatch, "hungry")
    r = auto.check(race_obligation(), SMALL, Options(timeout_s=60, memory_mb=300))
    assert r.verdict == "unknown"
    assert "memory" in r.reason


def test_interrupt_stops_the_children(fakes, monkeypatch):
    _members(monkeypatch, "hang")
    started = []
    real_stop = auto._stop

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    def stop(running):
        started.extend(running)
        real_stop(running)

    monkeypatch.setattr(auto, "_collect", interrupted)
    monkeypatch.setattr(auto, "_stop", stop)
    with pytest.raises(KeyboardInterrupt):
        auto.check(race_obligation(), SMALL, Options(timeout_s=60))
    assert started and not any(m.process.is_alive() for m in started)


def test_an_unknown_member_fails_in_the_parent():
    from rmpcheck.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown engine 'nope'"):
        auto.check(race_obligation(), SMALL, Options(extra={"prover": "nope"}))


def _auto_in_daemon(queue):
    r = auto.check(race_obligation(lock=False), SMALL, Options(timeout_s=60))
    queue.put((r.verdict, r.stats["portfolio"]))


def test_a_daemonic_caller_gets_the_members_in_turn():
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_auto_in_daemon, args=(q,), daemon=True)
    p.start()
    verdict, portfolio = q.get(timeout=60)
    p.join(10)
    assert verdict == "refuted"
    assert "refuted" in portfolio.values()


def pid_then_hang(ob, sizes, opts):
    with open(opts.extra["pidfile"], "w") as f:
        f.write(str(os.getpid()))
    time.sleep(60)


def _run_portfolio(pidfile):
    auto.check(race_obligation(), SMALL, Options(timeout_s=60, extra={"pidfile": pidfile}))


def test_members_die_with_a_killed_portfolio(fakes, monkeypatch, tmp_path):
    import multiprocessing as mp
    import signal

    FAKES["pid"] = pid_then_hang
    _members(monkeypatch, "pid")
    pidfile = tmp_path / "pid"
    ctx = mp.get_context("fork")
    parent = ctx.Process(target=_run_portfolio, args=(str(pidfile),))
    parent.start()
    for _ in range(200):
        if pidfile.exists() and pidfile.read_text():
            break
        time.sleep(0.05)
    member = int(pidfile.read_text())
    os.kill(parent.pid, signal.SIGKILL)
    parent.join(10)
    for _ in range(100):
        if not _alive(member):
            break
        time.sleep(0.05)
    else:
        os.kill(member, signal.SIGKILL)
        raise AssertionError("the member outlived its portfolio")


def _alive(pid: int) -> bool:
    """Running, not merely a zombie waiting for whoever inherited it to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _spin() -> None:
    while True:
        pass


@pytest.mark.slow  # a hog on every core: the rest of a parallel run slows to a crawl
def test_the_same_verdict_and_scope_on_a_loaded_machine():
    """A CPU hog on every core must not change what auto reports (the order decides, not
    who finishes first)."""
    import multiprocessing as mp

    readme = {"Page": 6, "Thread": 3}  # the example: pdr or inductive, by load
    cases = [
        (race_obligation(), "write_only_shared", readme),
        (race_obligation(lock=False), "broken", SMALL),
        (race_obligation(prop="reach_write"), "reach_write", SMALL),
    ]

    def answers():
        out = {}
        for ob, name, sizes in cases:
            r = auto.check(ob, sizes, Options(timeout_s=120))
            out[name] = (r.verdict, r.scope, r.engine, "budget" in r.stats)
        return out

    idle = answers()
    ctx = mp.get_context("fork")
    hogs = [ctx.Process(target=_spin, daemon=True) for _ in range(max(2, os.cpu_count() or 2))]
    for h in hogs:
        h.start()
    try:
        loaded = answers()
    finally:
        for h in hogs:
            h.kill()
            h.join()
    assert loaded == idle
    assert idle["write_only_shared"][:3] == ("proved", Scope("all-sizes"), "inductive")
    assert idle["broken"][0] == "refuted" and idle["broken"][2] == "bmc"
    assert not any(budget for *_, budget in idle.values())
