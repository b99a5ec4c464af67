"""Everything a question needs, loaded once: model, index, retriever, backends and chain.

The CLI, the web app and the evaluator all go through ``Pipeline.ask`` / ``Pipeline.stream``,
so they cannot drift apart in how a question is cleaned, made standalone, answered or timed.
Backends are created on first use and kept, so a local LLM is loaded once per process.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator

from chatbot.answer import Answer, AnswerBackend, History, build_chain, merge
from chatbot.backends import make_backend
from chatbot.embeddings import Embedder
from chatbot.followup import condense
from chatbot.index import Progress, open_index
from chatbot.questions import split_compound
from chatbot.retrieve import HybridRetriever, Searcher
from chatbot.settings import Settings

MAX_QUESTION_CHARS = 2000
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_PERSON_RE = re.compile(r"[A-Z][\w’'.-]+(?: [A-Z][\w’'.-]+)+")


class Pipeline:
    def __init__(self, settings: Settings, progress: Progress | None = None,
                 notify: Callable[[str], None] | None = None) -> None:  # fmt: skip
        self.settings = settings
        self.embedder = Embedder(settings.model, settings.embed_batch)
        self.index = open_index(settings, self.embedder, progress, notify)
        self.searcher = Searcher(self.index, self.embedder, settings.candidates, settings.rrf_k)
        self.retriever = HybridRetriever(searcher=self.searcher, k=settings.k)
        self._backends: dict[str, AnswerBackend] = {}
        self._lock = threading.Lock()
        self.backend = self.backend_for(settings.backend)
        self.chain = build_chain(self.retriever, self.backend, self.index)

    @property
    def people(self) -> set[str]:
        """Named people the corpus quotes: the referents a follow-up's "he" or "she" can have."""
        return {
            a.speaker
            for a in self.index.attributions
            if a.kind != "institutional" and _PERSON_RE.fullmatch(a.speaker)
        }

    def backend_for(self, name: str | None) -> AnswerBackend:
        """The named backend, created once and reused (a local model loads only on first use)."""
        name = name or self.settings.backend
        with self._lock:
            if name not in self._backends:
                self._backends[name] = make_backend(name, self.settings)
            return self._backends[name]

    def standalone(self, question: str, history: History = (), backend: str | None = None) -> str:
        """The question made standalone: pronouns resolved by rule, then the backend's own rewrite."""
        resolved = condense(question, history, self.people)
        return self.backend_for(backend).condense(resolved, history) if history else resolved

    def ask(self, question: str, history: History = (), backend: str | None = None) -> Answer:
        *_, final = self.stream(question, history, backend)
        return final

    def stream(self, question: str, history: History = (), backend: str | None = None) -> Iterator[Answer]:
        """Growing partial answers, then the final one (citations verified) last."""
        t0 = time.perf_counter()
        cleaned, notice = clean_question(question)
        if not cleaned:
            yield Answer(
                question=question, answer="Please type a question about the corpus.", answerable=False
            )
            return
        chosen = self.backend_for(backend)
        standalone = self.standalone(cleaned, history, backend)
        chain = self.chain if chosen is self.backend else build_chain(self.retriever, chosen, self.index)
        parts = split_compound(standalone)
        if len(parts) == 1:
            answers: Iterator[Answer] = chain.stream(standalone)
        else:
            answers = iter([merge(standalone, [chain.invoke(p) for p in parts])])
        for answer in answers:
            answer.question = question if not notice else cleaned
            if standalone != cleaned:
                answer.standalone = standalone
            if notice:
                answer.answer = f"({notice}) {answer.answer}"
            answer.timings["total_ms"] = (time.perf_counter() - t0) * 1000
            yield answer


def clean_question(question: str) -> tuple[str, str]:
    """Strip control characters and collapse whitespace; cut overlong input, saying so."""
    text = " ".join(_CONTROL_RE.sub(" ", question).split())
    if len(text) > MAX_QUESTION_CHARS:
        return text[
            :MAX_QUESTION_CHARS
        ], f"Your question was cut to its first {MAX_QUESTION_CHARS} characters."
    return text, ""
