"""Everything a question needs, loaded once: model, index, retriever, backend and chain.

The CLI, the web app and the evaluator all go through ``Pipeline.ask``, so they cannot
drift apart in how a question is cleaned, answered or timed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from chatbot.answer import Answer, build_chain, merge
from chatbot.backends import make_backend
from chatbot.embeddings import Embedder
from chatbot.index import Progress, open_index
from chatbot.questions import split_compound
from chatbot.retrieve import HybridRetriever, Searcher
from chatbot.settings import Settings

MAX_QUESTION_CHARS = 2000
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class Pipeline:
    def __init__(self, settings: Settings, progress: Progress | None = None,
                 notify: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.settings = settings
        self.embedder = Embedder(settings.model, settings.embed_batch)
        self.index = open_index(settings, self.embedder, progress, notify)
        self.searcher = Searcher(self.index, self.embedder, settings.candidates, settings.rrf_k)
        self.retriever = HybridRetriever(searcher=self.searcher, k=settings.k)
        self.backend = make_backend(settings.backend, settings)
        self.chain = build_chain(self.retriever, self.backend, self.index)

    def ask(self, question: str) -> Answer:
        t0 = time.perf_counter()
        cleaned, notice = clean_question(question)
        if not cleaned:
            return Answer(
                question=question, answer="Please type a question about the corpus.", answerable=False
            )
        parts = split_compound(cleaned)
        answer = (
            self.chain.invoke(cleaned)
            if len(parts) == 1
            else merge(cleaned, [self.chain.invoke(p) for p in parts])
        )
        answer.question = question if not notice else cleaned
        if notice:
            answer.answer = f"({notice}) {answer.answer}"
        answer.timings["total_ms"] = (time.perf_counter() - t0) * 1000
        return answer


def clean_question(question: str) -> tuple[str, str]:
    """Strip control characters and collapse whitespace; cut overlong input, saying so."""
    text = " ".join(_CONTROL_RE.sub(" ", question).split())
    if len(text) > MAX_QUESTION_CHARS:
        return text[
            :MAX_QUESTION_CHARS
        ], f"Your question was cut to its first {MAX_QUESTION_CHARS} characters."
    return text, ""
