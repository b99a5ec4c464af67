"""Eval sets: questions with verbatim gold spans and required facts, read and checked against their corpus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
