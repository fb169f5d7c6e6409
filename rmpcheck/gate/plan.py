"""From a configuration to the list of obligations the gate runs.

Each check pairs its model files with the property files written for them
(``properties for NAME`` naming the model or a model it includes), loads
them, and makes one :class:`Job` per claim. Everything the configuration
claims must exist does (each expectation names a claim, each claim has an
expectation, each instance is defined and sizes every sort), or the plan is a
located ConfigError listing every problem.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from rmpcheck import ir
from rmpcheck.gate.fingerprint import obligation_key, properties_for
from rmpcheck.gate.locate import ConfigErrors, KeyPath
from rmpcheck.gate.settings import Check, Expectation, GateConfig, Settings, Sizes
from rmpcheck.lang.source import did_you_mean
from rmpcheck.liveness import deadlock

# the claims whose proofs the gate examines for vacuity (a cover needs nothing)
EXAMINED = ("invariant", "always", "lemma", "liveness")

# which verdicts a claim of each kind can get
_SAFETY = ("proved", "refuted", "bounded-safe", "unknown")
_REACH = ("covered", "uncoverable", "bounded-safe", "unknown")


@dataclass(frozen=True, slots=True)
class Job:
    """One obligation: a claim of a property file, on a model, at one instance, by one engine."""

    model_file: Path
    props_file: Path
    model: str
    prop: str
    kind: str  # the claim's kind: invariant, always, cover, lemma
    instance: str
    sizes: Sizes
    engine: str
    timeout: float
    memory_mb: int
    depth: int
    expect: Expectation
    check: int
    key: str  # the cache key (fingerprint.obligation_key)
    vacuity: bool = False  # examine the proof: vacuous? by construction? (docs/vacuity.md)

    @property
    def name(self) -> str:
        """``model::property``: how reports and pytest name the obligation."""
        return f"{self.model}::{self.prop}"

    @property
    def options(self) -> dict[str, object]:
        return {"depth": self.depth, "timeout": self.timeout, "memory_mb": self.memory_mb}


@dataclass(frozen=True)
class Plan:
    config: GateConfig
    jobs: tuple[Job, ...]
    models: Mapping[Path, ir.Model]
    props: Mapping[tuple[Path, Path], ir.PropertySet]  # (props_file, model_file) -> set

    def rel(self, p: Path) -> str:
        """A path as the configuration's directory sees it (for reports and SARIF)."""
        return relative(p, self.config.root)

    def prop_set(self, job: Job) -> ir.PropertySet:
        return self.props[(job.props_file, job.model_file)]

    def property(self, job: Job) -> ir.Property:
        return self.prop_set(job).get(job.prop)


def make_plan(config: GateConfig, recording: bool = False) -> Plan:
    """Load every model and property file the configuration names and list the jobs.
    ``recording`` (``--write-expectations``): a claim without an expectation is no
    error; its job expects what its kind gets when it holds (:func:`placeholder`)."""
    return _Planner(config, recording).plan()


class _Planner:
    def __init__(self, config: GateConfig, recording: bool = False) -> None:
        self.config = config
        self.recording = recording
        self.errors = ConfigErrors(config.source)
        self.models: dict[Path, ir.Model] = {}
        self.props: dict[tuple[Path, Path], ir.PropertySet] = {}

    def plan(self) -> Plan:
        jobs: list[Job] = []
        for check in self.config.checks:
            jobs.extend(self.check(check))
        self.errors.raise_if_any()
        return Plan(self.config, tuple(jobs), self.models, self.props)

    def model(self, path: Path) -> ir.Model:
        from rmpcheck.lang import load_model

        m = self.models.get(path)
        if m is None:
            m = self.models[path] = load_model(path)
        return m

    def prop_set(self, path: Path, model_file: Path) -> ir.PropertySet:
        from rmpcheck.lang import load_properties

        ps = self.props.get((path, model_file))
        if ps is None:
            ps = self.props[(path, model_file)] = load_properties(path, self.model(model_file))
        return ps

    def pairs(self, check: Check) -> list[tuple[Path, Path]]:
        """(model file, property file) pairs of a check: all of them if only one of each,
        else those whose property file is written for the model or one it includes."""
        if len(check.models) == 1 and len(check.properties) == 1:
            return [(check.models[0], check.properties[0])]
        out: list[tuple[Path, Path]] = []
        for mf in check.models:
            model = self.model(mf)
            fits = [
                pf for pf in check.properties if _target(pf) in (None, model.name, *model.includes)
            ]
            if not fits:
                self.errors.add(
                    self.config.key("check", check.index, "properties"),
                    f"no property file of check #{check.index + 1} is for model {model.name} "
                    f"({self.rel(mf)})",
                    "a property file applies to the model named by its 'properties for NAME' "
                    "line, or to a model that includes that model",
                )
            out.extend((mf, pf) for pf in fits)
        return out

    def rel(self, p: Path) -> str:
        return relative(p, self.config.root)

    def check(self, check: Check) -> list[Job]:
        base = check.settings.over(self.config.settings)
        jobs: list[Job] = []
        claims: set[str] = set()
        ekey = self.config.key("check", check.index, "expect")
        # the deadlock check runs where a check names it, with the first property file
        # written for each model (docs/ci.md): the shipped matrix never asks for it
        owner: dict[Path, Path] = {}
        for mf, pf in self.pairs(check):
            model = self.model(mf)
            ps = self.prop_set(pf, mf)
            if ir.DEADLOCK_CLAIM in check.expect and mf not in owner:
                owner[mf] = pf
                ps = self.props[(pf, mf)] = deadlock.with_claim(model, ps)
            missing: list[ir.Property] = []
            for prop in ps.properties:
                if prop.kind == "deadlock" and owner.get(mf) != pf:
                    continue  # added for another check, or another property file
                if prop.kind == "assume":
                    if prop.name in check.expect:
                        self.errors.add(
                            (*ekey, prop.name),
                            f"{prop.name} is an assumption, not a claim: it has no verdict",
                            "remove this expectation",
                        )
                    continue
                claims.add(prop.name)
                exp = expectation_for(check.expect, prop.name)
                if exp is None and self.recording:
                    exp = Expectation(placeholder(prop))
                if exp is None:
                    missing.append(prop)
                    continue
                job = self.job(check, base, mf, pf, model, ps, prop, exp)
                if job is not None:
                    jobs.append(job)
            if missing:
                self.errors.add(
                    ekey if check.expect else self.config.key("check", check.index),
                    f"no expected verdict for {_names([p.name for p in missing])} of "
                    f"{self.rel(pf)} on model {model.name}",
                    missing_hint(missing),
                )
        for name in check.expect:
            if glob.has_magic(name):
                matched = any(fnmatch.fnmatchcase(c, name) for c in claims)
                if check.models and check.properties and not matched:
                    self.errors.add(
                        (*ekey, name),
                        f"the pattern {name} matches no claim of check #{check.index + 1}",
                        f"the claims are: {', '.join(sorted(claims))}" if claims else None,
                    )
                continue
            if name not in claims and (check.models and check.properties):
                hint = did_you_mean(name, claims) or (
                    f"the claims are: {', '.join(sorted(claims))}" if claims else None
                )
                self.errors.add(
                    (*ekey, name),
                    f"expectation for {name}, but no property file of check "
                    f"#{check.index + 1} declares a claim named {name}",
                    hint,
                )
        return jobs

    def job(
        self,
        check: Check,
        base: Settings,
        mf: Path,
        pf: Path,
        model: ir.Model,
        ps: ir.PropertySet,
        prop: ir.Property,
        exp: Expectation,
    ) -> Job | None:
        # the claim's own entry, or the pattern that gave its expectation
        written = prop.name if prop.name in check.expect else self.written(check, exp)
        ekey = self.config.key("check", check.index, "expect", written)
        allowed = _REACH if prop.kind == "cover" else _SAFETY
        if exp.verdict not in allowed:
            self.errors.add(
                ekey,
                f"{prop.kind} {prop.name} cannot be {exp.verdict}",
                f"a {prop.kind} can be {', '.join(allowed)}",
            )
            return None
        s = exp.settings.over(base)
        assert s.engine is not None and s.timeout is not None
        assert s.memory_mb is not None and s.depth is not None
        sizes = self.sizes(check, exp, s, model, ps)
        if sizes is None:
            return None
        name, sz = sizes
        # only a proof is examined: a claim expected refuted or bounded-safe is a
        # mismatch if it ever comes out proved, whatever its proof is worth
        vacuity = s.vacuity == "check" and prop.kind in EXAMINED and exp.verdict == "proved"
        if not vacuity and (exp.vacuous or exp.by_construction):
            self.errors.add(
                ekey,
                f"{prop.name} is expected to be found vacuous or by construction, "
                f"but its proof is not examined ({prop.kind}, vacuity = {s.vacuity!r})",
                'drop vacuity = "off", or the vacuous/by_construction expectation',
            )
        key = obligation_key(
            mf,
            pf,
            model,
            ps,
            prop.name,
            sz,
            s.engine,
            {"depth": s.depth, "timeout": s.timeout, "memory_mb": s.memory_mb},
        )
        return Job(
            mf,
            pf,
            model.name,
            prop.name,
            prop.kind,
            name,
            sz,
            s.engine,
            s.timeout,
            s.memory_mb,
            s.depth,
            exp,
            check.index,
            key,
            vacuity,
        )

    def sizes(
        self, check: Check, exp: Expectation, s: Settings, model: ir.Model, ps: ir.PropertySet
    ) -> tuple[str, Sizes] | None:
        """The instance's name and its sizes for the model's sorts; None after an error."""
        where = self.instance_key(check, exp)
        sorts = [x.name for x in model.sorts]
        ref = s.instance
        if ref is None:
            declared = model.instances or ps.instances
            if declared:
                ref_name, sizes = declared[0].name, tuple(sorted(declared[0].sizes))
            elif not sorts:
                return "", ()
            else:
                self.errors.add(
                    where,
                    f"no instance for model {model.name} (sorts {', '.join(sorts)})",
                    'set instance = "NAME" (from [tool.rmpcheck.instances]) '
                    "or instance = { Sort = size, ... }",
                )
                return None
        elif ref.sizes is not None:
            ref_name, sizes = ref.name, ref.sizes
        else:
            known = {
                **{i.name: i.sizes for i in ps.instances},
                **{i.name: i.sizes for i in model.instances},
                **self.config.instances,
            }
            found = known.get(ref.name)
            if found is None:
                self.errors.add(
                    where,
                    f"unknown instance {ref.name!r}",
                    did_you_mean(ref.name, known)
                    or "define it in [tool.rmpcheck.instances] or in the model file",
                )
                return None
            ref_name, sizes = ref.name, tuple(sorted(found))
        given = dict(sizes)
        lacking = [x for x in sorts if x not in given]
        if lacking:
            self.errors.add(
                where,
                f"instance {ref_name} gives no size for {', '.join(lacking)} (model {model.name})",
            )
            return None
        # sizes for sorts this model lacks do not matter to it (nor to its cache key)
        return ref_name, tuple((k, v) for k, v in sizes if k in sorts)

    @staticmethod
    def written(check: Check, exp: Expectation) -> str:
        """The key under ``expect`` that holds ``exp``."""
        return next((n for n, e in check.expect.items() if e is exp), "")

    def instance_key(self, check: Check, exp: Expectation) -> KeyPath:
        """Where the instance in force was set, for errors about it."""
        if exp.settings.instance is not None:
            name = self.written(check, exp)
            return self.config.key("check", check.index, "expect", name, "instance")
        if check.settings.instance is not None:
            return self.config.key("check", check.index, "instance")
        if self.config.settings.instance is not None:
            return self.config.key("instance")
        return self.config.key("check", check.index, "model")


def relative(p: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(p, root)).as_posix()
    except ValueError:  # another drive on Windows
        return p.as_posix()


def _target(path: Path) -> str | None:
    try:
        return properties_for(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return None


E = TypeVar("E")  # an expectation: the gate's, or a test's verdict string


def expectation_for(expect: Mapping[str, E], claim: str) -> E | None:
    """The claim's own expectation, else that of the first pattern (``*_lemma_*``)
    that matches its name, in the order written."""
    if claim in expect:
        return expect[claim]
    return next(
        (e for k, e in expect.items() if glob.has_magic(k) and fnmatch.fnmatchcase(claim, k)),
        None,
    )


def placeholder(prop: ir.Property) -> str:
    """The verdict to propose for a claim nobody gave one: what it gets when it holds."""
    return "covered" if prop.kind == "cover" else "proved"


def missing_hint(missing: list[ir.Property]) -> str:
    """Every missing expectation, each with the verdict its kind gets when it holds."""
    entries = ", ".join(f'{p.name} = "{placeholder(p)}"' for p in missing)
    return (
        f"every claim needs one: {entries} (or let `rmpcheck prove --write-expectations` "
        "record the verdicts the claims get now)"
    )


def _names(names: list[str]) -> str:
    if len(names) == 1:
        return f"claim {names[0]}"
    return "claims " + ", ".join(names)
