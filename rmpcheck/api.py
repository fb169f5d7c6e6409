"""The small public API: load a model and its properties, prove every claim.

    >>> from rmpcheck import load_model, load_properties, prove
    >>> model = load_model("models/race.rmp")
    >>> results = prove(model, load_properties("properties/race.prop", model))
    >>> [r.describe() for r in results]

Everything the CLI's ``prove`` does without a subprocess lives here, so tests
and scripts call it directly.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping, Sequence
from dataclasses import replace

from rmpcheck import ir
from rmpcheck.engines import registry
from rmpcheck.engines.base import SHARED_KINDS, Deadline, Options, unknown
from rmpcheck.errors import ConfigError, EngineError, Interrupted
from rmpcheck.lang import load_model, load_properties
from rmpcheck.lang.source import did_you_mean
from rmpcheck.liveness import compile_claim, deadlock
from rmpcheck.monitor import Obligation
from rmpcheck.result import Result
from rmpcheck.trace.model import Trace

CLAIM_KINDS = ("invariant", "always", "cover", "lemma", "liveness", "deadlock")

PathOr = str | os.PathLike[str]

__all__ = [
    "CLAIM_KINDS",
    "Interrupted",
    "Options",
    "Result",
    "Trace",
    "claims",
    "examine_proofs",
    "load_model",
    "load_properties",
    "prove",
    "resolve_sizes",
    "select",
]


def claims(props: ir.PropertySet) -> list[ir.Property]:
    """The properties that are questions (assumptions restrict runs; they are not asked)."""
    return [p for p in props.properties if p.kind in CLAIM_KINDS]


def select(props: ir.PropertySet, names: Sequence[str] | str | None) -> list[ir.Property]:
    """The claims named (all of them for None), in file order; a ConfigError with a
    did-you-mean for a name that is not a claim of the set."""
    every = claims(props)
    if names is None:
        return every
    wanted = [names] if isinstance(names, str) else list(names)
    have = {p.name: p for p in every}
    for name in wanted:
        if name in have:
            continue
        if any(p.name == name for p in props.properties):
            raise ConfigError(f"{name!r} is an assumption, not a claim: there is nothing to prove")
        valid = ", ".join(have) or "none"
        raise ConfigError(f"no property named {name!r}{_hint(name, have)} (claims: {valid})")
    return [p for p in every if p.name in wanted]


def resolve_sizes(
    model: ir.Model,
    props: ir.PropertySet | None = None,
    sizes: Mapping[str, int] | None = None,
    instance: str | None = None,
) -> dict[str, int]:
    """The sizes to check at.

    Start from the named instance (looked up in the property file, then the
    model) or, without a name, the first instance block of the property file,
    else of the model; then ``sizes`` override single sorts. A model without
    sorts needs no sizes. A ConfigError says what to add when a sort is left
    without a size.
    """
    blocks = list(props.instances if props is not None else ()) + list(model.instances)
    base: dict[str, int] = {}
    if instance is not None:
        found = next((b for b in blocks if b.name == instance), None)
        if found is None:
            names = [b.name for b in blocks]
            hint = _hint(instance, names)
            raise ConfigError(
                f"no instance named {instance!r}{hint} (instances: {', '.join(names) or 'none'})"
            )
        base = found.as_dict()
    elif blocks and not _covers(model, sizes):
        base = blocks[0].as_dict()
    out = {**base, **(sizes or {})}
    sorts = {s.name for s in model.sorts}
    unknown_sorts = sorted(set(out) - sorts)
    if unknown_sorts:
        raise ConfigError(
            f"unknown sort {unknown_sorts[0]!r} in sizes (the model has: "
            f"{', '.join(sorted(sorts)) or 'no sorts'})"
        )
    missing = [s.name for s in model.sorts if s.name not in out]
    if missing:
        example = " ".join(f"--size {m}=3" for m in missing)
        raise ConfigError(
            f"no size for sort{'s' if len(missing) > 1 else ''} {', '.join(missing)}: "
            f"give {example}, or add an instance block such as "
            f"'instance small {{ {', '.join(f'{m} = 3' for m in missing)} }}'"
        )
    return out


def _hint(name: str, candidates: Sequence[str] | Mapping[str, object]) -> str:
    """``; did you mean 'x'?`` for a close candidate, else nothing."""
    hint = did_you_mean(name, candidates)
    return f"; {hint}" if hint else ""


def _covers(model: ir.Model, sizes: Mapping[str, int] | None) -> bool:
    return sizes is not None and all(s.name in sizes for s in model.sorts)


def prove(
    model: ir.Model | PathOr,
    props: ir.PropertySet | PathOr,
    *,
    property: Sequence[str] | str | None = None,  # noqa: A002 - the user-facing word
    engine: str = "auto",
    sizes: Mapping[str, int] | None = None,
    instance: str | None = None,
    options: Options = Options(),  # noqa: B008 - frozen, so a shared default is safe
    vacuity: bool = False,
    isolate: bool = False,
    deadlock_check: bool = False,
) -> list[Result]:
    """One Result per claim (invariant, always, cover, lemma, liveness), in file order.

    With ``deadlock_check`` (the CLI's default) the set gets the deadlock claim
    ``deadlock_free`` too, last (docs/liveness.md, "Deadlock"); naming it in
    ``property`` asks it alone.

    With ``vacuity`` (the CLI's default), every proof is examined for vacuity
    and for being true by construction, at the same sizes, and its
    ``findings`` say what was found (docs/vacuity.md).

    Every claim is asked with the set's other lemmas available, lemmas included:
    lemmas that only hold together are proved together. A proof may rest on the
    lemmas it was given (``stats["assumed_lemmas"]`` names them; an engine that
    does not say is taken to rest on all of them); it stands only while each of
    those is proved too, which is sound because engines assume lemmas only as a
    strengthening of the induction hypothesis, so the claims that stand form one
    inductive invariant together (the gate's rule, gate/lemmas.py). A proof that
    falls is asked again without any lemma.

    With ``isolate`` each claim runs in a process of its own (engines.sandbox:
    ``options.memory_mb`` is enforced there, and a stuck solver is killed past its
    timeout), as the CLI does. Ctrl-C raises :class:`~rmpcheck.errors.Interrupted`
    whose ``finished`` lists the results of the claims that had finished.
    """
    if not isinstance(model, ir.Model):
        model = load_model(model)
    if not isinstance(props, ir.PropertySet):
        props = load_properties(props, model)
    registry.resolve(engine)  # a bad engine name fails before any work
    if deadlock_check or _names_deadlock(property):
        props = deadlock.with_claim(model, props)
    chosen = select(props, property)
    at = resolve_sizes(model, props, sizes, instance)
    results: dict[str, Result] = {}
    rests_on: dict[str, set[str]] = {}
    lemmas = {p.name for p in props.properties if p.kind == "lemma"}

    # explicit search decides many claims in one search (engines/explicit_together);
    # not where lemmas are in play (they are proved together, below) nor in a sandbox
    together: dict[str, Result] = {}
    shared = [p.name for p in chosen if p.kind in SHARED_KINDS]
    if engine == "explicit" and not isolate and not lemmas and len(shared) > 1:
        from rmpcheck.engines.explicit_together import check_together

        together = check_together(model, props, shared, at, options)

    def run(name: str, use_lemmas: bool = True) -> None:
        ob = compile_claim(model, props, name, use_lemmas=use_lemmas)
        r = together.get(name) or _run(engine, ob, at, options, isolate)
        results[name] = r
        rests_on[name] = _assumed(r, ob)

    try:
        for p in chosen:
            run(p.name)
        for name in set().union(*rests_on.values()) - set(results):
            run(name)  # not selected by the user, but a proof leaned on it
        standing = _standing(results, rests_on, lemmas)
        for name, r in list(results.items()):
            if rests_on[name] and r.verdict in PROOFS and name not in standing:
                run(name, use_lemmas=False)
    except KeyboardInterrupt:
        raise Interrupted(_finished(chosen, results, rests_on, lemmas)) from None
    out = [_with_property_file(results[p.name], props.file) for p in chosen]
    return examine_proofs(model, props, out, at, engine, options) if vacuity else out


def _names_deadlock(names: Sequence[str] | str | None) -> bool:
    wanted = [names] if isinstance(names, str) else list(names or ())
    return ir.DEADLOCK_CLAIM in wanted


def examine_proofs(
    model: ir.Model,
    props: ir.PropertySet,
    results: Sequence[Result],
    sizes: Mapping[str, int],
    engine: str = "auto",
    options: Options = Options(),  # noqa: B008 - frozen
) -> list[Result]:
    """``results`` with the findings of each proof (docs/vacuity.md): its automatic
    covers decided and the "by construction" tests run at ``sizes``, under
    ``options``' timeout and depth; ``engine`` may prove a cover uncoverable when
    the instance is too large for explicit search (unless it is bmc or explicit)."""
    from rmpcheck.vacuity import Budget, Claim, examine

    proved = [r for r in results if r.verdict == "proved"]
    fallback = engine if engine not in ("bmc", "explicit") else "pdr"
    budget = Budget(timeout_s=options.timeout_s, depth=options.depth, fallback=fallback)
    found = examine(model, [Claim(props, props.get(r.property)) for r in proved], sizes, budget)
    by_name = {r.property: f for r, f in zip(proved, found, strict=True)}
    return [dataclasses.replace(r, findings=by_name.get(r.property, ())) for r in results]


def _with_property_file(r: Result, path: str) -> Result:
    """A trace names the property file it refutes a claim of (replay reads it back)."""
    if r.trace is None or r.trace.property_file:
        return r
    return dataclasses.replace(r, trace=dataclasses.replace(r.trace, property_file=path))


def _finished(
    chosen: Sequence[ir.Property],
    results: Mapping[str, Result],
    rests_on: Mapping[str, set[str]],
    lemmas: set[str],
) -> list[Result]:
    """The selected claims that finished, in file order; a proof whose lemmas were not
    all proved before the interrupt is not reported as one."""
    standing = _standing(results, rests_on, lemmas)
    out = []
    for p in chosen:
        r = results.get(p.name)
        if r is None:
            continue
        if r.verdict in PROOFS and p.name not in standing:
            why = "interrupted before the lemmas this proof rests on were proved"
            r = Result(
                r.model, r.property, r.kind, "unknown", r.engine, reason=why, time_s=r.time_s
            )
        out.append(r)
    return out


PROOFS = ("proved", "uncoverable")


def _assumed(r: Result, ob: Obligation) -> set[str]:
    """The lemmas a proof rests on: those the engine names, else every one it was given."""
    if r.verdict not in PROOFS:
        return set()
    if "assumed_lemmas" in r.stats:
        names = r.stats["assumed_lemmas"] or ()
        return {names} if isinstance(names, str) else set(names)
    return {n for n, _ in ob.lemmas}


def _standing(
    results: Mapping[str, Result], rests_on: Mapping[str, set[str]], lemmas: set[str]
) -> set[str]:
    """The proofs that stand: the largest set closed under "every lemma it rests on is a
    proved lemma in the set" (a greatest fixpoint: a cycle through a false lemma falls)."""
    ok = {n for n, r in results.items() if r.verdict in PROOFS}
    changed = True
    while changed:
        changed = False
        for n in list(ok):
            if any(x not in ok or x not in lemmas for x in rests_on.get(n, ())):
                ok.discard(n)
                changed = True
    return ok


def _run(
    engine: str, ob: Obligation, sizes: Mapping[str, int], options: Options, isolate: bool
) -> Result:
    """One obligation; an engine that cannot handle the input answers unknown, with why."""
    deadline = Deadline(options.timeout_s)
    say = options.progress
    if say is not None:
        options = replace(options, progress=lambda m: say(f"{ob.prop.name}: {m}"))

    def one(_: object = None) -> Result:
        try:
            return registry.run(engine, ob, sizes, options)
        except EngineError as e:
            return unknown(ob, engine, str(e), deadline)

    if not isolate:
        return one()
    from rmpcheck.engines import sandbox

    got = sandbox.call(one, options.timeout_s, options.memory_mb)
    return unknown(ob, engine, got.reason, deadline) if isinstance(got, sandbox.Stopped) else got
