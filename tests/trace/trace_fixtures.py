"""Real traces for the trace tests: DESIGN.md's race, searched on the interpreter.

The model is tests/trace/data/race.rmp and its properties race.prop. Traces
come from a breadth-first search over rmpcheck.interp and trace_of_run (the
path every engine's traces take), so exporters are tested on what engines
hand them.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from pathlib import Path

from rmpcheck import ir
from rmpcheck.interp import Instance
from rmpcheck.lang import load_model, load_properties, parse_model, parse_properties
from rmpcheck.monitor import Obligation, compile_obligation
from rmpcheck.trace.model import Trace
from rmpcheck.trace.replay import trace_of_run
from rmpcheck.trace.simplify import shortest_run

DATA = Path(__file__).parent / "data"
MODEL = DATA / "race.rmp"
PROPS = DATA / "race.prop"
SIZES = {"Page": 1, "Thread": 1}

# the fix: the guest may not take a page private while a host write is pending
FIX = (
    "  require !psc_lock\n  assigned[p] := true",
    "  require !psc_lock\n  require forall t: Thread. step[t] != consulted\n  assigned[p] := true",
)


def race_model() -> ir.Model:
    return load_model(MODEL)


def race_properties(model: ir.Model) -> ir.PropertySet:
    return load_properties(PROPS, model)


def variant(old: str, new: str, name: str = "race_variant.rmp") -> ir.Model:
    """The race model with one piece of text replaced (a model that changed)."""
    text = MODEL.read_text()
    assert old in text, old
    return parse_model(text.replace(old, new), str(DATA / name))


def variant_properties(model: ir.Model) -> ir.PropertySet:
    return parse_properties(PROPS.read_text(), model, str(PROPS))


def obligation(model: ir.Model, name: str, props: ir.PropertySet | None = None) -> Obligation:
    return compile_obligation(model, props or variant_properties(model), name)


def search_trace(
    model: ir.Model, name: str, sizes: Mapping[str, int] = SIZES, engine: str = "explicit"
) -> Trace:
    ob = obligation(model, name)
    inst = Instance(ob.system, sizes)
    run = shortest_run(inst, ob, 12)
    assert run is not None, f"no trace for {name}"
    return trace_of_run(inst, ob, run, engine)


def put_page_trace() -> Trace:
    """Two host threads (``actor host : host per Thread``) losing an update: the
    per-instance columns of docs/traces.md."""
    model = load_model(DATA / "put_page.rmp")
    props = load_properties(DATA / "put_page.prop", model)
    ob = compile_obligation(model, props, "freed_when_unused")
    inst = Instance(ob.system, {"Page": 1, "Thread": 2})
    run = shortest_run(inst, ob, 12)
    assert run is not None
    trace = trace_of_run(inst, ob, run, "explicit")
    return dataclasses.replace(trace, property_file="put_page.prop", model_file="put_page.rmp")


def cti_trace(model: ir.Model) -> Trace:
    """A counterexample to induction of write_only_shared, as engines/cti.py builds it:
    its pre-state (a host write pending on a page it never checked) is unreachable."""
    from rmpcheck.engines.induction.cti import make_cti

    ob = obligation(model, "write_only_shared")
    inst = Instance(ob.system, SIZES)
    init = next(iter(inst.initial_states()))
    n = len(model.state)
    step = [d.name for d in model.state].index("step")
    raw = list(init[:n])
    raw[step] = (2,)  # consulted, with checked still false
    pre = inst.complete(tuple(raw))
    assert pre is not None and inst.holds(ob.target, pre)
    ((ai, post),) = inst.step(pre, "guest.psc_to_private", (0,))
    return make_cti(inst, ob, pre, ai, post, ("write_only_shared",)).trace


GOLDEN = Path(__file__).parent.parent / "golden" / "traces"
REGEN = os.environ.get("RMPCHECK_REGEN_GOLDEN") == "1"


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/traces/NAME; RMPCHECK_REGEN_GOLDEN=1 rewrites it first."""
    path = GOLDEN / name
    if REGEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"no {path}: run with RMPCHECK_REGEN_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, "
        "regenerate with RMPCHECK_REGEN_GOLDEN=1"
    )
