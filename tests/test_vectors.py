"""The size-chosen vector index: exact when small, IVF when large, incremental adds, save/load, recall."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from chatbot.store import vectors
from chatbot.store.embeddings import Embedder, OnnxEncoder

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def real() -> np.ndarray:
    """Real MiniLM vectors of the shipped corpus's sentences, plus perturbed mixes of them (4,000 in all)."""
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s) > 30][:120]
    embedder = Embedder("all-MiniLM-L6-v2")
    if embedder.query_engine == "onnx":
        base = OnnxEncoder.for_path(str(embedder.path)).encode(sentences)
    else:
        base = embedder.embed(sentences)
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, len(base), (2, 4000 - len(base)))
    a = rng.uniform(0.55, 1.0, (len(i), 1)).astype(np.float32)
    mixed = (
        a * base[i] + (1 - a) * base[j] + rng.normal(0, 0.0128, (len(i), base.shape[1])).astype(np.float32)
    )
    mixed /= np.linalg.norm(mixed, axis=1, keepdims=True)
    return np.concatenate([base, mixed]).astype(np.float32)


def test_small_is_exact_large_is_ivf(real: np.ndarray) -> None:
    small = vectors.build(real[:500], exact_limit=1000)
    assert vectors.describe(small).startswith("flat") and small.ntotal == 500
    big = vectors.build(real, exact_limit=1000)
    assert vectors.describe(big).startswith("IVF") and big.ntotal == len(real)
    assert np.allclose(big.reconstruct(7), real[7])  # stored vectors are exact, retrievable by id


def test_ivf_recall_at_10_against_exact(real: np.ndarray) -> None:
    index = vectors.build(real[:3500], exact_limit=1000)
    queries = real[3500:3700]  # not indexed
    truth = vectors.exact_neighbours(real[:3500], queries, 10)
    assert vectors.recall(index.search(queries, 10)[1], truth) >= 0.95
    exact = vectors.build(real[:3500])
    assert (exact.search(queries, 10)[1] == truth).mean() > 0.99


def test_incremental_add_keeps_ids(real: np.ndarray) -> None:
    index = vectors.build(real[:3000], exact_limit=1000)
    before = index.search(real[:5], 3)[1]
    seen: list[int] = []
    vectors.add(index, vectors.batches(real[3000:], 400), seen.append)
    assert index.ntotal == len(real) and seen == [400, 400, 200]
    assert (index.search(real[:5], 1)[1][:, 0] == before[:, 0]).all()
    assert index.search(real[3990:3991], 1)[1][0, 0] == 3990  # a new vector is found under its new id


def test_save_load_round_trip(real: np.ndarray, tmp_path: Path) -> None:
    index = vectors.build(real, exact_limit=1000)
    path = tmp_path / "v.faiss"
    vectors.save(index, path)
    for mmap in (False, True):
        loaded = vectors.load(path, mmap=mmap)
        assert vectors.describe(loaded) == vectors.describe(index)
        assert (loaded.search(real[:20], 10)[1] == index.search(real[:20], 10)[1]).all()
    mapped = vectors.load(path, mmap=True)
    assert vectors.is_read_only(mapped)
    with pytest.raises(ValueError, match="read-only"):
        vectors.add(mapped, [real[:1]])
