"""The SNP model library's expected-verdict matrix ([tool.rmpcheck], pyproject.toml), read, proved.

Shared by the tests in this directory: the matrix test proves it, the docs
test renders its refutations, the mutation test reuses its checks.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from glob import has_magic
from pathlib import Path

from rmpcheck import ir
from rmpcheck.api import prove
from rmpcheck.engines import inductive
from rmpcheck.engines.base import Options
from rmpcheck.engines.induction import shared
from rmpcheck.gate.plan import expectation_for
from rmpcheck.lang import load_model, load_properties
from rmpcheck.monitor import compile_obligation
from rmpcheck.result import Result

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "pyproject.toml"  # the gate's configuration holds the matrix
DOCS = ROOT / "docs" / "snp.md"


@dataclass(frozen=True)
class Check:
    """One design variant with its property files and the verdict each claim must get.

    ``expect`` is the verdict alone, which the check's own engine (explicit) must give
    too; ``settings`` holds the per-claim overrides of the entries written as tables,
    such as ``{ verdict = "proved", engine = "inductive", scope = "all-sizes" }``;
    ``patterns`` the verdicts of glob keys (``"*_lemma_*"``, the lemmas).
    """

    model: Path
    properties: tuple[Path, ...]
    engine: str
    instance: str
    expect: dict[str, str]
    settings: dict[str, dict[str, str]] = field(default_factory=dict)
    patterns: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.model.stem

    @property
    def era(self) -> str:
        """The directory of models/ the design belongs to: rfc2021 or upstream."""
        return self.model.parent.name

    def expected(self, claim: str) -> str | None:
        """The claim's verdict, from its own entry or the first pattern matching it."""
        return expectation_for({**self.expect, **self.patterns}, claim)

    def sizes_of(self, claim: str) -> dict[str, int] | None:
        """The claim's own instance, where the matrix gives one; None: the check's."""
        sizes = self.settings.get(claim, {}).get("instance")
        return dict(sizes) if isinstance(sizes, dict) else None

    def load(self) -> tuple[ir.Model, list[ir.PropertySet]]:
        model = load_model(self.model)
        return model, [load_properties(p, model) for p in self.properties]


def checks() -> list[Check]:
    with EXPECTED.open("rb") as f:
        table = tomllib.load(f)["tool"]["rmpcheck"]
    out = []
    for c in table["check"]:
        verdict = {n: v if isinstance(v, str) else v["verdict"] for n, v in c["expect"].items()}
        out.append(
            Check(
                ROOT / c["model"],
                tuple(ROOT / p for p in c["properties"]),
                c["engine"],
                c["instance"],
                {n: v for n, v in verdict.items() if not has_magic(n)},
                {n: dict(v) for n, v in c["expect"].items() if not isinstance(v, str)},
                {n: v for n, v in verdict.items() if has_magic(n)},
            )
        )
    return out


def all_sizes(check: Check, claim: str) -> bool:
    """Does the gate expect ``claim`` proved (or uncoverable) for every size?"""
    return check.settings.get(claim, {}).get("scope") == "all-sizes"


def all_sizes_claims(check: Check, lemmas: bool = False) -> list[tuple[str, Path]]:
    """The claims (lemmas only if asked) the gate proves for all sizes, with their files."""
    model, sets = check.load()
    out = []
    for path, props in zip(check.properties, sets, strict=True):
        for p in props.properties:
            if all_sizes(check, p.name) and (lemmas or p.kind != "lemma"):
                out.append((p.name, path))
    return out


def prove_check(check: Check) -> dict[str, Result]:
    """Every claim of the check's property files, proved with the check's engine at
    the check's instance, or at the claim's own instance where the matrix gives one
    (a scenario that needs two vCPUs or two granules)."""
    model, sets = check.load()
    out: dict[str, Result] = {}
    for i, props in enumerate(sets):
        special = {p.name: sizes for p in props.properties if (sizes := check.sizes_of(p.name))}
        rest = [p.name for p in props.properties if p.kind != "assume" and p.name not in special]
        if i == 0 and ir.DEADLOCK_CLAIM in check.expect:
            # as in the gate: the deadlock check goes with the first property file
            rest.append(ir.DEADLOCK_CLAIM)
        for r in prove(model, props, property=rest, engine=check.engine, instance=check.instance):
            out[r.property] = r
        # claims asked at the same special sizes share one search (api.prove)
        by_sizes: dict[tuple[tuple[str, int], ...], list[str]] = {}
        for name, sizes in special.items():
            by_sizes.setdefault(tuple(sorted(sizes.items())), []).append(name)
        for key, names in by_sizes.items():
            for r in prove(model, props, property=names, engine=check.engine, sizes=dict(key)):
                out[r.property] = r
    return out


# The correct design of each era: every claim it is expected to prove (or find
# uncoverable) at its instance is proved for every size with inferred lemmas.
CORRECT = ("know_and_check", "leak_on_invalidate_failure")
PROOFS = ("proved", "uncoverable")


def inferred_claims(check: Check) -> list[tuple[str, Path]]:
    """The state and step claims (covers included) the gate expects proved or
    uncoverable, in the order of the check's property files."""
    model = load_model(check.model)
    out = []
    for path in check.properties:
        for p in load_properties(path, model).properties:
            if p.kind in ("invariant", "always", "cover") and check.expect.get(p.name) in PROOFS:
                out.append((p.name, path))
    return out


def prove_inferred(check: Check, timeout_s: float) -> Iterator[tuple[str, Result]]:
    """Each of ``inferred_claims``, asked of the inductive engine with no lemma written
    by hand, one after another: a design's claims share one store of what each was
    proved with (engines/induction/shared), so a claim's inference starts from the
    invariants the earlier ones needed. The order is the property files', fixed."""
    model = load_model(check.model)
    sizes = dict(next(i for i in model.instances if i.name == check.instance).sizes)
    store = shared.Proved()
    for claim, path in inferred_claims(check):
        ob = compile_obligation(model, load_properties(path, model), claim)
        assert not ob.lemmas, (claim, "a lemma written by hand")
        opts = Options(timeout_s=timeout_s, extra={"proved": store})
        yield claim, inductive.check(ob, check.sizes_of(claim) or sizes, opts)
