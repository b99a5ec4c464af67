"""Query latency on the shipped corpus, split into embed, search, fuse and compose.

Every eval-set question is asked through the real ``Pipeline`` with the query-vector cache
emptied first, so each one pays its own embedding. ``embed`` is the query embedding, ``search``
the FAISS call, ``fuse`` the rest of retrieval (BM25 over passages, reciprocal rank fusion,
the LangChain retriever wrapper), ``compose`` the extractive answer (sentence scoring, refusal
checks, citations), ``other`` what is left of the total (question cleaning, follow-up
resolution, the chain). A second pass asks the same questions again: the cache's effect.

    .venv/bin/python -m benchmarks.query [--index benchmarks/results/index] [--rounds 3]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import RESULTS, eval_questions, peak_rss_mb, percentiles, table, write

STAGES = ("embed", "search", "fuse", "compose", "other", "total")


class TimedIndex:
    """The FAISS index, with the time of each ``search`` call recorded."""

    def __init__(self, inner: Any, log: list[float]) -> None:
        self.inner, self.log = inner, log

    def search(self, q: np.ndarray, k: int) -> Any:
        t0 = time.perf_counter()
        out = self.inner.search(q, k)
        self.log.append((time.perf_counter() - t0) * 1000)
        return out

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def measure(index_dir: Path, rounds: int) -> dict[str, Any]:
    from chatbot.pipeline import Pipeline
    from chatbot.settings import Settings

    pipeline = Pipeline(Settings(index_dir=index_dir))
    embed_log: list[float] = []
    search_log: list[float] = []
    real_embed = pipeline.embedder.embed_query

    def embed_query(text: str) -> np.ndarray:
        t0 = time.perf_counter()
        out = real_embed(text)
        embed_log.append((time.perf_counter() - t0) * 1000)
        return out

    pipeline.embedder.embed_query = embed_query  # type: ignore[method-assign]
    pipeline.index.passage_vectors = TimedIndex(pipeline.index.passage_vectors, search_log)
    questions = [item.question for item in eval_questions()]
    pipeline.ask(questions[0])  # warm-up: first-call allocations, lazy imports
    split: dict[str, list[float]] = {s: [] for s in STAGES}
    for _ in range(rounds):
        for q in questions:
            pipeline.searcher.query_vector.cache_clear()
            embed_log.clear()
            search_log.clear()
            t = pipeline.ask(q).timings
            embed, search = sum(embed_log), sum(search_log)
            split["embed"].append(embed)
            split["search"].append(search)
            split["fuse"].append(t["retrieve_ms"] - embed - search)
            split["compose"].append(t["compose_ms"])
            split["other"].append(t["total_ms"] - t["retrieve_ms"] - t["compose_ms"])
            split["total"].append(t["total_ms"])
    for q in questions:
        pipeline.searcher.query_vector(q)  # fill the query-vector cache
    cached = [pipeline.ask(q).timings["total_ms"] for q in questions]
    return {
        "questions": len(questions),
        "rounds": rounds,
        "query_engine": pipeline.embedder.query_engine,
        "passages": len(pipeline.index.passages),
        "stages_ms": {s: percentiles(v) for s, v in split.items()},
        "total_cached_query_vector_ms": percentiles(cached),
        "peak_rss_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--index", type=Path, default=RESULTS / "index")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = measure(args.index, args.rounds)
    rows = [[s, *data["stages_ms"][s].values()] for s in STAGES]
    rows.append(["total, query vector cached", *data["total_cached_query_vector_ms"].values()])
    table(
        f"Query latency, ms ({data['questions']} questions × {data['rounds']}, {data['passages']} passages, "
        f"query engine {data['query_engine']}, peak RSS {data['peak_rss_mb']} MB)",
        ["stage", "p50", "p95", "p99", "mean"],
        rows,
    )
    write("query", data)


if __name__ == "__main__":
    main()
