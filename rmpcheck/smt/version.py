"""The version of the Z3 library rmpcheck runs on (``rmpcheck --version``)."""

from __future__ import annotations


def z3_version() -> str:
    """Z3's own version string, as the loaded library reports it (e.g. ``4.13.0``)."""
    import z3

    return str(z3.get_version_string())
