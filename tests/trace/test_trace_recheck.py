"""Replaying saved traces on a model that may have changed: ``rmpcheck replay``."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from trace_fixtures import FIX, MODEL, PROPS, variant, variant_properties

from rmpcheck.cli import cli
from rmpcheck.errors import TraceError
from rmpcheck.lang import parse_properties
from rmpcheck.trace import itf
from rmpcheck.trace.model import Trace
from rmpcheck.trace.recheck import recheck


@pytest.mark.parametrize("name", ["cex", "step_cex", "big_cex", "witness"])
def test_a_saved_trace_replays_on_its_model(request, tmp_path: Path, name: str):
    trace = request.getfixturevalue(name)
    path = tmp_path / "t.json"
    itf.save(trace, path)
    model = variant("", "")  # the same text, parsed afresh
    out = recheck(itf.load(path), model, variant_properties(model))
    assert out.ok and out.checked_property, out.message
    assert "still" in out.message


def test_the_fix_stops_the_trace_at_the_guest_step(step_cex: Trace):
    fixed = variant(*FIX)
    out = recheck(step_cex, fixed)
    assert not out.ok and out.failed_step == 3
    assert out.message.startswith(
        "step 3: guest.psc_to_private(p=Page0) is not enabled: "
        "require forall t: Thread. step[t] != consulted is false ("
    )
    assert "race_variant.rmp:" in out.message  # where the failing require is


@pytest.mark.parametrize(
    ("old", "new", "step", "expected"),
    [
        ("action host.write(t: Thread)", "action host.flush(t: Thread)", 4,
         "action host.write no longer exists in the model (host now has: host.translate, "
         "host.consult_rmp, host.flush)"),
        ("action host.write(t: Thread)", "action host.write(t: Thread, p: Page)", 4,
         "host.write now takes (t: Thread, p: Page); the trace gives (t)"),
        ("writes := writes + 1", "writes := writes + 2", 4,
         "host.write(t=Thread0) no longer reaches the recorded state: writes would be 2, "
         "the trace has 1"),
        ("state writes   : 0..3", "state writes   : 0..0", 4,
         "the recorded state does not fit the model: writes: 1 is not in 0..0"),
        ("  !psc_lock\n  writes == 0", "  psc_lock\n  writes == 0", 0,
         "the initial state does not satisfy init: psc_lock is false"),
        ("state psc_lock : bool", "state psc_lock : bool\nstate fresh : bool", 0,
         "the trace has no value for variable 'fresh' (new in the model?)"),
        ("require step[t] == consulted\n  step[t] := idle",
         "require step[t] == consulted\n  require writes < 0 || writes > 1\n  step[t] := idle",
         4, "host.write(t=Thread0) is not enabled: require writes < 0 || writes > 1 is false"),
        ("writes := writes + 1", "writes := writes + 4", 4,
         "host.write(t=Thread0) is not enabled: writes := writes + 4 would be 4, outside 0..3"),
        ("sort Thread", "sort Thread\nsort Asid", 0, "the instance no longer fits the model"),
    ],
)
def test_a_changed_model_names_the_first_step_that_no_longer_applies(
    step_cex: Trace, old: str, new: str, step: int, expected: str
):
    out = recheck(step_cex, variant(old, new))
    assert not out.ok and out.failed_step == step
    assert out.message.startswith(f"step {step}: {expected}"), out.message


def test_choose_and_forall_reasons(step_cex: Trace):
    old = "  require !psc_lock\n  assigned[p] := true"
    new = (
        "  require !psc_lock\n"
        "  forall t: Thread { choose q: Page where q != p { require step[t] != consulted } }\n"
        "  assigned[p] := true"
    )
    out = recheck(step_cex, variant(old, new))
    # one page: no q differs from p
    assert out.failed_step == 3
    assert "no q: Page satisfies choose q where q != p (for t=Thread0)" in out.message


def test_a_trace_that_replays_but_no_longer_violates_the_property(cex: Trace):
    model = variant("", "")
    text = PROPS.read_text().replace(
        "step[t] == consulted -> !assigned[target[t]]", "step[t] == consulted -> true"
    )
    out = recheck(cex, model, parse_properties(text, model, str(PROPS)))
    assert not out.ok and out.failed_step == cex.length
    assert "now holds at the end" in out.message


def test_wrong_model_or_unknown_property_is_bad_input(cex: Trace):
    model = variant("model psc_vs_host_io", "model other")
    with pytest.raises(TraceError, match="for model 'psc_vs_host_io'"):
        recheck(cex, model)
    model = variant("", "")
    text = PROPS.read_text().replace("invariant write_only_shared", "invariant renamed")
    with pytest.raises(TraceError, match="does not define"):
        recheck(cex, model, parse_properties(text, model, str(PROPS)))


# --------------------------------------------------------------------- CLI


def test_cli_replay_exit_codes(step_cex: Trace, tmp_path: Path):
    trace = tmp_path / "t.json"
    itf.save(step_cex, trace)
    runner = CliRunner()
    ok = runner.invoke(cli, ["replay", str(trace), str(MODEL), str(PROPS)])
    assert ok.exit_code == 0, ok.output
    assert "4 step(s) replay" in ok.output and "still violated" in ok.output

    fixed = tmp_path / "fixed.rmp"
    fixed.write_text(MODEL.read_text().replace(*FIX))
    bad = runner.invoke(cli, ["replay", str(trace), str(fixed)])
    assert bad.exit_code == 1
    assert "step 3: guest.psc_to_private(p=Page0) is not enabled" in bad.output

    garbage = tmp_path / "garbage.json"
    garbage.write_text("{")
    for args in (
        [str(garbage), str(MODEL)],
        [str(tmp_path / "missing.json"), str(MODEL)],
        [str(trace), str(tmp_path / "missing.rmp")],
    ):
        res = runner.invoke(cli, ["replay", *args])
        assert res.exit_code == 2, res.output
        assert "Traceback" not in res.output
