"""One evaluation run: an eval set through a pipeline, scored, aggregated, with the component checks beside it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.evaluation.checks import attribution_metrics, load_pairs, measure
from chatbot.evaluation.metrics import report_data
from chatbot.evaluation.scoring import run
from chatbot.evaluation.sets import EVALS, load_items
from chatbot.grounding.support import SupportChecker

if TYPE_CHECKING:
    from chatbot.pipeline import Pipeline
    from chatbot.store.index import Progress


def evaluate(
    pipeline: Pipeline,
    questions: Path,
    k: int = 5,
    limit: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """The report data of one backend on one set: per-item results, metrics, and the checkers' own scores."""
    settings = pipeline.settings
    checker = SupportChecker(pipeline.embedder, settings)
    items = load_items(questions, settings.corpus_dir)[:limit]
    advance = progress(f"Evaluating {settings.backend}", len(items)) if progress else None
    results = run(pipeline, items, k, checker, advance)
    extra: dict[str, Any] = {
        "support_checker_metrics": measure(checker, load_pairs(EVALS / "support_pairs.jsonl"))
    }
    extra.update(attribution_metrics(settings.corpus_dir))
    return report_data(results, k, settings.backend, extra)
