"""Mutation test: the claims notice when any statement of an era's base goes missing.

For every ``require`` and every assignment of an era's reference model (the
rfc2021 era's correct design, know_and_check, which includes its base; the
upstream era's Linux model), the model is rebuilt without that one statement
(the IR is frozen, so the action bodies are rebuilt) and every claim of the
era's property files is asked of it: the mutation is caught when some claim's
verdict differs from the reference's (a proof lost, a refutation lost, a
cover reached or lost). A mutation no claim catches must be listed, with the
reason, in docs/snp.md under "Mutations no claim catches (ERA)"; one caught
only at a larger instance under "Mutations caught only at ... (ERA)". A
listed mutation that is in fact caught fails the test too, so the lists stay
exact.

Every claim's verdict comes from one exhaustive search of the model carrying
all claims' monitors (renamed apart): a safety claim is refuted when some
reachable state breaks it, a cover covered when some reachable state meets
it. The search runs at a tiny instance, where the reference's state space is
tens of thousands of states. A mutant whose search outgrows BUDGET states
before anything tells it apart (removing a guard can let an action run in
every phase of a VM's life) is not judged; it must be listed under "Mutations
not judged within BUDGET states (ERA)".
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from snp_matrix import DOCS, ROOT

from rmpcheck import ir
from rmpcheck.engines import explicit
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.errors import Span
from rmpcheck.interp import Instance
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import Monitor, Obligation, System, compile_obligation

Sizes = tuple[tuple[str, int], ...]

BUDGET = 100_000  # states a mutant's search may visit (the references need under 30,000)


@dataclass(frozen=True)
class Era:
    name: str
    model: Path
    tiny: Sizes
    larger: tuple[Sizes, ...]  # instances a listed mutation may need instead

    @property
    def properties(self) -> tuple[Path, ...]:
        return tuple(sorted((ROOT / "properties" / self.name).glob("*.prop")))


def _sizes(**kw: int) -> Sizes:
    return tuple(sorted(kw.items()))


ERAS = {
    e.name: e
    for e in (
        Era(
            "rfc2021",
            ROOT / "models" / "rfc2021" / "know_and_check.rmp",
            _sizes(Page=4, Gpa=2, Vcpu=1, Thread=1, Granule=1),
            # a second 2 MiB range of guest pages alone: 2 MiB entries and direct-map
            # pages that the tiny instance never has (two vCPUs: hundreds of thousands
            # of states per mutant)
            (_sizes(Page=4, Gpa=2, Vcpu=1, Thread=1, Granule=2),),
        ),
        Era(
            "upstream",
            ROOT / "models" / "upstream" / "linux.rmp",
            _sizes(Page=3, Gpa=1, Vcpu=1, Thread=1, Granule=1),
            (),  # a larger instance doubles the cost of every mutant no claim catches
        ),
    )
}

Path_ = tuple[object, ...]


@dataclass(frozen=True)
class Mutation:
    era: str
    action: str
    path: Path_  # indices into the body; "then"/"else"/"body" pick a nested block
    text: str  # the statement as written in the model file

    @property
    def key(self) -> str:
        return f"{self.action}: {self.text}"


# ------------------------------------------------------------------ mutants


def _source(span: Span) -> str:
    lines = Path(span.file).read_text().splitlines()
    if span.end_line == span.line:
        text = lines[span.line - 1][span.col - 1 : span.end_col - 1]
    else:
        text = " ".join(lines[span.line - 1 : span.end_line])
    return " ".join(text.split())


def _leaves(body: tuple[ir.Stmt, ...], path: Path_ = ()) -> Iterator[tuple[Path_, ir.Stmt]]:
    for i, s in enumerate(body):
        if isinstance(s, (ir.Require, ir.Assign)):
            yield (*path, i), s
        elif isinstance(s, ir.If):
            yield from _leaves(s.then, (*path, i, "then"))
            yield from _leaves(s.else_, (*path, i, "else"))
        elif isinstance(s, (ir.Choose, ir.ForallStmt)):
            yield from _leaves(s.body, (*path, i, "body"))


def _without(body: tuple[ir.Stmt, ...], path: Path_) -> tuple[ir.Stmt, ...]:
    i = path[0]
    assert isinstance(i, int)
    if len(path) == 1:
        return body[:i] + body[i + 1 :]
    s, part, rest = body[i], path[1], path[2:]
    if isinstance(s, ir.If):
        s = (dataclasses.replace(s, then=_without(s.then, rest)) if part == "then"
             else dataclasses.replace(s, else_=_without(s.else_, rest)))
    else:
        assert isinstance(s, (ir.Choose, ir.ForallStmt))
        s = dataclasses.replace(s, body=_without(s.body, rest))
    return (*body[:i], s, *body[i + 1 :])


def mutations(era: str, model: ir.Model) -> list[Mutation]:
    out: list[Mutation] = []
    for a in model.actions:
        seen: dict[str, int] = {}
        for path, s in _leaves(a.body):
            text = _source(s.span)
            seen[text] = seen.get(text, 0) + 1
            if seen[text] > 1:
                text = f"{text} (occurrence {seen[text]})"
            out.append(Mutation(era, a.full_name, path, text))
    return out


def mutate(model: ir.Model, m: Mutation) -> ir.Model:
    actions = tuple(
        dataclasses.replace(a, body=_without(a.body, m.path)) if a.full_name == m.action else a
        for a in model.actions
    )
    return dataclasses.replace(model, actions=actions)


# ------------------------------------------------------------------ checking


def _renamed(ob: Obligation, prefix: str) -> tuple[list[Monitor], ir.Expr]:
    """The obligation's monitors and target with every monitor name prefixed."""
    names = {m.decl.name for m in ob.system.monitors}

    def f(x: ir.Expr) -> ir.Expr | None:
        if isinstance(x, ir.StateVar) and x.name in names:
            return dataclasses.replace(x, name=prefix + x.name)
        return None

    mons = [
        Monitor(ir.StateDecl(prefix + m.decl.name, m.decl.type), m.params,
                ir.transform(m.init, f), ir.transform(m.next, f), m.origin)
        for m in ob.system.monitors
    ]
    return mons, ir.transform(ob.target, f)


Verdicts = frozenset[tuple[str, bool]]  # (claim, holds) for safety; (claim, reached) for covers


@dataclass(frozen=True)
class Claims:
    """The era's claims compiled into one system: their monitors renamed apart."""

    inst: Instance
    targets: tuple[tuple[str, str, ir.Expr], ...]  # (name, "safety" | "reach", target)


def compile_claims(era: Era, model: ir.Model, sizes: Sizes) -> Claims:
    sets = [load_properties(p, model) for p in era.properties]
    # liveness claims are left out: they are decided on the whole state graph, which a
    # search that stops at the first telling state never builds
    obs = [compile_obligation(model, s, p.name, use_lemmas=False)
           for s in sets for p in s.properties if p.kind not in ("assume", "lemma", "liveness")]
    monitors: list[Monitor] = []
    targets = []
    for o in obs:
        mons, target = _renamed(o, f"{o.prop.name}_")
        monitors += mons
        targets.append((o.prop.name, o.kind, target))
    return Claims(Instance(System(model, tuple(monitors)), dict(sizes)), tuple(targets))


def judge(
    era: Era, model: ir.Model, sizes: Sizes, ref: Verdicts | None = None
) -> Verdicts | None:
    """Every claim's verdict at ``sizes``, from one exhaustive search.

    Given the reference's verdicts, the search stops at the first state that
    already tells the mutant apart (a claim the reference proves broken, a
    cover it never reaches reached): most mutants are caught that way in a few
    steps, and only the others pay for the whole state space."""
    c = compile_claims(era, model, sizes)
    goal: ir.Expr = ir.BoolLit(True)
    if ref is not None:
        keep = dict(ref)
        parts = [t if kind == "safety" else ir.Not(t)
                 for name, kind, t in c.targets if keep[name] == (kind == "safety")]
        goal = ir.conj(parts)
    whole = Obligation(c.inst.system, load_properties(era.properties[0], model).properties[0],
                       "safety", goal)
    limit = {} if ref is None else {"max_states": BUDGET}
    space = explicit.explore(c.inst, whole, Options(extra=limit), Deadline(None))
    if space.stopped and space.hit is None:
        return None  # not judged: too many states before anything told it apart
    if space.hit is not None:
        return frozenset({("(a state no run of the reference reaches)", True)})
    out = set()
    for name, kind, t in c.targets:
        pred = c.inst.predicate(t)
        if kind == "safety":
            out.add((name, all(pred(s) for s in space.states)))
        else:
            out.add((name, any(pred(s) for s in space.states)))
    return frozenset(out)


@cache
def reference(era: str, sizes: Sizes) -> Verdicts:
    e = ERAS[era]
    ref = judge(e, load_model(e.model), sizes)
    assert ref is not None
    return ref


def caught(m: Mutation, sizes: Sizes) -> bool | None:
    """Does some claim's verdict change? None: not judged within the budget."""
    e = ERAS[m.era]
    ref = reference(m.era, sizes)
    got = judge(e, mutate(load_model(e.model), m), sizes, ref)
    return None if got is None else got != ref


def listed(heading: str) -> set[str]:
    text = DOCS.read_text()
    assert heading in text, f"docs/snp.md has no '{heading}' section"
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^- `([^`]+)`", section, flags=re.M))


def gap_heading(era: str) -> str:
    return f"### Mutations no claim catches ({era})"


def unjudged_heading(era: str) -> str:
    return f"### Mutations not judged within {BUDGET:,} states ({era})"


def larger_heading(era: str, sizes: Sizes) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in sizes)
    return f"### Mutations caught only at {shown} ({era})"


MUTATIONS = [m for era, e in ERAS.items() for m in mutations(era, load_model(e.model))]


def _lists(era: str) -> tuple[set[str], dict[str, Sizes], set[str]]:
    e = ERAS[era]
    larger = {key: s for s in e.larger for key in listed(larger_heading(era, s))}
    # an era whose every mutant was judged needs no such list
    unjudged = listed(unjudged_heading(era)) if unjudged_heading(era) in DOCS.read_text() else set()
    return listed(gap_heading(era)), larger, unjudged


@pytest.mark.parametrize("era", ERAS)
def test_documented_mutations_exist(era: str) -> None:
    gaps, larger, unjudged = _lists(era)
    keys = {m.key for m in MUTATIONS if m.era == era}
    named = gaps | set(larger) | unjudged
    assert named <= keys, named - keys
    assert len(gaps) + len(larger) + len(unjudged) == len(named), "a mutation is listed twice"


@pytest.mark.parametrize("era", ERAS)
def test_every_statement_is_one_mutation(era: str) -> None:
    model = load_model(ERAS[era].model)
    n = sum(1 for a in model.actions for _ in _leaves(a.body))
    keys = [m.key for m in MUTATIONS if m.era == era]
    assert len(keys) == n and len(set(keys)) == n


@pytest.mark.slow
@pytest.mark.parametrize("m", MUTATIONS, ids=lambda m: f"{m.era}: {m.key}")
def test_mutation_is_caught_or_documented(m: Mutation) -> None:
    gaps, larger, unjudged = _lists(m.era)
    tiny = ERAS[m.era].tiny
    if m.key in unjudged:
        assert caught(m, tiny) is None, f"{m.key} is judged now: drop it from its list"
    elif m.key in gaps:
        assert caught(m, tiny) is False, f"{m.key} is caught: remove it from the gaps"
    elif m.key in larger:
        assert caught(m, tiny) is False, f"{m.key} is caught at {tiny}: drop it from its list"
        assert caught(m, larger[m.key]), f"{m.key} is not caught at its larger instance"
    else:
        assert caught(m, tiny) is True, (
            f"no claim notices removing {m.key}: strengthen the claims "
            f"or list it in docs/snp.md under '{gap_heading(m.era)}'"
        )
