"""`rmpcheck cti`: the CTI, whether it is reachable, and --infer --write."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from rmpcheck.cli import cli
from rmpcheck.engines import inductive
from rmpcheck.engines.base import Options
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation

HERE = Path(__file__).resolve().parents[1] / "models" / "parametric"


def run(*args: str):
    return CliRunner().invoke(cli, ["cti", *map(str, args)])


def test_unreachable_cti_asks_for_a_lemma():
    r = run(HERE / "race.rmp", HERE / "race.prop", "-p", "write_only_shared")
    assert r.exit_code == 1, r.output
    assert "counterexample to induction: guest.psc_to_private breaks write_only_shared" in r.output
    assert "unreachable at Page=1, Thread=1" in r.output
    assert "a lemma must exclude this state" in r.output


def test_reachable_cti_is_a_real_bug_with_its_trace():
    r = run(HERE / "race_broken.rmp", HERE / "race.prop", "-p", "write_only_shared", "--depth", "8")
    assert r.exit_code == 1, r.output
    assert "reachable:" in r.output and "a real bug" in r.output
    assert "is violated after 3 step(s)" in r.output


def test_inductive_with_lemmas_says_proved():
    r = run(HERE / "voting.rmp", HERE / "voting.prop", "-p", "agreement")
    assert r.exit_code == 0, r.output
    assert "agreement: proved for all sizes (certificate re-checked by a fresh solver)" in r.output


def test_infer_writes_lemmas_that_prove_the_claim(tmp_path):
    out = tmp_path / "race_inferred.prop"
    r = run(
        HERE / "race.rmp", HERE / "race.prop", "-p", "write_only_shared", "--infer", "--write", out
    )
    assert r.exit_code == 0, r.output
    text = out.read_text()
    assert text.startswith("properties for race") and "lemma write_only_shared_lemma_1:" in text
    # read back and proved with the written lemmas alone (no inference this time)
    m = load_model(HERE / "race.rmp")
    ob = compile_obligation(m, load_properties(out, m), "write_only_shared")
    assert len(ob.lemmas) >= 2
    res = inductive.check(ob, {}, Options(extra={"infer": False}))
    assert res.verdict == "proved" and res.stats["lemmas_inferred"] == 0


def test_infer_appends_to_the_property_file_itself(tmp_path):
    props = tmp_path / "race.prop"
    props.write_text("# the claim of DESIGN.md\n" + (HERE / "race.prop").read_text())
    args = (HERE / "race.rmp", props, "-p", "write_only_shared", "--infer", "--write", props)
    assert run(*args).exit_code == 0
    text = props.read_text()
    assert text.startswith("# the claim of DESIGN.md\n")  # the file's own text stays
    assert "lemma write_only_shared_lemma_1:" in text and "# inferred for write_only_shared" in text
    # the lemmas now prove it: nothing new is inferred, nothing is written twice
    again = run(*args)
    assert again.exit_code == 0 and "0 lemma(s) inferred" in again.output
    assert props.read_text() == text


def test_bad_input_exits_2():
    r = run(HERE / "race.rmp", HERE / "race.prop", "-p", "nope")
    assert r.exit_code == 2 and "no property 'nope'" in r.output
    r = run(HERE / "race.rmp", HERE / "race.prop", "-p", "write_only_shared", "--write", "x.prop")
    assert r.exit_code == 2
