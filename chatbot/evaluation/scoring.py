"""Scoring one eval item: ask it through the pipeline, then judge retrieval, facts, citations and support.

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

Each item also records a decision score: how strongly the system believes the corpus answers the question,
read by the report's threshold and calibration charts. A backend that computes one (a learned answerability
probability) sets ``Answer.decision_score``; otherwise the evaluator uses the best passage cosine of
retrieval, the closeness the extractive composer's evidence floor is built on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chatbot.answer import CORPUS_NOTE, Answer, Citation, History
from chatbot.evaluation.sets import Item, page_text
from chatbot.text.normalise import fold, squad_fold

if TYPE_CHECKING:
    from chatbot.grounding.support import SupportChecker
    from chatbot.pipeline import Pipeline


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
    in_evidence: bool = False  # every fact is in the cited quotes together
    in_first_line: bool = False  # every fact is in the answer's first line
    decision_score: float | None = None  # belief that the corpus answers it (see the module docstring)
    decision_source: str = "retrieval_cosine"  # "answer" when the backend gave the score itself

    @property
    def refused(self) -> bool:
        return not self.answer.answerable

    @property
    def correct(self) -> bool:
        if not self.item.answerable:
            return self.refused
        return not self.refused and all(self.facts_found)


def source_text(citation: Citation) -> str:
    """The text a citation's offsets index, read afresh from its file: a text file as UTF-8, an HTML page's
    rendition, a PDF page's extracted text (``chatbot.evaluation.sets.page_text``)."""
    return page_text(Path(citation.source), citation.page)


def citation_is_valid(citation: Citation) -> bool:
    try:
        return source_text(citation)[citation.start : citation.end] == citation.quote and bool(citation.quote)
    except (OSError, ValueError):  # a missing file or page, or one that no longer reads
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


def evaluate_item(
    pipeline: Pipeline, item: Item, k: int, checker: SupportChecker | None, history: History = ()
) -> ItemResult:
    """Ask one item (a follow-up with its conversation so far) and judge it; retrieval is measured on the
    question as the pipeline read it, so a resolved follow-up is not penalised for its pronoun."""
    answer = pipeline.ask(item.question, history)
    hits = pipeline.searcher.search(answer.standalone or item.question, k)
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
    match = squad_fold if item.scoring == "squad" else fold
    found = facts_in(item.facts, match)
    quotes = " ".join(c.quote for c in answer.citations)
    first_line = answer.answer.split("\n", 1)[0]
    own = getattr(answer, "decision_score", None)
    best_cosine = max((h.dense for h in hits), default=None)
    return ItemResult(
        item=item,
        answer=answer,
        retrieved=retrieved,
        gold_rank=gold_rank,
        gold_recall=len(covered) / len(item.gold) if item.gold else 0.0,
        facts_found=found(answer.answer),
        citations_valid=[citation_is_valid(c) for c in answer.citations],
        statements=judge_statements(answer, checker) if checker else [],
        in_evidence=answer.answerable
        and bool(item.facts)
        and all(ok for ok, fact in zip(found(quotes), item.facts, strict=True) if not is_verdict(fact)),
        in_first_line=answer.answerable and bool(item.facts) and all(found(first_line)),
        decision_score=float(own) if own is not None else best_cosine,
        decision_source="answer" if own is not None else "retrieval_cosine",
    )


VERDICTS = frozenset({"yes", "no"})


def is_verdict(fact: list[str]) -> bool:
    """A yes/no question's gold verdict: it counts only as the answer's opening word (as a substring, "no" is in
    "not", "know" and "note", so a "Yes" over a sentence saying "does not" scored as a "No"), and no quote
    holds it."""
    return bool(fact) and {alt.strip().lower() for alt in fact} <= VERDICTS


def facts_in(facts: list[list[str]], match: Callable[[str], str]) -> Callable[[str], list[bool]]:
    """For a text, which facts it holds (any alternative of each), compared after ``match``-folding both; a
    verdict only as the text's opening word."""
    wanted = [[match(alt) for alt in fact] for fact in facts]
    verdicts = [is_verdict(fact) for fact in facts]

    def found(text: str) -> list[bool]:
        folded = match(text)
        opening = m.group() if (m := re.match(r"\w+", folded)) else ""
        return [
            opening in fact if verdict else any(alt in folded for alt in fact)
            for fact, verdict in zip(wanted, verdicts, strict=True)
        ]

    return found


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
        "in_evidence": r.in_evidence,
        "in_first_line": r.in_first_line,
        "split": r.item.split,
        "statements": [s.__dict__ for s in r.statements],
        "decision_score": None if r.decision_score is None else round(r.decision_score, 4),
        "decision_source": r.decision_source,
    }
