"""The gate's configuration: ``[tool.rmpcheck]`` in pyproject.toml, read and checked.

::

    [tool.rmpcheck]
    engine = "auto"          # defaults for every check; each may override
    timeout = 60             # seconds per obligation
    memory_mb = 2048
    depth = 10
    instance = "small"       # a name below, or one the model file declares

    [tool.rmpcheck.instances]
    small = { Page = 3, Gpa = 2, Asid = 1, Thread = 2 }

    [[tool.rmpcheck.check]]
    model = "models/rfc2021/know_and_check.rmp"    # a path or glob, or a list
    properties = "properties/host_write.prop"      # likewise
    expect = { write_checked = "proved", bug_on_reachable = "uncoverable",
               slow_one = { verdict = "proved", engine = "kind", timeout = 300 } }

This module checks only what the TOML alone can tell (types, known keys,
known verdicts, files that exist); :mod:`rmpcheck.gate.plan` checks the rest
against the loaded models (every claim has an expectation and vice versa).
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from rmpcheck.bounds import (
    MAX_SORT_SIZE,
    UnreadableFile,
    memory_problem,
    read_file,
    timeout_problem,
)
from rmpcheck.engines.registry import ENGINES
from rmpcheck.errors import ConfigError
from rmpcheck.gate.locate import ConfigErrors, KeyPath, TomlText, syntax_error
from rmpcheck.gate.settings import (
    DEFAULTS,
    FINDINGS,
    SCOPES,
    TOP,
    VACUITY,
    VERDICTS,
    Check,
    Expectation,
    GateConfig,
    InstanceRef,
    Settings,
    Sizes,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

_SETTINGS = ("engine", "timeout", "memory_mb", "depth", "instance", "vacuity")
TOP_KEYS = (*_SETTINGS, "instances", "check", "cache", "scheduler")
_CHECK_KEYS = (*_SETTINGS, "model", "properties", "expect")
_EXPECT_KEYS = (*_SETTINGS, "verdict", "scope", *FINDINGS)

DEFAULT_CACHE = ".rmpcheck-cache"

__all__ = [
    "DEFAULTS",
    "Check",
    "Expectation",
    "GateConfig",
    "InstanceRef",
    "Settings",
    "Sizes",
    "find_config",
    "load_config",
]


def find_config(start: Path | None = None) -> Path:
    """The nearest pyproject.toml with a ``[tool.rmpcheck]`` table, from ``start`` upwards."""
    here = (start or Path.cwd()).resolve()
    first: Path | None = None
    for d in (here, *here.parents):
        p = d / "pyproject.toml"
        if p.is_file():
            first = first or p
            if "[tool.rmpcheck" in p.read_text(encoding="utf-8", errors="replace"):
                return p
    if first is not None:
        raise ConfigError(
            f"{first}: no [tool.rmpcheck] table: the gate has nothing to check "
            "(docs/ci.md shows the format; or give MODEL and PROPS to prove one file)"
        )
    raise ConfigError(
        f"no pyproject.toml in {here} or any parent directory; "
        "use --config FILE, or give MODEL and PROPS to prove one file"
    )


def load_config(path: str | os.PathLike[str], recording: bool = False) -> GateConfig:
    """Read and check the configuration in ``path``; every problem is a located ConfigError.
    ``recording`` (``--write-expectations``): a check without ``expect`` is no error."""
    p = Path(path)
    if not p.exists():
        raise ConfigError(f"{p}: no such configuration file")
    try:
        text = read_file(p).decode("utf-8")
    except UnreadableFile as e:
        raise ConfigError(f"{p}: cannot read configuration: {e}") from None
    except UnicodeDecodeError as e:
        raise ConfigError(f"{p}: cannot read configuration: {e}") from None
    source = TomlText(str(p), text)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise syntax_error(source, e) from None
    table = doc.get("tool", {}).get("rmpcheck")
    if p.suffix == ".toml" and table is None and p.name != "pyproject.toml":
        table = doc  # a stand-alone rmpcheck.toml may hold the table at top level
        source_prefix: tuple[str, ...] = ()
    else:
        source_prefix = TOP
    if not isinstance(table, dict):
        raise ConfigError(f"{p}: no [tool.rmpcheck] table: the gate has nothing to check")
    return _Reader(p, source, source_prefix, recording).read(table)


class _Reader:
    def __init__(
        self, path: Path, source: TomlText, prefix: tuple[str, ...], recording: bool = False
    ) -> None:
        self.path = path
        self.recording = recording
        self.root = path.resolve().parent
        self.source = source
        self.prefix = prefix
        self.errors = ConfigErrors(source)

    def at(self, *parts: str | int) -> KeyPath:
        return (*self.prefix, *parts)

    def error(self, key: KeyPath, message: str, hint: str | None = None) -> None:
        self.errors.add(key, message, hint)

    def read(self, table: dict[str, Any]) -> GateConfig:
        self.unknown_keys(table, TOP_KEYS, self.at(), "[tool.rmpcheck]")
        settings = self.settings(table, self.at()).over(DEFAULTS)
        instances = self.instances(table.get("instances", {}))
        checks_raw = table.get("check")
        checks: list[Check] = []
        if checks_raw is None:
            self.error(
                self.at(),
                "no [[tool.rmpcheck.check]] entries: the gate has nothing to check",
                "add one per model, with model = ..., properties = ... and expect = {...}",
            )
        elif not isinstance(checks_raw, list):
            self.error(
                self.at("check"), "'check' must be an array of tables ([[tool.rmpcheck.check]])"
            )
        else:
            for i, c in enumerate(checks_raw):
                check = self.check(i, c)
                if check is not None:
                    checks.append(check)
        cache = table.get("cache", DEFAULT_CACHE)
        if not isinstance(cache, str) or not cache:
            self.error(self.at("cache"), "'cache' must be a directory name (a string)")
            cache = DEFAULT_CACHE
        scheduler = self.scheduler(table.get("scheduler"))
        self.errors.raise_if_any()
        return GateConfig(
            self.path,
            self.root,
            self.source,
            settings,
            instances,
            tuple(checks),
            self.root / cache,
            self.prefix,
            scheduler,
        )

    def scheduler(self, v: Any) -> str | None:
        """A Dask scheduler's address (gate/cluster.py), as ``dask scheduler`` prints it."""
        if v is None:
            return None
        if not isinstance(v, str) or "://" not in v:
            self.error(
                self.at("scheduler"),
                "'scheduler' must be a Dask scheduler's address, as a string",
                'for example scheduler = "tcp://10.0.0.5:8786" (docs/ci.md)',
            )
            return None
        return v

    def unknown_keys(
        self, table: Mapping[str, Any], allowed: tuple[str, ...], key: KeyPath, where: str
    ) -> None:
        from rmpcheck.lang.source import did_you_mean

        for k in table:
            if k not in allowed:
                hint = did_you_mean(k, allowed) or f"known keys: {', '.join(allowed)}"
                self.error((*key, k), f"unknown key '{k}' in {where}", hint)

    # ------------------------------------------------------------- settings

    def settings(self, t: Mapping[str, Any], key: KeyPath) -> Settings:
        engine = t.get("engine")
        if engine is not None and engine not in ENGINES:
            self.error(
                (*key, "engine"), f"unknown engine {engine!r}", f"one of: {', '.join(ENGINES)}"
            )
            engine = None
        timeout = t.get("timeout")
        if timeout is not None:
            if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
                self.error((*key, "timeout"), "'timeout' must be a number of seconds")
                timeout = None
            elif (why := timeout_problem(float(timeout))) is not None:
                # nan or 1e400 would switch the limit off without a word
                self.error((*key, "timeout"), f"'timeout' {why}")
                timeout = None
        memory = self.positive_int(t, "memory_mb", key, "a positive number of megabytes")
        if memory is not None and (why := memory_problem(memory)) is not None:
            self.error((*key, "memory_mb"), f"'memory_mb' {why}")
            memory = None
        depth = t.get("depth")
        if depth is not None and (
            isinstance(depth, bool) or not isinstance(depth, int) or depth < 0
        ):
            self.error((*key, "depth"), "'depth' must be a whole number, 0 or more")
            depth = None
        inst = self.instance_ref(t.get("instance"), (*key, "instance"))
        vacuity = t.get("vacuity")
        if vacuity is not None and vacuity not in VACUITY:
            hint = f"one of: {', '.join(VACUITY)}"
            self.error((*key, "vacuity"), f"unknown vacuity setting {vacuity!r}", hint)
            vacuity = None
        secs = None if timeout is None else float(timeout)
        return Settings(engine, secs, memory, depth, inst, vacuity)

    def positive_int(self, t: Mapping[str, Any], name: str, key: KeyPath, what: str) -> int | None:
        v = t.get(name)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v <= 0):
            self.error((*key, name), f"'{name}' must be {what}")
            return None
        return v

    def instance_ref(self, v: Any, key: KeyPath) -> InstanceRef | None:
        if v is None:
            return None
        if isinstance(v, str):
            return InstanceRef(v)
        if isinstance(v, dict):
            sizes = self.sizes(v, key)
            return InstanceRef("{" + ", ".join(f"{k}={n}" for k, n in sizes) + "}", sizes)
        self.error(key, "'instance' must be a name (\"small\") or sizes ({ Page = 2, Thread = 2 })")
        return None

    def sizes(self, v: Mapping[str, Any], key: KeyPath) -> Sizes:
        out: list[tuple[str, int]] = []
        for sort, n in v.items():
            if isinstance(n, bool) or not isinstance(n, int) or n < 1:
                self.error((*key, sort), f"the size of {sort} must be a whole number, 1 or more")
            elif n > MAX_SORT_SIZE:
                self.error((*key, sort), f"the size of {sort} is {n:,}: at most {MAX_SORT_SIZE:,}")
            else:
                out.append((sort, n))
        return tuple(sorted(out))

    def instances(self, v: Any) -> dict[str, Sizes]:
        key = self.at("instances")
        if not isinstance(v, dict):
            self.error(key, "'instances' must be a table of name = { Sort = size, ... }")
            return {}
        out: dict[str, Sizes] = {}
        for name, sizes in v.items():
            if not isinstance(sizes, dict):
                self.error((*key, name), f"instance {name} must be a table {{ Sort = size, ... }}")
                continue
            out[name] = self.sizes(sizes, (*key, name))
        return out

    # ---------------------------------------------------------------- checks

    def check(self, i: int, c: Any) -> Check | None:
        key = self.at("check", i)
        if not isinstance(c, dict):
            self.error(key, "each check must be a table")
            return None
        self.unknown_keys(c, _CHECK_KEYS, key, f"check #{i + 1}")
        models = self.files(c, "model", key, i)
        props = self.files(c, "properties", key, i)
        settings = self.settings(c, key)
        expect = self.expectations(c.get("expect"), (*key, "expect"), i)
        if models is None or props is None or expect is None:
            return None
        return Check(i, models, props, settings, expect)

    def files(
        self, c: Mapping[str, Any], name: str, key: KeyPath, i: int
    ) -> tuple[Path, ...] | None:
        v = c.get(name)
        if v is None:
            self.error(
                key,
                f"check #{i + 1} has no '{name}'",
                f'{name} = "path/or/*.glob" (or a list of them), relative to {self.path.name}',
            )
            return None
        pats = [v] if isinstance(v, str) else v
        if (
            not isinstance(pats, list)
            or not pats
            or not all(isinstance(x, str) and x for x in pats)
        ):
            self.error((*key, name), f"'{name}' must be a path or glob, or a list of them")
            return None
        found: dict[Path, None] = {}
        for pat in pats:
            matches = _expand(self.root, pat)
            if not matches:
                what = "no file matches" if glob.has_magic(pat) else "no such file:"
                self.error((*key, name), f"{what} {pat}", f"paths are relative to {self.root}")
            for m in matches:
                found[m] = None
        return tuple(found) if found else None

    def expectations(self, v: Any, key: KeyPath, i: int) -> dict[str, Expectation] | None:
        if v is None and self.recording:
            return {}
        if v is None:
            self.error(
                key[:-1],
                f"check #{i + 1} has no 'expect'",
                'every claim needs an expected verdict: expect = { name = "proved", '
                'cover_name = "covered", ... }; or let `rmpcheck prove --write-expectations` '
                "record the verdicts the claims get now",
            )
            return None
        if not isinstance(v, dict):
            self.error(key, "'expect' must be a table: { claim = \"verdict\", ... }")
            return None
        out: dict[str, Expectation] = {}
        for name, e in v.items():
            exp = self.expectation(e, (*key, name), name)
            if exp is not None:
                out[name] = exp
        return out

    def expectation(self, e: Any, key: KeyPath, name: str) -> Expectation | None:
        if isinstance(e, str):
            return Expectation(e) if self.verdict(e, key, name) else None
        if not isinstance(e, dict):
            self.error(key, f"the expectation for {name} must be a verdict or a table")
            return None
        self.unknown_keys(e, _EXPECT_KEYS, key, f"the expectation for {name}")
        verdict = e.get("verdict")
        if not isinstance(verdict, str):
            self.error(
                key,
                f"the expectation for {name} has no 'verdict'",
                f'{name} = {{ verdict = "proved", ... }}',
            )
            return None
        if not self.verdict(verdict, key, name):
            return None
        scope = e.get("scope", "instance")
        if scope not in SCOPES:
            self.error((*key, "scope"), f"unknown scope {scope!r}", f"one of: {', '.join(SCOPES)}")
            return None
        if scope != "instance" and verdict not in ("proved", "uncoverable"):
            self.error((*key, "scope"), f"a scope applies to proved and uncoverable, not {verdict}")
        why = [self.finding(e, f, verdict, key, name) for f in FINDINGS]
        return Expectation(verdict, scope, self.settings(e, key), *why)

    def finding(
        self, e: Mapping[str, Any], f: str, verdict: str, key: KeyPath, name: str
    ) -> str | None:
        """The reason a proof is expected to be vacuous (or by construction), if given."""
        why = e.get(f)
        if why is None:
            return None
        if not isinstance(why, str) or not why.strip():
            self.error(
                (*key, f),
                f"'{f}' must say why {name}'s proof is expected to be "
                f"{f.replace('_', ' ')} (a non-empty string)",
                f'{f} = "the premise never holds in this design: ..."',
            )
            return None
        if verdict != "proved":
            self.error((*key, f), f"'{f}' applies to a proof, not to a claim expected {verdict}")
        return why

    def verdict(self, v: str, key: KeyPath, name: str) -> bool:
        if v in VERDICTS:
            return True
        from rmpcheck.lang.source import did_you_mean

        hint = did_you_mean(v, VERDICTS) or f"one of: {', '.join(VERDICTS)}"
        self.error(key, f"unknown verdict {v!r} for {name}", hint)
        return False


def _expand(root: Path, pattern: str) -> list[Path]:
    """Files matching ``pattern`` (relative to ``root``), sorted, so runs are reproducible."""
    full = pattern if os.path.isabs(pattern) else str(root / pattern)
    if glob.has_magic(pattern):
        return [Path(m) for m in sorted(glob.glob(full, recursive=True)) if os.path.isfile(m)]
    return [Path(full)] if os.path.isfile(full) else []
