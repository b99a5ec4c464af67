"""The two stores side by side at scale: files + FAISS + BM25 vs PostgreSQL + pgvector, in one run.

For each size (default 100k and 1M passages) one corpus is built into both stores: the shipped corpus
(real text, real embeddings, real attributions) plus synthetic documents (``benchmarks.synthetic``: text
windows of the Python reference and the news corpus; the first 20k vectors are real MiniLM embeddings
of their texts, the rest derived from them), one sentence per synthetic passage. Then:

* vectors: build time of each vector index (FAISS IVF as the product builds it; pgvector HNSW with
  the settings' ``m``/``ef_construction``), size on disk, query latency p50/p95 (k=10, one query at a
  time, the 139 eval questions as queries) and recall@10 against exact search; HNSW at several
  ``ef_search`` values;
* end to end: retrieve + extractive answer per eval question through each store (the query vector
  cached; its ONNX embedding time reported beside), p50/p95, and how often the two stores agree.

Writes ``benchmarks/results/stores.json``; the local PostgreSQL runs in ``benchmarks/results/stores/pgdata``.

    nice .venv/bin/python -m benchmarks.stores [--sizes 100000 1000000] [--ef 40 100 200]
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import RESULTS, console, eval_questions, percentiles, rss_mb, table, write

OUT = RESULTS / "stores"
PER_DOCUMENT = 100  # synthetic passages per synthetic document


def real_corpus(settings: Any, embedder: Any) -> Any:
    """The shipped corpus prepared as a build prepares it (embeddings cached between runs)."""
    from chatbot.store.embedcache import EmbeddingCache
    from chatbot.store.prepare import load_all, prepare

    docs, errors = load_all(settings.corpus_dir, None)
    cache = EmbeddingCache(OUT / "embed-cache", settings.model)
    prepared = prepare(docs, errors, settings.passage_chars, embedder, cache)
    cache.save()
    return prepared


def synthetic_corpus(n: int, real: np.ndarray, start: int) -> tuple[list[Any], list[Any], np.ndarray]:
    """``n`` synthetic one-sentence passages in documents of ``PER_DOCUMENT``, ids from ``start``; their vectors."""
    from benchmarks.synthetic import derive, texts
    from chatbot.ingest.documents import Document, Page, SourceMeta
    from chatbot.ingest.passages import Passage
    from chatbot.text.sentences import Sentence

    words = texts(n)
    docs, passages = [], []
    for d, lo in enumerate(range(0, n, PER_DOCUMENT)):
        name = f"synthetic/{d:05d}.txt"
        chunk = words[lo : lo + PER_DOCUMENT]
        text, spans, offset = "", [], 0
        for w in chunk:
            spans.append((offset, offset + len(w)))
            text += w + "\n\n"
            offset = len(text)
        title = f"Synthetic document {d}"
        docs.append(
            Document(
                Path(name), name, f"{d:064x}", SourceMeta(title=title), [Page(None, text, [(0, len(text))])]
            )
        )
        for i, (s, e) in enumerate(spans):
            passages.append(
                Passage(name, title, None, s, e, text[s:e], [Sentence(s, e, True)], start + lo + i)
            )
    return docs, passages, derive(real, n)


def corpus(n: int, base: Any, real: np.ndarray) -> Any:
    """The shipped corpus plus ``n`` synthetic passages, as one ``Prepared``."""
    from chatbot.store.prepare import Prepared

    docs, passages, vectors = synthetic_corpus(n, real, len(base.passages))
    return Prepared(
        base.docs + docs,
        list(base.errors),
        base.passages + passages,
        base.attributions,
        np.concatenate([base.passage_vectors, vectors]),
        np.concatenate([base.sentence_vectors, vectors]),
        list(base.annotations) + [None] * len(passages),
    )


def files_store(
    prepared: Any, settings: Any, reuse: dict[str, Any] | None = None
) -> tuple[Any, dict[str, Any]]:
    """Build (or, with ``reuse``, the build figures of an earlier run: load its index) and load the files store."""
    from chatbot.store.index import current_build, load, write_build

    if reuse is not None and current_build(settings.index_dir) is not None:
        t1 = time.perf_counter()
        index = load(settings)
        return index, reuse | {"load_s": round(time.perf_counter() - t1, 1), "reused_build": True}
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    root = write_build(
        settings.index_dir, prepared, settings, {}, prepared.passage_vectors.shape[1], timings=timings
    )
    build_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    index = load(settings)
    return index, {
        "build_s": round(build_s, 1),
        "load_s": round(time.perf_counter() - t1, 1),
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "disk_mb": round(sum(f.stat().st_size for f in root.rglob("*") if f.is_file()) / 2**20, 1),
        "vector_index_mb": round((root / "passages.faiss").stat().st_size / 2**20, 1),
    }


def pg_store(prepared: Any, settings: Any) -> tuple[Any, dict[str, Any]]:
    from psycopg.types.json import Jsonb

    from chatbot.store.postgres.connect import database
    from chatbot.store.postgres.reader import open_view
    from chatbot.store.postgres.schema import migrate
    from chatbot.store.postgres.writer import insert_documents, insert_rows

    db = database(settings)
    dim = prepared.passage_vectors.shape[1]
    migrate(db, settings, dim, reset=True)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    with db.connection() as conn, conn.transaction():
        ids = insert_documents(conn, prepared.docs, ["corpus"] * len(prepared.docs), 1, {})
        counts = insert_rows(conn, settings, prepared, ids, 1, timings)
        conn.execute("INSERT INTO generations (id, kind, manifest) VALUES (1, 'build', %s)", [Jsonb(counts)])
    build_s = time.perf_counter() - t0
    with db.connection() as conn:
        sizes = dict(conn.execute(
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s", [settings.store_schema]).fetchall())  # fmt: skip
    view = open_view(settings)
    return view, {
        "build_s": round(build_s, 1),
        "timings_s": {k: round(v, 1) for k, v in timings.items()},
        "disk_mb": round(sum(sizes.values()) / 2**20, 1),
        "vector_index_mb": round(sizes.get("passages_embedding", 0) / 2**20, 1),
    }


def faiss_vectors(index: Any, queries: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    from benchmarks.scale import latencies
    from chatbot.store import vectors

    ids, ms = latencies(index.passage_vectors, queries)
    return {"index": vectors.describe(index.passage_vectors), "query_ms": percentiles(ms),
            "recall_at_10": round(vectors.recall(ids, truth), 4)}  # fmt: skip


def pg_vectors(view: Any, queries: np.ndarray, truth: np.ndarray, efs: list[int]) -> list[dict[str, Any]]:
    """HNSW alone: the top 10 by cosine, one query at a time over the Unix socket, at each ef_search."""
    from chatbot.store import vectors

    rows = []
    with view.db.connection() as conn:
        first = int(conn.execute("SELECT min(id) FROM passages").fetchone()[0])
        for ef in efs:
            conn.execute("SELECT set_config('hnsw.ef_search', %s, false)", [str(ef)])
            found, ms = [], []
            for q in queries:
                t0 = time.perf_counter()
                got = conn.execute(
                    "SELECT id FROM passages ORDER BY " + view.nearest + " LIMIT 10", {"q": q}
                ).fetchall()
                ms.append((time.perf_counter() - t0) * 1000)
                found.append([int(r[0]) - first for r in got] + [-1] * (10 - len(got)))
            rows.append({"ef_search": ef, "query_ms": percentiles(ms),
                         "recall_at_10": round(vectors.recall(np.array(found), truth), 4)})  # fmt: skip
        conn.execute("SELECT set_config('hnsw.ef_search', %s, false)", [str(view.settings.hnsw_ef_search)])
    return rows


def end_to_end(
    store: Any, settings: Any, embedder: Any, questions: list[str]
) -> tuple[dict[str, Any], list[Any]]:
    """Retrieve + extractive answer for each question, the query vector cached (embedding timed apart)."""
    from chatbot.backends.chain import build_chain
    from chatbot.backends.extractive import ExtractiveBackend
    from chatbot.retrieve import HybridRetriever, Searcher

    searcher = Searcher(store, embedder, settings.candidates, settings.rrf_k)
    chain = build_chain(HybridRetriever(searcher=searcher, k=settings.k), ExtractiveBackend(settings), store)
    embed_ms = []
    for q in questions:
        t0 = time.perf_counter()
        searcher.query_vector(q)
        embed_ms.append((time.perf_counter() - t0) * 1000)
    for q in questions[:10]:  # warm-up: first-use costs are not latency
        chain.invoke(q)
    answers, ms, retrieve_ms = [], [], []
    for q in questions:
        t0 = time.perf_counter()
        answer = chain.invoke(q)
        ms.append((time.perf_counter() - t0) * 1000)
        retrieve_ms.append(answer.timings.get("retrieve_ms", 0.0))
        answers.append(answer)
    return {"embed_ms": percentiles(embed_ms), "answer_ms": percentiles(ms), "retrieve_ms": percentiles(retrieve_ms),
            "answerable": sum(a.answerable for a in answers)}, answers  # fmt: skip


def one_size(n: int, base: Any, real: np.ndarray, queries: np.ndarray, questions: list[str], url: str,
             args: argparse.Namespace, embedder: Any) -> dict[str, Any]:  # fmt: skip
    """One size, in each store asked for; answers kept (answerable, first citation) for the agreement."""
    from pydantic import SecretStr

    from chatbot.settings import Settings
    from chatbot.store import vectors
    from chatbot.store.postgres.reader import open_view

    prepared = corpus(n, base, real)
    truth = vectors.exact_neighbours(prepared.passage_vectors, queries, 10)
    row: dict[str, Any] = {"passages": len(prepared.passages), "synthetic": n}
    if "files" in args.stores:
        settings = Settings(corpus_dir=Path("corpus"), index_dir=OUT / f"files-{n}")
        console.print(f"[bold]{n:,}[/]: files store")
        index, row["files"] = files_store(prepared, settings, earlier_build(args, n, "files"))
        row["files"]["vectors"] = faiss_vectors(index, queries, truth)
        row["files"]["end_to_end"], answers = end_to_end(index, settings, embedder, questions)
        row["files"]["answers"] = summary(answers)
        row["files"]["rss_mb_after_load"] = rss_mb()
        write(f"stores-{args.tag}", {"partial": True, "row": row})
        del index
        gc.collect()
    if "postgresql" in args.stores:
        settings = Settings(corpus_dir=Path("corpus"), index_dir=OUT / f"files-{n}", store_url=SecretStr(url),
                            store_schema=f"bench_{n}", store_build_memory=args.build_memory)  # fmt: skip
        console.print(f"[bold]{n:,}[/]: PostgreSQL store")
        reuse = earlier_build(args, n, "postgresql")
        view = open_view(settings) if reuse is not None else None
        if view is not None and view.manifest.passages == len(prepared.passages):
            row["postgresql"] = reuse | {"reused_build": True}
        else:
            view, row["postgresql"] = pg_store(prepared, settings)
        del prepared
        gc.collect()
        row["postgresql"]["vectors"] = pg_vectors(view, queries, truth, args.ef)
        row["postgresql"]["end_to_end"], answers = end_to_end(view, settings, embedder, questions)
        row["postgresql"]["answers"] = summary(answers)
    return row


def earlier_build(args: argparse.Namespace, n: int, store: str) -> dict[str, Any] | None:
    """With ``--reuse``: the build figures an earlier run (same ``--tag``) recorded for this size and store."""
    import json

    earlier = RESULTS / f"stores-{args.tag}.json"
    if not args.reuse or not earlier.exists():
        return None
    rows = json.loads(earlier.read_text()).get("rows", [])
    found = next((r[store] for r in rows if r["synthetic"] == n and store in r), None)
    if found is None:
        return None
    return {k: found[k] for k in ("build_s", "timings_s", "disk_mb", "vector_index_mb") if k in found}


def summary(answers: list[Any]) -> list[list[Any]]:
    return [[a.answerable, a.citations[0].document if a.citations else None,
             a.citations[0].start if a.citations else None] for a in answers]  # fmt: skip


def agreement(a: list[list[Any]], b: list[list[Any]]) -> dict[str, float]:
    same_flag = np.mean([x[0] == y[0] for x, y in zip(a, b, strict=True)])
    first = [x[1:] == y[1:] for x, y in zip(a, b, strict=True) if x[1] is not None and y[1] is not None]
    return {
        "same_answerable": round(float(same_flag), 3),
        "same_first_citation": round(float(np.mean(first)), 3),
    }


def merged(paths: list[Path]) -> list[dict[str, Any]]:
    """Rows of several runs (each store may have run in its own process), joined by size."""
    import json

    rows: dict[int, dict[str, Any]] = {}
    for path in paths:
        for row in json.loads(path.read_text())["rows"]:
            rows.setdefault(row["passages"], {}).update(row)
    return [rows[k] for k in sorted(rows)]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="synthetic passages"
    )
    parser.add_argument(
        "--stores", nargs="+", default=["files", "postgresql"], choices=["files", "postgresql"]
    )
    parser.add_argument("--ef", type=int, nargs="+", default=[40, 100, 200], help="HNSW ef_search values")
    parser.add_argument(
        "--shared-buffers", default="2GB", help="the local server's shared_buffers (restarts it)"
    )
    parser.add_argument("--build-memory", default="3GB", help="maintenance_work_mem for the HNSW builds")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure the stores an earlier run (same --tag) built, without building",
    )
    parser.add_argument(
        "--sample", type=int, default=20_000, help="real embedded passages (benchmarks.synthetic)"
    )
    parser.add_argument(
        "--tag", default="all", help="name of this run's results: benchmarks/results/stores-TAG.json"
    )
    parser.add_argument(
        "--report", type=Path, nargs="+", help="only print the tables of these result files, merged"
    )
    args = parser.parse_args()
    if args.report:
        rows = merged(args.report)
        report(rows)
        write("stores", {"rows": rows, "merged_from": [str(p) for p in args.report]})
        return
    os.nice(5)
    from benchmarks.scale import query_vectors
    from benchmarks.synthetic import available
    from chatbot.settings import Settings
    from chatbot.store.embeddings import Embedder

    OUT.mkdir(parents=True, exist_ok=True)
    url = configured(OUT / "pgdata", args.shared_buffers) if "postgresql" in args.stores else ""
    real, _ = available(args.sample)
    queries = query_vectors()
    questions = [i.question for i in eval_questions()]
    settings = Settings()
    embedder = Embedder.for_settings(settings)
    base = real_corpus(settings, embedder)
    rows = []
    for n in args.sizes:
        rows.append(one_size(n, base, real, queries, questions, url, args, embedder))
        write(f"stores-{args.tag}", {"real_sample": len(real), "rows": rows})
    report(rows)


def configured(data: Path, shared_buffers: str) -> str:
    """The local server, restarted with ``shared_buffers`` when it differs (a 1M-vector HNSW index is ~2 GB)."""
    import psycopg
    from psycopg import sql

    from chatbot.store.postgres.server import start, stop

    url = start(data)
    with psycopg.connect(url, autocommit=True) as conn:
        current = conn.execute("SHOW shared_buffers").fetchone()[0]
        if current.replace(" ", "") != shared_buffers:
            conn.execute(sql.SQL("ALTER SYSTEM SET shared_buffers = {}").format(sql.Literal(shared_buffers)))
    if current.replace(" ", "") != shared_buffers:
        stop(data)
        url = start(data)
    return url


def report(rows: list[dict[str, Any]]) -> None:
    vec_rows, e2e = [], []
    for r in rows:
        size = f"{r['passages']:,}"
        f, p = r.get("files"), r.get("postgresql")
        if f:
            q = f["vectors"]["query_ms"]
            vec_rows.append([size, f["vectors"]["index"], f["timings_s"].get("passages_faiss_s"), f["vector_index_mb"],
                             f"{q['p50']:.2f} / {q['p95']:.2f}", f["vectors"]["recall_at_10"]])  # fmt: skip
        for v in p["vectors"] if p else []:
            q = v["query_ms"]
            vec_rows.append([size, f"HNSW ef_search={v['ef_search']}", p["timings_s"].get("passages_embedding_s"),
                             p["vector_index_mb"], f"{q['p50']:.2f} / {q['p95']:.2f}", v["recall_at_10"]])  # fmt: skip
        for name, s in (("files", f), ("postgresql", p)):
            if s:
                e = s["end_to_end"]
                e2e.append([size, name, s["build_s"], s["disk_mb"], f"{e['answer_ms']['p50']:.1f} / {e['answer_ms']['p95']:.1f}",
                            f"{e['retrieve_ms']['p50']:.1f}", f"{e['embed_ms']['p50']:.1f}", e["answerable"]])  # fmt: skip
        if f and p and "answers" in f and "answers" in p:
            r["agreement"] = agreement(f["answers"], p["answers"])
    table("Vector search (k=10, the eval questions as queries)",
          ["passages", "index", "build s", "index MB", "p50 / p95 ms", "recall@10"], vec_rows)  # fmt: skip
    table("End to end: retrieve + extractive answer (query vector cached; ONNX embedding beside)",
          ["passages", "store", "build s", "disk MB", "answer p50 / p95 ms", "retrieve p50", "embed p50", "answerable"], e2e)  # fmt: skip
    for r in rows:
        if "agreement" in r:
            console.print(f"{r['passages']:,}: agreement files vs PostgreSQL {r['agreement']}")


if __name__ == "__main__":
    main()
