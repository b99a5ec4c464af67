"""The answer/refuse decision seen through its score: refusal precision and recall at every threshold, and
how well the score's values match how often the corpus really answers (a reliability diagram).

Each report item carries a ``decision_score`` (see ``chatbot.evaluation.scoring``): higher means "the corpus
answers this". Refusing below a threshold ``t`` is the decision these curves sweep; the system's actual
refusals are reported beside them, since a rule-based composer does not refuse on the score alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Point:
    score: float
    answerable: bool  # gold: the corpus answers it
    refused: bool  # what the system did


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    n: int
    mean_score: float
    answerable_share: float


def points(items: Sequence[dict[str, Any]]) -> list[Point]:
    """The scored items of a report (items from reports older than the score are skipped)."""
    return [
        Point(float(it["decision_score"]), bool(it["answerable"]), bool(it["refused"]))
        for it in items
        if it.get("decision_score") is not None
    ]


def refusal_curve(pts: Sequence[Point], steps: int = 101) -> tuple[list[float], list[float], list[float]]:
    """Thresholds over the scores' range, and refusal precision and recall when refusing below each one.

    Precision is NaN where nothing would be refused (undefined, so the line breaks rather than lies).
    """
    if not pts:
        return [], [], []
    low, high = min(p.score for p in pts), max(p.score for p in pts)
    span = (high - low) or 1.0
    thresholds = [low + span * i / (steps - 1) for i in range(steps)]
    gold = sum(not p.answerable for p in pts)
    precision, recall = [], []
    for t in thresholds:
        refused = [p for p in pts if p.score < t]
        hits = sum(not p.answerable for p in refused)
        precision.append(hits / len(refused) if refused else float("nan"))
        recall.append(hits / gold if gold else float("nan"))
    return thresholds, precision, recall


def reliability(pts: Sequence[Point], bins: int = 10) -> list[Bin]:
    """Equal-width bins of the score over [0, 1] (values outside are clipped); empty bins are left out."""
    out = []
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        inside = [
            p for p in pts if low <= min(max(p.score, 0.0), 1.0) < high or (b == bins - 1 and p.score >= 1.0)
        ]
        if inside:
            out.append(
                Bin(low, high, len(inside), sum(p.score for p in inside) / len(inside),
                    sum(p.answerable for p in inside) / len(inside))
            )  # fmt: skip
    return out


def calibration_error(binned: Sequence[Bin]) -> float:
    """Expected calibration error: the bins' |mean score − share answerable|, weighted by their size."""
    total = sum(b.n for b in binned)
    return sum(b.n * abs(b.mean_score - b.answerable_share) for b in binned) / total if total else 0.0


def operating_point(pts: Sequence[Point]) -> tuple[float, float]:
    """The system's own refusal precision and recall over the scored items."""
    refused = [p for p in pts if p.refused]
    gold = [p for p in pts if not p.answerable]
    precision = sum(not p.answerable for p in refused) / len(refused) if refused else 0.0
    recall = sum(p.refused for p in gold) / len(gold) if gold else 0.0
    return precision, recall
