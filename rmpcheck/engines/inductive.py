"""Parametric induction: "proved for all sizes" with the lemma set as certificate.

The claim (for a cover: its negation) and the obligation's lemmas are checked
together over uninterpreted sorts (smt/epr): *initiation*, every initial state
satisfies each; *consecution*, from any state satisfying all of them, every
step of every action leads to a state satisfying each. Both hold for every
size at once, so the claim holds in every reachable state of every instance.

When consecution fails there is a counterexample to induction (engines/induction/cti).
A short bmc run at the CTI's sizes first asks whether it is a real bug: if
the claim fails there, the verdict is "refuted" (a cover: "covered") at those
sizes, with bmc's trace. Otherwise, unless ``opts.extra["infer"]`` is False,
Houdini (engines/induction/infer) looks for the missing lemmas. Whatever set is about to
be reported is re-checked from scratch by a fresh solver in a fresh Z3
context, one query per formula and action; only then is the verdict "proved"
(or "uncoverable"). A solver "unknown", a timeout, or a failed re-check is
verdict "unknown", never proved.

A model outside the decidable EPR fragment (engines say which construct and
where, in ``stats["fragment"]``) is still tried: Z3 may answer, and an answer
is as sound as inside the fragment; it is only "unknown" that becomes likely.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import z3

from rmpcheck import ir
from rmpcheck.engines.base import Deadline, Options, unknown
from rmpcheck.engines.induction import past, shared
from rmpcheck.engines.induction.cti import BadInit, Cti, Named, Stuck, check_set, goals_of, instance
from rmpcheck.engines.induction.cti_reach import refute
from rmpcheck.engines.induction.houdini import houdini
from rmpcheck.engines.induction.infer import infer
from rmpcheck.lang.pretty import Printer
from rmpcheck.monitor import Obligation
from rmpcheck.result import Certificate, Result, Scope, Verdict
from rmpcheck.smt.epr import fragment
from rmpcheck.smt.epr.induction import Induction, ask
from rmpcheck.smt.epr.transition import Unsupported
from rmpcheck.trace.replay import build_trace

ENGINE = "inductive"


def show(ob: Obligation, f: ir.Expr) -> str:
    """A formula in the model's concrete syntax: a monitor that came from a past-time
    formula is printed as that formula, a step claim's flag as a phrase naming it."""
    return Printer(ob.model.enums).expr(past.readable(ob, f))


def certificate_set(goals: Sequence[Named], lemmas: Sequence[Named]) -> list[Named]:
    """The formulas whose conjunction is the inductive invariant reported."""
    return [*goals, *lemmas]


def recheck(ob: Obligation, formulas: Sequence[Named], deadline: Deadline) -> str | None:
    """Re-check initiation and consecution of ``formulas`` in a fresh Z3 context, one
    query per formula (and action); None when all hold, else what failed."""
    ind = Induction(ob.system)
    exprs = [f for _, f in formulas]
    for name, f in formulas:
        out = ind.initiation([f], deadline.z3_ms())
        if out.status != "holds":
            return f"initiation of {name}: {out.status} {out.reason}".strip()
    for tr in ind.transitions:
        s = ind.step_solver(exprs, tr, deadline.z3_ms())
        for name, f in formulas:
            s.push()
            s.add(z3.Not(ind.after(f, tr)))
            out = ask(s)
            s.pop()
            if out.status != "holds":
                what = f"consecution of {name} under {tr.action.full_name}"
                return f"{what}: {out.status} {out.reason}".strip()
    return None


def _reads_last_action(goals: Sequence[Named]) -> str | None:
    for name, f in goals:
        for x in ir.walk(f):
            if isinstance(x, ir.ActionIs):
                return f"{name} reads the last action ({x.action} at {x.span})"
    return None


def check(ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Prove ``ob`` for all sizes by induction. The proof has no sizes: ``sizes`` (the
    instance the caller would check) guide lemma inference's sampling, and before the
    answer is "unknown" that instance is searched for a counterexample."""
    deadline = Deadline(opts.timeout_s)
    r = _induction(ob, sizes, opts, deadline)
    if r.verdict != "unknown":
        return r
    return _try_instance(ob, sizes, opts, deadline, r)


def _progress(opts: Options, message: str) -> None:
    if opts.progress is not None:
        opts.progress(f"{ENGINE}: {message}")


def _induction(
    ob: Obligation, sizes: Mapping[str, int], opts: Options, deadline: Deadline
) -> Result:
    """Induction, with the given lemmas, a CTI's bug at its sizes, or inferred lemmas."""
    _progress(opts, "checking the claim and its lemmas for induction")
    # a lemma's "a since b" and the claim's must be one variable for induction to link them
    ob = past.merged(ob)
    goals = goals_of(ob)
    why = _reads_last_action(goals)
    if why is not None:
        return unknown(ob, ENGINE, f"not supported by induction: {why}", deadline)
    try:
        ind = Induction(ob.system)
    except Unsupported as e:
        return unknown(ob, ENGINE, f"the parametric encoding cannot express: {e}", deadline)
    skolems = [k for tr in ind.transitions for k in tr.skolems]
    finds = fragment.findings(ob.system, goals, skolems)
    found = [f.message for f in finds]
    # consecution in EPR: every question lemma inference asks is decidable
    step_epr = all(f.queries == "initiation" for f in finds)
    stats: dict[str, Any] = {"epr": not found, "epr_consecution": step_epr, "fragment": found}
    outside = f" (outside EPR: {found[0]})" if found else ""

    failure = check_set(ob, ind, goals, deadline)
    if failure is not None and not isinstance(failure, Stuck):
        _progress(opts, "not inductive as given; looking further")
    if failure is None:
        return _proved(ob, goals, [], deadline, stats, _store(opts))
    if isinstance(failure, Stuck):
        return unknown(ob, ENGINE, failure.reason + outside, deadline, **stats)
    if isinstance(failure, BadInit) and ob.prop.name in failure.violated:
        return _bad_init(ob, failure, deadline, stats)
    claim, given = goals[:1], goals[1:]
    if isinstance(failure, Cti):
        stats["cti"] = failure.summary()
    if given:
        # the given lemmas are a strengthening to choose from, not obligations: the
        # subset inductive with the claim (a lemma false in this design drops out; its
        # own obligation says so) is the certificate, re-checked like any other
        sub = houdini(ob, ind, claim, given, deadline)
        stats["given_lemmas"] = sub.stats
        if sub.status == "found":
            stats["lemmas_unused"] = sorted({n for n, _ in given} - {n for n, _ in sub.lemmas})
            return _proved(ob, [*claim, *sub.lemmas], [], deadline, stats, _store(opts))
        if sub.status == "unknown":
            reason = f"choosing among the given lemmas: {sub.reason}"
            return unknown(ob, ENGINE, reason + outside, deadline, **stats)
        assert sub.cti is not None
        failure = sub.cti  # the claim's own CTI, whatever lemmas still help
        stats["cti"] = failure.summary()
    assert isinstance(failure, Cti)
    real = _real_bug(ob, failure, opts, deadline, stats)
    if real is not None:
        return real
    if not opts.extra.get("infer", True):
        return unknown(ob, ENGINE, f"not inductive: {failure.describe()}", deadline, **stats)
    _progress(opts, "inferring lemmas")
    # the sizes the caller checks at are the sample that best shows the design
    store = _store(opts)
    known = store.recall(ob.model) if store is not None else ()
    inf = infer(ob, ind, claim, deadline, hint=sizes, given=given, known=known)
    stats["inference"] = inf.stats
    _progress(opts, f"inference: {inf.status}, {len(inf.lemmas)} lemma(s)")
    if inf.status != "found":
        # the first CTI is the shrunk one: it reads best, whatever Houdini met later
        reason = f"not inductive: {failure.describe()}; inference: {inf.reason}"
        return unknown(
            ob, ENGINE, reason + (outside if inf.status == "unknown" else ""), deadline, **stats
        )
    names = {n for n, _ in given}
    used = [x for x in inf.lemmas if x[0] in names]
    new = [x for x in inf.lemmas if x[0] not in names]
    return _proved(ob, [*claim, *used], new, deadline, stats, store)


def _store(opts: Options) -> shared.Proved | None:
    """The caller's store of proved invariants (engines/induction/shared), if any."""
    store = opts.extra.get("proved")
    return store if isinstance(store, shared.Proved) else None


def _proved(
    ob: Obligation,
    goals: Sequence[Named],
    lemmas: Sequence[Named],
    deadline: Deadline,
    stats: dict[str, Any],
    store: shared.Proved | None,
) -> Result:
    formulas = certificate_set(goals, lemmas)
    failed = recheck(ob, formulas, deadline)  # (no progress here: recheck is quick)
    if failed is not None:
        return unknown(
            ob, ENGINE, f"re-check by a fresh solver failed: {failed}", deadline, **stats
        )
    # the claim and the lemmas inferred for it hold in every reachable state: candidates
    # for the model's next claim, when the caller keeps a store (engines/induction/
    # shared). Not the property file's own lemmas: each claim of that file is given them
    # anyway, and inference for another file's claims stays inference
    if store is not None:
        store.remember(ob.model, [f for _, f in [*goals[:1], *lemmas]])
    given = len(goals) - 1
    detail = f"{ob.prop.name} with {given} given and {len(lemmas)} inferred lemma(s)"
    if ob.kind == "reach":
        detail = f"the negation of cover {ob.prop.name} is inductive; " + detail
    # nothing is assumed: the certificate proves the claim and every lemma in it together
    stats.update(lemmas_given=given, lemmas_inferred=len(lemmas), rechecked=True)
    stats["assumed_lemmas"] = []
    if lemmas:
        stats["inferred"] = [show(ob, f) for _, f in lemmas]
    cert = Certificate("lemmas", tuple(show(ob, f) for _, f in formulas), True, detail)
    verdict: Verdict = "proved" if ob.kind == "safety" else "uncoverable"
    return _result(ob, verdict, deadline, stats, scope=Scope("all-sizes"), certificate=cert)


# Before the answer is "unknown", the caller's instance is searched for a real
# counterexample (a bug that needs three epochs, a cover that needs two granules:
# the CTI, shrunk to the fewest elements, cannot show them). Budgeted like the
# CTI's own check, since the portfolio's bmc searches there too.
INSTANCE_SEARCH_S = 10.0


def _try_instance(
    ob: Obligation, sizes: Mapping[str, int], opts: Options, deadline: Deadline, r: Result
) -> Result:
    """``r`` (unknown), or the claim refuted (a cover covered) at the caller's sizes."""
    from rmpcheck.engines.induction.cti_reach import at_sizes

    left = deadline.remaining()
    most = float(opts.extra.get("instance_s", INSTANCE_SEARCH_S))
    budget = most if left is None else min(most, left)
    whole = all(s.name in sizes for s in ob.model.sorts)
    if not whole or budget < 0.5 or not opts.extra.get("reach", True):
        return r
    at = ", ".join(f"{k}={v}" for k, v in sorted(sizes.items())) or "no sorts"
    _progress(opts, f"searching {at} for a counterexample")
    found = at_sizes(ob, sizes, Options(depth=opts.depth, timeout_s=budget))
    stats = dict(r.stats)
    if found is None or found.trace is None:
        stats["instance_search"] = f"none at {at} within depth {opts.depth} and {budget:g} s"
        return replace(r, stats=stats, time_s=deadline.elapsed())
    stats["instance_search"] = found.detail
    verdict: Verdict = "refuted" if ob.kind == "safety" else "covered"
    scope = Scope("instance", tuple(sorted(sizes.items())))
    return _result(ob, verdict, deadline, stats, scope=scope, trace=found.trace)


# A CTI is first asked whether it is a real bug: bmc on the claim at the CTI's
# sizes, shallow and short, since a broken design usually fails within a few
# steps there and inference could only ever fail on it. The budget is wall-clock
# (Options.extra "reach_s", "instance_s" override it): on a loaded machine the
# check can run out, and the answer is then "unknown", never a wrong verdict.
REACH_DEPTH = 12
REACH_TIMEOUT_S = 10.0


def _real_bug(
    ob: Obligation, cti: Cti, opts: Options, deadline: Deadline, stats: dict[str, Any]
) -> Result | None:
    """The claim refuted (a cover covered) at the CTI's sizes, with its replayed trace."""
    left = deadline.remaining()
    most = float(opts.extra.get("reach_s", REACH_TIMEOUT_S))
    budget = most if left is None else min(most, left / 2)
    if budget < 0.5 or not opts.extra.get("reach", True):
        return None
    reach = refute(ob, cti, Options(depth=min(opts.depth, REACH_DEPTH), timeout_s=budget))
    if reach is None or reach.trace is None:
        return None
    stats["cti_reachable"] = reach.detail
    verdict: Verdict = "refuted" if ob.kind == "safety" else "covered"
    scope = Scope("instance", tuple(sorted(cti.sizes.items())))
    return _result(ob, verdict, deadline, stats, scope=scope, trace=reach.trace)


def _bad_init(ob: Obligation, bad: BadInit, deadline: Deadline, stats: dict[str, Any]) -> Result:
    """An initial state violating the claim is a real counterexample (of length 0)."""
    inst = instance(ob, bad.sizes)
    trace = build_trace(inst, ob, [bad.state], [], ENGINE)
    verdict: Verdict = "refuted" if ob.kind == "safety" else "covered"
    scope = Scope("instance", tuple(sorted(bad.sizes.items())))
    return _result(ob, verdict, deadline, stats, scope=scope, trace=trace)


def _result(
    ob: Obligation, verdict: Verdict, deadline: Deadline, stats: dict[str, Any], **kw: Any
) -> Result:
    return Result(
        ob.model.name,
        ob.prop.name,
        ob.prop.kind,
        verdict,
        ENGINE,
        time_s=deadline.elapsed(),
        stats=stats,
        **kw,
    )
