"""Grounding evaluation: run an eval set through any answer backend and measure what users rely on.

Metrics, and why each is defined the way it is:
- retrieval recall@k / MRR: a gold span counts as retrieved when a top-k passage from the same
  file overlaps it; recall averages the covered share of each item's gold spans.
- answer correctness: every gold fact (any of its alternatives) appears in the answer, and the
  answer is not a refusal. Unanswerable items are scored by the refusal metrics instead.
- citation validity: the quote equals the source text at the cited offsets, re-read from disk.
- citation recall / precision (ALCE, Gao et al. 2023): a statement is recalled when its cited
  quotes together support it; a citation is precise when it supports the statement alone, or
  the others do not support it without it. "Support" is our heuristic checker, not an NLI model,
  so these are estimates, reported next to the checker's own measured precision and recall.
- refusal precision / recall: refusal is the positive class; unanswerable items are the gold positives.
"""

from __future__ import annotations

import json
import re
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.answer import CORPUS_NOTE, Answer, Citation

if TYPE_CHECKING:
    from chatbot.pipeline import Pipeline
    from chatbot.support import SupportChecker

EVALS = Path("evals")
QUESTIONS = EVALS / "questions.jsonl"
THRESHOLDS = EVALS / "thresholds.toml"
CATEGORIES = (
    "single_fact",
    "paraphrase",
    "who_said",
    "multi_doc",
    "unanswerable",
    "false_premise",
    "misattribution",
)


@dataclass
class GoldSpan:
    source: str  # corpus-relative file name
    quote: str
    start: int
    end: int


@dataclass
class Item:
    id: str
    question: str
    category: str
    answerable: bool
    gold: list[GoldSpan]
    facts: list[list[str]]


@dataclass
class Statement:
    text: str
    citations: list[int]
    supported: bool
    precise: list[bool]  # one verdict per citation


@dataclass
class ItemResult:
    item: Item
    answer: Answer
    retrieved: list[
        dict[str, Any]
    ]  # rank-ordered passages: source, start, end, page, gold (covers a gold span)
    gold_rank: int | None  # 1-based rank of the first passage covering a gold span
    gold_recall: float  # share of gold spans covered by the top k
    facts_found: list[bool]
    citations_valid: list[bool]
    statements: list[Statement] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return not self.answer.answerable

    @property
    def correct(self) -> bool:
        if not self.item.answerable:
            return self.refused
        return not self.refused and all(self.facts_found)


def load_items(path: Path, corpus_dir: Path) -> list[Item]:
    """Read an eval set and locate each gold quote in its file; a quote that is not verbatim is an error."""
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        gold = []
        for g in row.get("gold", []):
            name = g["source"].removeprefix("corpus/")
            text = (corpus_dir / name).read_bytes().decode("utf-8")
            start = text.find(g["quote"])
            if start < 0:
                raise ValueError(f"{path}:{n}: gold quote of {row['id']} is not verbatim in {name}")
            gold.append(GoldSpan(name, g["quote"], start, start + len(g["quote"])))
        items.append(
            Item(row["id"], row["question"], row["category"], row["answerable"], gold, row.get("facts", []))
        )
    return items


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').replace("\u2011", "-")
    return " ".join(text.lower().split())


def source_text(citation: Citation) -> str:
    """The text a citation's offsets index: the file as UTF-8, or a PDF page's extracted text."""
    path = Path(citation.source)
    if citation.page is not None:
        from pypdf import PdfReader

        return PdfReader(path).pages[citation.page - 1].extract_text() or ""
    return path.read_bytes().decode("utf-8")


def citation_is_valid(citation: Citation) -> bool:
    try:
        return source_text(citation)[citation.start : citation.end] == citation.quote and bool(citation.quote)
    except (OSError, IndexError, UnicodeDecodeError):
        return False


_MARKER_RE = re.compile(r"\s*\[(\d+)\]")


def statements(answer: Answer) -> list[tuple[str, list[int]]]:
    """The answer's claims with their citation numbers: one per line, split further at sentence ends."""
    out = []
    for line in answer.answer.splitlines():
        if line.startswith(CORPUS_NOTE):
            continue  # a note about the corpus, not a claim from it
        for part in re.split(r"(?<=\])\.?\s+(?=[A-Z\"“])", line.strip()):
            numbers = [int(n) for n in _MARKER_RE.findall(part)]
            claim = _MARKER_RE.sub("", part).strip()
            if claim:
                out.append((claim, numbers))
    return out


def judge_statements(answer: Answer, checker: SupportChecker) -> list[Statement]:
    """ALCE-style verdicts for every statement of an answered question (refusals have none)."""
    if not answer.answerable:
        return []
    quotes = {c.n: c.quote for c in answer.citations}
    out = []
    for claim, numbers in statements(answer):
        cited = [n for n in numbers if n in quotes]
        if not cited:
            out.append(Statement(claim, numbers, False, [False] * len(numbers)))
            continue
        supported = checker.check(claim, " ".join(quotes[n] for n in cited)).supported
        precise = []
        for n in numbers:
            if n not in quotes:
                precise.append(False)
                continue
            alone = checker.check(claim, quotes[n]).supported
            rest = [m for m in cited if m != n]
            needed = supported and not (
                rest and checker.check(claim, " ".join(quotes[m] for m in rest)).supported
            )
            precise.append(alone or needed)
        out.append(Statement(claim, numbers, supported, precise))
    return out


def evaluate_item(pipeline: Pipeline, item: Item, k: int, checker: SupportChecker | None) -> ItemResult:
    answer = pipeline.ask(item.question)
    hits = pipeline.searcher.search(item.question, k)
    retrieved, covered, gold_rank = [], set(), None
    for rank, hit in enumerate(hits, start=1):
        p = hit.passage
        hit_gold = {
            i for i, g in enumerate(item.gold) if g.source == p.source and p.start < g.end and g.start < p.end
        }
        covered |= hit_gold
        if hit_gold and gold_rank is None:
            gold_rank = rank
        retrieved.append(
            {"source": p.source, "start": p.start, "end": p.end, "page": p.page, "gold": bool(hit_gold)}
        )
    text = normalise(answer.answer)
    return ItemResult(
        item=item,
        answer=answer,
        retrieved=retrieved,
        gold_rank=gold_rank,
        gold_recall=len(covered) / len(item.gold) if item.gold else 0.0,
        facts_found=[any(normalise(alt) in text for alt in fact) for fact in item.facts],
        citations_valid=[citation_is_valid(c) for c in answer.citations],
        statements=judge_statements(answer, checker) if checker else [],
    )


def run(
    pipeline: Pipeline,
    items: list[Item],
    k: int = 5,
    checker: SupportChecker | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[ItemResult]:
    results = []
    for item in items:
        results.append(evaluate_item(pipeline, item, k, checker))
        if progress:
            progress(1)
    return results


def _ratio(num: float, den: float) -> float:
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
        f"retrieval_recall_at_{k}": _ratio(sum(r.gold_recall for r in answerable), len(answerable)),
        "retrieval_mrr": _ratio(sum(1 / r.gold_rank for r in answerable if r.gold_rank), len(answerable)),
        "answer_correctness": _ratio(sum(r.correct for r in answerable), len(answerable)),
        "citation_validity": _ratio(sum(all_citations), len(all_citations)),
        "citation_recall": _ratio(sum(s.supported for s in stmts), len(stmts)),
        "citation_precision": _ratio(sum(precise), len(precise)),
        "refusal_precision": _ratio(sum(not r.item.answerable for r in refused), len(refused)),
        "refusal_recall": _ratio(sum(r.refused for r in unanswerable), len(unanswerable)),
        "latency_p50_ms": _percentile(latencies, 0.5),
        "latency_p95_ms": _percentile(latencies, 0.95),
    }


def by_category(results: list[ItemResult]) -> dict[str, dict[str, float]]:
    out = {}
    for cat in CATEGORIES:
        rs = [r for r in results if r.item.category == cat]
        if rs:
            out[cat] = {"items": len(rs), "correct": _ratio(sum(r.correct for r in rs), len(rs))}
    return out


def load_thresholds(path: Path, backend: str) -> dict[str, float]:
    """Gate thresholds: the ``[default]`` table, overridden by the backend's own table."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {**data.get("default", {}), **data.get(backend, {})}


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


def result_record(r: ItemResult) -> dict[str, Any]:
    return {
        "id": r.item.id,
        "question": r.item.question,
        "category": r.item.category,
        "answerable": r.item.answerable,
        "refused": r.refused,
        "correct": r.correct,
        "facts": [
            {"alternatives": f, "found": ok} for f, ok in zip(r.item.facts, r.facts_found, strict=True)
        ],
        "gold": [g.__dict__ for g in r.item.gold],
        "gold_rank": r.gold_rank,
        "gold_recall": r.gold_recall,
        "retrieved": r.retrieved,
        "answer": r.answer.model_dump(),
        "citations_valid": r.citations_valid,
        "statements": [s.__dict__ for s in r.statements],
    }


def report_data(results: list[ItemResult], k: int, backend: str, extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "backend": backend,
        "k": k,
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "metrics": metrics(results, k),
        "by_category": by_category(results),
        **extra,
        "items": [result_record(r) for r in results],
    }


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def attribution_metrics(corpus_dir: Path, evals_dir: Path = EVALS) -> dict[str, dict[str, float]]:
    """Who-said-what extraction against the gold attributions, and the quote checker on its set.

    Both gold files describe the shipped corpus, so this section is skipped for any other corpus.
    """
    gold_path, checks_path = evals_dir / "attributions_gold.jsonl", evals_dir / "quote_checks.jsonl"
    if not gold_path.exists() or corpus_dir.resolve() != Path("corpus").resolve():
        return {}
    from chatbot.attribution import extract_corpus, match_gold
    from chatbot.documents import load_corpus
    from chatbot.quotecheck import check_quote

    docs, _ = load_corpus(corpus_dir)
    extracted = extract_corpus(docs)
    matched = match_gold(extracted, _jsonl(gold_path))
    checks = _jsonl(checks_path)
    verdicts = [
        check_quote(c["text"], c["speaker"], docs, extracted).verdict == c["expected"] for c in checks
    ]
    return {
        "attribution_metrics": {k: round(matched[k], 4) for k in ("precision", "recall", "f1")},
        "quote_checker_metrics": {"n": len(checks), "accuracy": _ratio(sum(verdicts), len(verdicts))},
    }
