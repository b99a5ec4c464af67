"""``chatbot eval --init DIR``: a starter eval set and thresholds for a new corpus.

The hardest part of bringing a set of one's own is the first valid line. So the starter is real: its gold
quotes are sentences cut verbatim from the evaluator's own documents (one per document, round the corpus),
its questions ask for a name or number those sentences hold, and two questions no corpus answers show the
refusal side. It loads, validates and runs as written, and every line says it is meant to be replaced.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from chatbot.errors import ChatbotError, CorpusError
from chatbot.ingest.documents import load_corpus
from chatbot.text.sentences import split_segments

STARTERS = 4
# A fact worth asking for: a number, or a run of capitalised words that does not open the sentence.
_FACT = re.compile(r"\b\d[\d,.]*\b|(?<=[a-z,;] )[A-Z][a-z]+(?: [A-Z][a-z]+)*")
UNANSWERABLE = (
    "Who won the 1987 Antarctic chess championship?",
    "What did the first crewed landing on Neptune discover?",
)
NOTE = "starter item written by `chatbot eval --init`: replace it with a question your users ask"


class InitError(ChatbotError):
    """The starter cannot be written: the folder already holds a set, or the corpus has no usable text."""


def write_starter(folder: Path, corpus_dir: Path | None = None) -> list[Path]:
    """Write ``questions.jsonl``, ``thresholds.toml`` and ``README.md`` into ``folder``; the corpus is
    ``corpus_dir`` or ``folder/corpus``. Nothing is overwritten."""
    corpus = corpus_dir or folder / "corpus"
    targets = [folder / "questions.jsonl", folder / "thresholds.toml", folder / "README.md"]
    if existing := [p for p in targets if p.exists()]:
        raise InitError(f"{existing[0]} already exists; --init writes only into a new set folder")
    if not corpus.is_dir():
        raise CorpusError(
            f"there is no corpus folder at {corpus}; put your documents there or pass --corpus DIR"
        )
    rows = starter_rows(corpus, "corpus/" if corpus_dir is None else "")
    folder.mkdir(parents=True, exist_ok=True)
    targets[0].write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    targets[1].write_text(_thresholds(folder.name), encoding="utf-8")
    targets[2].write_text(_readme(folder, corpus_dir), encoding="utf-8")
    return targets


def starter_rows(corpus: Path, prefix: str = "") -> list[dict[str, Any]]:
    """Fill-in-the-blank items on sentences of the corpus (taken round the documents), then two that no
    corpus answers."""
    docs, _ = load_corpus(corpus)
    per_doc = [
        _candidates(doc.name, page.text, page.content, page.number) for doc in docs for page in doc.pages
    ]
    picks = [c[r] for r in range(STARTERS) for c in per_doc if r < len(c)][:STARTERS]
    if not picks:
        raise CorpusError(f"{corpus} holds no document with a sentence to start an eval set from")
    rows = []
    for n, (source, text, fact, page) in enumerate(picks, start=1):
        gold: dict[str, Any] = {"source": prefix + source, "quote": text}
        if page is not None:
            gold["page"] = page
        rows.append({
            "id": f"s{n:03d}",
            "question": "Fill in the blank: “" + text.replace(fact, "___", 1) + "”",
            "category": "single_fact", "answerable": True, "gold": [gold], "facts": [[fact]], "notes": NOTE,
        })  # fmt: skip
    for n, question in enumerate(UNANSWERABLE, start=len(rows) + 1):
        rows.append({"id": f"s{n:03d}", "question": question, "category": "unanswerable",
                     "answerable": False, "gold": [], "facts": [], "notes": NOTE})  # fmt: skip
    return rows


def _candidates(
    name: str, text: str, content: list[tuple[int, int]], page: int | None
) -> list[tuple[str, str, str, int | None]]:
    """A page's citable one-line sentences of a readable length that hold a fact to blank out."""
    out = []
    for s in split_segments(text, content or [(0, len(text))]):
        sentence = text[s.start : s.end]
        fact = _FACT.search(sentence)
        if s.citable and fact and 60 <= len(sentence) <= 300 and "\n" not in sentence:
            out.append((name, sentence, fact.group(0), page))
    return out


def _thresholds(name: str) -> str:
    return f"""# Gate thresholds for the set in this folder (chatbot eval --set {name} --thresholds {name}/thresholds.toml).
# `chatbot eval` exits 1 when a metric of the set's TEST half falls below its floor (a name ending in _max is
# a ceiling). Run once, then set each floor just under what was measured; raise a floor when the system
# improves, never lower one to get green. Tables: [default], [{name}] (every backend), [{name}.<backend>].

[default]
citation_validity = 1.0

[{name}.extractive]
# answer_correctness = 0.0
# refusal_recall = 0.0
# citation_precision = 0.0
"""


def _readme(folder: Path, corpus_dir: Path | None) -> str:
    corpus = f" --corpus {corpus_dir}" if corpus_dir else ""
    return f"""# {folder.name}: an eval set

Written by `chatbot eval --init`. The questions in `questions.jsonl` are placeholders made from your own
documents, so the set runs as it is:

    chatbot eval --set {folder}{corpus} --thresholds {folder}/thresholds.toml

Replace them with questions your users ask. Each line is one item; the format is
`evals/schema/item.schema.json` (JSON Schema), explained in `evals/README.md`:

- `gold`: the evidence, quoted verbatim from a file of the corpus (checked when the set loads);
- `facts`: what a correct answer must contain, each fact a list of acceptable alternatives;
- `answerable: false` for questions the corpus does not answer (a correct system refuses them);
  aim for about one in five.

Items are split into dev and test halves by their id (the gate reads test). After a first run, set floors in
`thresholds.toml` just under what was measured.
"""
