"""Symmetry reduction must lose no reachable state, and bulk updates must not depend on order.

The reference check is exact, independent of any property: the orbits of the
representatives that explicit search stores with symmetry must be exactly the
states it reaches without. Random models here are biased towards the one
construct that once broke that: a ``forall`` statement whose writes do not
name the bound variable (every element writes one location). The checker
rejects those whose result depends on the elements' order; the symmetry guard
must still keep the reduction sound for such a model built in Python, where no
checker runs.
"""

from __future__ import annotations

from itertools import permutations, product

import pytest
from hypothesis import HealthCheck, assume, event, given, note, settings
from hypothesis import strategies as st
from profiles import examples
from strategies import Ctx, _targets, exprs, models, stmts

from rmpcheck import ir
from rmpcheck.bulk import order_dependent_writes
from rmpcheck.engines import registry
from rmpcheck.engines import symmetry as symmetry_mod
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.engines.explicit import explore
from rmpcheck.errors import EngineError, ModelError
from rmpcheck.interp import Instance
from rmpcheck.lang import parse_model, parse_properties
from rmpcheck.lang.pretty import model_to_text
from rmpcheck.monitor import compile_obligation

# The reproduction: 'flag' is the mark of the last page in index order.
LAST_WINS = """\
model sym
sort Page
state mark : Page -> bool
state flag : bool
state done : bool
init { forall p: Page. !mark[p]  !flag  !done }
actor a
action a.setmark(p: Page) { require !done  mark[p] := true }
action a.y() { require !done  forall r: Page { flag := mark[r] }  done := true }
instance small { Page = 2 }
"""
LAST_WINS_PROPS = """\
properties for sym
invariant flag_means_marked: done -> (flag == (exists r: Page. mark[r]))
"""

MAX_RAW_STATES = 4_000


def test_the_checker_rejects_a_last_writer_wins_forall():
    with pytest.raises(ModelError) as e:
        parse_model(LAST_WINS, "sym.rmp")
    (d,) = e.value.diagnostics
    assert (d.span.line, d.span.col) == (9, 48)
    assert "depend on the order of the elements" in d.message


@pytest.mark.parametrize(
    "body",
    [
        "forall q: Page, r: Page { m[q] := mark[r] }",
        "forall r: Page { choose b: bool { flag := b } }",
        "forall r: Page { if mark[r] { flag := true } else { flag := false } }",
        "forall r: Page { m[r] := false  m[pick] := true }",
    ],
)
def test_every_order_dependent_shape_is_rejected(body):
    text = LAST_WINS.replace(
        "state done : bool", "state done : bool\nstate m : Page -> bool\nstate pick : Page"
    ).replace("forall r: Page { flag := mark[r] }", body)
    with pytest.raises(ModelError, match="order of the elements"):
        parse_model(text, "shape.rmp")


@pytest.mark.parametrize(
    "body",
    [
        "forall r: Page { if mark[r] { flag := true } }",  # an 'exists': every writer agrees
        "forall q: Page, r: Page { if mark[r] { m[q] := true } }",
        "forall r: Page { m[r] := mark[r]  flag := true }",
        "forall q: Page { forall r: Page { n[q, r] := mark[r] } }",
    ],
)
def test_order_free_bulk_updates_are_accepted(body):
    text = LAST_WINS.replace(
        "state done : bool",
        "state done : bool\nstate m : Page -> bool\nstate n : Page, Page -> bool",
    ).replace("forall r: Page { flag := mark[r] }", body)
    parse_model(text, "free.rmp")


def _unchecked_last_wins() -> tuple[ir.Model, ir.PropertySet]:
    """The repro's IR, as a Python builder (which runs no checker) would make it."""
    fine = parse_model(LAST_WINS.replace("{ flag := mark[r] }", "{ if mark[r] { flag := true } }"))
    y = next(a for a in fine.actions if a.name == "y")
    bulk = next(s for s in y.body if isinstance(s, ir.ForallStmt))
    (r,) = bulk.vars
    mark = next(d for d in fine.state if d.name == "mark")
    flag = next(d for d in fine.state if d.name == "flag")
    last_wins = ir.ForallStmt((r,), (ir.Assign(flag.ref(), (), ir.Select(mark.ref(), (r,))),))
    body = tuple(last_wins if s is bulk else s for s in y.body)
    actions = tuple(
        ir.Action(a.actor, a.name, a.params, body, a.doc) if a is y else a for a in fine.actions
    )
    model = ir.Model(
        fine.name, fine.doc, fine.sorts, fine.enums, fine.state, fine.init, fine.actors,
        actions, fine.instances,
    )  # fmt: skip
    return model, parse_properties(LAST_WINS_PROPS, model)


def test_symmetry_is_not_applied_to_an_order_dependent_sort():
    model, props = _unchecked_last_wins()
    assert order_dependent_writes(model.actions[1].body)
    ob = compile_obligation(model, props, "flag_means_marked", use_lemmas=False)
    inst = Instance(ob.system, {"Page": 2})
    assert symmetry_mod.reducible_sorts(inst) == []
    r = registry.run("explicit", ob, {"Page": 2}, Options())
    assert r.verdict == "refuted", r.describe()


def test_without_the_guard_the_reduction_would_prove_the_false_claim(monkeypatch):
    # the guard is what makes the difference: this is the bug the tests above pin
    model, props = _unchecked_last_wins()
    ob = compile_obligation(model, props, "flag_means_marked", use_lemmas=False)
    monkeypatch.setattr(symmetry_mod, "order_dependent_sorts", lambda m: {})
    r = registry.run("explicit", ob, {"Page": 2}, Options())
    assert r.verdict == "proved"


# ------------------------------------------------------------------ differential


@st.composite
def bulk_models(draw: st.DrawFn) -> ir.Model:
    """A random model with one more action: a forall over a sort whose body writes."""
    model = draw(models(max_state=3, max_actions=2))
    ctx = Ctx(list(model.sorts), list(model.enums), list(model.state))
    assume(_targets(ctx))
    sort = draw(st.sampled_from(list(model.sorts)))
    x = ctx.fresh(sort)
    inner = ctx.with_bound(x)
    body = draw(stmts(inner, depth=1, max_size=2))
    if draw(st.booleans()):
        # a write that names no bound variable, its value often reading x
        d = draw(st.sampled_from(_targets(ctx)))
        keys = ()
        if isinstance(d.type, ir.MapType):
            keys = tuple(draw(exprs(inner, k, 1)) for k in d.type.keys)
        value = draw(exprs(inner, ir.scalar_types(d.type)[-1], 1, fit=True))
        body = (*body, ir.Assign(d.ref(), keys, value))
    actor = model.actors[0].name
    bulk = ir.Action(actor, "bulk", (), (ir.ForallStmt((x,), body),))
    # two or three elements per sort: with one, there is nothing to reduce
    sizes = tuple((s.name, draw(st.integers(2, 3))) for s in model.sorts)
    return ir.Model(
        model.name, model.doc, model.sorts, model.enums, model.state, model.init,
        model.actors, (*model.actions, bulk), (ir.Instance("small", sizes),),
    )  # fmt: skip


def _orbit_closure(sym: symmetry_mod.Symmetry, reps: list) -> set:
    perms = list(product(*(permutations(range(n)) for n in sym.sizes)))
    return {sym.apply(s, tuple(p)) for s in reps for p in perms}


@settings(
    max_examples=examples(120),
    deadline=None,
    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(bulk_models())
def test_symmetry_loses_no_state_of_models_with_bulk_writes(model):
    props = ir.PropertySet(model.name, (ir.Property("invariant", "t", ir.BoolLit(True), ()),))
    ob = compile_obligation(model, props, "t", use_lemmas=False)
    try:
        inst = Instance(ob.system, dict(model.instances[0].sizes))
    except EngineError:
        assume(False)
    raw = 1
    for d in inst.decls:
        raw *= inst.sizes.count(d.type)
    assume(raw <= MAX_RAW_STATES)
    dependent = bool(order_dependent_writes(model.actions[-1].body))
    event(f"order-dependent writes: {dependent}")
    note(model_to_text(model))

    full = explore(inst, ob, Options(symmetry=False), Deadline(None), stop_at_hit=False)
    reduced = explore(inst, ob, Options(), Deadline(None), stop_at_hit=False)
    assert not full.stopped and not reduced.stopped
    if reduced.symmetry is None:
        assert len(reduced.states) == len(full.states)
        return
    event("symmetry active")
    assert _orbit_closure(reduced.symmetry, reduced.states) == set(full.states)

    # the checker and the guard agree: what the guard distrusts, check rejects
    if dependent:
        with pytest.raises(ModelError, match="order of the elements"):
            parse_model(model_to_text(model), "random.rmp")
