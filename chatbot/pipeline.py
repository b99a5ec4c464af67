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
from dataclasses import dataclass

from langchain_core.runnables import Runnable

from chatbot.answer import Answer, AnswerBackend, Evidence, History, merge
from chatbot.backends import make_backend
from chatbot.backends.chain import build_chain, retrieve
from chatbot.retrieve import HybridRetriever, Searcher
from chatbot.settings import Settings
from chatbot.store.embeddings import Embedder
from chatbot.store.prepare import Progress
from chatbot.store.protocol import Store
from chatbot.store.stores import open_store
from chatbot.text.followup import condense, thing_named, within_question
from chatbot.text.lexicon import UPPER
from chatbot.text.questions import split_compound

MAX_QUESTION_CHARS = 2000
# C0/C1 controls and lone surrogates (the tokenizer cannot encode them) become spaces; bidi
# overrides and zero-width characters, which only disguise text, are dropped.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_INVISIBLE_RE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_MARKER_RE = re.compile(r"\[\d+\]")
_PERSON_RE = re.compile(rf"{UPPER}[\w’'.-]+(?: {UPPER}[\w’'.-]+)+")


@dataclass(frozen=True)
class State:
    """What answers a question, swapped as one: a store view with the searcher, retriever and chain built on it."""

    index: Store
    searcher: Searcher
    retriever: HybridRetriever
    chain: Runnable[str, Answer]


class Pipeline:
    def __init__(self, settings: Settings, progress: Progress | None = None,
                 notify: Callable[[str], None] | None = None, embedder: Embedder | None = None) -> None:  # fmt: skip
        self.settings = settings
        self.embedder = embedder or Embedder.for_settings(settings)
        self._backends: dict[str, AnswerBackend] = {}
        self._lock = threading.Lock()
        self.backend = self.backend_for(settings.backend)
        self._checked = time.monotonic()
        self.refresh(progress, notify)

    def refresh(self, progress: Progress | None = None, notify: Callable[[str], None] | None = None) -> None:
        """Bring the index up to date (after an upload, say) and swap it in.

        Questions already in flight finish on the old state; the swap is one assignment.
        """
        self._use(open_store(self.settings, self.embedder, progress, notify))

    def _use(self, index: Store) -> None:
        searcher = Searcher(index, self.embedder, self.settings.candidates, self.settings.rrf_k)
        retriever = HybridRetriever(searcher=searcher, k=self.settings.k)
        self.state = State(index, searcher, retriever, build_chain(retriever, self.backend, index))

    def evidence(self, question: str) -> Evidence:
        """The evidence a backend would get for ``question`` (retrieval only, no answer)."""
        state = self.current()
        return retrieve(state.retriever, state.index, question)

    def current(self) -> State:
        """The state to answer with: a shared store's newer generation (another server's upload) is picked up
        here, checked at most every ``store_poll_seconds``."""
        state = self.state
        now = time.monotonic()
        if now - self._checked >= self.settings.store_poll_seconds:
            self._checked = now
            newer = state.index.newer()
            if newer is not None:
                self._use(newer)
                state = self.state
        return state

    @property
    def index(self) -> Store:
        return self.current().index

    @property
    def searcher(self) -> Searcher:
        return self.state.searcher

    @staticmethod
    def people(index: Store) -> set[str]:
        """Named people the corpus quotes: the referents a follow-up's "he" or "she" can have."""
        return {
            speaker
            for speaker, kind in index.speakers()
            if kind != "institutional" and _PERSON_RE.fullmatch(speaker)
        }

    def register_backend(self, name: str, backend: AnswerBackend) -> None:
        """Answer with ``backend`` when ``name`` is asked for: a backend of the caller's own (an evaluator's)."""
        with self._lock:
            self._backends[name] = backend

    def backend_for(self, name: str | None) -> AnswerBackend:
        """The named backend, created once and reused (a local model loads only on first use)."""
        name = name or self.settings.backend
        with self._lock:
            if name not in self._backends:
                self._backends[name] = make_backend(name, self.settings)
            return self._backends[name]

    def standalone(
        self, question: str, history: History = (), backend: str | None = None, index: Store | None = None
    ) -> str:
        """The question made standalone: pronouns resolved by rule, then the backend's own rewrite."""
        if not history:  # a first question is standalone already; skip the work on the hot path
            return question
        people = self.people(index or self.index)
        return self.backend_for(backend).condense(condense(question, history, people), history)

    def _parts(self, parts: list[str], chain: Runnable[str, Answer], index: Store) -> list[Answer]:
        """The parts of a compound question answered one by one; a pronoun in a later part ("..., and what did
        he emphasize?") is resolved from the parts before it, by the same rule as a follow-up's, and "it" is what
        the part before asks about."""
        answers: list[Answer] = []
        people = self.people(index)
        for i, part in enumerate(parts):
            history = [(a.question, a.answer) for a in answers]
            asked = condense(part, history, people)
            answer = chain.invoke(within_question(asked, parts[i - 1]) if i else asked)
            answer.question = part
            answers.append(answer)
        return answers

    @staticmethod
    def _followed_up(chain: Runnable[str, Answer], question: str, history: History) -> Iterator[Answer]:
        """The answer to the question as put; if the corpus does not answer it and it says "it" after earlier
        turns, the answer to it with "it" read as what an earlier question asked about (``thing_named``), when
        that one is answered: "What can it do?" finds nothing of its own."""
        answer = None
        for answer in chain.stream(question):
            yield answer
        if answer is None or answer.answerable or not history:
            return
        if (read := thing_named(question, history)) != question:
            second = chain.invoke(read)
            if second.answerable:
                second.standalone = read
                yield second

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
        state = self.current()  # one read: a refresh meanwhile does not mix old and new
        chosen = self.backend_for(backend)
        standalone = self.standalone(cleaned, history, backend, state.index)
        chain = state.chain if chosen is self.backend else build_chain(state.retriever, chosen, state.index)
        parts = split_compound(standalone)
        if len(parts) == 1:
            answers: Iterator[Answer] = self._followed_up(chain, standalone, history)
        else:
            answers = iter([merge(standalone, self._parts(parts, chain, state.index))])
        for answer in answers:
            answer.question = question if not notice else cleaned
            if standalone != cleaned and not answer.standalone:
                answer.standalone = standalone
            if notice:
                answer.answer = f"({notice}) {answer.answer}"
            answer.timings["total_ms"] = (time.perf_counter() - t0) * 1000
            yield answer


def clean_question(question: str) -> tuple[str, str]:
    """Strip control characters and collapse whitespace; cut overlong input, saying so.

    Input with no word besides citation markers ("[1]", "?", "🤖") cleans to "": there is nothing to ask.
    """
    text = " ".join(_CONTROL_RE.sub(" ", _INVISIBLE_RE.sub("", question)).split())
    if not re.search(r"\w", _MARKER_RE.sub("", text)):
        return "", ""
    if len(text) > MAX_QUESTION_CHARS:
        return text[
            :MAX_QUESTION_CHARS
        ], f"Your question was cut to its first {MAX_QUESTION_CHARS} characters."
    return text, ""
