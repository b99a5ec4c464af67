"""Writes to the shared store: each build, upload or removal is one new generation, in one transaction.

Writers take a transaction-scoped advisory lock (one per store schema), so they queue instead of racing,
and a writer killed with SIGKILL simply never commits: PostgreSQL rolls its transaction back and frees
its lock, and readers go on with the previous generation. Readers never wait for writers (MVCC), and
they cannot see a generation before its transaction commits.

An upload is stored first (``add_upload``: the bytes, as a pending document, guarded by a unique index on
the content hash, so the same file uploaded twice at once is stored once) and indexed next
(``index_pending``: embedded outside the lock, written under it). A build syncs the corpus folder: only
new or changed documents are embedded and written; the rest keep their rows.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from chatbot.grounding.attribution import Attribution, speaker_words
from chatbot.ingest.documents import (
    Document,
    LoadError,
    SourceMeta,
    corpus_fingerprint,
    own_title,
    parse_pages,
)
from chatbot.ingest.intake import Accepted, Rejected
from chatbot.ingest.passages import Passage
from chatbot.settings import Settings
from chatbot.store.embedcache import EmbeddingCache
from chatbot.store.embeddings import Embedder
from chatbot.store.index import Stopwatch, document_info, error_record, fingerprint
from chatbot.store.postgres.connect import Database, StoreProblem, database
from chatbot.store.postgres.schema import check, create_search_indexes, migrate, record_settings
from chatbot.store.postgres.terms import Terms
from chatbot.store.prepare import Annotator, Prepared, Progress, load_all, overlaps, prepare
from chatbot.store.protocol import UPLOADS
from chatbot.text.normalise import tokens

LOCK = "SELECT pg_advisory_xact_lock(hashtext(%s))"
COUNTS = {
    "passages": "SELECT count(*) FROM passages WHERE document_id = ANY(%s)",
    "sentences": "SELECT count(*) FROM sentences WHERE document_id = ANY(%s)",
    "attributions": "SELECT count(*) FROM attributions WHERE document_id = ANY(%s)",
}
# Document frequencies for IDF (``reader``): counted up when rows are added, down when their document dies.
UNCOUNT_TERMS = (
    "INSERT INTO term_stats (term, passages) SELECT lexeme, -count(*) FROM passages, unnest(terms) "
    "WHERE document_id = ANY(%s) GROUP BY lexeme "
    "ON CONFLICT (term) DO UPDATE SET passages = term_stats.passages + EXCLUDED.passages",
    "INSERT INTO term_stats (term, sentences) SELECT lexeme, -count(*) FROM sentences, unnest(terms) "
    "WHERE document_id = ANY(%s) GROUP BY lexeme "
    "ON CONFLICT (term) DO UPDATE SET sentences = term_stats.sentences + EXCLUDED.sentences",
)
COUNT_TERMS = (
    "INSERT INTO term_stats (term, passages, sentences) SELECT * FROM unnest(%s::text[], %s::int[], %s::int[]) "
    "ON CONFLICT (term) DO UPDATE SET passages = term_stats.passages + EXCLUDED.passages, "
    "sentences = term_stats.sentences + EXCLUDED.sentences"
)
PASSAGE_COLUMNS = ("id, document_id, born, source, title, page, start_offset, end_offset, text, sentences, "
                   "first_sentence, embedding, terms")  # fmt: skip
# Binary COPY (vectors travel as 1.5 KB of floats, not 4 KB of digits): each column's type, in order.
PASSAGE_TYPES = ["int8", "int8", "int8", "text", "text", "int4", "int4", "int4", "text", "jsonb", "int8", "vector",
                 "tsvector"]  # fmt: skip
SENTENCE_TYPES = ["int8", "int8", "int8", "int8", "int4", "vector", "tsvector", "jsonb"]
ATTRIBUTION_TYPES = ["int8", "int8", "int8", "text", "text", "text[]", "text", "text", "text", "int4", "int4", "int4",
                     "text", "text"]  # fmt: skip
SENTENCE_COLUMNS = "id, passage_id, document_id, born, position, embedding, terms, annotations"
ATTRIBUTION_COLUMNS = ("id, document_id, born, source, speaker, speaker_words, role, kind, text, start_offset, "
                       "end_offset, page, cue, article_author")  # fmt: skip


def signature(doc: Document) -> str:
    """Content and metadata: a document whose bytes or ``sources.toml`` entry changed is re-indexed."""
    blob = json.dumps([doc.sha256, doc.title, asdict(doc.meta)], sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def current_generation(conn: Any) -> tuple[int, dict[str, Any]]:
    row = conn.execute("SELECT id, manifest FROM generations ORDER BY id DESC LIMIT 1").fetchone()
    return (int(row[0]), dict(row[1])) if row else (0, {})


def ready(db: Database, settings: Settings, dim: int, force: bool = False) -> None:
    """The tables exist (made on first use) and match the settings (a forced build may change the model)."""
    with db.connection() as conn:
        problem = check(conn, db, settings, dim)
    if problem and "no tables yet" in problem:
        migrate(db, settings, dim)
    elif problem and not (force and "build --force" in problem):
        raise StoreProblem(problem)


# -- builds -------------------------------------------------------------------------------------


def build(settings: Settings, embedder: Embedder, progress: Progress | None = None, force: bool = False,
          annotate: Annotator | None = None) -> int:  # fmt: skip
    """Sync the corpus folder into the store as one new generation; returns the generation now current."""
    started = time.perf_counter()
    db = database(settings)
    ready(db, settings, embedder.dim, force)
    docs, errors = load_all(settings.corpus_dir, None, settings.max_file_mb)
    files = corpus_fingerprint(settings.corpus_dir)
    with db.connection() as conn, conn.transaction():
        conn.execute(LOCK, [db.schema])
        purge(conn, settings)
        if force:
            record_settings(conn, settings, embedder.dim)
        g, previous = current_generation(conn)
        live = conn.execute(
            "SELECT id, name, origin, signature, sha256, content FROM documents "
            "WHERE died IS NULL AND born IS NOT NULL ORDER BY id"
        ).fetchall()
        kept_uploads = {sha: name for _, name, origin, _, sha, _ in live if origin == "upload" and not force}
        signed = {name: sig for _, name, origin, sig, _, _ in live if origin == "corpus"}
        current = {d.name: signature(d) for d in docs}
        add: list[Document] = []
        for d in docs:
            if not force and signed.get(d.name) == current[d.name]:
                continue  # unchanged: its rows stay
            if d.sha256 in kept_uploads:
                errors.append(
                    LoadError(d.path, f"duplicate of {kept_uploads[d.sha256]} (same content); indexed once")
                )
            else:
                add.append(d)
        retired = [i for i, name, origin, sig, _, _ in live
                   if origin == "corpus" and (force or current.get(name) != sig)]  # fmt: skip
        uploads = [(i, upload_document(settings, name, sha, bytes(content)))
                   for i, name, origin, _, sha, content in live if origin == "upload" and force]  # fmt: skip
        contents = {
            name: bytes(content) for _, name, origin, _, _, content in live if origin == "upload" and force
        }
        retired += [i for i, _ in uploads]
        fresh = fingerprint(files, settings)
        if not add and not retired and g and previous.get("fingerprint") == fresh:
            return g
        prepared = prepare(add + [d for _, d in uploads], errors, settings.passage_chars, embedder,
                           local_cache(settings), progress, annotate)  # fmt: skip
        if not g and not prepared.passages:
            reasons = (
                "; ".join(f"{e.path.name}: {e.reason}" for e in errors) or "no .txt, .md, .html or .pdf files"
            )
            raise StoreProblem(f"nothing to index in {settings.corpus_dir}: {reasons}")
        new = g + 1
        counts = retire(conn, retired, new, previous)
        origins = ["corpus"] * len(add) + ["upload"] * len(uploads)
        ids = insert_documents(conn, prepared.docs, origins, new, contents)
        counts = add_counts(counts, insert_rows(conn, settings, prepared, ids, new))
        manifest = {
            "fingerprint": fresh,
            "files": files | {n: s for s, n in kept_uploads.items()},
            "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "build_seconds": round(time.perf_counter() - started, 3),
            "errors": [error_record(e, settings.corpus_dir) for e in errors],
        } | counts
        conn.execute(
            "INSERT INTO generations (id, kind, manifest) VALUES (%s, 'build', %s)", [new, _json(manifest)]
        )
    return new


def local_cache(settings: Settings) -> EmbeddingCache | None:
    """The files index's embedding cache on this machine, when there is one: read, never written (it keeps
    only what its own builds use), so a store built from a corpus already indexed here embeds nothing."""
    folder = settings.index_dir / "embed-cache"
    return EmbeddingCache(folder, settings.model) if folder.is_dir() else None


def upload_document(settings: Settings, name: str, sha256: str, content: bytes) -> Document:
    """An uploaded document from its stored bytes, read as its extension says (as the intake stored it)."""
    rest = name.removeprefix(UPLOADS)
    path = (settings.uploads_dir or Path("uploads")) / rest
    suffix = Path(rest).suffix
    return Document(
        path, name, sha256, SourceMeta(), parse_pages(content, suffix), own_title(content, suffix)
    )


# -- uploads ------------------------------------------------------------------------------------


def add_upload(settings: Settings, accepted: Accepted) -> str:
    """Store an accepted upload as a pending document under a free name; its indexed name is returned.

    Two uploads of the same bytes at once: the unique index on live content lets one insert through;
    the other finds the conflict and is refused as a duplicate.
    """
    db = database(settings)
    stem, suffix = Path(accepted.name).stem, Path(accepted.name).suffix
    with db.connection() as conn:
        for n in range(1, 1000):
            name = UPLOADS + (accepted.name if n == 1 else f"{stem} ({n}){suffix}")
            with conn.transaction():
                row = conn.execute(
                    "INSERT INTO documents (id, name, origin, sha256, signature, title, outlet, author, date, "
                    "url, pages, content) VALUES (nextval('document_ids'), %s, 'upload', %s, %s, %s, '', '', '', "
                    "'', %s, %s) ON CONFLICT DO NOTHING RETURNING id",
                    [name, accepted.sha256, accepted.sha256, Path(name).stem.replace("-", " ").replace("_", " "),
                     accepted.pages, accepted.data],
                ).fetchone()  # fmt: skip
                if row:
                    return name
                same = conn.execute(
                    "SELECT name FROM documents WHERE sha256 = %s AND died IS NULL", [accepted.sha256]
                ).fetchone()
            if same:
                raise Rejected(f"this document is already in the corpus, as {same[0]}")
    raise Rejected(f"no free name for {accepted.name} among the uploads")


def index_pending(settings: Settings, embedder: Embedder, progress: Progress | None = None,
                  annotate: Annotator | None = None) -> int | None:  # fmt: skip
    """Index every stored but not yet indexed upload as one new generation; None when there is none."""
    db = database(settings)
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT id, name, sha256, content FROM documents WHERE born IS NULL AND died IS NULL ORDER BY id"
        ).fetchall()
    if not rows:
        return None
    docs, failed = [], []
    for i, name, sha, content in rows:
        try:
            docs.append((i, upload_document(settings, name, sha, bytes(content))))
        except Rejected as exc:
            failed.append((i, str(exc)))
    errors: list[LoadError] = []
    prepared = prepare(
        [d for _, d in docs], errors, settings.passage_chars, embedder, None, progress, annotate
    )
    with db.connection() as conn, conn.transaction():
        conn.execute(LOCK, [db.schema])
        ids = [i for i, _ in docs] + [i for i, _ in failed]
        still = {r[0] for r in conn.execute(
            "SELECT id FROM documents WHERE id = ANY(%s) AND born IS NULL AND died IS NULL", [ids]).fetchall()}  # fmt: skip
        if still != set(ids):  # another server indexed or removed some meanwhile: its generation stands
            return current_generation(conn)[0]
        purge(conn, settings)
        g, previous = current_generation(conn)
        new = g + 1
        for i, reason in failed:
            conn.execute("UPDATE documents SET died = %s, note = %s WHERE id = %s", [new, reason, i])
        by_name = {d.name: i for i, d in docs}
        for d in prepared.docs:
            conn.execute("UPDATE documents SET born = %s WHERE id = %s", [new, by_name[d.name]])
            insert_pages(conn, by_name[d.name], d)
        counts = add_counts(
            retire(conn, [], new, previous), insert_rows(conn, settings, prepared, by_name, new)
        )
        files = dict(previous.get("files", {})) | {d.name: d.sha256 for d in prepared.docs}
        manifest = (
            previous | counts | {"files": files, "built_at": datetime.now(UTC).isoformat(timespec="seconds")}
        )
        conn.execute(
            "INSERT INTO generations (id, kind, manifest) VALUES (%s, 'upload', %s)", [new, _json(manifest)]
        )
    return new


def remove_upload(settings: Settings, name: str) -> int:
    """Retire an uploaded document in a new generation; the shipped corpus cannot be removed from here."""
    db = database(settings)
    with db.connection() as conn, conn.transaction():
        conn.execute(LOCK, [db.schema])
        g, previous = current_generation(conn)
        found = conn.execute(
            "SELECT id, origin FROM documents WHERE name = %s AND died IS NULL", [name]
        ).fetchone()
        if found is None or found[1] != "upload":
            shipped = found is not None
            raise Rejected(f"{name} is part of the shipped corpus; only uploads can be removed" if shipped
                           else f"{name} is not an uploaded document")  # fmt: skip
        counts = retire(conn, [found[0]], g + 1, previous)
        files = {k: v for k, v in previous.get("files", {}).items() if k != name}
        manifest = previous | counts | {"files": files}
        conn.execute(
            "INSERT INTO generations (id, kind, manifest) VALUES (%s, 'remove', %s)", [g + 1, _json(manifest)]
        )
    return g + 1


def uploads(settings: Settings) -> list[str]:
    """Names of the live uploads, indexed or pending."""
    with database(settings).connection() as conn:
        rows = conn.execute(
            "SELECT name FROM documents WHERE origin = 'upload' AND died IS NULL ORDER BY name"
        )
        return [r[0] for r in rows.fetchall()]


# -- rows ---------------------------------------------------------------------------------------


def retire(conn: Any, ids: list[int], new: int, previous: dict[str, Any]) -> dict[str, int]:
    """Mark documents dead as of generation ``new``; the counts that remain."""
    counts = {k: int(previous.get(k, 0)) for k in ("passages", "sentences", "attributions")}
    if ids:
        conn.execute("UPDATE documents SET died = %s WHERE id = ANY(%s)", [new, ids])
        for table, query in COUNTS.items():
            counts[table] -= int(conn.execute(query, [ids]).fetchone()[0])
        for query in UNCOUNT_TERMS:
            conn.execute(query, [ids])
    return counts


def add_counts(counts: dict[str, int], added: dict[str, int]) -> dict[str, int]:
    return {k: counts[k] + added.get(k, 0) for k in counts}


def insert_documents(conn: Any, docs: Sequence[Document], origins: Sequence[str], new: int,
                     contents: dict[str, bytes]) -> dict[str, int]:  # fmt: skip
    ids = {}
    for d, origin in zip(docs, origins, strict=True):
        info = document_info(d)
        row = conn.execute(
            "INSERT INTO documents (id, name, origin, sha256, signature, title, outlet, author, date, url, pages, "
            "content, born) VALUES (nextval('document_ids'), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "RETURNING id",
            [d.name, origin, d.sha256, signature(d), info.title, info.outlet, info.author, info.date, info.url,
             info.pages, contents.get(d.name), new],
        ).fetchone()  # fmt: skip
        ids[d.name] = int(row[0])
        insert_pages(conn, ids[d.name], d)
    return ids


def insert_pages(conn: Any, document_id: int, doc: Document) -> None:
    with conn.cursor().copy("COPY pages (document_id, ordinal, number, text) FROM STDIN") as copy:
        for ordinal, page in enumerate(doc.pages):
            copy.write_row([document_id, ordinal, page.number, page.text])


def reserve(conn: Any, sequence: str, n: int) -> int:
    """The first of ``n`` consecutive ids taken from a sequence (writers hold the lock: no interleaving)."""
    if n == 0:
        return 0
    row = conn.execute("SELECT setval(%s::regclass, nextval(%s::regclass) + %s - 1)", [sequence, sequence, n])
    return int(row.fetchone()[0]) - n + 1


def insert_rows(conn: Any, settings: Settings, prepared: Prepared, doc_ids: dict[str, int],
                new: int, timings: dict[str, float] | None = None) -> dict[str, int]:  # fmt: skip
    """Passages, sentences, attributions and who-said-what links, by COPY; search indexes rebuilt after a bulk
    load into an empty store. Returns the counts added."""
    passages = prepared.passages
    n_sentences = sum(len(p.sentences) for p in passages)
    bulk = len(passages) >= settings.store_bulk_rows and _empty_and_owned(conn)
    if bulk:
        conn.execute("DROP INDEX passages_embedding, sentences_embedding, passages_terms, sentences_terms")
    first_p = reserve(conn, "passage_ids", len(passages))
    first_s = reserve(conn, "sentence_ids", n_sentences)
    first_a = reserve(conn, "attribution_ids", len(prepared.attributions))
    clock = Stopwatch(timings)
    with clock("copy_s"):
        _copy_passages(conn, passages, prepared.passage_vectors, doc_ids, new, first_p, first_s)
        _copy_sentences(conn, prepared, doc_ids, new, first_p, first_s)
        _copy_attributions(conn, prepared.attributions, doc_ids, new, first_a)
    with clock("term_stats_s"):
        count_terms(conn, prepared)
    said = overlaps(passages, prepared.attributions)
    with conn.cursor().copy("COPY said_in (sentence_id, attribution_id) FROM STDIN") as copy:
        for number, items in said.items():
            for i in items:
                copy.write_row([first_s + number, first_a + i])
    if bulk:
        conn.execute("SELECT set_config('maintenance_work_mem', %s, true)", [settings.store_build_memory])
        create_search_indexes(conn, settings, prepared.passage_vectors.shape[1], timings=timings)
        conn.execute("ANALYZE passages; ANALYZE sentences")
    return {"passages": len(passages), "sentences": n_sentences, "attributions": len(prepared.attributions)}


def count_terms(conn: Any, prepared: Prepared) -> None:
    """Add the new rows' document frequencies (each term once per passage, once per sentence)."""
    from collections import Counter

    passages: Counter[str] = Counter(t for p in prepared.passages for t in set(tokens(f"{p.title} {p.text}")))
    sentences: Counter[str] = Counter(t for text in prepared.sentence_texts for t in set(tokens(text)))
    terms = sorted(set(passages) | set(sentences))
    if terms:
        conn.execute(COUNT_TERMS, [terms, [passages[t] for t in terms], [sentences[t] for t in terms]])


def _empty_and_owned(conn: Any) -> bool:
    """A bulk load may drop and remake the search indexes only in an empty store whose tables it owns."""
    row = conn.execute(
        "SELECT NOT EXISTS (SELECT 1 FROM passages) AND pg_has_role(current_user, "
        "(SELECT relowner FROM pg_class WHERE oid = 'passages'::regclass), 'USAGE')"
    ).fetchone()
    return bool(row and row[0])


def _copy_passages(conn: Any, passages: Sequence[Passage], vectors: np.ndarray, doc_ids: dict[str, int],
                   new: int, first_p: int, first_s: int) -> None:  # fmt: skip
    number = first_s
    with conn.cursor().copy(
        "COPY passages (" + PASSAGE_COLUMNS + ") FROM STDIN WITH (FORMAT BINARY)"
    ) as copy:
        copy.set_types(PASSAGE_TYPES)
        for p, vector in zip(passages, vectors, strict=True):
            spans = _json([s.row() for s in p.sentences])
            copy.write_row([first_p + p.id, doc_ids[p.source], new, p.source, p.title, p.page, p.start, p.end,
                            p.text, spans, number, vector, Terms(tokens(f"{p.title} {p.text}"))])  # fmt: skip
            number += len(p.sentences)


def _copy_sentences(conn: Any, prepared: Prepared, doc_ids: dict[str, int], new: int, first_p: int,
                    first_s: int) -> None:  # fmt: skip
    number = 0
    texts = prepared.sentence_texts
    with conn.cursor().copy(
        "COPY sentences (" + SENTENCE_COLUMNS + ") FROM STDIN WITH (FORMAT BINARY)"
    ) as copy:
        copy.set_types(SENTENCE_TYPES)
        for p in prepared.passages:
            for position in range(len(p.sentences)):
                note = prepared.annotations[number]
                copy.write_row([first_s + number, first_p + p.id, doc_ids[p.source], new, position,
                                prepared.sentence_vectors[number], Terms(tokens(texts[number])),
                                None if note is None else _json(note)])  # fmt: skip
                number += 1


def _copy_attributions(conn: Any, items: Sequence[Attribution], doc_ids: dict[str, int], new: int,
                       first_a: int) -> None:  # fmt: skip
    with conn.cursor().copy(
        "COPY attributions (" + ATTRIBUTION_COLUMNS + ") FROM STDIN WITH (FORMAT BINARY)"
    ) as copy:
        copy.set_types(ATTRIBUTION_TYPES)
        for i, a in enumerate(items):
            copy.write_row([first_a + i, doc_ids[a.source], new, a.source, a.speaker, sorted(speaker_words(a.speaker)),
                            a.role, a.kind, a.text, a.start, a.end, a.page, a.cue, a.article_author])  # fmt: skip


def purge(conn: Any, settings: Settings) -> None:
    """Delete what documents retired longer than ``store_keep_seconds`` ago left behind (rows cascade)."""
    conn.execute(
        "DELETE FROM documents WHERE id IN (SELECT d.id FROM documents d JOIN generations g ON g.id = d.died "
        "WHERE g.created_at < clock_timestamp() - make_interval(secs => %s))",
        [settings.store_keep_seconds],
    )


def _json(value: object) -> Any:
    from psycopg.types.json import Jsonb

    return Jsonb(value)
