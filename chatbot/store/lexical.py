"""BM25 for the files store: exact bm25s scores over the postings of a question's terms, and bounded top-n.

Why apart from ``index``: lexical search is one concern (how a query's terms are scored, how the best few are
picked without sorting everything); the index module is about files, generations and loading.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from chatbot.text.normalise import tokens


def bm25_scores(bm25: object, query: str, size: int) -> np.ndarray:
    """BM25 scores of every document for ``query``; all zero when it has no indexable word ("Who is he?")."""
    terms = tokens(query)
    if not terms:
        return np.zeros(size, dtype=np.float32)
    return np.asarray(bm25.get_scores(terms))  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Sparse:
    """BM25 scores of only the documents holding a query term: sorted document numbers and their scores."""

    ids: np.ndarray
    scores: np.ndarray

    def of(self, numbers: np.ndarray) -> np.ndarray:
        """The scores of ``numbers`` (0 where a document holds no query term)."""
        at = np.searchsorted(self.ids, numbers)
        inside = at < len(self.ids)
        hit = np.zeros(len(numbers), dtype=bool)
        hit[inside] = self.ids[at[inside]] == numbers[inside]
        return np.where(
            hit, self.scores[np.minimum(at, max(len(self.ids) - 1, 0))] if len(self.ids) else 0.0, 0.0
        )


def bm25_sparse(bm25: Any, query: str) -> Sparse:
    """BM25 as bm25s computes it (the same float32 sums, in the same order), over the postings of the query's
    terms only: the cost grows with how common the terms are, not with the size of the corpus."""
    ids = bm25.get_tokens_ids(tokens(query))
    if not ids or getattr(bm25, "nonoccurrence_array", None) is not None:
        dense = bm25_scores(bm25, query, int(bm25.scores["num_docs"])) if ids else np.zeros(0, np.float32)
        found = np.flatnonzero(dense)
        return Sparse(found, dense[found].astype(np.float32))
    data, indices, indptr = bm25.scores["data"], bm25.scores["indices"], bm25.scores["indptr"]
    docs = np.concatenate([indices[indptr[t] : indptr[t + 1]] for t in ids])
    values = np.concatenate([data[indptr[t] : indptr[t + 1]] for t in ids])
    unique, where = np.unique(docs, return_inverse=True)
    sums = np.zeros(len(unique), dtype=np.dtype(bm25.dtype))
    np.add.at(sums, where, values)
    return Sparse(unique.astype(np.int64), sums)


def top(scores: np.ndarray, n: int) -> list[int]:
    """Indices of the ``n`` highest positive scores, best first: ``argpartition`` then a sort of ``n`` only."""
    n = min(n, len(scores))
    if n <= 0:
        return []
    part = np.argpartition(-scores, n - 1)[:n]
    best = part[np.lexsort((part, -scores[part]))]
    return [int(i) for i in best if scores[i] > 0]


def write_bm25(corpus_tokens: list[list[str]], folder: Path) -> None:
    import bm25s

    bm25 = bm25s.BM25()
    bm25.index([t or ["∅"] for t in corpus_tokens], show_progress=False)
    bm25.save(str(folder))
