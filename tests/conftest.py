"""Fixtures every test directory shares."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rmpcheck.engines.induction import shared


@pytest.fixture(autouse=True)
def _no_invariants_from_other_tests() -> Iterator[None]:
    """Each test's inference starts from nothing: what another test proved for the same
    model (engines/induction/shared) would make its lemmas depend on the order of tests."""
    shared.forget()
    yield
    shared.forget()
