"""The gate: floors (and ceilings) from ``thresholds.toml``, checked against the test half of each set.

The file holds ``[default]`` (every set, every backend), ``[<set>]`` (one set, every backend) and
``[<set>.<backend>]`` (one set, one backend); ``[components]`` holds the grounding components' floors.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any


def load_thresholds(path: Path, backend: str, set_name: str) -> dict[str, float]:
    """The thresholds for one set and backend: ``[default]``, then ``[<set>]``, then ``[<set>.<backend>]``."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    if set_name == "components":  # the components are no answer set: [default] does not apply
        return {k: float(v) for k, v in data.get("components", {}).items()}
    section = data.get(set_name, {})
    plain = {k: float(v) for k, v in section.items() if not isinstance(v, dict)}
    return {**data.get("default", {}), **plain, **section.get(backend, {})}


def section_metrics(data: dict[str, Any]) -> dict[str, float]:
    """Numeric values of the report's ``*_metrics`` sections, flattened for the gate and the table:
    ``support_checker_metrics.precision`` → ``support_checker_precision``."""
    return {
        f"{section.removesuffix('_metrics')}_{name}": float(value)
        for section, values in data.items()
        if section.endswith("_metrics") and isinstance(values, dict)
        for name, value in values.items()
        if isinstance(value, int | float)
    }


def gate(values: dict[str, float], thresholds: dict[str, float]) -> list[str]:
    """Failures: each metric under its floor (``_max`` suffixed thresholds are ceilings)."""
    failures = []
    for name, limit in thresholds.items():
        key = name.removesuffix("_max")
        if key not in values:
            failures.append(f"{key}: not measured")
        elif name.endswith("_max") and values[key] > limit:
            failures.append(f"{key} = {values[key]} is above its ceiling {limit}")
        elif not name.endswith("_max") and values[key] < limit:
            failures.append(f"{key} = {values[key]} is below its threshold {limit}")
    return failures
