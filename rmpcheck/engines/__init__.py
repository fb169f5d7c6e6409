"""Engines: each checks one Obligation and returns a Result. See DESIGN.md's table."""
