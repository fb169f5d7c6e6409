"""The public API: prove() over a property set, sizes, selection, lemmas, lazy imports."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace

import pytest
import race_text

import rmpcheck
from rmpcheck import api, ir
from rmpcheck.build import (
    BOOL,
    ModelBuilder,
    assign,
    assume,
    cover,
    invariant,
    lemma,
    properties,
    require,
    var,
)
from rmpcheck.engines import registry
from rmpcheck.engines.base import Options
from rmpcheck.errors import ConfigError
from rmpcheck.result import Result

RACE = race_text.edited(
    "instance small { Page = 2, Thread = 2 }", "instance model_default { Page = 3, Thread = 2 }"
)

PROPS = """\
properties for race
invariant write_only_shared:
  forall t: Thread. step[t] == consulted -> !assigned[target[t]]
cover reach_write: exists t: Thread. step[t] == consulted
invariant never_assigned: forall p: Page. !assigned[p]
instance props_default { Page = 2, Thread = 2 }
instance wide { Page = 4, Thread = 1 }
"""


@pytest.fixture
def race(tmp_path):
    m, p = tmp_path / "race.rmp", tmp_path / "race.prop"
    m.write_text(RACE)
    p.write_text(PROPS)
    return m, p


def test_prove_from_paths_gives_one_result_per_claim_in_file_order(race):
    results = api.prove(*race, engine="explicit")
    assert [r.property for r in results] == ["write_only_shared", "reach_write", "never_assigned"]
    assert [r.verdict for r in results] == ["proved", "covered", "refuted"]
    # the property file's first instance block wins over the model's
    assert dict(results[0].scope.sizes) == {"Page": 2, "Thread": 2}
    assert all(r.engine == "explicit" for r in results)


def test_property_selection_and_did_you_mean(race):
    model = api.load_model(race[0])
    props = api.load_properties(race[1], model)
    only = api.prove(model, props, property="reach_write", engine="explicit")
    assert [r.property for r in only] == ["reach_write"]
    with pytest.raises(ConfigError, match="did you mean 'write_only_shared'"):
        api.prove(model, props, property=["write_only_share"], engine="explicit")


def test_sizes_named_instance_and_overrides(race):
    model = api.load_model(race[0])
    props = api.load_properties(race[1], model)
    assert api.resolve_sizes(model, props) == {"Page": 2, "Thread": 2}
    assert api.resolve_sizes(model, props, instance="wide") == {"Page": 4, "Thread": 1}
    assert api.resolve_sizes(model, props, instance="model_default") == {"Page": 3, "Thread": 2}
    assert api.resolve_sizes(model, props, {"Page": 5}) == {"Page": 5, "Thread": 2}
    assert api.resolve_sizes(model, None) == {"Page": 3, "Thread": 2}
    with pytest.raises(ConfigError, match="did you mean 'wide'"):
        api.resolve_sizes(model, props, instance="wid")
    with pytest.raises(ConfigError, match="unknown sort 'Pages'"):
        api.resolve_sizes(model, props, {"Pages": 2})
    r = api.prove(model, props, property="write_only_shared", engine="explicit", sizes={"Page": 3})
    assert dict(r[0].scope.sizes) == {"Page": 3, "Thread": 2}


def test_missing_sizes_ask_for_size_option():
    mb = ModelBuilder("bare")
    page = mb.sort("Page")
    flag = mb.state("flag", ir.MapType((page,), BOOL))
    p = var("p", page)
    mb.action("guest.set", [p], assign(flag[p], True))
    model = mb.build()
    props = properties("bare", invariant("true", ir.BoolLit(True)))
    with pytest.raises(ConfigError, match="--size Page=3"):
        api.prove(model, props, engine="explicit")
    assert api.prove(model, props, engine="explicit", sizes={"Page": 1})[0].verdict == "proved"


def test_unknown_engine_lists_the_valid_ones(race):
    with pytest.raises(ConfigError, match="unknown engine 'magic'") as err:
        api.prove(*race, engine="magic")
    for name in ("bmc", "kind", "pdr", "explicit", "auto", *registry.ENGINES):
        assert name in str(err.value)


def _counter_model():
    mb = ModelBuilder("counter")
    x = mb.state("x", BOOL)
    y = mb.state("y", BOOL)
    mb.init(~x, ~y)
    mb.action("env.set_x", [], require(~y), assign(x, True))
    mb.action("env.set_y", [], assign(y, True))
    return mb.build(), x, y


def test_assumptions_are_not_claims_and_restrict_runs():
    model, x, y = _counter_model()
    props = properties(
        "counter",
        assume("no_y", ~y),
        invariant("x_stays_false", ~x),
        cover("y_set", y),
    )
    results = api.prove(model, props, engine="explicit")
    assert [r.property for r in results] == ["x_stays_false", "y_set"]
    assert results[0].verdict == "refuted"  # set_x is possible since y never gets set
    assert results[1].verdict == "uncoverable"  # the assumption rules y out
    with pytest.raises(ConfigError, match="assumption, not a claim"):
        api.prove(model, props, property="no_y", engine="explicit")


def test_a_claim_proved_with_a_false_lemma_is_proved_again_without_it(monkeypatch):
    """Using lemmas is sound only when they all hold: an engine that 'proves' everything
    when lemmas are present must not get its proof through when a lemma is false."""
    model, x, y = _counter_model()
    props = properties(
        "counter",
        lemma("bogus", ~y),  # false: set_y is always enabled
        invariant("claim", ~x | x),
    )

    def lemma_happy(ob, sizes, opts):
        verdict = "proved" if ob.lemmas else "unknown"
        if ob.prop.kind == "lemma":  # lemmas themselves are checked honestly
            return registry.resolve("explicit")(ob, sizes, opts)
        return Result(ob.model.name, ob.prop.name, ob.prop.kind, verdict, "fake")

    monkeypatch.setitem(registry.ENGINES, "fake", f"{__name__}:_unused")
    monkeypatch.setattr(registry, "resolve", _resolver(lemma_happy))
    results = {r.property: r for r in api.prove(model, props, engine="fake")}
    assert results["bogus"].verdict == "refuted"
    assert results["claim"].verdict == "unknown"  # re-run without the lemma


def _resolver(fake):
    real = registry.resolve

    def resolve(engine):
        return fake if engine == "fake" else real(engine)

    return resolve


def test_true_lemma_keeps_the_proof(monkeypatch):
    model, x, y = _counter_model()
    props = properties("counter", lemma("bool", y | ~y), invariant("claim", ~x | x))

    def lemma_happy(ob, sizes, opts):
        if ob.prop.kind == "lemma":
            return registry.run("explicit", ob, sizes, opts)
        return Result(
            ob.model.name, ob.prop.name, ob.prop.kind, "proved" if ob.lemmas else "unknown", "fake"
        )

    monkeypatch.setattr(registry, "resolve", _resolver(lemma_happy))
    monkeypatch.setitem(registry.ENGINES, "fake", f"{__name__}:_unused")
    results = {r.property: r for r in api.prove(model, props, engine="fake")}
    assert results["claim"].verdict == "proved"


def test_engine_error_becomes_unknown_with_the_reason(monkeypatch):
    from rmpcheck.errors import EngineError

    model, x, y = _counter_model()
    props = properties("counter", invariant("claim", ~x | x))

    def refuses(ob, sizes, opts):
        raise EngineError("outside the fragment this engine handles")

    monkeypatch.setitem(registry.ENGINES, "fake", f"{__name__}:_unused")
    monkeypatch.setattr(registry, "resolve", _resolver(refuses))
    (r,) = api.prove(model, props, engine="fake")
    assert r.verdict == "unknown" and "outside the fragment" in r.reason


def test_options_reach_the_engine(race):
    (r,) = api.prove(
        *race,
        property="write_only_shared",
        engine="explicit",
        options=replace(Options(), symmetry=False),
    )
    assert r.stats["symmetry"] is False


def test_package_exports_are_lazy_and_do_not_import_z3():
    code = (
        "import sys, rmpcheck\n"
        "assert 'rmpcheck.lang' not in sys.modules\n"
        "from rmpcheck import prove, load_model, load_properties, Result, Trace, Options\n"
        "assert 'z3' not in sys.modules, 'z3 imported by the public API'\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
    assert rmpcheck.prove is api.prove
    with pytest.raises(AttributeError):
        rmpcheck.no_such_thing  # noqa: B018
