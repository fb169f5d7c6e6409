"""Session fixtures: the race model and real traces searched on it (see trace_fixtures)."""

from __future__ import annotations

import pytest
from trace_fixtures import cti_trace, put_page_trace, race_model, search_trace

from rmpcheck import ir
from rmpcheck.trace.model import Trace


@pytest.fixture(scope="session")
def model() -> ir.Model:
    return race_model()


@pytest.fixture(scope="session")
def cex(model: ir.Model) -> Trace:
    return search_trace(model, "write_only_shared")


@pytest.fixture(scope="session")
def step_cex(model: ir.Model) -> Trace:
    return search_trace(model, "write_after_consult")


@pytest.fixture(scope="session")
def big_cex(model: ir.Model) -> Trace:
    return search_trace(model, "write_after_consult", {"Page": 2, "Thread": 2})


@pytest.fixture(scope="session")
def witness(model: ir.Model) -> Trace:
    return search_trace(model, "reach_write")


@pytest.fixture(scope="session")
def cti(model: ir.Model) -> Trace:
    return cti_trace(model)


@pytest.fixture(scope="session")
def lanes() -> Trace:
    return put_page_trace()
