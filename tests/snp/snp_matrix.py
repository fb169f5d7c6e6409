"""The SNP model library's expected-verdict matrix ([tool.rmpcheck], pyproject.toml), read, proved.

Shared by the tests in this directory: the matrix test proves it, the docs
test renders its refutations, the mutation test reuses its checks.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from glob import has_magic
from pathlib import Path

from rmpcheck import ir
from rmpcheck.api import prove
from rmpcheck.gate.plan import expectation_for
from rmpcheck.lang import load_model, load_properties
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
        special = {
            p.name: sizes for p in props.properties if (sizes := check.sizes_of(p.name))
        }
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
