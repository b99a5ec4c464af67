"""Evaluation runs: eval sets through a pipeline each (one index per set's corpus), scored, aggregated per
half, with the grounding components measured on their own labelled sets beside them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.evaluation.checks import attribution_metrics, load_pairs, measure, split
from chatbot.evaluation.metrics import report_data
from chatbot.evaluation.scoring import run
from chatbot.evaluation.sets import EVALS, EvalSet
from chatbot.grounding.support import SupportChecker

if TYPE_CHECKING:
    from chatbot.pipeline import Pipeline
    from chatbot.settings import Settings
    from chatbot.store.embeddings import Embedder
    from chatbot.store.index import Progress


def set_pipeline(
    settings: Settings, eval_set: EvalSet, index_dir: Path, embedder: Embedder | None = None
) -> Pipeline:
    """A pipeline over the set's own corpus, with its index in ``index_dir`` (built on first use)."""
    from chatbot.pipeline import Pipeline

    own = settings.model_copy(
        update={"corpus_dir": eval_set.corpus_dir, "index_dir": index_dir, "uploads_dir": None}
    )
    return Pipeline(own, embedder=embedder)


def evaluate_set(
    pipeline: Pipeline,
    eval_set: EvalSet,
    k: int = 5,
    limit: int | None = None,
    progress: Progress | None = None,
    checker: SupportChecker | None = None,
) -> dict[str, Any]:
    """The report data of one backend on one set: per-item results, metrics overall and per half."""
    items = eval_set.items[:limit]
    backend = pipeline.settings.backend
    advance = progress(f"{eval_set.name}: {backend}", len(items)) if progress else None
    checker = checker or SupportChecker(pipeline.embedder, pipeline.settings)
    results = run(pipeline, items, k, checker, advance)
    data = report_data(results, k, backend, {})
    data["set"] = eval_set.name
    data["corpus"] = str(eval_set.corpus_dir)
    return data


def components(settings: Settings, embedder: Embedder, corpus_dir: Path = Path("corpus")) -> dict[str, Any]:
    """The grounding components on their labelled sets: the support checker on each half of its pairs
    (calibrated on dev; the gate reads test), the attribution extractor and the quote checker."""
    checker = SupportChecker(embedder, settings)
    dev, test = split(load_pairs(EVALS / "support_pairs.jsonl"))
    out: dict[str, Any] = {
        "support_checker_metrics": measure(checker, test),
        "support_checker_dev": measure(checker, dev),
    }
    out.update(attribution_metrics(corpus_dir))
    return out
