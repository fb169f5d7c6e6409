"""Concrete semantics on a finite instance: the reference every engine is tested against."""

from rmpcheck.interp.instance import ActionInstance, Instance
from rmpcheck.interp.values import Domain, Raw, Sizes, State

__all__ = ["ActionInstance", "Domain", "Instance", "Raw", "Sizes", "State"]
