"""The dense vector index, with its FAISS type chosen by corpus size.

Below ``EXACT_LIMIT`` vectors the index is exact (``IndexFlatIP``): a brute-force scan of 50k
384-d vectors takes a few milliseconds, and exact is always right. Above it, ``IndexIVFFlat``
(inner product): k-means cells, of which ``nprobe`` are scanned per query. IVF rather than HNSW
because on 2 cores it builds an order of magnitude faster, adds new vectors without any rebuild
(a vector joins its nearest cell; the centroids stay), and keeps stored vectors exact, so
``reconstruct`` returns them unchanged. ``nprobe`` is not a guess: at build time it is raised until
recall@10 against exact search reaches ``TUNE_RECALL`` on hard synthetic queries (stored vectors
with noise twice their length, cosine ≈ 0.45 to their origin: as far as real questions are from
their best passage), and FAISS stores it with the index. On the eval set's real questions that
gives recall@10 ≥ ``TARGET_RECALL`` (measured in benchmarks/scale.py).

Vectors are added in batches (bounded memory: a caller can stream them), with progress. Loading
can memory-map an IVF file (``mmap=True``): pages are read on demand and shared between
processes, but the index is then read-only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import numpy as np

EXACT_LIMIT = 50_000
TARGET_RECALL = 0.95  # what real queries must reach
TUNE_RECALL = 0.99  # what tuning asks of its synthetic queries, for that margin
BATCH = 65_536
TRAIN_PER_CELL = 40  # FAISS warns below 39 training points per centroid


def cells_for(n: int) -> int:
    """IVF cell count: 2·√n (1M → 2,000 cells of ~500 vectors). The usual 4·√n halves the vectors
    scanned per probe but doubles k-means and assignment time, which dominate a build on 2 cores."""
    return max(16, int(2 * np.sqrt(n)))


def create(dim: int, expected: int, train: np.ndarray | None = None, exact_limit: int = EXACT_LIMIT) -> Any:
    """An empty index for about ``expected`` vectors: exact below ``exact_limit``, else trained IVF."""
    import faiss

    if expected < exact_limit:
        return faiss.IndexFlatIP(dim)
    if train is None:
        raise ValueError("an IVF index needs training vectors")
    nlist = min(cells_for(expected), max(16, len(train) // TRAIN_PER_CELL))
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.max_points_per_centroid = TRAIN_PER_CELL * 4
    index.cp.niter = 10  # centroids only route queries; nprobe is then tuned to the recall target
    index.train(np.ascontiguousarray(train, dtype=np.float32))
    index.make_direct_map()  # reconstruct(id), which retrieval uses for passage cosines
    return index


def build(
    vectors: np.ndarray,
    progress: Callable[[int], None] | None = None,
    seed: int = 0,
    exact_limit: int = EXACT_LIMIT,
) -> Any:
    """Index ``vectors`` (rows normalised, float32), adding them in batches; IVF ones get a tuned nprobe."""
    n, dim = vectors.shape
    train = None
    if n >= exact_limit:
        rng = np.random.default_rng(seed)
        size = min(n, cells_for(n) * TRAIN_PER_CELL)
        train = vectors[np.sort(rng.choice(n, size, replace=False))]
    index = create(dim, n, train, exact_limit)
    add(index, batches(vectors), progress)
    if n >= exact_limit:
        tune(index, vectors, seed=seed)
    return index


def batches(vectors: np.ndarray, size: int = BATCH) -> Iterable[np.ndarray]:
    for lo in range(0, len(vectors), size):
        yield vectors[lo : lo + size]


def add(index: Any, chunks: Iterable[np.ndarray], progress: Callable[[int], None] | None = None) -> Any:
    """Append vectors; their ids continue from ``ntotal``. Nothing already indexed is touched or retrained."""
    if is_read_only(index):
        raise ValueError("this index was memory-mapped read-only; load it with mmap=False to add to it")
    for chunk in chunks:
        index.add(np.ascontiguousarray(chunk, dtype=np.float32))
        if progress:
            progress(len(chunk))
    return index


def tune(index: Any, vectors: np.ndarray, k: int = 10, queries: int = 200, seed: int = 0) -> float:
    """Smallest power-of-two ``nprobe`` reaching ``TUNE_RECALL``@k on hard perturbed stored vectors; its recall."""
    import faiss

    ivf = faiss.extract_index_ivf(index)
    rng = np.random.default_rng(seed + 1)
    picked = vectors[rng.choice(len(vectors), min(queries, len(vectors)), replace=False)]
    q = picked + rng.normal(0, 2.0 / np.sqrt(picked.shape[1]), picked.shape).astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    truth = exact_neighbours(vectors, q, k)
    nprobe, found = 1, 0.0
    while True:
        ivf.nprobe = nprobe
        found = recall(index.search(q, k)[1], truth)
        if found >= TUNE_RECALL or nprobe >= ivf.nlist:
            return found
        nprobe *= 2


def exact_neighbours(vectors: np.ndarray, queries: np.ndarray, k: int, chunk: int = BATCH) -> np.ndarray:
    """Ids of the exact top-k by inner product, scanning ``vectors`` in chunks (bounded memory)."""
    best_s = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_i = np.full((len(queries), k), -1, dtype=np.int64)
    for lo in range(0, len(vectors), chunk):
        s = queries @ vectors[lo : lo + chunk].T
        top = np.argpartition(-s, min(k, s.shape[1] - 1), axis=1)[:, :k]
        cand_s = np.concatenate([best_s, np.take_along_axis(s, top, 1)], axis=1)
        cand_i = np.concatenate([best_i, top + lo], axis=1)
        order = np.argsort(-cand_s, axis=1)[:, :k]
        best_s, best_i = np.take_along_axis(cand_s, order, 1), np.take_along_axis(cand_i, order, 1)
    return best_i


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    """Mean share of the true top-k ids that the approximate top-k contains (recall@k)."""
    k = truth.shape[1]
    return float(np.mean([len(set(f[:k]) & set(t)) / k for f, t in zip(found, truth, strict=True)]))


def save(index: Any, path: Path) -> None:
    import faiss

    faiss.write_index(index, str(path))


def load(path: Path, mmap: bool = False) -> Any:
    """Read an index; ``mmap`` maps an IVF file's lists instead of reading them (read-only)."""
    import faiss

    flags = faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mmap else 0
    return faiss.read_index(str(path), flags)


def is_read_only(index: Any) -> bool:
    import faiss

    ivf = faiss.try_extract_index_ivf(index)
    lists = ivf.invlists if ivf is not None else None
    return lists is not None and isinstance(faiss.downcast_InvertedLists(lists), faiss.OnDiskInvertedLists)


def describe(index: Any) -> str:
    import faiss

    ivf = faiss.try_extract_index_ivf(index)
    if ivf is None:
        return f"flat (exact), {index.ntotal:,} vectors"
    return f"IVF{ivf.nlist},Flat nprobe={ivf.nprobe}, {index.ntotal:,} vectors"
