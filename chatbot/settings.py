"""One settings object for the CLI and the app, so both always agree on paths, model and thresholds.

Every field can be set from the environment with the prefix ``CHATBOT_`` (for example
``CHATBOT_INDEX_DIR=/tmp/idx``); CLI flags override the environment.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

CACHE = Path.home() / ".cache" / "chatbot"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHATBOT_", extra="ignore")

    corpus_dir: Path = Path("corpus")
    # Uploaded documents live apart from the shipped corpus; their names carry the prefix "uploads/".
    # Unset: the folder "uploads" beside the index folder, so each index has its own. None: no uploads.
    uploads_dir: Path | None = None
    max_upload_mb: int = 20
    # Any corpus file over this size is refused (checked before it is read), with a reason.
    max_file_mb: int = 50
    index_dir: Path = Path("index")
    model: str = "all-MiniLM-L6-v2"
    backend: str = "extractive"

    # Splitting: passages are runs of whole sentences up to this many characters.
    passage_chars: int = 700
    # Retrieval: passages handed to the answer backend, and the fusion constant of RRF.
    k: int = 5
    candidates: int = 30
    rrf_k: int = 60
    # Extractive composer: at most this many evidence sentences, and the evidence floor
    # (cosine of the best sentence) below which the answer is a refusal.
    max_sentences: int = 3
    min_evidence: float = 0.40
    # Sentence score = w_cosine·cosine(question, sentence) + w_lexical·BM25 (normalised) + w_passage·cosine(passage),
    # plus small bonuses for the expected answer type and a source the question names.
    w_cosine: float = 0.5
    w_lexical: float = 0.3
    w_passage: float = 0.1
    # Answerability is judged on the near-best sentences (within this ratio of the best score);
    # a further sentence is quoted if it scores within keep_ratio of the best.
    near_ratio: float = 0.85
    keep_ratio: float = 0.7

    embed_batch: int = 32

    # Generative backends. ``local``: the packaged Qwen2.5-1.5B GGUF, assembled once into llm_cache_dir.
    llm_cache_dir: Path = CACHE / "models"
    llm_threads: int = 2
    llm_context: int = 2048
    llm_max_tokens: int = 160
    # The prompt shows the best llm_sentences evidence sentences (not whole passages: prefill is the
    # cost on a CPU), each cut to llm_sentence_chars. With llm_gate, the extractive composer's
    # evidence checks run first: when they refuse (or correct a misattribution) no text is generated.
    llm_sentences: int = 6
    llm_sentence_chars: int = 320
    llm_gate: bool = True
    llm_timeout: float = 120.0  # seconds, for the openai backend's requests
    # ``openai``: any OpenAI-compatible chat endpoint; the standard OPENAI_* variables work too.
    openai_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("CHATBOT_OPENAI_BASE_URL", "OPENAI_BASE_URL", "openai_base_url"),
    )
    openai_model: str = Field(
        default="gpt-4o-mini",
        validation_alias=AliasChoices("CHATBOT_OPENAI_MODEL", "OPENAI_MODEL", "openai_model"),
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("CHATBOT_OPENAI_API_KEY", "OPENAI_API_KEY", "openai_api_key"),
    )

    host: str = "127.0.0.1"
    port: int = 7860

    @model_validator(mode="after")
    def _uploads_beside_index(self) -> Settings:
        if "uploads_dir" not in self.model_fields_set:
            self.uploads_dir = self.index_dir.parent / "uploads"
        return self
