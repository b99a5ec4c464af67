"""Hybrid retrieval: dense (FAISS) and lexical (BM25) rankings fused by reciprocal rank.

Dense search finds paraphrases; BM25 finds the names, numbers and rare terms that small
embedding models blur. Reciprocal rank fusion needs no score calibration between the two,
which is why it is the fusion used here. ``HybridRetriever`` exposes it to LangChain.
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
from chatbot.store.index import Index, bm25_scores


@dataclass
class Hit:
    passage: Passage
    score: float  # fused reciprocal-rank score
    dense: float  # cosine similarity of passage and query
    dense_rank: int | None
    lexical_rank: int | None


class Searcher:
    """Ranks passages for a query; query embeddings are cached, since chats repeat questions."""

    def __init__(self, index: Index, embedder: Embedder, candidates: int = 30, rrf_k: int = 60) -> None:
        self.index = index
        self.embedder = embedder
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.query_vector = lru_cache(maxsize=1024)(self._embed)

    def _embed(self, query: str) -> np.ndarray:
        return self.embedder.embed_query(query)

    def search(self, query: str, k: int) -> list[Hit]:
        n = min(self.candidates, len(self.index.passages))
        if n == 0:
            return []
        qv = self.query_vector(query)
        scores, ids = self.index.passage_vectors.search(qv[None, :], n)  # type: ignore[attr-defined]
        dense_rank = {int(i): r for r, i in enumerate(ids[0]) if i >= 0}
        dense_score = {int(i): float(s) for s, i in zip(scores[0], ids[0], strict=True) if i >= 0}

        lexical = bm25_scores(self.index.bm25, query, len(self.index.passages))
        top = np.argsort(-lexical)[:n]
        lexical_rank = {int(i): r for r, i in enumerate(top) if lexical[i] > 0}

        fused: dict[int, float] = {}
        for ranks in (dense_rank, lexical_rank):
            for pid, r in ranks.items():
                fused[pid] = fused.get(pid, 0.0) + 1.0 / (self.rrf_k + r + 1)
        best = sorted(fused, key=lambda pid: -fused[pid])[:k]
        vectors = self.index.passage_vectors
        return [
            Hit(
                passage=self.index.passages[pid],
                score=fused[pid],
                dense=dense_score.get(pid) or float(vectors.reconstruct(pid) @ qv),  # type: ignore[attr-defined]
                dense_rank=dense_rank.get(pid),
                lexical_rank=lexical_rank.get(pid),
            )
            for pid in best
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


def from_document(doc: Document, index: Index) -> Hit:
    m = doc.metadata
    return Hit(index.passages[m["passage_id"]], m["score"], m["dense"], m["dense_rank"], m["lexical_rank"])
