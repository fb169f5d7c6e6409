"""The CI gate: run every configured (model, property) pair and compare each verdict.

``load_config`` reads ``[tool.rmpcheck]``; ``make_plan`` loads the models and
lists the obligations; ``run_gate`` runs them (cached, in parallel, under
limits) and returns a :class:`GateReport`; console, junit, sarif and
document turn a report into output. docs/ci.md describes the configuration.
"""

from rmpcheck.gate.config import GateConfig, find_config, load_config
from rmpcheck.gate.plan import Job, Plan, make_plan
from rmpcheck.gate.run import GateOptions, GateReport, run_gate

__all__ = [
    "GateConfig",
    "GateOptions",
    "GateReport",
    "Job",
    "Plan",
    "find_config",
    "load_config",
    "make_plan",
    "run_gate",
]
