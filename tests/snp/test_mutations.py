"""Mutation test: the property set notices when any statement of the base model goes missing.

For every ``require`` and every assignment in models/snp_base.rmp, the model
is rebuilt without that one statement (the IR is frozen, so the action bodies
are rebuilt) and checked against every claim of the property files: the
mutation is caught when some claim's verdict differs from the unmutated
model's (a safety claim refuted, a cover no longer covered, or the
reverse). A mutation no claim catches must be listed, with the reason, under
"Mutations no property catches" in docs/snp.md; a listed mutation that is in
fact caught fails the test too, so the list stays exact.

Speed: the mutants are checked at a tiny instance (one guest frame; the few
statements that need two frames are listed apart in docs/snp.md and checked
at the small instance). All safety claims of a mutant are checked in one
breadth-first search (their monitors renamed apart, their targets
conjoined); covers are asked only when that search neither catches the
mutant nor shows that every run of the base is still a run of the mutant
(see judge). Covers the base does not reach are not asked: the one that
matters (the BUG_ON) is the negation of the safety claim no_bug_on.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from snp_matrix import DOCS, ROOT, checks

from rmpcheck import ir
from rmpcheck.engines import explicit
from rmpcheck.engines.base import Deadline, Options
from rmpcheck.errors import Span
from rmpcheck.interp import Instance
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import Monitor, Obligation, System, compile_obligation

BASE = ROOT / "models" / "snp_base.rmp"
# the shared claims, not a variant's lemmas (lemmas hold of one variant, not of mutants)
PROPERTIES = tuple(
    ROOT / "properties" / p.name
    for p in next(c for c in checks() if c.name == "consult_under_lock").properties
)
# The test's instance: one guest frame and one host thread, so the base's
# state space is a few hundred states. A few statements matter only with two
# frames or two threads; docs/snp.md lists them apart and they are checked at
# a larger instance instead.
TINY = {"Page": 2, "Gpa": 1, "Thread": 1}
SMALL = {"Page": 3, "Gpa": 2, "Thread": 1}
TWO_THREADS = {"Page": 2, "Gpa": 1, "Thread": 2}
GAP_HEADING = "### Mutations no property catches"
# heading of a list in docs/snp.md -> the instance its mutations are caught at
LARGER = {
    "### Mutations caught only with two guest frames": SMALL,
    "### Mutations caught only with two host threads": TWO_THREADS,
}
# At TINY the search runs without symmetry reduction: the explored graph is
# then the concrete one, which makes "contains the base's graph" an exact
# test (and at this size reduction saves little). At a larger instance it only has to
# confirm that a mutant is caught, which reduction cannot fake.
def _options(sizes: dict[str, int]) -> Options:
    return Options(symmetry=sizes != TINY)

Path_ = tuple[object, ...]


@dataclass(frozen=True)
class Mutation:
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


def mutations(model: ir.Model) -> list[Mutation]:
    out: list[Mutation] = []
    for a in model.actions:
        seen: dict[str, int] = {}
        for path, s in _leaves(a.body):
            text = _source(s.span)
            seen[text] = seen.get(text, 0) + 1
            if seen[text] > 1:
                text = f"{text} (occurrence {seen[text]})"
            out.append(Mutation(a.full_name, path, text))
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


def _merged(model: ir.Model, obs: list[Obligation]) -> tuple[System, list[tuple[str, ir.Expr]]]:
    """One system carrying every obligation's monitors (renamed apart), and each target."""
    monitors: list[Monitor] = []
    targets: list[tuple[str, ir.Expr]] = []
    for o in obs:
        mons, target = _renamed(o, f"{o.prop.name}_")
        monitors += mons
        targets.append((o.prop.name, target))
    return System(model, tuple(monitors)), targets


Edge = tuple[object, ...]


@dataclass(frozen=True)
class Verdicts:
    """What the claims say about one model at one instance."""

    refuted: frozenset[str]  # safety claims violated
    covered: frozenset[str]  # covers reached
    graph: frozenset[Edge] | None  # the whole explored graph, when nothing was refuted


def judge(model: ir.Model, sizes: dict[str, int], base: Verdicts | None = None) -> Verdicts:
    """Ask every claim of PROPERTIES of ``model`` (of a mutant: how it differs from ``base``).

    Safety claims share one search of a system carrying all their monitors;
    it stops at the first violation. When there is none and the graph it
    explored contains the base's (a removed ``require`` only adds runs, a
    removed redundant write changes none), every run of the base is a run of
    the mutant, so every cover the base reaches the mutant reaches too and
    the covers are not asked. Otherwise each cover the base reaches runs its
    own search, and the first one the mutant no longer reaches catches it.
    """
    sets = [load_properties(p, model) for p in PROPERTIES]
    obs = [compile_obligation(model, s, p.name, use_lemmas=False)
           for s in sets for p in s.properties if p.kind != "assume"]
    assert not any(o.system.state_assumes or o.system.step_assumes for o in obs)
    system, safety = _merged(model, [o for o in obs if o.kind == "safety"])
    inst = Instance(system, sizes)
    whole = Obligation(system, obs[0].prop, "safety", ir.conj(t for _, t in safety))
    space = explicit.explore(inst, whole, _options(sizes), Deadline(None), record_edges=True)
    assert not space.stopped
    if space.hit is not None:
        s = space.states[space.hit]
        return Verdicts(frozenset(n for n, t in safety if not inst.holds(t, s)), frozenset(), None)
    st = space.states
    graph = frozenset((st[i], e, st[j]) for i, j, e in space.edges or ())
    if base is not None and base.graph is not None and base.graph <= graph:
        return Verdicts(frozenset(), base.covered, graph)
    covered: list[str] = []
    for o in obs:
        if o.kind != "reach" or (base is not None and o.prop.name not in base.covered):
            continue
        r = explicit.check(o, sizes, Options())
        assert r.verdict in ("covered", "uncoverable"), r.reason
        if r.verdict == "covered":
            covered.append(o.prop.name)
        elif base is not None:
            break  # one lost cover is enough to catch the mutant
    return Verdicts(frozenset(), frozenset(covered), graph)


@cache
def base_verdicts(size_key: tuple[tuple[str, int], ...]) -> Verdicts:
    return judge(BASE_MODEL, dict(size_key))


def caught(m: Mutation, sizes: dict[str, int]) -> bool:
    base = base_verdicts(tuple(sorted(sizes.items())))
    v = judge(mutate(BASE_MODEL, m), sizes, base)
    return bool(v.refuted) or v.covered != base.covered


def listed(heading: str) -> set[str]:
    text = DOCS.read_text()
    assert heading in text, f"docs/snp.md has no '{heading}' section"
    section = text.split(heading, 1)[1].split("\n#", 1)[0]
    return set(re.findall(r"^- `([^`]+)`", section, flags=re.M))


BASE_MODEL = load_model(BASE)
MUTATIONS = mutations(BASE_MODEL)
GAPS = listed(GAP_HEADING)
CAUGHT_LARGER = {key: sizes for heading, sizes in LARGER.items() for key in listed(heading)}


def test_the_base_meets_its_own_claims() -> None:
    for sizes in (TINY, *LARGER.values()):
        assert not base_verdicts(tuple(sorted(sizes.items()))).refuted


def test_every_statement_is_one_mutation() -> None:
    n = sum(1 for a in BASE_MODEL.actions for _ in _leaves(a.body))
    assert len(MUTATIONS) == n and len({m.key for m in MUTATIONS}) == n


def test_documented_mutations_exist() -> None:
    keys = {m.key for m in MUTATIONS}
    assert GAPS <= keys and set(CAUGHT_LARGER) <= keys, (GAPS | set(CAUGHT_LARGER)) - keys
    assert not GAPS & set(CAUGHT_LARGER)
    lists = [listed(h) for h in LARGER]
    assert sum(map(len, lists)) == len(CAUGHT_LARGER), "a mutation is in two lists"


@pytest.mark.slow
@pytest.mark.parametrize("m", MUTATIONS, ids=lambda m: m.key)
def test_mutation_is_caught_or_documented(m: Mutation) -> None:
    if m.key in GAPS:
        assert not caught(m, TINY), f"{m.key} is caught: remove it from the gaps in docs/snp.md"
    elif m.key in CAUGHT_LARGER:
        assert not caught(m, TINY), f"{m.key} is caught at {TINY}: drop it from its list"
        assert caught(m, CAUGHT_LARGER[m.key]), f"{m.key} is not caught at its larger instance"
    else:
        assert caught(m, TINY), f"no property notices removing {m.key}: strengthen the " \
                                f"properties or list it in docs/snp.md under '{GAP_HEADING}'"
