"""One settings object for the CLI and the app, so both always agree on paths, model and thresholds.

Every field can be set from the environment with the prefix ``CHATBOT_`` (for example
``CHATBOT_INDEX_DIR=/tmp/idx``); CLI flags override the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from chatbot.errors import ConfigError
from chatbot.text.questions import QuestionKind

CACHE = Path.home() / ".cache" / "chatbot"

# The answer backends a user can name: quoting (always there), the packaged local LLM, an OpenAI-compatible server.
BackendName = Literal["extractive", "local", "openai"]
BACKENDS: tuple[BackendName, ...] = ("extractive", "local", "openai")


def ratio(default: float) -> float:
    """A weight, a share or a similarity: a number in [0, 1]."""
    return Field(default=default, ge=0.0, le=1.0)


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
    # Queries are embedded with the int8 ONNX export of the packaged MiniLM (fast start, no torch) when it is
    # installed; "torch" uses the same model as the index build.
    query_engine: Literal["onnx", "torch"] = "onnx"
    backend: BackendName = "extractive"

    # Splitting: passages are runs of whole sentences up to this many characters.
    passage_chars: int = Field(default=700, ge=100)
    # Retrieval: passages handed to the answer backend, and the fusion constant of RRF.
    k: int = Field(default=5, ge=1)
    candidates: int = Field(default=30, ge=1)
    rrf_k: int = Field(default=60, ge=1)
    # Extractive composer: at most this many evidence sentences.
    max_sentences: int = Field(default=3, ge=1)
    # Sentence score = w_cosine·cosine(question, sentence) + w_lexical·BM25 (normalised) + w_passage·cosine(passage)
    # + w_answer_type if it holds the kind of answer asked for + w_named_source if it is from a source the
    # question names − rank_penalty · its passage's retrieval rank.
    w_cosine: float = ratio(0.5)
    w_lexical: float = ratio(0.3)
    w_passage: float = ratio(0.1)
    w_answer_type: float = ratio(0.1)
    w_named_source: float = ratio(0.1)
    rank_penalty: float = ratio(0.01)
    # A further sentence is quoted if its odds of answering (the sentence model's) are at least keep_ratio of the
    # best sentence's (chosen on dev) and it is no near-duplicate (cosine below duplicate_cosine) of one already
    # quoted. A refusal shows the closest ``closest`` sentences.
    keep_ratio: float = ratio(0.4)
    # So is any sentence (within the answer's limit) whose probability of answering is at least keep_probability,
    # whatever the best one's: by odds alone a near-certain best sentence (0.985) shuts out another the model is
    # near-certain of too (0.958, "The key is to find areas where sharing can reduce systemic risk …"). Chosen
    # on dev, the smallest change with the most items right (1 = off, 0.95, 0.9, 0.8, 0.7, 0.5: 269, 270, 271,
    # 271, 272, 272 of 341 right; median answer 77, 77, 78, 81, 86, 94 words).
    keep_probability: float = ratio(0.7)
    # An explanation, comparison or summary is seldom one sentence: the reason and its setting are spread over
    # the passage, so such a question quotes up to explain_sentences, each at least explain_keep_ratio of the
    # best one's odds. Chosen on dev (grid 3–6 × 0.4–0.05: shipped dev correctness 0.683 → 0.720, citation
    # precision 0.956 → 0.962; 0.05 gained one more dev item for 25 more words, not taken). Their median
    # answer grows from 71 to 101 words; fact questions are untouched.
    explain_sentences: int = Field(default=5, ge=1)
    explain_keep_ratio: float = ratio(0.1)
    duplicate_cosine: float = ratio(0.9)
    closest: int = Field(default=3, ge=1)
    # Every answer also quotes the quote_following sentences after the best one: the answer, the reason or the
    # result often follows the sentence that best matches the question (which names the matter). Chosen on dev
    # (0, 1, 2; first for explanations only, then for every kind of question: the dev halves of every set
    # gained or held). 3 gained again on dev (shipped 0.679 → 0.728) but is not taken: the metric counts facts
    # anywhere in the answer, so it rewards length, and a shipped answer would grow from 77 to 89 words (median;
    # 42 before the change). Answers stay short enough to read at a glance.
    quote_following: int = Field(default=2, ge=0)
    # "Why did X say Y?" is corrected to the real speaker only when the match is strong (cosine at least
    # misattribution_cosine, or that share of the question's claim words in the sentence) and X's own best
    # statement scores below near_ratio of it.
    near_ratio: float = ratio(0.85)
    misattribution_cosine: float = ratio(0.55)
    misattribution_coverage: float = ratio(0.7)

    # The decision models (``chatbot/backends/decisions.json``, trained by ``chatbot train``) look at the best
    # decision_pool candidates. A yes/no question is answered "Yes" when a quoted sentence covers at least
    # yes_coverage of its claim's terms with no veto (or covers no_coverage, lacking only names that its passage
    # and the one before supply, with yes_coverage and no veto there), "No" when one covers no_coverage and
    # contradicts it. yes_coverage was chosen on the dev halves: 0.70 says "Yes" to "can the ider and ider_len
    # arguments be omitted?" over "… the ider and ider_len parameters can be omitted" (0.71), which 0.75 refused;
    # 0.65 gains no dev item and lost a test one.
    decision_pool: int = Field(default=20, ge=1)
    yes_coverage: float = ratio(0.7)
    no_coverage: float = ratio(0.6)

    # The support checker: score = support_cosine_weight · best cosine + (1 − it) · term coverage; a pair
    # with a veto keeps support_veto_factor of its score; supported when the score reaches support_threshold.
    # The threshold was calibrated on the dev half of evals/support_pairs.jsonl.
    support_threshold: float = ratio(0.68)
    support_cosine_weight: float = ratio(0.5)
    support_veto_factor: float = ratio(0.3)

    embed_batch: int = Field(default=32, ge=1)

    # Generative backends. ``local``: the packaged Qwen2.5-1.5B GGUF, assembled once into llm_cache_dir.
    llm_cache_dir: Path = CACHE / "models"
    llm_threads: int = Field(default=2, ge=1)
    llm_context: int = Field(default=2048, ge=256)
    # The output cap, in tokens (a structured reply spends about 10 of them on its JSON per sentence), and the
    # most sentences a structured reply may hold. 80 tokens and 700 evidence characters (below, the quoted
    # answer's own sentences included) meet the speed targets on 2 cores on the dev half (first words p50
    # 2.1 s, full answer p95 6.4 s with llama.cpp built for the CPU; 2.5 s and 6.8 s with the portable build;
    # 112 and 900 gave 3.0 s and 12.5 s for one more correct dev answer on the portable build; 1100 characters
    # and 7 sentences on the native build gained nothing on dev, p95 18.6 s); a reply
    # cut off by the cap keeps its finished sentences.
    llm_max_tokens: int = Field(default=80, ge=16)
    llm_answer_sentences: int = Field(default=3, ge=1)
    # Explanation, comparison and summary replies hold at least this many sentences (a small model otherwise
    # copies the one closest sentence, which the quotes already give).
    llm_explain_sentences: int = Field(default=2, ge=1)
    # Router: the question kinds (chatbot.text.questions.question_kind) the model writes the answer for; the
    # others (typed facts: who / when / how many / which) keep the quoted answer, which names the fact verbatim.
    llm_kinds: tuple[QuestionKind, ...] = ("yes_no", "explanation", "comparison", "summary")
    # The prompt's evidence: the quoted answer's sentences first, then the best candidates that earn their
    # place: at most llm_sentences in all, each scoring at least llm_keep_ratio of the best, at most
    # llm_per_passage from one passage (so several passages and documents get in), each cut to
    # llm_sentence_chars and all together within llm_evidence_chars (prefill is the cost on a CPU).
    # The llm_following sentences after each of the best two go in first: a reason or a result usually follows
    # the sentence that names the matter ("... a 'chips for safety' deal." → "This bargain is an illusion.").
    llm_sentences: int = Field(default=5, ge=1)
    # At most llm_quoted_sentences of the quoted answer's lead the prompt; the rest of the budget goes to
    # sentences the quotes leave out (the answer shows the quotes beside what the model writes anyway).
    llm_quoted_sentences: int = Field(default=2, ge=1)
    llm_following: int = Field(default=2, ge=0)
    llm_keep_ratio: float = ratio(0.6)
    llm_per_passage: int = Field(default=2, ge=1)
    llm_sentence_chars: int = Field(default=320, ge=40)
    llm_evidence_chars: int = Field(default=700, ge=100)
    # With llm_gate, the extractive composer's evidence checks run first: when they refuse (or correct a
    # misattribution) no text is generated, and when they pass, a reply the model declines or that verification
    # empties gives the quoted answer instead (never a refusal the checks did not make).
    llm_gate: bool = True
    # A written answer is followed by the sentences it cites and the quoted answer's, quoted one per line; a
    # quote the answer already says (llm_quote_repeat of its words or more: it copied the sentence) is not.
    llm_quote_evidence: bool = True
    llm_quote_repeat: float = ratio(0.9)
    # Structured replies (JSON of one shape, decoded under a grammar) for the local model.
    llm_structured: bool = True
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

    # The shared store: PostgreSQL with pgvector, instead of the index folder. A ``postgresql://`` URL (the
    # password, if any, is better left to PGPASSWORD or ~/.pgpass); it is a secret: never printed or logged.
    store_url: SecretStr | None = None
    # The PostgreSQL schema holding the store's tables (one schema, one corpus; another schema, another store).
    store_schema: str = Field(default="chatbot", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    # HNSW graph (pgvector, cosine): links per node and candidate list while building; candidate list per
    # query (at least the number of results asked for). At 1M passages m=32/128 with ef_search 400 gave
    # recall@10 0.96 where m=16/64 stopped at 0.94 even at ef_search 1000 (benchmarks/README.md).
    hnsw_m: int = Field(default=32, ge=2, le=100)
    hnsw_ef_construction: int = Field(default=128, ge=4, le=1000)
    hnsw_ef_search: int = Field(default=400, ge=1, le=1000)
    # Memory a build may use to create the vector indexes in one pass (PostgreSQL's maintenance_work_mem).
    # A first load of at least this many passages into an empty store builds the search indexes after the rows.
    store_bulk_rows: int = Field(default=20_000, ge=1)
    store_build_memory: str = Field(default="1GB", pattern=r"^\d+(?:kB|MB|GB)$")
    # A server checks for a newer generation (an upload through another server) at most this often, seconds.
    store_poll_seconds: float = Field(default=1.0, ge=0.0)
    # Rows of a replaced or removed document stay this long, seconds, for questions still reading them.
    store_keep_seconds: float = Field(default=60.0, ge=0.0)
    # ts_rank_cd normalisation (1: divide by 1 + log of the text's length, as BM25 favours shorter texts).
    store_rank_normalization: int = Field(default=1, ge=0, le=63)
    # Lexical search scores at most this many rows: the question's rarest terms pick the candidates (as many
    # terms as fit the budget by document frequency), every term scores them. Exact while a store is small.
    store_lexical_budget: int = Field(default=1000, ge=10)
    # Connections per server process (the web server answers 4 questions at a time, plus uploads).
    store_connections: int = Field(default=8, ge=1)
    # How an OpenAI-compatible server is asked for structured replies: "auto" tries the standard json_schema
    # response format, then llama.cpp's json_object with a schema, then the text format; and which request
    # field carries the output cap (most servers read max_tokens; OpenAI's reasoning models need
    # max_completion_tokens).
    openai_structured: Literal["auto", "json_schema", "json_object", "off"] = "auto"
    openai_max_tokens_param: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"

    host: str = "127.0.0.1"
    port: int = Field(default=7860, ge=0, le=65535)

    @model_validator(mode="after")
    def _uploads_beside_index(self) -> Settings:
        if "uploads_dir" not in self.model_fields_set:
            self.uploads_dir = self.index_dir.parent / "uploads"
        return self


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment and ``overrides``; a value that cannot be used is a ``ConfigError`` that
    names the setting and says what it accepts, in one sentence."""
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        first = exc.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "settings"
        raise ConfigError(f"setting {name} = {first.get('input')!r} cannot be used: {first['msg']}") from None
