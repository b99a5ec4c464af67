"""Vectors of texts already embedded, kept between builds, so a rebuild embeds only what is new.

Embedding is nearly all of a build's time; BM25 and an exact FAISS index over the same
records rebuild in milliseconds. Keying by the text itself (with the model) means an
uploaded document costs its own passages only, and a removed one costs nothing.
Stored as one ``.npz`` (keys and vectors together), replaced atomically; no pickle.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from chatbot.store.embeddings import Embedder


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


class EmbeddingCache:
    def __init__(self, folder: Path, model: str) -> None:
        self.folder = folder / hashlib.sha1(model.encode()).hexdigest()[:12]
        self.rows: dict[str, np.ndarray] = {}
        self.used: set[str] = set()
        try:
            with np.load(self.folder / "cache.npz", allow_pickle=False) as data:
                keys, vectors = data["keys"], data["vectors"]
                if len(keys) == len(vectors):
                    self.rows = dict(zip(keys.tolist(), vectors, strict=True))
        except (OSError, ValueError, KeyError):
            pass  # no cache yet, or a damaged one: embed everything again

    def embed(self, embedder: Embedder, texts: Sequence[str],
              progress: Callable[[int], None] | None = None) -> np.ndarray:  # fmt: skip
        """Vectors for ``texts``: cached ones reused, the rest embedded (``progress`` counts those)."""
        keys = [_key(t) for t in texts]
        todo = sorted({k: i for i, k in enumerate(keys) if k not in self.rows}.values())
        if todo:
            fresh = embedder.embed([texts[i] for i in todo], progress)
            self.rows.update((keys[i], v) for i, v in zip(todo, fresh, strict=True))
        self.used.update(keys)
        if not keys:
            return np.zeros((0, embedder.dim), dtype=np.float32)
        return np.stack([self.rows[k] for k in keys]).astype(np.float32)

    def misses(self, texts: Sequence[str]) -> int:
        return len({_key(t) for t in texts} - self.rows.keys())

    def save(self) -> None:
        """Keep the vectors this build used (so the cache never outgrows the corpus), atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.used)
        if not keys:
            return
        tmp = self.folder / f".cache.{os.getpid()}.npz"
        with tmp.open("wb") as fh:
            np.savez(
                fh, keys=np.array(keys), vectors=np.stack([self.rows[k] for k in keys]).astype(np.float32)
            )
        os.replace(tmp, self.folder / "cache.npz")
