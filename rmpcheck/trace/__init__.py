"""Counterexample and witness traces: the type, replay, and exporters."""

from rmpcheck.trace.model import Step, Trace

__all__ = ["Step", "Trace"]
