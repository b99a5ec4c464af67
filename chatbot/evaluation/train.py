"""Training the composer's decisions (``chatbot train``) on the dev halves of every eval set.

Three logistic regressions (fitted with scipy, each weight kept on the side the language rule it carries
allows; stored as plain JSON by ``chatbot.backends.decisions``):
- the sentence model: does this candidate sentence hold the answer? Labels: the sentence overlaps a gold
  span, or holds every gold fact;
- the answerability model: does the corpus answer the question? Labels: the item's ``answerable``; its
  threshold is the one that decides the most dev questions right, averaged over the sets. It is judged on
  what the whole composer does with each dev question, not on the model alone: the composer also refuses
  when a yes/no question is not settled, when the best passage is about another time, or when the speaker
  asked about is never quoted, and a threshold blind to those refusals miscounts what users meet;
- the span model: is this span the short answer? Labels: the span holds a gold fact and little else; its
  threshold is the one that puts the answer in the first line most often on dev.

Only dev items are read. The test halves stay untouched until ``chatbot eval`` reports on them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from chatbot.answer import Evidence
from chatbot.backends.decisions import (
    QUESTION_FEATURES,
    QUESTION_SIGNS,
    SENTENCE_FEATURES,
    SENTENCE_SIGNS,
    SPAN_FEATURES,
    SPAN_SIGNS,
    Candidate,
    Model,
    Models,
    Question,
    pool_features,
    question_features,
    span_rows,
)
from chatbot.backends.extractive import ExtractiveBackend
from chatbot.evaluation.runner import set_pipeline
from chatbot.evaluation.sets import EvalSet, Item
from chatbot.text.normalise import fold, squad_fold

PENALTY_C = 1.0  # inverse L2 strength, as scikit-learn's C

if TYPE_CHECKING:
    from chatbot.settings import Settings
    from chatbot.store.embeddings import Embedder
    from chatbot.store.index import Progress
    from chatbot.store.protocol import Store


@dataclass
class Example:
    """One dev question as the decisions see it: its candidates, their features and labels."""

    set_name: str
    item: Item
    question: Question
    index: Store
    candidates: list[Candidate]
    rows: list[list[float]]
    labels: list[bool]
    evidence: Evidence
    settings: Settings  # the set's own (its corpus and index)
    ranked: list[int] = field(default_factory=list)  # candidate positions, best first (by the sentence model)
    probs: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Outcome:
    """What the composer made of one dev question with the answerability gate open."""

    set_name: str
    answerable: bool  # the item's label
    refused: bool  # refused anyway, for another reason (yes/no not settled, another time, speaker unquoted)
    score: float | None  # the composer's answerability probability; None when it decided before asking

    def refused_at(self, threshold: float) -> bool:
        return self.refused or (self.score is not None and self.score < threshold)


def collect(
    settings: Settings,
    sets: Sequence[EvalSet],
    index_root: Path,
    embedder: Embedder,
    progress: Progress | None = None,
) -> list[Example]:
    """Every dev item of every set, run up to the decisions: retrieval, candidates, sentence features."""
    examples: list[Example] = []
    for eval_set in sets:
        pipeline = set_pipeline(settings, eval_set, index_root / eval_set.name, embedder)
        backend = ExtractiveBackend(pipeline.settings)
        items = eval_set.half("dev")
        tick = progress(f"{eval_set.name}: reading dev questions", len(items)) if progress else None
        for item in items:
            evidence = pipeline.evidence(item.question)
            q, candidates = backend.prepare(evidence)
            pool = candidates[: settings.decision_pool]  # every candidate: off-subject ones are negatives too
            rows = pool_features(q, pool, evidence.index)
            labels = [holds_answer(c, item) for c in pool]
            examples.append(
                Example(
                    eval_set.name, item, q, evidence.index, pool, rows, labels, evidence, pipeline.settings
                )
            )
            if tick:
                tick(1)
    return examples


def holds_answer(c: Candidate, item: Item) -> bool:
    """The sentence overlaps a gold span (same file and page), or it holds every gold fact."""
    place = (c.passage.source, c.passage.page)
    if any(
        (g.source, g.page) == place and c.sentence.start < g.end and g.start < c.sentence.end
        for g in item.gold
    ):
        return True
    return bool(item.facts) and all(_found(fact, c.plain, item) for fact in item.facts)


def _found(fact: list[str], text: str, item: Item) -> bool:
    match = squad_fold if item.scoring == "squad" else fold
    folded = match(text)
    return any(match(alt) in folded for alt in fact)


def train(examples: list[Example], settings: Settings) -> Models:
    """Fit the three models on the dev examples, choose their thresholds on dev, and describe the result."""
    sentence = _fit(
        SENTENCE_FEATURES,
        SENTENCE_SIGNS,
        [r for e in examples for r in e.rows],
        [lab for e in examples for lab in e.labels],
        _set_weights(examples, lambda e: len(e.rows)),
    )
    for e in examples:
        p = sentence.probabilities(e.rows)
        e.ranked = sorted(range(len(e.rows)), key=lambda i: (-p[i], e.candidates[i].number))
        e.probs = [float(p[i]) for i in e.ranked]
    rows = [
        question_features(e.question, [e.candidates[i] for i in e.ranked], e.probs, e.index) for e in examples
    ]
    answerable = _fit(
        QUESTION_FEATURES, QUESTION_SIGNS, rows, [e.item.answerable for e in examples], _set_weights(examples)
    )
    p_answer = answerable.probabilities(rows)
    answerable.calibration = calibration(p_answer, [e.item.answerable for e in examples])

    span_rows, span_labels, owners, span_texts = _span_examples(examples, settings)
    span = _fit(SPAN_FEATURES, SPAN_SIGNS, span_rows, span_labels, None)
    p_span = span.probabilities(span_rows)
    span.threshold = _first_line_threshold(examples, p_span, owners, span_texts)
    span.calibration = calibration(p_span, span_labels)
    outcomes = compose_open(examples, Models(sentence, replace(answerable, threshold=0.0), span))
    answerable.threshold = refusal_threshold(outcomes)
    sentence.threshold = 0.5
    sentence.calibration = calibration(
        sentence.probabilities([r for e in examples for r in e.rows]),
        [lab for e in examples for lab in e.labels],
    )
    trained = {
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
        "on": "dev halves: " + ", ".join(sorted({e.set_name for e in examples})),
        "questions": len(examples),
        "sentences": sum(len(e.rows) for e in examples),
        "spans": len(span_rows),
        "dev_refusals": {  # false refusals and refusal recall per set, at the chosen threshold
            name: {"false_refusals": _rounded(fr), "refusal_recall": _rounded(rr)}
            for name, (fr, rr) in refusal_rates(outcomes, answerable.threshold).items()
        },
    }
    return Models(sentence, answerable, span, trained)


def _fit(
    names: Sequence[str],
    signs: dict[str, int],
    rows: list[list[float]],
    labels: list[bool],
    weights: list[float] | None,
) -> Model:
    """A logistic regression on standardised features, class-balanced, with an L2 penalty, each weight kept on
    the side its sign allows (``signs``; scipy's L-BFGS-B with bounds)."""
    from scipy.optimize import minimize

    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    sample = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    positives = max(1e-9, float(sample[y == 1].sum()))
    negatives = max(1e-9, float(sample[y == 0].sum()))
    sample = sample * np.where(y == 1, 0.5 / positives, 0.5 / negatives) * len(y)  # each class weighs half
    l2 = 1.0 / PENALTY_C

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef, intercept = theta[:-1], theta[-1]
        margin = z @ coef + intercept
        p = 1.0 / (1.0 + np.exp(-np.clip(margin, -30, 30)))
        value = float(np.sum(sample * (np.logaddexp(0.0, margin) - y * margin))) + 0.5 * l2 * float(
            coef @ coef
        )
        residual = sample * (p - y)
        grad = np.append(z.T @ residual + l2 * coef, residual.sum())
        return value, grad

    bounds = [_bound(signs[name]) for name in names] + [(None, None)]
    result = minimize(loss, np.zeros(len(names) + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    coef, intercept = result.x[:-1], result.x[-1]
    return Model(
        list(names), [round(float(v), 6) for v in mean], [round(float(v), 6) for v in scale],
        [round(float(v), 6) for v in coef], round(float(intercept), 6),
    )  # fmt: skip


def _bound(sign: int) -> tuple[float | None, float | None]:
    return (0.0, None) if sign > 0 else (None, 0.0) if sign < 0 else (None, None)


def compose_open(examples: list[Example], models: Models) -> list[Outcome]:
    """Answer each dev question as the composer would, with these models and the answerability gate open:
    what it still refuses, it refuses for another reason, whatever the threshold."""
    outcomes = []
    for e in examples:
        answer = ExtractiveBackend(e.settings, models).compose(e.evidence)
        outcomes.append(Outcome(e.set_name, e.item.answerable, not answer.answerable, answer.decision_score))
    return outcomes


def _set_weights(examples: list[Example], per: Callable[[Example], int] | None = None) -> list[float]:
    """Each set weighs the same in training, however many questions it has."""
    sizes: dict[str, int] = {}
    for e in examples:
        sizes[e.set_name] = sizes.get(e.set_name, 0) + 1
    weights = []
    for e in examples:
        w = 1.0 / sizes[e.set_name]
        weights += [w] * (per(e) if per else 1)
    return weights


def refusal_threshold(outcomes: Sequence[Outcome]) -> float:
    """The refusal threshold that decides the most dev questions right (an answerable one kept, an
    unanswerable one refused), averaged over the sets so that no one set's size decides it. Refusals are the
    composer's at each threshold (``Outcome.refused_at``), so the questions it refuses for another reason are
    counted where they fall. Of the thresholds that do best, the middle one: a dev half of a few dozen questions
    gives a plateau, not a peak, and its middle is the furthest from both edges."""
    grid = [round(float(t), 3) for t in np.linspace(0.05, 0.95, 91)]
    scores = [float(np.mean(list(accuracies(outcomes, t).values()))) for t in grid]
    best = [t for t, score in zip(grid, scores, strict=True) if score >= max(scores) - 1e-9]
    return best[len(best) // 2]


def accuracies(outcomes: Sequence[Outcome], threshold: float) -> dict[str, float]:
    """Per set, at this threshold: the share of questions decided right (answerable kept, unanswerable refused)."""
    return {
        name: float(
            np.mean([o.answerable != o.refused_at(threshold) for o in outcomes if o.set_name == name])
        )
        for name in sorted({o.set_name for o in outcomes})
    }


def refusal_rates(outcomes: Sequence[Outcome], threshold: float) -> dict[str, tuple[float, float]]:
    """Per set, at this threshold: the share of answerable questions refused and of unanswerable ones
    refused (NaN where a set has none of the kind)."""
    rates = {}
    for name in sorted({o.set_name for o in outcomes}):
        mine = [o for o in outcomes if o.set_name == name]
        pos = [o.refused_at(threshold) for o in mine if o.answerable]
        neg = [o.refused_at(threshold) for o in mine if not o.answerable]
        rates[name] = (float(np.mean(pos)) if pos else math.nan, float(np.mean(neg)) if neg else math.nan)
    return rates


def _rounded(rate: float) -> float | None:
    return None if math.isnan(rate) else round(rate, 3)


def _span_examples(
    examples: list[Example], settings: Settings
) -> tuple[list[list[float]], list[bool], list[int], list[str]]:
    """Spans of the top sentences of answerable dev questions that ask for a short answer, with labels (the
    span holds a gold fact and is not much longer than it), the example each came from, and its text."""
    rows, labels, owners, texts = [], [], [], []
    for n, e in enumerate(examples):
        info = e.question.info
        if not e.item.answerable or not e.item.facts or not (info.answer_type or info.target) or info.yes_no:
            continue
        top = [e.candidates[i] for i in e.ranked[: settings.max_sentences]]
        for span, _, row in span_rows(e.question, top, e.probs):
            rows.append(row)
            labels.append(_is_answer(span.text, e.item))
            owners.append(n)
            texts.append(span.text)
    return rows, labels, owners, texts


def _is_answer(span: str, item: Item) -> bool:
    match = squad_fold if item.scoring == "squad" else fold
    folded = match(span)
    return any(
        (alt := match(a)) and alt in folded and len(folded) <= 2 * len(alt) + 12
        for fact in item.facts[:1]
        for a in fact
    )


def _first_line_threshold(
    examples: list[Example], p: np.ndarray, owners: list[int], texts: list[str]
) -> float:
    """The span threshold under which the first line (the best span, else the best sentence) holds the
    answer most often on dev."""
    best_span: dict[int, int] = {}
    for i, n in enumerate(owners):
        if n not in best_span or p[i] > p[best_span[n]]:
            best_span[n] = i
    best, best_hits = 0.5, -1
    for t in np.linspace(0.05, 0.95, 91):
        hits = 0
        for n, i in best_span.items():
            e = examples[n]
            first = texts[i] if p[i] >= t else e.candidates[e.ranked[0]].plain
            hits += all(_found(fact, first, e.item) for fact in e.item.facts)
        if hits > best_hits:
            best, best_hits = float(t), hits
    return round(best, 3)


def calibration(
    p: Sequence[float] | np.ndarray, labels: Sequence[bool], bins: int = 10
) -> list[dict[str, float]]:
    """Reliability: for each probability bin, the mean predicted probability, the observed rate, the count."""
    p, y = np.asarray(p, dtype=float), np.asarray(labels, dtype=float)
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        mask = (p >= lo) & ((p < hi) if b < bins - 1 else (p <= hi))
        if mask.any():
            out.append({"bin": round(lo, 2), "mean_p": round(float(p[mask].mean()), 4),
                        "rate": round(float(y[mask].mean()), 4), "n": int(mask.sum())})  # fmt: skip
    return out


def describe(models: Models) -> dict[str, Any]:
    """The trained models for a report: weights per feature, thresholds, calibration."""
    return {
        name: {"threshold": m.threshold, "weights": m.weights(), "calibration": m.calibration}
        for name, m in (
            ("sentence", models.sentence),
            ("answerable", models.answerable),
            ("span", models.span),
        )
    }


STALE_TOLERANCE = 1e-3  # a refit on the same features moves weights by rounding only (about 1e-6)


def differences(stored: Models, fresh: Models, tolerance: float = STALE_TOLERANCE) -> list[str]:
    """What sets the stored models apart from a fresh fit on the same dev halves, one line each; none when the
    stored ones are what ``chatbot train`` gives today. A change that moves the features without a retrain
    would otherwise ship decisions fitted to signals the composer no longer computes."""
    out = []
    for name in ("sentence", "answerable", "span"):
        old, new = getattr(stored, name), getattr(fresh, name)
        if old.features != new.features:
            out.append(f"{name}: features {old.features} → {new.features}")
            continue
        if old.threshold != new.threshold:
            out.append(f"{name}: threshold {old.threshold} → {new.threshold}")
        for part in ("mean", "scale", "coef"):
            for feature, a, b in zip(old.features, getattr(old, part), getattr(new, part), strict=True):
                if abs(a - b) > tolerance:
                    out.append(f"{name}: {part} of {feature} {a:.4f} → {b:.4f}")
        if abs(old.intercept - new.intercept) > tolerance:
            out.append(f"{name}: intercept {old.intercept:.4f} → {new.intercept:.4f}")
    return out
