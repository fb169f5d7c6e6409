"""The PSC-vs-host-write race of DESIGN.md, built in Python, plus a broken variant.

Shared by the engine tests (benchmarks/race_case.py loads the text model
under benchmarks/models/ instead).
"""

from __future__ import annotations

from rmpcheck import ir
from rmpcheck.build import (
    BOOL,
    ModelBuilder,
    assign,
    cover,
    exists,
    forall,
    if_,
    invariant,
    map_of,
    properties,
    require,
    var,
)
from rmpcheck.monitor import Obligation, compile_obligation

SMALL = {"Page": 2, "Thread": 2}


def race_model(*, lock: bool = True) -> tuple[ir.Model, ir.PropertySet]:
    """The race; with ``lock=False`` the host does not take the PSC lock (the bug)."""
    mb = ModelBuilder("race" if lock else "race_nolock")
    page = mb.sort("Page")
    thread = mb.sort("Thread")
    stepe = mb.enum("Step", "idle", "translated", "consulted")
    assigned = mb.state("assigned", map_of(page, BOOL))
    step = mb.state("step", map_of(thread, stepe))
    target = mb.state("target", map_of(thread, page))
    psc_lock = mb.state("psc_lock", BOOL)
    p, t = var("p", page), var("t", thread)
    mb.init(
        forall([p], ~assigned[p]),
        forall([t], step[t] == "idle"),
        ~psc_lock,
    )
    mb.actor("guest")
    mb.actor("host")
    mb.action("guest.psc_to_private", [p], require(~psc_lock), assign(assigned[p], True))
    mb.action(
        "host.translate",
        [t, p],
        require(step[t] == "idle"),
        assign(step[t], "translated"),
        assign(target[t], p),
    )
    consult = [require(step[t] == "translated")]
    if lock:
        consult.append(require(~psc_lock))
    taken = [assign(step[t], "consulted")] + ([assign(psc_lock, True)] if lock else [])
    consult.append(if_(assigned[target[t]], [assign(step[t], "idle")], taken))
    mb.action("host.consult_rmp", [t], *consult)
    release = [assign(psc_lock, False)] if lock else []
    mb.action("host.write", [t], require(step[t] == "consulted"), assign(step[t], "idle"), *release)
    mb.instance("small", Page=2, Thread=2)
    model = mb.build()
    u = var("u", thread)
    props = properties(
        model.name,
        invariant(
            "write_only_shared",
            forall([u], (step[u] == "consulted").implies(~assigned[target[u]])),
        ),
        cover("reach_write", exists([u], step[u] == "consulted")),
        cover(
            "two_consulted",
            exists(
                [u, var("v", thread)],
                (step[u] == "consulted")
                & (step[var("v", thread)] == "consulted")
                & (u != var("v", thread)),
            ),
        ),
    )
    return model, props


def race_obligation(prop: str = "write_only_shared", *, lock: bool = True) -> Obligation:
    """The obligation for ``prop`` of :func:`race_model`."""
    model, props = race_model(lock=lock)
    return compile_obligation(model, props, prop)
