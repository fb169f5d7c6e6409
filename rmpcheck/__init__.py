"""rmpcheck: model checking for SEV-SNP Reverse Map Table designs.

The public API (``load_model``, ``load_properties``, ``prove``, ``Result``,
``Trace``, ``Options``) is imported on first use, so ``import rmpcheck`` stays
cheap and never pulls in the parser or z3.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "load_model": "rmpcheck.lang",
    "load_properties": "rmpcheck.lang",
    "prove": "rmpcheck.api",
    "Options": "rmpcheck.engines.base",
    "Result": "rmpcheck.result",
    "Trace": "rmpcheck.trace.model",
}

__all__ = ["__version__", *_LAZY]

if TYPE_CHECKING:
    from rmpcheck.api import prove as prove
    from rmpcheck.engines.base import Options as Options
    from rmpcheck.lang import load_model as load_model
    from rmpcheck.lang import load_properties as load_properties
    from rmpcheck.result import Result as Result
    from rmpcheck.trace.model import Trace as Trace


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'rmpcheck' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
