"""``rmpcheck prove`` and ``rmpcheck simulate`` end to end: output, JSON, exit codes, bad input."""

from __future__ import annotations

import json

import click
import pytest
import race_text
from click.testing import CliRunner

from rmpcheck.cli import cli

GOOD = """\
properties for race
invariant write_only_shared:
  forall t: Thread. step[t] == consulted -> !assigned[target[t]]
always safe_write: host.write(t) -> !assigned[target[t]] && once host.consult_rmp(t)
cover reach_write: exists t: Thread. step[t] == consulted
"""

BAD = GOOD + "invariant never_assigned: forall p: Page. !assigned[p]\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "race.rmp").write_text(race_text.TEXT)
    (tmp_path / "good.prop").write_text(GOOD)
    (tmp_path / "bad.prop").write_text(BAD)
    # the broken design: the guest ignores the lock
    (tmp_path / "broken.rmp").write_text(race_text.broken())
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(cli, list(args))


def test_all_proved_or_covered_exits_0_with_table_and_certificates(files):
    r = run("prove", str(files / "race.rmp"), str(files / "good.prop"), "--engine", "explicit")
    assert r.exit_code == 0, r.output
    assert "race (Page=2, Thread=2), engine explicit" in r.output
    assert "write_only_shared  invariant  proved for Page=2, Thread=2" in r.output
    assert "covered (trace of 2 steps)" in r.output
    assert "certificate (state-space, re-checked)" in r.output
    assert "reach_write: witness" in r.output


def test_a_refutation_exits_1_and_prints_its_trace(files):
    r = run("prove", str(files / "race.rmp"), str(files / "bad.prop"), "--engine", "explicit")
    assert r.exit_code == 1, r.output
    assert "never_assigned: counterexample" in r.output
    assert "psc_to_private(p=Page" in r.output
    assert "never_assigned is violated at step 1" in r.output


def test_the_broken_design_is_refuted_by_the_default_portfolio(files):
    r = run("prove", str(files / "broken.rmp"), str(files / "good.prop"), "-p", "write_only_shared")
    assert r.exit_code == 1, r.output
    assert "refuted (trace of 3 steps)" in r.output


def test_the_fixed_design_is_proved_by_the_default_portfolio(files):
    r = run("prove", str(files / "race.rmp"), str(files / "good.prop"), "-p", "write_only_shared")
    assert r.exit_code == 0, r.output
    # the portfolio's inductive engine proves it for every size, lemmas inferred
    assert "proved for all sizes" in r.output and "re-checked" in r.output


def test_bounded_safe_is_not_a_proof(files):
    r = run(
        "prove",
        str(files / "race.rmp"),
        str(files / "good.prop"),
        "--engine",
        "bmc",
        "--depth",
        "3",
        "-p",
        "write_only_shared",
    )
    assert r.exit_code == 1, r.output
    assert "no violation up to depth 3" in r.output


def test_json_document(files):
    r = run(
        "prove",
        str(files / "race.rmp"),
        str(files / "bad.prop"),
        "--engine",
        "explicit",
        "--json",
        "--size",
        "Page=3",
        "--no-symmetry",
    )
    assert r.exit_code == 1
    doc = json.loads(r.output)
    assert doc["sizes"] == {"Page": 3, "Thread": 2} and doc["exit_code"] == 1
    by = {x["property"]: x for x in doc["results"]}
    assert by["write_only_shared"]["verdict"] == "proved"
    assert by["write_only_shared"]["scope"] == {
        "kind": "instance",
        "sizes": {"Page": 3, "Thread": 2},
        "depth": None,
    }
    assert by["write_only_shared"]["certificate"]["kind"] == "state-space"
    assert by["write_only_shared"]["stats"]["symmetry"] is False
    assert by["never_assigned"]["verdict"] == "refuted"
    trace = by["never_assigned"]["trace"]
    assert isinstance(trace, dict) and len(trace["states"]) == 2


def test_timeout_gives_unknown_and_exit_1(files):
    r = run(
        "prove",
        str(files / "race.rmp"),
        str(files / "good.prop"),
        "--engine",
        "explicit",
        "--size",
        "Page=6",
        "--size",
        "Thread=3",
        "--no-symmetry",
        "--timeout",
        "0.01",
        "-p",
        "write_only_shared",
    )
    assert r.exit_code == 1, r.output
    assert "unknown: timeout" in r.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "Page=x"], "the size of Page must be a positive integer"),
        (["--size", "Page"], "is not of the form Sort=N"),
        (["--size", "Pag=2"], "has no sort 'Pag'; did you mean 'Page'?"),
        (["-p", "write_only_share"], "did you mean 'write_only_shared'?"),
        (["--instance", "big"], "no instance named 'big'"),
        (["--engine", "magic"], "Invalid value for '--engine'"),
    ],
)
def test_bad_input_exits_2_with_a_located_message(files, args, message):
    r = run("prove", str(files / "race.rmp"), str(files / "good.prop"), *args)
    assert r.exit_code == 2, r.output
    assert message in r.output


def test_errors_in_files_exit_2(files):
    (files / "typo.prop").write_text("properties for race\ninvariant x: forall t: Thread. stp[t]\n")
    r = run("prove", str(files / "race.rmp"), str(files / "typo.prop"))
    assert r.exit_code == 2
    assert "typo.prop:2:" in r.output


def test_without_arguments_prove_runs_the_gate_which_needs_a_config(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no pyproject.toml here: nothing configured
    r = run("prove")
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output and r.output.strip()


def test_model_without_props_is_a_usage_error(files):
    r = run("prove", str(files / "race.rmp"))
    assert r.exit_code == 2 and "missing PROPS" in r.output


def test_help_documents_exit_codes():
    r = run("prove", "--help")
    assert r.exit_code == 0
    assert "bounded-safe" in r.output and "0  every claim is proved or covered" in r.output


def test_simulate_walks_and_stops_at_a_violation(files):
    ok = run("simulate", str(files / "race.rmp"), str(files / "good.prop"), "--steps", "15",
             "--seed", "0")
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("seed: 0\n")
    assert "random walk of 15 step(s), seed 0" in ok.output
    bad = run("simulate", str(files / "race.rmp"), str(files / "bad.prop"), "--steps", "50")
    assert bad.exit_code == 1, bad.output
    assert "never_assigned is violated" in bad.output


def seed_of(output: str) -> int:
    first = output.splitlines()[0]
    assert first.startswith("seed: "), output
    return int(first.removeprefix("seed: "))


def test_simulate_draws_a_seed_per_run_and_the_printed_seed_repeats_the_walk(files):
    args = ("simulate", str(files / "race.rmp"), str(files / "good.prop"), "--steps", "30")
    walks = [run(*args) for _ in range(4)]
    assert all(w.exit_code == 0 for w in walks), walks[0].output
    seeds = {seed_of(w.output) for w in walks}
    assert len(seeds) > 1  # four draws below 2**32 all equal: practically never
    # the seed a run printed takes the same walk again, step for step
    first = walks[0]
    again = run(*args, "--seed", str(seed_of(first.output)))
    assert again.output == first.output
    other = next(w for w in walks if seed_of(w.output) != seed_of(first.output))
    assert other.output != first.output


def test_simulate_without_properties_and_with_sizes(files):
    r = run("simulate", str(files / "race.rmp"), "--steps", "4", "--seed", "7", "--size", "Page=3")
    assert r.exit_code == 0, r.output
    assert "instance Page=3, Thread=2" in r.output
    r = run("simulate", str(files / "race.rmp"), "--size", "Thread=0")
    assert r.exit_code == 2


def test_trace_dir_writes_each_refutation_in_each_format(files):
    out = files / "traces"
    r = run(
        "prove",
        str(files / "race.rmp"),
        str(files / "bad.prop"),
        "--engine",
        "explicit",
        "--trace-dir",
        str(out),
        "--trace-format",
        "json,text,html",
    )
    assert r.exit_code == 1, r.output
    names = sorted(p.name for p in out.iterdir())
    # the refutation and the cover's witness, each in three formats
    assert "race.never_assigned.itf.json" in names
    assert "race.never_assigned.txt" in names
    assert "race.reach_write.html" in names
    assert "psc_to_private" in (out / "race.never_assigned.txt").read_text()
    # it says what it wrote, and each trace names both files it came from
    assert f"wrote {len(names)} trace file(s) to {out}:" in r.output
    assert all(f"  {out / n}" in r.output for n in names)
    from rmpcheck.trace import itf

    saved = itf.load(out / "race.never_assigned.itf.json")
    assert saved.model_file == str(files / "race.rmp")
    assert saved.property_file == str(files / "bad.prop")


def test_a_bad_trace_format_is_refused_before_proving(files):
    r = run(
        "prove",
        str(files / "race.rmp"),
        str(files / "good.prop"),
        "--trace-dir",
        str(files / "t"),
        "--trace-format",
        "json,pdf",
    )
    assert r.exit_code == 2
    assert "unknown trace format 'pdf'" in r.output
    assert not (files / "t").exists()


BUSY = """\
properties for race
cover busy: (exists t: Thread. step[t] != idle)
  && ((exists p: Page. assigned[p]) || (exists t: Thread. step[t] == consulted))
"""


def test_prefer_actors_shows_an_equally_short_witness_with_fewer_actors(files):
    (files / "busy.prop").write_text(BUSY)
    args = ["prove", str(files / "race.rmp"), str(files / "busy.prop"), "-e", "explicit"]
    args.append("--no-deadlock")
    plain = json.loads(run(*args, "--json").output)["results"][0]
    r = run(*args, "--json", "--prefer", "actors")
    assert r.exit_code == 0, r.output
    (res,) = json.loads(r.output)["results"]
    assert res["verdict"] == plain["verdict"] == "covered"
    actors = {s["#meta"].get("actor") for s in res["trace"]["states"]} - {None}
    assert actors == {"host"}
    assert len(res["trace"]["states"]) == len(plain["trace"]["states"])
    assert res["stats"]["prefer"] == "fewer actors: 1 (was 2)"
    text = run(*args, "--prefer", "actors", "--prefer", "changes").output
    assert "--prefer: fewer actors: 1 (was 2)" in text


def test_prefer_is_documented_and_checked(files):
    out = run("prove", "--help").output
    assert "--prefer [actors|changes]" in out and "--prefer-budget S" in out
    r = run("prove", str(files / "race.rmp"), str(files / "good.prop"), "--prefer", "colour")
    assert r.exit_code == 2 and "colour" in r.output
    gate = run("prove", "--prefer", "actors")
    assert gate.exit_code == 2 and "--prefer apply to one MODEL/PROPS pair" in gate.output


def test_prefer_choices_are_the_criteria_simplify_knows():
    from rmpcheck.cli.prove import prove
    from rmpcheck.trace.simplify import CRITERIA

    (opt,) = [p for p in prove.params if p.name == "prefs"]
    assert isinstance(opt.type, click.Choice)
    assert list(opt.type.choices) == list(CRITERIA)


def test_our_bug_is_exit_3_with_one_line_and_no_traceback(files, monkeypatch):
    from rmpcheck import api

    def broken(*args, **kwargs):
        raise RuntimeError("an engine bug")

    monkeypatch.setattr(api, "prove", broken)
    r = run("prove", str(files / "race.rmp"), str(files / "good.prop"))
    assert r.exit_code == 3, r.output
    assert "internal error (please report it" in r.output
    assert "RuntimeError: an engine bug" in r.output
    assert "Traceback" not in r.output
    monkeypatch.setenv("RMPCHECK_DEBUG", "1")
    r = run("prove", str(files / "race.rmp"), str(files / "good.prop"))
    assert r.exit_code == 3 and "Traceback" in r.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "Page=" + "9" * 5000], "the size of Page is 999999999999... (5000 digits)"),
        (["--size", "Page=100000"], "at most 10,000"),
        (["--size", "Page=²"], "must be a positive integer"),
        (["--timeout", "nan"], "must be a finite number of seconds"),
        (["--timeout", "1e400"], "must be a finite number of seconds"),
        (["--timeout", "0"], "must be between 0.01 and"),
        (["--memory", "1"], "must be between 256 and"),
        (["--memory", "9" * 40], "is not a whole number of megabytes"),
    ],
)
def test_limits_and_sizes_out_of_bounds_are_bad_options(files, args, message):
    r = run("prove", str(files / "race.rmp"), str(files / "good.prop"), *args)
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


def test_wording_a_cover_not_reached_one_step_and_no_internal_names(files):
    r = run("prove", str(files / "race.rmp"), str(files / "good.prop"), "-e", "bmc",
            "--depth", "1", "-p", "reach_write")
    assert "not reached up to depth 1 (Page=2, Thread=2)" in r.output
    assert "no violation" not in r.output
    one = "properties for race\ncover one: exists p: Page. assigned[p]\n"
    (files / "one.prop").write_text(one)
    r = run("prove", str(files / "race.rmp"), str(files / "one.prop"), "-e", "bmc")
    assert "covered (trace of 1 step)" in r.output
    for engine in ("inductive", "pdr", "kind"):
        r = run("prove", str(files / "race.rmp"), str(files / "good.prop"), "-e", engine,
                "-p", "safe_write")
        assert "__" not in r.output, r.output
    r = run("prove", str(files / "race.rmp"), str(files / "good.prop"), "-e", "inductive",
            "-p", "safe_write")
    assert "(safe_write held at the last step)" in r.output


def test_a_trace_at_other_sizes_than_the_table_says_at_which(files):
    from rmpcheck.cli.report import verdict_text
    from rmpcheck.result import Result, Scope
    from rmpcheck.trace.model import Trace

    trace = Trace.__new__(Trace)
    object.__setattr__(trace, "steps", ())
    r = Result("race", "x", "invariant", "refuted", "inductive",
               scope=Scope("instance", (("Page", 1), ("Thread", 1))), trace=trace)
    assert verdict_text(r, {"Page": 2, "Thread": 2}).startswith("refuted at Page=1, Thread=1 (")
    assert verdict_text(r, {"Page": 1, "Thread": 1}).startswith("refuted (")
