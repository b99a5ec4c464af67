"""The reproducible synthetic corpus for the scale benchmark, and its cached real embeddings.

Text: sentences of two sources that need no download. (1) ``pydoc_data.topics``, the Python
language reference that ships inside every CPython (PSF licence, about 2,900 English prose
sentences); (2) the shipped news corpus (in-domain vocabulary: names, dates, policy words). A
passage is a window of 1–3 consecutive sentences from one source, perturbed by dropping each word
with probability 0.1 and, with probability 0.3, swapping two neighbouring words; a fixed seed makes
it reproducible. Windows keep real discourse (sentences that belong together), and the perturbation
makes almost every passage distinct, so the embeddings are real model outputs of realistic,
non-duplicated text rather than copies.

Vectors beyond the embedded sample (``derive``): v = normalise(a·x_i + (1 − a)·x_j + e) with x_i,
x_j two random real embeddings, a ~ U(0.55, 1) and e ~ N(0, (0.25²/384)·I). Each derived vector
lies near a real one (cosine about 0.9) and between two real ones, so the cloud keeps the real
vectors' anisotropy and cluster structure (what makes ANN search hard or easy) without repeating
any of them.

    .venv/bin/python -m benchmarks.synthetic --n 20000     # embeds once, niced; cached as .npy
"""

from __future__ import annotations

import argparse
import re
import time

import numpy as np

from benchmarks.common import RESULTS, console, corpus_passages

SEED = 7
CACHE = RESULTS / "synthetic"


def sentences() -> list[list[str]]:
    """The two sources' sentences, each source as one list in reading order."""
    import pydoc_data.topics as topics

    text = " ".join(" ".join(topics.topics.values()).split())
    reference = [s for s in re.split(r"(?<=[.!?])\s+", text) if 40 <= len(s) <= 400]
    news = [" ".join(p.text.split()) for p in corpus_passages()]
    news_sentences = [s for p in news for s in re.split(r"(?<=[.!?])\s+", p) if len(s) >= 30]
    return [reference, news_sentences]


def texts(n: int, seed: int = SEED) -> list[str]:
    rng = np.random.default_rng(seed)
    sources = sentences()
    weights = np.array([len(s) for s in sources], dtype=float)
    out = []
    for _ in range(n):
        src = sources[rng.choice(len(sources), p=weights / weights.sum())]
        width = int(rng.integers(1, 4))
        start = int(rng.integers(0, max(1, len(src) - width)))
        words = " ".join(src[start : start + width]).split()
        kept = [w for w in words if rng.random() > 0.1] or words
        if len(kept) > 2 and rng.random() < 0.3:
            i = int(rng.integers(0, len(kept) - 1))
            kept[i], kept[i + 1] = kept[i + 1], kept[i]
        out.append(" ".join(kept))
    return out


PART = 1024


def embedded(n: int, threads: int = 0) -> tuple[np.ndarray, float]:
    """Real embeddings of the first ``n`` synthetic passages, and the passages/s measured making them.

    Embedded in parts of ``PART`` passages, each saved as it finishes, so an interrupted run resumes.
    """
    parts = [CACHE / f"part-{i:04d}.npy" for i in range(0, n, PART)]
    missing = [i for i, p in enumerate(parts) if not p.exists()]
    if missing:
        import torch

        from chatbot.store.embeddings import Embedder

        items = texts(n)
        embedder = Embedder("all-MiniLM-L6-v2")
        embedder.model  # noqa: B018  load it before the clock starts
        if threads:
            torch.set_num_threads(threads)
        CACHE.mkdir(parents=True, exist_ok=True)
        for i in missing:
            t0 = time.perf_counter()
            vectors = embedder.embed(items[i * PART : (i + 1) * PART])
            took = time.perf_counter() - t0
            np.save(parts[i], vectors, allow_pickle=False)
            parts[i].with_suffix(".seconds").write_text(f"{took:.3f}")
            console.print(f"part {i + 1}/{len(parts)}: {len(vectors) / took:.1f} passages/s", highlight=False)
    return available(n)


def available(n: int | None = None) -> tuple[np.ndarray, float]:
    """The contiguous cached parts from the start (up to ``n`` rows), and their measured passages/s."""
    chunks, seconds = [], 0.0
    i = 0
    while (CACHE / f"part-{i:04d}.npy").exists() and (n is None or i < n):
        chunks.append(np.load(CACHE / f"part-{i:04d}.npy", allow_pickle=False))
        seconds += float((CACHE / f"part-{i:04d}.seconds").read_text())
        i += PART  # parts are named by their first row
    if not chunks:
        raise FileNotFoundError(f"no embedded sample in {CACHE}: run python -m benchmarks.synthetic first")
    real = np.concatenate(chunks)[:n]
    return real, len(real) / seconds


def derive(real: np.ndarray, n: int, seed: int = SEED, chunk: int = 100_000) -> np.ndarray:
    """``n`` vectors: the real ones first, then perturbed combinations of random pairs of them."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, real.shape[1]), dtype=np.float32)
    k = min(n, len(real))
    out[:k] = real[:k]
    for lo in range(k, n, chunk):
        hi = min(n, lo + chunk)
        i = rng.integers(0, len(real), hi - lo)
        j = rng.integers(0, len(real), hi - lo)
        a = rng.uniform(0.55, 1.0, (hi - lo, 1)).astype(np.float32)
        v = a * real[i] + (1 - a) * real[j]
        v += rng.normal(0, 0.25 / np.sqrt(real.shape[1]), v.shape).astype(np.float32)
        v /= np.linalg.norm(v, axis=1, keepdims=True)
        out[lo:hi] = v
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: all cores)")
    args = parser.parse_args()
    vectors, rate = embedded(args.n, args.threads)
    console.print(f"{vectors.shape} cached in {CACHE}; measured {rate:.1f} passages/s")


if __name__ == "__main__":
    main()
