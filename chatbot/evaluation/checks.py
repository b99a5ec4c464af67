"""Measuring the grounding components on their labelled sets: the support checker on its pairs, the
attribution extractor on its gold records. Product code never needs these, so they live beside the evaluation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from chatbot.evaluation.metrics import ratio
from chatbot.evaluation.sets import EVALS, read_jsonl
from chatbot.grounding.attribution import Attribution, speakers_match
from chatbot.grounding.support import SupportChecker
from chatbot.text.normalise import words

_NON_DIGIT_RE = re.compile(r"\D")


def load_pairs(path: Path) -> list[dict]:
    """Read labelled pairs: one JSON object per line (``evals/support_pairs.jsonl``)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def split(pairs: Sequence[dict]) -> tuple[list[dict], list[dict]]:
    """Dev (odd-numbered ids: calibration) and test (even: reporting), fixed so nothing leaks."""
    dev = [p for p in pairs if _id_number(p["id"]) % 2 == 1]
    test = [p for p in pairs if _id_number(p["id"]) % 2 == 0]
    return dev, test


def _id_number(pair_id: str) -> int:
    digits = _NON_DIGIT_RE.sub("", str(pair_id))
    return int(digits) if digits else 0


def measure(checker: SupportChecker, pairs: list[dict]) -> dict:
    """Accuracy, and precision / recall / F1 for the positive class "supported"; accuracy per kind."""
    verdicts = checker.check_many([(p["claim"], p["passage"]) for p in pairs])
    gold = [bool(p["supported"]) for p in pairs]
    said = [v.supported for v in verdicts]
    tp = sum(g and s for g, s in zip(gold, said, strict=True))
    fp = sum(s and not g for g, s in zip(gold, said, strict=True))
    fn = sum(g and not s for g, s in zip(gold, said, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    per_kind: dict[str, dict[str, float]] = {}
    for kind in sorted({p["kind"] for p in pairs}):
        hits = [g == s for p, g, s in zip(pairs, gold, said, strict=True) if p["kind"] == kind]
        per_kind[kind] = {"n": len(hits), "accuracy": round(sum(hits) / len(hits), 4)}
    return {
        "n": len(pairs),
        "accuracy": round(sum(g == s for g, s in zip(gold, said, strict=True)) / len(pairs), 4)
        if pairs
        else 0.0,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "per_kind": per_kind,
        "threshold": checker.threshold,
    }


def spans_match(a: str, b: str) -> bool:
    """Substantial overlap: one span contains the other, or word Jaccard >= 0.5."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return False
    ja, jb = " ".join(wa), " ".join(wb)
    if f" {ja} " in f" {jb} " or f" {jb} " in f" {ja} ":
        return True
    sa, sb = set(wa), set(wb)
    return len(sa & sb) / len(sa | sb) >= 0.5


def _same_source(gold_source: str, name: str) -> bool:
    gold = PurePosixPath(gold_source)
    return gold.as_posix() == name or gold.as_posix().endswith("/" + name) or gold.name == name


def _matches(a: Attribution, row: Mapping[str, Any]) -> bool:
    return (
        _same_source(str(row["source"]), a.source)
        and speakers_match(str(row["speaker"]), a.speaker)
        and spans_match(str(row["text"]), a.text)
    )


def match_gold(extracted: Sequence[Attribution], gold_rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Precision, recall and F1 of extracted attributions against hand-labelled rows.

    A gold row is found when some extraction from the same file has a matching speaker and an
    overlapping span; an extraction is correct when it matches some gold row.
    """
    found = [row for row in gold_rows if any(_matches(a, row) for a in extracted)]
    correct = [a for a in extracted if any(_matches(a, row) for row in gold_rows)]
    precision = len(correct) / len(extracted) if extracted else 0.0
    recall = len(found) / len(gold_rows) if gold_rows else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "missed": [row["id"] for row in gold_rows if row not in found],
        "spurious": [a for a in extracted if a not in correct],
    }


def attribution_metrics(corpus_dir: Path, evals_dir: Path = EVALS) -> dict[str, dict[str, float]]:
    """Who-said-what extraction against the gold attributions, and the quote checker on its set.

    Both gold files describe the shipped corpus, so this section is skipped for any other corpus.
    """
    gold_path, checks_path = evals_dir / "attributions_gold.jsonl", evals_dir / "quote_checks.jsonl"
    if not gold_path.exists() or corpus_dir.resolve() != Path("corpus").resolve():
        return {}
    from chatbot.grounding.attribution import extract_corpus
    from chatbot.grounding.quotecheck import check_quote
    from chatbot.ingest.documents import load_corpus

    docs, _ = load_corpus(corpus_dir)
    extracted = extract_corpus(docs)
    matched = match_gold(extracted, read_jsonl(gold_path))
    checks = read_jsonl(checks_path)
    verdicts = [
        check_quote(c["text"], c["speaker"], docs, extracted).verdict == c["expected"] for c in checks
    ]
    return {
        "attribution_metrics": {k: round(matched[k], 4) for k in ("precision", "recall", "f1")},
        "quote_checker_metrics": {"n": len(checks), "accuracy": ratio(sum(verdicts), len(verdicts))},
    }
