"""``pytest --rmpcheck``: every obligation of the configured gate as a test item.

Off unless ``--rmpcheck`` is given, so a project's own test run is unchanged.
Each (model, property) pair of ``[tool.rmpcheck]`` becomes one item, named
``pyproject.toml::MODEL::PROPERTY`` (with ``[INSTANCE]`` when a property is
checked at several instances). An item runs through the gate's own code and
cache, in a child process under the configured limits, and fails with the
expected and actual verdicts and the trace. Items share nothing at run time
(a proof resting on lemmas looks the lemmas up, or proves them, itself), so
pytest-xdist may spread them over workers.

The configuration file is collected like a test file (``pytest_collect_file``),
so everything pytest does with node ids works: ``pytest --rmpcheck
'pyproject.toml::racy::write_checked'`` reruns one obligation, ``--lf`` and
``--ff`` find the ones that failed, and ``pytest --rmpcheck pyproject.toml``
collects the gate alone, not the test suite. A run that names no paths
(testpaths, or the rootdir) gets the gate too, even when the configuration
lies outside the directories it walks.

This module is imported by every pytest run of a project that has rmpcheck
installed: it imports nothing from rmpcheck until ``--rmpcheck`` is given.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from rmpcheck.gate.judge import Outcome
    from rmpcheck.gate.plan import Job, Plan


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("rmpcheck", "rmpcheck proof obligations")
    group.addoption("--rmpcheck", action="store_true", default=False,
                    help="collect every obligation of [tool.rmpcheck] as a test item")
    group.addoption("--rmpcheck-config", default=None, metavar="FILE",
                    help="the gate configuration (default: the nearest pyproject.toml "
                         "with a [tool.rmpcheck] table, from the rootdir up)")
    group.addoption("--rmpcheck-no-cache", action="store_true", default=False,
                    help="ignore cached results (fresh results are still cached)")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """The gate's configuration file is a collector of its obligations."""
    config = parent.config
    if not config.getoption("rmpcheck") or file_path.name != _config_path(config).name:
        return None
    if file_path.resolve() != _config_path(config).resolve():
        return None
    return GateFile.from_parent(parent, path=file_path)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    # tryfirst: our items must exist before -k / -m / --lf / deselection look at the list.
    # Only when the run named no paths and its walk missed the configuration
    # (testpaths = ["tests"], the configuration at the root): named paths mean
    # "just these", and a walk that met the file collected it already.
    if not config.getoption("rmpcheck") or config.args_source == pytest.Config.ArgsSource.ARGS:
        return
    if any(isinstance(i, ObligationItem) for i in items):
        return
    plan = _plan(config)
    gate_file = GateFile.from_parent(session, path=plan.config.path)
    gate_file.plan = plan
    found = [i for m in gate_file.collect() for i in m.collect() if isinstance(i, pytest.Item)]
    items.extend(found)
    # report them like collected files' items, so "collected N items" counts them
    config.hook.pytest_collectreport(
        report=pytest.CollectReport(gate_file.nodeid, "passed", None, list(found))
    )


def _config_path(config: pytest.Config) -> Path:
    """The configuration the gate reads, found once per run."""
    cached: Path | None = getattr(config, "_rmpcheck_config_path", None)
    if cached is not None:
        return cached
    from rmpcheck.errors import RmpcheckError
    from rmpcheck.gate.config import find_config

    given = config.getoption("rmpcheck_config")
    try:
        path = Path(given) if given else find_config(Path(config.rootpath))
    except RmpcheckError as e:
        raise pytest.UsageError(f"--rmpcheck: {e}") from None
    config._rmpcheck_config_path = path.resolve()  # type: ignore[attr-defined]
    return path.resolve()


def _plan(config: pytest.Config) -> Plan:
    from rmpcheck.errors import RmpcheckError
    from rmpcheck.gate.config import load_config
    from rmpcheck.gate.plan import make_plan

    cached: Plan | None = getattr(config, "_rmpcheck_plan", None)
    if cached is not None:
        return cached
    try:
        plan = make_plan(load_config(_config_path(config)))
    except RmpcheckError as e:
        raise pytest.UsageError(f"--rmpcheck: {e}") from None
    config._rmpcheck_plan = plan  # type: ignore[attr-defined]
    return plan


class GateFile(pytest.File):
    """The configuration file, as the parent of its models' obligations."""

    plan: Plan

    def collect(self) -> list[pytest.Collector]:
        plan = getattr(self, "plan", None)
        if plan is None:
            plan = self.plan = _plan(self.config)
        models = dict.fromkeys(j.model for j in plan.jobs)
        return [GateModel.from_parent(self, name=m, plan=plan) for m in models]


class GateModel(pytest.Collector):
    """One model's obligations: the ``racy`` of ``pyproject.toml::racy::write_checked``
    (a node of its own, so pytest can walk a node id down to the item)."""

    def __init__(self, *, plan: Plan, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan

    def collect(self) -> list[pytest.Item]:
        jobs = [j for j in self.plan.jobs if j.model == self.name]
        twice = Counter(j.prop for j in jobs)
        out: list[pytest.Item] = []
        for job in jobs:
            name = job.prop
            if twice[job.prop] > 1:
                name += f"[{job.instance or job.engine}]"
            out.append(ObligationItem.from_parent(self, name=name, plan=self.plan, job=job))
        return out


class ObligationFailed(Exception):
    """The verdict is not the expected one (or the obligation could not run)."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.note)
        self.outcome = outcome


class ObligationItem(pytest.Item):
    def __init__(self, *, plan: Plan, job: Job, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.plan = plan
        self.job = job
        self.add_marker(pytest.mark.rmpcheck)

    def runtest(self) -> None:
        from rmpcheck.gate.run import GateOptions, run_gate

        job = self.job
        options = GateOptions(
            jobs=1,
            read_cache=not self.config.getoption("rmpcheck_no_cache"),
            select=lambda j: j is job,
        )
        report = run_gate(self.plan, options)
        if report.interrupted:
            raise KeyboardInterrupt
        (outcome,) = report.outcomes
        self.user_properties.append(("expected", job.expect.verdict))
        self.user_properties.append(("got", outcome.got))
        self.user_properties.append(("cached", str(outcome.cached).lower()))
        if outcome.status != "ok":
            raise ObligationFailed(outcome)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ObligationFailed):
            from rmpcheck.gate.console import details

            return details(excinfo.value.outcome)
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        j = self.job
        return self.path, None, f"{j.kind} {j.prop} on {j.model} ({j.engine})"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "rmpcheck: an obligation of the rmpcheck gate")
