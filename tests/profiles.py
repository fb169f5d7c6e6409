"""The test profiles: a fast loop for contributors by default, the long runs behind markers.

Loaded as a plugin (``-p profiles`` in pyproject's addopts). README's command,
``python -m pytest``, runs everything not marked ``slow`` (or ``bench``), with
Hypothesis in the *fast* profile: every randomized test draws a sixth of its
examples, derandomized, so the loop is quick and the same every time. .ci/run
then runs ``-m "slow or randomized" --hypothesis-profile=thorough``: the tests
marked ``slow`` and every randomized test again with its full example count
(``examples(n)`` is n there), from fresh random seeds.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings

FULL = 300  # the thorough profile's max_examples; a test's own count is relative to it

settings.register_profile("thorough", max_examples=FULL)
settings.register_profile("fast", max_examples=FULL // 6, derandomize=True)
settings.load_profile("fast")  # --hypothesis-profile (hypothesis's plugin) loads another later


def examples(n: int) -> int:
    """How many examples a test that wants ``n`` in the thorough profile draws now."""
    return max(5, n * settings.default.max_examples // FULL)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark every Hypothesis test ``randomized``, so the thorough run can select them; and
    run the ``slow`` tests first. The slow tests take from seconds to half an hour
    (README's cold ``rmpcheck prove``), the randomized ones at most a minute or two: with
    the long ones started first and the workers stealing queued tests from each other
    (``--dist worksteal``), the short ones fill the end and no worker waits idle while
    another still has long tests queued (the order changes nothing else)."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker("randomized")
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)
