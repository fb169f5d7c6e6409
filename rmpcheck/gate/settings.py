"""The gate configuration as data: settings, expectations, checks (read by config.py).

Kept apart from the reader so that what a configuration *means* (how settings
inherit, what an expectation asks) reads on one page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import get_args

from rmpcheck.gate.locate import KeyPath, TomlText
from rmpcheck.result import Verdict

VERDICTS: tuple[str, ...] = get_args(Verdict)
SCOPES = ("instance", "all-sizes")

TOP = ("tool", "rmpcheck")
# what a proof may be expected to be found, with the reason (docs/vacuity.md)
FINDINGS = ("vacuous", "by_construction")
VACUITY = ("check", "off")

Sizes = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class InstanceRef:
    """An instance as the configuration names it: by name, or written inline."""

    name: str
    sizes: Sizes | None = None  # None: look the name up (config, then model, then props)


@dataclass(frozen=True, slots=True)
class Settings:
    """Engine, limits and instance; unset (None) fields inherit from the enclosing level."""

    engine: str | None = None
    timeout: float | None = None
    memory_mb: int | None = None
    depth: int | None = None
    instance: InstanceRef | None = None
    vacuity: str | None = None  # "check": examine every proof (docs/vacuity.md); "off"

    def over(self, base: Settings) -> Settings:
        """These settings, falling back to ``base`` where unset."""
        return Settings(
            self.engine if self.engine is not None else base.engine,
            self.timeout if self.timeout is not None else base.timeout,
            self.memory_mb if self.memory_mb is not None else base.memory_mb,
            self.depth if self.depth is not None else base.depth,
            self.instance if self.instance is not None else base.instance,
            self.vacuity if self.vacuity is not None else base.vacuity,
        )


DEFAULTS = Settings(engine="auto", timeout=60.0, memory_mb=2048, depth=30, vacuity="check")


@dataclass(frozen=True, slots=True)
class Expectation:
    """What a claim must give: a verdict and, for proofs, the least scope that counts;
    for a proof that is vacuous or true by construction, why that is expected."""

    verdict: str
    scope: str = "instance"
    settings: Settings = Settings()
    vacuous: str | None = None
    by_construction: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    """One ``[[tool.rmpcheck.check]]``: models x property files, each claim expected."""

    index: int
    models: tuple[Path, ...]
    properties: tuple[Path, ...]
    settings: Settings
    expect: Mapping[str, Expectation]


@dataclass(frozen=True)
class GateConfig:
    path: Path
    root: Path  # the directory of the config file: paths in it are relative to this
    source: TomlText
    settings: Settings  # top-level defaults over DEFAULTS
    instances: Mapping[str, Sizes]
    checks: tuple[Check, ...]
    cache_dir: Path
    prefix: tuple[str, ...] = TOP  # where the table sits in the file
    scheduler: str | None = None  # a Dask scheduler to run on (gate/cluster.py); None: here

    def key(self, *parts: str | int) -> KeyPath:
        """A key path inside the gate's table, for locating errors."""
        return (*self.prefix, *parts)
