"""The deadlock claim deadlock_free: every engine that proves it refutes a broken twin.

relay passes one token around (always someone to move); relay_broken may drop
it, and then nothing is enabled. A ``terminal`` declaration excuses exactly
the states it names. The SNP models are deadlock-free only because they
declare where a VM's life ends (the VM is dead, or the host is down): the
same model without that declaration is refuted.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from liveness_gate import run_gate

from rmpcheck import api, ir
from rmpcheck.cli import cli
from rmpcheck.trace.recheck import recheck

ROOT = Path(__file__).resolve().parent.parent.parent
DIR = ROOT / "tests" / "models" / "liveness"


def _deadlock(model: Path, props: Path, engine: str) -> api.Result:
    m = api.load_model(model)
    ps = api.load_properties(props, m)
    (r,) = api.prove(m, ps, property=ir.DEADLOCK_CLAIM, engine=engine)
    if r.trace is not None:
        assert recheck(r.trace, m, ps).ok
    return r


@pytest.mark.parametrize(
    ("engine", "scope"),
    [("explicit", "instance"), ("kind", "instance"), ("pdr", "instance"),
     ("inductive", "all-sizes"), ("auto", "all-sizes")],
)  # fmt: skip
def test_each_prover_proves_the_relay_and_refutes_its_twin(engine, scope):
    good = _deadlock(DIR / "relay.rmp", DIR / "relay.prop", engine)
    assert good.verdict == "proved", good.describe()
    assert good.scope is not None and good.scope.kind == scope
    assert good.certificate is not None and good.certificate.rechecked
    bad = _deadlock(DIR / "relay_broken.rmp", DIR / "relay.prop", engine)
    assert bad.verdict == "refuted", bad.describe()
    assert bad.trace is not None and bad.trace.steps[-1].action == "node.drop"


def test_bmc_refutes_the_twin_and_bounds_the_relay():
    assert _deadlock(DIR / "relay_broken.rmp", DIR / "relay.prop", "bmc").verdict == "refuted"
    assert _deadlock(DIR / "relay.rmp", DIR / "relay.prop", "bmc").verdict == "bounded-safe"


@pytest.mark.parametrize("engine", ["explicit", "pdr", "inductive"])
def test_a_terminal_declaration_excuses_the_states_it_names(engine):
    r = _deadlock(DIR / "relay_broken.rmp", DIR / "relay_ends.prop", engine)
    assert r.verdict == "proved", r.describe()


def _run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_prove_adds_deadlock_free_unless_told_not_to_or_claims_are_named():
    broken, props = DIR / "relay_broken.rmp", DIR / "relay.prop"
    r = _run("prove", broken, props, "-e", "explicit")
    assert r.exit_code == 1, r.output
    assert re.search(r"deadlock_free +deadlock +refuted \(trace of 1 step\)", r.output)
    assert "no action is enabled there" in r.output
    r = _run("prove", broken, props, "-e", "explicit", "--no-deadlock")
    assert "deadlock_free" not in r.output
    r = _run("prove", broken, props, "-e", "explicit", "-p", "token_kept")
    assert "deadlock_free" not in r.output
    r = _run("prove", DIR / "relay.rmp", props, "-e", "explicit")
    assert r.exit_code == 0, r.output
    assert re.search(r"deadlock_free +deadlock +proved for Node=3", r.output)


SNP = [("upstream", "linux.rmp"), ("rfc2021", "know_and_check.rmp")]


@pytest.mark.slow
@pytest.mark.parametrize(("era", "design"), SNP)
def test_an_snp_model_stops_only_where_a_vm_life_ends(tmp_path, era, design):
    model = ROOT / "models" / era / design
    props = ROOT / "properties" / era / "rmp.prop"
    assert _deadlock(model, props, "explicit").verdict == "proved"
    # the same design without its terminal declaration: the dead VM's end is a deadlock
    for f in (ROOT / "models" / era).glob("*.rmp"):
        text = f.read_text()
        (tmp_path / f.name).write_text(re.sub(r"\nterminal: .*\n", "\n", text))
    assert "terminal:" in (model.parent / ("base.rmp" if era == "rfc2021" else design)).read_text()
    r = _deadlock(tmp_path / design, props, "explicit")
    assert r.verdict == "refuted", r.describe()
    assert r.trace is not None
    end = r.trace.steps[-1].state
    assert end["vm"] == "vm_dead" or end["host_crash"] or end["host_hang"]


GATE = """[[tool.rmpcheck.check]]
model = "relay.rmp"
properties = "relay.prop"

[tool.rmpcheck.check.expect]
deadlock_free = "proved"
token_kept = {{ verdict = "proved", by_construction = "pass always hands the token on" }}

[[tool.rmpcheck.check]]
model = "relay_broken.rmp"
properties = "relay.prop"
expect = {{ token_kept = "refuted", deadlock_free = "{broken}" }}
"""


@pytest.mark.parametrize(("broken", "code"), [("refuted", 0), ("proved", 1)])
def test_the_gate_checks_deadlock_free_where_a_check_expects_it(
    tmp_path, monkeypatch, broken, code
):
    r = run_gate(
        tmp_path,
        monkeypatch,
        ["relay.rmp", "relay_broken.rmp", "relay.prop"],
        GATE.format(broken=broken),
    )
    assert r.exit_code == code, r.output
    assert "4 obligations" in r.output
    # the broken relay's trace was read back from its process: a deadlock trace is valid ITF
    assert "internal error" not in r.output
