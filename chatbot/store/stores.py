"""Which store serves these settings, opened, built or checked: the one place that chooses.

No store URL: the files + FAISS + BM25 index in ``settings.index_dir`` (the default, one machine).
A ``postgresql://`` store URL (``--store`` or ``CHATBOT_STORE_URL``): the shared PostgreSQL store, which
several servers read at once. Everything above this module sees only ``chatbot.store.protocol.Store``.
"""

from __future__ import annotations

from collections.abc import Callable

from chatbot.settings import Settings
from chatbot.store.embeddings import Embedder
from chatbot.store.prepare import Annotator, Progress
from chatbot.store.protocol import Store


def shared(settings: Settings) -> bool:
    return settings.store_url is not None


def location(settings: Settings, store: Store | None = None) -> str:
    """Where the index is, for people: a folder, or host/database/schema (never the URL, which may hold a password)."""
    if shared(settings):
        from chatbot.store.postgres.connect import database

        generation = f", generation {store.generation}" if store is not None else ""
        return f"PostgreSQL {database(settings).where}{generation}"
    root = getattr(store, "root", None)
    return str(root if root is not None else settings.index_dir)


def staleness(settings: Settings, dim: int | None = None) -> str | None:
    """Why the store cannot serve these settings as it is (a rebuild fixes it), or None if it can."""
    if not shared(settings):
        from chatbot.store.index import staleness as files_staleness

        return files_staleness(settings)
    from chatbot.ingest.documents import corpus_fingerprint
    from chatbot.store.index import fingerprint
    from chatbot.store.postgres.connect import database
    from chatbot.store.postgres.schema import check
    from chatbot.store.postgres.writer import current_generation

    db = database(settings)
    with db.connection() as conn:
        problem = check(conn, db, settings, dim)
        if problem:
            return problem
        g, manifest = current_generation(conn)
    if not g:
        return "the store is empty"
    files = corpus_fingerprint(settings.corpus_dir)
    if manifest.get("fingerprint") != fingerprint(files, settings):
        known = {k: v for k, v in manifest.get("files", {}).items() if not k.startswith("uploads/")}
        names = sorted({name for name, _ in set(files.items()) ^ set(known.items())})
        return "corpus changed: " + ", ".join(names)
    return None


def build(settings: Settings, embedder: Embedder, progress: Progress | None = None, force: bool = False,
          annotate: Annotator | None = None) -> None:  # fmt: skip
    """Build (files) or sync (PostgreSQL) the index for the corpus folder and make it current."""
    if shared(settings):
        from chatbot.store.postgres.writer import build as pg_build

        pg_build(settings, embedder, progress, force, annotate)
        return
    from chatbot.store.index import build as files_build

    files_build(settings, embedder, progress, annotate)


def open_store(settings: Settings, embedder: Embedder, progress: Progress | None = None,
               notify: Callable[[str], None] | None = None) -> Store:  # fmt: skip
    """The store for these settings, ready to answer.

    Files: loaded if fresh, rebuilt if not. PostgreSQL: built from the corpus folder only while the store is
    empty (a shared store changes through explicit builds and uploads, never because one server's folder
    differs); stored uploads not yet indexed are indexed; a corpus folder that differs is only reported.
    """
    if not shared(settings):
        from chatbot.store.index import open_index

        return open_index(settings, embedder, progress, notify)
    from chatbot.store.postgres.connect import StoreProblem, database
    from chatbot.store.postgres.reader import open_view, require_view
    from chatbot.store.postgres.schema import check
    from chatbot.store.postgres.writer import build as pg_build
    from chatbot.store.postgres.writer import index_pending, ready

    db = database(settings)
    ready(db, settings, embedder.dim)
    if open_view(settings) is None:
        if notify:
            notify(f"Building the store at {db.where} (it is empty).")
        pg_build(settings, embedder, progress)
    index_pending(settings, embedder, progress)
    with db.connection() as conn:
        problem = check(conn, db, settings, embedder.dim)
    if problem:
        raise StoreProblem(problem)
    reason = staleness(settings, embedder.dim)
    if reason and notify:
        notify(
            f"The store at {db.where} differs from {settings.corpus_dir} ({reason}); `chatbot build` syncs it."
        )
    return require_view(settings)


def load_store(settings: Settings) -> Store:
    """The current store without loading the embedding model (it must be fresh: see ``staleness``)."""
    if shared(settings):
        from chatbot.store.postgres.reader import require_view

        return require_view(settings)
    from chatbot.store.index import load

    return load(settings)
