"""The store's tables, its schema version, and the one migration that creates them.

Rows are never updated in place, only added and, later, removed: a document, its pages, passages,
sentences and attributions carry ``born``, the generation that added them, and a document carries
``died``, the generation that retired it. A reader at generation g sees rows born at or before g of
documents not yet dead at g, so a write in progress is invisible and a finished one appears at once.

Vectors are stored in the row (``STORAGE PLAIN``), never compressed or moved out of line: a scan or an
HNSW visit then reads one page, not a TOAST lookup. The HNSW indexes hold half-precision copies of them
(``embedding::halfvec(dim)``): half the index to keep in memory, while the returned cosine is computed
from the full-precision row. ``NEAREST`` is the ordering the indexes serve; a query must spell it alike.

Creating the extension needs a database administrator, once (``CREATE EXTENSION vector``); creating the
tables needs the right to create a schema (``chatbot db migrate``, run by the tables' owner); serving,
uploading and incremental builds need only ``SELECT, INSERT, UPDATE, DELETE`` on them (README).
"""

from __future__ import annotations

from typing import Any

from chatbot.settings import Settings
from chatbot.store.postgres.connect import Database, StoreProblem

# 2: half-precision HNSW indexes (version 1 had full-precision ones; `chatbot db migrate` rebuilds them)
SCHEMA_VERSION = 2
TABLES = ("term_stats", "said_in", "attributions", "sentences", "passages", "pages", "documents", "generations",
          "store_settings", "schema_version")  # fmt: skip
SEQUENCES = ("document_ids", "passage_ids", "sentence_ids", "attribution_ids")

# {dim}, {m} and {ef} are integers from validated settings, formatted in by ``psycopg.sql``.
DDL = """
CREATE TABLE schema_version (version integer NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE store_settings (key text PRIMARY KEY, value jsonb NOT NULL);
CREATE TABLE generations (
  id bigint PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  kind text NOT NULL, manifest jsonb NOT NULL);
CREATE SEQUENCE document_ids; CREATE SEQUENCE passage_ids; CREATE SEQUENCE sentence_ids;
CREATE SEQUENCE attribution_ids;
CREATE TABLE documents (
  id bigint PRIMARY KEY, name text NOT NULL, origin text NOT NULL CHECK (origin IN ('corpus', 'upload')),
  sha256 text NOT NULL, signature text NOT NULL, title text NOT NULL, outlet text NOT NULL,
  author text NOT NULL, date text NOT NULL, url text NOT NULL, pages integer NOT NULL, content bytea,
  born bigint, died bigint, note text, stored_at timestamptz NOT NULL DEFAULT clock_timestamp());
CREATE UNIQUE INDEX documents_live_name ON documents (name) WHERE died IS NULL;
CREATE UNIQUE INDEX documents_live_content ON documents (sha256) WHERE died IS NULL;
CREATE TABLE pages (
  document_id bigint NOT NULL REFERENCES documents ON DELETE CASCADE, ordinal integer NOT NULL,
  number integer, text text NOT NULL, PRIMARY KEY (document_id, ordinal));
CREATE TABLE passages (
  id bigint PRIMARY KEY, document_id bigint NOT NULL REFERENCES documents ON DELETE CASCADE,
  born bigint NOT NULL, source text NOT NULL, title text NOT NULL, page integer,
  start_offset integer NOT NULL, end_offset integer NOT NULL, text text NOT NULL,
  sentences jsonb NOT NULL, first_sentence bigint NOT NULL,
  embedding vector({dim}) NOT NULL, terms tsvector NOT NULL);
CREATE INDEX passages_document ON passages (document_id);
ALTER TABLE passages ALTER COLUMN embedding SET STORAGE PLAIN;
CREATE TABLE sentences (
  id bigint PRIMARY KEY, passage_id bigint NOT NULL REFERENCES passages ON DELETE CASCADE,
  document_id bigint NOT NULL, born bigint NOT NULL, position integer NOT NULL,
  embedding vector({dim}) NOT NULL, terms tsvector NOT NULL, annotations jsonb);
CREATE INDEX sentences_document ON sentences (document_id);
ALTER TABLE sentences ALTER COLUMN embedding SET STORAGE PLAIN;
CREATE TABLE attributions (
  id bigint PRIMARY KEY, document_id bigint NOT NULL REFERENCES documents ON DELETE CASCADE,
  born bigint NOT NULL, source text NOT NULL, speaker text NOT NULL, speaker_words text[] NOT NULL,
  role text NOT NULL, kind text NOT NULL, text text NOT NULL, start_offset integer NOT NULL,
  end_offset integer NOT NULL, page integer, cue text NOT NULL, article_author text);
CREATE INDEX attributions_speaker ON attributions USING gin (speaker_words);
CREATE INDEX attributions_document ON attributions (document_id);
CREATE TABLE said_in (
  sentence_id bigint NOT NULL REFERENCES sentences ON DELETE CASCADE,
  attribution_id bigint NOT NULL REFERENCES attributions ON DELETE CASCADE,
  PRIMARY KEY (sentence_id, attribution_id));
CREATE INDEX said_in_attribution ON said_in (attribution_id);
CREATE TABLE term_stats (
  term text COLLATE "C" PRIMARY KEY, passages integer NOT NULL DEFAULT 0, sentences integer NOT NULL DEFAULT 0);
"""

# The search indexes: dropped and made again after a bulk load into an empty store (much faster than
# inserting row by row into a live HNSW graph).
NEAREST = "(embedding::halfvec({dim})) <=> CAST(%(q)s AS halfvec({dim}))"
VECTOR_INDEXES = ("passages_embedding", "sentences_embedding")


def nearest(dim: int) -> str:
    """The ORDER BY of a vector search that the HNSW indexes serve, the dimension a literal integer."""
    return str(composed(NEAREST, dim=dim).as_string())


SEARCH_INDEXES = {
    "passages_embedding": "CREATE INDEX passages_embedding ON passages USING hnsw "
    "((embedding::halfvec({dim})) halfvec_cosine_ops) WITH (m = {m}, ef_construction = {ef})",
    "sentences_embedding": "CREATE INDEX sentences_embedding ON sentences USING hnsw "
    "((embedding::halfvec({dim})) halfvec_cosine_ops) WITH (m = {m}, ef_construction = {ef})",
    "passages_terms": "CREATE INDEX passages_terms ON passages USING gin (terms)",
    "sentences_terms": "CREATE INDEX sentences_terms ON sentences USING gin (terms)",
}


def composed(template: str, **numbers: int) -> Any:
    """A statement with integers (dimension, HNSW parameters) formatted in as SQL literals, never as text."""
    from psycopg import sql

    return sql.SQL(template).format(**{k: sql.Literal(int(v)) for k, v in numbers.items()})


def create_search_indexes(conn: Any, settings: Settings, dim: int, names: tuple[str, ...] = tuple(SEARCH_INDEXES),
                          timings: dict[str, float] | None = None) -> None:  # fmt: skip
    from chatbot.store.index import Stopwatch

    clock = Stopwatch(timings)
    for name in names:
        with clock(f"{name}_s"):
            conn.execute(
                composed(SEARCH_INDEXES[name], dim=dim, m=settings.hnsw_m, ef=settings.hnsw_ef_construction)
            )


def installed_version(conn: Any, schema: str) -> int | None:
    """The schema version recorded in the store, or None when its tables do not exist yet."""
    found = conn.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{schema}.schema_version"]).fetchone()
    if not found or not found[0]:
        return None
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return int(row[0]) if row and row[0] is not None else None


def stored_settings(conn: Any) -> dict[str, Any]:
    return {k: v for k, v in conn.execute("SELECT key, value FROM store_settings").fetchall()}


def migrate(db: Database, settings: Settings, dim: int, reset: bool = False) -> str:
    """Create the store's schema and tables (or, with ``reset``, drop and make them again). Returns what it did."""
    with db.connection() as conn:
        # A session lock taken before the transaction begins: two servers starting on an empty store queue here,
        # and the second's transaction then sees the first's tables (a lock taken inside it would leave its
        # catalog lookups stale).
        conn.execute("SELECT pg_advisory_lock(hashtext(%s))", [db.schema])
        try:
            with conn.transaction():
                return _migrate(conn, db, settings, dim, reset)
        finally:
            conn.execute("SELECT pg_advisory_unlock(hashtext(%s))", [db.schema])


def _migrate(conn: Any, db: Database, settings: Settings, dim: int, reset: bool) -> str:
    from psycopg import sql

    version = installed_version(conn, db.schema)
    if version == SCHEMA_VERSION and not reset:
        return f"the store at {db.where} is at schema version {SCHEMA_VERSION}; nothing to do"
    if version == 1 and not reset:
        return _upgrade_from_1(conn, db, settings)
    if version is not None and version > SCHEMA_VERSION:
        raise StoreProblem(
            f"the store at {db.where} has schema version {version}, newer than this chatbot's "
            f"{SCHEMA_VERSION}: upgrade chatbot"
        )
    if reset:
        for table in TABLES:
            conn.execute(sql.SQL("DROP TABLE IF EXISTS {} CASCADE").format(sql.Identifier(db.schema, table)))
        for seq in SEQUENCES:
            conn.execute(sql.SQL("DROP SEQUENCE IF EXISTS {}").format(sql.Identifier(db.schema, seq)))
    try:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(db.schema)))
    except Exception as exc:
        raise db.problem(
            f"creating schema {db.schema} (the role needs CREATE on the database)", exc
        ) from None
    conn.execute(composed(DDL, dim=dim))
    create_search_indexes(conn, settings, dim)
    conn.execute("INSERT INTO schema_version (version) VALUES (%s)", [SCHEMA_VERSION])
    record_settings(conn, settings, dim)
    return f"created the store's tables at {db.where} (schema version {SCHEMA_VERSION}, {dim}-d vectors)"


def _upgrade_from_1(conn: Any, db: Database, settings: Settings) -> str:
    """Version 1 → 2: the vector indexes made again over half-precision copies; the rows stay as they are."""
    from psycopg import sql

    conn.execute("SELECT set_config('maintenance_work_mem', %s, true)", [settings.store_build_memory])
    for name in VECTOR_INDEXES:
        conn.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(db.schema, name)))
    create_search_indexes(conn, settings, int(stored_settings(conn)["dim"]), VECTOR_INDEXES)
    conn.execute("INSERT INTO schema_version (version) VALUES (%s)", [SCHEMA_VERSION])
    return f"upgraded the store at {db.where} to schema version {SCHEMA_VERSION} (vector indexes rebuilt)"


def record_settings(conn: Any, settings: Settings, dim: int) -> None:
    from psycopg.types.json import Jsonb

    from chatbot.store.index import FORMAT

    values = {"model": settings.model, "dim": dim, "passage_chars": settings.passage_chars, "format": FORMAT}
    for key, value in values.items():
        conn.execute(
            "INSERT INTO store_settings (key, value) VALUES (%s, %s) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [key, Jsonb(value)],
        )


def check(conn: Any, db: Database, settings: Settings, dim: int | None) -> str | None:
    """Why this store cannot serve these settings (with the command that fixes it), or None if it can."""
    from chatbot.store.index import FORMAT

    version = installed_version(conn, db.schema)
    if version is None:
        return f"the store at {db.where} has no tables yet: run `chatbot db migrate` with the same --store"
    if version != SCHEMA_VERSION:
        return (
            f"the store at {db.where} has schema version {version}, this chatbot needs {SCHEMA_VERSION}: "
            "run `chatbot db migrate` with the same --store"
        )
    stored = stored_settings(conn)
    if dim is not None and stored.get("dim") != dim:
        return (
            f"the store at {db.where} holds {stored.get('dim')}-d vectors of model {stored.get('model')!r}, "
            f"model {settings.model!r} gives {dim}-d ones: run `chatbot db migrate --reset` (it empties the "
            "store, uploads included), then `chatbot build`, with the same --store"
        )
    if stored.get("model") != settings.model or stored.get("format") != FORMAT:
        return (
            f"the store at {db.where} was built with model {stored.get('model')!r} (format {stored.get('format')}), "
            f"settings ask for {settings.model!r} (format {FORMAT}): run `chatbot build --force` with the same --store"
        )
    if stored.get("passage_chars") != settings.passage_chars:
        return "passage size changed: run `chatbot build --force` with the same --store"
    return None
