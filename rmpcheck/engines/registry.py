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


def names() -> list[str]:
    return list(ENGINES)


def resolve(engine: str) -> EngineFn:
    """The check function of ``engine``; a ConfigError naming the valid engines if unknown."""
    target = ENGINES.get(engine)
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

    check = resolve(engine)
    return bounded(engine, ob, opts, lambda: check(ob, sizes, opts))
