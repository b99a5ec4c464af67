"""Aggregate metrics over scored items, per set and per category, and the report's data."""

from __future__ import annotations

import time
from typing import Any

from chatbot.evaluation.scoring import ItemResult, result_record
from chatbot.evaluation.sets import CATEGORIES


def ratio(num: float, den: float) -> float:
    return round(num / den, 4) if den else 0.0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))], 1)


def metrics(results: list[ItemResult], k: int) -> dict[str, float]:
    answerable = [r for r in results if r.item.answerable]
    unanswerable = [r for r in results if not r.item.answerable]
    refused = [r for r in results if r.refused]
    all_citations = [v for r in results for v in r.citations_valid]
    stmts = [s for r in answerable for s in r.statements]
    precise = [p for s in stmts for p in s.precise]
    latencies = [r.answer.timings.get("total_ms", 0.0) for r in results]
    return {
        "items": len(results),
        f"retrieval_recall_at_{k}": ratio(sum(r.gold_recall for r in answerable), len(answerable)),
        "retrieval_mrr": ratio(sum(1 / r.gold_rank for r in answerable if r.gold_rank), len(answerable)),
        "answer_correctness": ratio(sum(r.correct for r in answerable), len(answerable)),
        "answer_in_evidence": ratio(sum(r.in_evidence for r in answerable), len(answerable)),
        "answer_in_first_line": ratio(sum(r.in_first_line for r in answerable), len(answerable)),
        "citation_validity": ratio(sum(all_citations), len(all_citations)),
        "citation_recall": ratio(sum(s.supported for s in stmts), len(stmts)),
        "citation_precision": ratio(sum(precise), len(precise)),
        "refusal_precision": ratio(sum(not r.item.answerable for r in refused), len(refused)),
        "refusal_recall": ratio(sum(r.refused for r in unanswerable), len(unanswerable)),
        "false_refusal_rate": ratio(sum(r.refused for r in answerable), len(answerable)),
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
    }


def by_category(results: list[ItemResult]) -> dict[str, dict[str, float]]:
    """Correctness per category: known categories in their order, then any others a set brings."""
    seen = {r.item.category for r in results}
    order = [c for c in CATEGORIES if c in seen] + sorted(seen - set(CATEGORIES))
    out = {}
    for cat in order:
        rs = [r for r in results if r.item.category == cat]
        out[cat] = {"items": len(rs), "correct": ratio(sum(r.correct for r in rs), len(rs))}
    return out


def by_split(results: list[ItemResult], k: int) -> dict[str, dict[str, float]]:
    """The metrics of each half of the set: dev (what was tuned on) beside test (what is reported)."""
    return {split: metrics([r for r in results if r.item.split == split], k) for split in ("dev", "test")}


def report_data(results: list[ItemResult], k: int, backend: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "backend": backend,
        "k": k,
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "metrics": metrics(results, k),
        "splits": by_split(results, k),
        "by_category": by_category(results),
        **extra,
        "items": [result_record(r) for r in results],
    }
