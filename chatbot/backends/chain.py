"""The LCEL chain that joins retrieval to an answer backend: question → evidence → streamed, cited answers."""

from __future__ import annotations

import time
from collections.abc import Iterator

from langchain_core.runnables import Runnable, RunnableLambda

from chatbot.answer import Answer, AnswerBackend, Evidence
from chatbot.retrieve import HybridRetriever, from_documents
from chatbot.store.protocol import Store
from chatbot.text.nlp import parse_ahead


def retrieve(retriever: HybridRetriever, index: Store, question: str) -> Evidence:
    """What a backend gets for a question: the ranked passages and the question's vector, timed."""
    t0 = time.perf_counter()
    parse_ahead(question)  # the backend reads the question's parse; it need not wait for the search first
    hits = from_documents(retriever.invoke(question), index)
    qv = retriever.searcher.query_vector(question)  # cached by the search just made
    return Evidence(question, qv, hits, index, {"retrieve_ms": (time.perf_counter() - t0) * 1000})


def build_chain(retriever: HybridRetriever, backend: AnswerBackend, index: Store) -> Runnable[str, Answer]:
    """question → retrieve → compose (with citations). ``stream`` yields partial answers, ``invoke`` the final one.

    Timings are recorded per stage; ``first_ms`` is the time to the first partial answer.
    """

    def compose(evidence: Evidence) -> Iterator[Answer]:
        t0 = time.perf_counter()
        first: float | None = None
        for answer in backend.stream(evidence):
            now = (time.perf_counter() - t0) * 1000
            first = now if first is None else first
            answer.timings = {**evidence.timings, "first_ms": first, "compose_ms": now}
            yield answer

    def evidence(question: str) -> Evidence:
        return retrieve(retriever, index, question)

    return RunnableLambda(evidence).with_config(run_name="retrieve") | RunnableLambda(compose).with_config(
        run_name=backend.name
    )
