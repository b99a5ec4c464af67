"""Hybrid retrieval: dense and lexical rankings fused by reciprocal rank, over any store.

Dense search finds paraphrases; lexical search (BM25 in the files store, PostgreSQL full-text search
in the shared one) finds the names, numbers and rare terms that small embedding models blur. Reciprocal
rank fusion needs no score calibration between the two, which is why it is the fusion used here: the
two stores' lexical scores differ in scale, their ranks do not. ``HybridRetriever`` exposes it to LangChain.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from chatbot.ingest.passages import Passage
from chatbot.store.embeddings import Embedder
from chatbot.store.protocol import Store


@dataclass
class Hit:
    passage: Passage
    score: float  # fused reciprocal-rank score
    dense: float  # cosine similarity of passage and query
    dense_rank: int | None
    lexical_rank: int | None


class Searcher:
    """Ranks passages for a query; query embeddings are cached, since chats repeat questions."""

    def __init__(self, index: Store, embedder: Embedder, candidates: int = 30, rrf_k: int = 60) -> None:
        self.index = index
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.query_vector = lru_cache(maxsize=1024)(self._embed)

    def _embed(self, query: str) -> np.ndarray:
        return self.embedder.embed_query(query)

    def search(self, query: str, k: int) -> list[Hit]:
        qv = self.query_vector(query)
        dense = self.index.dense_passages(qv, self.candidates)
        if not dense:
            return []
        dense_rank = {pid: r for r, (pid, _) in enumerate(dense)}
        dense_score = dict(dense)
        lexical_rank = {
            pid: r for r, (pid, _) in enumerate(self.index.lexical_passages(query, self.candidates))
        }

        fused: dict[int, float] = {}
        for ranks in (dense_rank, lexical_rank):
            for pid, r in ranks.items():
                fused[pid] = fused.get(pid, 0.0) + 1.0 / (self.rrf_k + r + 1)
        best = sorted(fused, key=lambda pid: -fused[pid])[:k]
        missing = [pid for pid in best if pid not in dense_score]
        dense_score |= dict(zip(missing, self.index.passage_cosines(missing, qv), strict=True))
        return [
            Hit(
                passage=passage,
                score=fused[passage.id],
                dense=dense_score[passage.id],
                dense_rank=dense_rank.get(passage.id),
                lexical_rank=lexical_rank.get(passage.id),
            )
            for passage in self.index.fetch_passages(best)
        ]


class HybridRetriever(BaseRetriever):
    """LangChain face of the searcher: passages as ``Document`` objects with their offsets."""

    searcher: Any
    k: int = 5

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        return [to_document(hit) for hit in self.searcher.search(query, self.k)]


def to_document(hit: Hit) -> Document:
    p = hit.passage
    return Document(
        page_content=p.text,
        metadata={
            "passage_id": p.id,
            "source": p.source,
            "title": p.title,
            "page": p.page,
            "start": p.start,
            "end": p.end,
            "score": hit.score,
            "dense": hit.dense,
            "dense_rank": hit.dense_rank,
            "lexical_rank": hit.lexical_rank,
        },
    )


def from_documents(docs: list[Document], index: Store) -> list[Hit]:
    """The hits behind LangChain documents, their passages fetched from the store in one call."""
    passages = index.fetch_passages([d.metadata["passage_id"] for d in docs])
    return [
        Hit(p, d.metadata["score"], d.metadata["dense"], d.metadata["dense_rank"], d.metadata["lexical_rank"])
        for p, d in zip(passages, docs, strict=True)
    ]


def from_document(doc: Document, index: Store) -> Hit:
    return from_documents([doc], index)[0]
