"""Engine names to their ``check`` functions, imported only when an engine runs.

Every engine is a function ``check(ob, sizes, opts) -> Result``. Importing
lazily keeps z3 out of processes that never touch a symbolic engine and lets
the CLI list engines that have not been imported.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping

from rmpcheck.engines.base import Options
from rmpcheck.errors import ConfigError
from rmpcheck.monitor import Obligation
from rmpcheck.result import Result

EngineFn = Callable[[Obligation, Mapping[str, int], Options], Result]

# engine name -> "module:function"; add an engine by adding a line here
ENGINES: dict[str, str] = {
    "bmc": "rmpcheck.engines.bmc:check",
    "kind": "rmpcheck.engines.kind:check",
    "pdr": "rmpcheck.engines.pdr:check",
    "explicit": "rmpcheck.engines.explicit:check",
    "inductive": "rmpcheck.engines.inductive:check",
    "auto": "rmpcheck.engines.auto:check",
}


# the same engines on liveness claims (kind "liveness"): auto runs its members
# through run(), so they land here too
LIVENESS: dict[str, str] = {
    "bmc": "rmpcheck.engines.liveness.lasso:check",
    "kind": "rmpcheck.engines.liveness.l2s:check_kind",
    "pdr": "rmpcheck.engines.liveness.l2s:check_pdr",
    "explicit": "rmpcheck.engines.liveness.explicit:check",
    "inductive": "rmpcheck.engines.liveness.ranking:check",
    "auto": "rmpcheck.engines.auto:check",
}


def names() -> list[str]:
    return list(ENGINES)


def resolve(engine: str) -> EngineFn:
    """The check function of ``engine``; a ConfigError naming the valid engines if unknown."""
    return _load(engine, ENGINES)


def resolve_liveness(engine: str) -> EngineFn:
    """The check function of ``engine`` for liveness claims."""
    return _load(engine, LIVENESS)


def _load(engine: str, table: Mapping[str, str]) -> EngineFn:
    target = table.get(engine)
    if target is None:
        raise ConfigError(f"unknown engine {engine!r}; valid engines: {', '.join(ENGINES)}")
    module, _, attr = target.partition(":")
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as e:
        if e.name == module:
            raise ConfigError(f"engine {engine!r} is not available in this build") from None
        raise
    fn: EngineFn = getattr(mod, attr)
    return fn


def run(engine: str, ob: Obligation, sizes: Mapping[str, int], opts: Options) -> Result:
    """Check one obligation with the named engine, within its time limit from the first
    instruction on (engines.limits): running out of time or memory is "unknown"."""
    from rmpcheck.engines.limits import bounded

    check = resolve_liveness(engine) if ob.kind == "liveness" else resolve(engine)
    return bounded(engine, ob, opts, lambda: check(ob, sizes, opts))
