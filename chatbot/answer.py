"""Answers and citations, and the interface every answer backend implements.

The ``Answer`` JSON is the stable contract of ``chatbot ask --json``: other tools parse
it, so fields are only ever added, never renamed. A ``Citation`` is a verbatim span:
``quote == text[start:end]`` of its source (of page ``page``'s extracted text for a PDF).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from pydantic import BaseModel, Field

from chatbot.ingest.documents import display_path
from chatbot.ingest.passages import Passage, Sentence, sentence_text
from chatbot.retrieve import Hit
from chatbot.store.protocol import Store

# Notes about the corpus itself ("The corpus does not answer this question.", "The corpus does not
# report X saying this.") start with this phrase. They are statements about absence, so they cannot
# be cited; evaluation scores them through the refusal metrics, not as claims.
CORPUS_NOTE = "The corpus does not"


class Citation(BaseModel):
    n: int
    source: str  # path relative to the working directory, absolute if outside it
    title: str
    quote: str
    start: int
    end: int
    page: int | None = None
    document: str = (
        ""  # the index's name for the source ("uploads/…" for uploads); not in the --json contract
    )


CITATION_KEYS = {"n", "source", "title", "quote", "start", "end", "page"}


class Answer(BaseModel):
    question: str
    answer: str
    answerable: bool
    citations: list[Citation] = Field(default_factory=list)
    backend: str = "extractive"
    timings: dict[str, float] = Field(default_factory=dict)  # milliseconds per stage
    standalone: str | None = None  # the follow-up question as retrieval saw it, when it was rewritten
    verified: str | None = None  # generative backends: "4 of 5 claims verified", and what was removed
    decision_score: float | None = (
        None  # the decision model's probability that the corpus answers (extractive)
    )
    # Which backend wrote this reply: a generative backend answers typed facts, and falls back, with quotes.
    backend_used: str | None = None

    def contract(self) -> dict[str, object]:
        """The ``ask --json`` object: exactly the documented keys, in order (``backend_used`` was added last)."""
        data = self.model_dump(
            include={
                "question": True,
                "answer": True,
                "answerable": True,
                "citations": {"__all__": CITATION_KEYS},
            }
        )
        return {**data, "backend_used": self.backend_used or self.backend}


@dataclass
class Evidence:
    """What retrieval hands a backend: the question, ranked passages, and the store they came from."""

    question: str
    query_vector: np.ndarray
    hits: list[Hit]
    index: Store
    timings: dict[str, float] = field(default_factory=dict)


# A conversation so far: (question, answer text) pairs, oldest first.
History = Sequence[tuple[str, str]]


class AnswerBackend(Protocol):
    """Turns evidence into a cited answer. Every citation must be a verbatim span of a hit.

    ``stream`` yields growing partial answers (text only) and ends with the final, verified one;
    ``condense`` rewrites a follow-up question into a standalone one before retrieval.
    """

    name: str

    def compose(self, evidence: Evidence) -> Answer: ...

    def stream(self, evidence: Evidence) -> Iterator[Answer]: ...

    def condense(self, question: str, history: History) -> str: ...


def cite(n: int, passage: Passage, sentence: Sentence, index: Store) -> Citation:
    """A citation for one sentence of a passage; the quote is cut from the indexed source text."""
    return Citation(
        n=n,
        source=display_path(index.path_of(passage.source)),
        title=passage.title,
        quote=sentence_text(passage, sentence),
        start=sentence.start,
        end=sentence.end,
        page=passage.page,
        document=passage.source,
    )


def merge(question: str, parts: list[Answer]) -> Answer:
    """One answer from the answers to the parts of a compound question, citations renumbered in order; a
    sentence an earlier part already cites keeps its number, and its quote is not repeated."""
    lines: list[str] = []
    citations: list[Citation] = []
    seen: dict[tuple[str, int | None, int, int], int] = {}
    for part in parts:
        if not part.answerable:
            lines.append(f"{CORPUS_NOTE} answer “{part.question}”")
            continue
        earlier = len(citations)
        numbers: dict[int, int] = {}
        for c in part.citations:
            key = (c.document or c.source, c.page, c.start, c.end)
            if key not in seen:
                seen[key] = len(citations) + 1
                citations.append(c.model_copy(update={"n": seen[key]}))
            numbers[c.n] = seen[key]
        text = _renumbered(part.answer, numbers)
        repeated = {f"{c.quote} [{c.n}]" for c in citations[:earlier]}
        lines += [line for line in text.split("\n") if line not in repeated]
    used = sorted({p.backend_used or p.backend for p in parts})
    return Answer(
        question=question,
        answer="\n".join(lines),
        answerable=any(p.answerable for p in parts),
        citations=citations,
        backend=parts[0].backend,
        backend_used="+".join(used),
        verified="; ".join(f"“{p.question}”: {p.verified}" for p in parts if p.verified) or None,
        timings={k: sum(p.timings.get(k, 0.0) for p in parts) for k in parts[0].timings},
    )


def _renumbered(text: str, numbers: dict[int, int]) -> str:
    return re.sub(r"\[(\d+)\]", lambda m: f"[{numbers.get(int(m.group(1)), int(m.group(1)))}]", text)
