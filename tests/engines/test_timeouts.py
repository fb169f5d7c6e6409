"""Every --timeout is honoured within 2 s, set-up included, by every engine and by cti.

Each case used to overrun its timeout by minutes: bmc, kind and pdr building a
ground encoding of ten thousand pages, explicit compiling an instance of three
thousand, the inductive engine (and cti) expanding quantifiers over a 60-member
enum. Claims run as the CLI runs them (api.prove with ``isolate``: a process of
their own, killed past the deadline as the last resort), and the wall clock is
taken around the whole call.
"""

from __future__ import annotations

import time

import pytest
import race_text
from click.testing import CliRunner

from rmpcheck import api
from rmpcheck.engines.base import Options
from rmpcheck.lang import parse_model, parse_properties

TIMEOUT_S = 2.0
HONOURED_WITHIN_S = 2.0

RACE_PROPS = """properties for race
invariant write_only_shared: forall t: Thread. step[t] == consulted -> !assigned[target[t]]
"""

MEMBERS = ", ".join(f"m{i}" for i in range(60))
EXPAND = f"""model expand
enum E {{ {MEMBERS} }}
sort S
state r : E, E -> bool
state owner : S -> E
init {{ forall a: E, b: E. !r[a, b] }}
actor x
action x.set(a: E, b: E) {{ r[a, b] := true }}
action x.own(s: S, a: E) {{ owner[s] := a }}
instance i {{ S = 2 }}
"""

EXPAND_PROPS = """properties for expand
invariant tri: forall a: E, b: E, c: E. r[a, b] && r[b, c] -> r[a, c] || a != c || r[c, a]
"""

BIG = {"Page": 10_000, "Thread": 50}
CASES = [
    ("bmc", "race", BIG),
    ("kind", "race", BIG),
    ("pdr", "race", BIG),
    ("auto", "race", BIG),
    ("explicit", "race", {"Page": 3_000, "Thread": 2}),
    ("inductive", "expand", {"S": 2}),
]


def _inputs(which: str) -> tuple[object, object]:
    if which == "race":
        model = parse_model(race_text.TEXT, "race.rmp")
        return model, parse_properties(RACE_PROPS, model, "race.prop")
    model = parse_model(EXPAND, "expand.rmp")
    return model, parse_properties(EXPAND_PROPS, model, "expand.prop")


@pytest.mark.parametrize(("engine", "which", "sizes"), CASES, ids=[c[0] for c in CASES])
def test_the_timeout_holds_from_the_first_instruction(engine, which, sizes) -> None:
    model, props = _inputs(which)
    start = time.monotonic()
    # auto's inductive member proves the race for every size in about a second,
    # which no timeout should stop: the question here is the members at huge sizes
    extra = {"inductive": False} if engine == "auto" else {}
    (r,) = api.prove(model, props, engine=engine, sizes=sizes,  # type: ignore[arg-type]
                     options=Options(timeout_s=TIMEOUT_S, extra=extra), isolate=True)
    took = time.monotonic() - start
    assert r.verdict == "unknown" and "timeout" in r.reason, r.describe()
    assert took <= TIMEOUT_S + HONOURED_WITHIN_S, f"{engine} took {took:.1f} s"


def test_cti_honours_its_timeout(tmp_path) -> None:
    from rmpcheck.cli import cli

    (tmp_path / "expand.rmp").write_text(EXPAND)
    (tmp_path / "expand.prop").write_text(EXPAND_PROPS)
    start = time.monotonic()
    r = CliRunner().invoke(cli, ["cti", str(tmp_path / "expand.rmp"), str(tmp_path / "expand.prop"),
                                 "-p", "tri", "--timeout", str(TIMEOUT_S)])
    took = time.monotonic() - start
    assert r.exit_code == 1 and "unknown: timeout after 2 s" in r.output, r.output
    assert took <= TIMEOUT_S + HONOURED_WITHIN_S, f"cti took {took:.1f} s"


@pytest.mark.slow
def test_the_inductive_engine_honours_its_budget_in_process() -> None:
    # A library caller has no process to kill: Houdini's replay of a solver's state
    # (successors and every kept candidate, in Python) must watch the deadline too.
    # On Paxos it once ran past 320 s of a 120 s budget.
    from pathlib import Path

    from rmpcheck.engines import inductive
    from rmpcheck.lang import load_model, load_properties
    from rmpcheck.monitor import compile_obligation

    root = Path(__file__).resolve().parents[2] / "benchmarks" / "protocols"
    model = load_model(root / "paxos.rmp")
    ob = compile_obligation(model, load_properties(root / "paxos.prop", model), "agreement")
    start = time.monotonic()
    r = inductive.check(ob, {}, Options(timeout_s=15))
    took = time.monotonic() - start
    assert r.verdict in ("unknown", "proved"), r.reason
    assert took < 15 + 30, f"{took:.0f} s for a 15 s budget"
