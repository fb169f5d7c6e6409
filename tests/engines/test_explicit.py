"""The explicit engine: exhaustive proofs on an instance, shortest replayed traces, limits.

Every proof here has a twin that the same engine must refute, and every
symmetry-reduced answer is compared with the unreduced one.
"""

from __future__ import annotations

import itertools

import known_models as km
import pytest
from race_model import SMALL, race_obligation

from rmpcheck import ir
from rmpcheck.build import (
    BOOL,
    ModelBuilder,
    always,
    assign,
    choose,
    did,
    for_each,
    forall,
    invariant,
    map_of,
    once,
    properties,
    require,
    var,
)
from rmpcheck.engines import explicit
from rmpcheck.engines.base import Options
from rmpcheck.engines.symmetry import Symmetry, reducible_sorts
from rmpcheck.interp import Instance
from rmpcheck.monitor import compile_obligation


@pytest.mark.parametrize("symmetry", [True, False])
def test_race_with_lock_is_proved_for_the_instance(symmetry):
    r = explicit.check(race_obligation(), SMALL, Options(symmetry=symmetry))
    assert r.verdict == "proved"
    assert r.scope is not None and r.scope.kind == "instance"
    assert dict(r.scope.sizes) == SMALL
    assert r.certificate is not None and r.certificate.kind == "state-space"
    assert r.certificate.rechecked and "states explored" in r.certificate.detail
    assert r.stats["states"] > 0 and r.stats["transitions"] >= r.stats["states"] - 1


@pytest.mark.parametrize("symmetry", [True, False])
def test_race_without_lock_is_refuted_with_a_shortest_trace(symmetry):
    r = explicit.check(race_obligation(lock=False), SMALL, Options(symmetry=symmetry))
    assert r.verdict == "refuted"
    assert r.trace is not None and r.trace.kind == "counterexample"
    # translate, consult (page still shared), then the guest makes it private
    assert r.trace.length == 3
    assert [s.action for s in r.trace.steps[1:]] == [
        "host.translate",
        "host.consult_rmp",
        "guest.psc_to_private",
    ]
    last = r.trace.steps[-1].state
    bad = [t for t, st in last["step"].items() if st == "consulted"]
    assert bad and any(last["assigned"][last["target"][t]] for t in bad)


def test_cover_gives_a_shortest_witness_and_an_unreachable_cover_is_uncoverable():
    r = explicit.check(race_obligation("reach_write"), SMALL, Options())
    assert r.verdict == "covered" and r.trace is not None and r.trace.length == 2
    assert r.trace.kind == "witness"
    r2 = explicit.check(race_obligation("two_consulted"), SMALL, Options())
    assert r2.verdict == "uncoverable" and r2.certificate is not None
    # the same cover without the lock is reachable: the uncoverable answer is not vacuous
    r3 = explicit.check(race_obligation("two_consulted", lock=False), SMALL, Options())
    assert r3.verdict == "covered" and r3.trace is not None and r3.trace.length == 4


@pytest.mark.parametrize("name", sorted(km.FILES))
def test_known_models_proved_and_their_broken_twins_refuted(name):
    for symmetry in (True, False):
        opts = Options(symmetry=symmetry)
        good = explicit.check(km.obligation(name), km.SMALL[name], opts)
        assert good.verdict == "proved", (name, symmetry, good.describe())
        bad = explicit.check(km.obligation(name, broken=True), km.SMALL[name], opts)
        assert bad.verdict == "refuted", (name, symmetry, bad.describe())
        assert bad.trace is not None and bad.trace.length >= 1


def test_symmetry_shrinks_the_state_space_and_keeps_diameter_and_verdict():
    ob = race_obligation()
    sizes = {"Page": 4, "Thread": 3}
    full = explicit.check(ob, sizes, Options(symmetry=False))
    reduced = explicit.check(ob, sizes, Options(symmetry=True))
    assert full.verdict == reduced.verdict == "proved"
    assert reduced.stats["states"] < full.stats["states"] / 10
    assert reduced.stats["diameter"] == full.stats["diameter"]


def _orbit_count(inst: Instance, sym: Symmetry, states) -> int:
    perms = list(itertools.product(*(itertools.permutations(range(n)) for n in sym.sizes)))
    return len({min(sym.apply(s, p) for p in perms) for s in states})


@pytest.mark.parametrize("sizes", [{"Page": 3, "Thread": 2}, {"Page": 3, "Thread": 3}])
def test_representatives_are_exactly_one_per_orbit(sizes):
    ob = race_obligation()
    inst = Instance(ob.system, sizes)
    plain = explicit.explore(inst, ob, Options(symmetry=False), explicit.Deadline(None))
    sym = Symmetry(inst)
    reps = {sym.canon(s) for s in plain.states}
    assert len(reps) == _orbit_count(inst, sym, plain.states)
    reduced = explicit.explore(inst, ob, Options(symmetry=True), explicit.Deadline(None))
    assert len(reduced.states) == len(reps)


def test_canon_returns_a_member_of_the_orbit_with_its_permutation():
    ob = race_obligation(lock=False)
    inst = Instance(ob.system, {"Page": 3, "Thread": 3})
    space = explicit.explore(inst, ob, Options(symmetry=False), explicit.Deadline(None))
    sym = Symmetry(inst, (ob.target,))
    for s in space.states[::7]:
        rep, pi = sym.canon_perm(s)
        assert sym.apply(s, pi) == rep
        # the target is symmetric: the representative has the same verdict
        assert inst.holds(ob.target, rep) == inst.holds(ob.target, s)
        # and a renamed copy of s has the same representative (canonical here)
        sigma = ((2, 0, 1), (1, 2, 0))
        assert sym.canon(sym.apply(s, sigma)) == rep


def test_a_sort_compared_with_less_than_is_not_reduced():
    mb = ModelBuilder("ordered")
    node = mb.sort("Node")
    token = mb.state("token", node)
    n = var("n", node)
    mb.action("sys.pass", [n], require(ir_lt(n, token)), assign(token, n))
    model = mb.build()
    inst = Instance(model, {"Node": 3})
    assert reducible_sorts(inst) == []
    mb2 = ModelBuilder("unordered")
    node2 = mb2.sort("Node")
    token2 = mb2.state("token", node2)
    n2 = var("n", node2)
    mb2.action("sys.pass", [n2], require(n2 != token2), assign(token2, n2))
    assert [s.name for s in reducible_sorts(Instance(mb2.build(), {"Node": 3}))] == ["Node"]


def ir_lt(a, b):
    from rmpcheck.build import E

    return E(ir.BinOp("<", a.x, b.x, BOOL))


def _choosy(broken: bool):
    """A havoc under forall plus a step property with once: exercises choices and monitors
    in symmetric traces. Broken: the reset forgets to require the page was claimed."""
    mb = ModelBuilder("choosy")
    page = mb.sort("Page")
    owner = mb.sort("Owner")
    own = mb.state("own", map_of(page, owner))
    claimed = mb.state("claimed", map_of(page, BOOL))
    p, o, q, c = var("p", page), var("o", owner), var("q", page), var("c", owner)
    mb.init(forall([p], ~claimed[p]))
    mb.action(
        "guest.claim", [p, o], require(~claimed[p]), assign(own[p], o), assign(claimed[p], True)
    )
    guard = [] if broken else [require(claimed[p])]
    mb.action("host.reset", [p], *guard, assign(claimed[p], False))
    mb.action("host.shuffle", [], for_each([q], choose(c, None, assign(own[q], c))))
    model = mb.build()
    props = properties(
        "choosy",
        always(
            "reset_after_claim", did("host.reset", p).implies(once(did("guest.claim", p, None)))
        ),
        invariant("trivial", forall([q], claimed[q] | ~claimed[q])),
    )
    return model, props


def test_symmetric_traces_with_choices_and_monitors_replay():
    model, props = _choosy(broken=True)
    ob = compile_obligation(model, props, "reset_after_claim")
    for symmetry in (True, False):
        r = explicit.check(ob, {"Page": 2, "Owner": 2}, Options(symmetry=symmetry))
        assert r.verdict == "refuted" and r.trace is not None
        assert r.trace.steps[-1].action == "host.reset"
        assert r.trace.length == 1
    good_model, good_props = _choosy(broken=False)
    ob = compile_obligation(good_model, good_props, "reset_after_claim")
    for symmetry in (True, False):
        r = explicit.check(ob, {"Page": 2, "Owner": 2}, Options(symmetry=symmetry))
        assert r.verdict == "proved", r.describe()


def test_state_limit_gives_unknown_never_proved():
    r = explicit.check(
        race_obligation(),
        {"Page": 3, "Thread": 2},
        Options(symmetry=False, extra={"max_states": 50}),
    )
    assert r.verdict == "unknown" and "state limit" in r.reason
    assert r.certificate is None


def test_timeout_gives_unknown_never_proved():
    r = explicit.check(
        race_obligation(), {"Page": 5, "Thread": 3}, Options(symmetry=False, timeout_s=1e-9)
    )
    assert r.verdict == "unknown" and "timeout" in r.reason


def test_memory_error_gives_unknown(monkeypatch):
    def boom(*args, **kwargs):
        raise MemoryError

    inst_cls = explicit.Instance

    class Exhausted(inst_cls):  # type: ignore[misc, valid-type]
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            for code in self.actions:
                code.expand = boom

    monkeypatch.setattr(explicit, "Instance", Exhausted)
    r = explicit.check(race_obligation(), SMALL, Options(extra={"explicit.packed": False}))
    assert r.verdict == "unknown" and "memory" in r.reason


def test_memory_error_in_the_packed_search_gives_unknown(monkeypatch):
    from rmpcheck.engines.packed import step

    def boom(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(step.Stepper, "successors", boom)
    r = explicit.check(race_obligation(), SMALL, Options())
    assert r.stats["packed"] and r.verdict == "unknown" and "memory" in r.reason


def test_state_graph_has_every_state_and_marks_violations():
    ob = race_obligation(lock=False)
    g = explicit.state_graph(ob, SMALL, Options(symmetry=False))
    plain = explicit.explore(
        Instance(ob.system, SMALL),
        ob,
        Options(symmetry=False),
        explicit.Deadline(None),
        stop_at_hit=False,
    )
    assert g.number_of_nodes() == len(plain.states)
    assert g.number_of_edges() > 0 and g.graph["complete"]
    assert any(d["violates"] for _, d in g.nodes(data=True))
    assert any(d["initial"] for _, d in g.nodes(data=True))
    u, v, data = next(iter(g.edges(data=True)))
    assert data["action"] in {a.full_name for a in ob.model.actions}
    assert data["label"].startswith(data["action"] + "(")
    reduced = explicit.state_graph(ob, SMALL, Options(symmetry=True))
    assert reduced.number_of_nodes() < g.number_of_nodes()


def test_a_model_without_sorts_has_nothing_to_reduce():
    ob = km.obligation("peterson")
    r = explicit.check(ob, {}, Options(symmetry=True))
    assert r.verdict == "proved" and r.stats["symmetry"] is False
    assert isinstance(ob.model, ir.Model)
